"""Feeds for newsrooms: Atom, IPTC ninjs (a paged feed and an item per work), press kits."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask

from shared.contracts.base import utc_now
from shared.errors import ApiError
from shared.logs import get_logger
from shared.storage import ObjectNotFound
from shared.web import Runtime

from ..deps import publish_settings
from ..domain import ninjs
from ..domain.atom import feed_xml
from ..domain.presskit import members
from ..site.cache import VersionedCache
from ..winners.service import work_by_code
from .service import atom_entries, feed_index, feed_page, feeds_version

router = APIRouter(tags=["feeds"])
log = get_logger("lantoa.publish.feeds")
# Pages of the ninjs feed, each kept with the version of the data it was built from.
PAGES: VersionedCache[bytes] = VersionedCache(32)

NO_WORK = "Không tìm thấy tác phẩm này. / No such work."
NO_KIT = (
    "Tác phẩm này không có bộ tư liệu báo chí: tác giả chưa đồng ý cho đăng lại, hoặc tác "
    "phẩm đã bị gỡ. / No press kit: the authors did not consent to republication, or the work "
    "was withdrawn."
)
KIT_BROKEN = (
    "Một tệp của tác phẩm hiện không đọc được nên chưa tạo được bộ tư liệu; hãy báo ban tổ "
    "chức. / A file of the work cannot be read, so no press kit now; tell the organizers."
)
BAD_VERSION = "Phiên bản ninjs phải là 3.0 hoặc 2.1. / The ninjs version must be 3.0 or 2.1."
NINJS_MEDIA_TYPE = "application/json; charset=utf-8"
Version = Query(default=ninjs.DEFAULT_VERSION, description="ninjs version: 3.0 or 2.1")


def _version(version: str) -> str:
    version = {"3": "3.0", "2": "2.1", "2.1.1": "2.1"}.get(version, version)
    if version not in ninjs.VERSIONS:
        raise ApiError(422, BAD_VERSION)
    return version


def _base(runtime: Runtime) -> str:
    return publish_settings(runtime).public_url.rstrip("/")


@router.get("/feeds/atom.xml", summary="Atom feed of news, winning works and exemplars")
async def atom(runtime: Runtime) -> Response:
    base = _base(runtime)
    async with runtime.db.reading() as session:
        entries = await atom_entries(session, base)
    body = feed_xml(
        feed_id="urn:lantoa:publish:feed",
        title="Lan Toả — tin tức, tác phẩm đoạt giải, gương điển hình",
        self_link=f"{base}/feeds/atom.xml",
        site_link=f"{base}/",
        entries=entries,
        updated=max((e.updated for e in entries), default=utc_now()),
        author="Lan Toả",
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/feeds/ninjs.json", summary="IPTC ninjs feed, newest first, 50 items a page")
async def ninjs_feed(
    runtime: Runtime, page: int = Query(default=1, ge=1, le=100_000), version: str = Version
) -> Response:
    version = _version(version)
    base = _base(runtime)
    async with runtime.db.reading() as session:
        stamp = await feeds_version(session)
        body = PAGES.get((base, version, page), stamp)
        if body is None:
            index = await feed_index(session)
            if page > index.pages:
                raise ApiError(404, f"Không có trang {page}. / There is no page {page}.")
            content = await feed_page(session, index, base, page, version)
            body = PAGES.put((base, version, page), stamp, json_bytes(content))
    return Response(body, media_type=NINJS_MEDIA_TYPE)


def json_bytes(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get("/feeds/ninjs/{code}.json", summary="The IPTC ninjs item of one winning work")
async def ninjs_work(runtime: Runtime, code: str, version: str = Version) -> JSONResponse:
    version = _version(version)
    async with runtime.db.reading() as session:
        work = await work_by_code(session, code)
    if work is None:
        raise ApiError(404, NO_WORK)
    return JSONResponse(
        ninjs.build_item(work, _base(runtime), version), media_type=NINJS_MEDIA_TYPE
    )


@router.get("/press-kits/{code}.zip", summary="A winning work's press kit (consented works)")
async def press_kit(runtime: Runtime, code: str) -> FileResponse:
    async with runtime.db.reading() as session:
        work = await work_by_code(session, code)
    if work is None:
        raise ApiError(404, NO_WORK)
    if not work.public:
        raise ApiError(404, NO_KIT)
    base = _base(runtime)
    folder = Path(tempfile.mkdtemp(prefix="presskit-"))
    try:
        target = folder / f"{code}.zip"
        item = ninjs.build_item(work, base)
        with zipfile.ZipFile(target, "w", allowZip64=True) as kit:
            for m in members(work, item, f"{base}/tac-pham/{code}"):
                if m.data is not None:
                    kit.writestr(m.name, m.data, compress_type=zipfile.ZIP_DEFLATED)
                elif m.object_key:
                    local = folder / "file"
                    await runtime.storage.download(m.object_key, local)
                    kit.write(local, m.name, compress_type=zipfile.ZIP_STORED)
                    local.unlink()
    except ObjectNotFound as missing:
        shutil.rmtree(folder, ignore_errors=True)
        log.error("press kit file missing", code=code, key=str(missing))
        raise ApiError(503, KIT_BROKEN) from missing
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        target,
        media_type="application/zip",
        filename=f"{code}-bo-tu-lieu-bao-chi.zip",
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
