"""Every message a contest needs, from events to a real SMTP server: results to every
contestant, "your work was published", announcements, preferences and unsubscribe links, and
bad input recorded with its reason while everything else goes out."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from services.notify.domain.messages import Message
from services.notify.planning import UNKNOWN_CONTEST, Planner, Source
from shared.auth import Role
from shared.contracts.judging import (
    JurorAssigned,
    JurorAssignedPayload,
    ResultsApproved,
    ResultsApprovedPayload,
    Winner,
)
from shared.contracts.publish import PublicationCompleted, PublicationPayload
from shared.contracts.submissions import EntrySubmitted, EntrySubmittedPayload, Submitter
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.judging import contest_event
from tests.support.notify import Notify, notify_running

AT = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)


def submitted(
    n: int,
    email: str,
    name: str,
    contest_id: str = "contest-1",
    language: str = "vi",
    category: str = "BC",
) -> EntrySubmitted:
    return EntrySubmitted(
        contest_id=contest_id,
        payload=EntrySubmittedPayload(
            entry_id=f"entry-{n}",
            code=f"NTVT-{category}-000{n}",
            category_id=f"cat-{category}",
            category_code=category,
            category_name={"BC": "Báo in, báo điện tử", "TH": "Truyền hình"}[category],
            title=f"Tác phẩm số {n}",
            language="vi",
            version=1,
            submitted_at=AT,
            files=(),
            submitter=Submitter(
                account_id=f"acc-{email}", email=email, display_name=name, language=language
            ),
        ),
    )


def approved(*winners: tuple[int, str, str, int]) -> ResultsApproved:
    return ResultsApproved(
        contest_id="contest-1",
        payload=ResultsApprovedPayload(
            contest_id="contest-1",
            contest_code="NTVT",
            contest_title="Cuộc thi viết về gương người tốt, việc tốt",
            round_id="final",
            approved_at=AT,
            approved_by="acc-org",
            method="mean",
            snapshot_hash="a" * 64,
            total_prize_vnd=sum(w[3] for w in winners),
            prize_budget_vnd=100_000_000,
            winners=tuple(
                Winner(
                    entry_id=f"entry-{n}",
                    code=f"NTVT-BC-000{n}",
                    title=f"Tác phẩm số {n}",
                    category_id="cat-BC",
                    category_code="BC",
                    category_name="Báo in, báo điện tử",
                    tier_code=code,
                    tier_name=name,
                    prize_vnd=prize,
                )
                for n, code, name, prize in winners
            ),
        ),
    )


def juror(email: str, name: str, round_name: str = "Vòng sơ khảo") -> JurorAssigned:
    return JurorAssigned(
        contest_id="contest-1",
        payload=JurorAssignedPayload(
            round_id="r1",
            round_name=round_name,
            contest_title="Cuộc thi viết về gương người tốt, việc tốt",
            juror_id=f"j-{email}",
            email=email,
            display_name=name,
            assigned=4,
            deadline=AT,
            link="https://cham.lantoa.vn/my/rounds",
        ),
    )


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def to(notify: Notify, address: str) -> list[str]:
    """Subjects of what reached ``address``."""
    return [str(m["Subject"]) for m in notify.smtp.messages() if m["To"] == address]


async def test_results_reach_every_contestant_once_with_tier_prize_or_thanks(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with notify_running(infra, database) as notify:
        await notify.feed(
            contest_event("contest-1"),
            submitted(1, "mai@demo.vn", "Lộc Thị Mai"),
            submitted(2, "tuan@demo.vn", "Hoàng Tuấn", language="en"),
            submitted(3, "lan@demo.vn", "Vi Thị Lan"),
            submitted(4, "ha@demo.vn", "Hà Văn Bốn"),
        )
        from shared.contracts.submissions import EntryWithdrawn, EntryWithdrawnPayload

        withdrawn = EntryWithdrawn(
            contest_id="contest-1",
            payload=EntryWithdrawnPayload(
                entry_id="entry-4",
                code="NTVT-BC-0004",
                category_id="cat-BC",
                title="Tác phẩm số 4",
                withdrawn_at=AT,
                submitter=Submitter(account_id="a4", email="ha@demo.vn", display_name="Hà"),
            ),
        )
        results = approved((1, "A", "Giải A", 10_000_000), (2, "KK", "Khuyến khích", 2_000_000))
        await notify.feed(withdrawn, results, results)  # the bus may deliver it twice
        await notify.settled()

        rows = await notify.deliveries(source_event_id=results.event_id)
        assert sorted((r.recipient, r.template, r.status) for r in rows) == [
            ("lan@demo.vn", "results_thanks", "sent"),
            ("mai@demo.vn", "results_winner", "sent"),
            ("tuan@demo.vn", "results_winner", "sent"),
        ]
        mai = next(
            m
            for m in notify.smtp.messages()
            if m["To"] == "mai@demo.vn" and "Chúc mừng" in str(m["Subject"])
        )
        text = text_of(mai)
        assert "Giải A: Tác phẩm số 1 (NTVT-BC-0001, Báo in, báo điện tử)" in text
        assert "10.000.000 đ" in text
        assert mai["Auto-Submitted"] == "auto-generated"
        assert "List-Unsubscribe" not in mai  # results are essential: no way to turn them off
        tuan = to(notify, "tuan@demo.vn")
        assert "[Lan Toả] Congratulations! Your work has won an award — " in tuan[-1]
        assert to(notify, "lan@demo.vn")[-1].startswith("[Lan Toả] Kết quả")
        assert not [s for s in to(notify, "ha@demo.vn") if "Kết quả" in s]  # withdrawn
        assert (
            len(
                [
                    m
                    for m in notify.smtp.messages()
                    if "Kết quả" in str(m["Subject"])
                    or "Chúc mừng" in str(m["Subject"])
                    or "Congratulations" in str(m["Subject"])
                ]
            )
            == 3
        )


async def test_a_published_work_is_announced_to_its_author_with_the_link(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with notify_running(infra, database) as notify:
        await notify.feed(contest_event("contest-1"), submitted(1, "mai@demo.vn", "Lộc Thị Mai"))
        published = PublicationCompleted(
            contest_id="contest-1",
            payload=PublicationPayload(
                job_id="job-1",
                entry_id="entry-1",
                entry_code="NTVT-BC-0001",
                title="Tác phẩm số 1",
                outlet_id="o1",
                outlet_name="Báo Lạng Sơn",
                outlet_kind="wordpress",
                url="https://baolangson.vn/tac-pham-so-1.html",
                at=AT,
            ),
        )
        stranger = published.model_copy(
            update={
                "event_id": "evt-unknown-entry",
                "payload": published.payload.model_copy(update={"entry_id": "entry-404"}),
            }
        )
        await notify.feed(published, stranger)
        await notify.settled()
        [row] = await notify.deliveries(source_event_id=published.event_id)
        assert (row.recipient, row.template, row.status) == (
            "mai@demo.vn",
            "entry_published",
            "sent",
        )
        message = next(m for m in notify.smtp.messages() if "Báo Lạng Sơn" in str(m["Subject"]))
        assert "https://baolangson.vn/tac-pham-so-1.html" in text_of(message)
        # Not essential: it carries a one-click unsubscribe link (RFC 8058).
        assert message["List-Unsubscribe"].startswith("<http://testserver/unsubscribe?token=")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        [unknown] = await notify.deliveries(source_event_id="evt-unknown-entry")
        assert unknown.status == "failed" and "unknown entry" in (unknown.last_error or "")


async def test_the_unsubscribe_link_turns_off_announcements_but_never_results(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with notify_running(infra, database) as notify:
        await notify.feed(contest_event("contest-1"), submitted(1, "mai@demo.vn", "Lộc Thị Mai"))
        organizer = notify.as_role(Role.ORGANIZER)
        body = {"audience": "contestants", "subject": "Lịch trao giải", "body": "Ngày 20/12."}
        sent = await organizer.post("/api/contests/contest-1/announcements", json=body)
        assert sent.status_code == 201, sent.text
        await notify.settled()
        [first] = [m for m in notify.smtp.messages() if "Lịch trao giải" in str(m["Subject"])]
        link = first["List-Unsubscribe"].strip("<>").replace("http://testserver", "")

        page = await notify.client.get(link)
        assert page.status_code == 200 and "mai@demo.vn" in page.text
        forged = await notify.client.get(link[:-3] + "AAA")
        assert forged.status_code == 400 and "không hợp lệ" in forged.text
        # The mail client's one-click POST (no cookie, no page).
        one_click = await notify.client.post(link, data={"List-Unsubscribe": "One-Click"})
        assert one_click.status_code == 200

        again = await organizer.post("/api/contests/contest-1/announcements", json=body)
        assert again.status_code == 201
        results = approved((1, "A", "Giải A", 10_000_000))
        await notify.feed(results)
        await notify.settled()
        [skipped] = await notify.deliveries(source_event_id=again.json()["announcement_id"])
        assert skipped.status == "skipped" and "opted out" in (skipped.last_error or "")
        assert (
            len([m for m in notify.smtp.messages() if "Lịch trao giải" in str(m["Subject"])]) == 1
        )
        assert any("Chúc mừng" in s for s in to(notify, "mai@demo.vn"))  # results still go

        # Back on, from the page's own form.
        token = re.search(r"token=([^&]+)", link)
        assert token is not None
        back_on = await notify.client.post(
            "/unsubscribe", data={"token": token.group(1), "enabled": "1"}
        )
        assert back_on.status_code == 303
        third = await organizer.post("/api/contests/contest-1/announcements", json=body)
        await notify.settled()
        [row] = await notify.deliveries(source_event_id=third.json()["announcement_id"])
        assert row.status == "sent"


async def test_announcements_go_to_the_chosen_group_only(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with notify_running(infra, database) as notify:
        await notify.feed(
            contest_event("contest-1"),
            submitted(1, "mai@demo.vn", "Lộc Thị Mai"),
            submitted(2, "tuan@demo.vn", "Hoàng Tuấn", category="TH"),
            juror("giamkhao1@hd.vn", "Nông Thị Thu"),
        )
        organizer = notify.as_role(Role.ORGANIZER)
        url = "/api/contests/contest-1/announcements"

        async def audience(body: dict[str, object]) -> list[str]:
            created = await organizer.post(url, json=body)
            assert created.status_code == 201, created.text
            rows = await notify.deliveries(source_event_id=created.json()["announcement_id"])
            return sorted(r.recipient for r in rows)

        base = {"subject": "Họp", "body": "Nội dung"}
        assert await audience({**base, "audience": "contestants"}) == [
            "mai@demo.vn",
            "tuan@demo.vn",
        ]
        assert await audience({**base, "audience": "category", "category_id": "cat-TH"}) == [
            "tuan@demo.vn"
        ]
        assert await audience({**base, "audience": "jurors"}) == ["giamkhao1@hd.vn"]

        preview = await organizer.post(f"{url}/preview", json={**base, "audience": "jurors"})
        assert preview.status_code == 200 and preview.json()["recipients"] == 1
        assert "Nông Thị Thu" in preview.json()["text"]

        injected = await organizer.post(
            url, json={**base, "audience": "jurors", "subject": "Họp\r\nBcc: ke-xau@evil.vn"}
        )
        assert injected.status_code == 422 and "một dòng" in injected.text
        unknown = await organizer.post(
            "/api/contests/nope/announcements", json={**base, "audience": "jurors"}
        )
        assert unknown.status_code == 404
        bad_category = await organizer.post(
            url, json={**base, "audience": "category", "category_id": "cat-XX"}
        )
        assert bad_category.status_code == 422
        for role in (Role.CONTESTANT, Role.JUROR, Role.SECRETARIAT, Role.OPERATOR):
            refused = await notify.as_role(role).post(url, json={**base, "audience": "jurors"})
            assert refused.status_code == 403
        assert (await notify.client.post(url, json=base)).status_code == 401


async def test_bad_input_is_recorded_with_its_reason_and_holds_nothing_up(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with notify_running(infra, database) as notify:
        good = submitted(1, "mai@demo.vn", "Lộc Thị Mai")
        bad_address = submitted(2, "mai@@demo..vn", "Địa Chỉ Sai")
        injected = juror("giamkhao1@hd.vn", "Nông Thị Thu", "Vòng 1\r\nBcc: ke-xau@evil.vn")
        orphan = submitted(3, "lan@demo.vn", "Vi Thị Lan", contest_id="contest-unknown")
        await notify.feed(contest_event("contest-1"), bad_address, injected, orphan, good)
        await notify.settled()

        [row] = await notify.deliveries(source_event_id=good.event_id)
        assert row.status == "sent"
        [row] = await notify.deliveries(source_event_id=bad_address.event_id)
        assert row.status == "failed" and "invalid e-mail address" in (row.last_error or "")
        [row] = await notify.deliveries(source_event_id=injected.event_id)
        assert row.status == "failed" and "header injection refused" in (row.last_error or "")
        [row] = await notify.deliveries(source_event_id=orphan.event_id)
        assert (row.status, row.last_error) == ("failed", UNKNOWN_CONTEST)
        assert not [m for m in notify.smtp.messages() if "evil" in m.as_string()]
        assert [m["To"] for m in notify.smtp.messages()] == ["mai@demo.vn"]

        # A template value the message does not carry: refused with the name of the value.
        async with notify.runtime.db.transaction() as session:
            [missing] = await Planner(notify.settings).plan(
                session,
                Source(event_id="evt-missing-value", event_type="test", contest_id="contest-1"),
                Message(
                    template="entry_receipt",
                    recipient="mai@demo.vn",
                    language="vi",
                    context={"name": "Lộc Thị Mai"},  # no code, title, ...
                ),
            )
        assert missing.status == "failed"
        assert "a template value is missing" in (missing.last_error or "")
        assert "is undefined" in (missing.last_error or "")

        # The operator sees each reason in the log.
        operator = notify.as_role(Role.OPERATOR)
        failed = await operator.get("/api/deliveries", params={"status": "failed"})
        assert failed.status_code == 200
        reasons = " ".join(d["last_error"] or "" for d in failed.json()["items"])
        assert "unknown contest" in reasons and "header injection" in reasons

        # Once the contest is published, what waited for it goes out by itself.
        await notify.feed(contest_event("contest-unknown"))
        await notify.settled()
        [row] = await notify.deliveries(source_event_id=orphan.event_id)
        assert row.status == "sent"
        assert "lan@demo.vn" in [m["To"] for m in notify.smtp.messages()]


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_my_preferences_page_and_api(
    infra: Infra, database: DatabaseTarget, language: str
) -> None:
    async with notify_running(infra, database) as notify:
        person = notify.as_role(Role.CONTESTANT, "mai@demo.vn", "Lộc Thị Mai")
        assert (await person.get("/api/my/preferences")).json() == {"email": True, "zalo": True}
        changed = await person.put("/api/my/preferences", json={"email": False, "zalo": True})
        assert changed.status_code == 200
        assert (await person.get("/api/my/preferences")).json() == {"email": False, "zalo": True}
        person.cookies.set("lang", language)
        page = await person.get("/preferences")
        assert page.status_code == 200
        assert ("Nhận thông báo" if language == "vi" else "Notifications") in page.text
        assert (await notify.client.get("/api/my/preferences")).status_code == 401
