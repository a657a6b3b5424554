"""Notify's bus handlers on a real database: each event queues exactly one e-mail, with the
right template, recipient and language, however often the bus delivers it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.notify.handlers import NotifyHandlers, subscriptions
from services.notify.main import MIGRATIONS
from services.notify.models import Delivery
from services.notify.projection import project_contest
from services.notify.settings import NotifySettings
from shared.contracts.base import Event
from shared.contracts.judging import (
    JurorAssigned,
    JurorAssignedPayload,
    JurorReminderRequested,
    JurorReminderRequestedPayload,
    ReminderKind,
    ResultsApproved,
)
from shared.contracts.publish import PublicationCompleted
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequested,
    AccountEmailRequestedPayload,
    AnonymisedEntry,
    ContestPublished,
    EntryScreened,
    EntryScreenedPayload,
    EntrySubmitted,
    EntryWithdrawn,
    EntryWithdrawnPayload,
    ScreeningDecision,
    Submitter,
)
from shared.db import Database
from tests.support.judging import contest_event
from tests.support.keys import write_key_pair

PORTAL = "https://thi.lantoa.vn"
LINK = "https://thi.lantoa.vn/tai-khoan/dat-lai?token=Zx9_q&account=acc-7&lang=vi"
REASON = "Ảnh số 3 thiếu chú thích <b>tác giả</b> & nguồn"
AT = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
CONTESTANT = Submitter(
    account_id="acc-1", email="tacgia@demo.lantoa.vn", display_name="Lộc Thị Mai", language="vi"
)
CONTESTANT_EN = CONTESTANT.model_copy(update={"language": "en"})


@pytest.fixture
def settings(tmp_path: Path) -> NotifySettings:
    _, public_key = write_key_pair(tmp_path / "keys")
    return NotifySettings(
        s3_access_key="test",
        s3_secret_key="test-secret",
        auth_public_key_file=public_key,
        portal_url=PORTAL,
        bounce_domain="lantoa.local",
    )


@pytest.fixture
async def db(database) -> AsyncIterator[Database]:  # type: ignore[no-untyped-def]
    """Notify's database, knowing the contest the events below are about."""
    db = Database(database.url, database.schema)
    try:
        await db.migrate(MIGRATIONS)
        async with db.transaction() as session:
            await project_contest(session, contest_event("contest-1").payload)
        yield db
    finally:
        await db.dispose()


def account(purpose: AccountEmailPurpose, roles: tuple[str, ...] = ()) -> AccountEmailRequested:
    return AccountEmailRequested(
        payload=AccountEmailRequestedPayload(
            account_id="acc-7",
            purpose=purpose,
            email="thuky@demo.lantoa.vn",
            display_name="Hoàng Văn Tư",
            language="vi",
            link=LINK,
            expires_at=AT,
            roles=roles,
        )
    )


def screening(decision: ScreeningDecision, submitter: Submitter = CONTESTANT) -> EntryScreened:
    entry = None
    if decision == ScreeningDecision.ACCEPTED:
        entry = AnonymisedEntry(
            code="LS26-BC-0007",
            category_id="cat-1",
            category_code="BC",
            category_name="Báo in, báo điện tử",
            title="Người gác rừng bản Khuổi",
            language="vi",
            synopsis="Một ngày tuần tra.",
            series_parts=1,
            files=(),
        )
    return EntryScreened(
        contest_id="contest-1",
        payload=EntryScreenedPayload(
            entry_id="entry-1",
            code="LS26-BC-0007",
            category_id="cat-1",
            version=2,
            decision=decision,
            reason=REASON,
            decided_at=AT,
            entry=entry,
            submitter=submitter,
        ),
    )


def withdrawal() -> EntryWithdrawn:
    return EntryWithdrawn(
        contest_id="contest-1",
        payload=EntryWithdrawnPayload(
            entry_id="entry-1",
            code="LS26-BC-0007",
            category_id="cat-1",
            title="Người gác rừng bản Khuổi",
            withdrawn_at=AT,
            submitter=CONTESTANT_EN,
        ),
    )


@dataclass(frozen=True)
class Case:
    event: Event  # type: ignore[type-arg]
    handler: str
    template: str
    recipient: str
    language: str
    in_text: tuple[str, ...]
    in_html: tuple[str, ...] = ()


CASES = {
    "verify": Case(
        account(AccountEmailPurpose.VERIFY_EMAIL),
        "account_email",
        "account_verify_email",
        "thuky@demo.lantoa.vn",
        "vi",
        (LINK, "xác nhận địa chỉ e-mail của bạn", "09:30 ngày 26/11/2026"),
    ),
    "reset": Case(
        account(AccountEmailPurpose.RESET_PASSWORD),
        "account_email",
        "account_reset_password",
        "thuky@demo.lantoa.vn",
        "vi",
        (LINK, "Nếu bạn không yêu cầu, hãy bỏ qua thư này."),
    ),
    "invitation": Case(
        account(AccountEmailPurpose.STAFF_INVITATION, ("secretariat", "juror")),
        "account_email",
        "account_staff_invitation",
        "thuky@demo.lantoa.vn",
        "vi",
        (LINK, "Tổ Thư ký, Giám khảo"),
    ),
    "accepted": Case(
        screening(ScreeningDecision.ACCEPTED),
        "entry_screened",
        "entry_screening_accepted",
        "tacgia@demo.lantoa.vn",
        "vi",
        ("LS26-BC-0007", "Người gác rừng bản Khuổi", REASON, f"{PORTAL}/entries"),
        ("&lt;b&gt;tác giả&lt;/b&gt; &amp; nguồn",),
    ),
    "revision": Case(
        screening(ScreeningDecision.REVISION_REQUESTED, CONTESTANT_EN),
        "entry_screened",
        "entry_screening_revision",
        "tacgia@demo.lantoa.vn",
        "en",
        ("LS26-BC-0007", REASON, f"{PORTAL}/entries", "26/11/2026 09:30 (Vietnam time)"),
        ("&lt;b&gt;tác giả&lt;/b&gt; &amp; nguồn",),
    ),
    "rejected": Case(
        screening(ScreeningDecision.REJECTED),
        "entry_screened",
        "entry_screening_rejected",
        "tacgia@demo.lantoa.vn",
        "vi",
        ("LS26-BC-0007", REASON, f"{PORTAL}/entries"),
        ("&lt;b&gt;tác giả&lt;/b&gt; &amp; nguồn",),
    ),
    "withdrawn": Case(
        withdrawal(),
        "entry_withdrawn",
        "entry_withdrawn",
        "tacgia@demo.lantoa.vn",
        "en",
        ("LS26-BC-0007", "Người gác rừng bản Khuổi", "26/11/2026 09:30 (Vietnam time)"),
    ),
}


async def deliveries(db: Database, event: Event) -> list[Delivery]:  # type: ignore[type-arg]
    async with db.reading() as session:
        query = sa.select(Delivery).where(Delivery.source_event_id == event.event_id)
        return list(await session.scalars(query))


@pytest.mark.parametrize("name", sorted(CASES))
async def test_a_redelivered_event_queues_one_email(
    name: str, db: Database, settings: NotifySettings
) -> None:
    case = CASES[name]
    handle: Callable[[Any, Any], Awaitable[None]] = getattr(NotifyHandlers(settings), case.handler)
    wakeups: list[int] = []
    db.on_commit(lambda: wakeups.append(1))

    for _ in range(2):  # the bus may deliver any event more than once
        async with db.transaction() as session:
            await handle(case.event, session)

    [row] = await deliveries(db, case.event)
    assert (row.template, row.recipient, row.language) == (
        case.template,
        case.recipient,
        case.language,
    )
    assert (row.channel, row.status, row.attempts) == ("email", "queued", 0)
    assert row.contest_id == case.event.contest_id
    assert row.message_id == f"<{row.delivery_id}@lantoa.local>"
    assert row.subject.startswith("[Lan Toả] ") and "\n" not in row.subject
    for expected in case.in_text:
        assert expected in row.body_text, expected
    for expected in case.in_html:
        assert expected in row.body_html, expected
    assert "<b>" not in row.body_html  # the secretariat's text never becomes markup
    if LINK in case.in_text:
        assert f'href="{LINK.replace("&", "&amp;")}"' in row.body_html
    assert wakeups == [1]  # the dispatcher is woken for the new row, not for the repeat


async def test_each_event_gets_its_own_email(db: Database, settings: NotifySettings) -> None:
    """Idempotency is per event: a second reset request is a second e-mail."""
    handlers = NotifyHandlers(settings)
    first = account(AccountEmailPurpose.RESET_PASSWORD)
    second = account(AccountEmailPurpose.RESET_PASSWORD)
    async with db.transaction() as session:
        await handlers.account_email(first, session)
        await handlers.account_email(second, session)
        await handlers.account_email(first, session)  # redelivered within the same batch
    assert len(await deliveries(db, first)) == 1
    assert len(await deliveries(db, second)) == 1


async def test_a_bad_link_is_recorded_as_failed_with_its_reason(
    db: Database, settings: NotifySettings
) -> None:
    event = account(AccountEmailPurpose.VERIFY_EMAIL)
    event = event.model_copy(
        update={"payload": event.payload.model_copy(update={"link": "/tai-khoan?t=1"})}
    )
    async with db.transaction() as session:
        await NotifyHandlers(settings).account_email(event, session)
    [row] = await deliveries(db, event)
    assert (row.status, row.recipient, row.template) == (
        "failed",
        "thuky@demo.lantoa.vn",
        "account_verify_email",
    )
    assert row.last_error is not None and "not an absolute http(s) link" in row.last_error
    assert row.body_text == ""  # nothing half-made is ever sent


def test_one_durable_consumer_per_event_type(settings: NotifySettings) -> None:
    wired = {s.event_type: s for s in subscriptions(settings)}
    assert set(wired) == {
        ContestPublished,
        EntrySubmitted,
        AccountEmailRequested,
        EntryScreened,
        EntryWithdrawn,
        JurorAssigned,
        JurorReminderRequested,
        ResultsApproved,
        PublicationCompleted,
    }
    assert wired[EntrySubmitted].durable == "notify-entry-receipts"  # unchanged: keeps its place
    durables = [s.durable for s in wired.values()]
    assert len(set(durables)) == len(durables)
    assert all(d.startswith("notify-") for d in durables)


# --- judging: a juror's assignments and reminders ------------------------------------------------

ROUND_LINK = "https://cham.lantoa.vn/rounds/01JROUND?tab=mine&lang=vi"
# 17:00 UTC on 30/11 is already midnight, 1 December, in Vietnam.
DEADLINE = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
NOTE = "Họp hội đồng <b>sáng thứ Hai</b> & chốt điểm"


def assigned(language: str = "vi") -> JurorAssigned:
    return JurorAssigned(
        contest_id="contest-1",
        payload=JurorAssignedPayload(
            round_id="01JROUND",
            round_name="Vòng sơ khảo",
            contest_title="Cuộc thi viết về gương người tốt, việc tốt",
            juror_id="member-2",
            email="giamkhao2@hoidong.lantoa.vn",
            display_name="Nông Thị Thu",
            language=language,
            assigned=7,
            deadline=DEADLINE,
            link=ROUND_LINK,
        ),
    )


def reminded(language: str = "vi", note: str = NOTE) -> JurorReminderRequested:
    return JurorReminderRequested(
        contest_id="contest-1",
        payload=JurorReminderRequestedPayload(
            reminder_id="rem-1",
            kind=ReminderKind.MANUAL if note else ReminderKind.AUTOMATIC,
            round_id="01JROUND",
            round_name="Vòng sơ khảo",
            contest_title="Cuộc thi viết về gương người tốt, việc tốt",
            juror_id="member-2",
            email="giamkhao2@hoidong.lantoa.vn",
            display_name="Nông Thị Thu",
            language=language,
            remaining=3,
            total=7,
            deadline=DEADLINE,
            link=ROUND_LINK,
            note=note,
        ),
    )


CASES.update(
    {
        "juror assigned": Case(
            assigned(),
            "juror_assigned",
            "juror_assigned",
            "giamkhao2@hoidong.lantoa.vn",
            "vi",
            (
                "Kính gửi Nông Thị Thu,",
                "Số tác phẩm được phân công: 7",
                "Hạn nộp điểm: 00:00 ngày 01/12/2026",
                ROUND_LINK,
            ),
        ),
        "juror reminder": Case(
            reminded(),
            "juror_reminder",
            "juror_reminder",
            "giamkhao2@hoidong.lantoa.vn",
            "vi",
            ("Bạn còn 3/7 tác phẩm chưa nộp điểm", "00:00 ngày 01/12/2026", NOTE, ROUND_LINK),
            ("&lt;b&gt;sáng thứ Hai&lt;/b&gt; &amp; chốt điểm",),
        ),
    }
)


@pytest.mark.parametrize("event", [assigned("en"), reminded("en")], ids=["assigned", "reminder"])
async def test_a_juror_mail_links_to_the_round_and_gives_the_deadline(
    event: Event,  # type: ignore[type-arg]
    db: Database,
    settings: NotifySettings,
) -> None:
    handlers = NotifyHandlers(settings)
    handle = (
        handlers.juror_assigned if isinstance(event, JurorAssigned) else handlers.juror_reminder
    )
    for _ in range(3):  # redelivered: still one e-mail
        async with db.transaction() as session:
            await handle(event, session)  # type: ignore[arg-type]
    [row] = await deliveries(db, event)
    assert (row.recipient, row.language) == ("giamkhao2@hoidong.lantoa.vn", "en")
    assert row.body_text.startswith("Dear Nông Thị Thu,")
    assert "01/12/2026 00:00 (Vietnam time)" in row.body_text
    assert "01/12/2026 00:00 (Vietnam time)" in row.body_html
    assert f'href="{ROUND_LINK.replace("&", "&amp;")}"' in row.body_html
    assert ROUND_LINK in row.body_text
    if isinstance(event, JurorReminderRequested):
        assert row.subject == "[Lan Toả] Reminder: 3 entries left to score — Vòng sơ khảo"
        assert "You still have 3 of 7 entries to submit" in row.body_text
    else:
        assert row.subject == "[Lan Toả] Entries assigned to you — Vòng sơ khảo"
        assert "Entries assigned: 7" in row.body_text


async def test_an_automatic_reminder_has_no_empty_note(
    db: Database, settings: NotifySettings
) -> None:
    event = reminded(note="")
    async with db.transaction() as session:
        await NotifyHandlers(settings).juror_reminder(event, session)
    [row] = await deliveries(db, event)
    assert row.subject == "[Lan Toả] Nhắc chấm bài: còn 3 tác phẩm — Vòng sơ khảo"
    assert "Lời nhắn" not in row.body_text and "Lời nhắn" not in row.body_html
    assert "\n\n\n" not in row.body_text


async def test_a_juror_mail_with_a_bad_link_is_refused_with_its_reason(
    db: Database, settings: NotifySettings
) -> None:
    event = assigned()
    event = event.model_copy(
        update={"payload": event.payload.model_copy(update={"link": "/rounds/01JROUND"})}
    )
    async with db.transaction() as session:
        await NotifyHandlers(settings).juror_assigned(event, session)
    [row] = await deliveries(db, event)
    assert (row.status, row.recipient) == ("failed", "giamkhao2@hoidong.lantoa.vn")
    assert row.last_error is not None and "absolute" in row.last_error
