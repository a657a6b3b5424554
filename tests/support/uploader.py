"""The contestant upload protocol from Python, as the browser runs it: start, presigned part
URLs, parallel PUTs straight to storage, complete with the SHA-256, wait for the verdict."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ReadPart = Callable[[int, int], bytes]


@dataclass
class UploadResult:
    file_id: str | None
    start_status: int
    start_body: Any
    complete_status: int | None = None
    complete_body: Any = None
    file: dict[str, Any] = field(default_factory=dict)  # as the entry lists it at the end

    @property
    def status(self) -> str | None:
        return self.file.get("status")


def _reader(content: bytes | Path) -> tuple[int, ReadPart, Callable[[], str]]:
    if isinstance(content, bytes):
        return (
            len(content),
            lambda start, end: content[start:end],
            lambda: hashlib.sha256(content).hexdigest(),
        )

    def read(start: int, end: int) -> bytes:
        with content.open("rb") as handle:
            handle.seek(start)
            return handle.read(end - start)

    def digest() -> str:
        hasher = hashlib.sha256()
        with content.open("rb") as handle:
            while block := handle.read(8 << 20):
                hasher.update(block)
        return hasher.hexdigest()

    return content.stat().st_size, read, digest


async def upload(
    api: httpx.AsyncClient,
    entry_id: str,
    name: str,
    content: bytes | Path,
    *,
    role: str = "work",
    series_part: int | None = None,
    parallel: int = 4,
    sha256: str | None = None,
    parts: list[int] | None = None,
    complete: bool = True,
    wait: bool = True,
    storage: httpx.AsyncClient | None = None,
) -> UploadResult:
    """Upload ``content`` (or only ``parts`` of it) and, unless told not to, complete it."""
    size, read, digest = _reader(content)
    started = await api.post(
        f"/api/entries/{entry_id}/uploads",
        json={"file_name": name, "size_bytes": size, "role": role, "series_part": series_part},
    )
    if started.status_code != 201:
        return UploadResult(None, started.status_code, started.json())
    plan = started.json()
    result = UploadResult(plan["file_id"], 201, plan)
    own_storage = storage is None
    storage = storage or httpx.AsyncClient(timeout=120)
    try:
        await put_parts(api, storage, entry_id, plan, read, size, parts, parallel)
    finally:
        if own_storage:
            await storage.aclose()
    if not complete:
        return result
    declared: str = sha256 if sha256 is not None else await asyncio.to_thread(digest)
    return await finish(api, entry_id, result, declared, wait)


async def put_parts(
    api: httpx.AsyncClient,
    storage: httpx.AsyncClient,
    entry_id: str,
    plan: dict[str, Any],
    read: ReadPart,
    size: int,
    numbers: list[int] | None,
    parallel: int,
) -> None:
    file_id, part_size = plan["file_id"], plan["part_size"]
    wanted = numbers if numbers is not None else list(range(1, plan["part_count"] + 1))
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in wanted:
        queue.put_nowait(n)
    urls: dict[str, str] = {}
    lock = asyncio.Lock()

    async def url_for(n: int) -> str:
        async with lock:
            if str(n) not in urls:
                batch = [n, *[m for m in wanted if m > n and str(m) not in urls][:49]]
                answer = await api.post(
                    f"/api/entries/{entry_id}/uploads/{file_id}/part-urls",
                    json={"part_numbers": batch},
                )
                answer.raise_for_status()
                urls.update(answer.json()["urls"])
            return urls[str(n)]

    async def worker() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            start = (n - 1) * part_size
            body = await asyncio.to_thread(read, start, min(start + part_size, size))
            response = await storage.put(await url_for(n), content=body)
            response.raise_for_status()

    await asyncio.gather(*(worker() for _ in range(parallel)))


async def finish(
    api: httpx.AsyncClient, entry_id: str, result: UploadResult, sha256: str, wait: bool
) -> UploadResult:
    done = await api.post(
        f"/api/entries/{entry_id}/uploads/{result.file_id}/complete", json={"sha256": sha256}
    )
    result.complete_status, result.complete_body = done.status_code, done.json()
    if done.status_code == 202 and wait:
        result.file = await wait_for_verdict(api, entry_id, str(result.file_id))
    elif done.status_code == 202:
        result.file = done.json()
    return result


async def wait_for_verdict(
    api: httpx.AsyncClient, entry_id: str, file_id: str, timeout: float = 60
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        entry = (await api.get(f"/api/entries/{entry_id}")).json()
        file: dict[str, Any] = next((f for f in entry["files"] if f["file_id"] == file_id), {})
        if file.get("status") in ("verified", "rejected"):
            return dict(file)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"file {file_id} still {file.get('status')} after {timeout}s")
        await asyncio.sleep(0.1)
