"""Events emitted by the judging service.

Until results are approved nothing here names an author: scores travel as totals by entry code,
jurors are told how much work they have, not whose. ResultsApproved is the moment authors are
revealed, for notify to congratulate them and for publish to show the winning works.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from .base import Event, Payload
from .submissions import Authorship, Exemplar, Publication, SubmittedFile


class RoundKind(StrEnum):
    PRELIMINARY = "preliminary"  # sơ khảo
    FINAL = "final"  # chung khảo


class JurorAssignedPayload(Payload):
    """A juror's assignments in a round were released to them."""

    round_id: str
    round_name: str
    contest_title: str
    juror_id: str
    email: str
    display_name: str
    language: str = "vi"
    assigned: int = Field(ge=0)
    deadline: datetime
    link: str  # the juror's assignments page


class JurorAssigned(Event[JurorAssignedPayload]):
    SUBJECT = "lantoa.judging.juror_assigned.v1"


class ScoreSubmittedPayload(Payload):
    """A juror submitted (locked) a score; the points stay inside judging until results."""

    round_id: str
    entry_id: str
    entry_code: str
    juror_id: str
    submitted_at: datetime
    progress_done: int = Field(ge=0)
    progress_total: int = Field(ge=0)


class ScoreSubmitted(Event[ScoreSubmittedPayload]):
    SUBJECT = "lantoa.judging.score_submitted.v1"


class RoundClosedPayload(Payload):
    round_id: str
    round_name: str
    kind: RoundKind
    closed_at: datetime
    method: str  # the ranking method the round's results use
    advancing: tuple[str, ...] = ()  # entry ids going on to the next round


class RoundClosed(Event[RoundClosedPayload]):
    SUBJECT = "lantoa.judging.round_closed.v1"


class ReminderKind(StrEnum):
    MANUAL = "manual"  # the secretariat asked
    AUTOMATIC = "automatic"  # before the deadline


class JurorReminderRequestedPayload(Payload):
    reminder_id: str
    kind: ReminderKind
    round_id: str
    round_name: str
    contest_title: str
    juror_id: str
    email: str
    display_name: str
    language: str = "vi"
    remaining: int = Field(ge=1)  # entries not yet submitted
    total: int = Field(ge=1)
    deadline: datetime
    link: str
    note: str = ""  # a few words from the secretariat


class JurorReminderRequested(Event[JurorReminderRequestedPayload]):
    """Remind a juror of unfinished scoring (notify e-mails it)."""

    SUBJECT = "lantoa.judging.juror_reminder_requested.v1"


class Winner(Payload):
    """An awarded work with its public metadata; its authors are named from now on."""

    entry_id: str
    code: str
    title: str
    category_id: str
    category_code: str
    category_name: str
    tier_code: str
    tier_name: str
    prize_vnd: int = Field(ge=0)
    score: float | None = None
    language: str = "vi"
    synopsis: str = ""
    exemplars: tuple[Exemplar, ...] = ()
    files: tuple[SubmittedFile, ...] = ()
    authors: tuple[Authorship, ...] = ()
    district: str = ""
    publication: Publication | None = None
    consent_republication: bool = False


class ResultsApprovedPayload(Payload):
    contest_id: str
    contest_code: str
    contest_title: str
    round_id: str
    approved_at: datetime
    approved_by: str
    method: str
    snapshot_hash: str  # SHA-256 of the frozen results snapshot
    total_prize_vnd: int = Field(ge=0)
    prize_budget_vnd: int = Field(ge=0)
    winners: tuple[Winner, ...]


class ResultsApproved(Event[ResultsApprovedPayload]):
    """The organizer approved the final results: they are frozen, and may be announced."""

    SUBJECT = "lantoa.judging.results_approved.v1"
