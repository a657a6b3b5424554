"""Publication jobs, the pure part: when a job is due, how long to wait after a temporary
failure, when to give up, and which actions each status allows.

A job: scheduled → running → published, or back to scheduled after a temporary failure
(with backoff), or failed (permanent, or too many tries). Retracting a published job:
published → retracting → retracted; a job never published is simply canceled.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Literal

SCHEDULED = "scheduled"
RUNNING = "running"
PUBLISHED = "published"
FAILED = "failed"
RETRACTING = "retracting"
RETRACTED = "retracted"
CANCELED = "canceled"
STATUSES: tuple[str, ...] = (
    SCHEDULED,
    RUNNING,
    PUBLISHED,
    FAILED,
    RETRACTING,
    RETRACTED,
    CANCELED,
)
STATUS_NAMES: dict[str, str] = {
    SCHEDULED: "Chờ đăng / Scheduled",
    RUNNING: "Đang đăng / Publishing",
    PUBLISHED: "Đã đăng / Published",
    FAILED: "Không đăng được / Failed",
    RETRACTING: "Đang gỡ / Retracting",
    RETRACTED: "Đã gỡ / Retracted",
    CANCELED: "Đã huỷ / Canceled",
}

MAX_DELAY_SECONDS = 6 * 3600.0

Outcome = Literal["ok", "temporary", "permanent"]
Next = Literal["retry", "give_up"]


def first_due(now: datetime, publish_from: datetime | None) -> datetime:
    """A job is due now, or when the outlet starts publishing (after the ceremony)."""
    return max(now, publish_from) if publish_from is not None else now


def retry_delay(attempt: int, base_seconds: float, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with jitter: base, 2×base, 4×base… capped at 6 h; each between
    half and all of its step, so many jobs failing together do not retry together."""
    ceiling = min(MAX_DELAY_SECONDS, base_seconds * 2 ** max(0, attempt - 1))
    return timedelta(seconds=ceiling * (rng or random).uniform(0.5, 1.0))


def after_temporary_failure(attempts: int, max_attempts: int) -> Next:
    return "give_up" if attempts >= max_attempts else "retry"


def gave_up(attempts: int, reason: str) -> str:
    return f"Bỏ sau {attempts} lần thử / gave up after {attempts} tries: {reason}"


def retract_action(status: str) -> Literal["retract", "cancel"] | None:
    """What retracting a job in ``status`` does: take it down at the outlet, cancel it before
    it is published, or nothing (already gone, or being published right now)."""
    if status == PUBLISHED:
        return "retract"
    if status in (SCHEDULED, FAILED):
        return "cancel"
    return None


def may_retry_now(status: str) -> bool:
    """Scheduled (waiting for its date or a retry) or failed: try again at once."""
    return status in (SCHEDULED, FAILED, RETRACTING)


def may_reschedule(status: str) -> bool:
    return status in (SCHEDULED, FAILED)


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status, status)
