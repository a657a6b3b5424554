"""The stack the upload benchmarks run against: nats-server, SeaweedFS and the submissions
service as a real process on SQLite, with accounts and a live contest; and what they read off
it while they run (RSS with child processes, CPU time, the service's own metrics)."""

from __future__ import annotations

import contextlib
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.pipeline import cpu_seconds, r
from services.submissions.accounts.service import create_account
from shared.auth import Role
from shared.db import Database
from tests.support.flows import author, contest_body, entry_body
from tests.support.infra import Infra, start_nats, start_s3
from tests.support.keys import sign_token, write_key_pair
from tests.support.stack import Stack

MiB = 1 << 20
# One service process on 2 cores answers one request at a time; more sockets would only move
# the queue from this pool into the server.
POOL = httpx.Limits(max_connections=16, max_keepalive_connections=16)
VERIFIER = "submissions-verifier"


@dataclass(frozen=True)
class Person:
    account_id: str
    email: str
    name: str


def expect(response: httpx.Response, status: int, what: str) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:300]}")


# --- the stack -------------------------------------------------------------------------------


@dataclass
class UploadStack:
    """nats-server, SeaweedFS and the submissions service, with accounts and a live contest."""

    base: Path
    infra: Infra
    stack: Stack
    people: list[Person] = field(default_factory=list)  # [organizer, contestants...]
    contest_id: str = ""

    @classmethod
    def start(cls, base: Path) -> UploadStack:
        """Blocking, from the main thread: children die with the thread that started them."""
        base.mkdir(parents=True, exist_ok=True)
        nats_server = start_nats(base)
        try:
            s3 = start_s3(base)
        except BaseException:
            nats_server.stop()
            raise
        infra = Infra(nats_server, s3, *write_key_pair(base / "keys"), base)
        self = cls(base, infra, Stack(infra, base))
        try:
            self.stack.start("submissions")
            self.stack.wait_ready("submissions")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        try:
            self.stack.stop_all()
        finally:
            self.infra.s3.stop()
            self.infra.nats.stop()

    @property
    def url(self) -> str:
        return self.stack.url("submissions")

    @property
    def pid(self) -> int:
        return self.stack.children["submissions"].pid

    @property
    def bucket(self) -> str:
        return self.infra.env()["LANTOA_S3_BUCKET"]

    async def add_people(self, contestants: int) -> None:
        """An organizer and contestants, written into the service's database by its own code.
        No passwords: nobody signs in, their tokens are signed here."""
        db = Database(f"sqlite+aiosqlite:///{self.base / 'submissions.db'}")
        tag = uuid.uuid4().hex[:6]
        try:
            async with db.transaction() as session:
                for i in range(contestants + 1):
                    email, name = f"tg{i:04d}-{tag}@bench.lantoa.vn", f"Tác Giả Số {i}"
                    role = Role.CONTESTANT if i else Role.ORGANIZER
                    account = await create_account(
                        session, email=email, password=None, display_name=name, roles=[role]
                    )
                    self.people.append(Person(account.account_id, email, name))
        finally:
            await db.dispose()

    def client(
        self, who: Person, transport: httpx.AsyncBaseTransport | None = None
    ) -> httpx.AsyncClient:
        role = Role.ORGANIZER if who is self.people[0] else Role.CONTESTANT
        token = sign_token(
            self.infra.private_key,
            roles=[role],
            subject=who.account_id,
            email=who.email,
            name=who.name,
            ttl=timedelta(hours=2),
        )
        headers = {"Authorization": f"Bearer {token}"}
        return httpx.AsyncClient(
            base_url=self.url, headers=headers, transport=transport, timeout=120
        )

    async def open_contest(self) -> None:
        """A published contest: BC takes articles, TH takes videos up to 4 GiB."""
        async with self.client(self.people[0]) as api:
            created = await api.post(
                "/api/contests", json=contest_body(f"B{uuid.uuid4().hex[:5].upper()}")
            )
            expect(created, 201, "create the contest")
            self.contest_id = created.json()["contest_id"]
            published = await api.post(f"/api/contests/{self.contest_id}/publish", json={})
            expect(published, 200, "publish the contest")

    async def new_entry(self, api: httpx.AsyncClient, category: str, who: Person) -> str:
        authors = [author(who.email, who.name)]
        body = entry_body(self.contest_id, f"Bài của {who.name}", category, authors)
        created = await api.post("/api/entries", json=body)
        expect(created, 201, "create an entry")
        return str(created.json()["entry_id"])


# --- what the processes use ------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """The process and every process below it (the verifier measures in child processes)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                queue.extend(int(child) for child in task.read_text().split())
    return found


def _proc_status_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, RssAnon) of a process and its children, in KiB."""
    rss = anon = 0
    for member in _descendants(pid):
        with contextlib.suppress(OSError), open(f"/proc/{member}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name == "VmRSS":
                    rss += int(value.split()[0])
                elif name == "RssAnon":
                    anon += int(value.split()[0])
    return rss, anon


class RssSampler:
    """A process's RSS (with its children) every 100 ms, on a thread (the event loop is busy
    uploading)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = self.peak = _proc_status_kib(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            rss, anon = _proc_status_kib(self.pid)
            self.peak = (max(self.peak[0], rss), max(self.peak[1], anon))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def growth_mib(self, which: int = 0) -> float:
        """Peak minus before: 0 for VmRSS, 1 for RssAnon (the heap, without mapped files)."""
        return (self.peak[which] - self.before[which]) / 1024


def _cpu_seconds_of(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    with open("/proc/stat") as stat:
        ticks = [int(x) for x in stat.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # not idle/iowait


def cpu_figures(s: UploadStack) -> dict[str, float]:
    """CPU seconds so far: the service, nats-server + SeaweedFS, this process, the machine."""
    infra = [c.pid for c in (s.infra.nats.child, s.infra.s3.child) if c is not None]
    return {
        "service": _cpu_seconds_of(s.pid),
        "infra": sum(_cpu_seconds_of(pid) for pid in infra),
        "client": cpu_seconds(),
        "machine": _machine_busy_seconds(),
    }


def cpu_load(before: dict[str, float], after: dict[str, float], elapsed: float) -> dict[str, Any]:
    """Cores used meanwhile; ``other_cpu_cores`` is load from outside the bench (noise)."""
    cores = {k: (after[k] - before[k]) / elapsed for k in before}
    ours = cores["service"] + cores["infra"] + cores["client"]
    return {
        "service_cpu_cores": r(cores["service"], 2),
        "infra_cpu_cores": r(cores["infra"], 2),
        "bench_client_cpu_cores": r(cores["client"], 2),
        "other_cpu_cores": r(max(0.0, cores["machine"] - ours), 2),
        "machine_cores": os.cpu_count(),
    }


async def service_figures(s: UploadStack) -> dict[str, float]:
    """CPU times and, from the service's /metrics, the verifier's time and files and the outbox
    lag: where the time of a busy minute went."""
    async with httpx.AsyncClient(base_url=s.url, timeout=30) as client:
        text = (await client.get("/metrics")).text
    figures = {"verifier_s": 0.0, "verified": 0.0, "lag_s": 0.0, "lags": 0.0}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            name, labels = sample.name, sample.labels
            if labels.get("consumer") == VERIFIER:
                if name == "lantoa_handler_duration_seconds_sum":
                    figures["verifier_s"] = sample.value
                elif name == "lantoa_messages_total" and labels.get("outcome") == "ok":
                    figures["verified"] += sample.value
            elif name == "lantoa_outbox_lag_seconds_sum":
                figures["lag_s"] = sample.value
            elif name == "lantoa_outbox_lag_seconds_count":
                figures["lags"] = sample.value
    return {**figures, **cpu_figures(s)}


def service_load(
    before: dict[str, float], after: dict[str, float], elapsed: float
) -> dict[str, Any]:
    delta = {k: after[k] - before[k] for k in before}
    cpu = ("service", "infra", "client", "machine")
    return {
        **cpu_load({k: before[k] for k in cpu}, {k: after[k] for k in cpu}, elapsed),
        "verifier_ms_per_file": r(delta["verifier_s"] / max(delta["verified"], 1) * 1000),
        "verifier_busy": r(delta["verifier_s"] / elapsed, 2),
        "outbox_lag_mean_ms": r(delta["lag_s"] / max(delta["lags"], 1) * 1000),
    }
