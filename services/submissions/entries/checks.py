"""Gathering what the submission rules judge: the entry's files and authors, the author's
other entries in the contest, and who may not enter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Role
from shared.contracts.base import utc_now
from shared.contracts.submissions import Eligibility, MediaKind

from ..contests.service import phases_of
from ..domain.submission import AuthorFacts, EntryFacts, FileFacts, Problem, submission_problems
from ..models import Account, Entry, EntryAuthor, EntryFile
from .access import contest_and_category, rules_of

# Entries that count toward an author's quota: anything submitted and not withdrawn/rejected.
COUNTED = ("submitted", "revision_requested", "accepted")
STAFF_LABELS = {
    Role.ORGANIZER.value: "thành viên Ban Tổ chức",
    Role.SECRETARIAT.value: "thành viên Tổ Thư ký",
    Role.JUROR.value: "thành viên Ban Giám khảo",
}


async def entry_problems(session: AsyncSession, entry: Entry) -> list[Problem]:
    """Every rule of the category and the contest this entry breaks right now."""
    contest, category = await contest_and_category(session, entry)
    eligibility = Eligibility.model_validate(contest.eligibility)
    emails = sorted({a.email for a in entry.authors})
    return submission_problems(
        now=utc_now(),
        phases=phases_of(contest),
        rules=rules_of(category),
        eligibility=eligibility,
        entry=EntryFacts(
            category_name=category.name,
            language=entry.language,
            series_parts=entry.series_parts,
            published_on=_published_on(entry),
            authors=tuple(AuthorFacts(a.full_name, a.email) for a in entry.authors),
            files=tuple(
                _file_facts(f) for f in entry.files if f.status not in ("cancelled", "removed")
            ),
        ),
        other_entries_per_author=await _other_entries(session, entry, emails),
        excluded=await _staff_among(session, emails),
    )


def _published_on(entry: Entry) -> date | None:
    return date.fromisoformat(entry.publication["published_on"]) if entry.publication else None


def _file_facts(file: EntryFile) -> FileFacts:
    facts = file.facts or {}
    return FileFacts(
        name=file.original_name,
        status=file.status,
        role=file.role,
        kind=MediaKind(file.kind) if file.kind else None,
        size_bytes=file.declared_size,
        series_part=file.series_part,
        duration_seconds=facts.get("duration_seconds"),
        words=facts.get("words"),
    )


async def _other_entries(
    session: AsyncSession, entry: Entry, emails: Sequence[str]
) -> dict[str, int]:
    if not emails:
        return {}
    rows = await session.execute(
        sa.select(EntryAuthor.email, sa.func.count(sa.distinct(Entry.entry_id)))
        .join(Entry, Entry.entry_id == EntryAuthor.entry_id)
        .where(
            Entry.contest_id == entry.contest_id,
            Entry.entry_id != entry.entry_id,
            Entry.status.in_(COUNTED),
            EntryAuthor.email.in_(emails),
        )
        .group_by(EntryAuthor.email)
    )
    return {email: count for email, count in rows}


async def _staff_among(session: AsyncSession, emails: Sequence[str]) -> dict[str, str]:
    """Authors who hold a staff account, with their role (the contest's own excluded e-mails
    are judged by the domain rules)."""
    excluded: dict[str, str] = {}
    if emails:
        for account in await session.scalars(sa.select(Account).where(Account.email.in_(emails))):
            staff = [STAFF_LABELS[r] for r in account.roles if r in STAFF_LABELS]
            if staff:
                excluded[account.email] = staff[0]
    return excluded
