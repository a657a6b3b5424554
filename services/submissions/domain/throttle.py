"""Sign-in throttling: a fixed window of failures per key (an e-mail, a client address)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    started_at: datetime
    failures: int


def blocked_for(window: Window | None, now: datetime, length: timedelta, limit: int) -> timedelta:
    """How long this key must wait before trying again; zero when it may try now."""
    if window is None or now - window.started_at >= length:
        return timedelta(0)
    if window.failures < limit:
        return timedelta(0)
    return window.started_at + length - now


def after_failure(window: Window | None, now: datetime, length: timedelta) -> Window:
    if window is None or now - window.started_at >= length:
        return Window(started_at=now, failures=1)
    return Window(started_at=window.started_at, failures=window.failures + 1)


def wait_message(wait: timedelta) -> str:
    minutes = max(1, -(-int(wait.total_seconds()) // 60))
    return (
        f"Bạn đã đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút. "
        "/ Too many failed sign-ins; try again later."
    )
