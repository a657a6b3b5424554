"""Verify each completed upload: download it from quarantine (hashing on the way), measure it,
strip identifying metadata, and either store it under media/ or delete it with a reason. A text
is stored with its reading copy beside it (`<object_key>.txt`).

The slow part runs outside any transaction (the consumer's prepare step); the outcome is then
recorded in one short transaction, with MediaVerified in the outbox."""

from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from shared.bus.consumer import Apply, Subscription
from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    CategoryRules,
    MediaVerified,
    MediaVerifiedPayload,
    UploadCompleted,
)
from shared.logs import get_logger
from shared.runtime import ServiceRuntime
from shared.storage import ObjectNotFound

from ..entries.service import submitted_file
from ..models import Category, Entry, EntryFile
from .measure import Expected, Verdict, inspect_upload

log = get_logger("lantoa.verifier")

READING_COPY_TYPE = "text/plain; charset=utf-8"


def reading_copy_key(object_key: str) -> str:
    return f"{object_key}.txt"


TIMED_OUT = (
    "Không kiểm tra xong tệp trong thời gian cho phép: tệp có thể bị hỏng hoặc có cấu trúc bất "
    "thường. Hãy xuất lại tệp rồi tải lên lại."
)


class Verifier:
    """Bound to the runtime once it exists (the subscription is declared before).

    Measuring runs in a child process: it is CPU work that must not slow the web requests of
    this process, and a file built to make a parser loop forever is stopped by the time limit
    (the child is killed, a fresh one takes the next file)."""

    def __init__(
        self, scratch_dir: str | None, time_limit_seconds: float, concurrency: int = 1
    ) -> None:
        self.scratch_dir = scratch_dir
        self.time_limit = time_limit_seconds
        self.concurrency = concurrency
        self._runtime: ServiceRuntime | None = None
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Nothing to start: the measuring process is created on first use."""

    async def stop(self, grace_seconds: float) -> None:
        self._discard_pool(wait=True)

    def _discard_pool(self, *, wait: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not wait:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        pool.shutdown(wait=wait, cancel_futures=True)

    async def _measure(
        self, local: Path, digest: str, size: int, expected: Expected, work: Path
    ) -> Verdict:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.concurrency, mp_context=get_context("spawn")
            )
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._pool, inspect_upload, local, digest, size, expected, work)
        try:
            return await asyncio.wait_for(job, self.time_limit)
        except TimeoutError:
            log.warning("measuring took too long; process replaced", limit=self.time_limit)
            self._discard_pool(wait=False)
            return Verdict(problem=TIMED_OUT)
        except BrokenProcessPool:
            self._discard_pool(wait=False)
            raise

    def bind(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime

    @property
    def runtime(self) -> ServiceRuntime:
        assert self._runtime is not None, "Verifier.bind(runtime) was not called"
        return self._runtime

    def subscription(self) -> Subscription[UploadCompleted]:
        return Subscription(
            UploadCompleted,
            "submissions-verifier",
            prepare=self.prepare,
            batch_size=self.concurrency,
            description="Checks each completed upload and moves it out of quarantine.",
        )

    async def prepare(self, event: UploadCompleted) -> Apply:
        """Check an uploaded object; return how to record the outcome."""
        p = event.payload
        runtime = self.runtime
        async with runtime.db.reading() as session:
            file = await session.get(EntryFile, p.file_id)
            if file is None or file.status != "verifying":
                return _nothing  # decided already: a redelivery
            entry = await session.get(Entry, p.entry_id)
            assert entry is not None
            category = await session.get(Category, entry.category_id)
            assert category is not None
            expected = Expected(
                size=p.size_bytes,
                sha256=p.declared_sha256,
                role=file.role,
                rules=CategoryRules.model_validate(category.rules),
            )
        with tempfile.TemporaryDirectory(dir=self.scratch_dir, prefix="verify-") as work:
            local = Path(work) / "upload"
            try:
                digest, size = await runtime.storage.download(p.object_key, local)
            except ObjectNotFound:
                return _rejected(p.file_id, "Không còn thấy tệp đã tải lên: hãy tải lên lại.")
            verdict = await self._measure(local, digest, size, expected, Path(work))
            if verdict.problem is not None:
                await runtime.storage.delete(p.object_key)
                log.info("upload rejected", file_id=p.file_id, reason=verdict.problem)
                return _rejected(p.file_id, verdict.problem)
            media_key = f"media/{p.entry_id}/{p.file_id}"
            assert verdict.keep is not None
            assert verdict.media_type is not None
            if verdict.keep == local:
                await runtime.storage.copy(p.object_key, media_key)
            else:
                await runtime.storage.upload(media_key, verdict.keep, verdict.media_type)
            text_key = None
            if verdict.reading_copy is not None:
                text_key = reading_copy_key(media_key)
                await runtime.storage.upload(text_key, verdict.reading_copy, READING_COPY_TYPE)
        # The quarantine copy is removed by the sweeper once this outcome is recorded.
        return _verified(runtime, p.file_id, digest, media_key, text_key, verdict)


async def _nothing(session: AsyncSession) -> None:
    return None


def _rejected(file_id: str, reason: str) -> Apply:
    async def apply(session: AsyncSession) -> None:
        file = await session.get(EntryFile, file_id)
        if file is None or file.status != "verifying":
            return
        file.status = "rejected"
        file.rejection = reason

    return apply


def _verified(
    runtime: ServiceRuntime,
    file_id: str,
    digest: str,
    media_key: str,
    text_key: str | None,
    verdict: Verdict,
) -> Apply:
    async def apply(session: AsyncSession) -> None:
        file = await session.get(EntryFile, file_id)
        if file is None or file.status != "verifying":
            return
        assert verdict.kind is not None
        file.status = "verified"
        file.kind = verdict.kind.value
        file.media_type = verdict.media_type
        file.object_key = media_key
        file.text_key = text_key
        file.sha256 = digest
        file.stored_sha256 = verdict.keep_sha256
        file.stored_size = verdict.keep_size
        file.facts = verdict.facts
        file.identifying = verdict.identifying
        file.verified_at = utc_now()
        entry = await session.get(Entry, file.entry_id)
        assert entry is not None
        await runtime.outbox.stage(
            session,
            MediaVerified(
                contest_id=entry.contest_id,
                payload=MediaVerifiedPayload(entry_id=entry.entry_id, file=submitted_file(file)),
            ),
        )

    return apply
