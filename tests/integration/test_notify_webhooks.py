"""Webhooks end to end on each database: the organizer API, planning per contest and topic, and
the channel posting to a real HTTP receiver that checks every request as a careful receiver
would (method, headers, signature with the secret the API returned, body) and answers 204,
500, 410, a redirect, or nothing at all, on demand."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from services.notify.channels.base import Outcome, PermanentFailure, TemporaryFailure
from services.notify.channels.webhook import WebhookChannel
from services.notify.domain.webhooks import verify
from services.notify.models import Delivery, Webhook
from services.notify.webhooks import plan_webhooks
from shared.auth import Role
from shared.contracts.base import utc_now
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.notify import Notify, notify_running
from tests.support.webhooks import TIMEOUT, Receiver

AT = datetime(2026, 11, 26, 2, 30, tzinfo=UTC)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from Receiver().serve()


@pytest.fixture
async def notify(infra: Infra, database: DatabaseTarget) -> AsyncIterator[Notify]:
    async with notify_running(
        infra, database, webhook_timeout_seconds=TIMEOUT, webhook_allow_private_hosts=True
    ) as running_notify:
        yield running_notify


async def register(
    notify: Notify, receiver: Receiver | None, path: str, **body: Any
) -> dict[str, Any]:
    """A webhook made through the API; the receiver learns the secret the API returned."""
    url = receiver.url(path) if receiver else f"https://hooks.example.vn{path}"
    async with notify.as_role(Role.ORGANIZER) as organizer:
        created = await organizer.post("/api/webhooks", json={"url": url, **body})
    assert created.status_code == 201, created.text
    webhook: dict[str, Any] = created.json()
    if receiver:
        receiver.secrets[path] = webhook["secret"]
    return webhook


async def planned(notify: Notify, topic: str, contest_id: str | None, **data: Any) -> list[str]:
    """Plan an event's webhook deliveries and store them, parked in the future so that only
    the test sends them; returns their ids."""
    async with notify.runtime.db.transaction() as session:
        deliveries = await plan_webhooks(
            session,
            event_id=f"ev-{topic}-{contest_id}",
            event_type=topic,
            contest_id=contest_id,
            topic=topic,
            data=data,
            occurred_at=AT,
        )
        for delivery in deliveries:
            assert delivery not in session  # the caller decides to keep them
            delivery.next_attempt_at = utc_now() + timedelta(days=1)
            session.add(delivery)
    return [d.delivery_id for d in deliveries]


async def delivery(notify: Notify, delivery_id: str) -> Delivery:
    [row] = await notify.deliveries(delivery_id=delivery_id)
    return row


async def test_a_signed_delivery_reaches_the_receiver(notify: Notify, receiver: Receiver) -> None:
    webhook = await register(notify, receiver, "/lantoa", contest_id="ct-1", description="CRM")
    [delivery_id] = await planned(
        notify, "entry_submitted", "ct-1", entry_id="en-1", title="Mùa xuân"
    )
    sent = await delivery(notify, delivery_id)
    channel = WebhookChannel(notify.runtime.db, notify.settings)
    try:
        outcome = await channel.send(sent)
        assert outcome == Outcome("delivered", detail="HTTP 204")
        assert receiver.problems == []
        [request] = receiver.received
        assert request.headers["x-lantoa-event"] == "entry_submitted"
        assert request.headers["x-lantoa-delivery"] == delivery_id
        assert request.json == {
            "delivery_id": delivery_id,
            "event_id": "ev-entry_submitted-ct-1",
            "topic": "entry_submitted",
            "contest_id": "ct-1",
            "occurred_at": "2026-11-26T02:30:00Z",
            "data": {"entry_id": "en-1", "title": "Mùa xuân"},
        }
        assert "Mùa xuân".encode() in request.body  # UTF-8, not \u escapes

        # After a rotation every try is signed with the new secret only.
        old_secret = receiver.secrets["/lantoa"]
        async with notify.as_role(Role.ORGANIZER) as organizer:
            rotated = await organizer.post(f"/api/webhooks/{webhook['webhook_id']}/secret")
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["secret"]
        assert new_secret != old_secret
        receiver.secrets["/lantoa"] = new_secret
        assert (await channel.send(sent)).status == "delivered"
        retry = receiver.received[-1]
        assert receiver.problems == []
        assert not verify(old_secret, retry.headers["x-lantoa-signature"], retry.body, utc_now())
    finally:
        await channel.close()


async def test_the_signature_is_made_at_send_time(notify: Notify, receiver: Receiver) -> None:
    await register(notify, receiver, "/clocked")
    [delivery_id] = await planned(notify, "ping", None)
    sent_at = utc_now() - timedelta(seconds=120)
    channel = WebhookChannel(notify.runtime.db, notify.settings, clock=lambda: sent_at)
    try:
        await channel.send(await delivery(notify, delivery_id))
    finally:
        await channel.close()
    [request] = receiver.received
    assert request.headers["x-lantoa-signature"].startswith(f"t={int(sent_at.timestamp())},v1=")
    secret = receiver.secrets["/clocked"]
    assert verify(secret, request.headers["x-lantoa-signature"], request.body, utc_now())
    assert not verify(
        secret, request.headers["x-lantoa-signature"], request.body, utc_now(), tolerance=60
    )


async def test_failures_are_classed_for_the_dispatcher(notify: Notify, receiver: Receiver) -> None:
    await register(notify, receiver, "/flaky", topics=["results_approved"])
    [delivery_id] = await planned(notify, "results_approved", "ct-9", round="final")
    sent = await delivery(notify, delivery_id)
    channel = WebhookChannel(notify.runtime.db, notify.settings)
    try:
        receiver.mode = "error"
        with pytest.raises(TemporaryFailure, match="HTTP 500: database is down"):
            await channel.send(sent)

        receiver.mode = "hang"
        started = datetime.now(UTC)
        with pytest.raises(TemporaryFailure, match="giây không có trả lời / no answer within"):
            await channel.send(sent)
        assert datetime.now(UTC) - started < timedelta(seconds=TIMEOUT * 4)

        receiver.mode = "gone"
        with pytest.raises(PermanentFailure, match="HTTP 410"):
            await channel.send(sent)

        receiver.mode = "redirect"
        with pytest.raises(PermanentFailure, match=r"HTTP 302 .*redirects are not followed"):
            await channel.send(sent)
        assert [r.path for r in receiver.received] == ["/flaky"] * 4  # no /elsewhere
        assert receiver.problems == []
    finally:
        await channel.close()


async def test_an_unreachable_receiver_is_a_temporary_failure(notify: Notify) -> None:
    nobody = Receiver()  # a free port with no one listening
    await register(notify, nobody, "/down")
    [delivery_id] = await planned(notify, "announcement", None)
    channel = WebhookChannel(notify.runtime.db, notify.settings)
    try:
        with pytest.raises(TemporaryFailure, match="Không kết nối được tới webhook"):
            await channel.send(await delivery(notify, delivery_id))
    finally:
        await channel.close()


async def test_a_deactivated_or_removed_webhook_fails_its_queued_deliveries(
    notify: Notify, receiver: Receiver
) -> None:
    webhook = await register(notify, receiver, "/old")
    [delivery_id] = await planned(notify, "entry_withdrawn", "ct-1")
    queued = await delivery(notify, delivery_id)
    async with notify.as_role(Role.ORGANIZER) as organizer:
        removed = await organizer.delete(f"/api/webhooks/{webhook['webhook_id']}")
    assert removed.status_code == 200, removed.text
    assert removed.json()["active"] is False
    channel = WebhookChannel(notify.runtime.db, notify.settings)
    try:
        with pytest.raises(PermanentFailure, match="Webhook đã bị tắt / the webhook was"):
            await channel.send(queued)
        async with notify.runtime.db.transaction() as session:
            await session.execute(sa.delete(Webhook))
        with pytest.raises(PermanentFailure, match="the webhook no longer exists"):
            await channel.send(queued)
    finally:
        await channel.close()
    assert receiver.received == []
    # A deactivated webhook is not planned for again.
    assert await planned(notify, "entry_withdrawn", "ct-1") == []


async def test_planning_follows_contest_and_topic(notify: Notify) -> None:
    everything = await register(notify, None, "/global")
    submitted_a = await register(notify, None, "/a", contest_id="ct-a", topics=["entry_submitted"])
    results_a = await register(
        notify, None, "/a-results", contest_id="ct-a", topics=["results_approved"]
    )
    all_of_b = await register(notify, None, "/b", contest_id="ct-b", topics=[])
    off_a = await register(notify, None, "/a-off", contest_id="ct-a")
    async with notify.as_role(Role.ORGANIZER) as organizer:
        assert (await organizer.delete(f"/api/webhooks/{off_a['webhook_id']}")).status_code == 200

    async def recipients(topic: str, contest_id: str | None) -> set[str]:
        ids = await planned(notify, topic, contest_id)
        return {(await delivery(notify, i)).recipient for i in ids}

    assert await recipients("entry_submitted", "ct-a") == {
        everything["webhook_id"],
        submitted_a["webhook_id"],
    }
    assert await recipients("results_approved", "ct-a") == {
        everything["webhook_id"],
        results_a["webhook_id"],
    }
    assert await recipients("results_approved", "ct-b") == {
        everything["webhook_id"],
        all_of_b["webhook_id"],
    }
    assert await recipients("announcement", None) == {everything["webhook_id"]}
    assert await recipients("juror_assigned", "ct-z") == {everything["webhook_id"]}

    [row] = await notify.deliveries(
        source_event_id="ev-entry_submitted-ct-a", recipient=submitted_a["webhook_id"]
    )
    assert (row.channel, row.status, row.template, row.subject) == (
        "webhook",
        "queued",
        "entry_submitted",
        "entry_submitted",
    )
    assert (row.message_id, row.language, row.essential) == (row.delivery_id, "vi", True)
    assert (row.body_text, row.body_html, row.contest_id) == ("", "", "ct-a")
    assert json.loads(row.payload)["delivery_id"] == row.delivery_id

    async with notify.runtime.db.transaction() as session:
        with pytest.raises(ValueError, match="unknown webhook topic"):
            await plan_webhooks(
                session,
                event_id="ev-x",
                event_type="x",
                contest_id=None,
                topic="entry_deleted",
                data={},
                occurred_at=AT,
            )


async def test_a_ping_is_queued_and_signed_with_the_returned_secret(
    notify: Notify, receiver: Receiver
) -> None:
    webhook = await register(notify, receiver, "/ping-me", topics=["entry_submitted"])
    async with notify.as_role(Role.ORGANIZER) as organizer:
        pinged = await organizer.post(f"/api/webhooks/{webhook['webhook_id']}/ping")
    assert pinged.status_code == 202, pinged.text
    ping = await delivery(notify, pinged.json()["delivery_id"])
    assert (ping.channel, ping.recipient, ping.template) == (
        "webhook",
        webhook["webhook_id"],
        "ping",
    )
    assert ping.source_event_id and ping.source_event_id != ping.delivery_id
    assert json.loads(ping.payload)["data"]["webhook_id"] == webhook["webhook_id"]
    channel = WebhookChannel(notify.runtime.db, notify.settings)
    try:
        assert (await channel.send(ping)).status == "delivered"
    finally:
        await channel.close()
    # The dispatcher may send it too; each request must carry a valid signature.
    assert receiver.problems == []
    assert ping.delivery_id in {r.headers["x-lantoa-delivery"] for r in receiver.received}


async def test_only_organizers_manage_webhooks(notify: Notify) -> None:
    webhook = await register(notify, None, "/roles")
    hook = f"/api/webhooks/{webhook['webhook_id']}"
    body = {"url": "https://hooks.example.vn/x"}
    calls = [
        ("POST", "/api/webhooks", body),
        ("GET", "/api/webhooks", None),
        ("DELETE", hook, None),
        ("POST", f"{hook}/secret", None),
        ("POST", f"{hook}/ping", None),
    ]
    for method, path, json_body in calls:
        anonymous = await notify.client.request(method, path, json=json_body)
        assert anonymous.status_code == 401, (method, path)
        for role in (Role.CONTESTANT, Role.JUROR, Role.SECRETARIAT):
            async with notify.as_role(role) as someone:
                refused = await someone.request(method, path, json=json_body)
            assert refused.status_code == 403, (role, method, path, refused.text)
            assert "không có quyền" in refused.json()["detail"]
    async with notify.as_role(Role.OPERATOR) as operator:
        assert (await operator.get("/api/webhooks")).status_code == 200
        for method, path, json_body in calls:
            if method != "GET":
                refused = await operator.request(method, path, json=json_body)
                assert refused.status_code == 403, (method, path)
    assert await notify.deliveries() == []  # nobody but the organizer may queue a ping


async def test_a_secret_is_shown_once_and_never_listed(notify: Notify) -> None:
    webhook = await register(
        notify,
        None,
        "/secret",
        contest_id="ct-1",
        topics=["ping", "entry_submitted", "ping"],
        description="  Hệ thống CRM  ",
    )
    assert webhook["secret"].startswith("whsec_")
    assert webhook["topics"] == ["entry_submitted", "ping"]
    assert webhook["description"] == "Hệ thống CRM"
    assert webhook["created_by"] == "acc-organizer@so.lantoa.vn"
    hook = f"/api/webhooks/{webhook['webhook_id']}"
    async with (
        notify.as_role(Role.ORGANIZER) as organizer,
        notify.as_role(Role.OPERATOR) as operator,
    ):
        rotated = (await organizer.post(f"{hook}/secret")).json()["secret"]
        for client in (organizer, operator):
            listing = await client.get("/api/webhooks")
            assert listing.status_code == 200
            [shown] = listing.json()
            assert "secret" not in shown
            assert webhook["secret"] not in listing.text and rotated not in listing.text
            assert shown["webhook_id"] == webhook["webhook_id"] and shown["active"] is True
        assert (await organizer.get("/api/webhooks", params={"contest_id": "ct-2"})).json() == []

        assert (await organizer.delete(hook)).json()["active"] is False
        for action in ("secret", "ping"):
            refused = await organizer.post(f"{hook}/{action}")
            assert refused.status_code == 409
            assert refused.json()["detail"] == "Webhook đã bị tắt. / The webhook is deactivated."
        missing = await organizer.delete("/api/webhooks/khong-co")
        assert missing.status_code == 404
        assert missing.json()["detail"] == "Không có webhook này. / No such webhook."
    async with notify.runtime.db.reading() as session:
        stored = await session.get(Webhook, webhook["webhook_id"])
    assert stored is not None and stored.secret == rotated


BAD_URLS = [
    ("javascript:alert(document.cookie)", "phải là URL đầy đủ bắt đầu bằng http://"),
    ("http://user:pw@hooks.example.vn/x", "/ the webhook URL must not contain credentials"),
    ("/api/hook", "/ the webhook URL must be an absolute http:// or https:// URL"),
    ("https://hooks.example.vn/x#frag", "/ the webhook URL must not have a fragment"),
]


async def test_bad_urls_and_topics_are_refused_with_the_reason(notify: Notify) -> None:
    async with notify.as_role(Role.ORGANIZER) as organizer:
        for url, reason in BAD_URLS:
            refused = await organizer.post("/api/webhooks", json={"url": url})
            assert refused.status_code == 422, url
            assert reason in refused.json()["detail"], url
        unknown = await organizer.post(
            "/api/webhooks", json={"url": "https://hooks.example.vn/", "topics": ["everything"]}
        )
        assert unknown.status_code == 422
        assert unknown.json()["detail"].startswith("Không có loại sự kiện everything")
        assert (await organizer.get("/api/webhooks")).json() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8003/api/deliveries",
        "http://localhost:9999/",
        "http://169.254.169.254/latest/meta-data/",  # cloud instance metadata
        "http://10.0.0.5/hook",
        "http://[::1]:8080/",
    ],
)
async def test_webhooks_cannot_reach_inside_our_own_network(
    infra: Infra, database: DatabaseTarget, url: str
) -> None:
    async with notify_running(infra, database) as strict:
        async with strict.as_role(Role.ORGANIZER) as organizer:
            refused = await organizer.post("/api/webhooks", json={"url": url, "topics": []})
        assert refused.status_code == 422, refused.text
        assert "địa chỉ nội bộ" in refused.text and "internal address" in refused.text
        # One registered before the rule (or whose name now leads inside) fails at send time.
        async with strict.runtime.db.transaction() as session:
            session.add(
                Webhook(
                    webhook_id="wh-inside",
                    url=url,
                    secret="s",
                    topics="",
                    created_at=utc_now(),
                )
            )
        channel = WebhookChannel(strict.runtime.db, strict.settings)
        delivery = Delivery(
            delivery_id="d-inside", recipient="wh-inside", payload="{}", template="ping"
        )
        try:
            with pytest.raises(PermanentFailure, match="internal address"):
                await channel.send(delivery)
        finally:
            await channel.close()
