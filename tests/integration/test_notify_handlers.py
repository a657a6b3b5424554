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
from services.notify.settings import NotifySettings
from shared.contracts.base import Event
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequested,
    AccountEmailRequestedPayload,
    AnonymisedEntry,
    EntryScreened,
    EntryScreenedPayload,
    EntrySubmitted,
    EntryWithdrawn,
    EntryWithdrawnPayload,
    ScreeningDecision,
    Submitter,
)
from shared.db import Database
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
    db = Database(database.url, database.schema)
    try:
        await db.migrate(MIGRATIONS)
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


async def test_a_bad_link_queues_nothing(db: Database, settings: NotifySettings) -> None:
    event = account(AccountEmailPurpose.VERIFY_EMAIL)
    event = event.model_copy(
        update={"payload": event.payload.model_copy(update={"link": "/tai-khoan?t=1"})}
    )
    with pytest.raises(ValueError, match="absolute"):
        async with db.transaction() as session:
            await NotifyHandlers(settings).account_email(event, session)
    assert await deliveries(db, event) == []


def test_one_durable_consumer_per_event_type(settings: NotifySettings) -> None:
    wired = {s.event_type: s for s in subscriptions(settings)}
    assert set(wired) == {EntrySubmitted, AccountEmailRequested, EntryScreened, EntryWithdrawn}
    assert wired[EntrySubmitted].durable == "notify-entry-receipts"  # unchanged: keeps its place
    durables = [s.durable for s in wired.values()]
    assert len(set(durables)) == len(durables)
    assert all(d.startswith("notify-") for d in durables)
