"""Webhook rules: the body's bytes, the signature (against a vector made outside this code),
what a receiver's checks reject, how HTTP answers are classed, and which URLs are refused."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.notify.domain.webhooks import (
    TOPICS,
    InvalidWebhook,
    body_of,
    classify_status,
    new_secret,
    sign,
    subscribes_to,
    topics_of,
    topics_text,
    validate_topics,
    validate_url,
    verify,
)
from shared.addresses import is_internal

SECRET = "whsec_test-secret"
AT = datetime(2026, 1, 1, tzinfo=UTC)
TS = 1767225600  # AT as Unix seconds
BODY = body_of("dl-1", "ev-1", "entry_submitted", "ct-1", AT, {"tên": "Mùa xuân"})
# printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac whsec_test-secret
OPENSSL_VECTOR = "d2595e47e3dca97206bb85c86c6feb19a80d942c4403416c6f6533c4a37c1147"


def test_the_body_is_compact_sorted_utf8_json() -> None:
    expected = (
        '{"contest_id":"ct-1","data":{"tên":"Mùa xuân"},"delivery_id":"dl-1",'
        '"event_id":"ev-1","occurred_at":"2026-01-01T00:00:00Z","topic":"entry_submitted"}'
    )
    assert expected.encode() == BODY


def test_the_body_gives_times_in_utc_and_refuses_naive_ones() -> None:
    hanoi = timezone(timedelta(hours=7))
    body = body_of(
        "d", "e", "ping", None, datetime(2026, 1, 1, 9, 30, tzinfo=hanoi), {"at": AT.date()}
    )
    document = json.loads(body)
    assert document["occurred_at"] == "2026-01-01T02:30:00Z"
    assert document["contest_id"] is None
    assert document["data"] == {"at": "2026-01-01"}
    with pytest.raises(ValueError, match="naive"):
        body_of("d", "e", "ping", None, datetime(2026, 1, 1), {})


def test_the_signature_matches_an_independent_hmac_and_openssl() -> None:
    independent = hmac.new(SECRET.encode(), f"{TS}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert independent == OPENSSL_VECTOR
    assert sign(SECRET, TS, BODY) == f"t={TS},v1={OPENSSL_VECTOR}"


def test_verify_accepts_a_fresh_signature_within_the_tolerance() -> None:
    header = sign(SECRET, TS, BODY)
    assert verify(SECRET, header, BODY, now=AT)
    assert verify(SECRET, header, BODY, now=AT + timedelta(seconds=300))
    assert verify(SECRET, header, BODY, now=AT - timedelta(seconds=300))


@pytest.mark.parametrize(
    ("secret", "body", "now", "why"),
    [
        (SECRET, BODY.replace("Mùa xuân".encode(), "Mùa thu".encode()), AT, "body changed"),
        (SECRET, BODY + b" ", AT, "one byte added"),
        ("whsec_other", BODY, AT, "wrong secret"),
        (SECRET, BODY, AT + timedelta(seconds=301), "too old: a replay"),
        (SECRET, BODY, AT - timedelta(seconds=301), "from the future"),
    ],
)
def test_verify_rejects(secret: str, body: bytes, now: datetime, why: str) -> None:
    assert not verify(secret, sign(SECRET, TS, BODY), body, now=now), why


@pytest.mark.parametrize(
    "header",
    [
        "",
        f"v1={OPENSSL_VECTOR}",  # no timestamp
        f"t={TS}",  # no signature
        f"t=abc,v1={OPENSSL_VECTOR}",
        f"t={TS},t={TS},v1={OPENSSL_VECTOR}",
        f"t={TS + 1},v1={OPENSSL_VECTOR}",  # timestamp changed after signing
        f"t={TS},v0={OPENSSL_VECTOR}",  # unknown scheme
        f"t={TS},v1={OPENSSL_VECTOR.upper()[:-1]}",
    ],
)
def test_verify_rejects_malformed_or_tampered_headers(header: str) -> None:
    assert not verify(SECRET, header, BODY, now=AT)


def test_verify_accepts_any_of_several_signatures_during_a_rotation() -> None:
    old = sign("whsec_old", TS, BODY).split(",")[1]
    header = f"{sign(SECRET, TS, BODY)},{old}"
    assert verify(SECRET, header, BODY, now=AT)
    assert verify("whsec_old", header, BODY, now=AT)
    assert not verify("whsec_third", header, BODY, now=AT)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (200, "delivered"),
        (202, "delivered"),
        (204, "delivered"),
        (299, "delivered"),
        (408, "temporary"),
        (425, "temporary"),
        (429, "temporary"),
        (500, "temporary"),
        (502, "temporary"),
        (503, "temporary"),
        (599, "temporary"),
        (301, "permanent"),
        (302, "permanent"),
        (307, "permanent"),
        (400, "permanent"),
        (401, "permanent"),
        (403, "permanent"),
        (404, "permanent"),
        (410, "permanent"),
        (413, "permanent"),
        (422, "permanent"),
    ],
)
def test_classify_status(code: int, kind: str) -> None:
    assert classify_status(code) == kind


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.vn/lantoa",
        "http://127.0.0.1:8080/hook?source=lantoa&x=1",
        "HTTPS://Example.COM",
        "https://[2001:db8::1]:8443/hook",
    ],
)
def test_valid_urls_are_kept(url: str) -> None:
    assert validate_url(f"  {url} ") == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "phải là URL đầy đủ bắt đầu bằng http:// hoặc https://"),
        ("ftp://example.com/hook", "/ the webhook URL must be an absolute http:// or https://"),
        ("/api/hook", "must be an absolute"),
        ("example.com/hook", "must be an absolute"),
        ("//example.com/hook", "must be an absolute"),
        ("http://user:pw@example.com/hook", "không được chứa tên đăng nhập hay mật khẩu"),
        ("https://token@example.com/", "must not contain credentials"),
        ("https://example.com/hook#part", "không được có phần # (fragment)"),
        ("https://example.com/hook#", "must not have a fragment"),
        ("https:///path-only", "thiếu tên máy chủ / the webhook URL has no host"),
        ("https://example.com:99999/", "Cổng trong địa chỉ webhook không hợp lệ"),
        ("https://example.com:port/", "invalid port"),
        ("https://example.com/a b", "khoảng trắng"),
        ("https://example.com/\x00", "control characters"),
        ("   ", "Chưa nhập địa chỉ webhook / the webhook URL is empty"),
        ("https://example.com/" + "a" * 2000, "dài quá 2000 ký tự"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(InvalidWebhook) as refused:
        validate_url(url)
    message = str(refused.value)
    assert reason in message
    assert " / " in message  # Vietnamese first, English after


def test_topics_are_checked_ordered_and_stored_comma_separated() -> None:
    assert validate_topics([]) == ()
    chosen = validate_topics(["ping", "entry_submitted", "ping"])
    assert chosen == ("entry_submitted", "ping")
    assert topics_of(topics_text(chosen)) == chosen
    with pytest.raises(InvalidWebhook, match="Không có loại sự kiện entry_deleted"):
        validate_topics(["entry_submitted", "entry_deleted"])
    assert set(TOPICS) >= {"entry_submitted", "results_approved", "announcement", "ping"}


def test_an_empty_topic_list_subscribes_to_everything() -> None:
    assert subscribes_to("", "results_approved")
    assert subscribes_to("entry_submitted,results_approved", "results_approved")
    assert not subscribes_to("entry_submitted", "results_approved")


def test_secrets_are_fresh_and_long() -> None:
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_") and len(first) >= 40
    assert len(first) <= 128  # fits the column


@pytest.mark.parametrize(
    ("address", "internal"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.9", True),
        ("192.168.1.10", True),
        ("169.254.169.254", True),
        ("0.0.0.0", True),
        ("::1", True),
        ("fe80::1%eth0", True),
        ("::ffff:127.0.0.1", True),
        ("fd00::5", True),
        ("203.113.131.1", False),  # a public address in Vietnam
        ("2001:ee0:4f4b::1", False),
    ],
)
def test_internal_addresses_are_recognised(address: str, internal: bool) -> None:
    assert is_internal(address) is internal
