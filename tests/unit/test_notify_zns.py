"""Zalo ZNS rules: phone numbers, template data, sending hours, the quota's calendar day,
what Zalo's error codes mean, and the callback signature."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from services.notify.domain.phones import InvalidPhone, normalize_vn_phone
from services.notify.domain.zns import (
    ZnsMapping,
    ZnsMappingError,
    ZnsParam,
    ZnsParamError,
    check_mapping,
    classify_zns_error,
    event_signature,
    mapping_from_json,
    next_quota_reset,
    params_to_json,
    quota_day,
    sending_window,
    signature_matches,
    template_data,
)

VN = timezone(timedelta(hours=7))


def local(hour: int, minute: int = 0, day: int = 26) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=VN)


# Phones


@pytest.mark.parametrize(
    "raw",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912.345.678",
        "+84912345678",
        "84912345678",
        "0084 912 345 678",
        "(+84) 912 345 678",
        "+84 0912 345 678",
        "912345678",
    ],
)
def test_usual_writings_of_a_mobile_number_become_84(raw: str) -> None:
    assert normalize_vn_phone(raw) == "84912345678"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0321234567", "84321234567"),  # Viettel 03x
        ("0587654321", "84587654321"),  # Vietnamobile 05x
        ("0701234567", "84701234567"),  # MobiFone 07x
        ("0868123456", "84868123456"),  # Viettel 08x
        ("0999999999", "84999999999"),  # Gmobile 099
    ],
)
def test_each_current_prefix_range_is_accepted(raw: str, expected: str) -> None:
    assert normalize_vn_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "Chưa có số điện thoại"),
        ("   ", "Chưa có số điện thoại"),
        ("0912 345 67", "10 chữ số"),
        ("09123456789", "10 chữ số"),
        ("+1 415 555 0100", "Chỉ nhận số di động Việt Nam"),
        ("0243 826 1234", "số máy bàn"),
        ("0112345678", "Đầu số 011"),
        ("0301234567", "Đầu số 030"),
        ("0912 345 6a8", "chỉ gồm chữ số"),
        ("0912 345 678 ext 2", "chỉ gồm chữ số"),
        ("０９１２３４５６７８", "chỉ gồm chữ số"),  # full-width digits
        ("+84+912345678", "chỉ gồm chữ số"),
    ],
)
def test_anything_else_is_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_vn_phone(raw)
    assert reason in str(caught.value)
    assert " / " in str(caught.value)  # Vietnamese, then English
    assert isinstance(caught.value, ValueError)


# Template data

MAPPING = ZnsMapping(
    template="entry_received",
    zns_template_id="301234",
    tag="transaction",
    params=(
        ZnsParam("customer_name", "name"),
        ZnsParam("entry_code", "entry.code", max_length=20),
        ZnsParam("files", "entry.files", kind="number"),
        ZnsParam("submitted_at", "submitted_at", kind="date"),
        ZnsParam("note", "note", required=False),
    ),
)
CONTEXT: dict[str, Any] = {
    "name": "Lộc Thị Mai",
    "entry": {"code": "LS26-BC-0007", "files": 2},
    "submitted_at": "09:30 26/11/2026",
}


def test_template_data_takes_dotted_sources_and_turns_numbers_into_text() -> None:
    assert template_data(MAPPING, CONTEXT) == {
        "customer_name": "Lộc Thị Mai",
        "entry_code": "LS26-BC-0007",
        "files": "2",
        "submitted_at": "09:30 26/11/2026",
    }


def test_an_optional_parameter_is_sent_when_present() -> None:
    data = template_data(MAPPING, {**CONTEXT, "note": "  Bổ sung ảnh  "})
    assert data["note"] == "Bổ sung ảnh"


def test_dates_and_datetimes_are_written_the_vietnamese_way() -> None:
    mapping = ZnsMapping(
        "deadline_near",
        "1",
        "customer_care",
        (ZnsParam("day", "day", kind="date"), ZnsParam("at", "at", kind="date")),
    )
    data = template_data(
        mapping, {"day": date(2026, 12, 1), "at": datetime(2026, 12, 1, 10, 0, tzinfo=UTC)}
    )
    assert data == {"day": "01/12/2026", "at": "17:00 01/12/2026"}


@pytest.mark.parametrize(
    ("context", "param", "reason"),
    [
        ({**CONTEXT, "name": None}, "customer_name", "Thiếu giá trị"),
        ({**CONTEXT, "name": "   "}, "customer_name", "Thiếu giá trị"),
        ({k: v for k, v in CONTEXT.items() if k != "entry"}, "entry_code", "entry.code"),
        ({**CONTEXT, "name": "N" * 31}, "customer_name", "31 ký tự, quá giới hạn 30"),
        (
            {**CONTEXT, "entry": {"code": "X" * 21, "files": 1}},
            "entry_code",
            "quá giới hạn 20",
        ),
        ({**CONTEXT, "entry": {"code": "A", "files": "hai"}}, "files", "phải là số"),
        ({**CONTEXT, "entry": {"code": "A", "files": True}}, "files", "đúng/sai"),
        ({**CONTEXT, "name": ["Mai"]}, "customer_name", "phải là chữ hoặc số"),
    ],
)
def test_bad_values_name_the_parameter_and_the_reason(
    context: dict[str, Any], param: str, reason: str
) -> None:
    with pytest.raises(ZnsParamError) as caught:
        template_data(MAPPING, context)
    assert caught.value.param == param
    assert param in str(caught.value)
    assert reason in str(caught.value)


def test_exactly_max_length_is_allowed() -> None:
    data = template_data(MAPPING, {**CONTEXT, "name": "N" * 30})
    assert len(data["customer_name"]) == 30


def test_mappings_round_trip_through_json() -> None:
    stored = params_to_json(MAPPING.params)
    again = mapping_from_json("entry_received", "301234", "transaction", stored)
    assert again == MAPPING


def test_check_mapping_lists_every_problem() -> None:
    bad = ZnsMapping(
        "Entry-Received",
        "abc",
        "marketing",  # type: ignore[arg-type]
        (
            ZnsParam("name", "name", max_length=0),
            ZnsParam("name", "bad source!", max_length=501, kind="money"),  # type: ignore[arg-type]
        ),
    )
    with pytest.raises(ZnsMappingError) as caught:
        check_mapping(bad)
    text = " | ".join(caught.value.problems)
    for fragment in (
        "Tên mẫu",
        "Mã mẫu ZNS",
        "Loại tin 'marketing'",
        "từ 1 đến 500",
        "bị lặp",
        "Nguồn 'bad source!'",
        "Kiểu 'money'",
    ):
        assert fragment in text
    assert check_mapping(MAPPING) is MAPPING


# Sending hours (07:00-22:00 Vietnam for care and promotion; transactions at any hour)


@pytest.mark.parametrize("tag", ["customer_care", "promotion"])
def test_care_and_promotion_wait_for_the_day(tag: str) -> None:
    assert sending_window(local(6, 59), tag) == local(7).astimezone(UTC)
    assert sending_window(local(7, 0), tag) is None
    assert sending_window(local(21, 59), tag) is None
    assert sending_window(local(22, 0), tag) == local(7, day=27).astimezone(UTC)
    assert sending_window(local(23, 30), tag) == local(7, day=27).astimezone(UTC)
    assert sending_window(local(0, 0), tag) == local(7).astimezone(UTC)


def test_the_window_is_returned_in_utc_whatever_zone_now_is_in() -> None:
    now_utc = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 23:00 in Vietnam
    opens = sending_window(now_utc, "customer_care")
    assert opens == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 07:00 on the 27th
    assert opens is not None and opens.utcoffset() == timedelta(0)


def test_a_transaction_goes_at_23_00() -> None:
    assert sending_window(local(23, 0), "transaction") is None
    assert sending_window(local(3, 0), "transaction") is None


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        sending_window(datetime(2026, 11, 26, 23, 0), "customer_care")


# The quota's day is Vietnam's calendar day


def test_quota_day_follows_vietnam_midnight_not_utc() -> None:
    assert quota_day(datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC)) == date(2026, 11, 26)
    assert quota_day(datetime(2026, 11, 26, 17, 0, tzinfo=UTC)) == date(2026, 11, 27)
    assert quota_day(local(0, 0)) == date(2026, 11, 26)
    assert quota_day(local(23, 59)) == date(2026, 11, 26)


def test_next_quota_reset_is_the_next_local_midnight_in_utc() -> None:
    reset = next_quota_reset(local(15, 0))
    assert reset == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert reset.tzinfo is not None
    assert next_quota_reset(local(0, 0)) == reset  # midnight itself: the next one
    assert next_quota_reset(datetime(2026, 12, 31, 17, 30, tzinfo=UTC)) == datetime(
        2027, 1, 1, 17, 0, tzinfo=UTC
    )


# Zalo's error codes


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        (0, "ok"),
        (-124, "refresh_token"),
        (-216, "refresh_token"),
        (-115, "quota"),
        (-144, "quota"),
        (-108, "permanent"),  # phone number invalid
        (-109, "permanent"),  # template id invalid
        (-112, "permanent"),  # template data invalid
        (-118, "permanent"),  # Zalo account does not exist
        (-131, "permanent"),  # template not approved
        (-139, "permanent"),  # the recipient refused this kind of ZNS
        (-100, "temporary"),  # unknown error, "try again later"
        (-133, "temporary"),  # not at night: passes
        (-999, "temporary"),  # unknown
        (17, "temporary"),
    ],
)
def test_error_codes(code: int, verdict: str) -> None:
    assert classify_zns_error(code) == verdict


# Callback signature


def test_event_signature_is_mac_sha256_of_app_body_timestamp_secret() -> None:
    body = b'{"event_name":"user_received_message","timestamp":"1764120000000"}'
    expected = hashlib.sha256(b"app-1" + body + b"1764120000000" + b"oa-secret").hexdigest()
    assert event_signature("app-1", body, "1764120000000", "oa-secret") == "mac=" + expected
    assert signature_matches("mac=" + expected, "app-1", body, "1764120000000", "oa-secret")
    assert not signature_matches(
        "mac=" + expected, "app-1", body + b" ", "1764120000000", "oa-secret"
    )
    assert not signature_matches(expected, "app-1", body, "1764120000000", "oa-secret")
    assert not signature_matches("mac=" + expected, "app-1", body, "1764120000001", "oa-secret")
