"""Creating and publishing contests. Publishing writes ContestPublished to the outbox in the same
transaction, carrying the whole contest so other services keep their own copy."""

from __future__ import annotations

import hashlib

import nh3
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.base import utc_now
from shared.contracts.submissions import (
    AwardTier,
    CategoryRules,
    ContestPublished,
    ContestPublishedPayload,
    Eligibility,
    Phase,
)
from shared.contracts.submissions import (
    Category as CategoryContract,
)
from shared.errors import ApiError
from shared.messaging.outbox import Outbox
from shared.storage import ObjectStorage

from ..domain.submission import submission_window
from ..models import Category, Contest, ContestChange
from .schemas import CategoryOut, ContestIn, ContestOut

RULES_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4",
    "blockquote", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
RULES_PDF_MAX = 20 * 1024 * 1024
RULES_PDF_TOO_LARGE = "Tệp Thể lệ quá lớn (tối đa 20 MiB). / The PDF is too large."
RULES_NOT_PDF = "Thể lệ phải là tệp PDF. / The rules must be a PDF."


def clean_rules_html(html: str) -> str:
    """Rich text of the rules, reduced to harmless formatting (no scripts, styles, events)."""
    return nh3.clean(html, tags=RULES_TAGS, attributes={"a": {"href"}}, link_rel="noopener")


def check_rules_pdf(data: bytes) -> None:
    """A PDF by its content (not its name or declared type), of at most 20 MiB."""
    if len(data) > RULES_PDF_MAX:
        raise ApiError(413, RULES_PDF_TOO_LARGE)
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise ApiError(415, RULES_NOT_PDF)


async def store_rules_pdf(
    session: AsyncSession, storage: ObjectStorage, contest_id: str, data: bytes
) -> str:
    """Keep the signed rules PDF; it takes effect with the next published version."""
    check_rules_pdf(data)
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    key = f"contests/{contest_id}/the-le-{hashlib.sha256(data).hexdigest()[:16]}.pdf"
    await storage.put_bytes(key, data, "application/pdf")
    contest.rules_pdf_key = key
    return key


async def create_contest(session: AsyncSession, data: ContestIn) -> Contest:
    if await session.scalar(sa.select(Contest.contest_id).where(Contest.code == data.code)):
        raise ApiError(409, f"Mã cuộc thi {data.code} đã được dùng. / Contest code taken.")
    contest = Contest(code=data.code, created_at=utc_now(), categories=[])
    _apply(contest, data)
    session.add(contest)
    await session.flush()
    return contest


def _apply(contest: Contest, data: ContestIn) -> None:
    contest.title = data.title
    contest.theme = data.theme
    contest.organizer = data.organizer
    contest.timezone = data.timezone
    contest.phases = [p.model_dump(mode="json") for p in data.phases]
    contest.eligibility = data.eligibility.model_dump(mode="json")
    contest.prize_budget_vnd = data.prize_budget_vnd
    contest.rules_html = clean_rules_html(data.rules_html)
    existing = {c.code: c for c in contest.categories}
    kept = []
    for i, c in enumerate(data.categories):
        category = existing.pop(c.code, None) or Category(code=c.code)
        category.name = c.name
        category.position = i
        category.rules = c.rules.model_dump(mode="json")
        category.award_tiers = [t.model_dump(mode="json") for t in c.award_tiers]
        kept.append(category)
    contest.categories[:] = kept
    if existing and contest.version > 0:
        raise ApiError(
            409,
            "Không thể bỏ thể loại đã công bố: "
            + ", ".join(sorted(existing))
            + ". / A published category cannot be removed.",
        )


async def change_contest(
    session: AsyncSession,
    outbox: Outbox,
    contest_id: str,
    data: ContestIn,
    reason: str | None,
    changed_by: str,
) -> Contest:
    """Edit a contest; a published one is published again as the next version at once."""
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    if data.code != contest.code:
        raise ApiError(422, "Không đổi được mã cuộc thi. / The contest code cannot change.")
    _require_reason_once_open(contest, reason)
    _apply(contest, data)
    if contest.version > 0:
        await session.flush()
        return await publish_contest(session, outbox, contest_id, reason, changed_by)
    return contest


def phases_of(contest: Contest) -> list[Phase]:
    return [Phase.model_validate(p) for p in contest.phases]


def published_event(contest: Contest, reason: str | None) -> ContestPublished:
    return ContestPublished(
        contest_id=contest.contest_id,
        payload=ContestPublishedPayload(
            contest_id=contest.contest_id,
            code=contest.code,
            version=contest.version,
            title=contest.title,
            theme=contest.theme,
            organizer=contest.organizer,
            timezone=contest.timezone,
            phases=tuple(phases_of(contest)),
            categories=tuple(
                CategoryContract(
                    category_id=c.category_id,
                    code=c.code,
                    name=c.name,
                    rules=CategoryRules.model_validate(c.rules),
                    award_tiers=tuple(AwardTier.model_validate(t) for t in c.award_tiers),
                )
                for c in contest.categories
            ),
            eligibility=Eligibility.model_validate(contest.eligibility),
            prize_budget_vnd=contest.prize_budget_vnd,
            rules_html=contest.rules_html,
            rules_pdf_key=contest.rules_pdf_key,
            change_reason=reason,
        ),
    )


def _require_reason_once_open(contest: Contest, reason: str | None) -> None:
    window = submission_window(phases_of(contest))
    already_open = contest.version > 0 and window is not None and utc_now() >= window.starts_at
    if already_open and not (reason and reason.strip()):
        raise ApiError(
            422,
            "Cuộc thi đã mở nhận bài: thay đổi cần ghi rõ lý do. "
            "/ Submissions are open: a change needs a reason.",
        )


async def publish_contest(
    session: AsyncSession,
    outbox: Outbox,
    contest_id: str,
    reason: str | None,
    changed_by: str = "system",
) -> Contest:
    contest = await session.get(Contest, contest_id)
    if contest is None:
        raise ApiError(404, "Không tìm thấy cuộc thi. / Contest not found.")
    _require_reason_once_open(contest, reason)
    reason = (reason or "").strip() or None
    contest.version += 1
    contest.published_at = utc_now()
    event = published_event(contest, reason)
    session.add(
        ContestChange(
            contest_id=contest.contest_id,
            version=contest.version,
            reason=reason,
            changed_by=changed_by,
            changed_at=contest.published_at,
            snapshot=event.payload.model_dump(mode="json"),
        )
    )
    await outbox.stage(session, event)
    return contest


async def contest_history(session: AsyncSession, contest_id: str) -> list[ContestChange]:
    return list(
        await session.scalars(
            sa.select(ContestChange)
            .where(ContestChange.contest_id == contest_id)
            .order_by(ContestChange.version)
        )
    )


def contest_out(contest: Contest, rules_pdf_url: str | None = None) -> ContestOut:
    return ContestOut(
        contest_id=contest.contest_id,
        code=contest.code,
        title=contest.title,
        theme=contest.theme,
        organizer=contest.organizer,
        version=contest.version,
        published_at=contest.published_at,
        phases=phases_of(contest),
        categories=[
            CategoryOut(
                category_id=c.category_id,
                code=c.code,
                name=c.name,
                rules=CategoryRules.model_validate(c.rules),
                award_tiers=[AwardTier.model_validate(t) for t in c.award_tiers],
            )
            for c in contest.categories
        ],
        eligibility=Eligibility.model_validate(contest.eligibility),
        prize_budget_vnd=contest.prize_budget_vnd,
        rules_html=contest.rules_html,
        rules_pdf_url=rules_pdf_url,
    )
