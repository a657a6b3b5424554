"""Links to an entry's files for the juror who scores it: short-lived storage URLs (seekable:
storage answers range requests) whose download name is the entry code, never the original."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shared.errors import ApiError
from shared.storage import ObjectStorage

EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
    "text/plain": "txt",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/tiff": "tif",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/ogg": "ogg",
    "audio/flac": "flac",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
}
MAX_READING_COPY = 8 << 20


def blind_name(entry_code: str, position: int, media_type: str) -> str:
    return f"{entry_code}-{position}.{EXTENSIONS.get(media_type, 'bin')}"


def file_of(files: list[dict[str, Any]], file_id: str) -> tuple[int, dict[str, Any]]:
    for position, found in enumerate(files, start=1):
        if found["file_id"] == file_id:
            return position, found
    raise ApiError(404, "Không tìm thấy tệp. / File not found.")


def media_url(
    storage: ObjectStorage, entry_code: str, files: list[dict[str, Any]], file_id: str, minutes: int
) -> str:
    position, found = file_of(files, file_id)
    name = blind_name(entry_code, position, found["media_type"])
    return storage.presign_get(
        found["object_key"],
        timedelta(minutes=minutes),
        {
            "response-content-type": found["media_type"],
            "response-content-disposition": f'inline; filename="{name}"',
        },
    )


async def reading_copy(storage: ObjectStorage, files: list[dict[str, Any]], file_id: str) -> str:
    _, found = file_of(files, file_id)
    key = found.get("text_key")
    if not key:
        raise ApiError(404, "Tệp này không có bản đọc. / This file has no reading copy.")
    info = await storage.stat(key)
    data = await storage.read_range(key, 0, min(info.size, MAX_READING_COPY))
    return data.decode("utf-8", errors="replace")
