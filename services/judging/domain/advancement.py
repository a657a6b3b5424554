"""Which entries go on to the next round, per category.

Rules:

- ``threshold`` alone: every entry whose value (by the results' ranking method) is at or above
  the threshold advances.
- ``top_n`` alone: the first N of the ranking advance, and so does every entry tied with the
  N-th (same value): nobody is cut by a tie. Those tied entries are listed in ``ties_at_cut``
  when the tie runs past the N-th place, so the page can say why more than N advance.
- Both: the top N among the entries at or above the threshold.
- An entry with no value under the method (e.g. no normalised juror for z-scores) never
  advances.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .aggregates import CategoryResults, Results


@dataclass(frozen=True)
class AdvancementRule:
    top_n: int | None = None  # per category
    threshold: float | None = None  # minimum value, 0–100
    # both set: the top N among those at or above the threshold


@dataclass(frozen=True)
class Advancement:
    advancing: tuple[str, ...]  # entry ids, in ranking order
    ties_at_cut: tuple[str, ...]  # tied with the last place at the cut: all advance


def rule_problems(rule: AdvancementRule) -> list[str]:
    """What makes an advancement rule unusable ("Vietnamese / English"); empty when fine."""
    problems: list[str] = []
    if rule.top_n is None and rule.threshold is None:
        problems.append(
            "Cần chọn số tác phẩm vào vòng sau hoặc điểm sàn. / "
            "Set a number of entries to advance or a minimum score."
        )
    if rule.top_n is not None and rule.top_n < 1:
        problems.append(
            "Số tác phẩm vào vòng sau phải từ 1 trở lên. / "
            "The number of entries to advance must be at least 1."
        )
    if rule.threshold is not None and not (
        math.isfinite(rule.threshold) and 0 <= rule.threshold <= 100
    ):
        problems.append(
            "Điểm sàn phải từ 0 đến 100. / The minimum score must be between 0 and 100."
        )
    return problems


def _category_advancement(category: CategoryResults, rule: AdvancementRule) -> Advancement:
    threshold = rule.threshold
    eligible = [
        (ranked.entry_id, ranked.value)
        for ranked in category.ranking
        if ranked.value is not None and (threshold is None or ranked.value >= threshold)
    ]
    top_n = rule.top_n
    if top_n is None or len(eligible) <= top_n:
        return Advancement(tuple(entry_id for entry_id, _ in eligible), ())
    last_value = eligible[top_n - 1][1]
    # The ranking is sorted by value, so the tied group is contiguous around the cut.
    tied = tuple(entry_id for entry_id, value in eligible if value == last_value)
    cut = top_n
    while cut < len(eligible) and eligible[cut][1] == last_value:
        cut += 1
    advancing = tuple(entry_id for entry_id, _ in eligible[:cut])
    return Advancement(advancing, tied if cut > top_n else ())


def advancing_entries(results: Results, rule: AdvancementRule) -> Mapping[str, Advancement]:
    """Category id → who advances, by the ranking in ``results``.

    Raises ValueError when the rule is unusable (see ``rule_problems``).
    """
    problems = rule_problems(rule)
    if problems:
        raise ValueError(" ".join(problems))
    return MappingProxyType(
        {
            category_id: _category_advancement(category, rule)
            for category_id, category in results.categories.items()
        }
    )
