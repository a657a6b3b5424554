"""Finding, and where the format allows stripping, what would name a work's author in blind
judging: EXIF/XMP/IPTC in photos, document properties and reviewers in Word files, the PDF
author, artist and location tags in audio and video.

Rewrites are lossless: JPEG segments, PNG chunks and zip members are copied byte for byte
except the identifying ones; audio and video are remuxed without re-encoding. Each media
family is handled in its own module: images, audiovideo, document_metadata.
"""

from __future__ import annotations

from pathlib import Path

from shared.contracts.submissions import MediaKind

from ..domain.media import DOCX, ODT
from .audiovideo import scrub_av
from .document_metadata import scrub_office, scrub_pdf
from .findings import Scrubbed
from .images import scrub_image

__all__ = ["Scrubbed", "scrub"]


def scrub(path: Path, kind: MediaKind, media_type: str, out: Path) -> Scrubbed:
    """Report identifying metadata of `path`; write a cleaned copy to `out` when needed."""
    if kind is MediaKind.IMAGE:
        return scrub_image(path, media_type, out)
    if kind in (MediaKind.AUDIO, MediaKind.VIDEO):
        return scrub_av(path, kind, media_type, out)
    if media_type in (DOCX, ODT):
        return scrub_office(path, media_type, out)
    if media_type == "application/pdf":
        return scrub_pdf(path, out)
    return Scrubbed({}, None, ())  # plain text has no metadata; .doc/.rtf are not rewritten
