"""Notify's domain: templates (autoescaped, strict), retry timing, which failures are final."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import UndefinedError

from services.notify.domain.formatting import local_datetime
from services.notify.domain.retry import retry_delay, smtp_failure_is_temporary
from services.notify.domain.templates import render

CONTEXT = {
    "name": "Lộc Thị Mai",
    "code": "LS26-BC-0007",
    "title": "Người gác rừng <script>alert(1)</script>",
    "category": "Báo in, báo điện tử",
    "submitted_at": "09:30 ngày 26/11/2026",
    "files": 2,
    "portal_url": "http://127.0.0.1:8001",
}


def test_receipt_in_vietnamese_and_english() -> None:
    vi = render("entry_receipt", "vi", CONTEXT)
    en = render("entry_receipt", "en", CONTEXT)
    assert vi.subject == "[Lan Toả] Đã nhận bài dự thi LS26-BC-0007"
    assert en.subject == "[Lan Toả] Entry LS26-BC-0007 received"
    assert "Kính gửi Lộc Thị Mai" in vi.text and "Dear Lộc Thị Mai" in en.text
    assert render("entry_receipt", "fr", CONTEXT).language == "vi"  # unknown language: Vietnamese


def test_html_is_escaped_and_text_is_not_html() -> None:
    message = render("entry_receipt", "vi", CONTEXT)
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "<script>" in message.text  # plain text shows what the author typed


def test_a_missing_variable_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        render("entry_receipt", "vi", {k: v for k, v in CONTEXT.items() if k != "code"})


def test_a_subject_cannot_carry_a_header() -> None:
    with pytest.raises(ValueError, match="one line"):
        render("entry_receipt", "vi", {**CONTEXT, "code": "X\r\nBcc: everyone@example.org"})


def test_retry_delays_grow_with_jitter_and_are_capped() -> None:
    rng = random.Random(7)
    delays = [retry_delay(n, rng) for n in range(1, 20)]
    assert timedelta(seconds=15) <= delays[0] <= timedelta(seconds=30)
    assert delays[3] > delays[0]
    assert max(delays) <= timedelta(hours=6)
    assert len({d.total_seconds() for d in delays}) > 10  # jittered


def test_which_smtp_failures_are_worth_retrying() -> None:
    assert smtp_failure_is_temporary(421)
    assert smtp_failure_is_temporary(451)
    assert smtp_failure_is_temporary(None)  # the connection itself failed
    assert not smtp_failure_is_temporary(550)
    assert not smtp_failure_is_temporary(553)


def test_times_are_shown_in_vietnam() -> None:
    assert local_datetime(datetime(2026, 11, 26, 2, 30, tzinfo=UTC)) == "09:30 ngày 26/11/2026"
