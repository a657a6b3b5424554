"""Who may read or change an entry, and when."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.contracts.submissions import CategoryRules
from shared.errors import ApiError

from ..contests.service import phases_of
from ..domain.submission import submission_window
from ..models import Category, Contest, Entry

NOT_FOUND = "Không tìm thấy bài dự thi. / Entry not found."


async def own_entry(session: AsyncSession, principal: Principal, entry_id: str) -> Entry:
    entry = await session.get(Entry, entry_id)
    # Someone else's entry answers exactly like a missing one.
    if entry is None or entry.owner_id != principal.account_id:
        raise ApiError(404, NOT_FOUND)
    return entry


async def contest_and_category(session: AsyncSession, entry: Entry) -> tuple[Contest, Category]:
    contest = await session.get(Contest, entry.contest_id)
    category = await session.get(Category, entry.category_id)
    assert contest is not None
    assert category is not None
    return contest, category


def rules_of(category: Category) -> CategoryRules:
    return CategoryRules.model_validate(category.rules)


def ensure_editable(entry: Entry, contest: Contest) -> None:
    """Drafts and submitted entries change until the deadline; an entry sent back for
    revision changes until it is submitted again."""
    if entry.status == "revision_requested":
        return
    if entry.status not in ("draft", "submitted"):
        raise ApiError(
            409,
            "Bài dự thi đã được xét hoặc đã rút, không thể sửa nữa. "
            "/ This entry can no longer change.",
        )
    window = submission_window(phases_of(contest))
    if window is not None and utc_now() > window.ends_at:
        raise ApiError(409, "Đã hết hạn nhận bài: không thể sửa nữa. / The deadline has passed.")
