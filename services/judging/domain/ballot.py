"""The secret ballot (bỏ phiếu kín) of the final round.

Each ballot is anonymous: for every finalist, a tier code or None ("không xếp giải"). Tiers are
ordered best first, e.g. ("A", "B", "C", "KK"). A vote for a tier also supports every worse
tier, so an entry gets the best tier whose cumulative support is more than the majority share
of the ballots cast. BALLOT_RULE_TEXT states the whole rule for pages and minutes; placing the
proposals within the quotas is ``awards.decide_awards``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

NO_TIER = "none"  # the key of "không xếp giải" votes in EntryTally.counts
# A share × a ballot count that is mathematically whole must not lose to float noise.
_SHARE_TOLERANCE = 1e-9

BALLOT_RULE_TEXT = (
    "Quy tắc bỏ phiếu kín (vòng chung khảo): Mỗi thành viên Hội đồng chung khảo nhận một phiếu, "
    "không ghi tên, và ghi cho mỗi tác phẩm vào chung khảo một mức giải hoặc «không xếp giải». "
    "Kết quả chỉ có giá trị khi số phiếu thu về đạt số tối thiểu theo quy định. "
    "Số phiếu ủng hộ một mức giải gồm các phiếu chọn mức đó và các phiếu chọn mức cao hơn. "
    "Tác phẩm được đề nghị mức giải cao nhất có số phiếu ủng hộ nhiều hơn tỉ lệ quy định "
    "(mặc định: quá nửa) số phiếu thu về. "
    "Khi số tác phẩm được đề nghị ở một mức nhiều hơn số giải của mức đó, các tác phẩm được xếp "
    "theo số phiếu ủng hộ, rồi theo điểm chung khảo; tác phẩm vượt số lượng chuyển xuống mức "
    "giải kế tiếp (dưới mức cuối cùng thì không xếp giải). "
    "Các tác phẩm bằng nhau cả số phiếu ủng hộ lẫn điểm tại ranh giới số lượng giải chưa được "
    "xếp; Hội đồng bỏ phiếu lại giữa các tác phẩm đó."
    "\n\n"
    "Secret ballot rule (final round): Each member of the final council gets one unsigned "
    "ballot and marks, for every finalist, one award tier or «no award». "
    "The vote counts only when the ballots returned reach the quorum. "
    "A tier's support is the ballots for that tier plus the ballots for any better tier. "
    "An entry is proposed for the best tier whose support is more than the set share "
    "(by default, half) of the ballots cast. "
    "When more entries are proposed for a tier than it has places, they are ordered by support, "
    "then by final-round score; those beyond the quota move down to the next tier (below the "
    "last tier: no award). "
    "Entries tied on both support and score across a quota boundary are not placed; the council "
    "votes again between them."
)


@dataclass(frozen=True)
class BallotRules:
    quorum: int  # ballots needed for the vote to count (e.g. 2/3 of the members)
    majority: float = 0.5  # a tier needs MORE than this share of the ballots cast


@dataclass(frozen=True)
class EntryTally:
    entry_id: str
    cast: int  # ballots cast
    counts: Mapping[str, int]  # tier → votes, plus NO_TIER
    support: Mapping[str, int]  # tier → votes for this tier or a better one
    tier: str | None  # the best tier with support > majority × cast; None without quorum
    quorum_met: bool


def ballot_problems(
    choices: Mapping[str, str | None], entries: Sequence[str], tiers: Sequence[str]
) -> list[str]:
    """What makes one ballot invalid ("Vietnamese / English"); empty when it can be cast."""
    problems: list[str] = []
    finalists = set(entries)
    known_tiers = set(tiers)
    for entry_id in entries:
        if entry_id not in choices:
            problems.append(
                f"Phiếu chưa có lựa chọn cho tác phẩm {entry_id}. / "
                f"The ballot has no choice for entry {entry_id}."
            )
    for entry_id in sorted(set(choices) - finalists):
        problems.append(
            f"Tác phẩm {entry_id} không có trong danh sách chung khảo. / "
            f"Entry {entry_id} is not a finalist."
        )
    for entry_id, tier in sorted(choices.items()):
        if tier is not None and tier not in known_tiers:
            problems.append(
                f"Mức giải «{tier}» cho tác phẩm {entry_id} không tồn tại. / "
                f"There is no award tier «{tier}» (entry {entry_id})."
            )
    return problems


def _setup_problems(entries: Sequence[str], tiers: Sequence[str], rules: BallotRules) -> list[str]:
    problems = []
    if rules.quorum < 0:
        problems.append("the quorum must be 0 or more")
    if not 0 <= rules.majority < 1:
        problems.append("the majority share must be at least 0 and less than 1")
    if len(set(tiers)) != len(tiers) or NO_TIER in tiers:
        problems.append(f"tier codes must be unique and not {NO_TIER!r}")
    if len(set(entries)) != len(entries):
        problems.append("an entry is listed twice")
    return problems


def tally(
    ballots: Sequence[Mapping[str, str | None]],
    entries: Sequence[str],
    tiers: Sequence[str],
    rules: BallotRules,
) -> dict[str, EntryTally]:
    """Count the ballots for every finalist.

    Ballots are checked when they are cast (``ballot_problems``); an invalid one here is a bug
    upstream, so it raises ValueError, as do unusable rules or tiers.
    """
    problems = _setup_problems(entries, tiers, rules)
    for number, ballot in enumerate(ballots, start=1):
        problems.extend(f"ballot {number}: {p}" for p in ballot_problems(ballot, entries, tiers))
    if problems:
        raise ValueError("; ".join(problems))

    cast = len(ballots)
    quorum_met = cast >= rules.quorum
    needed = rules.majority * cast + _SHARE_TOLERANCE
    results: dict[str, EntryTally] = {}
    for entry_id in entries:
        counts = dict.fromkeys(tiers, 0)
        counts[NO_TIER] = 0
        for ballot in ballots:
            counts[ballot[entry_id] or NO_TIER] += 1
        support: dict[str, int] = {}
        running = 0
        tier: str | None = None
        for code in tiers:
            running += counts[code]
            support[code] = running
            if tier is None and quorum_met and running > needed:
                tier = code
        results[entry_id] = EntryTally(
            entry_id=entry_id,
            cast=cast,
            counts=MappingProxyType(counts),
            support=MappingProxyType(support),
            tier=tier,
            quorum_met=quorum_met,
        )
    return results
