"""How long a round's results take to compute, next to the floor of touching the same data.

A seeded random round: 10,000 entries in 4 categories, each scored by 5 of the category's 25
jurors (100 jurors) against 5 criteria. The figure is the time for the 50,000 weighted totals
(``criteria.weighted_total``, and the ``ScoreRow`` each becomes) plus one ``compute_results``
(every aggregate side by side, and the ranking by z-score, the dearest method), best of 3
rounds; the other methods' times are printed too. The baseline, measured in the same run and
taking turns with it, is one pure-Python pass summing the same 250,000 points. Pure CPU in this
process: no servers.

``python -m bench.judging [--quick]`` prints its JSON line alone.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from typing import Any, NamedTuple

from services.judging.domain.aggregates import RankingMethod, ScoreRow, compute_results
from services.judging.domain.criteria import Criterion, weighted_total

AGGREGATES = "judging_aggregates"
ALL_BENCHES = (AGGREGATES,)

ENTRIES = 10_000
QUICK_ENTRIES = 1_000
JURORS_PER_ENTRY = 5
JURORS_PER_CATEGORY = 25
CATEGORIES = ("bao-in", "phat-thanh", "truyen-hinh", "anh")
AIM_SECONDS = 1.0
SEED = 20261126

# Five criteria whose maxima differ from their weights, so the weighting does real work.
BENCH_CRITERIA = (
    Criterion("content", "Nội dung", "", 10, 35),
    Criterion("discovery", "Tính phát hiện", "", 10, 20),
    Criterion("form", "Hình thức thể hiện", "", 10, 20),
    Criterion("social_effect", "Hiệu quả xã hội", "", 10, 15),
    Criterion("timeliness", "Tính thời sự", "", 10, 10),
)

Sheet = tuple[str, str, str, dict[str, float]]  # entry, category, juror, points


def make_sheets(entries: int, seed: int = SEED) -> list[Sheet]:
    """Score sheets with a lenient or strict streak per juror and a quality per entry."""
    rng = random.Random(seed)
    leniency = {
        f"{category}-j{j:02d}": rng.gauss(0, 1.0)
        for category in CATEGORIES
        for j in range(JURORS_PER_CATEGORY)
    }
    sheets: list[Sheet] = []
    for number in range(entries):
        category = CATEGORIES[number % len(CATEGORIES)]
        quality = rng.uniform(4.0, 9.0)
        for j in rng.sample(range(JURORS_PER_CATEGORY), JURORS_PER_ENTRY):
            juror = f"{category}-j{j:02d}"
            points = {
                c.code: min(10.0, max(0.0, round(quality + leniency[juror] + rng.gauss(0, 1), 1)))
                for c in BENCH_CRITERIA
            }
            sheets.append((f"e{number:05d}", category, juror, points))
    return sheets


class Round(NamedTuple):
    seconds: float
    cpu_seconds: float  # this process's CPU time: steadier than seconds on a busy machine
    gc_seconds: float  # spent in the garbage collector, which also scans the set-up data
    totals_seconds: float
    per_method: dict[str, float]


class GcClock:
    """Time spent in garbage collections while installed (``gc.callbacks``)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def results_round(sheets: list[Sheet]) -> Round:
    """The weighted totals of every sheet, then the results by every method."""
    gc_clock = GcClock()
    gc.callbacks.append(gc_clock)
    try:
        return _timed_round(sheets, gc_clock)
    finally:
        gc.callbacks.remove(gc_clock)


FIGURE_METHOD = RankingMethod.ZSCORE  # the dearest ranking: it normalises every juror first


def _timed_round(sheets: list[Sheet], gc_clock: GcClock) -> Round:
    """The figure: the weighted totals, then one ``compute_results``, which computes every
    aggregate side by side (mean, median, trimmed mean, z-score, spread, flags) and ranks each
    category by the round's method. The other methods are timed apart, for the record."""
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = [
        ScoreRow(entry, category, juror, weighted_total(BENCH_CRITERIA, points))
        for entry, category, juror, points in sheets
    ]
    totals_done = time.perf_counter()
    results = compute_results(rows, FIGURE_METHOD)
    finished, cpu_finished, gc_seconds = time.perf_counter(), time.process_time(), gc_clock.seconds
    if sum(len(c.ranking) for c in results.categories.values()) * JURORS_PER_ENTRY != len(rows):
        raise AssertionError("a ranking lost entries")
    per_method = {FIGURE_METHOD.value: finished - totals_done}
    for method in RankingMethod:
        if method is not FIGURE_METHOD:
            before = time.perf_counter()
            compute_results(rows, method)
            per_method[method.value] = time.perf_counter() - before
    return Round(
        finished - started,
        cpu_finished - cpu_started,
        gc_seconds,
        totals_done - started,
        per_method,
    )


def floor_round(sheets: list[Sheet]) -> float:
    """One pass summing every point: the least any computation over the sheets must cost."""
    started = time.perf_counter()
    total = 0.0
    for _, _, _, points in sheets:
        for value in points.values():
            total += value
    elapsed = time.perf_counter() - started
    if total <= 0:
        raise AssertionError("no points were summed")
    return elapsed


def aggregates_bench(quick: bool) -> dict[str, Any]:
    """One JSON-able line: ``value`` seconds (lower is better) against the summing floor."""
    entries = QUICK_ENTRIES if quick else ENTRIES
    repeat = 1 if quick else 3
    sheets = make_sheets(entries)
    # The sheets are set-up data: frozen, the collector stops rescanning them at every pass
    # (the rows the computation makes are still collected as usual).
    gc.collect()
    gc.freeze()
    ours: list[Round] = []
    floor: list[float] = []
    for _ in range(repeat):  # taking turns, so a busy moment hurts both sides alike
        ours.append(results_round(sheets))
        floor.append(floor_round(sheets))
    best = min(ours, key=lambda r: r.seconds)
    value, baseline = best.seconds, min(floor)
    gc.unfreeze()
    return {
        "bench": AGGREGATES,
        "value": round(value, 6),
        "unit": "s",
        "baseline": round(baseline, 6),
        "ratio": float(f"{value / baseline:.4g}"),
        "ratio_meaning": "value / baseline (lower is better; 1.0 = as cheap as summing the points)",
        "aim_seconds": AIM_SECONDS,
        "within_aim": value <= AIM_SECONDS,
        "entries": entries,
        "score_sheets": len(sheets),
        "points": len(sheets) * len(BENCH_CRITERIA),
        "cpu_s": round(best.cpu_seconds, 4),
        "gc_s": round(best.gc_seconds, 4),
        "weighted_totals_s": round(best.totals_seconds, 4),
        "ranking_method": FIGURE_METHOD.value,
        "compute_results_s": {m: round(s, 4) for m, s in best.per_method.items()},
        "rounds": [round(r.seconds, 4) for r in ours],
        "baseline_rounds": [round(x, 4) for x in floor],
    }


if __name__ == "__main__":
    print(json.dumps(aggregates_bench(quick="--quick" in sys.argv[1:])))
