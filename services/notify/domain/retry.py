"""When to try a delivery again, and which failures are worth another try."""

from __future__ import annotations

import random
from datetime import timedelta

BASE_DELAY_SECONDS = 30.0
MAX_DELAY_SECONDS = 6 * 3600.0


def retry_delay(
    attempt: int, rng: random.Random | None = None, base_seconds: float = BASE_DELAY_SECONDS
) -> timedelta:
    """Exponential backoff with jitter: about 30 s, 1 min, 2 min, ... capped at 6 h; the jitter
    (half to all of the step) keeps retries of many deliveries from arriving together."""
    ceiling = min(MAX_DELAY_SECONDS, base_seconds * 2 ** max(0, attempt - 1))
    spread = (rng or random).uniform(0.5, 1.0)
    return timedelta(seconds=ceiling * spread)


def smtp_failure_is_temporary(code: int | None) -> bool:
    """SMTP 4xx replies and lost connections (no code) are temporary; 5xx are final."""
    return code is None or 400 <= code < 500
