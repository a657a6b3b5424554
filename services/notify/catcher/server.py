"""A real SMTP server on localhost that keeps every message in a Maildir, so that `make up`
shows what contestants, jurors and organizers would receive without sending anything out.

    python -m services.notify.catcher --port 18025 --maildir var/mail
"""

from __future__ import annotations

import argparse
import mailbox
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class KeepInMaildir:
    """aiosmtpd handler: every message accepted is added to the Maildir, with its envelope."""

    def __init__(self, directory: Path) -> None:
        self.box = mailbox.Maildir(directory, create=True)
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = mailbox.MaildirMessage(envelope.original_content or envelope.content)
        message["X-Envelope-From"] = envelope.mail_from
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.box.add(message)
        return "250 Message kept"


class MailCatcher:
    """The catcher on ``host:port``, serving from its own thread until stopped."""

    def __init__(self, maildir: Path, port: int, host: str = "127.0.0.1") -> None:
        self.maildir = maildir
        self.host = host
        self.port = port
        self._controller = Controller(
            KeepInMaildir(maildir), hostname=host, port=port, enable_SMTPUTF8=True
        )

    def start(self) -> MailCatcher:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m services.notify.catcher",
        description="The built-in mail catcher: keeps every message it receives in a Maildir.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18025)
    parser.add_argument("--maildir", type=Path, default=Path("var/mail"))
    args = parser.parse_args(argv)
    catcher = MailCatcher(args.maildir, args.port, args.host).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(
        f"mail catcher on {args.host}:{args.port}, keeping messages in {args.maildir}", flush=True
    )
    stop.wait()
    catcher.stop()
