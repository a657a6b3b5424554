"""The correlation id of the unit of work in progress (an HTTP request or a bus message)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from structlog.contextvars import bind_contextvars, get_contextvars, reset_contextvars
from ulid import ULID

CORRELATION_HEADER = "X-Correlation-ID"
CORRELATION_KEY = "correlation_id"


def new_id() -> str:
    return str(ULID())


def current_correlation_id() -> str | None:
    value = get_contextvars().get(CORRELATION_KEY)
    return str(value) if value else None


@contextmanager
def correlation_scope(correlation_id: str | None, **extra: Any) -> Iterator[str]:
    """Bind a correlation id (a new one if none came in) to logs and new events in this scope."""
    cid = correlation_id or new_id()
    tokens = bind_contextvars(**{CORRELATION_KEY: cid}, **extra)
    try:
        yield cid
    finally:
        reset_contextvars(**tokens)
