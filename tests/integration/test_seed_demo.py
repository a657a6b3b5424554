"""The `make up` demo: submissions' seed makes six entries through the service's own code
(upload, verifier, submission, screening), accepted and announced in the outbox, and the
previous edition with five more, its calendar in the past; judging's seed assigns and releases
the demo round once they have arrived, and takes the previous edition to approved results.
A second run changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from services.judging import seed as judging_seed
from services.judging.audit.verify import verify_audit
from services.judging.handlers import project_contest, project_screening
from services.judging.main import MIGRATIONS as JUDGING_MIGRATIONS
from services.judging.models import Assignment, AuditRecord, CouncilMember, Round
from services.judging.settings import JudgingSettings
from services.submissions.demo_articles import CATTLE_BANK, NIGHT_CLASS, ROAD, TANGERINE, TEACHER
from services.submissions.demo_entries import DEMO_AUTHORS
from services.submissions.models import Base, Category, Contest, Entry
from services.submissions.seed import seed_demo
from services.submissions.settings import SubmissionsSettings
from shared.contracts.base import Event
from shared.contracts.judging import JurorAssigned, ResultsApproved
from shared.contracts.submissions import (
    ContestPublished,
    EntryScreened,
    EntrySubmitted,
    MediaVerified,
    ScreeningDecision,
    UploadCompleted,
)
from shared.db import Database
from shared.storage import ObjectStorage
from tests.conftest import DatabaseTarget
from tests.support.app import service_settings
from tests.support.infra import Infra

OUTBOX = Base.metadata.tables["outbox"]


def _settings(infra: Infra, url: str, schema: str | None) -> SubmissionsSettings:
    return SubmissionsSettings(
        **service_settings(infra, url, schema, auth_private_key_file=infra.private_key)
    )


def _storage(infra: Infra) -> ObjectStorage:
    return ObjectStorage(
        endpoint=infra.s3.endpoint,
        access_key=infra.s3.access_key,
        secret_key=infra.s3.secret_key,
        bucket="lantoa-test",
    )


async def _snapshot(db: Database) -> dict[str, Any]:
    """Everything the seed could add: entries with their files and authors, the outbox."""
    async with db.reading() as session:
        entries = (await session.scalars(sa.select(Entry).order_by(Entry.code))).all()
        contests = (await session.scalars(sa.select(Contest).order_by(Contest.code))).all()
        codes = dict((await session.execute(sa.select(Category.category_id, Category.code))).all())
        outbox = (
            await session.execute(sa.select(OUTBOX.c.subject, OUTBOX.c.body).order_by(OUTBOX.c.id))
        ).all()
        accounts = await session.scalar(sa.text("SELECT count(*) FROM accounts"))
    return {
        "contests": [(c.contest_id, c.code, c.version, c.title, c.phases) for c in contests],
        "entries": [
            {
                "entry_id": e.entry_id,
                "contest": e.code.split("-")[0] if e.code else None,
                "consent": e.consent_republication,
                "code": e.code,
                "category": codes[e.category_id],
                "status": e.status,
                "version": e.version,
                "authors": [(a.email, a.organisation) for a in e.authors],
                "files": [
                    (f.status, f.kind, f.media_type, f.object_key, f.text_key, f.stored_size)
                    for f in e.files
                ],
                "facts": [f.facts for f in e.files],
            }
            for e in entries
        ],
        "outbox": [(subject, body) for subject, body in outbox],
        "accounts": accounts,
    }


def _events(snapshot: dict[str, Any], kind: type[Event]) -> list[Any]:  # type: ignore[type-arg]
    return [kind.model_validate_json(b) for s, b in snapshot["outbox"] if s == kind.SUBJECT]


async def test_seed_makes_six_accepted_entries_once(infra: Infra, database: DatabaseTarget) -> None:
    settings = _settings(infra, database.url, database.schema)
    await seed_demo(settings)
    db = Database(database.url, database.schema)
    try:
        first = await _snapshot(db)
        await seed_demo(settings)
        assert await _snapshot(db) == first  # nothing added, nothing changed
    finally:
        await db.dispose()

    # Two editions: the current one, open, and the one a year before, over.
    (previous_code, *_), (current_code, *_) = [c[1:] for c in first["contests"]]
    assert current_code.startswith("LS") and previous_code == f"LS{int(current_code[2:]) - 1:02d}"
    entries = [e for e in first["entries"] if e["contest"] == current_code]
    assert Counter(e["category"] for e in entries) == {"BC": 3, "PT": 1, "TH": 2}
    assert {e["status"] for e in entries} == {"accepted"}
    assert all(e["consent"] for e in entries)
    assert all(e["version"] == 1 and len(e["files"]) == 1 for e in first["entries"])
    for entry in first["entries"]:
        status, kind, media_type, object_key, text_key, size = entry["files"][0]
        facts = entry["facts"][0]
        assert status == "verified" and object_key.startswith("media/"), entry
        if entry["category"] == "BC":
            assert (kind, media_type) == ("text", "text/plain")
            assert 300 <= facts["words"] <= 600 and text_key == object_key + ".txt"
        elif entry["category"] == "PT":
            assert (kind, media_type) == ("audio", "audio/wav")
            if entry["contest"] == current_code:
                assert facts["duration_seconds"] == 20.0
        else:
            assert (kind, media_type) == ("video", "video/mp4")
            assert 5.0 <= facts["duration_seconds"] <= 10.0
            assert (facts["width"], facts["height"]) == (320, 180)
        stored = await _storage(infra).stat(object_key)
        assert stored.size == size

    # Authors: the demo authors only (the demo contestant tacgia@ starts with nothing), within
    # the quota of three entries each, and three different newsrooms for the three articles.
    authors = Counter(email for e in entries for email, _ in e["authors"])
    assert set(authors) == {a.email for a in DEMO_AUTHORS}
    assert max(authors.values()) <= 3
    assert len({org for e in entries if e["category"] == "BC" for _, org in e["authors"]}) == 3

    # The previous edition: a text, a sound and a video piece at least, accepted; one author
    # did not consent to republication; every phase of its calendar is over.
    past = [e for e in first["entries"] if e["contest"] == previous_code]
    assert Counter(e["category"] for e in past) == {"BC": 2, "PT": 2, "TH": 1}
    assert {e["status"] for e in past} == {"accepted"}
    assert sorted(e["consent"] for e in past) == [False, True, True, True, True]
    _, _, version, title, phases = first["contests"][0]
    assert version == 2 and title.endswith(f"năm 20{previous_code[2:]}")
    now = datetime.now(UTC)
    assert all(datetime.fromisoformat(p["ends_at"]) < now for p in phases)

    screened = _events(first, EntryScreened)
    assert len(screened) == 11
    assert {s.payload.decision for s in screened} == {ScreeningDecision.ACCEPTED}
    assert {s.payload.entry_id for s in screened} == {e["entry_id"] for e in first["entries"]}
    for event in screened:
        anonymised = event.payload.entry.model_dump_json()
        assert not any(a.full_name in anonymised or a.pen_name in anonymised for a in DEMO_AUTHORS)
    for kind in (UploadCompleted, MediaVerified, EntrySubmitted):
        assert len(_events(first, kind)) == 11, kind
    published = [(e.payload.code, e.payload.version) for e in _events(first, ContestPublished)]
    assert published == [(current_code, 1), (previous_code, 1), (previous_code, 2)]
    assert first["accounts"] == 6 + len(DEMO_AUTHORS)

    # Jurors read the articles as written, and find no byline in them: the rounds are blind.
    storage = _storage(infra)
    copies = set()
    for entry in first["entries"]:
        text_key = entry["files"][0][4]
        if text_key:
            info = await storage.stat(text_key)
            copies.add((await storage.read_range(text_key, 0, info.size)).decode())
    assert copies == {ROAD, TEACHER, TANGERINE, CATTLE_BANK, NIGHT_CLASS}
    assert not any(a.full_name in t or a.pen_name in t for a in DEMO_AUTHORS for t in copies)


async def _judging_db(infra: Infra, tmp_path: Path) -> tuple[JudgingSettings, Database]:
    url = f"sqlite+aiosqlite:///{tmp_path}/judging.db"
    settings = JudgingSettings(**service_settings(infra, url, None, public_url="http://jury.test"))
    db = Database(url)
    await db.migrate(JUDGING_MIGRATIONS)
    return settings, db


async def _feed(db: Database, events: list[Any]) -> None:
    """What judging's consumers do with each event, in one transaction each."""
    for event in events:
        async with db.transaction() as session:
            if isinstance(event, ContestPublished):
                await project_contest(event, session)
            else:
                await project_screening(event, session)


async def _judging_state(db: Database) -> dict[str, Any]:
    async with db.reading() as session:
        rounds = (
            await session.execute(
                sa.select(Round.round_id, Round.name, Round.status).order_by(Round.created_at)
            )
        ).all()
        pairs = (
            await session.execute(
                sa.select(
                    Assignment.round_id,
                    Assignment.entry_id,
                    CouncilMember.email,
                    CouncilMember.organisation,
                )
                .join(CouncilMember, CouncilMember.member_id == Assignment.member_id)
                .where(Assignment.active.is_(True))
                .order_by(Assignment.round_id, Assignment.entry_id, CouncilMember.email)
            )
        ).all()
        audit = await session.scalar(sa.select(sa.func.count()).select_from(AuditRecord))
        outbox = await session.scalar(sa.text("SELECT count(*) FROM outbox"))
    return {
        "rounds": [tuple(r) for r in rounds],
        "pairs": [tuple(p) for p in pairs],
        "audit": audit,
        "out": outbox,
    }


async def _outbox(db: Database, kind: type[Event]) -> list[Any]:  # type: ignore[type-arg]
    async with db.reading() as session:
        table = sa.text("SELECT body FROM outbox WHERE subject = :s ORDER BY id")
        bodies = (await session.execute(table, {"s": kind.SUBJECT})).scalars()
        return [kind.model_validate_json(b) for b in bodies]


async def test_judging_seed_releases_the_demo_round_and_approves_the_previous_edition(
    infra: Infra, tmp_path: Path
) -> None:
    await seed_demo(_settings(infra, f"sqlite+aiosqlite:///{tmp_path}/submissions.db", None))
    submissions = Database(f"sqlite+aiosqlite:///{tmp_path}/submissions.db")
    try:
        produced = await _snapshot(submissions)
    finally:
        await submissions.dispose()
    contests = _events(produced, ContestPublished)
    current_code = contests[0].payload.code
    screened = _events(produced, EntryScreened)
    credits = {s.payload.entry_id: s.payload.credits for s in screened}
    codes = {s.payload.entry_id: s.payload.code for s in screened}
    settings, db = await _judging_db(infra, tmp_path)
    try:
        # The contests have arrived, the entries not yet: the round waits, unassigned, and the
        # previous edition is not judged.
        await _feed(db, contests)
        await judging_seed.seed_demo(settings, wait_seconds=0.2)
        waiting = await _judging_state(db)
        assert [(name, status) for _, name, status in waiting["rounds"]] == [
            ("Vòng sơ khảo", "draft")
        ]
        assert waiting["pairs"] == []

        await _feed(db, screened)
        await judging_seed.seed_demo(settings, wait_seconds=5)
        done = await _judging_state(db)
        year = f"20{int(current_code[2:]) - 1:02d}"
        rounds = {name: (round_id, status) for round_id, name, status in done["rounds"]}
        assert {name: status for name, (_, status) in rounds.items()} == {
            "Vòng sơ khảo": "released",
            f"Vòng sơ khảo (năm {year})": "closed",
            f"Vòng chung khảo (năm {year})": "approved",
        }
        current_round = rounds["Vòng sơ khảo"][0]
        pairs = [p[1:] for p in done["pairs"] if p[0] == current_round]
        assert len(pairs) == len(set(pairs)) == 12  # six entries, two jurors each
        current = {e for e, c in codes.items() if c.startswith(current_code)}
        assert Counter(entry for entry, _, _ in pairs) == {i: 2 for i in current}
        jurors = {email for email, _, _ in judging_seed.DEMO_JURORS}
        assert {email for _, email, _ in pairs} == jurors  # every demo juror has work
        for _, entry_id, _, organisation in done["pairs"]:  # nobody judges their own newsroom
            assert organisation not in {a.organisation for a in credits[entry_id].authors}
        told = [e.payload for e in await _outbox(db, JurorAssigned)]
        first_round = [p for p in told if p.round_id == current_round]
        assert sorted(p.email for p in first_round) == sorted(jurors)
        assert sum(p.assigned for p in first_round) == 12
        assert all(p.link.startswith("http://jury.test/rounds/") for p in told)

        # The previous edition's results are approved, once, with its winners' works and
        # credits: the texts, the radio piece and the TV piece; one without consent.
        approved = await _outbox(db, ResultsApproved)
        assert len(approved) == 1
        result = approved[0].payload
        assert result.contest_code == f"LS{year[2:]}"
        assert result.approved_by == "Ban Tổ chức cuộc thi"
        winners = {w.code.split("-", 1)[1]: w for w in result.winners}
        assert {k: w.tier_code for k, w in winners.items()} == {
            "BC-0001": "A",
            "BC-0002": "B",
            "PT-0001": "A",
            "TH-0001": "A",
        }
        assert {k: w.files[0].kind.value for k, w in winners.items()} == {
            "BC-0001": "text",
            "BC-0002": "text",
            "PT-0001": "audio",
            "TH-0001": "video",
        }
        assert [k for k, w in winners.items() if not w.consent_republication] == ["BC-0002"]
        assert winners["BC-0001"].authors[0].full_name == "Hoàng Văn Lâm"  # revealed now
        exemplar = winners["BC-0001"].exemplars[0]  # the press room's exemplar, by its code
        assert (exemplar.name, exemplar.exemplar_id) == ("Chu Thị Nguyệt", "GD-0001")
        assert result.total_prize_vnd == 37_000_000
        async with db.reading() as session:
            report = await verify_audit(session)
        assert report.ok, report

        await judging_seed.seed_demo(settings, wait_seconds=5)
        assert await _judging_state(db) == done
    finally:
        await db.dispose()
