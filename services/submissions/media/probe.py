"""Measuring an uploaded file (duration, codecs, pixel size, pages, words) and refusing files
that cannot be read through: truncated, corrupt, or built to exhaust the verifier.

Everything reads the file in a stream or through a library that seeks: uploads can be
multi-gigabyte videos. The file's kind was already decided from its magic bytes. Each media
family is measured in its own module: audiovideo, images, documents. A text's reading copy is
made while it is measured (read_document).
"""

from __future__ import annotations

from pathlib import Path

from shared.contracts.submissions import MediaKind

from .audiovideo import probe_av
from .documents import DocumentReading, probe_document, read_document
from .facts import MediaFacts, UnreadableMedia
from .images import probe_image
from .words import WordCounter, count_words

__all__ = [
    "DocumentReading",
    "MediaFacts",
    "UnreadableMedia",
    "WordCounter",
    "count_words",
    "probe",
    "read_document",
]


def probe(path: Path, kind: MediaKind, media_type: str) -> MediaFacts:
    """Measure the file; raise UnreadableMedia when it cannot be read through."""
    if kind in (MediaKind.AUDIO, MediaKind.VIDEO):
        return probe_av(path, kind, media_type)
    if kind is MediaKind.IMAGE:
        return probe_image(path, media_type)
    return probe_document(path, media_type)
