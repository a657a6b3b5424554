"""Who scores what: the automatic balanced, conflict-free assignment of a round's entries to
its jurors, and the secretariat's moves by hand. Every step is written to the audit log."""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import new_event_id, utc_now
from shared.errors import ApiError

from ..audit.service import record
from ..domain.assignment import move_problem, plan_assignment
from ..domain.conflicts import (
    AuthorProfile,
    JurorProfile,
    Relationship,
    RelationshipKind,
    conflict_pairs,
)
from ..models import (
    Assignment,
    ConflictDeclaration,
    CouncilMember,
    EntryCredits,
    EntryView,
    Round,
    RoundEntry,
    Score,
)
from .schemas import AssignOut, MoveIn
from .service import entry_pool, jurors_of, require_status, round_or_404


def profile_of(member: CouncilMember) -> JurorProfile:
    return JurorProfile(
        juror_id=member.member_id,
        name=member.display_name,
        email=member.email,
        organisation=member.organisation,
        relationships=tuple(
            Relationship(
                kind=RelationshipKind(r["kind"]),
                name=r["name"],
                email=r.get("email") or "",
                organisation=r.get("organisation") or "",
            )
            for r in member.relationships
        ),
    )


async def conflicts_for(
    session: AsyncSession,
    round_: Round,
    jurors: Sequence[CouncilMember],
    entries: Sequence[EntryView],
) -> frozenset[tuple[str, str]]:
    """Known conflicts (authors, organisations, relationships) and every conflict a juror
    declared on one of these entries in any round of the contest (matched by e-mail)."""
    ids = [e.entry_id for e in entries]
    credits = (
        await session.scalars(sa.select(EntryCredits).where(EntryCredits.entry_id.in_(ids)))
    ).all()
    authors = {
        c.entry_id: [
            AuthorProfile(
                name=a["full_name"],
                pen_name=a.get("pen_name") or "",
                email=a.get("email") or "",
                organisation=a.get("organisation") or "",
            )
            for a in c.authors
        ]
        for c in credits
    }
    declared_rows = await session.execute(
        sa.select(ConflictDeclaration.entry_id, CouncilMember.email)
        .join(CouncilMember, CouncilMember.member_id == ConflictDeclaration.member_id)
        .where(ConflictDeclaration.entry_id.in_(ids))
    )
    by_email = {m.email: m.member_id for m in jurors}
    declared = [
        (entry_id, by_email[email]) for entry_id, email in declared_rows if email in by_email
    ]
    return conflict_pairs(
        [profile_of(m) for m in jurors], {i: authors.get(i, []) for i in ids}, declared
    )


def eligible(member: CouncilMember, entry: EntryView) -> bool:
    """Jurors of a subcommittee score its category; a juror without one scores every entry."""
    return member.category_id is None or member.category_id == entry.category_id


async def assign(session: AsyncSession, who: Principal, round_id: str) -> AssignOut:
    """Fix the round's entries and assign each to k jurors of its subcommittee, balanced and
    free of conflicts. Until released it can be run again (it starts over)."""
    round_ = await round_or_404(session, round_id)
    require_status(round_, "draft", "assigned", doing="phân công lại")
    entries = await entry_pool(session, round_)
    jurors = await jurors_of(session, round_)
    if not entries:
        raise ApiError(409, "Chưa có tác phẩm nào để chấm. / There are no entries to judge.")
    if not jurors:
        raise ApiError(409, "Hội đồng chưa có giám khảo. / The council has no jurors.")
    await session.execute(sa.delete(Assignment).where(Assignment.round_id == round_id))
    await session.execute(sa.delete(RoundEntry).where(RoundEntry.round_id == round_id))
    conflicts = await conflicts_for(session, round_, jurors, entries)
    by_category: dict[str, list[EntryView]] = defaultdict(list)
    for entry in entries:
        by_category[entry.category_id].append(entry)
    now = utc_now()
    total, balanced = 0, True
    short: dict[str, int] = {}
    problems: list[str] = []
    codes = {e.entry_id: e.code for e in entries}
    names = {m.member_id: m.display_name for m in jurors}
    for category_id, group in sorted(by_category.items()):
        pool = [m.member_id for m in jurors if eligible(m, group[0])]
        plan = plan_assignment(
            [e.entry_id for e in group],
            pool,
            round_.jurors_per_entry,
            conflicts,
            seed=zlib.crc32(f"{round_id}/{category_id}".encode()),
        )
        balanced = balanced and plan.balanced
        problems += [_readable(p, codes, names) for p in plan.problems]
        short.update({codes[e]: n for e, n in plan.short.items() if n})
        for entry_id, member_id in plan.pairs:
            session.add(
                Assignment(
                    assignment_id=new_event_id(),
                    round_id=round_id,
                    entry_id=entry_id,
                    member_id=member_id,
                    active=True,
                    created_at=now,
                )
            )
            total += 1
    for entry in entries:
        session.add(RoundEntry(round_id=round_id, entry_id=entry.entry_id))
    round_.status = "assigned"
    await session.flush()
    pairs = (
        await session.execute(
            sa.select(Assignment.assignment_id, Assignment.entry_id, Assignment.member_id)
            .where(Assignment.round_id == round_id)
            .order_by(Assignment.entry_id, Assignment.member_id)
        )
    ).all()
    await record(
        session,
        actor=who.email,
        action="round.assigned",
        subject=round_id,
        round_id=round_id,
        data={
            "entries": sorted(codes),
            "assignments": [[a, e, m] for a, e, m in pairs],
            "balanced": balanced,
            "short": short,
        },
    )
    return AssignOut(assignments=total, balanced=balanced, short=short, problems=problems)


def _readable(problem: str, codes: dict[str, str], names: dict[str, str]) -> str:
    """The planner speaks of ids; people read entry codes and jurors' names."""
    for key, shown in (codes | names).items():
        problem = problem.replace(key, shown)
    return problem


async def move(session: AsyncSession, who: Principal, round_id: str, data: MoveIn) -> Assignment:
    """The secretariat moves one assignment to another juror, with a reason."""
    round_ = await round_or_404(session, round_id)
    require_status(round_, "assigned", "released", doing="chuyển bài")
    current = await session.get(Assignment, data.assignment_id)
    if current is None or current.round_id != round_id or not current.active:
        raise ApiError(404, "Không tìm thấy phân công. / Assignment not found.")
    score = await session.get(Score, current.assignment_id)
    if score is not None and score.status == "submitted":
        raise ApiError(
            409,
            "Giám khảo đã nộp điểm bài này; hãy mở lại phiếu trước khi chuyển. "
            "/ The score was submitted; reopen it first.",
        )
    target = await session.get(CouncilMember, data.to_member_id)
    entry = await session.get(EntryView, current.entry_id)
    assert entry is not None
    if target is None or target.council_id != round_.council_id or target.role != "juror":
        raise ApiError(422, "Người nhận không phải giám khảo của hội đồng. / Not a juror here.")
    if not eligible(target, entry):
        raise ApiError(
            422, "Giám khảo này thuộc tiểu ban khác. / That juror is in another subcommittee."
        )
    conflicts = await conflicts_for(session, round_, [target], [entry])
    active = (
        await session.execute(
            sa.select(Assignment.entry_id, Assignment.member_id).where(
                Assignment.round_id == round_id, Assignment.active.is_(True)
            )
        )
    ).all()
    refused = move_problem(entry.entry_id, target.member_id, [(e, m) for e, m in active], conflicts)
    if refused:
        raise ApiError(422, refused)
    now = utc_now()
    current.active = False
    current.ended_at = now
    current.ended_reason = f"moved: {data.reason}"
    moved = Assignment(
        assignment_id=new_event_id(),
        round_id=round_id,
        entry_id=entry.entry_id,
        member_id=target.member_id,
        active=True,
        created_at=now,
    )
    session.add(moved)
    await record(
        session,
        actor=who.email,
        action="assignment.moved",
        subject=current.assignment_id,
        round_id=round_id,
        data={
            "entry_id": entry.entry_id,
            "from_member_id": current.member_id,
            "to_member_id": target.member_id,
            "new_assignment_id": moved.assignment_id,
            "reason": data.reason,
        },
    )
    return moved
