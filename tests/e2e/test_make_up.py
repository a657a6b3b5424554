"""`make up` (python -m deploy.local.up) as a new user runs it: everything starts, the demo
contest is there with its accepted entries already assigned to the demo jurors, the previous
edition is judged with its results approved (once) and sent to publish, Ctrl+C stops every
process, and a second run keeps the data (and adds nothing to it)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from deploy.local.processes import free_port
from services.submissions.demo_entries import DEMO_AUTHORS
from services.submissions.seed import DEMO_ACCOUNTS
from shared.auth import Role
from shared.contracts.judging import ResultsApproved
from tests.support.client import Api, sign_in
from tests.support.flows import entry_body

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

READY_LINE = "Nhấn Ctrl+C để dừng"
JURORS = [a.email for a in DEMO_ACCOUNTS if a.role is Role.JUROR]


def _env(data: Path, ports: dict[str, int]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTOA_")}
    env["LANTOA_UP_DATA_DIR"] = str(data)
    env.update({name: str(port) for name, port in ports.items()})
    return env


def _ports() -> dict[str, int]:
    weed_base = free_port()
    while any(_busy(weed_base + i) for i in range(9)):
        weed_base = free_port()
    return {
        "LANTOA_UP_NATS_PORT": free_port(),
        "LANTOA_UP_NATS_MONITOR_PORT": free_port(),
        "LANTOA_UP_S3_PORT": free_port(),
        "LANTOA_UP_SMTP_PORT": free_port(),
        "LANTOA_UP_WEED_PORT_BASE": weed_base,
        "LANTOA_SUBMISSIONS_HTTP_PORT": free_port(),
        "LANTOA_JUDGING_HTTP_PORT": free_port(),
        "LANTOA_NOTIFY_HTTP_PORT": free_port(),
        "LANTOA_PUBLISH_HTTP_PORT": free_port(),
    }


def _busy(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _start(data: Path, ports: dict[str, int], log: Path) -> subprocess.Popen[str]:
    out = log.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy.local.up"],
        env=_env(data, ports),
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while READY_LINE not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("make up did not come up:\n" + log.read_text())
        time.sleep(0.5)
    return process


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def _juror_work(urls: dict[str, str], year: int) -> dict[str, list[tuple[str, str]]]:
    """Each demo juror's assignments (id, entry code) in the current contest's round, as the
    juror's own API lists them; the previous edition's rounds are listed as over."""
    work = {}
    for email in JURORS:
        juror = Api(urls["judging"], sign_in(urls["submissions"], email))
        rounds = juror.get("/api/my/rounds").json()
        assert sorted((r["name"], r["status"]) for r in rounds) == sorted(
            [
                ("Vòng sơ khảo", "released"),
                (f"Vòng sơ khảo (năm {year})", "closed"),
                (f"Vòng chung khảo (năm {year})", "approved"),
            ]
        ), rounds
        current = next(r for r in rounds if r["name"] == "Vòng sơ khảo")
        listed = juror.get(f"/api/my/rounds/{current['round_id']}/assignments").json()
        assert len(listed) == current["assigned"] > 0, listed
        assert all(a["status"] == "todo" for a in listed)
        work[email] = sorted((a["assignment_id"], a["entry_code"]) for a in listed)
    return work


def _demo_entries(submissions: str) -> list[tuple[str, str]]:
    """(code, status) of every demo author's entries, as each author sees them."""
    found = []
    for author in DEMO_AUTHORS:
        mine = Api(submissions, sign_in(submissions, author.email)).get("/api/entries").json()
        found += [(e["code"], e["status"]) for e in mine]
    return sorted(found)


def _approvals(data: Path) -> tuple[int, list[str], set[str]]:
    """Judging's approved results (snapshots), the ResultsApproved events in its outbox, and
    the ids of those publish has taken from the bus (its inbox)."""
    with sqlite3.connect(data / "judging.db") as judging:
        snapshots = judging.execute("SELECT count(*) FROM results_snapshots").fetchone()[0]
        sent = [
            row[0]
            for row in judging.execute(
                "SELECT event_id FROM outbox WHERE subject = ? AND published_at IS NOT NULL",
                (ResultsApproved.SUBJECT,),
            )
        ]
    deadline = time.monotonic() + 60
    while True:
        with sqlite3.connect(data / "publish.db") as publish:
            received = {
                row[0]
                for row in publish.execute(
                    "SELECT event_id FROM inbox WHERE subject = ?", (ResultsApproved.SUBJECT,)
                )
            }
        if set(sent) <= received or time.monotonic() > deadline:
            return snapshots, sent, received
        time.sleep(0.5)


def _stop(process: subprocess.Popen[str], data: Path) -> dict[str, int]:
    children: dict[str, int] = json.loads((data / "run" / "up.json").read_text())["children"]
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl+C in the terminal does
    assert process.wait(timeout=90) == 0
    return children


def test_make_up_runs_everything_and_stops_cleanly(tmp_path: Path) -> None:
    data = tmp_path / "var"
    ports = _ports()
    log = tmp_path / "up.log"
    process = _start(data, ports, log)
    try:
        printed = log.read_text()
        urls = {
            name: f"http://127.0.0.1:{ports[f'LANTOA_{name.upper()}_HTTP_PORT']}"
            for name in ("submissions", "judging", "notify", "publish")
        }
        for url in urls.values():
            assert url + "/" in printed  # every address is printed
            assert httpx.get(url + "/readyz", timeout=5).status_code == 200
        assert "tacgia@demo.lantoa.vn" in printed and "LanToa@2026" in printed
        assert str(ports["LANTOA_UP_NATS_PORT"]) in printed

        # Two editions: the current one, open, and the one a year before, over.
        contests = httpx.get(urls["submissions"] + "/api/contests", timeout=5).json()
        previous, current = sorted(contests, key=lambda c: c["code"])
        assert current["code"].startswith("LS")
        year = 2000 + int(current["code"][2:]) - 1
        assert previous["code"] == f"LS{year % 100:02d}" and str(year) in previous["title"]
        for contest in (previous, current):
            assert {c["code"] for c in contest["categories"]} == {"BC", "PT", "TH", "AN"}
        public = None
        for _ in range(60):
            public = httpx.get(urls["publish"] + "/api/contests", timeout=5).json()
            if public:
                break
            time.sleep(0.5)
        assert public and "Lạng Sơn" in public[0]["title"]
        assert "Lạng Sơn" in httpx.get(urls["submissions"] + "/", timeout=5).text

        # The demo entries are accepted and assigned already: every juror has work, no entry
        # twice to one juror, each of the six to two jurors.
        demo = _demo_entries(urls["submissions"])
        assert len(demo) == 6 + 5 and {status for _, status in demo} == {"accepted"}, demo
        work = _juror_work(urls, year)
        codes = Counter(code for listed in work.values() for _, code in listed)
        assert len(codes) == 6 and set(codes.values()) == {2}, codes
        assert all(code.startswith(current["code"]) for code in codes)

        # The previous edition's results are approved once, and publish took them in.
        snapshots, sent, received = _approvals(data)
        assert snapshots == 1 and len(sent) == 1 and set(sent) <= received
        assert all(len({c for _, c in listed}) == len(listed) for listed in work.values())

        # Publish shows the winners, the press room and drops the loudspeaker bulletins of the
        # consented winners (three of four) into var/bulletins.
        gallery = httpx.get(f"{urls['publish']}/cuoc-thi/{previous['code']}/giai-thuong", timeout=5)
        assert gallery.status_code == 200 and "Ngân hàng bò" in gallery.text
        press_room = httpx.get(urls["publish"] + "/phong-bao-chi/GD-0001", timeout=5)
        assert "Chu Thị Nguyệt" in press_room.text and "Ngân hàng bò" in press_room.text
        manifests: list[Path] = []
        for _ in range(120):
            manifests = sorted((data / "bulletins").glob("*/manifest.json"))
            if len(manifests) == 3:
                break
            time.sleep(0.5)
        assert len(manifests) == 3, manifests
        assert all((m.parent / "audio.mp3").stat().st_size > 0 for m in manifests)

        contestant = Api(urls["submissions"], sign_in(urls["submissions"], "tacgia@demo.lantoa.vn"))
        draft = contestant.post(
            "/api/entries",
            entry_body(current["contest_id"], "Chợ phiên Đồng Đăng", category="AN"),
        )
        assert draft.status_code == 201, draft.text
    finally:
        children = _stop(process, data)
    assert set(children) == {
        "nats",
        "seaweedfs",
        "mail",
        "submissions",
        "judging",
        "notify",
        "publish",
    }
    time.sleep(0.5)
    assert [name for name, pid in children.items() if _alive(pid)] == []
    assert "Đã dừng hết" in log.read_text()

    # A second run keeps the data: the same contest (not a second one) and the draft.
    process = _start(data, ports, tmp_path / "up2.log")
    try:
        again = httpx.get(urls["submissions"] + "/api/contests", timeout=5).json()
        assert [c["contest_id"] for c in again] == [c["contest_id"] for c in contests]
        contestant = Api(urls["submissions"], sign_in(urls["submissions"], "tacgia@demo.lantoa.vn"))
        titles = [e["title"] for e in contestant.get("/api/entries").json()]
        assert titles == ["Chợ phiên Đồng Đăng"]
        assert _demo_entries(urls["submissions"]) == demo  # no second set of demo entries
        assert _juror_work(urls, year) == work  # the same assignments: none added, none moved
        assert _approvals(data)[:2] == (snapshots, sent)  # approved once, announced once
        # The press room and the bulletins once too.
        exemplars = httpx.get(urls["publish"] + "/api/exemplars", timeout=5).json()
        assert exemplars["total"] == 4  # five imported, one without consent to be published
        assert len(list((data / "bulletins").glob("*/manifest.json"))) == 3
    finally:
        _stop(process, data)


def test_make_up_names_the_variable_of_a_busy_port(tmp_path: Path) -> None:
    import socket

    ports = _ports()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports["LANTOA_JUDGING_HTTP_PORT"]))
        taken.listen()
        result = subprocess.run(
            [sys.executable, "-m", "deploy.local.up"],
            env=_env(tmp_path / "var", ports),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert "LANTOA_JUDGING_HTTP_PORT" in result.stdout + result.stderr
