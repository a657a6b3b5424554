"""What every channel promises the dispatcher: send one delivery, and say how it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from ..models import Delivery


@dataclass(frozen=True)
class Outcome:
    """Sent (handed over) or delivered (the other side confirmed it has it)."""

    status: Literal["sent", "delivered"]
    provider_id: str | None = None  # e.g. the ZNS msg_id
    detail: str = ""


class PermanentFailure(Exception):
    """Trying again cannot help: a bad address, a refused message (SMTP 5xx, invalid phone)."""


class TemporaryFailure(Exception):
    """Worth another try later (SMTP 4xx, HTTP 5xx, timeouts), with backoff."""


class Deferred(Exception):
    """Not now, and not a failure: send at ``until`` (outside the ZNS hours, quota used up).
    A deferral does not count as an attempt."""

    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until
        self.reason = reason


class Channel(Protocol):
    name: str

    async def send(self, delivery: Delivery) -> Outcome:
        """Send one delivery; raise PermanentFailure, TemporaryFailure or Deferred otherwise."""
        ...

    async def close(self) -> None: ...
