"""What measuring an upload yields (MediaFacts) or refuses (UnreadableMedia), for every
media family."""

from __future__ import annotations

from dataclasses import asdict, dataclass

CHUNK = 1 << 20  # read size when streaming through an upload (it may be gigabytes)


@dataclass(frozen=True)
class MediaFacts:
    duration_seconds: float | None = None
    codecs: tuple[str, ...] = ()
    words: int | None = None
    pages: int | None = None
    width: int | None = None
    height: int | None = None

    def as_json(self) -> dict[str, object]:
        """Only the fields that are set."""
        return {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
            if value is not None and value != ()
        }


class UnreadableMedia(Exception):
    """The file claims a format but cannot be read through (corrupt or truncated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # Vietnamese / English, for the contestant


def damaged(vi: str, en: str) -> UnreadableMedia:
    return UnreadableMedia(
        f"Tệp {vi} bị hỏng hoặc tải lên chưa hết (không đọc được đến cuối). "
        f"/ The {en} is damaged or incomplete."
    )
