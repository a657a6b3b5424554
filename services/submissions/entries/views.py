"""Entries and files as the API shows them to their owner."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.submission import Problem
from ..models import Entry, EntryFile
from .schemas import AuthorIn, EntryOut, ExemplarIn, FileOut, ProblemOut, PublicationIn

SHOWN_FILES = ("uploading", "verifying", "verified", "rejected")


def file_out(file: EntryFile) -> FileOut:
    return FileOut(
        file_id=file.file_id,
        original_name=file.original_name,
        role=file.role,
        series_part=file.series_part,
        size_bytes=file.declared_size,
        status=file.status,
        kind=file.kind,
        media_type=file.media_type,
        facts=file.facts,
        rejection=file.rejection,
    )


def entry_out(
    entry: Entry, category_code: str, stage: str, problems: Sequence[Problem] = ()
) -> EntryOut:
    return EntryOut(
        entry_id=entry.entry_id,
        contest_id=entry.contest_id,
        category_code=category_code,
        code=entry.code,
        title=entry.title,
        language=entry.language,
        district=entry.district,
        synopsis=entry.synopsis,
        series_parts=entry.series_parts,
        authors=[
            AuthorIn(
                full_name=a.full_name,
                pen_name=a.pen_name,
                organisation=a.organisation,
                phone=a.phone,
                email=a.email,
            )
            for a in entry.authors
        ],
        exemplars=[ExemplarIn.model_validate(e) for e in entry.exemplars],
        publication=PublicationIn.model_validate(entry.publication) if entry.publication else None,
        consent_republication=entry.consent_republication,
        status=entry.status,
        stage=stage,
        version=entry.version,
        submitted_at=entry.submitted_at,
        withdrawn_at=entry.withdrawn_at,
        files=[file_out(f) for f in entry.files if f.status in SHOWN_FILES],
        problems=[ProblemOut(code=p.code, message=p.message) for p in problems],
    )
