"""The Zalo ZNS channel against a local stand-in for Zalo (message API and OAuth) that checks
every request's shape and can fail on demand; the Zalo API's roles; Zalo's delivery receipts."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.notify.channels.base import Deferred, PermanentFailure, TemporaryFailure
from services.notify.channels.zalo import ZaloChannel
from services.notify.domain.zns import event_signature
from services.notify.main import MIGRATIONS, create_app
from services.notify.models import Delivery, DeliveryAttempt, ZaloToken, ZnsQuotaDay
from services.notify.settings import NotifySettings
from services.notify.zalo.routes import router as zalo_router
from services.notify.zalo.service import zns_mapping_for
from services.notify.zalo.tokens import set_tokens
from shared.auth import Role
from shared.contracts.base import new_event_id
from shared.db import Database
from tests.conftest import DatabaseTarget
from tests.support.app import running
from tests.support.infra import Infra
from tests.support.keys import write_key_pair
from tests.support.notify import Notify, notify_settings
from tests.support.smtp import SmtpSink
from tests.support.zalo import APP_ID, APP_SECRET, OA_SECRET, FakeZalo

PHONE = "84912345678"
NOW = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
MIDNIGHT = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # 00:00 on the 27th in Vietnam
DATA = {"customer_name": "Lộc Thị Mai", "entry_code": "LS26-BC-0007"}


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo().start()
    try:
        yield fake
    finally:
        fake.stop()


def zalo_settings(fake: FakeZalo, **extra: Any) -> dict[str, Any]:
    return {
        "zalo_app_id": APP_ID,
        "zalo_secret_key": APP_SECRET,
        "zalo_oa_secret_key": OA_SECRET,
        "zalo_api_url": fake.url,
        "zalo_oauth_url": f"{fake.url}/oauth",
        "zalo_timeout_seconds": 1.0,
        **extra,
    }


@pytest.fixture
def public_key(tmp_path: Path) -> Path:
    return write_key_pair(tmp_path / "keys")[1]


def settings_for(public_key: Path, fake: FakeZalo, **extra: Any) -> NotifySettings:
    return NotifySettings(
        s3_access_key="test",
        s3_secret_key="test-secret",
        auth_public_key_file=public_key,
        **zalo_settings(fake, **extra),
    )


@pytest.fixture
async def db(database: DatabaseTarget) -> AsyncIterator[Database]:
    db = Database(database.url, database.schema)
    try:
        await db.migrate(MIGRATIONS)
        yield db
    finally:
        await db.dispose()


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def tokens(db: Database, expires_at: datetime, access: str = "access-1") -> None:
    async with db.transaction() as session:
        await set_tokens(session, access, "refresh-1", expires_at, NOW)


async def delivery(
    db: Database,
    tag: str = "transaction",
    payload: str | None = None,
    status: str = "sending",
    provider_id: str | None = None,
) -> Delivery:
    row = Delivery(
        source_event_id=new_event_id(),
        event_type="EntrySubmitted",
        channel="zalo",
        recipient=PHONE,
        template="entry_receipt",
        language="vi",
        subject="",
        body_text="",
        body_html="",
        payload=payload
        if payload is not None
        else json.dumps({"template_id": "301234", "template_data": DATA, "tag": tag}),
        message_id=f"trk-{new_event_id()}",
        status=status,
        provider_id=provider_id,
        sent_at=NOW if status == "sent" else None,
        next_attempt_at=NOW,
        created_at=NOW,
    )
    async with db.transaction() as session:
        session.add(row)
    return row


async def quota_row(db: Database) -> ZnsQuotaDay | None:
    async with db.reading() as session:
        return await session.get(ZnsQuotaDay, datetime(2026, 11, 26).date())


async def stored_tokens(db: Database) -> ZaloToken:
    async with db.reading() as session:
        row = await session.get(ZaloToken, "oa")
    assert row is not None
    return row


@pytest.fixture
async def channel(
    db: Database, zalo: FakeZalo, public_key: Path
) -> AsyncIterator[tuple[ZaloChannel, Clock]]:
    clock = Clock()
    zns = ZaloChannel(db, settings_for(public_key, zalo), clock)
    await tokens(db, NOW + timedelta(hours=20))
    try:
        yield zns, clock
    finally:
        await zns.close()


# Sending


async def test_a_message_is_sent_as_zalo_documents_it(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    row = await delivery(db)
    outcome = await zns.send(row)
    assert outcome.status == "sent"
    assert outcome.provider_id == "msg-1"
    assert zalo.problems == []
    assert zalo.sent == [
        {
            "phone": PHONE,
            "template_id": "301234",
            "template_data": DATA,
            "tracking_id": row.message_id,
        }
    ]
    quota = await quota_row(db)
    assert quota is not None and (quota.used, quota.remaining) == (1, 99)


async def test_an_expired_access_token_is_refreshed_once_and_both_new_tokens_kept(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    await tokens(db, NOW - timedelta(minutes=1))
    assert (await zns.send(await delivery(db))).status == "sent"
    assert zalo.refresh_tokens_used == ["refresh-1"]
    stored = await stored_tokens(db)
    assert (stored.access_token, stored.refresh_token) == ("access-2", "refresh-2")
    assert stored.access_expires_at == NOW + timedelta(seconds=90000)
    assert zalo.problems == []


async def test_a_token_zalo_refuses_is_refreshed_and_the_message_sent_again(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    zalo.access_token = "revoked-elsewhere"  # ours still looks valid for hours
    assert (await zns.send(await delivery(db))).provider_id == "msg-1"
    assert len(zalo.messages) == 2  # refused once, then sent with the new token
    assert zalo.refresh_tokens_used == ["refresh-1"]
    assert (await stored_tokens(db)).access_token == zalo.access_token
    assert zalo.problems == []


async def test_two_replicas_with_an_expired_token_refresh_exactly_once(
    database: DatabaseTarget, db: Database, zalo: FakeZalo, public_key: Path
) -> None:
    await tokens(db, NOW - timedelta(minutes=1))
    other_db = Database(database.url, database.schema)  # a second replica's connections
    settings = settings_for(public_key, zalo)
    first, second = ZaloChannel(db, settings, Clock()), ZaloChannel(other_db, settings, Clock())
    try:
        rows = [await delivery(db), await delivery(db)]
        outcomes = await asyncio.gather(first.send(rows[0]), second.send(rows[1]))
    finally:
        await first.close()
        await second.close()
        await other_db.dispose()
    assert sorted(o.provider_id or "" for o in outcomes) == ["msg-1", "msg-2"]
    assert zalo.refresh_tokens_used == ["refresh-1"]  # never the same refresh token twice
    assert zalo.problems == []
    assert (await stored_tokens(db)).refresh_token == "refresh-2"


async def test_http_500_is_a_temporary_failure_and_gives_the_quota_back(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    zalo.mode = "http500"
    with pytest.raises(TemporaryFailure, match="HTTP 500"):
        await zns.send(await delivery(db))
    quota = await quota_row(db)
    assert quota is not None and quota.used == 0


async def test_a_slow_zalo_is_a_temporary_failure(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    zalo.mode = "slow"  # 2 s, the timeout is 1 s
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="timed out"):
        await zns.send(await delivery(db))
    assert time.monotonic() - started < 1.9
    quota = await quota_row(db)
    assert quota is not None and quota.used == 1  # it may have gone out: still counted


async def test_our_daily_quota_defers_to_midnight_and_drops_nothing(
    db: Database, zalo: FakeZalo, public_key: Path
) -> None:
    clock = Clock()
    zns = ZaloChannel(db, settings_for(public_key, zalo, zalo_daily_quota=1), clock)
    await tokens(db, NOW + timedelta(days=3))
    try:
        assert (await zns.send(await delivery(db))).status == "sent"
        waiting = await delivery(db)
        with pytest.raises(Deferred) as deferred:
            await zns.send(waiting)
        assert deferred.value.until == MIDNIGHT
        assert "hạn mức" in deferred.value.reason
        assert len(zalo.messages) == 1  # the second never reached Zalo
        clock.now = MIDNIGHT + timedelta(hours=1)  # 01:00 next day, a transaction message
        assert (await zns.send(waiting)).provider_id == "msg-2"
    finally:
        await zns.close()


async def test_zalos_quota_error_defers_to_midnight_and_stops_further_calls_today(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, clock = channel
    zalo.mode = "quota"
    first = await delivery(db)
    with pytest.raises(Deferred) as deferred:
        await zns.send(first)
    assert deferred.value.until == MIDNIGHT
    quota = await quota_row(db)
    assert quota is not None and (quota.used, quota.remaining) == (0, 0)
    with pytest.raises(Deferred):
        await zns.send(await delivery(db))
    assert len(zalo.messages) == 1  # Zalo said none are left: not asked again today
    zalo.mode = "ok"
    clock.now = MIDNIGHT + timedelta(minutes=1)
    assert (await zns.send(first)).status == "sent"


async def test_an_invalid_phone_answer_is_permanent_with_zalos_message(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    zalo.mode = "invalid_phone"
    with pytest.raises(PermanentFailure, match=r"ZNS -108: Phone number invalid"):
        await zns.send(await delivery(db))


async def test_care_messages_wait_for_07_00_but_transactions_go_at_night(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, clock = channel
    clock.now = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 23:00 in Vietnam
    with pytest.raises(Deferred) as deferred:
        await zns.send(await delivery(db, tag="customer_care"))
    assert deferred.value.until == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 07:00 local
    assert zalo.messages == []
    assert (await zns.send(await delivery(db, tag="transaction"))).status == "sent"


async def test_without_tokens_or_app_id_zalo_is_not_configured(
    db: Database, zalo: FakeZalo, public_key: Path
) -> None:
    for settings in (
        settings_for(public_key, zalo),
        settings_for(public_key, zalo, zalo_app_id=""),
    ):
        zns = ZaloChannel(db, settings, Clock())
        try:
            with pytest.raises(PermanentFailure, match="Chưa cấu hình Zalo OA"):
                await zns.send(await delivery(db))
        finally:
            await zns.close()
    assert zalo.messages == []
    quota = await quota_row(db)
    assert quota is None or quota.used == 0


async def test_a_malformed_payload_is_permanent(
    channel: tuple[ZaloChannel, Clock], db: Database, zalo: FakeZalo
) -> None:
    zns, _ = channel
    for payload in ("", "{}", json.dumps({"template_id": "1", "template_data": [], "tag": "x"})):
        with pytest.raises(PermanentFailure, match="ZNS"):
            await zns.send(await delivery(db, payload=payload))
    assert zalo.messages == []


# The API


@pytest.fixture
async def notify(infra: Infra, database: DatabaseTarget, zalo: FakeZalo) -> AsyncIterator[Notify]:
    sink = SmtpSink().start()
    try:
        app = create_app(notify_settings(infra, database, sink, **zalo_settings(zalo)))
        app.include_router(zalo_router)
        async with running(app) as client:
            yield Notify(app=app, client=client, infra=infra, smtp=sink)
    finally:
        sink.stop()


async def test_only_operators_set_tokens_and_tokens_never_come_back(notify: Notify) -> None:
    body = {"access_token": "AT-secret-123", "refresh_token": "RT-secret-456", "expires_in": 3600}
    assert (await notify.client.put("/api/zalo/tokens", json=body)).status_code == 401
    for role in (Role.CONTESTANT, Role.JUROR, Role.SECRETARIAT, Role.ORGANIZER):
        async with notify.as_role(role) as client:
            assert (await client.put("/api/zalo/tokens", json=body)).status_code == 403
            assert (await client.get("/api/zalo/status")).status_code == 403
    async with notify.as_role(Role.OPERATOR) as operator:
        before = await operator.get("/api/zalo/status")
        assert before.json()["configured"] is False
        put = await operator.put("/api/zalo/tokens", json=body)
        assert put.status_code == 200, put.text
        status = await operator.get("/api/zalo/status")
        short = await operator.put("/api/zalo/tokens", json={**body, "refresh_token": ""})
    for answer in (put, status):
        assert "secret" not in answer.text
        assert answer.json()["configured"] is True
        assert answer.json()["daily_quota"] == 500
    assert short.status_code == 422
    stored = await stored_tokens(notify.runtime.db)
    assert (stored.access_token, stored.refresh_token) == ("AT-secret-123", "RT-secret-456")


async def test_operators_and_organizers_map_templates(notify: Notify) -> None:
    mapping = {
        "zns_template_id": "301234",
        "tag": "transaction",
        "params": [
            {"name": "customer_name", "source": "name", "max_length": 30, "required": True},
            {"name": "entry_code", "source": "entry.code", "max_length": 20, "required": True},
        ],
    }
    async with notify.as_role(Role.JUROR) as juror:
        assert (await juror.get("/api/zalo/templates")).status_code == 403
        put = await juror.put("/api/zalo/templates/entry_receipt", json=mapping)
        assert put.status_code == 403
    async with notify.as_role(Role.ORGANIZER) as organizer:
        saved = await organizer.put("/api/zalo/templates/entry_receipt", json=mapping)
        assert saved.status_code == 200, saved.text
        listed = (await organizer.get("/api/zalo/templates")).json()
        bad = await organizer.put(
            "/api/zalo/templates/Bad-Name",
            json={**mapping, "zns_template_id": "abc", "tag": "ads"},
        )
        too_long = await organizer.put(
            "/api/zalo/templates/entry_receipt",
            json={**mapping, "params": [{"name": "x", "source": "x", "max_length": 501}]},
        )
    assert [m["template"] for m in listed] == ["entry_receipt"]
    assert listed[0]["params"][1]["source"] == "entry.code"
    assert bad.status_code == 422
    problems = bad.json()["detail"]["problems"]
    assert any("Tên mẫu" in p for p in problems)
    assert any("Mã mẫu ZNS" in p for p in problems)
    assert any("Loại tin" in p for p in problems)
    assert too_long.status_code == 422
    assert "500" in " ".join(too_long.json()["detail"]["problems"])
    async with notify.runtime.db.reading() as session:
        found = await zns_mapping_for(session, "entry_receipt")
        assert found is not None and found.params[1].max_length == 20  # the bad PUT changed nothing
        assert await zns_mapping_for(session, "result_announced") is None
    async with notify.as_role(Role.OPERATOR) as operator:
        assert (await operator.delete("/api/zalo/templates/entry_receipt")).status_code == 204
        assert (await operator.delete("/api/zalo/templates/entry_receipt")).status_code == 404


def receipt(msg_id: str) -> bytes:
    return json.dumps(
        {
            "event_name": "user_received_message",
            "app_id": APP_ID,
            "sender": {"id": "oa-579745863508352884"},
            "recipient": {"id": "8715820349757237000"},
            "message": {"msg_id": msg_id, "delivery_time": "1795660260000", "tracking_id": "t"},
            "timestamp": "1795660261000",
        }
    ).encode()


def signed(body: bytes) -> dict[str, str]:
    signature = event_signature(APP_ID, body, "1795660261000", OA_SECRET)
    return {"X-ZEvent-Signature": signature, "Content-Type": "application/json"}


async def test_delivery_receipts_are_checked_and_mark_the_delivery_delivered(
    notify: Notify,
) -> None:
    db = notify.runtime.db
    row = await delivery(db, status="sent", provider_id="msg-77")
    body = receipt("msg-77")
    forged = await notify.client.post(
        "/api/zalo/events",
        content=body,
        headers={**signed(body), "X-ZEvent-Signature": event_signature(APP_ID, body, "1", "x")},
    )
    unsigned = await notify.client.post("/api/zalo/events", content=body)
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert (await notify.deliveries(delivery_id=row.delivery_id))[0].status == "sent"

    other = receipt("msg-unknown")
    unknown = await notify.client.post("/api/zalo/events", content=other, headers=signed(other))
    assert unknown.status_code == 200 and unknown.json()["status"] == "unknown"

    for _ in range(2):  # Zalo may call twice
        good = await notify.client.post("/api/zalo/events", content=body, headers=signed(body))
        assert good.status_code == 200 and good.json()["status"] == "delivered"
    [after] = await notify.deliveries(delivery_id=row.delivery_id)
    assert after.status == "delivered"
    assert after.settled_at == datetime(2026, 11, 26, 2, 31, tzinfo=UTC)
    async with db.reading() as session:
        attempts = list(await session.scalars(sa.select(DeliveryAttempt)))
    assert [(a.delivery_id, a.outcome) for a in attempts] == [(row.delivery_id, "delivered")]
