"""Event contracts: versioned subjects, the envelope, forward compatibility."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.contracts import ALL_EVENTS, EVENTS_BY_SUBJECT, Event, Payload
from shared.contracts.base import SUBJECT_PATTERN, subject_service
from shared.contracts.streams import (
    DEAD_LETTER_STREAM,
    dead_letter_subject,
    service_stream,
    stream_for_subject,
)
from shared.contracts.submissions import ContestPublished, EntrySubmitted, MediaVerified
from shared.correlation import correlation_scope


def test_every_event_has_a_versioned_subject_of_its_emitting_service() -> None:
    assert len(EVENTS_BY_SUBJECT) == len(ALL_EVENTS)  # one subject each
    for event in ALL_EVENTS:
        match = SUBJECT_PATTERN.match(event.SUBJECT)
        assert match, event.SUBJECT
        assert match.group("service") == event.service()
        assert stream_for_subject(event.SUBJECT) == service_stream(event.service())
        assert any(
            event.SUBJECT.startswith(s[:-1]) for s in service_stream(event.service()).subjects
        )


def test_a_subject_outside_the_scheme_is_refused_at_definition() -> None:
    class P(Payload):
        x: int

    with pytest.raises(ValueError, match=r"lantoa\.<service>\.<event>\.v<N>"):

        class Bad(Event[P]):
            SUBJECT = "submissions.entry_submitted"


def test_envelope_has_identity_time_and_correlation() -> None:
    with correlation_scope("corr-123"):
        event = MediaVerified.model_validate(
            {
                "contest_id": "c1",
                "payload": {
                    "entry_id": "e1",
                    "file": {
                        "file_id": "f1",
                        "kind": "text",
                        "media_type": "application/pdf",
                        "size_bytes": 10,
                        "sha256": "a" * 64,
                        "object_key": "media/e1/f1",
                    },
                },
            }
        )
    assert event.correlation_id == "corr-123"  # inherited from the unit of work
    assert event.occurred_at.tzinfo is not None
    other = MediaVerified(payload=event.payload)
    assert other.event_id != event.event_id and len(other.event_id) == 26  # ULIDs
    assert other.correlation_id != "corr-123"  # outside a scope: a new one
    again = MediaVerified.model_validate_json(event.to_bytes())
    assert again == event


def test_consumers_ignore_fields_added_by_newer_producers() -> None:
    body = {
        "event_id": "01J0000000000000000000000A",
        "occurred_at": datetime.now(UTC).isoformat(),
        "correlation_id": "c",
        "added_later": True,
        "payload": {
            "entry_id": "e",
            "file": {
                "file_id": "f",
                "kind": "audio",
                "media_type": "audio/mpeg",
                "size_bytes": 1,
                "sha256": "0" * 64,
                "object_key": "k",
                "duration_seconds": 93,
            },
        },
    }
    event = MediaVerified.model_validate_json(json.dumps(body))
    assert event.payload.file.kind == "audio"


def test_invalid_payloads_are_refused() -> None:
    with pytest.raises(ValidationError):
        MediaVerified.model_validate({"payload": {"entry_id": "e", "file": {"sha256": "not-hex"}}})
    with pytest.raises(ValidationError):  # naive time: not allowed on the bus
        ContestPublished.model_validate({"occurred_at": "2026-01-01T00:00:00", "payload": {}})


def test_events_are_immutable() -> None:
    event = EntrySubmitted.model_json_schema()
    assert "payload" in event["required"]
    with pytest.raises(ValidationError):
        MediaVerified.model_validate({"payload": None})


def test_streams_and_dead_letters() -> None:
    assert service_stream("judging").name == "LANTOA_JUDGING"
    assert service_stream("judging").subjects == ("lantoa.judging.>",)
    assert dead_letter_subject("notify-entry-receipts") == "lantoa.dlq.notify-entry-receipts"
    assert stream_for_subject("lantoa.dlq.x") is DEAD_LETTER_STREAM
    assert subject_service("lantoa.publish.thing.v2") == "publish"
    with pytest.raises(ValueError, match="unknown service"):
        service_stream("billing")
