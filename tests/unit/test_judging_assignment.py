"""Balanced blind assignment: the plan never breaks a conflict, is exact (checked against a
brute-force search on small contests), deterministic for a seed, and explains what it cannot do;
plus the replacement and hand-move rules."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from services.judging.domain.assignment import (
    AssignmentPlan,
    move_problem,
    pick_replacement,
    plan_assignment,
)


@dataclass(frozen=True)
class Contest:
    entries: list[str]
    jurors: list[str]
    k: int
    conflicts: frozenset[tuple[str, str]]

    def eligible(self, entry: str) -> list[str]:
        return [j for j in self.jurors if (entry, j) not in self.conflicts]


@st.composite
def contests(
    draw: st.DrawFn, max_jurors: int, max_entries: int, max_k: int, min_jurors: int = 2
) -> Contest:
    juror_count = draw(st.integers(min_jurors, max_jurors))
    entry_count = draw(st.integers(0, max_entries))
    k = draw(st.integers(1, max_k))
    density = draw(st.sampled_from([0.0, 0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0]))
    rng = random.Random(draw(st.integers(0, 2**32)))
    entries = [f"e{i:02d}" for i in range(entry_count)]
    jurors = [f"j{i:02d}" for i in range(juror_count)]
    conflicts = frozenset((e, j) for e in entries for j in jurors if rng.random() < density)
    return Contest(entries, jurors, k, conflicts)


def plan_for(contest: Contest, seed: int = 0) -> AssignmentPlan:
    return plan_assignment(contest.entries, contest.jurors, contest.k, contest.conflicts, seed=seed)


def check_consistency(contest: Contest, plan: AssignmentPlan) -> None:
    """What every plan must satisfy, perfect or not."""
    assert list(plan.pairs) == sorted(set(plan.pairs)), "sorted, no juror twice on one entry"
    assert not set(plan.pairs) & contest.conflicts, "a conflicted pair was assigned"
    assert {e for e, _ in plan.pairs} <= set(contest.entries)
    assert {j for _, j in plan.pairs} <= set(contest.jurors)
    per_entry = Counter(e for e, _ in plan.pairs)
    assert all(count <= contest.k for count in per_entry.values())
    assert dict(plan.loads) == {j: sum(1 for _, x in plan.pairs if x == j) for j in contest.jurors}
    assert dict(plan.short) == {
        e: contest.k - per_entry[e] for e in contest.entries if per_entry[e] < contest.k
    }
    loads = list(plan.loads.values())
    assert plan.balanced == (not loads or max(loads) - min(loads) <= 1)


def best_possible(contest: Contest) -> tuple[int, int, int]:
    """Brute force over every assignment (each entry: any set of at most k eligible jurors):
    the largest coverage, then among assignments with that coverage the smallest maximum load
    and the largest minimum load. Assignments with equal loads are kept once."""
    load_vectors = {tuple(0 for _ in contest.jurors)}
    for entry in contest.entries:
        eligible = [i for i, j in enumerate(contest.jurors) if (entry, j) not in contest.conflicts]
        panels = [
            set(panel)
            for size in range(contest.k + 1)
            for panel in itertools.combinations(eligible, size)
        ]
        load_vectors = {
            tuple(load + (i in panel) for i, load in enumerate(loads))
            for loads in load_vectors
            for panel in panels
        }
    coverage = max(sum(loads) for loads in load_vectors)
    widest = [loads for loads in load_vectors if sum(loads) == coverage]
    return coverage, min(max(v) for v in widest), max(min(v) for v in widest)


@settings(max_examples=300, deadline=None)
@given(contest=contests(max_jurors=12, max_entries=60, max_k=4), seed=st.integers(0, 1000))
def test_random_contests_never_break_a_conflict_and_balance_when_they_can(
    contest: Contest, seed: int
) -> None:
    plan = plan_for(contest, seed)
    check_consistency(contest, plan)
    # Coverage is always the most the conflicts allow.
    assert len(plan.pairs) == sum(min(contest.k, len(contest.eligible(e))) for e in contest.entries)
    if all(len(contest.eligible(e)) >= contest.k for e in contest.entries) and plan.balanced:
        assert all(
            sum(1 for e, _ in plan.pairs if e == entry) == contest.k for entry in contest.entries
        )
        loads = list(plan.loads.values())
        assert max(loads) - min(loads) <= 1
    perfect = plan.balanced and not plan.short
    assert bool(plan.problems) == (not perfect or not contest.entries)


# With these seeds, a flow that skips the search for the best lower (first) or upper (second)
# load bound is not the most even one: found by breaking the code on purpose.
UNEVEN = [
    Contest(["e0", "e1", "e2"], ["j0", "j1", "j2"], 2, frozenset({("e0", "j2"), ("e1", "j2")})),
    Contest(
        ["e0", "e1", "e2", "e3", "e4"],
        ["j0", "j1", "j2", "j3"],
        1,
        frozenset(
            {("e0", "j0"), ("e0", "j1"), ("e0", "j2"), ("e1", "j0"), ("e1", "j1"), ("e1", "j2")}
            | {("e1", "j3"), ("e2", "j1"), ("e2", "j2"), ("e3", "j0"), ("e3", "j1"), ("e3", "j2")}
            | {("e4", "j0"), ("e4", "j1"), ("e4", "j2"), ("e4", "j3")}
        ),
    ),
]


@settings(max_examples=300, deadline=None)
@given(
    contest=contests(max_jurors=4, max_entries=5, max_k=3, min_jurors=1), seed=st.integers(0, 99)
)
@example(contest=UNEVEN[0], seed=7)
@example(contest=UNEVEN[1], seed=3)
def test_the_flow_is_exact_against_brute_force(contest: Contest, seed: int) -> None:
    plan = plan_for(contest, seed)
    check_consistency(contest, plan)
    coverage, smallest_max, largest_min = best_possible(contest)
    full = coverage == contest.k * len(contest.entries)
    perfect_exists = full and smallest_max - largest_min <= 1
    assert (plan.balanced and not plan.short) == perfect_exists
    # When it is not perfect, it is still the best: full coverage first, then even loads.
    assert len(plan.pairs) == coverage
    assert max(plan.loads.values()) == smallest_max
    assert min(plan.loads.values()) == largest_min


@st.composite
def sparse_contests(draw: st.DrawFn) -> Contest:
    """At most one conflicted juror per entry and at most one conflicted entry per juror."""
    k = draw(st.integers(1, 4))
    juror_count = draw(st.integers(k + 1, 12))
    entry_count = draw(st.integers(0, 60))
    entries = [f"e{i:02d}" for i in range(entry_count)]
    jurors = [f"j{i:02d}" for i in range(juror_count)]
    rng = random.Random(draw(st.integers(0, 2**32)))
    shuffled_entries, shuffled_jurors = entries[:], jurors[:]
    rng.shuffle(shuffled_entries)
    rng.shuffle(shuffled_jurors)
    keep = draw(st.floats(0, 1))
    pairs = zip(shuffled_entries, shuffled_jurors, strict=False)
    conflicts = frozenset(pair for pair in pairs if rng.random() < keep)
    return Contest(entries, jurors, k, conflicts)


@settings(max_examples=200, deadline=None)
@given(contest=sparse_contests(), seed=st.integers(0, 1000))
def test_sparse_conflicts_always_give_a_perfect_plan(contest: Contest, seed: int) -> None:
    plan = plan_for(contest, seed)
    check_consistency(contest, plan)
    assert not plan.short
    assert plan.balanced
    assert all(Counter(e for e, _ in plan.pairs)[e] == contest.k for e in contest.entries)


def test_one_conflict_per_entry_is_not_enough_when_they_all_hit_one_juror() -> None:
    # Every entry conflicts with j-a only, and m = k + 1, yet nobody can balance j-a's load.
    plan = plan_assignment(
        ["e1", "e2"], ["j-a", "j-b"], 1, frozenset({("e1", "j-a"), ("e2", "j-a")})
    )
    assert plan.pairs == (("e1", "j-b"), ("e2", "j-b"))
    assert dict(plan.loads) == {"j-a": 0, "j-b": 2}
    assert not plan.short
    assert not plan.balanced
    assert any("j-a" in problem and "0" in problem for problem in plan.problems)
    assert any("0–2" in problem for problem in plan.problems)


def test_an_even_split_of_a_plain_contest() -> None:
    entries = [f"e{i}" for i in range(6)]
    plan = plan_assignment(entries, ["a", "b", "c", "d"], 2, frozenset())
    assert dict(plan.loads) == {"a": 3, "b": 3, "c": 3, "d": 3}
    assert len(plan.pairs) == 12
    assert plan.short == {}
    assert plan.balanced
    assert plan.problems == ()


def test_the_remainder_goes_to_some_jurors_one_each() -> None:
    plan = plan_assignment([f"e{i}" for i in range(7)], ["a", "b", "c"], 2, frozenset())
    assert sorted(plan.loads.values()) == [4, 5, 5]


def test_conflicts_are_routed_around_when_possible() -> None:
    conflicts = frozenset({("e1", "a"), ("e2", "a"), ("e3", "b")})
    plan = plan_assignment(["e1", "e2", "e3", "e4"], ["a", "b", "c", "d"], 2, conflicts)
    assert not set(plan.pairs) & conflicts
    assert dict(plan.loads) == {"a": 2, "b": 2, "c": 2, "d": 2}
    assert plan.problems == ()


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="k must be at least 1"):
        plan_assignment(["e1"], ["a"], 0, frozenset())


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="Duplicate juror ids"):
        plan_assignment(["e1"], ["a", "a"], 1, frozenset())
    with pytest.raises(ValueError, match="Duplicate entry ids"):
        plan_assignment(["e1", "e1"], ["a"], 1, frozenset())


def test_no_jurors_leaves_every_entry_short() -> None:
    plan = plan_assignment(["e1", "e2"], [], 3, frozenset())
    assert plan.pairs == ()
    assert dict(plan.loads) == {}
    assert dict(plan.short) == {"e1": 3, "e2": 3}
    assert plan.problems == ("Tiểu ban chưa có giám khảo nào / The subcommittee has no jurors.",)


def test_no_entries_is_an_empty_plan_that_says_so() -> None:
    plan = plan_assignment([], ["a", "b"], 2, frozenset())
    assert plan.pairs == ()
    assert dict(plan.loads) == {"a": 0, "b": 0}
    assert plan.short == {}
    assert plan.balanced
    assert plan.problems == ("Tiểu ban chưa có tác phẩm nào / The subcommittee has no entries.",)


def test_fewer_jurors_than_k_gives_everyone_every_entry_and_says_why() -> None:
    plan = plan_assignment(["e1", "e2"], ["a", "b"], 3, frozenset())
    assert len(plan.pairs) == 4
    assert dict(plan.short) == {"e1": 1, "e2": 1}
    assert plan.balanced
    assert any("chỉ có 2 giám khảo" in p and "only 2 jurors" in p for p in plan.problems)


def test_an_entry_short_of_eligible_jurors_is_named() -> None:
    conflicts = frozenset({("e-hard", "a"), ("e-hard", "b")})
    plan = plan_assignment(["e-easy", "e-hard"], ["a", "b", "c"], 2, conflicts)
    assert dict(plan.short) == {"e-hard": 1}
    assert ("e-hard", "c") in plan.pairs
    assert [p for p in plan.problems if "e-hard" in p] == [
        "Tác phẩm e-hard chỉ có 1 giám khảo không xung đột lợi ích, cần 2"
        " / Entry e-hard has only 1 jurors without a conflict of interest; it needs 2."
    ]


def test_entries_that_crowd_a_few_jurors_are_explained() -> None:
    # e1 and e2 may only go to a or b; with 4 jurors and k=2 an even split is 1 each.
    conflicts = frozenset({("e1", "c"), ("e1", "d"), ("e2", "c"), ("e2", "d")})
    plan = plan_assignment(["e1", "e2"], ["a", "b", "c", "d"], 2, conflicts)
    assert dict(plan.loads) == {"a": 2, "b": 2, "c": 0, "d": 0}
    assert not plan.balanced
    assert not plan.short
    assert any(
        "e1, e2" in p and "a, b" in p and "at least 4 assignments" in p for p in plan.problems
    )


def test_same_input_and_seed_give_the_same_plan_whatever_the_input_order() -> None:
    rng = random.Random(5)
    entries = [f"e{i}" for i in range(25)]
    jurors = [f"j{i}" for i in range(7)]
    conflicts = frozenset((e, j) for e in entries for j in jurors if rng.random() < 0.2)
    first = plan_assignment(entries, jurors, 3, conflicts, seed=42)
    assert plan_assignment(entries, jurors, 3, conflicts, seed=42) == first
    reordered = plan_assignment(entries[::-1], jurors[::-1], 3, conflicts, seed=42)
    assert reordered == first


def test_the_seed_changes_who_gets_the_extra_entry() -> None:
    entries = [f"e{i}" for i in range(5)]
    jurors = ["a", "b", "c", "d"]
    busiest = {
        max(plan.loads, key=lambda j: plan.loads[j])
        for plan in (plan_assignment(entries, jurors, 1, frozenset(), seed=s) for s in range(20))
    }
    assert len(busiest) > 1


PAIRS = [("e1", "a"), ("e1", "b"), ("e2", "a"), ("e2", "c"), ("e3", "a"), ("e3", "d")]


def test_the_replacement_is_the_least_loaded_free_juror() -> None:
    # Loads: a 3, b 1, c 1, d 1, e 0; e1 has a and b; e is conflicted with e1.
    jurors = ["a", "b", "c", "d", "e"]
    assert pick_replacement("e1", "b", PAIRS, jurors, frozenset({("e1", "e")})) == "c"
    assert pick_replacement("e1", "b", PAIRS, jurors, frozenset()) == "e"


def test_replacement_ties_go_to_the_smallest_id() -> None:
    assert pick_replacement("e9", "x", [], ["d", "b", "c"], frozenset()) == "b"


def test_the_leaving_juror_is_never_the_replacement() -> None:
    assert pick_replacement("e9", "a", [], ["a", "b"], frozenset()) == "b"
    assert pick_replacement("e9", "a", [], ["a"], frozenset()) is None


def test_no_replacement_when_everyone_is_on_it_or_conflicted() -> None:
    jurors = ["a", "b", "c"]
    assert pick_replacement("e1", "b", PAIRS, jurors, frozenset({("e1", "c")})) is None


def test_a_hand_move_onto_a_conflict_or_a_duplicate_is_refused() -> None:
    conflicts = frozenset({("e1", "c")})
    assert move_problem("e1", "c", PAIRS, conflicts) == (
        "Giám khảo có xung đột lợi ích với tác phẩm này"
        " / The juror has a conflict of interest with this entry."
    )
    assert move_problem("e1", "a", PAIRS, conflicts) == (
        "Giám khảo đã được phân công chấm tác phẩm này"
        " / The juror is already assigned to this entry."
    )
    assert move_problem("e1", "d", PAIRS, conflicts) is None
    assert move_problem("e1", "d", iter(PAIRS), conflicts) is None
