"""10,000 notifications from events to a local SMTP server: the notify service as a real
process (SQLite, its own nats-server and SeaweedFS) takes 10,000 AccountEmailRequested events
from JetStream, queues one delivery each and sends them. The figure is the seconds from the
first event published to the last message accepted by the SMTP server, with the duplicate count
(messages received beyond one per Message-ID and per recipient). The baseline is aiosmtplib
alone sending the same number of ready-made messages to the same server over the same number of
connections (the floor of SMTP itself on this machine)."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiosmtplib
import nats
from aiosmtpd.controller import Controller

from deploy.local.processes import free_port, port_open
from shared.contracts.submissions import (
    AccountEmailPurpose,
    AccountEmailRequested,
    AccountEmailRequestedPayload,
)
from tests.support.infra import Infra, start_nats, start_s3
from tests.support.keys import write_key_pair
from tests.support.stack import Stack

NOTIFY_EMAIL = "notify_email_10000"
MESSAGES = 10_000
QUICK_MESSAGES = 200
AIM_SECONDS = 60.0
CONNECTIONS = 4


class Counting:
    """An SMTP server that only counts, by Message-ID and by recipient; it runs in a process of
    its own, so it does not share an interpreter with the sender being measured."""

    def __init__(self, total: Any, duplicates: Any, last: Any) -> None:
        self.total, self.duplicates, self.last = total, duplicates, last
        self.ids: set[str] = set()
        self.recipients: set[str] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        head = envelope.content.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        message_id = next(
            (
                line.split(":", 1)[1].strip()
                for line in head.splitlines()
                if line.lower().startswith("message-id:")
            ),
            "",
        )
        again = message_id in self.ids or any(r in self.recipients for r in envelope.rcpt_tos)
        self.ids.add(message_id)
        self.recipients.update(envelope.rcpt_tos)
        with self.total.get_lock():
            self.total.value += 1
            self.duplicates.value += int(again)
            self.last.value = time.time()
        return "250 OK"


def _serve(port: int, total: Any, duplicates: Any, last: Any, stop: Any) -> None:
    controller = Controller(Counting(total, duplicates, last), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


class CountingServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.total = mp.Value("q", 0)
        self.duplicates = mp.Value("q", 0)
        self.last = mp.Value("d", 0.0)
        self.stop_event = mp.Event()
        self.process = mp.Process(
            target=_serve,
            args=(self.port, self.total, self.duplicates, self.last, self.stop_event),
            daemon=True,
        )

    def start(self) -> CountingServer:
        self.process.start()
        deadline = time.monotonic() + 20
        while not port_open(self.port):
            if time.monotonic() > deadline:
                raise AssertionError("the counting SMTP server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)

    def count(self) -> int:
        return int(self.total.value)


def _event(n: int) -> AccountEmailRequested:
    return AccountEmailRequested(
        payload=AccountEmailRequestedPayload(
            account_id=f"acc-{n}",
            purpose=AccountEmailPurpose.VERIFY_EMAIL,
            email=f"tacgia{n:05d}@bench.lantoa.vn",
            display_name=f"Tác giả {n}",
            link=f"https://thi.lantoa.vn/verify?token=t{n}",
            expires_at="2026-12-31T00:00:00Z",  # type: ignore[arg-type]
        )
    )


async def _publish(url: str, count: int) -> None:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        pending = []
        for n in range(count):
            event = _event(n)
            pending.append(
                js.publish(
                    event.SUBJECT,
                    event.model_dump_json().encode(),
                    headers={"Nats-Msg-Id": event.event_id},
                )
            )
            if len(pending) == 500:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await nc.close()


def _ready_made(n: int) -> bytes:
    message = EmailMessage()
    message["From"] = "no-reply@lantoa.local"
    message["To"] = f"floor{n}@bench.lantoa.vn"
    message["Subject"] = "[Lan Toả] Xác nhận địa chỉ e-mail của bạn"
    message["Message-ID"] = f"<floor-{n}@lantoa.local>"
    message.set_content("Kính gửi bạn,\n\n" + "Nội dung thư. " * 40)
    message.add_alternative("<p>Kính gửi bạn,</p>" + "<p>Nội dung thư.</p>" * 40, subtype="html")
    return message.as_bytes()


async def _raw_smtp(port: int, messages: list[bytes]) -> None:
    """The floor: ready-made messages over CONNECTIONS kept-open connections."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(messages)):
        queue.put_nowait(n)

    async def worker() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port)
        await client.connect()
        try:
            while not queue.empty():
                n = queue.get_nowait()
                rcpt = f"floor{n}@bench.lantoa.vn"
                await client.sendmail("no-reply@lantoa.local", [rcpt], messages[n])
        finally:
            await client.quit()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))


def _wait(server: CountingServer, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while server.count() < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {server.count()} of {count} messages arrived")
        time.sleep(0.05)


def notify_email_bench(quick: bool) -> dict[str, Any]:
    count = QUICK_MESSAGES if quick else MESSAGES
    ready = [_ready_made(n) for n in range(count)]  # built before the clock starts
    floor_server = CountingServer().start()
    try:
        started = time.perf_counter()
        asyncio.run(_raw_smtp(floor_server.port, ready))
        baseline = time.perf_counter() - started
    finally:
        floor_server.stop()
    server = CountingServer().start()
    with tempfile.TemporaryDirectory(prefix="lantoa-bench-notify-") as tmp:
        base = Path(tmp)
        nats_server = start_nats(base)
        s3 = start_s3(base)
        infra = Infra(nats_server, s3, *write_key_pair(base / "keys"), base)
        stack = Stack(
            infra,
            base,
            smtp_port=server.port,
            extra_env={
                "notify": {
                    "LANTOA_NOTIFY_SMTP_CONNECTIONS": str(CONNECTIONS),
                    "LANTOA_LOG_LEVEL": "WARNING",
                }
            },
        )
        try:
            stack.start("notify")
            stack.wait_ready("notify")
            started_wall = time.time()
            asyncio.run(_publish(nats_server.url, count))
            published = time.time() - started_wall
            _wait(server, count, timeout=900)
            value = server.last.value - started_wall
            time.sleep(2.0)  # anything sent twice would arrive now
        finally:
            stack.stop_all()
            s3.stop()
            nats_server.stop()
            server.stop()
    received = server.count()
    duplicates = int(server.duplicates.value)
    aim = AIM_SECONDS * count / MESSAGES
    return {
        "bench": NOTIFY_EMAIL,
        # Four significant figures: a quick run takes about a second, where two decimals
        # would be too coarse for the ratio to be read back from the printed figures.
        "value": float(f"{value:.4g}"),
        "unit": "s",
        "baseline": float(f"{baseline:.4g}"),
        "ratio": float(f"{value / baseline:.4g}"),
        "ratio_meaning": "value / baseline (lower is better; the baseline is aiosmtplib alone "
        "sending ready-made messages to the same kind of server)",
        "messages": count,
        "received": received,
        "duplicates": duplicates,
        "throughput_per_s": round(count / value, 1),
        "events_published_s": round(published, 2),
        "aim_seconds": aim,
        "within_aim": value < aim and duplicates == 0 and received == count,
        "smtp_connections": CONNECTIONS,
    }
