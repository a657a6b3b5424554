"""Results, publications and announcements as each person reads them, and the signed links that
turn non-essential messages off: pure rules, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.notify.domain.formatting import money
from services.notify.domain.messages import (
    ContestantEntry,
    Recipient,
    announcement_messages,
    published_message,
    results_messages,
)
from services.notify.domain.preferences import (
    BadUnsubscribeToken,
    is_essential,
    read_unsubscribe_token,
    unsubscribe_token,
)
from services.notify.domain.templates import render
from shared.contracts.judging import ResultsApprovedPayload, Winner
from shared.contracts.publish import PublicationPayload
from shared.contracts.submissions import Authorship

AT = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
RESULTS_URL = "https://thi.lantoa.vn/entries"


def entry(n: int, email: str, language: str = "vi", name: str = "Lộc Thị Mai") -> ContestantEntry:
    return ContestantEntry(
        entry_id=f"e{n}",
        code=f"LS26-BC-000{n}",
        title=f"Bài số {n}",
        category="Báo in, báo điện tử",
        email=email,
        name=name,
        language=language,
        phone="0912 345 678",
    )


def winner(n: int, tier: str, prize: int, authors: tuple[Authorship, ...] = ()) -> Winner:
    return Winner(
        entry_id=f"e{n}",
        code=f"LS26-BC-000{n}",
        title=f"Bài số {n}",
        category_id="cat-bc",
        category_code="BC",
        category_name="Báo in, báo điện tử",
        tier_code=tier,
        tier_name={"A": "Giải A", "KK": "Khuyến khích"}[tier],
        prize_vnd=prize,
        authors=authors,
    )


def results(*winners: Winner) -> ResultsApprovedPayload:
    return ResultsApprovedPayload(
        contest_id="c1",
        contest_code="NTVT",
        contest_title="Cuộc thi viết về gương người tốt, việc tốt",
        round_id="r2",
        approved_at=AT,
        approved_by="acc-org",
        method="mean",
        snapshot_hash="0" * 64,
        total_prize_vnd=sum(w.prize_vnd for w in winners),
        prize_budget_vnd=100_000_000,
        winners=winners,
    )


def test_every_contestant_hears_once_winners_with_tier_and_prize_others_with_thanks() -> None:
    entries = [
        entry(1, "mai@demo.vn"),
        entry(2, "mai@demo.vn"),  # a second entry of the same person: one message
        entry(3, "tuan@demo.vn", "en", "Hoàng Tuấn"),
        entry(4, "lan@demo.vn", name="Vi Thị Lan"),
    ]
    messages = results_messages(
        results(winner(1, "A", 10_000_000), winner(3, "KK", 2_000_000)), entries, RESULTS_URL
    )
    by_recipient = {m.recipient: m for m in messages}
    assert sorted(by_recipient) == ["lan@demo.vn", "mai@demo.vn", "tuan@demo.vn"]

    mai = by_recipient["mai@demo.vn"]
    assert mai.template == "results_winner"
    assert mai.context["awards"] == [
        {
            "code": "LS26-BC-0001",
            "title": "Bài số 1",
            "category": "Báo in, báo điện tử",
            "tier": "Giải A",
            "prize": "10.000.000 đ",
        }
    ]
    assert [o["code"] for o in mai.context["others"]] == ["LS26-BC-0002"]
    assert mai.phone == "0912 345 678"

    tuan = by_recipient["tuan@demo.vn"]
    assert (tuan.template, tuan.language) == ("results_winner", "en")
    assert tuan.context["awards"][0]["prize"] == "2,000,000 VND"

    lan = by_recipient["lan@demo.vn"]
    assert lan.template == "results_thanks"
    assert [e["code"] for e in lan.context["entries"]] == ["LS26-BC-0004"]

    for message in messages:
        rendered = render(message.template, message.language, {**message.context})
        assert message.context["contest_title"] in rendered.subject
        assert RESULTS_URL in rendered.text
    text = render(mai.template, "vi", mai.context).text
    assert "Giải A: Bài số 1 (LS26-BC-0001, Báo in, báo điện tử) — giải thưởng 10.000.000 đ" in text
    assert "Bài số 2 (LS26-BC-0002" in text


def test_a_winner_notify_never_heard_of_is_reached_through_its_authors() -> None:
    authors = (
        Authorship(full_name="Nông Văn Dũng", email="Dung@Bao.vn"),
        Authorship(full_name="Không Thư", email=""),  # no address: cannot be told
    )
    messages = results_messages(results(winner(9, "A", 10_000_000, authors)), [], RESULTS_URL)
    assert [(m.recipient, m.template, m.name) for m in messages] == [
        ("dung@bao.vn", "results_winner", "Nông Văn Dũng")
    ]


def test_nobody_entered_nobody_is_told() -> None:
    assert results_messages(results(), [], RESULTS_URL) == []


def test_a_publication_names_the_outlet_the_link_and_the_local_time() -> None:
    publication = PublicationPayload(
        job_id="j1",
        entry_id="e1",
        entry_code="LS26-BC-0001",
        title="Bài số 1",
        outlet_id="o1",
        outlet_name="Báo Lạng Sơn",
        outlet_kind="wordpress",
        url="https://baolangson.vn/nguoi-gac-rung-123.html",
        at=AT,
    )
    message = published_message(publication, entry(1, "mai@demo.vn"))
    context = {**message.context, "unsubscribe_url": "https://tb.lantoa.vn/unsubscribe?token=x"}
    rendered = render("entry_published", "vi", context)
    assert rendered.subject == "[Lan Toả] Tác phẩm LS26-BC-0001 đã được đăng trên Báo Lạng Sơn"
    assert "https://baolangson.vn/nguoi-gac-rung-123.html" in rendered.text
    assert "10:00 ngày 20/12/2026" in rendered.text
    assert "https://tb.lantoa.vn/unsubscribe?token=x" in rendered.text

    without_link = published_message(
        publication.model_copy(update={"url": None}), entry(1, "mai@demo.vn")
    )
    rendered = render("entry_published", "vi", {**context, **without_link.context})
    assert "Xem tại" not in rendered.text
    with pytest.raises(ValueError, match="absolute"):
        published_message(
            publication.model_copy(update={"url": "javascript:alert(1)"}), entry(1, "m@d.vn")
        )


def test_an_announcement_keeps_paragraphs_escapes_markup_and_reaches_each_person_once() -> None:
    people = [
        Recipient("mai@demo.vn", "Lộc Thị Mai"),
        Recipient("MAI@demo.vn", "Lộc Thị Mai"),
        Recipient("tuan@demo.vn", "Hoàng Tuấn", "en"),
    ]
    body = "Lễ trao giải lúc 8:00 ngày 20/12.\r\n\r\nMời <b>đến sớm</b> & mang CCCD.\n\n\n"
    messages = announcement_messages(
        people,
        contest_title="Cuộc thi NTVT",
        organizer="Sở TT&TT Lạng Sơn",
        subject="Lễ trao giải",
        body=body,
    )
    assert [m.recipient for m in messages] == ["mai@demo.vn", "tuan@demo.vn"]
    assert messages[0].context["paragraphs"] == [
        "Lễ trao giải lúc 8:00 ngày 20/12.",
        "Mời <b>đến sớm</b> & mang CCCD.",
    ]
    context = {**messages[0].context, "unsubscribe_url": "https://tb.lantoa.vn/unsubscribe?t=1"}
    rendered = render("announcement", "vi", context)
    assert rendered.subject == "[Lan Toả] Lễ trao giải — Cuộc thi NTVT"
    assert "&lt;b&gt;đến sớm&lt;/b&gt; &amp; mang CCCD" in rendered.html
    assert "<b>" not in rendered.html
    assert "Sở TT&amp;TT Lạng Sơn" in rendered.html


def test_essential_messages_cannot_be_turned_off() -> None:
    for template in ("account_verify_email", "entry_receipt", "results_winner", "results_thanks"):
        assert is_essential(template)
    for template in ("announcement", "entry_published", "juror_reminder"):
        assert not is_essential(template)


KEY = b"k" * 32


@given(st.emails(), st.sampled_from(["email", "zalo"]))
def test_an_unsubscribe_token_names_its_recipient_and_channel(recipient: str, channel: str) -> None:
    token = unsubscribe_token(KEY, recipient, channel)
    assert read_unsubscribe_token(KEY, token) == (recipient, channel)


def test_an_unsubscribe_token_cannot_be_forged_or_retargeted() -> None:
    token = unsubscribe_token(KEY, "mai@demo.vn", "email")
    encoded, _, mac = token.partition(".")
    other = unsubscribe_token(KEY, "tuan@demo.vn", "email").partition(".")[0]
    for bad in (
        f"{other}.{mac}",  # someone else's address with Mai's signature
        token + "x",
        "garbage",
        "",
        f"{encoded}.",
    ):
        with pytest.raises(BadUnsubscribeToken):
            read_unsubscribe_token(KEY, bad)
    with pytest.raises(BadUnsubscribeToken):
        read_unsubscribe_token(b"another key", token)


def test_money_reads_as_vietnamese_and_english_readers_expect() -> None:
    assert money(10_000_000) == "10.000.000 đ"
    assert money(2_500_000, "en") == "2,500,000 VND"
    assert money(0) == "0 đ"
