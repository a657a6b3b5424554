"""JetStream layout: one stream per emitting service, and one for dead letters."""

from __future__ import annotations

from dataclasses import dataclass

from .base import SERVICES


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    max_age_days: int
    description: str


def service_stream(service: str) -> StreamSpec:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    return StreamSpec(
        name=f"LANTOA_{service.upper()}",
        subjects=(f"lantoa.{service}.>",),
        max_age_days=365,
        description=f"Events emitted by the {service} service",
    )


DEAD_LETTER_STREAM = StreamSpec(
    name="LANTOA_DLQ",
    subjects=("lantoa.dlq.>",),
    max_age_days=90,
    description="Messages a consumer gave up on, with the reason in headers",
)


def dead_letter_subject(consumer: str) -> str:
    return f"lantoa.dlq.{consumer}"


def stream_for_subject(subject: str) -> StreamSpec:
    parts = subject.split(".")
    if len(parts) < 3 or parts[0] != "lantoa":
        raise ValueError(f"not a Lan Toả subject: {subject!r}")
    if parts[1] == "dlq":
        return DEAD_LETTER_STREAM
    return service_stream(parts[1])
