"""The exemplar press room: imported exemplars, searched by journalists, in the feeds.

Organizers upload a CSV or XLSX: every row is checked and kept as an import (a preview);
nothing becomes an exemplar until they confirm it, and confirming twice saves once. The
public sees only exemplars that agreed to be published."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Principal
from shared.contracts.base import utc_now
from shared.errors import ApiError

from ..domain.exemplars import (
    PAGE_SIZE,
    CheckedRow,
    ImportFileError,
    dedupe_key,
    format_code,
    pages_of,
    paragraphs,
    parse_code,
    preview,
    search_terms,
    search_text,
)
from .models import Exemplar, ExemplarImport

NOT_FOUND = "Không tìm thấy gương điển hình. / Exemplar not found."
IMPORT_NOT_FOUND = "Không tìm thấy lần nhập này. / Import not found."
PREVIEWED, CONFIRMED = "previewed", "confirmed"


# --- imports ---------------------------------------------------------------------------------


async def stored_keys(session: AsyncSession) -> dict[str, str]:
    """Dedupe key → exemplar id of every stored exemplar."""
    rows = await session.execute(sa.select(Exemplar.dedupe_key, Exemplar.exemplar_id))
    return {key: exemplar_id for key, exemplar_id in rows}


def _row_json(row: CheckedRow) -> dict[str, Any]:
    return {"line": row.line, "values": dict(row.values), "problems": list(row.problems)}


def _file_name(name: str) -> str:
    clean = " ".join(name.replace("\\", "/").rsplit("/", 1)[-1].split())
    return clean[:255] or "tep-nhap"


async def preview_import(
    session: AsyncSession, data: bytes, file_name: str, who: Principal
) -> ExemplarImport:
    """Check an uploaded file and keep every row with its problems; save no exemplar.
    A file that cannot be read at all raises ApiError 422 and keeps nothing."""
    try:
        checked = preview(data, await stored_keys(session))
    except ImportFileError as error:
        raise ApiError(422, error.message, error.problems) from error
    record = ExemplarImport(
        import_id=uuid.uuid4().hex,
        file_name=_file_name(file_name),
        file_format=checked.format,
        encoding=checked.encoding,
        delimiter=checked.delimiter,
        header_line=checked.header_line,
        ignored_columns=list(checked.ignored_columns),
        rows=[_row_json(r) for r in checked.rows],
        rows_total=len(checked.rows),
        rows_ok=len(checked.ok_rows),
        status=PREVIEWED,
        created_by=(who.email or who.account_id)[:200],
        created_at=utc_now(),
        confirmed_by=None,
        confirmed_at=None,
        saved_ids=[],
        skipped=0,
    )
    session.add(record)
    await session.flush()
    return record


async def get_import(
    session: AsyncSession, import_id: str, *, lock: bool = False
) -> ExemplarImport:
    record = await session.get(ExemplarImport, import_id[:32], with_for_update=lock or None)
    if record is None:
        raise ApiError(404, IMPORT_NOT_FOUND)
    return record


async def recent_imports(session: AsyncSession, limit: int = 20) -> list[ExemplarImport]:
    query = sa.select(ExemplarImport).order_by(ExemplarImport.created_at.desc()).limit(limit)
    return list(await session.scalars(query))


def _search_columns(values: dict[str, Any]) -> tuple[str, str]:
    parts = ("name", "unit", "cluster", "district", "field", "achievements")
    return search_text(str(values[p]) for p in parts)


async def confirm_import(session: AsyncSession, import_id: str, who: Principal) -> ExemplarImport:
    """Save the good rows of a previewed import as exemplars, each with a new code. Confirming
    again changes nothing. A row stored meanwhile (same name and unit) is skipped, not doubled.
    Two imports confirmed at the very same moment may collide on a code: the loser raises
    IntegrityError and is simply run again (see ``routes.confirm``)."""
    record = await get_import(session, import_id, lock=True)
    if record.status == CONFIRMED:
        return record
    stored = await stored_keys(session)
    number = await session.scalar(sa.select(sa.func.max(Exemplar.number))) or 0
    now = utc_now()
    saved: list[str] = []
    skipped = 0
    for row in record.rows:
        if row["problems"]:
            continue
        values = row["values"]
        key = dedupe_key(values["name"], values["unit"])
        if key in stored:
            skipped += 1
            continue
        number += 1
        code = format_code(number)
        search_exact, search_folded = _search_columns(values)
        session.add(
            Exemplar(
                exemplar_id=code,
                number=number,
                name=values["name"],
                collective=values["kind"] == "collective",
                unit=values["unit"],
                cluster=values["cluster"],
                district=values["district"],
                field=values["field"],
                achievements=values["achievements"],
                contact=values["contact"],
                consent=bool(values["consent"]),
                dedupe_key=key,
                search_exact=search_exact,
                search_folded=search_folded,
                import_id=record.import_id,
                created_at=now,
                updated_at=now,
            )
        )
        stored[key] = code
        saved.append(code)
    record.status = CONFIRMED
    record.confirmed_by = (who.email or who.account_id)[:200]
    record.confirmed_at = now
    record.saved_ids = saved
    record.skipped = skipped
    await session.flush()
    return record


def import_json(record: ExemplarImport) -> dict[str, Any]:
    return {
        "import_id": record.import_id,
        "file_name": record.file_name,
        "format": record.file_format,
        "encoding": record.encoding,
        "delimiter": record.delimiter,
        "header_line": record.header_line,
        "ignored_columns": record.ignored_columns,
        "status": record.status,
        "rows_total": record.rows_total,
        "rows_ok": record.rows_ok,
        "rows_bad": record.rows_total - record.rows_ok,
        "rows": record.rows,
        "created_at": record.created_at.isoformat(),
        "confirmed_at": record.confirmed_at.isoformat() if record.confirmed_at else None,
        "saved_ids": record.saved_ids,
        "skipped": record.skipped,
    }


# --- the press room --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExemplarQuery:
    q: str = ""
    district: str = ""
    cluster: str = ""
    field: str = ""
    page: int = 1


@dataclass(frozen=True)
class SearchResult:
    items: list[Exemplar]
    total: int
    page: int
    pages: int


def _visible(include_unpublished: bool) -> list[sa.ColumnElement[bool]]:
    return [] if include_unpublished else [Exemplar.consent.is_(True)]


async def search_exemplars(
    session: AsyncSession,
    query: ExemplarQuery,
    *,
    include_unpublished: bool = False,
    page_size: int = PAGE_SIZE,
) -> SearchResult:
    """A page of exemplars matching every word of ``q`` (a word typed without diacritics
    matches with or without them; with diacritics, only as typed) and the filters."""
    conditions = _visible(include_unpublished)
    code = parse_code(query.q)
    if code is not None:
        conditions.append(Exemplar.exemplar_id == code)
    else:
        for term in search_terms(query.q):
            column = Exemplar.search_folded if term.folded else Exemplar.search_exact
            conditions.append(column.like(term.like_pattern(), escape="\\"))
    for column, value in (
        (Exemplar.district, query.district),
        (Exemplar.cluster, query.cluster),
        (Exemplar.field, query.field),
    ):
        if value:
            conditions.append(column == value)
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(Exemplar).where(*conditions)
    )
    pages = pages_of(total or 0, page_size)
    page = min(max(1, query.page), pages)
    items = await session.scalars(
        sa.select(Exemplar)
        .where(*conditions)
        .order_by(Exemplar.search_folded, Exemplar.number)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return SearchResult(list(items), total or 0, page, pages)


async def filter_choices(
    session: AsyncSession, *, include_unpublished: bool = False
) -> dict[str, list[str]]:
    """The districts, clusters and fields the visible exemplars have, for the filters."""
    choices: dict[str, list[str]] = {}
    for name, column in (
        ("district", Exemplar.district),
        ("cluster", Exemplar.cluster),
        ("field", Exemplar.field),
    ):
        query = (
            sa.select(column)
            .where(*_visible(include_unpublished), column != "")
            .distinct()
            .order_by(column)
        )
        choices[name] = list(await session.scalars(query))
    return choices


async def get_exemplar(
    session: AsyncSession, exemplar_id: str, *, include_unpublished: bool = False
) -> Exemplar | None:
    code = parse_code(exemplar_id)
    if code is None:
        return None
    found = await session.get(Exemplar, code)
    if found is None or not (found.consent or include_unpublished):
        return None
    return found


@dataclass(frozen=True)
class ExemplarPage:
    """What an exemplar's page shows. ``contact`` is None unless the exemplar consented (or
    an organizer is looking)."""

    exemplar: Exemplar
    paragraphs: list[str]
    contact: str | None


async def exemplar_page_data(
    session: AsyncSession, exemplar_id: str, *, include_unpublished: bool = False
) -> ExemplarPage | None:
    """One exemplar for its page ("GD-0001", "gd-1" …); None when unknown or not public."""
    found = await get_exemplar(session, exemplar_id, include_unpublished=include_unpublished)
    if found is None:
        return None
    contact = found.contact if (found.consent or include_unpublished) and found.contact else None
    return ExemplarPage(found, paragraphs(found.achievements), contact)


def exemplar_json(
    exemplar: Exemplar, public_url: str, *, organizer: bool = False
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "exemplar_id": exemplar.exemplar_id,
        "name": exemplar.name,
        "collective": exemplar.collective,
        "unit": exemplar.unit,
        "cluster": exemplar.cluster,
        "district": exemplar.district,
        "field": exemplar.field,
        "achievements": exemplar.achievements,
        "contact": exemplar.contact if (exemplar.consent or organizer) else None,
        "url": f"{public_url.rstrip('/')}/phong-bao-chi/{exemplar.exemplar_id}",
        "updated_at": exemplar.updated_at.isoformat(),
    }
    if organizer:
        body["consent"] = exemplar.consent
    return body


async def exemplars_for_feeds(session: AsyncSession, limit: int = 200) -> list[Exemplar]:
    """Exemplars that consented to be published, newest first (ORM rows: exemplar_id, name,
    collective, unit, cluster, district, field, achievements, updated_at)."""
    query = (
        sa.select(Exemplar)
        .where(Exemplar.consent.is_(True))
        .order_by(Exemplar.updated_at.desc(), Exemplar.number.desc())
        .limit(limit)
    )
    return list(await session.scalars(query))
