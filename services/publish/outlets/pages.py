"""The organizers' outlet pages (/quan-ly/kenh): the list, and a form per kind asking for its
secret fields; problems shown in the form, nothing typed lost (secrets are never sent back)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.contracts.base import utc_now
from shared.errors import ApiError
from shared.pages.rendering import VIETNAM_TZ, redirect
from shared.web import Runtime

from ..deps import publish_settings
from ..models import PublicContest
from ..pages.rendering import OrganizerPage, page_router, render
from . import service
from .registry import adapter_for, adapters

router = page_router()

PAGE = "/quan-ly/kenh"
BAD_SETTINGS = (
    'Tuỳ chọn phải là một đối tượng JSON, ví dụ {"app_id": "123"} / the options must be a '
    'JSON object, e.g. {"app_id": "123"}'
)
BAD_DATE = "Ngày bắt đầu đăng không hợp lệ / the first publishing date is not valid"
# What each kind's options look like, as a starting point in the form.
EXAMPLES: dict[str, dict[str, Any]] = {
    "wordpress": {"status": "publish", "upload_audio_video": False},
    "zalo_oa": {"app_id": "", "author": "Ban tổ chức"},
}
FIELD_NAMES = {
    "username": "Tên đăng nhập",
    "application_password": "Mật khẩu ứng dụng (Application Password)",
    "app_secret": "Khoá bí mật của ứng dụng Zalo",
    "access_token": "Access token của OA",
    "refresh_token": "Refresh token của OA",
}


def _local(value: datetime | None) -> str:
    return value.astimezone(ZoneInfo(VIETNAM_TZ)).strftime("%Y-%m-%dT%H:%M") if value else ""


async def _page(
    request: Request,
    runtime: Runtime,
    form: dict[str, Any],
    *,
    editing: service.OutletView | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contests = list(
            await session.scalars(sa.select(PublicContest).order_by(PublicContest.code))
        )
        outlets = [service.view(r) for r in await service.list_outlets(session)]
    kind = editing.kind if editing else form.get("kind") or ""
    adapter = adapter_for(kind)
    context = {
        "contests": contests,
        "titles": {c.contest_id: c.title for c in contests},
        "outlets": outlets,
        "kinds": list(adapters().values()),
        "adapter": adapter,
        "form": form,
        "editing": editing,
        "field_names": FIELD_NAMES,
        "problems": problems or [],
        "key_missing": publish_settings(runtime).credentials_key is None,
    }
    return render(request, "outlets.html", context, status=status)


def _form_of(raw: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        k: str(raw.get(k, "") or "")
        for k in ("contest_id", "name", "kind", "address", "settings", "categories", "publish_from")
    }
    form["active"] = raw.get("active") == "on"
    form["secrets"] = {
        k.removeprefix("secret_"): str(v) for k, v in raw.items() if k.startswith("secret_")
    }
    return form


def _fields(form: dict[str, Any], creating: bool) -> service.OutletFields:
    problems = []
    try:
        options = json.loads(form["settings"] or "{}")
        if not isinstance(options, dict):
            raise ValueError(options)
    except ValueError:
        problems.append(BAD_SETTINGS)
        options = {}
    publish_from = None
    if form["publish_from"]:
        try:
            publish_from = datetime.fromisoformat(form["publish_from"]).replace(
                tzinfo=ZoneInfo(VIETNAM_TZ)
            )
        except ValueError:
            problems.append(BAD_DATE)
    if problems:
        raise ApiError(422, service.INVALID, problems)
    return service.OutletFields(
        contest_id=form["contest_id"] if creating else None,
        name=form["name"],
        kind=form["kind"] if creating else None,
        address=form["address"],
        settings=options,
        credentials=form["secrets"],
        categories=[c for c in form["categories"].split(",") if c.strip()],
        publish_from=publish_from,
        clear_publish_from=not form["publish_from"],
        active=form["active"],
    )


@router.get(PAGE, response_class=HTMLResponse)
async def outlets_page(
    request: Request, runtime: Runtime, _: OrganizerPage, kind: str = ""
) -> HTMLResponse:
    example = json.dumps(EXAMPLES.get(kind, {}), ensure_ascii=False)
    form = {"kind": kind if adapter_for(kind) else "", "settings": example, "active": True}
    if kind == "zalo_oa":
        form["address"] = "https://openapi.zalo.me"
    return await _page(request, runtime, form)


@router.post(PAGE, response_class=HTMLResponse)
async def add_outlet(request: Request, runtime: Runtime, who: OrganizerPage) -> Response:
    form = _form_of(await request.form())
    try:
        async with runtime.db.transaction() as session:
            record = await service.save_outlet(
                session, publish_settings(runtime), _fields(form, True), who, utc_now()
            )
            outlet_id = record.outlet_id
    except ApiError as error:
        return await _page(
            request, runtime, form, problems=error.problems or [error.message], status=error.status
        )
    return redirect(f"{PAGE}?saved={outlet_id}")


@router.get(PAGE + "/{outlet_id}", response_class=HTMLResponse)
async def edit_outlet(
    request: Request, runtime: Runtime, _: OrganizerPage, outlet_id: str
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        outlet = service.view(await service.get_outlet(session, outlet_id))
    form = {
        "contest_id": outlet.contest_id,
        "name": outlet.name,
        "kind": outlet.kind,
        "address": outlet.address,
        "settings": json.dumps(outlet.settings, ensure_ascii=False),
        "categories": ", ".join(outlet.categories),
        "publish_from": _local(outlet.publish_from),
        "active": outlet.active,
    }
    return await _page(request, runtime, form, editing=outlet)


@router.post(PAGE + "/{outlet_id}", response_class=HTMLResponse)
async def save_outlet(
    request: Request, runtime: Runtime, who: OrganizerPage, outlet_id: str
) -> Response:
    form = _form_of(await request.form())
    try:
        async with runtime.db.transaction() as session:
            await service.save_outlet(
                session,
                publish_settings(runtime),
                _fields(form, False),
                who,
                utc_now(),
                outlet_id=outlet_id,
            )
    except ApiError as error:
        async with runtime.db.reading() as session:
            outlet = service.view(await service.get_outlet(session, outlet_id))
        form["kind"] = outlet.kind
        return await _page(
            request,
            runtime,
            form,
            editing=outlet,
            problems=error.problems or [error.message],
            status=error.status,
        )
    return redirect(f"{PAGE}?saved={outlet_id}")


@router.post(PAGE + "/{outlet_id}/tat", response_class=HTMLResponse)
async def switch_off(
    request: Request, runtime: Runtime, who: OrganizerPage, outlet_id: str
) -> Response:
    async with runtime.db.transaction() as session:
        await service.deactivate_outlet(session, outlet_id, who, utc_now())
    return redirect(f"{PAGE}?off={outlet_id}")
