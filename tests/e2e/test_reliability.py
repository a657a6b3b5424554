"""Reliability of the real services, as processes, on the real broker."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import nats
import pytest

from deploy.local.processes import free_port
from shared.contracts.streams import service_stream
from shared.contracts.submissions import EntrySubmitted
from tests.support.client import Api, sign_in
from tests.support.flows import accept, draft_with_file, eventually, published_contest, submit
from tests.support.infra import start_nats
from tests.support.smtp import SmtpSink
from tests.support.stack import Stack

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture
def private_stack(infra, tmp_path: Path) -> Iterator[tuple[Stack, SmtpSink]]:  # type: ignore[no-untyped-def]
    """The four services on a NATS of their own, which the test may stop and start."""
    nats_server = start_nats(tmp_path, "nats-private")
    smtp = SmtpSink().start()
    stack = Stack(infra, tmp_path, smtp_port=smtp.port, nats_url=nats_server.url)
    stack.nats_server = nats_server  # type: ignore[attr-defined]
    stack.seed()
    stack.start_all()
    try:
        yield stack, smtp
    finally:
        stack.stop_all()
        smtp.stop()
        nats_server.stop()


def judging_codes(stack: Stack, contest_id: str, token: str) -> set[str]:
    response = Api(stack.url("judging"), token).get(f"/api/contests/{contest_id}/entries")
    return {e["code"] for e in response.json()} if response.status_code == 200 else set()


def public_count(stack: Stack, code: str) -> int:
    response = httpx.get(f"{stack.url('publish')}/api/contests/{code}", timeout=5)
    return int(response.json()["entries"]) if response.status_code == 200 else -1


def receipts(smtp: SmtpSink) -> Counter[str]:
    return Counter(str(m["Subject"]).rsplit(" ", 1)[-1] for m in smtp.messages())


def pending_outbox(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0]
        )


def test_event_committed_just_before_a_crash_still_arrives(private_stack) -> None:  # type: ignore[no-untyped-def]
    """(a) submissions commits the submission, then dies before it could publish."""
    stack, smtp = private_stack
    subs = stack.url("submissions")
    contest_id = published_contest(subs, "CR26")
    contestant = Api(subs, sign_in(subs, "tacgia@demo.lantoa.vn"))
    entry_id = draft_with_file(contestant, contest_id, "Ban tin ve ong Hoang")

    # Restart submissions cut off from the bus: it commits, but cannot relay.
    stack.stop("submissions")
    stack.start(
        "submissions", env={"LANTOA_SUBMISSIONS_NATS_URL": f"nats://127.0.0.1:{free_port()}"}
    )
    code = submit(contestant, entry_id)
    assert pending_outbox(stack.base / "submissions.db") >= 1
    stack.kill("submissions")  # SIGKILL: no chance to flush anything

    stack.start("submissions")
    secretariat = sign_in(subs, "thuky@demo.lantoa.vn")
    accept(subs, secretariat, entry_id)
    eventually(
        lambda: code in judging_codes(stack, contest_id, secretariat), what="judging gets the entry"
    )
    eventually(lambda: public_count(stack, "CR26") == 1, what="publish counts it")
    eventually(lambda: receipts(smtp)[code] == 1, what="receipt sent")
    assert pending_outbox(stack.base / "submissions.db") == 0


def test_the_same_event_twice_has_one_effect_everywhere(private_stack) -> None:  # type: ignore[no-untyped-def]
    """(b) EntrySubmitted re-published under other message ids: one receipt, one count."""
    stack, smtp = private_stack
    subs = stack.url("submissions")
    contest_id = published_contest(subs, "DU26")
    contestant = Api(subs, sign_in(subs, "tacgia@demo.lantoa.vn"))
    entry_id = draft_with_file(contestant, contest_id, "Co giao vung cao")
    code = submit(contestant, entry_id)
    accept(subs, sign_in(subs, "thuky@demo.lantoa.vn"), entry_id)
    eventually(lambda: receipts(smtp)[code] == 1, what="first receipt")
    eventually(lambda: public_count(stack, "DU26") == 1, what="first count")

    async def republish() -> None:
        nc = await nats.connect(stack.nats_url)
        try:
            js = nc.jetstream()
            original = await js.get_last_msg(
                service_stream("submissions").name, EntrySubmitted.SUBJECT
            )
            assert json.loads(original.data)["payload"]["code"] == code
            for copy in range(2):
                await js.publish(
                    EntrySubmitted.SUBJECT,
                    original.data,
                    headers={"Nats-Msg-Id": f"copy-{copy}-{code}"},
                )
        finally:
            await nc.close()

    import asyncio

    asyncio.run(republish())
    secretariat = sign_in(subs, "thuky@demo.lantoa.vn")

    def duplicates_seen() -> bool:
        body = httpx.get(f"{stack.url('notify')}/metrics", timeout=5).text
        line = next(
            (
                ln
                for ln in body.splitlines()
                if 'outcome="duplicate"' in ln and "notify-entry-receipts" in ln
            ),
            "",
        )
        return line.endswith(" 2.0")

    eventually(duplicates_seen, what="notify saw both copies as duplicates")
    assert receipts(smtp)[code] == 1
    assert public_count(stack, "DU26") == 1
    assert judging_codes(stack, contest_id, secretariat) == {code}


def test_nats_restart_mid_flow_with_two_notify_replicas(private_stack) -> None:  # type: ignore[no-untyped-def]
    """(e) and (d): NATS dies and comes back while entries keep coming; two notify replicas share
    one durable consumer. Every entry arrives everywhere; every receipt is sent exactly once."""
    stack, smtp = private_stack
    second_port = free_port()
    stack.start("notify", label="notify-2", port=second_port)
    stack.wait_ready("notify", port=second_port)
    subs = stack.url("submissions")
    contest_id = published_contest(subs, "NR26")
    contestant = Api(subs, sign_in(subs, "tacgia@demo.lantoa.vn"))
    secretariat = sign_in(subs, "thuky@demo.lantoa.vn")
    drafts = [draft_with_file(contestant, contest_id, f"Bai so {i}") for i in range(6)]

    codes = [submit(contestant, drafts[0]), submit(contestant, drafts[1])]
    for entry_id in drafts[:2]:
        accept(subs, secretariat, entry_id)
    eventually(
        lambda: set(codes) <= judging_codes(stack, contest_id, secretariat),
        what="before the outage",
    )

    nats_server = stack.nats_server  # type: ignore[attr-defined]
    nats_server.kill()
    codes += [submit(contestant, d) for d in drafts[2:5]]  # the portal keeps working meanwhile
    for entry_id in drafts[2:5]:
        accept(subs, secretariat, entry_id)
    assert httpx.get(f"{subs}/readyz", timeout=5).status_code == 503  # and says the bus is down
    nats_server.start()
    codes.append(submit(contestant, drafts[5]))
    accept(subs, secretariat, drafts[5])

    eventually(
        lambda: set(codes) <= judging_codes(stack, contest_id, secretariat),
        timeout=60,
        what="judging has all",
    )
    eventually(lambda: public_count(stack, "NR26") == 6, timeout=60, what="publish counts all")
    eventually(lambda: all(receipts(smtp)[c] == 1 for c in codes), timeout=60, what="every receipt")
    assert all(receipts(smtp)[c] == 1 for c in codes)
    for name, port in (("notify", stack.ports["notify"]), ("notify-2", second_port)):
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200, name
