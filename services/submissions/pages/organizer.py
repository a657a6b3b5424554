"""The organizers' page: every contest with its published versions and why they changed, and
the form that invites staff (secretariat, jurors, organizers, operators)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import Role
from shared.errors import ApiError
from shared.pages.rendering import redirect
from shared.web import Runtime

from ..accounts.routes import InvitationIn, link_settings
from ..accounts.service import invite_staff
from ..contests.service import contest_history
from ..domain.text import single_line
from ..models import Account, Contest
from .forms import FormInvalid, form_values, validate
from .rendering import OrganizerPage, page_router, render, translator_for

router = page_router()
STAFF_ROLES = (Role.ORGANIZER, Role.SECRETARIAT, Role.JUROR, Role.OPERATOR)


async def _organizer_page(
    request: Request,
    runtime: Runtime,
    values: dict[str, str] | None = None,
    roles: list[str] | None = None,
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with runtime.db.reading() as session:
        contests = list(await session.scalars(sa.select(Contest).order_by(Contest.code)))
        changes = {c.contest_id: await contest_history(session, c.contest_id) for c in contests}
        people = {x.changed_by for found in changes.values() for x in found}
        names = {
            a.account_id: a.display_name
            for a in await session.scalars(sa.select(Account).where(Account.account_id.in_(people)))
        }
    context: dict[str, Any] = {
        "contests": contests,
        "changes": changes,
        "names": names,
        "staff_roles": [r.value for r in STAFF_ROLES],
        "checked": roles or [],
        "v": values or {},
        "e": errors or {},
        "alert": alert,
        "notice": request.query_params.get("done", ""),
    }
    return render(request, "organizer.html", context, status)


@router.get("/organizer", response_class=HTMLResponse)
async def organizer_page(request: Request, runtime: Runtime, _: OrganizerPage) -> HTMLResponse:
    return await _organizer_page(request, runtime)


@router.post("/organizer/invitations", response_class=HTMLResponse)
async def invite_post(request: Request, runtime: Runtime, who: OrganizerPage) -> Response:
    form = await request.form()
    values = form_values(form)
    roles = [str(r) for r in form.getlist("roles")]
    data = {
        "email": values.get("email", "").strip(),
        "display_name": values.get("display_name", ""),
        "roles": roles,
    }
    try:
        body = validate(InvitationIn, data, translator_for(request), lambda loc: str(loc[0]))
        async with runtime.db.transaction() as session:
            await invite_staff(
                session,
                runtime.outbox,
                link_settings(runtime),
                email=str(body.email),
                display_name=single_line(body.display_name),
                roles=body.roles,
                invited_by=who.account_id,
            )
    except FormInvalid as invalid:
        return await _organizer_page(request, runtime, values, roles, invalid.errors, status=422)
    except ApiError as error:
        return await _organizer_page(
            request, runtime, values, roles, alert=error.message, status=error.status
        )
    return redirect("/organizer?done=invited")
