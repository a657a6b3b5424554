"""Balanced blind assignment of jurors to the entries of one subcommittee.

Every entry needs k distinct jurors without a conflict of interest, and the jurors' loads should
differ by at most one. That is a flow: source -> entry (k), entry -> juror (1 unless conflicted),
juror -> sink (at least floor(T/m), at most ceil(T/m)), solved exactly with Dinic's algorithm and
the standard lower-bound transformation (a feasibility flow between a super source and a super
sink). When it cannot be done the plan still covers every entry as far as the conflicts allow,
with loads as even as they allow, and says why.

The loads a full-coverage assignment can reach form the bases of a polymatroid, so the smallest
possible maximum load and the largest possible minimum load are reached by one assignment; the
fallback finds each by binary search and asks the bounded flow for both at once.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

_MAX_NAMED = 8  # ids quoted in one explanation before it says "…"


@dataclass(frozen=True)
class AssignmentPlan:
    pairs: tuple[tuple[str, str], ...]  # (entry_id, juror_id), sorted
    loads: Mapping[str, int]  # juror_id -> count (every juror, zeros included)
    short: Mapping[str, int]  # entry_id -> how many jurors it still lacks
    balanced: bool  # max load - min load <= 1
    problems: tuple[str, ...]  # "Vietnamese / English" explanations when not perfect


class _FlowNetwork:
    """Integer capacities, Dinic's max flow; edge i and i ^ 1 are each other's reverse."""

    def __init__(self, size: int) -> None:
        self._adjacency: list[list[int]] = [[] for _ in range(size)]
        self._head: list[int] = []
        self._residual: list[int] = []
        self._capacity: list[int] = []

    def add_edge(self, tail: int, head: int, capacity: int) -> int:
        edge = len(self._head)
        self._head += [head, tail]
        self._residual += [capacity, 0]
        self._capacity += [capacity, 0]
        self._adjacency[tail].append(edge)
        self._adjacency[head].append(edge + 1)
        return edge

    def flow(self, edge: int) -> int:
        return self._capacity[edge] - self._residual[edge]

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while (levels := self._levels(source, sink)) is not None:
            next_edge = [0] * len(self._adjacency)
            while pushed := self._augment(source, sink, levels, next_edge):
                total += pushed
        return total

    def reachable(self, source: int) -> set[int]:
        """The source side of a minimum cut, once max_flow has run."""
        seen = {source}
        stack = [source]
        while stack:
            node = stack.pop()
            for edge in self._adjacency[node]:
                head = self._head[edge]
                if self._residual[edge] > 0 and head not in seen:
                    seen.add(head)
                    stack.append(head)
        return seen

    def _levels(self, source: int, sink: int) -> list[int] | None:
        levels = [-1] * len(self._adjacency)
        levels[source] = 0
        queue = [source]
        for node in queue:
            for edge in self._adjacency[node]:
                head = self._head[edge]
                if self._residual[edge] > 0 and levels[head] < 0:
                    levels[head] = levels[node] + 1
                    queue.append(head)
        return levels if levels[sink] >= 0 else None

    def _augment(self, source: int, sink: int, levels: list[int], next_edge: list[int]) -> int:
        # Iterative depth-first search along the level graph: paths can be long.
        path: list[int] = []
        node = source
        while node != sink:
            adjacency = self._adjacency[node]
            while next_edge[node] < len(adjacency):
                edge = adjacency[next_edge[node]]
                if self._residual[edge] > 0 and levels[self._head[edge]] == levels[node] + 1:
                    break
                next_edge[node] += 1
            else:
                if not path:
                    return 0
                levels[node] = -1  # a dead end for the rest of this phase
                node = self._head[path.pop() ^ 1]
                next_edge[node] += 1
                continue
            path.append(edge)
            node = self._head[edge]
        pushed = min(self._residual[edge] for edge in path)
        for edge in path:
            self._residual[edge] -= pushed
            self._residual[edge ^ 1] += pushed
        return pushed


@dataclass(frozen=True)
class _Contest:
    """Entries and jurors in the seed's order; ids are positions in those lists."""

    entries: list[str]
    jurors: list[str]
    eligible: list[list[int]]  # entry -> jurors it may get
    demand: list[int]  # entry -> jurors it can get: min(k, eligible)

    @property
    def total(self) -> int:
        return sum(self.demand)

    def entry_node(self, entry: int) -> int:
        return 2 + entry

    def juror_node(self, juror: int) -> int:
        return 2 + len(self.entries) + juror


_SOURCE, _SINK = 0, 1


def _capped_flow(contest: _Contest, juror_cap: int) -> tuple[int, set[int]]:
    """Max flow with every juror taking at most `juror_cap`; its value and min-cut source side."""
    network = _FlowNetwork(2 + len(contest.entries) + len(contest.jurors))
    for entry, jurors in enumerate(contest.eligible):
        network.add_edge(_SOURCE, contest.entry_node(entry), contest.demand[entry])
        for juror in jurors:
            network.add_edge(contest.entry_node(entry), contest.juror_node(juror), 1)
    for juror in range(len(contest.jurors)):
        network.add_edge(contest.juror_node(juror), _SINK, juror_cap)
    value = network.max_flow(_SOURCE, _SINK)
    return value, network.reachable(_SOURCE)


def _bounded_flow(contest: _Contest, low: int, high: int) -> list[tuple[int, int]] | None:
    """(entry, juror) pairs giving every entry its full demand and every juror a load in
    [low, high], or None when there are none."""
    size = 2 + len(contest.entries) + len(contest.jurors)
    super_source, super_sink = size, size + 1
    network = _FlowNetwork(size + 2)
    excess = [0] * size

    def add_bounded(tail: int, head: int, lower: int, upper: int) -> None:
        network.add_edge(tail, head, upper - lower)
        excess[head] += lower
        excess[tail] -= lower

    pair_edges: list[tuple[int, int, int]] = []
    for entry, jurors in enumerate(contest.eligible):
        demand = contest.demand[entry]
        add_bounded(_SOURCE, contest.entry_node(entry), demand, demand)
        for juror in jurors:
            edge = network.add_edge(contest.entry_node(entry), contest.juror_node(juror), 1)
            pair_edges.append((entry, juror, edge))
    for juror in range(len(contest.jurors)):
        add_bounded(contest.juror_node(juror), _SINK, low, high)
    network.add_edge(_SINK, _SOURCE, contest.total)
    needed = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            network.add_edge(super_source, node, amount)
            needed += amount
        elif amount < 0:
            network.add_edge(node, super_sink, -amount)
    if network.max_flow(super_source, super_sink) < needed:
        return None
    return [(entry, juror) for entry, juror, edge in pair_edges if network.flow(edge)]


def _smallest_feasible_cap(contest: _Contest, start: int) -> int:
    low, high = start, max(start, len(contest.entries))  # a cap of n never binds
    while low < high:
        middle = (low + high) // 2
        if _capped_flow(contest, middle)[0] == contest.total:
            high = middle
        else:
            low = middle + 1
    return low


def _largest_feasible_floor(contest: _Contest, end: int) -> int:
    low, high = 0, end  # a floor of 0 always holds
    while low < high:
        middle = (low + high + 1) // 2
        if _capped_flow(contest, middle)[0] == middle * len(contest.jurors):
            low = middle
        else:
            high = middle - 1
    return low


def _named(ids: Iterable[str]) -> str:
    ordered = sorted(ids)
    shown = ", ".join(ordered[:_MAX_NAMED])
    return shown + ", …" if len(ordered) > _MAX_NAMED else shown


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _coverage_problems(contest: _Contest, k: int) -> list[str]:
    entries, jurors = contest.entries, contest.jurors
    problems: list[str] = []
    if not entries:
        problems.append("Tiểu ban chưa có tác phẩm nào / The subcommittee has no entries.")
    if not jurors:
        problems.append("Tiểu ban chưa có giám khảo nào / The subcommittee has no jurors.")
    if problems:
        return problems
    if len(jurors) < k:
        problems.append(
            f"Tiểu ban chỉ có {len(jurors)} giám khảo, ít hơn {k} giám khảo cần cho mỗi tác phẩm"
            f" / The subcommittee has only {len(jurors)} jurors, fewer than the {k} each entry"
            " needs."
        )
    for entry, eligible in enumerate(contest.eligible):
        if len(eligible) < min(k, len(jurors)):
            problems.append(
                f"Tác phẩm {entries[entry]} chỉ có {len(eligible)} giám khảo không xung đột lợi"
                f" ích, cần {k} / Entry {entries[entry]} has only {len(eligible)} jurors without"
                f" a conflict of interest; it needs {k}."
            )
    return problems


def _balance_problems(contest: _Contest, low: int, high: int) -> list[str]:
    """Why no assignment keeps every load within [low, high]: the minimum cuts name the jurors
    (and entries) that make it impossible."""
    problems: list[str] = []
    jurors = range(len(contest.jurors))
    value, source_side = _capped_flow(contest, low)
    if value < low * len(contest.jurors):
        starved = {j for j in jurors if contest.juror_node(j) not in source_side}
        room = sum(
            min(demand, len(starved.intersection(eligible)))
            for demand, eligible in zip(contest.demand, contest.eligible, strict=True)
        )
        names = _named(contest.jurors[j] for j in starved)
        if len(starved) == 1:
            problems.append(
                f"Do xung đột lợi ích, giám khảo {names} chỉ có thể chấm {room} tác phẩm, trong"
                f" khi chia đều cần ít nhất {low} / Because of conflicts of interest, juror"
                f" {names} can take only {room} entries, while an even split needs at least {low}."
            )
        else:
            problems.append(
                f"Do xung đột lợi ích, các giám khảo {names} chỉ có thể chấm tổng cộng {room}"
                f" lượt, trong khi chia đều cần ít nhất {low} lượt mỗi người"
                f" ({low * len(starved)}) / Because of conflicts of interest, jurors {names} can"
                f" take only {room} assignments between them, while an even split needs at least"
                f" {low} each ({low * len(starved)})."
            )
    value, source_side = _capped_flow(contest, high)
    if value < contest.total:
        crowded = {j for j in jurors if contest.juror_node(j) in source_side}
        needy: list[str] = []
        need = 0
        for entry, eligible in enumerate(contest.eligible):
            outside = sum(1 for j in eligible if j not in crowded)
            if contest.demand[entry] > outside:
                needy.append(contest.entries[entry])
                need += contest.demand[entry] - outside
        names, works = _named(contest.jurors[j] for j in crowded), _named(needy)
        problems.append(
            f"Do xung đột lợi ích, các tác phẩm {works} cần giám khảo {names} chấm ít nhất"
            f" {need} lượt, nhiều hơn mức chia đều tối đa {high} lượt mỗi người"
            f" ({high * len(crowded)}) / Because of conflicts of interest, entries {works} need"
            f" at least {need} assignments from jurors {names}, more than an even split allows"
            f" (at most {high} each, {high * len(crowded)})."
        )
    return problems


def _contest(
    entries: Sequence[str],
    jurors: Sequence[str],
    k: int,
    conflicts: frozenset[tuple[str, str]],
    seed: int,
) -> _Contest:
    for ids, vietnamese, english in (
        (entries, "tác phẩm", "entry"),
        (jurors, "giám khảo", "juror"),
    ):
        if len(set(ids)) != len(ids):
            raise ValueError(f"Mã {vietnamese} bị trùng / Duplicate {english} ids")
    # Sorted before shuffling: the plan depends on the ids and the seed, not on input order.
    rng = random.Random(seed)
    entry_order, juror_order = sorted(entries), sorted(jurors)
    rng.shuffle(entry_order)
    rng.shuffle(juror_order)
    eligible: list[list[int]] = []
    for entry in entry_order:
        allowed = [j for j, juror in enumerate(juror_order) if (entry, juror) not in conflicts]
        rng.shuffle(allowed)  # so that panels vary, not only who gets the "+1"
        eligible.append(allowed)
    demand = [min(k, len(allowed)) for allowed in eligible]
    return _Contest(entry_order, juror_order, eligible, demand)


def _solve(contest: _Contest) -> tuple[list[tuple[int, int]], list[str]]:
    """The (entry, juror) pairs of the most even assignment with full demand, and why it is
    not even when it is not."""
    juror_count = len(contest.jurors)
    if not juror_count:
        return [], []
    low, high = contest.total // juror_count, -(-contest.total // juror_count)
    found = _bounded_flow(contest, low, high)
    if found is not None:
        return found, []
    problems = _balance_problems(contest, low, high)
    best_high = _smallest_feasible_cap(contest, high)
    best_low = _largest_feasible_floor(contest, low)
    found = _bounded_flow(contest, best_low, best_high)
    if found is None:  # the polymatroid argument in the module docstring rules this out
        raise RuntimeError("no assignment within the best load bounds")
    problems.append(
        f"Không thể chia đều: mỗi giám khảo chấm {_span(best_low, best_high)} tác phẩm thay vì"
        f" {_span(low, high)} / The load cannot be split evenly: each juror gets"
        f" {_span(best_low, best_high)} entries instead of {_span(low, high)}."
    )
    return found, problems


def plan_assignment(
    entries: Sequence[str],
    jurors: Sequence[str],
    k: int,
    conflicts: frozenset[tuple[str, str]],
    *,
    seed: int = 0,
) -> AssignmentPlan:
    """Give every entry k distinct jurors it does not conflict with, loads differing by at most
    one; the same input and seed always give the same plan. `conflicts` holds (entry_id,
    juror_id) pairs. When that is impossible: the most coverage the conflicts allow, then the
    most even loads, with `short`, `balanced` and `problems` saying what is missing and why."""
    if k < 1:
        raise ValueError("Mỗi tác phẩm cần ít nhất 1 giám khảo / k must be at least 1")
    contest = _contest(entries, jurors, k, conflicts, seed)
    found, balance_problems = _solve(contest)
    problems = _coverage_problems(contest, k) + balance_problems
    pairs = tuple(sorted((contest.entries[e], contest.jurors[j]) for e, j in found))
    per_juror = Counter(juror for _, juror in pairs)
    per_entry = Counter(entry for entry, _ in pairs)
    loads = {juror: per_juror[juror] for juror in sorted(contest.jurors)}
    short = {e: k - per_entry[e] for e in sorted(contest.entries) if per_entry[e] < k}
    balanced = not loads or max(loads.values()) - min(loads.values()) <= 1
    return AssignmentPlan(pairs, loads, short, balanced, tuple(problems))


def pick_replacement(
    entry_id: str,
    leaving_juror: str,
    pairs: Iterable[tuple[str, str]],
    jurors: Sequence[str],
    conflicts: frozenset[tuple[str, str]],
) -> str | None:
    """Who takes `entry_id` when `leaving_juror` leaves it: the juror without a conflict and not
    already on it who has the fewest entries now (ties: the smallest id); None if nobody can."""
    current = list(pairs)
    on_entry = {juror for entry, juror in current if entry == entry_id}
    loads = Counter(juror for _, juror in current)
    candidates = [
        juror
        for juror in jurors
        if juror != leaving_juror and juror not in on_entry and (entry_id, juror) not in conflicts
    ]
    return min(candidates, key=lambda juror: (loads[juror], juror), default=None)


def move_problem(
    entry_id: str,
    to_juror: str,
    pairs: Iterable[tuple[str, str]],
    conflicts: frozenset[tuple[str, str]],
) -> str | None:
    """Why the secretariat may not hand `entry_id` to `to_juror` ("Vietnamese / English"),
    or None when the move is allowed."""
    if (entry_id, to_juror) in conflicts:
        return (
            "Giám khảo có xung đột lợi ích với tác phẩm này"
            " / The juror has a conflict of interest with this entry."
        )
    if (entry_id, to_juror) in set(pairs):
        return (
            "Giám khảo đã được phân công chấm tác phẩm này"
            " / The juror is already assigned to this entry."
        )
    return None
