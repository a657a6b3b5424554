"""How the projection takes in events: the newest version of a thing wins, whatever the order."""

from __future__ import annotations

from typing import Any

from shared.contracts.submissions import AnonymisedEntry


def should_replace(current_version: int | None, incoming_version: int) -> bool:
    """Events may arrive out of order after a retry: never let an older version win."""
    return current_version is None or incoming_version > current_version


def blind_files(entry: AnonymisedEntry) -> list[dict[str, Any]]:
    """What judging keeps of an entry's files: kind, type, size and the opaque key of the
    stripped copy; never a file name."""
    return [
        {
            "file_id": f.file_id,
            "kind": f.kind.value,
            "media_type": f.media_type,
            "size_bytes": f.size_bytes,
            "sha256": f.sha256,
            "object_key": f.object_key,
            "text_key": f.text_key,
        }
        for f in entry.files
    ]
