"""Housekeeping of the upload area, on every replica (each step is safe to run twice):
abort multipart uploads abandoned for a day, and remove quarantine copies whose file has been
decided (verified files live under media/, rejected ones are gone)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import sqlalchemy as sa

from shared.contracts.base import utc_now
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from ..deps import submissions_settings
from ..models import EntryFile

log = get_logger("lantoa.upload-sweeper")

ABANDONED = "Tải lên bị bỏ dở quá lâu nên đã bị huỷ: hãy tải lên lại."


class UploadSweeper:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        settings = submissions_settings(runtime)
        self.abandon_after = timedelta(hours=settings.upload_abandon_hours)
        self.every = settings.upload_sweep_seconds
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="upload-sweeper")

    async def _run(self) -> None:
        await asyncio.wait_for(self.runtime.storage_ready.wait(), None)
        while not self._stop.is_set():
            try:
                await self.sweep_once()
            except Exception as error:
                log.warning("upload sweep failed", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every)

    async def sweep_once(self) -> dict[str, int]:
        aborted = await self._abort_abandoned()
        removed = await self._remove_decided_quarantine()
        if aborted or removed:
            log.info("upload area swept", aborted=aborted, quarantine_removed=removed)
        return {"aborted": aborted, "quarantine_removed": removed}

    async def _abort_abandoned(self) -> int:
        storage = self.runtime.storage
        cutoff = utc_now() - self.abandon_after
        async with self.runtime.db.reading() as session:
            stale = list(
                await session.scalars(
                    sa.select(EntryFile).where(
                        EntryFile.status == "uploading", EntryFile.created_at < cutoff
                    )
                )
            )
            known = set(
                await session.scalars(
                    sa.select(EntryFile.upload_id).where(EntryFile.upload_id.is_not(None))
                )
            )
        for file in stale:
            if file.upload_id:
                await storage.abort_multipart(file.quarantine_key, file.upload_id)
            async with self.runtime.db.transaction() as session:
                current = await session.get(EntryFile, file.file_id)
                if current is not None and current.status == "uploading":
                    current.status = "cancelled"
                    current.rejection = ABANDONED
        # Uploads the database does not know (a crash between creating and recording one).
        orphans = 0
        for pending in await storage.pending_uploads("quarantine/"):
            if pending.upload_id in known:
                continue
            if pending.initiated is not None and pending.initiated < cutoff:
                await storage.abort_multipart(pending.key, pending.upload_id)
                orphans += 1
        return len(stale) + orphans

    async def _remove_decided_quarantine(self) -> int:
        storage = self.runtime.storage
        keys = set(await storage.list_keys("quarantine/"))
        if not keys:
            return 0
        async with self.runtime.db.reading() as session:
            undecided = set(
                await session.scalars(
                    sa.select(EntryFile.quarantine_key).where(
                        EntryFile.status.in_(("uploading", "verifying"))
                    )
                )
            )
        removable = sorted(keys - undecided)
        for key in removable:
            await storage.delete(key)
        return len(removable)

    async def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
            if not self._task.done():
                self._task.cancel()
