"""Per-category results of a scored round: four ways to aggregate an entry's totals, side by
side, and a ranking by the one the council chose.

Rules, as the results page and the minutes explain them:

- Every aggregate (mean, median, trimmed mean, z-score value, spread) is rounded to 2 decimals
  (to the nearest hundredth, half to even), and rankings compare these rounded figures: two
  entries that show the same figure share a rank.
- Trimmed mean: drop ``trim`` highest and ``trim`` lowest totals when there are at least
  ``2 × trim + 1`` of them; otherwise it is the plain mean.
- Z-score: a juror with at least ``min_scores_to_normalise`` scores and some spread in them is
  normalised: each of their totals x becomes z = (x − μ_j) / σ_j (population standard
  deviation, over all the juror's scores in the round, whatever the category). An entry's z is
  the mean of the z's it got from normalised jurors, put back on the 100-point scale of its
  category: mean + z × standard deviation of all totals (all rows) in that category. An entry
  no normalised juror scored has no z-score value and ranks last under that method. The value
  may fall outside 0–100: it is for ranking, not a score.
- Ranking: by the method's value, highest first; entries with equal values share the rank
  number (1, 2, 2, 4) and are listed by mean, then by entry id.

Every figure is the same whatever the order of the rows (sums over sorted totals, ``fsum``), so
a recount from the audit log matches. Pure and fast: one pass to group the rows, one over the
entries, plain float arithmetic; 50,000 rows take about 0.15 s on the 2-core test machine
(``bench/judging.py``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from types import MappingProxyType

# A juror whose totals differ by less than this has no usable spread to normalise by.
_NO_SPREAD = 1e-9


class RankingMethod(StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
    TRIMMED_MEAN = "trimmed_mean"
    ZSCORE = "zscore"


METHOD_LABELS: dict[RankingMethod, str] = {
    RankingMethod.MEAN: "Điểm trung bình",
    RankingMethod.MEDIAN: "Trung vị",
    RankingMethod.TRIMMED_MEAN: "Trung bình cắt (bỏ điểm cao nhất và thấp nhất)",
    RankingMethod.ZSCORE: "Chuẩn hoá z-score theo giám khảo",
}


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One submitted score: a juror's 100-point total for an entry."""

    entry_id: str
    category_id: str
    juror_id: str
    total: float  # 0–100


@dataclass(frozen=True, slots=True)
class AggregateSettings:
    min_scores_to_normalise: int = 5  # a juror with fewer scores is flagged, not normalised
    disagreement_spread: float = 20.0  # max − min of an entry's totals above this → flagged
    trim: int = 1  # drop this many highest and lowest when n ≥ 2 × trim + 1


DEFAULT_SETTINGS = AggregateSettings()


@dataclass(frozen=True, slots=True)
class EntryAggregate:
    entry_id: str
    category_id: str
    n: int
    totals: tuple[float, ...]  # ascending
    mean: float
    median: float
    trimmed_mean: float
    zscore: float | None  # None: no normalised juror scored the entry
    spread: float  # max − min
    high_disagreement: bool  # spread above the settings' disagreement_spread

    def value(self, method: RankingMethod) -> float | None:
        if method is RankingMethod.MEAN:
            return self.mean
        if method is RankingMethod.MEDIAN:
            return self.median
        if method is RankingMethod.TRIMMED_MEAN:
            return self.trimmed_mean
        return self.zscore


@dataclass(frozen=True, slots=True)
class JurorNormalisation:
    juror_id: str
    n: int
    mean: float
    stdev: float  # population standard deviation of the juror's totals
    normalised: bool  # False: too few scores or no spread

    def z(self, total: float) -> float:
        """The juror's total as a z-score; only meaningful when ``normalised``."""
        if not self.normalised:
            raise ValueError(f"juror {self.juror_id} is not normalised")
        return (total - self.mean) / self.stdev


@dataclass(frozen=True, slots=True)
class RankedEntry:
    entry_id: str
    category_id: str
    rank: int  # 1-based within the category; equal values share a rank
    value: float | None
    aggregate: EntryAggregate


@dataclass(frozen=True, slots=True)
class CategoryResults:
    category_id: str
    method: RankingMethod
    ranking: tuple[RankedEntry, ...]


@dataclass(frozen=True, slots=True)
class Results:
    method: RankingMethod
    categories: Mapping[str, CategoryResults]
    jurors: Mapping[str, JurorNormalisation]
    flagged_jurors: tuple[str, ...]  # too few scores to normalise, or no spread


def _mean_and_stdev(values: list[float]) -> tuple[float, float]:
    """Mean and population standard deviation, two passes for accuracy."""
    count = len(values)
    mean = math.fsum(values) / count
    variance = math.fsum([(x - mean) * (x - mean) for x in values]) / count
    return mean, math.sqrt(variance)


def _settings_problems(settings: AggregateSettings) -> list[str]:
    problems = []
    if settings.min_scores_to_normalise < 2:
        problems.append("min_scores_to_normalise must be at least 2")
    if not settings.disagreement_spread >= 0:
        problems.append("disagreement_spread must be 0 or more")
    if settings.trim < 0:
        problems.append("trim must be 0 or more")
    return problems


def _group(rows: Iterable[ScoreRow]) -> tuple[dict[str, list[ScoreRow]], dict[str, list[float]]]:
    """Entry → its rows, and juror → their totals. One list per entry keeps the garbage
    collector's work (which grows with live containers) small."""
    entries: dict[str, list[ScoreRow]] = {}
    jurors: dict[str, list[float]] = {}
    for row in rows:
        total = row.total
        if not 0.0 <= total <= 100.0:  # also refuses NaN
            raise ValueError(f"total {total!r} of entry {row.entry_id} is not within 0–100")
        entry_rows = entries.get(row.entry_id)
        if entry_rows is None:
            entries[row.entry_id] = [row]
        else:
            entry_rows.append(row)
        juror_totals = jurors.get(row.juror_id)
        if juror_totals is None:
            jurors[row.juror_id] = [total]
        else:
            juror_totals.append(total)
    return entries, jurors


def _normalise_jurors(
    totals_by_juror: dict[str, list[float]], settings: AggregateSettings
) -> dict[str, JurorNormalisation]:
    jurors = {}
    for juror_id in sorted(totals_by_juror):
        totals = totals_by_juror[juror_id]
        mean, stdev = _mean_and_stdev(totals)
        normalised = len(totals) >= settings.min_scores_to_normalise and stdev > _NO_SPREAD
        jurors[juror_id] = JurorNormalisation(juror_id, len(totals), mean, stdev, normalised)
    return jurors


def _aggregate_entries(
    entries: dict[str, list[ScoreRow]],
    jurors: Mapping[str, JurorNormalisation],
    settings: AggregateSettings,
) -> dict[str, list[EntryAggregate]]:
    """Category → its entries' aggregates. The hot loop: locals only, rounding inlined."""
    # Every category's scale (mean and stdev of all its rows), to map z back onto 100 points.
    category_totals: dict[str, list[float]] = {}
    for entry_rows in entries.values():
        category_totals.setdefault(entry_rows[0].category_id, []).extend(
            [row.total for row in entry_rows]
        )
    scales = {c: _mean_and_stdev(totals) for c, totals in category_totals.items()}
    z_params = {j.juror_id: (j.mean, j.stdev) for j in jurors.values() if j.normalised}
    z_get = z_params.get

    trim, spread_limit = settings.trim, settings.disagreement_spread
    # With trim 0 there is nothing to drop (and ordered[0:-0] would be empty): use the mean.
    min_for_trim = 2 * trim + 1 if trim else 1 << 62
    by_category: dict[str, list[EntryAggregate]] = {c: [] for c in category_totals}
    for entry_id, entry_rows in entries.items():
        category_id = entry_rows[0].category_id
        totals: list[float] = []
        juror_ids: list[str] = []
        zs: list[float] = []
        for row in entry_rows:
            if row.category_id != category_id:
                raise ValueError(f"entry {entry_id} is in two categories")
            total = row.total
            totals.append(total)
            juror_ids.append(row.juror_id)
            params = z_get(row.juror_id)
            if params is not None:
                zs.append((total - params[0]) / params[1])
        n = len(totals)
        if len(set(juror_ids)) != n:
            raise ValueError(f"a juror scored entry {entry_id} twice")
        totals.sort()  # sums over sorted totals do not depend on the rows' order
        mean = sum(totals) / n
        half = n >> 1
        median = totals[half] if n & 1 else (totals[half - 1] + totals[half]) / 2
        trimmed_mean = sum(totals[trim:-trim]) / (n - 2 * trim) if n >= min_for_trim else mean
        if zs:
            scale_mean, scale_stdev = scales[category_id]
            # fsum: the same figure whatever the order of the rows (a recount must match).
            z_mean = math.fsum(zs) / len(zs)
            zscore: float | None = round((scale_mean + z_mean * scale_stdev) * 100) / 100
        else:
            zscore = None
        # Hundredths as round(x × 100) / 100: a third of the cost of round(x, 2), and never -0.0.
        spread = round((totals[-1] - totals[0]) * 100) / 100
        by_category[category_id].append(
            EntryAggregate(
                entry_id,
                category_id,
                n,
                tuple(totals),
                round(mean * 100) / 100,
                round(median * 100) / 100,
                round(trimmed_mean * 100) / 100,
                zscore,
                spread,
                spread > spread_limit,
            )
        )
    return by_category


_VALUE_FIELDS = {
    RankingMethod.MEAN: "mean",
    RankingMethod.MEDIAN: "median",
    RankingMethod.TRIMMED_MEAN: "trimmed_mean",
    RankingMethod.ZSCORE: "zscore",
}


def rank_category(
    category_id: str, aggregates: Iterable[EntryAggregate], method: RankingMethod
) -> CategoryResults:
    """One category's ranking by ``method`` (see the module docstring for the rules)."""
    value_of = attrgetter(_VALUE_FIELDS[RankingMethod(method)])
    # Plain tuples sort in C; entry ids are unique, so the aggregate itself is never compared.
    valued: list[tuple[float, float, str, EntryAggregate]] = []
    unvalued: list[tuple[float, str, EntryAggregate]] = []
    for aggregate in aggregates:
        value = value_of(aggregate)
        if value is None:
            unvalued.append((-aggregate.mean, aggregate.entry_id, aggregate))
        else:
            valued.append((-value, -aggregate.mean, aggregate.entry_id, aggregate))
    valued.sort()
    unvalued.sort()

    ranking: list[RankedEntry] = []
    rank = 0
    previous: float | None = None
    for position, (negative_value, _, entry_id, aggregate) in enumerate(valued, start=1):
        if negative_value != previous:
            rank, previous = position, negative_value
        ranking.append(RankedEntry(entry_id, category_id, rank, -negative_value, aggregate))
    # Entries without a value share the place after the last valued one.
    last_rank = len(valued) + 1
    ranking.extend(
        RankedEntry(entry_id, category_id, last_rank, None, aggregate)
        for _, entry_id, aggregate in unvalued
    )
    return CategoryResults(category_id, method, tuple(ranking))


def compute_results(
    rows: Iterable[ScoreRow],
    method: RankingMethod,
    settings: AggregateSettings = DEFAULT_SETTINGS,
) -> Results:
    """Aggregates of every entry, jurors' normalisation and each category's ranking.

    Raises ValueError for a total outside 0–100, an entry in two categories, a juror who scored
    the same entry twice, or unusable settings.
    """
    method = RankingMethod(method)
    problems = _settings_problems(settings)
    if problems:
        raise ValueError("; ".join(problems))
    entries, totals_by_juror = _group(rows)
    jurors = _normalise_jurors(totals_by_juror, settings)
    by_category = _aggregate_entries(entries, jurors, settings)
    categories = {
        category_id: rank_category(category_id, by_category[category_id], method)
        for category_id in sorted(by_category)
    }
    flagged = tuple(juror_id for juror_id, j in jurors.items() if not j.normalised)
    return Results(
        method=method,
        categories=MappingProxyType(categories),
        jurors=MappingProxyType(jurors),
        flagged_jurors=flagged,
    )
