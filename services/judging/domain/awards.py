"""Each category's awards within its tiers' quotas, and the prize money against the budget.

BALLOT_THEN_SCORE (the rule in ``ballot.BALLOT_RULE_TEXT``): tiers are filled best first. The
entries proposed for a tier by the secret ballot compete with those moved down from the tier
above, ordered by support, then by final-round score (an entry without a score after any with
one). Those beyond the quota move down to the next tier; below the last tier they get no award.
Entries tied on both support and score across the quota boundary are not placed: they are
listed in ``needs_runoff`` for the council to vote again between them, the places they are
tied for stay empty, and the entries after them move down as usual. Once the runoff is in,
run ``decide_awards`` again with its support figures. ``support`` is the ballot support for
the entry's proposed tier, and an entry moved down keeps it.

SCORE_ONLY: the entries with a score are ranked by it, highest first, and fill the tiers' places
in order (A's places, then B's, …). Entries with equal scores whose places would straddle two
tiers (or the last awarded place) go to ``needs_runoff`` and the places they cover stay empty;
everyone else keeps the place their rank gives them.

The prize total counts the awards given; places left empty (including those awaiting a runoff)
are in ``unfilled``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


@dataclass(frozen=True)
class Tier:
    code: str
    name: str  # "Giải A", "Khuyến khích"
    quota: int  # places, ≥ 0
    prize_vnd: int  # per award, ≥ 0


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    proposed_tier: str | None  # from the ballot (None: no tier); None in score-only mode
    support: int  # ballot support for the proposed tier (0 if none)
    score: float | None  # final score (ranking value)


class AwardMode(StrEnum):
    BALLOT_THEN_SCORE = "ballot_then_score"
    SCORE_ONLY = "score_only"


@dataclass(frozen=True)
class Award:
    entry_id: str
    tier: str
    prize_vnd: int


@dataclass(frozen=True)
class CategoryAwards:
    awards: tuple[Award, ...]  # best tier first, in the order the places were filled
    # (entry, from tier, to tier or None): one line per step down caused by a quota
    moved_down: tuple[tuple[str, str, str | None], ...]
    needs_runoff: tuple[str, ...]  # exactly tied across a quota boundary
    unfilled: Mapping[str, int]  # tier → places left empty (tiers with none left out)


@dataclass(frozen=True)
class AwardSummary:
    categories: Mapping[str, CategoryAwards]
    total_prize_vnd: int
    budget_vnd: int
    overflow_vnd: int  # max(0, total − budget)


def _score_key(score: float | None) -> tuple[bool, float]:
    """Higher first; no score after any score."""
    return (score is None, -score if score is not None else 0.0)


def _ballot_order(candidate: Candidate) -> tuple[int, tuple[bool, float], str]:
    return (-candidate.support, _score_key(candidate.score), candidate.entry_id)


def _ballot_tie(candidate: Candidate) -> Hashable:
    return (candidate.support, candidate.score)


def _fill(
    ordered: list[Candidate], quota: int, tie: Callable[[Candidate], Hashable]
) -> tuple[list[Candidate], list[Candidate], list[Candidate]]:
    """Split ordered contenders into (placed, tied across the boundary, beyond the quota)."""
    if len(ordered) <= quota:
        return ordered, [], []
    if quota == 0 or tie(ordered[quota - 1]) != tie(ordered[quota]):
        return ordered[:quota], [], ordered[quota:]
    boundary = tie(ordered[quota])
    start = quota - 1
    while start > 0 and tie(ordered[start - 1]) == boundary:
        start -= 1
    end = quota + 1
    while end < len(ordered) and tie(ordered[end]) == boundary:
        end += 1
    return ordered[:start], ordered[start:end], ordered[end:]


def _ballot_then_score(candidates: Sequence[Candidate], tiers: Sequence[Tier]) -> CategoryAwards:
    proposed: dict[str, list[Candidate]] = {tier.code: [] for tier in tiers}
    for candidate in candidates:
        if candidate.proposed_tier is not None:
            proposed[candidate.proposed_tier].append(candidate)
    awards: list[Award] = []
    moved_down: list[tuple[str, str, str | None]] = []
    needs_runoff: list[str] = []
    unfilled: dict[str, int] = {}
    moving: list[Candidate] = []
    for index, tier in enumerate(tiers):
        contenders = sorted(proposed[tier.code] + moving, key=_ballot_order)
        placed, tied, moving = _fill(contenders, tier.quota, _ballot_tie)
        awards.extend(Award(c.entry_id, tier.code, tier.prize_vnd) for c in placed)
        needs_runoff.extend(c.entry_id for c in tied)
        if tier.quota > len(placed):
            unfilled[tier.code] = tier.quota - len(placed)
        next_code = tiers[index + 1].code if index + 1 < len(tiers) else None
        moved_down.extend((c.entry_id, tier.code, next_code) for c in moving)
    return CategoryAwards(
        awards=tuple(awards),
        moved_down=tuple(moved_down),
        needs_runoff=tuple(needs_runoff),
        unfilled=MappingProxyType(unfilled),
    )


def _score_only(candidates: Sequence[Candidate], tiers: Sequence[Tier]) -> CategoryAwards:
    ranked = sorted(
        (c for c in candidates if c.score is not None),
        key=lambda c: (_score_key(c.score), c.entry_id),
    )
    places = [tier for tier in tiers for _ in range(tier.quota)]
    awards: list[Award] = []
    needs_runoff: list[str] = []
    empty: dict[str, int] = {}
    start = 0
    while start < len(ranked) and start < len(places):
        end = start + 1  # the group ranked[start:end] shares one score
        while end < len(ranked) and ranked[end].score == ranked[start].score:
            end += 1
        covered = places[start:end]
        # The group fits when each member has a place and all those places are in one tier.
        if end <= len(places) and covered[0].code == covered[-1].code:
            awards.extend(
                Award(c.entry_id, tier.code, tier.prize_vnd)
                for c, tier in zip(ranked[start:end], covered, strict=True)
            )
        else:
            needs_runoff.extend(c.entry_id for c in ranked[start:end])
            for tier in covered:
                empty[tier.code] = empty.get(tier.code, 0) + 1
        start = end
    for tier in places[start:]:
        empty[tier.code] = empty.get(tier.code, 0) + 1
    unfilled = {tier.code: empty[tier.code] for tier in tiers if tier.code in empty}
    return CategoryAwards(
        awards=tuple(awards),
        moved_down=(),
        needs_runoff=tuple(needs_runoff),
        unfilled=MappingProxyType(unfilled),
    )


def _category_problems(
    category_id: str, candidates: Sequence[Candidate], tiers: Sequence[Tier] | None
) -> list[str]:
    if tiers is None:
        return [f"category {category_id} has candidates but no tiers"]
    problems = []
    codes = [tier.code for tier in tiers]
    if len(set(codes)) != len(codes):
        problems.append(f"category {category_id}: tier codes must be unique")
    if any(tier.quota < 0 or tier.prize_vnd < 0 for tier in tiers):
        problems.append(f"category {category_id}: quotas and prizes must be 0 or more")
    entry_ids = [c.entry_id for c in candidates]
    if len(set(entry_ids)) != len(entry_ids):
        problems.append(f"category {category_id}: an entry is a candidate twice")
    unknown = {c.proposed_tier for c in candidates if c.proposed_tier is not None} - set(codes)
    if unknown:
        problems.append(f"category {category_id}: unknown proposed tiers {sorted(unknown)}")
    return problems


def decide_awards(
    candidates: Mapping[str, Sequence[Candidate]],
    tiers: Mapping[str, Sequence[Tier]],
    mode: AwardMode,
    budget_vnd: int,
) -> AwardSummary:
    """Awards per category (category id → its candidates and its tiers, best first).

    A category with tiers but no candidates gets all its places in ``unfilled``. Raises
    ValueError for candidates without tiers, duplicate tiers or candidates, unknown proposed
    tiers, negative quotas, prizes or budget.
    """
    mode = AwardMode(mode)
    problems = [] if budget_vnd >= 0 else ["the budget must be 0 or more"]
    for category_id in sorted(set(candidates) | set(tiers)):
        problems.extend(
            _category_problems(category_id, candidates.get(category_id, ()), tiers.get(category_id))
        )
    if problems:
        raise ValueError("; ".join(problems))
    decide = _ballot_then_score if mode is AwardMode.BALLOT_THEN_SCORE else _score_only
    categories = {
        category_id: decide(candidates.get(category_id, ()), tiers[category_id])
        for category_id in sorted(tiers)
    }
    total = sum(award.prize_vnd for c in categories.values() for award in c.awards)
    return AwardSummary(
        categories=MappingProxyType(categories),
        total_prize_vnd=total,
        budget_vnd=budget_vnd,
        overflow_vnd=max(0, total - budget_vnd),
    )
