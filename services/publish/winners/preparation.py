"""Preparing recorded winners for the public: the text's words from its reading copy, the
duration of audio and video, the size of photos, read from storage once, outside the bus
handler. Audio and video are opened by PyAV through ranged reads of the stored object, so
only the container's header (and an MP4's index) is read, never the whole file."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Mapping
from typing import Any

import av
import sqlalchemy as sa
from av.video.stream import VideoStream
from PIL import Image

from shared.contracts.base import utc_now
from shared.logs import get_logger
from shared.runtime import ServiceRuntime
from shared.storage import ObjectNotFound, ObjectStorage

from ..deps import publish_settings
from .models import WinningWork

log = get_logger("lantoa.publish.preparation")

BATCH = 20
BLOCK = 256 * 1024
TEXT_MAX_BYTES = 8 * 1024 * 1024
PHOTO_HEADER_BYTES = 512 * 1024


class RangedObject(io.RawIOBase):
    """A stored object as a seekable file for PyAV, read in blocks by ranged requests.
    Used from a worker thread; the reads run on the service's event loop."""

    def __init__(
        self, storage: ObjectStorage, key: str, size: int, loop: asyncio.AbstractEventLoop
    ) -> None:
        self.storage, self.key, self.size, self.loop = storage, key, size, loop
        self.pos = 0
        self.cache: dict[int, bytes] = {}
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def _block(self, index: int) -> bytes:
        if index not in self.cache:
            future = asyncio.run_coroutine_threadsafe(
                self.storage.read_range(self.key, index * BLOCK, BLOCK), self.loop
            )
            self.cache[index] = future.result(timeout=60)
            self.fetched += len(self.cache[index])
        return self.cache[index]

    def read(self, size: int = -1) -> bytes:
        if self.pos >= self.size:
            return b""
        size = self.size - self.pos if size is None or size < 0 else min(size, self.size - self.pos)
        index, start = divmod(self.pos, BLOCK)
        data = self._block(index)[start : start + size]
        self.pos += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _duration(source: RangedObject) -> tuple[float | None, int | None, int | None]:
    with av.open(source, mode="r", metadata_errors="replace") as container:
        seconds = container.duration / av.time_base if container.duration else None
        width = height = None
        for stream in container.streams:
            if isinstance(stream, VideoStream):
                width, height = stream.width or None, stream.height or None
            if seconds is None and stream.type in ("audio", "video") and stream.duration:
                seconds = float(stream.duration * stream.time_base) if stream.time_base else None
        return (round(seconds, 3) if seconds else None), width, height


async def media_facts(storage: ObjectStorage, f: Mapping[str, Any]) -> dict[str, Any]:
    """What may be learnt of one stored file: duration and picture size."""
    facts: dict[str, Any] = {}
    key = str(f["object_key"])
    if f["kind"] in ("audio", "video"):
        info = await storage.stat(key)
        source = RangedObject(storage, key, info.size, asyncio.get_running_loop())
        try:
            seconds, width, height = await asyncio.to_thread(_duration, source)
        except (av.FFmpegError, ValueError) as error:
            log.warning("media unreadable", key=key, error=repr(error))
            return facts
        facts["duration_s"] = seconds
        if width and height:
            facts["width"], facts["height"] = width, height
        if info.size:
            facts["size_bytes"] = info.size
    elif f["kind"] == "photo":
        head = await storage.read_range(key, 0, PHOTO_HEADER_BYTES)
        with contextlib.suppress(Exception), Image.open(io.BytesIO(head)) as image:
            facts["width"], facts["height"] = image.size
    return facts


async def reading_text(storage: ObjectStorage, key: str) -> str:
    data = await storage.read_range(key, 0, TEXT_MAX_BYTES)
    return data.decode("utf-8-sig", errors="replace").strip()


async def prepare(
    storage: ObjectStorage, row_files: list[dict[str, Any]], read_text: bool = True
) -> tuple[list[dict[str, Any]], str | None]:
    """The files with what storage told of them, and the text's words (the reading copies'
    texts of a series, one after another) when ``read_text`` — never for a work whose authors
    did not consent to republication: its words are not ours to keep."""
    files: list[dict[str, Any]] = []
    texts: list[str] = []
    for f in row_files:
        learnt = dict(f)
        try:
            learnt.update(await media_facts(storage, f))
            if read_text and f.get("text_key"):
                texts.append(await reading_text(storage, str(f["text_key"])))
        except ObjectNotFound as missing:
            log.warning("stored file missing", key=str(missing))
        files.append(learnt)
    body = "\n\n".join(t for t in texts if t) or None
    return files, body


class Preparation:
    """Every few seconds, prepare the winners recorded since (prepared_at is NULL)."""

    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime
        self.settings = publish_settings(runtime)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="publish-preparation")

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                done = await self.tick()
            except Exception as error:
                log.warning("preparation failed", error=repr(error))
                done = 0
            if done:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.jobs_poll_seconds)

    async def tick(self) -> int:
        """Prepare a batch of winners; returns how many were prepared."""
        async with self.runtime.db.reading() as session:
            rows = list(
                await session.execute(
                    sa.select(
                        WinningWork.entry_id,
                        WinningWork.files,
                        WinningWork.content_hash,
                        WinningWork.consent,
                    )
                    .where(WinningWork.prepared_at.is_(None))
                    .limit(BATCH)
                )
            )
        prepared = 0
        for entry_id, files, digest, consent in rows:
            learnt, body = await prepare(self.runtime.storage, files, read_text=consent)
            async with self.runtime.db.transaction() as session:
                row = await session.get(WinningWork, entry_id)
                # Re-approved with other files meanwhile: its next turn prepares those.
                if row is None or row.content_hash != digest or row.prepared_at is not None:
                    continue
                row.files = learnt
                row.body_text = body
                # The feeds' items change (durations, text): a new version of them.
                row.prepared_at = row.updated_at = utc_now()
                prepared += 1
        return prepared

    async def stop(self, grace_seconds: float) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=grace_seconds)
            if not self._task.done():
                self._task.cancel()
