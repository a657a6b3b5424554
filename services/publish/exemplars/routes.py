"""The press room's JSON API: exemplars for anyone (those that consented), imports for
organizers (upload → preview of every row → confirm)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import UploadFile

from shared.auth import Principal, Role
from shared.errors import ApiError
from shared.pages.rendering import viewer
from shared.runtime import ServiceRuntime
from shared.web import Runtime

from ..deps import Organizer, publish_settings
from ..domain.exemplars import MAX_FILE_BYTES
from . import service
from .models import ExemplarImport

router = APIRouter(tags=["press room"])

TOO_LARGE = (
    f"Tệp lớn quá {MAX_FILE_BYTES // (1024 * 1024)} MiB. "
    f"/ The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB."
)
NO_FILE = "Hãy chọn một tệp CSV hoặc XLSX. / Choose a CSV or XLSX file."
BUSY = "Đang có lần nhập khác được lưu; hãy thử lại. / Another import is being saved; try again."


def is_organizer(request: Request) -> bool:
    who = viewer(request)
    return bool(who and who.has_any(Role.ORGANIZER))


async def read_upload(request: Request, field: str = "file") -> tuple[bytes, str]:
    """The uploaded file of a multipart form, refused early when it is too large."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES + 64 * 1024:
        raise ApiError(413, TOO_LARGE)
    form = await request.form()
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        raise ApiError(422, NO_FILE)
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ApiError(413, TOO_LARGE)
    return data, upload.filename or ""


async def upload_import(runtime: ServiceRuntime, data: bytes, name: str, who: Principal) -> str:
    async with runtime.db.transaction() as session:
        record = await service.preview_import(session, data, name, who)
        return record.import_id


async def confirm(runtime: ServiceRuntime, import_id: str, who: Principal) -> ExemplarImport:
    """Confirm an import; run again if another import took the same codes at that moment."""
    for _attempt in range(3):
        try:
            async with runtime.db.transaction() as session:
                return await service.confirm_import(session, import_id, who)
        except IntegrityError:
            continue
    raise ApiError(409, BUSY)


@router.post(
    "/api/exemplars/imports",
    status_code=201,
    summary="Upload a CSV or XLSX of exemplars: every row checked, nothing saved yet",
)
async def create_import(request: Request, runtime: Runtime, who: Organizer) -> JSONResponse:
    data, name = await read_upload(request)
    import_id = await upload_import(runtime, data, name, who)
    async with runtime.db.reading() as session:
        record = await service.get_import(session, import_id)
        return JSONResponse(service.import_json(record), status_code=201)


@router.get("/api/exemplars/imports/{import_id}", summary="An import and its checked rows")
async def read_import(import_id: str, runtime: Runtime, _: Organizer) -> dict[str, Any]:
    async with runtime.db.reading() as session:
        return service.import_json(await service.get_import(session, import_id))


@router.post(
    "/api/exemplars/imports/{import_id}/confirm",
    summary="Save the import's good rows as exemplars (once, however often confirmed)",
)
async def confirm_import(import_id: str, runtime: Runtime, who: Organizer) -> dict[str, Any]:
    return service.import_json(await confirm(runtime, import_id, who))


@router.get("/api/exemplars", summary="Exemplars, searched (diacritics optional) and filtered")
async def list_exemplars(
    request: Request,
    runtime: Runtime,
    q: str = "",
    district: str = "",
    cluster: str = "",
    field: str = "",
    page: int = 1,
) -> dict[str, Any]:
    organizer = is_organizer(request)
    query = service.ExemplarQuery(q[:200], district[:100], cluster[:200], field[:200], page)
    public_url = publish_settings(runtime).public_url
    async with runtime.db.reading() as session:
        found = await service.search_exemplars(session, query, include_unpublished=organizer)
        return {
            "items": [
                service.exemplar_json(e, public_url, organizer=organizer) for e in found.items
            ],
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
        }


@router.get("/api/exemplars/{exemplar_id}", summary="One exemplar")
async def read_exemplar(exemplar_id: str, request: Request, runtime: Runtime) -> Response:
    organizer = is_organizer(request)
    async with runtime.db.reading() as session:
        found = await service.get_exemplar(session, exemplar_id, include_unpublished=organizer)
        if found is None:
            raise ApiError(404, service.NOT_FOUND)
        body = service.exemplar_json(
            found, publish_settings(runtime).public_url, organizer=organizer
        )
    return JSONResponse(body)
