"""The pure parts of outlets and publication jobs: backoff with jitter, when a job is due,
which actions each status allows, which addresses and categories an outlet may have; the
registry finds every kind."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from services.publish.domain.jobs import (
    MAX_DELAY_SECONDS,
    after_temporary_failure,
    first_due,
    gave_up,
    may_reschedule,
    may_retry_now,
    retract_action,
    retry_delay,
    status_name,
)
from services.publish.domain.outlets import (
    address_problems,
    category_problems,
    credentials_given,
    name_problems,
    normalise_categories,
    takes_category,
    url_settings,
)
from services.publish.outlets.kinds.wordpress import ADAPTER as WORDPRESS
from services.publish.outlets.kinds.zalo_oa import ADAPTER as ZALO
from services.publish.outlets.registry import adapters

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    rng = random.Random(7)
    for attempt in range(1, 8):
        ceiling = 60.0 * 2 ** (attempt - 1)
        delays = [retry_delay(attempt, 60.0, rng).total_seconds() for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len({round(d, 3) for d in delays}) > 100  # spread, not one instant
    assert retry_delay(40, 60.0, rng) <= timedelta(seconds=MAX_DELAY_SECONDS)


def test_a_job_is_due_now_or_when_its_outlet_starts() -> None:
    assert first_due(NOW, None) == NOW
    assert first_due(NOW, NOW + timedelta(days=2)) == NOW + timedelta(days=2)
    assert first_due(NOW, NOW - timedelta(days=2)) == NOW  # a past date: now


def test_temporary_failures_are_retried_until_the_last_attempt() -> None:
    assert after_temporary_failure(1, 3) == "retry"
    assert after_temporary_failure(2, 3) == "retry"
    assert after_temporary_failure(3, 3) == "give_up"
    assert "3" in gave_up(3, "HTTP 500") and "HTTP 500" in gave_up(3, "HTTP 500")


@pytest.mark.parametrize(
    ("status", "retract", "retry", "reschedule"),
    [
        ("scheduled", "cancel", True, True),
        ("running", None, False, False),
        ("published", "retract", False, False),
        ("failed", "cancel", True, True),
        ("retracting", None, True, False),
        ("retracted", None, False, False),
        ("canceled", None, False, False),
    ],
)
def test_what_each_status_allows(
    status: str, retract: str | None, retry: bool, reschedule: bool
) -> None:
    assert retract_action(status) == retract
    assert may_retry_now(status) is retry
    assert may_reschedule(status) is reschedule
    assert " / " in status_name(status)  # Vietnamese / English


@pytest.mark.parametrize(
    ("url", "private_ok", "problem"),
    [
        ("https://baolangson.vn", False, None),
        ("http://baolangson.vn:8080/wp", False, None),
        ("ftp://baolangson.vn", False, "http:// hoặc https://"),
        ("baolangson.vn", False, "http:// hoặc https://"),
        ("https://", False, "tên máy chủ"),
        ("https://user:pw@baolangson.vn", False, "mật khẩu"),
        ("http://127.0.0.1:9000", False, "mạng nội bộ"),
        ("http://localhost/wp", False, "mạng nội bộ"),
        ("http://169.254.169.254/latest", False, "mạng nội bộ"),
        ("http://[::ffff:10.0.0.1]/", False, "mạng nội bộ"),
        ("http://192.168.1.5/wp", True, None),  # a closed provincial network, allowed
        ("https://bao.vn:99999", False, "http:// hoặc https://"),
        ("https://" + "a" * 2000 + ".vn", False, "quá dài"),
    ],
)
def test_outlet_addresses(url: str, private_ok: bool, problem: str | None) -> None:
    found = address_problems(url, private_ok)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0] and " / " in found[0]


def test_categories_and_names() -> None:
    assert normalise_categories([" th", "BC", "th", ""]) == ["TH", "BC"]
    assert category_problems(["BC", "TH-2"]) == []
    assert category_problems(["B C"]) and category_problems(["<script>"])
    assert takes_category([], "BC") and takes_category(["BC"], "bc")
    assert not takes_category(["TH"], "BC")
    assert name_problems("Báo Lạng Sơn") == [] and name_problems("  ") != []
    assert credentials_given({"a": "x", "b": " ", "c": ""}) == {"a": "x"}
    assert url_settings({"oauth_url": "https://x", "app_id": "1", "empty_url": ""}) == ["https://x"]


def test_the_registry_finds_every_kind_with_its_checks() -> None:
    found = adapters()
    assert {"wordpress", "zalo_oa"} <= set(found)
    for adapter in found.values():
        assert " / " in adapter.label and adapter.secret_fields is not None
    assert WORDPRESS.check("https://x.vn", {}, {"username": "u", "application_password": "p"}) == []
    assert len(WORDPRESS.check("https://x.vn", {"status": "trash"}, {})) == 3
    assert len(ZALO.check("https://openapi.zalo.me", {}, {})) == 3
    assert (
        ZALO.check(
            "https://openapi.zalo.me",
            {"app_id": "1"},
            {"app_secret": "s", "access_token": "a", "refresh_token": "r"},
        )
        == []
    )
