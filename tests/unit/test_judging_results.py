"""Aggregates side by side, rankings, juror normalisation and who advances."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.judging.domain.advancement import (
    Advancement,
    AdvancementRule,
    advancing_entries,
    rule_problems,
)
from services.judging.domain.aggregates import (
    METHOD_LABELS,
    AggregateSettings,
    RankingMethod,
    Results,
    ScoreRow,
    compute_results,
)

MEAN, MEDIAN, TRIMMED, ZSCORE = (
    RankingMethod.MEAN,
    RankingMethod.MEDIAN,
    RankingMethod.TRIMMED_MEAN,
    RankingMethod.ZSCORE,
)


def rows_of(category: str, scores: dict[str, list[float]]) -> list[ScoreRow]:
    """Entry → totals, each from a different juror j1, j2, …"""
    return [
        ScoreRow(entry, category, f"j{i}", total)
        for entry, totals in scores.items()
        for i, total in enumerate(totals, start=1)
    ]


# e1 70/80/90: mean 80, median 80, trimmed 80, spread 20 (not above 20).
# e2 60/65/100: mean 75, median 65, trimmed 65, spread 40.
# e3 81/79: mean 80, median 80, trimmed = mean (too few to trim), spread 2.
# e4 50/60/70/90: mean 67.5, median 65, trimmed (60+70)/2 = 65, spread 40.
HAND = rows_of(
    "bc",
    {
        "e1": [70, 80, 90],
        "e2": [60, 65, 100],
        "e3": [81, 79],
        "e4": [50, 60, 70, 90],
    },
)


def ranking(results: Results, category: str) -> list[tuple[str, int, float | None]]:
    return [(r.entry_id, r.rank, r.value) for r in results.categories[category].ranking]


def test_every_method_has_a_vietnamese_label() -> None:
    assert set(METHOD_LABELS) == set(RankingMethod)
    assert METHOD_LABELS[RankingMethod.MEAN] == "Điểm trung bình"


def test_aggregates_side_by_side() -> None:
    results = compute_results(HAND, MEAN)
    by_entry = {r.entry_id: r.aggregate for r in results.categories["bc"].ranking}
    figures = {
        e: (a.n, a.totals, a.mean, a.median, a.trimmed_mean, a.spread, a.high_disagreement)
        for e, a in by_entry.items()
    }
    assert figures == {
        "e1": (3, (70, 80, 90), 80, 80, 80, 20, False),
        "e2": (3, (60, 65, 100), 75, 65, 65, 40, True),
        "e3": (2, (79, 81), 80, 80, 80, 2, False),
        "e4": (4, (50, 60, 70, 90), 67.5, 65, 65, 40, True),
    }


def test_ranking_by_mean_shares_the_rank_of_equal_values() -> None:
    # e1 and e3 both 80 (and the same mean): listed by id, both first; then 3rd, 4th.
    assert ranking(compute_results(HAND, MEAN), "bc") == [
        ("e1", 1, 80),
        ("e3", 1, 80),
        ("e2", 3, 75),
        ("e4", 4, 67.5),
    ]


@pytest.mark.parametrize("method", [MEDIAN, TRIMMED])
def test_ties_are_listed_by_mean_but_share_the_rank(method: RankingMethod) -> None:
    # e2 and e4 both 65; e2's mean (75) is above e4's (67.5), so e2 is listed first.
    assert ranking(compute_results(HAND, method), "bc") == [
        ("e1", 1, 80),
        ("e3", 1, 80),
        ("e2", 3, 65),
        ("e4", 3, 65),
    ]


def test_trim_setting_and_disagreement_setting() -> None:
    settings = AggregateSettings(trim=0, disagreement_spread=39.99)
    results = compute_results(HAND, TRIMMED, settings)
    by_entry = {r.entry_id: r.aggregate for r in results.categories["bc"].ranking}
    assert by_entry["e4"].trimmed_mean == by_entry["e4"].mean == 67.5
    assert [e for e, a in by_entry.items() if a.high_disagreement] == ["e2", "e4"]
    assert by_entry["e1"].value(TRIMMED) == 80


def test_aggregates_are_rounded_to_two_decimals() -> None:
    results = compute_results(rows_of("bc", {"e": [70, 70, 71]}), MEAN)
    assert results.categories["bc"].ranking[0].aggregate.mean == 70.33


# Z-scores, with min_scores_to_normalise=2 to keep the example small.
# J1 gave e1 60, e2 80: μ 70, σ 10 → z −1, +1.  J2 gave e1 70, e2 90: μ 80, σ 10 → z −1, +1.
# J3 gave only e3 75: too few scores. J4 gave f1 and f2 70 each: no spread.
# Category bc, all rows: 60 80 70 90 75 → mean 75, population σ √(500/5) = 10.
# e1: 75 + (−1) × 10 = 65; e2: 75 + 1 × 10 = 85; e3: nobody normalised → None.
Z_ROWS = [
    ScoreRow("e1", "bc", "J1", 60),
    ScoreRow("e2", "bc", "J1", 80),
    ScoreRow("e1", "bc", "J2", 70),
    ScoreRow("e2", "bc", "J2", 90),
    ScoreRow("e3", "bc", "J3", 75),
    ScoreRow("f1", "ptth", "J4", 70),
    ScoreRow("f2", "ptth", "J4", 70),
]
SMALL = AggregateSettings(min_scores_to_normalise=2)


def test_zscore_worked_example() -> None:
    results = compute_results(Z_ROWS, ZSCORE, SMALL)
    assert ranking(results, "bc") == [("e2", 1, 85), ("e1", 2, 65), ("e3", 3, None)]
    # Without a value, e3 is last under z-scores even though its mean (75) beats e1's (65).
    assert ranking(compute_results(Z_ROWS, MEAN, SMALL), "bc") == [
        ("e2", 1, 85),
        ("e3", 2, 75),
        ("e1", 3, 65),
    ]
    j1 = results.jurors["J1"]
    assert (j1.n, j1.mean, j1.stdev, j1.normalised) == (2, 70, 10, True)
    assert j1.z(80) == 1


def test_jurors_too_few_scores_or_no_spread_are_flagged_not_normalised() -> None:
    results = compute_results(Z_ROWS, ZSCORE, SMALL)
    assert results.flagged_jurors == ("J3", "J4")
    assert not results.jurors["J4"].normalised
    assert ranking(results, "ptth") == [("f1", 1, None), ("f2", 1, None)]  # none valued
    with pytest.raises(ValueError, match="not normalised"):
        results.jurors["J3"].z(75)
    # With the default of 5 scores, nobody here is normalised.
    assert compute_results(Z_ROWS, ZSCORE).flagged_jurors == ("J1", "J2", "J3", "J4")


def test_a_juror_is_normalised_over_all_their_scores_whatever_the_category() -> None:
    rows = [ScoreRow("a", "bc", "J", 50), ScoreRow("b", "ptth", "J", 70)]
    juror = compute_results(rows, ZSCORE, SMALL).jurors["J"]
    assert (juror.n, juror.mean, juror.stdev) == (2, 60, 10)


def test_no_rows_no_results() -> None:
    results = compute_results([], MEAN)
    assert (dict(results.categories), dict(results.jurors), results.flagged_jurors) == ({}, {}, ())


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([ScoreRow("e", "bc", "j", 100.5)], "not within 0–100"),
        ([ScoreRow("e", "bc", "j", math.nan)], "not within 0–100"),
        ([ScoreRow("e", "bc", "j", 50), ScoreRow("e", "ptth", "k", 50)], "two categories"),
        ([ScoreRow("e", "bc", "j", 50), ScoreRow("e", "bc", "j", 60)], "twice"),
    ],
)
def test_rows_that_cannot_be_right_are_refused(rows: list[ScoreRow], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_results(rows, MEAN)


def test_unusable_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="trim"):
        compute_results(HAND, MEAN, AggregateSettings(trim=-1))


# --- properties --------------------------------------------------------------------------------


@st.composite
def score_rows(draw: st.DrawFn) -> list[ScoreRow]:
    jurors = [f"j{i}" for i in range(draw(st.integers(min_value=1, max_value=8)))]
    rows = []
    for e in range(draw(st.integers(min_value=1, max_value=15))):
        category = draw(st.sampled_from(["bc", "ptth", "th"]))
        for juror in draw(st.lists(st.sampled_from(jurors), min_size=1, max_size=5, unique=True)):
            total = draw(st.integers(min_value=0, max_value=10_000)) / 100
            rows.append(ScoreRow(f"e{e:02d}", category, juror, total))
    return rows


@given(score_rows(), st.sampled_from(list(RankingMethod)))
def test_a_ranking_is_a_competition_ranking_of_the_whole_category(
    rows: list[ScoreRow], method: RankingMethod
) -> None:
    results = compute_results(rows, method, SMALL)
    categories: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        categories[row.category_id].add(row.entry_id)
    assert set(results.categories) == set(categories)
    for category_id, category in results.categories.items():
        listed = [r.entry_id for r in category.ranking]
        assert sorted(listed) == sorted(categories[category_id])  # a permutation
        values = [r.value for r in category.ranking if r.value is not None]
        assert all(r.value is not None for r in category.ranking[: len(values)])  # None last
        for r in category.ranking:
            assert r.value == r.aggregate.value(method)
            if r.value is None:
                assert r.rank == len(values) + 1
            else:
                # Competition ranking: one more than the number of strictly better values.
                assert r.rank == 1 + sum(1 for v in values if v > r.value)


@given(score_rows())
def test_aggregates_lie_between_the_lowest_and_highest_total(rows: list[ScoreRow]) -> None:
    for category in compute_results(rows, MEAN).categories.values():
        for ranked in category.ranking:
            a = ranked.aggregate
            low, high = a.totals[0], a.totals[-1]
            assert a.totals == tuple(sorted(a.totals))
            for value in (a.mean, a.median, a.trimmed_mean):
                assert low <= value <= high
            assert a.spread == round(high - low, 2)


@given(score_rows())
def test_a_normalised_jurors_z_scores_have_mean_0_and_deviation_1(rows: list[ScoreRow]) -> None:
    results = compute_results(rows, ZSCORE, SMALL)
    totals: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        totals[row.juror_id].append(row.total)
    for juror_id, juror in results.jurors.items():
        assert juror.normalised == (juror_id not in results.flagged_jurors)
        if juror.normalised:
            zs = [juror.z(x) for x in totals[juror_id]]
            assert math.fsum(zs) / len(zs) == pytest.approx(0, abs=1e-9)
            assert math.sqrt(math.fsum(z * z for z in zs) / len(zs)) == pytest.approx(1)


@given(score_rows(), st.randoms(use_true_random=False))
def test_the_order_of_the_rows_changes_nothing(rows: list[ScoreRow], rnd: random.Random) -> None:
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    for method in RankingMethod:
        assert compute_results(shuffled, method, SMALL) == compute_results(rows, method, SMALL)


# --- advancement -------------------------------------------------------------------------------

# Values by mean: e1 90, e2 80, e3 80, e4 80, e5 70; one juror each keeps them exact.
LADDER = compute_results(
    rows_of("bc", {"e1": [90], "e2": [80], "e3": [80], "e4": [80], "e5": [70]}), MEAN
)


@pytest.mark.parametrize(
    ("rule", "advancing", "ties"),
    [
        (AdvancementRule(top_n=1), ("e1",), ()),
        # The 2nd place is tied three ways: all three advance, and the page says why.
        (AdvancementRule(top_n=2), ("e1", "e2", "e3", "e4"), ("e2", "e3", "e4")),
        (AdvancementRule(top_n=4), ("e1", "e2", "e3", "e4"), ()),
        (AdvancementRule(top_n=10), ("e1", "e2", "e3", "e4", "e5"), ()),
        (AdvancementRule(threshold=80), ("e1", "e2", "e3", "e4"), ()),
        (AdvancementRule(threshold=80.01), ("e1",), ()),
        (AdvancementRule(top_n=2, threshold=85), ("e1",), ()),
        (AdvancementRule(top_n=3, threshold=70), ("e1", "e2", "e3", "e4"), ("e2", "e3", "e4")),
    ],
)
def test_advancement_rules(
    rule: AdvancementRule, advancing: tuple[str, ...], ties: tuple[str, ...]
) -> None:
    assert advancing_entries(LADDER, rule) == {"bc": Advancement(advancing, ties)}


def test_each_category_advances_on_its_own_and_an_entry_without_value_never_does() -> None:
    results = compute_results(Z_ROWS, ZSCORE, SMALL)
    assert advancing_entries(results, AdvancementRule(top_n=5)) == {
        "bc": Advancement(("e2", "e1"), ()),
        "ptth": Advancement((), ()),
    }


@pytest.mark.parametrize(
    ("rule", "count"),
    [
        (AdvancementRule(), 1),
        (AdvancementRule(top_n=0), 1),
        (AdvancementRule(threshold=100.5), 1),
        (AdvancementRule(threshold=math.nan), 1),
        (AdvancementRule(top_n=-1, threshold=-1), 2),
        (AdvancementRule(top_n=1, threshold=0), 0),
        (AdvancementRule(threshold=100), 0),
    ],
)
def test_rule_problems(rule: AdvancementRule, count: int) -> None:
    problems = rule_problems(rule)
    assert len(problems) == count
    assert all(" / " in p for p in problems)


def test_an_unusable_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="Điểm sàn"):
        advancing_entries(LADDER, AdvancementRule(threshold=-5))


@given(
    score_rows(),
    st.one_of(st.none(), st.integers(min_value=1, max_value=10)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
)
def test_advancing_is_the_head_of_the_ranking_cut_only_between_different_values(
    rows: list[ScoreRow], top_n: int | None, threshold: int | None
) -> None:
    if top_n is None and threshold is None:
        top_n = 3
    results = compute_results(rows, MEAN)
    advancement = advancing_entries(results, AdvancementRule(top_n, threshold))
    for category_id, category in results.categories.items():
        outcome = advancement[category_id]
        ranked = category.ranking
        head = tuple(r.entry_id for r in ranked[: len(outcome.advancing)])
        assert outcome.advancing == head
        values = [r.value for r in ranked]
        eligible = [v for v in values if v is not None and (threshold is None or v >= threshold)]
        kept = len(outcome.advancing)
        assert kept <= len(eligible)
        if top_n is None or len(eligible) <= top_n:
            assert kept == len(eligible)
        else:
            assert kept >= top_n
            assert kept == len(eligible) or eligible[kept] != eligible[kept - 1]
            assert set(eligible[top_n - 1 : kept]) == {eligible[top_n - 1]}
        assert set(outcome.ties_at_cut) <= set(outcome.advancing)
