"""Events emitted by the publish service."""

from __future__ import annotations

from datetime import datetime

from .base import Event, Payload


class PublicationPayload(Payload):
    """A winning work's publication job at one outlet."""

    job_id: str
    entry_id: str
    entry_code: str
    title: str
    outlet_id: str
    outlet_name: str  # as readers know it, e.g. "Báo Lạng Sơn"
    outlet_kind: str  # wordpress | zalo_oa | loudspeaker | feed | ...
    url: str | None = None  # where the work can be read, heard or seen
    at: datetime
    reason: str | None = None  # why it failed


class PublicationCompleted(Event[PublicationPayload]):
    """A work was published at an outlet (notify tells its author where)."""

    SUBJECT = "lantoa.publish.publication_completed.v1"


class PublicationFailed(Event[PublicationPayload]):
    """Publishing a work at an outlet failed for good (the organizers are told)."""

    SUBJECT = "lantoa.publish.publication_failed.v1"
