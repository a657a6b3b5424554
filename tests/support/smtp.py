"""A real SMTP server (aiosmtpd) that keeps what it receives, for tests.

It can refuse on demand (``reply_code``), be stopped and started again on the same port (an
SMTP server down for a while), and hold every message after the n-th before accepting it, so a
test can kill the sender while messages are in flight: like a real server, a message whose
sender is gone before the server said 250 is not kept."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from deploy.local.processes import free_port


class _Keep:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sink = self.sink
        if sink.reply_code is not None:
            return f"{sink.reply_code} {sink.reply_text}"
        if sink.hold_after is not None and len(sink.received) >= sink.hold_after:
            sink.holding.set()
            try:
                await asyncio.to_thread(sink.release.wait)
            except asyncio.CancelledError:  # aiosmtpd cancels it when the sender hangs up
                sink.dropped += 1
                raise
            transport = getattr(server, "transport", None)
            if transport is None or transport.is_closing():
                sink.dropped += 1
                return "451 4.4.2 sender gone before the reply; not kept"
        message = message_from_bytes(envelope.content, policy=policy.SMTP)
        assert isinstance(message, EmailMessage)
        with sink.lock:
            sink.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpSink:
    def __init__(self, port: int | None = None, **controller_options: Any) -> None:
        """``controller_options`` go to aiosmtpd's Controller: TLS, STARTTLS, authentication."""
        self.port = port or free_port()
        self.options = controller_options
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.reply_code: int | None = None  # answer every DATA with this code, when set
        self.reply_text = "try later"
        self.hold_after: int | None = None  # hold each message after this many kept
        self.holding = threading.Event()  # set once a message is held
        self.release = threading.Event()
        self.dropped = 0
        self._controller = self._new_controller()

    def _new_controller(self) -> Controller:
        return Controller(_Keep(self), hostname="127.0.0.1", port=self.port, **self.options)

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def restart(self) -> None:
        """Start again on the same port after ``stop`` (what was kept stays)."""
        self._controller = self._new_controller()
        self._controller.start()

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [m for _, _, m in self.received]

    def envelopes(self) -> list[tuple[str, list[str]]]:
        with self.lock:
            return [(sender, rcpts) for sender, rcpts, _ in self.received]

    def wait_for(
        self, predicate: Callable[[list[EmailMessage]], bool], timeout: float = 30
    ) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.messages()
            if predicate(messages):
                return messages
            time.sleep(0.1)
        raise AssertionError(
            f"SMTP sink: condition not met in {timeout}s; got {len(self.messages())} messages"
        )
