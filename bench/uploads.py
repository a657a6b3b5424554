"""Contestant uploads at scale, against the submissions service run as a real process
(``python -m services.submissions`` on SQLite, with nats-server and SeaweedFS on free ports):

- ``upload_1gib``: one large video through the contestant protocol (start, presigned part URLs,
  4 parallel PUTs straight to storage, complete with the SHA-256), next to the MinIO SDK's own
  ``fput_object`` of the same file to the same bucket, with the service's RSS sampled meanwhile.
- ``submit_500``: many contestants, paced across a minute, each creating an entry, uploading a
  short article, waiting for the verifier's verdict and submitting; then every receipt is
  checked against the outbox and the stream.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import nats
from minio import Minio
from minio.helpers import get_part_info

from bench.pipeline import Emit, percentile, r
from shared.contracts.streams import service_stream
from shared.contracts.submissions import EntrySubmitted
from shared.logs import configure_logging
from tests.support import samples
from tests.support.media_samples import mp4_video
from tests.support.uploader import finish, upload, wait_for_verdict

from .upload_stack import (
    POOL,
    MiB,
    Person,
    RssSampler,
    UploadStack,
    cpu_figures,
    cpu_load,
    expect,
    service_figures,
    service_load,
)

UPLOAD_1GIB = "upload_1gib"
SUBMIT_500 = "submit_500"
ALL_BENCHES = (UPLOAD_1GIB, SUBMIT_500)

BROWSER_PARALLEL = 4  # upload.js: concurrency = 4
# upload.js looks at the verdict after 250 ms, then 1.6 times later each time, up to pollMs.
BROWSER_FIRST_POLL_SECONDS = 0.25
BROWSER_POLL_GROWTH = 1.6
BROWSER_POLL_SECONDS = 1.5
VERDICT_TIMEOUT = 600.0

log = logging.getLogger("bench.uploads")


@dataclass
class UploadOptions:
    only: tuple[str, ...]
    upload_bytes: int
    contestants: int
    spread_seconds: float
    repeat: int
    poll_seconds: float = BROWSER_POLL_SECONDS
    keep: bool = False


# --- upload_1gib -----------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(8 * MiB):
            hasher.update(block)
    return hasher.hexdigest()


@dataclass
class ProtocolRound:
    upload_s: float
    verify_s: float
    steps: dict[str, float]  # parts PUT, then waiting for the hash, then the complete call
    plan: dict[str, Any]
    rss: RssSampler


async def protocol_round(s: UploadStack, api: Any, storage: Any, path: Path) -> ProtocolRound:
    """Start → parts, hashed alongside as upload.js does → complete (202); then the verdict."""
    entry_id = await s.new_entry(api, "TH", s.people[1])
    with RssSampler(s.pid) as rss:
        started = time.perf_counter()
        hashing = asyncio.create_task(asyncio.to_thread(file_sha256, path))
        result = await upload(
            api, entry_id, path.name, path, parallel=BROWSER_PARALLEL, complete=False,
            storage=storage,
        )  # fmt: skip
        sent = time.perf_counter()
        sha256 = await hashing
        hashed = time.perf_counter()
        if result.file_id is None:
            raise RuntimeError(f"upload refused: {result.start_status} {result.start_body}")
        result = await finish(api, entry_id, result, sha256, wait=False)
        accepted = time.perf_counter()
        if result.complete_status != 202:
            raise RuntimeError(f"complete: {result.complete_status} {result.complete_body}")
        file = await wait_for_verdict(api, entry_id, str(result.file_id), VERDICT_TIMEOUT)
        verified = time.perf_counter()
    if file.get("status") != "verified":
        raise RuntimeError(f"the verifier did not accept the video: {file}")
    # A draft's file can be removed, and its media object with it: storage stays small.
    removed = await api.delete(f"/api/entries/{entry_id}/uploads/{result.file_id}")
    expect(removed, 204, "remove the uploaded file")
    steps = {"parts": sent - started, "hash_wait": hashed - sent, "complete": accepted - hashed}
    return ProtocolRound(accepted - started, verified - accepted, steps, result.start_body, rss)


def fput_round(client: Minio, bucket: str, path: Path) -> float:
    key = f"bench/fput-{uuid.uuid4().hex}"
    started = time.perf_counter()
    client.fput_object(bucket, key, str(path))  # the SDK's defaults, on purpose
    elapsed = time.perf_counter() - started
    client.remove_object(bucket, key)
    return elapsed


async def bench_upload(s: UploadStack, options: UploadOptions) -> dict[str, Any]:
    size = options.upload_bytes
    # A 2 s real MP4 (the warm-up), and the same grown to ``size`` by a trailing 'free' box.
    warm = await asyncio.to_thread(mp4_video, s.base / "warm.mp4", 2.0)
    path = s.base / "upload.mp4"
    shutil.copyfile(warm, path)
    await asyncio.to_thread(samples.pad_mp4, path, size)
    s3 = s.infra.s3
    client = Minio(
        s3.endpoint.split("://", 1)[1],
        s3.access_key,
        s3.secret_key,
        secure=False,
        region="us-east-1",
    )
    ours: list[ProtocolRound] = []
    theirs: list[float] = []
    async with s.client(s.people[1]) as api, httpx.AsyncClient(timeout=120) as storage:
        # The whole path once with the small video: the verifier loads its code (PyAV...).
        await protocol_round(s, api, storage, warm)
        await asyncio.to_thread(fput_round, client, s.bucket, warm)
        cpu_before, started = cpu_figures(s), time.perf_counter()
        for i in range(options.repeat):  # interleaved, so that noise falls on both sides
            ours.append(await protocol_round(s, api, storage, path))
            theirs.append(await asyncio.to_thread(fput_round, client, s.bucket, path))
            log.warning(
                "upload round %d: protocol %.1f s (+%.1f s verify), fput_object %.1f s",
                i + 1, ours[-1].upload_s, ours[-1].verify_s, theirs[-1],
            )  # fmt: skip
        load = cpu_load(cpu_before, cpu_figures(s), time.perf_counter() - started)
    path.unlink()
    mib = size / MiB
    best = min(ours, key=lambda x: x.upload_s)
    memory = max(ours, key=lambda x: x.rss.growth_mib())
    defaults = inspect.signature(Minio.fput_object).parameters
    value, baseline = mib / best.upload_s, mib / min(theirs)
    return {
        "bench": UPLOAD_1GIB,
        "value": r(value),
        "unit": "MiB/s",
        "baseline": r(baseline),
        "ratio": float(f"{value / baseline:.4g}"),
        "target": 0.9,
        "ratio_meaning": "protocol MiB/s / fput_object MiB/s (first call → 202 of complete)",
        "size_mib": r(mib),
        "upload_s": r(best.upload_s, 2),
        "baseline_s": r(min(theirs), 2),
        "verify_s": r(best.verify_s, 2),
        **{f"{step}_s": r(seconds, 2) for step, seconds in best.steps.items()},
        "rounds": [r(mib / x.upload_s) for x in ours],
        "baseline_rounds": [r(mib / x) for x in theirs],
        "verify_rounds_s": [r(x.verify_s, 2) for x in ours],
        "parallel": BROWSER_PARALLEL,
        "part_size_mib": r(best.plan["part_size"] / MiB),
        "part_count": best.plan["part_count"],
        "baseline_part_size_mib": r(get_part_info(size, defaults["part_size"].default)[0] / MiB),
        "baseline_parallel": defaults["num_parallel_uploads"].default,
        "service_rss_before_mib": r(memory.rss.before[0] / 1024),
        "service_rss_peak_mib": r(memory.rss.peak[0] / 1024),
        "service_rss_growth_mib": r(memory.rss.growth_mib()),
        "service_rss_anon_growth_mib": r(memory.rss.growth_mib(1)),
        "service_rss_growth_rounds_mib": [r(x.rss.growth_mib()) for x in ours],
        "memory_target_mib": 50,
        **load,
    }


# --- submit_500 ------------------------------------------------------------------------------


@dataclass
class Journey:
    person: Person
    entry_id: str | None = None
    code: str | None = None
    total_ms: float | None = None
    submit_ms: float | None = None
    verify_ms: float | None = None
    error: str | None = None


async def verdict(api: Any, entry_id: str, file_id: str, poll: float) -> dict[str, Any]:
    """Look at the entry as upload.js does (soon, then less often, up to every ``poll``
    seconds) until the file is decided. (tests.support.uploader.wait_for_verdict looks every
    100 ms: right for a test, but far more load than real browsers when hundreds wait at once.)"""
    deadline = time.monotonic() + VERDICT_TIMEOUT
    wait = min(BROWSER_FIRST_POLL_SECONDS, poll)
    while time.monotonic() < deadline:
        await asyncio.sleep(wait)
        wait = min(wait * BROWSER_POLL_GROWTH, poll)
        answer = await api.get(f"/api/entries/{entry_id}")
        expect(answer, 200, "GET the entry")
        for file in answer.json()["files"]:
            if file["file_id"] == file_id and file["status"] in ("verified", "rejected"):
                return dict(file)
    raise RuntimeError(f"no verdict on {file_id} after {VERDICT_TIMEOUT:.0f} s")


async def journey(
    s: UploadStack, api: Any, storage: Any, one: Journey, article: bytes, poll: float
) -> None:
    """A contestant: a draft, one article uploaded and verified, then the submission."""
    started = time.perf_counter()
    try:
        one.entry_id = await s.new_entry(api, "BC", one.person)
        result = await upload(api, one.entry_id, "bai-du-thi.txt", article, storage=storage,
                              wait=False)  # fmt: skip
        if result.complete_status != 202:
            raise RuntimeError(f"upload: {result.start_status}/{result.complete_status}")
        accepted = time.perf_counter()
        file = await verdict(api, one.entry_id, str(result.file_id), poll)
        if file["status"] != "verified":
            raise RuntimeError(f"file rejected: {file.get('rejection')}")
        before_submit = time.perf_counter()
        submitted = await api.post(f"/api/entries/{one.entry_id}/submit")
        done = time.perf_counter()
        expect(submitted, 200, "submit")
        one.code = submitted.json()["code"]
        one.total_ms = (done - started) * 1000
        one.submit_ms = (done - before_submit) * 1000
        one.verify_ms = (before_submit - accepted) * 1000
    except Exception as error:
        one.error = repr(error)[:300]


async def paced(count: int, spread: float, run: Callable[[int], Awaitable[None]]) -> float:
    """Start run(0..count-1) uniformly across ``spread`` seconds; returns the elapsed time."""
    started = time.perf_counter()

    async def later(i: int) -> None:
        await asyncio.sleep(max(0.0, started + i * spread / count - time.perf_counter()))
        await run(i)

    await asyncio.gather(*(later(i) for i in range(count)))
    return time.perf_counter() - started


def submitted_events(database: Path) -> dict[str, tuple[str, bool]]:
    """EntrySubmitted events in the service's outbox: entry_id → (code, published)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT body, published_at FROM outbox WHERE subject = ?", (EntrySubmitted.SUBJECT,)
        ).fetchall()
    events = {}
    for body, published_at in rows:
        payload = json.loads(body)["payload"]
        events[payload["entry_id"]] = (payload["code"], published_at is not None)
    return events


async def settled(s: UploadStack, expected: int, timeout: float = 60) -> dict[str, Any]:
    """The outbox's EntrySubmitted events and the count on the stream, once the relay has
    published every receipt (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    nc = await nats.connect(s.infra.nats.url)
    try:
        while True:
            events = await asyncio.to_thread(submitted_events, s.base / "submissions.db")
            published = sum(1 for _, done in events.values() if done)
            info = await nc.jetstream().stream_info(
                service_stream("submissions").name, subjects_filter=EntrySubmitted.SUBJECT
            )
            on_bus = int((info.state.subjects or {}).get(EntrySubmitted.SUBJECT, 0))
            if (published >= expected and on_bus >= published) or time.monotonic() > deadline:
                return {"events": events, "published": published, "on_bus": on_bus}
            await asyncio.sleep(0.5)
    finally:
        await nc.close()


async def bench_submit(s: UploadStack, options: UploadOptions) -> dict[str, Any]:
    count, spread, poll = options.contestants, options.spread_seconds, options.poll_seconds
    journeys = [Journey(p) for p in s.people[1 : count + 1]]
    transport = httpx.AsyncHTTPTransport(limits=POOL)  # one pool for every contestant
    clients = [s.client(j.person, transport) for j in journeys]
    requests = [0]

    async def counted(_: httpx.Request) -> None:
        requests[0] += 1

    for c in clients:
        c.event_hooks["request"] = [counted]
    articles = [samples.text_article(450 + (i * 397) % 4000) for i in range(count)]  # 2–20 KB
    me_ms: list[float] = []

    async def me(i: int) -> None:
        started = time.perf_counter()
        expect(await clients[i].get("/api/me"), 200, "GET /api/me")
        me_ms.append((time.perf_counter() - started) * 1000)

    try:
        async with httpx.AsyncClient(timeout=120, limits=POOL) as storage:
            await paced(count, spread, me)  # the baseline first, at the same pace
            requests[0] = 0
            before = await service_figures(s)
            elapsed = await paced(
                count,
                spread,
                lambda i: journey(s, clients[i], storage, journeys[i], articles[i], poll),
            )
            load = service_load(before, await service_figures(s), elapsed)
    finally:
        await transport.aclose()
    receipts = {j.entry_id: j.code for j in journeys if j.code is not None and j.entry_id}
    state = await settled(s, len(receipts))
    events: dict[str, tuple[str, bool]] = state["events"]
    # Lost: a receipt without its published event, or an event the stream does not hold.
    confirmed = sum(1 for e, code in receipts.items() if events.get(e) == (code, True))
    lost = count - confirmed + max(0, state["published"] - state["on_bus"])
    total = [j.total_ms for j in journeys if j.total_ms is not None]
    submit = [j.submit_ms for j in journeys if j.submit_ms is not None]
    verify = [j.verify_ms for j in journeys if j.verify_ms is not None]
    value, baseline = percentile(total, 99), percentile(me_ms, 99)
    return {
        "bench": SUBMIT_500,
        "value": r(value),
        "unit": "ms",
        "baseline": r(baseline, 2),
        "ratio": float(f"{baseline / value:.4g}"),
        "ratio_meaning": "p99 GET /api/me / p99 journey, same pacing (higher is better)",
        "contestants": count,
        "receipts": len(receipts),
        "lost": lost,
        "duplicate_codes": len(receipts) - len(set(receipts.values())),
        "outbox_events": len(events),
        "published_events": state["published"],
        "bus_events": state["on_bus"],
        "failed_journeys": count - len(total),
        "errors": sorted({j.error for j in journeys if j.error})[:5],
        "p50_ms": r(percentile(total, 50)),
        "p99_ms": r(value),
        "max_ms": r(max(total, default=float("nan"))),
        "submit_p50_ms": r(percentile(submit, 50)),
        "submit_p99_ms": r(percentile(submit, 99)),
        "verify_wait_p50_ms": r(percentile(verify, 50)),
        "verify_wait_p99_ms": r(percentile(verify, 99)),
        "baseline_p50_ms": r(percentile(me_ms, 50), 2),
        "elapsed_s": r(elapsed, 2),
        "spread_s": spread,
        "receipts_per_minute": r(len(receipts) / elapsed * 60),
        "api_requests": requests[0],
        "poll_ms": round(poll * 1000),
        "pool_connections": POOL.max_connections,
        **load,
    }


# --- running ---------------------------------------------------------------------------------


async def run_all(options: UploadOptions, emit: Emit) -> int:
    """Each benchmark on a fresh stack, so that one's leftovers (GiBs in SeaweedFS, dirty
    pages) do not weigh on the other."""
    configure_logging("bench", "WARNING", "console")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.stderr)
    base = Path(tempfile.mkdtemp(prefix="lantoa-bench-uploads-"))
    failures = 0
    try:
        for name in options.only:
            try:
                line = await one(name, base / name, options)
            except Exception as error:
                log.exception("benchmark failed: %s", name)
                line = {"bench": name, "error": repr(error)[:500]}
                failures += 1
            emit(line)
    finally:
        if options.keep:
            print(f"kept {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    return 1 if failures else 0


async def one(name: str, base: Path, options: UploadOptions) -> dict[str, Any]:
    stack = UploadStack.start(base)  # blocking, in the main thread on purpose
    try:
        await stack.add_people(1 if name == UPLOAD_1GIB else options.contestants)
        await stack.open_contest()
        if name == UPLOAD_1GIB:
            return await bench_upload(stack, options)
        return await bench_submit(stack, options)
    finally:
        stack.stop()


__all__ = ["ALL_BENCHES", "SUBMIT_500", "UPLOAD_1GIB", "UploadOptions", "run_all"]
