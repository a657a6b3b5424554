"""An SMTP server for bounce reports, on the service's own event loop.

Every e-mail notify sends has the return path ``bounce+<delivery>@<bounce domain>``; the MX of
that domain (or a relay) hands reports for it to this listener. It accepts mail for those
addresses only, so it can never be used as a relay, and answers 250 to any report it takes,
read or not: a bounce must never bounce.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiosmtpd.smtp import SMTP

from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from ..domain.dsn import BounceReport, parse_report
from ..settings import NotifySettings
from .service import record_report

log = get_logger("lantoa.notify.bounces")

DATA_SIZE_LIMIT = 2 << 20
MAX_RECIPIENTS = 20
SESSION_TIMEOUT_SECONDS = 60.0
NO_SUCH_MAILBOX = "550 5.1.1 no such mailbox"
TOO_MANY_RECIPIENTS = "452 4.5.3 too many recipients"
TRY_LATER = "451 4.3.0 cannot record the report now, try again later"


class BounceHandler:
    """aiosmtpd hooks: accept ``bounce+<id>@<domain>`` only, record what arrives."""

    def __init__(self, runtime: ServiceRuntime, bounce_domain: str) -> None:
        self.runtime = runtime
        self.bounce_domain = bounce_domain
        self._mailbox = re.compile(
            r"bounce\+[A-Za-z0-9][A-Za-z0-9_.-]{0,63}@" + re.escape(bounce_domain), re.I
        )

    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not self._mailbox.fullmatch(address):
            return NO_SUCH_MAILBOX
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        # Parsing hostile input may take a moment: off the event loop, which serves HTTP too.
        reports = await asyncio.to_thread(self._parse, raw, list(dict.fromkeys(envelope.rcpt_tos)))
        readable = [(rcpt, report) for rcpt, report in reports if report is not None]
        for rcpt, report in reports:
            if report is None:
                log.warning(
                    "unreadable bounce report", rcpt=rcpt, peer=str(session.peer), size=len(raw)
                )
        if not readable:
            return "250 2.0.0 OK"
        try:
            async with self.runtime.db.transaction() as db_session:
                for rcpt, report in readable:
                    outcome = await record_report(
                        db_session, report, source="smtp", outbox=self.runtime.outbox
                    )
                    if outcome == "unknown":
                        log.warning("bounce for no known delivery", rcpt=rcpt)
        except Exception as error:
            # Not the report's fault: ask the MTA to try again rather than lose it.
            log.error("bounce report not recorded", error=repr(error))
            return TRY_LATER
        return "250 2.0.0 OK"

    def _parse(self, raw: bytes, rcpts: list[str]) -> list[tuple[str, BounceReport | None]]:
        """One report per VERP address (in practice there is one)."""
        return [(rcpt, parse_report(raw, self.bounce_domain, rcpt_to=rcpt)) for rcpt in rcpts]


class BounceListener:
    """A service worker: the bounce SMTP server on ``settings.bounce_smtp_port`` (0 = off)."""

    def __init__(self, runtime: ServiceRuntime, host: str = "0.0.0.0") -> None:
        self.runtime = runtime
        self.settings: NotifySettings = runtime.settings  # type: ignore[assignment]
        self.host = host
        self.handler = BounceHandler(runtime, self.settings.bounce_domain)
        self._server: asyncio.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return self.settings.bounce_smtp_port

    def start(self) -> None:
        if self.port > 0:
            self._task = asyncio.create_task(self._serve(), name="notify-bounce-listener")

    async def started(self) -> None:
        """Wait until the server listens (start() only schedules it)."""
        if self._task is not None:
            await self._task

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(
                self.handler,
                data_size_limit=DATA_SIZE_LIMIT,
                hostname=self.settings.bounce_domain,  # not getfqdn(): that may wait on DNS
                ident="Lan Toa bounce intake",
                timeout=SESSION_TIMEOUT_SECONDS,
                loop=loop,
            ),
            host=self.host,
            port=self.port,
        )

    async def stop(self, grace_seconds: float) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._server is not None:
            self._server.close()
            try:
                await asyncio.wait_for(self._server.wait_closed(), grace_seconds)
            except TimeoutError:
                log.warning("bounce listener: sessions still open at stop")
            self._server = None
