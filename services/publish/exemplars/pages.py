"""The press room's pages: the public list and search (/phong-bao-chi), one exemplar's page,
a CSV of the list, and the organizers' import (/quan-ly/guong-dien-hinh: upload, preview of
every row, confirm)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..domain.exemplars import COLUMNS, MAX_FILE_BYTES, MAX_ROWS, PAGE_SIZE, to_csv
from ..pages.rendering import OrganizerPage, page_router, render
from ..winners.service import works_about
from . import service
from .routes import confirm, is_organizer, read_upload, upload_import

router = page_router()

MANAGE = "/quan-ly/guong-dien-hinh"
EXPORT_LIMIT = 5_000


def _number(value: str, default: int = 1) -> int:
    return int(value) if value.isdigit() and len(value) < 7 else default


def _query(q: str, district: str, cluster: str, field: str, page: str) -> service.ExemplarQuery:
    return service.ExemplarQuery(
        q.strip()[:200], district[:100], cluster[:200], field[:200], _number(page)
    )


def _link(query: service.ExemplarQuery, page: int) -> str:
    values = {
        "q": query.q,
        "district": query.district,
        "cluster": query.cluster,
        "field": query.field,
    }
    kept = {k: v for k, v in values.items() if v}
    if page > 1:
        kept["page"] = str(page)
    return "/phong-bao-chi" + (f"?{urlencode(kept)}" if kept else "")


@router.get("/phong-bao-chi", response_class=HTMLResponse)
async def press_room(
    request: Request,
    runtime: Runtime,
    q: str = "",
    district: str = "",
    cluster: str = "",
    field: str = "",
    page: str = "1",
) -> HTMLResponse:
    organizer = is_organizer(request)
    query = _query(q, district, cluster, field, page)
    async with runtime.db.reading() as session:
        found = await service.search_exemplars(session, query, include_unpublished=organizer)
        choices = await service.filter_choices(session, include_unpublished=organizer)
    context: dict[str, Any] = {
        "query": query,
        "found": found,
        "choices": choices,
        "previous_link": _link(query, found.page - 1) if found.page > 1 else None,
        "next_link": _link(query, found.page + 1) if found.page < found.pages else None,
        "csv_link": _link(query, 1).replace("/phong-bao-chi", "/phong-bao-chi.csv", 1),
        "searched": bool(query.q or query.district or query.cluster or query.field),
    }
    return render(request, "exemplars.html", context)


@router.get("/phong-bao-chi.csv")
async def press_room_csv(
    request: Request,
    runtime: Runtime,
    q: str = "",
    district: str = "",
    cluster: str = "",
    field: str = "",
) -> Response:
    """The list as a spreadsheet, in the import file's columns (cells never run as formulas)."""
    organizer = is_organizer(request)
    query = _query(q, district, cluster, field, "1")
    async with runtime.db.reading() as session:
        found = await service.search_exemplars(
            session, query, include_unpublished=organizer, page_size=EXPORT_LIMIT
        )
    header = ["Mã", *(c.label for c in COLUMNS)]
    rows = [
        [
            e.exemplar_id,
            e.name,
            "Tập thể" if e.collective else "Cá nhân",
            e.unit,
            e.cluster,
            e.district,
            e.field,
            e.achievements,
            e.contact if (e.consent or organizer) else "",
            "Có" if e.consent else "Không",
        ]
        for e in found.items
    ]
    body = "\ufeff" + to_csv(header, rows)
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="phong-bao-chi.csv"'},
    )


@router.get("/phong-bao-chi/{exemplar_id}", response_class=HTMLResponse)
async def exemplar_page(exemplar_id: str, request: Request, runtime: Runtime) -> HTMLResponse:
    organizer = is_organizer(request)
    async with runtime.db.reading() as session:
        data = await service.exemplar_page_data(session, exemplar_id, include_unpublished=organizer)
        if data is None:
            raise ApiError(404, service.NOT_FOUND)
        works = [
            {
                "url": f"/tac-pham/{w.code}",
                "title": w.title,
                "tier_name": w.tier_name,
                "category_name": w.category_name,
            }
            for w in await works_about(session, data.exemplar.exemplar_id)
        ]
    return render(request, "exemplars_detail.html", {"page": data, "works": works})


# --- organizers: import ----------------------------------------------------------------------


async def _import_page(
    request: Request,
    runtime: Runtime,
    *,
    problem: str | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        imports = await service.recent_imports(session)
    context = {
        "imports": imports,
        "problem": problem,
        "problems": problems or [],
        "columns": COLUMNS,
        "max_mib": MAX_FILE_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
        "page_size": PAGE_SIZE,
    }
    return render(request, "exemplars_import.html", context, status=status)


@router.get(MANAGE, response_class=HTMLResponse)
async def import_page(request: Request, runtime: Runtime, _: OrganizerPage) -> HTMLResponse:
    return await _import_page(request, runtime)


@router.post(MANAGE, response_class=HTMLResponse)
async def upload(request: Request, runtime: Runtime, who: OrganizerPage) -> Response:
    try:
        data, name = await read_upload(request)
        import_id = await upload_import(runtime, data, name, who)
    except ApiError as error:
        return await _import_page(
            request, runtime, problem=error.message, problems=error.problems, status=error.status
        )
    return redirect(f"{MANAGE}/nhap/{import_id}")


@router.get(MANAGE + "/nhap/{import_id}", response_class=HTMLResponse)
async def preview_page(
    import_id: str, request: Request, runtime: Runtime, _: OrganizerPage
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        record = await service.get_import(session, import_id)
    bad = [row for row in record.rows if row["problems"]]
    return render(request, "exemplars_preview.html", {"record": record, "bad_rows": bad})


@router.post(MANAGE + "/nhap/{import_id}/xac-nhan")
async def confirm_page(
    import_id: str, request: Request, runtime: Runtime, who: OrganizerPage
) -> Response:
    record = await confirm(runtime, import_id, who)
    return redirect(f"{MANAGE}/nhap/{record.import_id}")
