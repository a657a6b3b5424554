"""How the projection takes in events: the newest version of a thing wins, whatever the order."""

from __future__ import annotations

from typing import Any

from shared.contracts.submissions import EntrySubmittedPayload


def should_replace(current_version: int | None, incoming_version: int) -> bool:
    """Events may arrive out of order after a retry: never let an older version win."""
    return current_version is None or incoming_version > current_version


def blind_files(payload: EntrySubmittedPayload) -> list[dict[str, Any]]:
    """What a juror may know of an entry's files: kind, type and size, never a name or key."""
    return [
        {
            "file_id": f.file_id,
            "kind": f.kind.value,
            "media_type": f.media_type,
            "size_bytes": f.size_bytes,
        }
        for f in payload.files
    ]
