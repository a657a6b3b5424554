"""Bounce reports reach notify over real SMTP and over HTTP, and settle the delivery they are
about exactly once, with the delivery log and a NotificationFailed for the other services."""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import sqlalchemy as sa

from deploy.local.processes import free_port
from services.notify.bounces.listener import BounceListener
from services.notify.bounces.routes import router as bounce_router
from services.notify.models import Delivery, DeliveryAttempt
from shared.auth import Role
from shared.contracts.base import new_event_id, utc_now
from shared.contracts.notify import NotificationFailed
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.notify import Notify, notify_running

DOMAIN = "lantoa.local"  # the default bounce_domain


def dsn(delivery_id: str, recipient: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A Postfix delivery status notification about one of our messages."""
    diagnostic = {
        "5": f"550 {status} <{recipient}>: Recipient address rejected: User unknown",
        "4": f"450 {status} <{recipient}>: Mailbox temporarily unavailable",
        "2": f"250 {status} Ok: queued as 9F1C2",
    }[status[0]]
    text = f"""From: MAILER-DAEMON@mx.baomoi.vn (Mail Delivery System)
To: bounce+{delivery_id}@{DOMAIN}
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R1"

--R1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.baomoi.vn.

--R1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.baomoi.vn

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--R1
Content-Type: text/rfc822-headers

From: no-reply@lantoa.local
To: {recipient}
Message-ID: <{delivery_id}@{DOMAIN}>
X-Lantoa-Delivery: {delivery_id}

--R1--
"""
    return text.replace("\n", "\r\n").encode()


async def sent_email(notify: Notify, recipient: str, contest_id: str = "contest-1") -> str:
    """A delivery the dispatcher has handed to the MTA."""
    delivery_id = new_event_id()
    now = utc_now()
    async with notify.runtime.db.transaction() as session:
        session.add(
            Delivery(
                delivery_id=delivery_id,
                source_event_id=new_event_id(),
                event_type="EntrySubmitted",
                contest_id=contest_id,
                channel="email",
                recipient=recipient,
                template="entry_received",
                language="vi",
                subject="Đã nhận tác phẩm",
                body_text="Chào bạn",
                body_html="<p>Chào bạn</p>",
                message_id=f"<{delivery_id}@{DOMAIN}>",
                status="sent",
                attempts=1,
                next_attempt_at=now,
                created_at=now - timedelta(minutes=5),
                sent_at=now - timedelta(minutes=5),
            )
        )
    return delivery_id


async def delivery(notify: Notify, delivery_id: str) -> Delivery:
    (row,) = await notify.deliveries(delivery_id=delivery_id)
    return row


async def attempts(notify: Notify, delivery_id: str) -> list[DeliveryAttempt]:
    async with notify.runtime.db.reading() as session:
        rows = await session.scalars(
            sa.select(DeliveryAttempt)
            .where(DeliveryAttempt.delivery_id == delivery_id)
            .order_by(DeliveryAttempt.attempt_id)
        )
        return list(rows)


async def failed_events(notify: Notify) -> list[NotificationFailed]:
    table = notify.runtime.outbox.table
    async with notify.runtime.db.reading() as session:
        rows = await session.execute(
            sa.select(table.c.body)
            .where(table.c.subject == NotificationFailed.SUBJECT)
            .order_by(table.c.id)
        )
        return [NotificationFailed.model_validate_json(body) for (body,) in rows]


@asynccontextmanager
async def bounce_intake(
    infra: Infra, database: DatabaseTarget
) -> AsyncIterator[tuple[Notify, int]]:
    """Notify with its bounce listener and route, whether or not main.py wires them yet."""
    port = free_port()
    async with notify_running(infra, database, bounce_smtp_port=port) as notify:
        if not any(getattr(r, "path", None) == "/api/bounces" for r in notify.app.routes):
            notify.app.include_router(bounce_router)
        wired = [w for w in notify.runtime.workers if isinstance(w, BounceListener)]
        listener = wired[0] if wired else BounceListener(notify.runtime, host="127.0.0.1")
        if not wired:
            listener.start()
        await listener.started()
        try:
            yield notify, port
        finally:
            if not wired:
                await listener.stop(5)


def smtp_send(port: int, rcpt: str, raw: bytes) -> tuple[int, bytes]:
    """Deliver a report as an MTA does: null sender, one recipient; the final reply."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.ehlo("mx.baomoi.vn")
        code, _ = client.mail("")
        assert code == 250
        code, reply = client.rcpt(rcpt)
        if code != 250:
            return code, reply
        return client.data(raw)


async def test_a_bounce_over_smtp_settles_the_delivery_once(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with bounce_intake(infra, database) as (notify, port):
        delivery_id = await sent_email(notify, "khong-ton-tai@baomoi.vn")
        untouched = await sent_email(notify, "tacgia@demo.lantoa.vn")
        report = dsn(delivery_id, "khong-ton-tai@baomoi.vn")
        rcpt = f"bounce+{delivery_id}@{DOMAIN}"

        code, _ = await asyncio.to_thread(smtp_send, port, rcpt, report)
        assert code == 250

        row = await delivery(notify, delivery_id)
        assert row.status == "bounced"
        assert row.last_error is not None
        assert row.last_error.startswith("Bị trả lại / bounced: 5.1.1 550 5.1.1")
        assert "User unknown" in row.last_error
        assert row.settled_at is not None
        (attempt,) = await attempts(notify, delivery_id)
        assert (attempt.outcome, attempt.actor) == ("bounced", "smtp")
        assert "khong-ton-tai@baomoi.vn" in attempt.detail and "5.1.1" in attempt.detail
        (event,) = await failed_events(notify)
        assert event.payload.delivery_id == delivery_id
        assert event.contest_id == "contest-1"
        assert event.payload.reason == row.last_error

        # The MTA tries again (or sends it twice): nothing changes a second time.
        code, _ = await asyncio.to_thread(smtp_send, port, rcpt, report)
        assert code == 250
        assert len(await attempts(notify, delivery_id)) == 1
        assert len(await failed_events(notify)) == 1
        assert (await delivery(notify, untouched)).status == "sent"


async def test_the_listener_is_no_relay_and_never_bounces_a_bounce(
    infra: Infra, database: DatabaseTarget
) -> None:
    async with bounce_intake(infra, database) as (notify, port):
        delivery_id = await sent_email(notify, "bientap@tapchi.vn")
        report = dsn(delivery_id, "bientap@tapchi.vn")
        for stranger in (
            "tacgia@demo.lantoa.vn",
            f"bounce+{delivery_id}@other.example",
            f"postmaster@{DOMAIN}",
        ):
            code, reply = await asyncio.to_thread(smtp_send, port, stranger, report)
            assert (code, reply) == (550, b"5.1.1 no such mailbox")

        # Garbage and a report about no known delivery are taken (250) and change nothing.
        garbage = b"Subject: hello\r\n\r\nnot a report\r\n"
        code, _ = await asyncio.to_thread(
            smtp_send, port, f"bounce+{delivery_id}@{DOMAIN}", garbage
        )
        assert code == 250
        unknown = new_event_id()
        code, _ = await asyncio.to_thread(
            smtp_send, port, f"bounce+{unknown}@{DOMAIN}", dsn(unknown, "x@tapchi.vn")
        )
        assert code == 250
        assert (await delivery(notify, delivery_id)).status == "sent"
        assert await attempts(notify, delivery_id) == []
        assert await failed_events(notify) == []

        # A delay only goes into the log; the delivery stays sent. Some MTAs change the case
        # of the return path: the delivery is still found.
        delayed = dsn(delivery_id, "bientap@tapchi.vn", action="delayed", status="4.4.1")
        code, _ = await asyncio.to_thread(
            smtp_send, port, f"bounce+{delivery_id.lower()}@{DOMAIN.upper()}", delayed
        )
        assert code == 250
        assert (await delivery(notify, delivery_id)).status == "sent"
        assert [a.outcome for a in await attempts(notify, delivery_id)] == ["delayed"]

        # Too big for the listener: refused at DATA, before anything is read into the database.
        code, _ = await asyncio.to_thread(
            smtp_send,
            port,
            f"bounce+{delivery_id}@{DOMAIN}",
            report + (b"x" * 76 + b"\r\n") * (40 << 10),
        )
        assert code == 552
        assert (await delivery(notify, delivery_id)).status == "sent"


async def test_bounces_over_http_for_operators_only(infra: Infra, database: DatabaseTarget) -> None:
    async with bounce_intake(infra, database) as (notify, _):
        bounced = await sent_email(notify, "phongvien@sobaochi.vn")
        delivered = await sent_email(notify, "tacgia@demo.lantoa.vn")
        headers = {"Content-Type": "message/rfc822"}
        report = dsn(bounced, "phongvien@sobaochi.vn", status="5.2.2")

        async with notify.as_role(Role.ORGANIZER) as organizer:
            response = await organizer.post("/api/bounces", content=report, headers=headers)
        assert response.status_code == 403
        response = await notify.client.post("/api/bounces", content=report, headers=headers)
        assert response.status_code == 401
        assert (await delivery(notify, bounced)).status == "sent"

        async with notify.as_role(Role.OPERATOR) as operator:
            # The envelope recipient (VERP) given as a query parameter names the delivery.
            response = await operator.post(
                "/api/bounces",
                content=report,
                headers=headers,
                params={"rcpt": f"bounce+{bounced}@{DOMAIN}"},
            )
            assert response.status_code == 200, response.text
            assert response.json() == {"delivery_id": bounced, "outcome": "bounced"}
            again = await operator.post("/api/bounces", content=report, headers=headers)
            assert again.json() == {"delivery_id": bounced, "outcome": "unchanged"}

            success = dsn(delivered, "tacgia@demo.lantoa.vn", action="delivered", status="2.0.0")
            response = await operator.post("/api/bounces", content=success, headers=headers)
            assert response.json() == {"delivery_id": delivered, "outcome": "delivered"}

            response = await operator.post("/api/bounces", content=b"not a report", headers=headers)
            assert response.json() == {"delivery_id": None, "outcome": "unrecognised"}

            response = await operator.post(
                "/api/bounces", content=report + b"x" * (3 << 20), headers=headers
            )
            assert response.status_code == 413
            assert "2 MiB" in response.json()["detail"]

            response = await operator.post(
                "/api/bounces", content=report, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 415

        row = await delivery(notify, bounced)
        assert row.status == "bounced"
        assert row.last_error is not None and "5.2.2" in row.last_error
        (attempt,) = await attempts(notify, bounced)
        assert attempt.actor.startswith("api:")
        assert [e.payload.delivery_id for e in await failed_events(notify)] == [bounced]
        assert (await delivery(notify, delivered)).status == "delivered"
        assert [a.outcome for a in await attempts(notify, delivered)] == ["delivered"]
