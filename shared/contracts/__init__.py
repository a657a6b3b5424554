"""Event contracts shared by every service (pydantic models, one versioned subject each)."""

from .base import Event, Payload, new_event_id, subject_service, utc_now
from .judging import (
    JurorAssigned,
    JurorReminderRequested,
    ResultsApproved,
    RoundClosed,
    ScoreSubmitted,
)
from .notify import NotificationFailed, NotificationSent
from .publish import PublicationCompleted, PublicationFailed
from .streams import DEAD_LETTER_STREAM, StreamSpec, dead_letter_subject, service_stream
from .submissions import (
    AccountEmailRequested,
    ContestPublished,
    EntryScreened,
    EntrySubmitted,
    EntryWithdrawn,
    MediaVerified,
    UploadCompleted,
)

ALL_EVENTS: tuple[type[Event], ...] = (  # type: ignore[type-arg]
    ContestPublished,
    EntrySubmitted,
    MediaVerified,
    UploadCompleted,
    EntryWithdrawn,
    EntryScreened,
    AccountEmailRequested,
    JurorAssigned,
    ScoreSubmitted,
    RoundClosed,
    JurorReminderRequested,
    ResultsApproved,
    NotificationSent,
    NotificationFailed,
    PublicationCompleted,
    PublicationFailed,
)

EVENTS_BY_SUBJECT: dict[str, type[Event]] = {e.SUBJECT: e for e in ALL_EVENTS}  # type: ignore[type-arg]

__all__ = [
    "ALL_EVENTS",
    "DEAD_LETTER_STREAM",
    "EVENTS_BY_SUBJECT",
    "AccountEmailRequested",
    "ContestPublished",
    "EntryScreened",
    "EntrySubmitted",
    "EntryWithdrawn",
    "Event",
    "JurorAssigned",
    "JurorReminderRequested",
    "MediaVerified",
    "NotificationFailed",
    "NotificationSent",
    "Payload",
    "PublicationCompleted",
    "PublicationFailed",
    "ResultsApproved",
    "RoundClosed",
    "ScoreSubmitted",
    "StreamSpec",
    "UploadCompleted",
    "dead_letter_subject",
    "new_event_id",
    "service_stream",
    "subject_service",
    "utc_now",
]
