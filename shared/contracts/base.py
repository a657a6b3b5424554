"""The event envelope every service publishes and consumes.

An event is an immutable fact. Its subject names the emitting service, the event and the
contract version: ``lantoa.<service>.<event>.v<N>``. A breaking change to a payload gets a new
version (a new class and subject); additive changes keep the version, which is why payloads
ignore fields they do not know.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.correlation import current_correlation_id, new_id

SUBJECT_PATTERN = re.compile(
    r"^lantoa\.(?P<service>[a-z]+)\.(?P<event>[a-z_]+)\.v(?P<version>\d+)$"
)

SERVICES = ("submissions", "judging", "notify", "publish")


def new_event_id() -> str:
    """A ULID: unique, and sortable by creation time."""
    return new_id()


def _inherited_correlation_id() -> str:
    return current_correlation_id() or new_id()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Payload(BaseModel):
    """Base of every payload: immutable, and tolerant of fields added by newer producers."""

    model_config = ConfigDict(frozen=True, extra="ignore")


P = TypeVar("P", bound=Payload)


class Event(BaseModel, Generic[P]):
    """Envelope: identity, time, contest, correlation, and the typed payload."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    SUBJECT: ClassVar[str]
    DESCRIPTION: ClassVar[str] = ""

    event_id: str = Field(default_factory=new_event_id, min_length=10, max_length=64)
    occurred_at: AwareDatetime = Field(default_factory=utc_now)
    contest_id: str | None = None
    correlation_id: str = Field(
        default_factory=_inherited_correlation_id, min_length=1, max_length=128
    )
    payload: P

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        subject = cls.__dict__.get("SUBJECT")
        if subject is not None and not SUBJECT_PATTERN.match(subject):
            raise ValueError(
                f"{cls.__name__}.SUBJECT {subject!r} is not lantoa.<service>.<event>.v<N>"
            )

    @classmethod
    def service(cls) -> str:
        return subject_service(cls.SUBJECT)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


def subject_service(subject: str) -> str:
    match = SUBJECT_PATTERN.match(subject)
    if match is None:
        raise ValueError(f"not an event subject: {subject!r}")
    return match.group("service")
