"""The final round's secret ballot, and awards within quotas and the budget."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.judging.domain.awards import (
    Award,
    AwardMode,
    AwardSummary,
    Candidate,
    Tier,
    decide_awards,
)
from services.judging.domain.ballot import (
    BALLOT_RULE_TEXT,
    NO_TIER,
    BallotRules,
    ballot_problems,
    tally,
)

TIERS = ("A", "B", "C", "KK")
MILLION = 1_000_000


def ballots_for(entry_votes: dict[str, list[str | None]]) -> list[dict[str, str | None]]:
    """Column-wise: entry → the choice on ballot 1, 2, …; returns the ballots (rows)."""
    count = len(next(iter(entry_votes.values())))
    return [{entry: votes[i] for entry, votes in entry_votes.items()} for i in range(count)]


# --- tally -------------------------------------------------------------------------------------

SEVEN = ballots_for(
    {
        # A 3, B 2, none 2: support A 3, B 5; more than half of 7 is 4 or more → B.
        "X": ["A", "A", "A", "B", "B", None, None],
        # A 4, B 3: A has 4 of 7 → A.
        "Y": ["A", "A", "A", "A", "B", "B", "B"],
        # KK 3, none 4: KK's support 3 is not a majority → no tier.
        "Z": ["KK", "KK", "KK", None, None, None, None],
    }
)


def test_tally_worked_example() -> None:
    result = tally(SEVEN, ["X", "Y", "Z"], TIERS, BallotRules(quorum=5))
    x = result["X"]
    assert (x.cast, x.quorum_met, x.tier) == (7, True, "B")
    assert dict(x.counts) == {"A": 3, "B": 2, "C": 0, "KK": 0, NO_TIER: 2}
    assert dict(x.support) == {"A": 3, "B": 5, "C": 5, "KK": 5}
    assert result["Y"].tier == "A"
    assert result["Z"].tier is None
    assert dict(result["Z"].support) == {"A": 0, "B": 0, "C": 0, "KK": 3}


def test_exactly_half_is_not_a_majority() -> None:
    ballots = ballots_for({"X": ["A", "A", "A", None, None, None]})
    assert tally(ballots, ["X"], TIERS, BallotRules(quorum=1))["X"].tier is None


def test_a_two_thirds_majority_means_more_than_two_thirds() -> None:
    # 6 ballots: A 4, B 1, none 1. Two thirds of 6 is 4: A's 4 is not more; B's 5 is.
    ballots = ballots_for({"X": ["A", "A", "A", "A", "B", None]})
    rules = BallotRules(quorum=4, majority=2 / 3)
    assert tally(ballots, ["X"], TIERS, rules)["X"].tier == "B"


def test_without_quorum_no_tier_is_proposed() -> None:
    ballots = ballots_for({"X": ["A", "A", "A", "A"]})
    result = tally(ballots, ["X"], TIERS, BallotRules(quorum=5))["X"]
    assert (result.quorum_met, result.tier, result.support["A"]) == (False, None, 4)


def test_no_ballots_no_tier() -> None:
    result = tally([], ["X"], TIERS, BallotRules(quorum=0))["X"]
    assert (result.cast, result.quorum_met, result.tier) == (0, True, None)


def test_ballot_problems_name_each_fault() -> None:
    assert ballot_problems({"X": "A", "Y": None}, ["X", "Y"], TIERS) == []
    assert ballot_problems({"X": "Giải A", "W": "B"}, ["X", "Y"], TIERS) == [
        "Phiếu chưa có lựa chọn cho tác phẩm Y. / The ballot has no choice for entry Y.",
        "Tác phẩm W không có trong danh sách chung khảo. / Entry W is not a finalist.",
        "Mức giải «Giải A» cho tác phẩm X không tồn tại. / "
        "There is no award tier «Giải A» (entry X).",
    ]


@pytest.mark.parametrize(
    ("ballots", "tiers", "rules", "message"),
    [
        ([{"X": "Z"}], TIERS, BallotRules(quorum=1), "ballot 1"),
        ([{"X": "A"}], ("A", "A"), BallotRules(quorum=1), "unique"),
        ([{"X": "A"}], ("A", NO_TIER), BallotRules(quorum=1), "unique"),
        ([{"X": "A"}], TIERS, BallotRules(quorum=-1), "quorum"),
        ([{"X": "A"}], TIERS, BallotRules(quorum=1, majority=1), "majority"),
    ],
)
def test_tally_refuses_what_cannot_be_counted(
    ballots: list[dict[str, str | None]], tiers: tuple[str, ...], rules: BallotRules, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        tally(ballots, ["X"], tiers, rules)


def test_the_rule_text_is_vietnamese_then_english() -> None:
    vietnamese, english = BALLOT_RULE_TEXT.split("\n\n")
    assert "bỏ phiếu kín" in vietnamese and "quá nửa" in vietnamese
    assert "bỏ phiếu lại" in vietnamese and "điểm chung khảo" in vietnamese
    assert "quorum" in english and "votes again" in english


choice = st.sampled_from([*TIERS, None])


@given(
    st.lists(st.fixed_dictionaries({"X": choice, "Y": choice}), max_size=15),
    st.integers(min_value=0, max_value=15),
    st.sampled_from([0.5, 2 / 3, 0.6, 0.0]),
)
def test_a_tier_is_never_given_without_more_than_the_majority(
    ballots: list[dict[str, str | None]], quorum: int, majority: float
) -> None:
    rules = BallotRules(quorum=quorum, majority=majority)
    for entry_id, result in tally(ballots, ["X", "Y"], TIERS, rules).items():
        votes = Counter(b[entry_id] for b in ballots)
        assert result.cast == len(ballots)
        assert result.quorum_met == (len(ballots) >= quorum)
        cumulative = 0
        for code in TIERS:
            cumulative += votes[code]
            assert result.support[code] == cumulative
        assert cumulative + result.counts[NO_TIER] == len(ballots)
        # Integer arithmetic: support > majority × cast ⟺ support × den > num × cast.
        num, den = {0.5: (1, 2), 2 / 3: (2, 3), 0.6: (3, 5), 0.0: (0, 1)}[majority]
        passing = [c for c in TIERS if result.support[c] * den > num * len(ballots)]
        expected = passing[0] if passing and result.quorum_met else None
        assert result.tier == expected


# --- awards: ballot then score -------------------------------------------------------------

LADDER = (
    Tier("A", "Giải A", 1, 10 * MILLION),
    Tier("B", "Giải B", 2, 7 * MILLION),
    Tier("C", "Giải C", 3, 5 * MILLION),
)


def one_category(
    candidates: list[Candidate],
    mode: AwardMode = AwardMode.BALLOT_THEN_SCORE,
    tiers: tuple[Tier, ...] = LADDER,
    budget: int = 100 * MILLION,
) -> AwardSummary:
    return decide_awards({"bc": candidates}, {"bc": tiers}, mode, budget)


def placed(summary: AwardSummary) -> list[tuple[str, str]]:
    return [(a.entry_id, a.tier) for a in summary.categories["bc"].awards]


def test_overflow_moves_down_by_support_then_score() -> None:
    summary = one_category(
        [
            Candidate("p1", "A", 7, 90),
            Candidate("p2", "A", 6, 95),  # second for A's one place: down to B
            Candidate("p3", "B", 6, 80),
            Candidate("p4", "B", 5, 85),  # B: p2 (6, 95), p3 (6, 80), then p4 → C
            Candidate("p5", None, 0, 99),  # no tier from the ballot: no award
        ],
        budget=25 * MILLION,
    )
    bc = summary.categories["bc"]
    assert placed(summary) == [("p1", "A"), ("p2", "B"), ("p3", "B"), ("p4", "C")]
    assert bc.moved_down == (("p2", "A", "B"), ("p4", "B", "C"))
    assert bc.needs_runoff == ()
    assert dict(bc.unfilled) == {"C": 2}
    assert bc.awards[0] == Award("p1", "A", 10 * MILLION)
    # 10 + 7 + 7 + 5 = 29 million against 25.
    assert (summary.total_prize_vnd, summary.budget_vnd, summary.overflow_vnd) == (
        29 * MILLION,
        25 * MILLION,
        4 * MILLION,
    )


def test_an_exact_tie_across_the_quota_waits_for_a_runoff() -> None:
    summary = one_category(
        [
            Candidate("q1", "A", 5, 88),
            Candidate("q2", "A", 5, 88),
            Candidate("q3", "A", 4, 90),
        ]
    )
    bc = summary.categories["bc"]
    assert bc.needs_runoff == ("q1", "q2")
    assert placed(summary) == [("q3", "B")]
    assert bc.moved_down == (("q3", "A", "B"),)
    assert dict(bc.unfilled) == {"A": 1, "B": 1, "C": 3}


def test_a_tie_inside_the_quota_needs_nothing() -> None:
    tiers = (Tier("A", "Giải A", 2, 10 * MILLION),)
    summary = one_category([Candidate("q1", "A", 5, 88), Candidate("q2", "A", 5, 88)], tiers=tiers)
    assert placed(summary) == [("q1", "A"), ("q2", "A")]
    assert summary.categories["bc"].needs_runoff == ()


def test_same_support_different_score_is_no_tie_and_no_score_comes_last() -> None:
    summary = one_category(
        [Candidate("n", "A", 5, None), Candidate("s", "A", 5, 60), Candidate("t", "A", 5, 70)]
    )
    assert placed(summary) == [("t", "A"), ("s", "B"), ("n", "B")]


def test_below_the_last_tier_there_is_no_award() -> None:
    tiers = (Tier("A", "Giải A", 1, 10 * MILLION), Tier("KK", "Khuyến khích", 0, MILLION))
    summary = one_category([Candidate("a", "A", 6, 80), Candidate("b", "A", 5, 90)], tiers=tiers)
    assert placed(summary) == [("a", "A")]
    assert summary.categories["bc"].moved_down == (("b", "A", "KK"), ("b", "KK", None))


def test_a_category_without_candidates_leaves_every_place_empty() -> None:
    summary = decide_awards({}, {"bc": LADDER}, AwardMode.BALLOT_THEN_SCORE, 0)
    assert dict(summary.categories["bc"].unfilled) == {"A": 1, "B": 2, "C": 3}
    assert summary.total_prize_vnd == summary.overflow_vnd == 0


@pytest.mark.parametrize(
    ("candidates", "tiers", "budget", "message"),
    [
        ({"bc": [Candidate("a", "A", 1, 1)]}, {}, 0, "no tiers"),
        ({"bc": [Candidate("a", "Z", 1, 1)]}, {"bc": LADDER}, 0, "unknown proposed"),
        ({"bc": [Candidate("a", "A", 1, 1)] * 2}, {"bc": LADDER}, 0, "twice"),
        ({}, {"bc": (*LADDER, LADDER[0])}, 0, "unique"),
        ({}, {"bc": (Tier("A", "A", -1, 0),)}, 0, "quotas"),
        ({}, {"bc": LADDER}, -1, "budget"),
    ],
)
def test_decide_awards_refuses_inconsistent_input(
    candidates: dict[str, list[Candidate]],
    tiers: dict[str, tuple[Tier, ...]],
    budget: int,
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        decide_awards(candidates, tiers, AwardMode.BALLOT_THEN_SCORE, budget)


# --- awards: score only ------------------------------------------------------------------------


def scored(*scores: float | None) -> list[Candidate]:
    return [Candidate(f"s{i}", None, 0, score) for i, score in enumerate(scores, start=1)]


def test_score_only_fills_the_places_in_rank_order() -> None:
    # Places: A ×1, B ×2, C ×3. 90 and 90 share B's two places; 88 and 88 two of C's.
    summary = one_category(scored(95, 90, 90, 88, 88, 80, None, 79), AwardMode.SCORE_ONLY)
    assert placed(summary) == [
        ("s1", "A"),
        ("s2", "B"),
        ("s3", "B"),
        ("s4", "C"),
        ("s5", "C"),
        ("s6", "C"),
    ]
    bc = summary.categories["bc"]
    assert (bc.needs_runoff, bc.moved_down, dict(bc.unfilled)) == ((), (), {})
    assert summary.total_prize_vnd == (10 + 2 * 7 + 3 * 5) * MILLION


def test_score_only_tie_across_a_tier_boundary_waits_and_others_keep_their_place() -> None:
    # 95 and 95 would take A's place and one of B's: neither is placed; 90 keeps the 3rd place.
    summary = one_category(scored(95, 95, 90), AwardMode.SCORE_ONLY)
    bc = summary.categories["bc"]
    assert bc.needs_runoff == ("s1", "s2")
    assert placed(summary) == [("s3", "B")]
    assert dict(bc.unfilled) == {"A": 1, "B": 1, "C": 3}


def test_score_only_tie_across_the_last_place() -> None:
    tiers = (Tier("A", "Giải A", 1, 10 * MILLION), Tier("B", "Giải B", 1, 7 * MILLION))
    summary = one_category(scored(95, 90, 90), AwardMode.SCORE_ONLY, tiers=tiers)
    bc = summary.categories["bc"]
    assert placed(summary) == [("s1", "A")]
    assert (bc.needs_runoff, dict(bc.unfilled)) == (("s2", "s3"), {"B": 1})


# --- awards: properties ------------------------------------------------------------------------

tier_codes = ["A", "B", "C", "KK"]


@st.composite
def award_cases(draw: st.DrawFn) -> tuple[list[Candidate], tuple[Tier, ...]]:
    tiers = tuple(
        Tier(code, code, draw(st.integers(0, 3)), draw(st.integers(0, 20)) * MILLION)
        for code in tier_codes[: draw(st.integers(1, 4))]
    )
    candidates = [
        Candidate(
            f"e{i}",
            draw(st.sampled_from([None, *(t.code for t in tiers)])),
            draw(st.integers(0, 4)),
            draw(st.one_of(st.none(), st.integers(70, 75).map(float))),
        )
        for i in range(draw(st.integers(0, 12)))
    ]
    return candidates, tiers


@given(award_cases(), st.sampled_from(list(AwardMode)), st.integers(0, 50 * MILLION))
def test_awards_never_exceed_quotas_and_the_money_adds_up(
    case: tuple[list[Candidate], tuple[Tier, ...]], mode: AwardMode, budget: int
) -> None:
    candidates, tiers = case
    summary = one_category(candidates, mode, tiers, budget)
    bc = summary.categories["bc"]
    given_per_tier = Counter(a.tier for a in bc.awards)
    for tier in tiers:
        assert given_per_tier[tier.code] + bc.unfilled.get(tier.code, 0) == tier.quota
    awarded = [a.entry_id for a in bc.awards]
    assert len(awarded) == len(set(awarded))
    assert not set(awarded) & set(bc.needs_runoff)
    prizes = {t.code: t.prize_vnd for t in tiers}
    assert all(a.prize_vnd == prizes[a.tier] for a in bc.awards)
    assert summary.total_prize_vnd == sum(a.prize_vnd for a in bc.awards)
    assert summary.overflow_vnd == max(0, summary.total_prize_vnd - budget)

    order = [t.code for t in tiers]
    by_id = {c.entry_id: c for c in candidates}
    if mode is AwardMode.BALLOT_THEN_SCORE:
        for award in bc.awards:  # never above what the ballot proposed
            proposed = by_id[award.entry_id].proposed_tier
            assert proposed is not None
            assert order.index(award.tier) >= order.index(proposed)
    else:
        left_out = [
            c.score
            for c in candidates
            if c.score is not None and c.entry_id not in awarded + list(bc.needs_runoff)
        ]
        for award in bc.awards:  # a better tier never has a lower score; nobody left out beats
            score = by_id[award.entry_id].score
            assert score is not None
            assert all(score > other for other in left_out)
            for other in bc.awards:
                if order.index(other.tier) > order.index(award.tier):
                    assert score >= (by_id[other.entry_id].score or 0)
