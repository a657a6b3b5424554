"""Notify as a real process on a broker of its own: events delivered twice, and the process
killed with SIGKILL in the middle of a batch and started again — every message arrives, once."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest

from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequested,
    AccountEmailRequestedPayload,
)
from tests.support.infra import start_nats
from tests.support.smtp import SmtpSink
from tests.support.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

MESSAGES = 160
KILL_AFTER = 40  # messages the SMTP server keeps before the process is killed


@pytest.fixture
def notify_alone(infra, tmp_path: Path) -> Iterator[tuple[Stack, SmtpSink]]:  # type: ignore[no-untyped-def]
    nats_server = start_nats(tmp_path, "nats-notify")
    smtp = SmtpSink().start()
    stack = Stack(
        infra,
        tmp_path,
        smtp_port=smtp.port,
        nats_url=nats_server.url,
        extra_env={
            "notify": {
                # A short lease, so the killed process's claims are taken over soon.
                "LANTOA_NOTIFY_DISPATCH_LEASE_SECONDS": "3",
                "LANTOA_NOTIFY_RETRY_BASE_SECONDS": "0.5",
                "LANTOA_NOTIFY_SMTP_TIMEOUT_SECONDS": "5",
            }
        },
    )
    try:
        yield stack, smtp
    finally:
        stack.stop_all()
        smtp.stop()
        nats_server.stop()


def link_request(n: int) -> AccountEmailRequested:
    return AccountEmailRequested(
        payload=AccountEmailRequestedPayload(
            account_id=f"acc-{n}",
            purpose=AccountEmailPurpose.VERIFY_EMAIL,
            email=f"tacgia{n}@demo.lantoa.vn",
            display_name=f"Tác giả {n}",
            link=f"https://thi.lantoa.vn/verify?token=t{n}",
            expires_at="2026-12-01T00:00:00Z",  # type: ignore[arg-type]
        )
    )


async def publish_twice(url: str, events: list[AccountEmailRequested]) -> None:
    """Each event under two message ids, as a re-publishing producer would: the stream keeps
    both copies and notify's inbox must make them one."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for copy in ("a", "b"):
            for event in events:
                await js.publish(
                    event.SUBJECT,
                    event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": f"{event.event_id}-{copy}"},
                )
    finally:
        await nc.close()


def statuses(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(s for (s,) in conn.execute("SELECT status FROM deliveries"))


def test_a_notify_killed_mid_batch_sends_every_message_exactly_once(notify_alone) -> None:  # type: ignore[no-untyped-def]
    stack, smtp = notify_alone
    smtp.hold_after = KILL_AFTER  # then hold each message before saying 250
    stack.start("notify")
    stack.wait_ready("notify")
    events = [link_request(n) for n in range(MESSAGES)]
    asyncio.run(publish_twice(stack.nats_url, events))  # type: ignore[arg-type]

    assert smtp.holding.wait(60), "the batch never reached the SMTP server"
    time.sleep(0.5)  # what was accepted before the hold is recorded as sent
    stack.kill("notify")  # SIGKILL, mid-batch: messages claimed, some in flight
    smtp.hold_after = None
    smtp.release.set()  # the held messages find their sender gone: not kept
    kept_before = len(smtp.messages())
    assert KILL_AFTER <= kept_before < MESSAGES
    in_db = statuses(stack.base / "notify.db")
    assert in_db["sent"] >= KILL_AFTER and in_db["sending"] + in_db["queued"] > 0

    stack.start("notify")
    smtp.wait_for(lambda messages: len(messages) >= MESSAGES, timeout=120)
    time.sleep(2.0)  # anything sent twice would arrive now
    received = Counter(str(m["To"]) for m in smtp.messages())
    assert len(received) == MESSAGES
    assert set(received.values()) == {1}, [k for k, v in received.items() if v > 1]
    ids = Counter(str(m["Message-ID"]) for m in smtp.messages())
    assert set(ids.values()) == {1}
    assert statuses(stack.base / "notify.db") == Counter({"sent": MESSAGES})
    assert smtp.dropped >= 1  # the kill did cut messages off in flight
