"""The clock of automatic reminders: every few seconds, send those that are due. Safe on every
replica: due rows are taken with SKIP LOCKED (PostgreSQL) or under SQLite's single writer."""

from __future__ import annotations

import asyncio
import contextlib

from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from ..deps import judging_settings
from .service import send_due

log = get_logger("lantoa.reminders")


class ReminderClock:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.settings = judging_settings(runtime)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="reminder-clock")

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.tick()
            except Exception as error:
                log.warning("reminders failed", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.reminder_poll_seconds)

    async def tick(self) -> int:
        async with self.runtime.db.transaction() as session:
            sent = await send_due(session, self.runtime.outbox, self.settings.public_url)
        if sent:
            log.info("reminders sent", count=sent)
        return sent

    async def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
            if not self._task.done():
                self._task.cancel()
