"""Account pages: sign in and out, register, verify the e-mail, reset the password, accept a
staff invitation, and switch the language. Links from e-mails only show a button: mail
scanners open links, and opening one must not use it up."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from shared.auth import TOKEN_COOKIE
from shared.errors import ApiError
from shared.pages.rendering import Viewer, redirect, safe_next
from shared.web import Runtime

from ..accounts.routes import (
    CHECK_MAIL,
    EmailIn,
    NewPasswordIn,
    RegisterIn,
    SignIn,
    TokenIn,
    create,
    forgot,
    sign_in,
    start_session,
)
from ..accounts.service import BAD_LINK, accept_invitation, reset_password, verify_email
from ..deps import submissions_settings
from .forms import FormInvalid, form_values, validate
from .rendering import home_for, page_router, pages, render, translator_for

router = page_router()
PASSWORDS_DIFFER = "Hai mật khẩu không giống nhau. / The two passwords differ."


def _form_page(
    request: Request,
    template: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    alert: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {"v": values, "e": errors or {}, "alert": alert}
    return render(request, template, context, status)


def _return_origins(runtime: Runtime) -> tuple[str, ...]:
    """Other services (judging) whose pages send people here to sign in, and back."""
    return submissions_settings(runtime).return_origins


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request, who: Viewer, runtime: Runtime, next: str = "") -> Response:
    if who is not None and not next:
        return redirect(home_for(who.roles))
    back = safe_next(next, "", _return_origins(runtime))
    return _form_page(request, "sign_in.html", {"next": back})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in_post(request: Request, runtime: Runtime) -> Response:
    form = await request.form()
    values = form_values(form)
    password = str(form.get("password", ""))
    t = translator_for(request)
    try:
        body = validate(SignIn, {"email": values.get("email", ""), "password": password}, t)
        response = redirect("/")
        token = await sign_in(body, request, response, runtime)
    except FormInvalid as invalid:
        return _form_page(request, "sign_in.html", values, invalid.errors, status=422)
    except ApiError as error:
        return _form_page(request, "sign_in.html", values, alert=error.message, status=error.status)
    who = runtime.verifier.verify(token.access_token)
    back = safe_next(values.get("next"), home_for(who.roles), _return_origins(runtime))
    response.headers["location"] = back
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    response = redirect("/")
    response.delete_cookie(TOKEN_COOKIE, domain=request.app.state.token_issuer.cookie_domain)
    return response


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> HTMLResponse:
    return _form_page(request, "register.html", {"language": translator_for(request).lang})


@router.post("/register", response_class=HTMLResponse)
async def register_post(request: Request, runtime: Runtime) -> Response:
    form = await request.form()
    values = form_values(form)
    t = translator_for(request)
    password, again = str(form.get("password", "")), str(form.get("password2", ""))
    errors = {"password2": t.pick(PASSWORDS_DIFFER)} if password != again else {}
    data = {
        "email": values.get("email", "").strip(),
        "password": password,
        "display_name": values.get("display_name", ""),
        "language": values.get("language", "vi"),
    }
    try:
        body = validate(RegisterIn, data, t, errors=errors)
    except FormInvalid as invalid:
        return _form_page(request, "register.html", values, invalid.errors, status=422)
    await create(body, runtime)
    return redirect("/account/check-mail")


@router.get("/account/check-mail", response_class=HTMLResponse)
async def check_mail(request: Request) -> HTMLResponse:
    return render(request, "message.html", {"message": CHECK_MAIL})


@router.get("/account/verify", response_class=HTMLResponse)
async def verify_page(request: Request, token: str = "") -> HTMLResponse:
    return _form_page(request, "verify.html", {"token": token})


@router.post("/account/verify", response_class=HTMLResponse)
async def verify_post(request: Request, runtime: Runtime) -> Response:
    values = form_values(await request.form())
    try:
        body = validate(TokenIn, {"token": values.get("token", "")}, translator_for(request))
        async with runtime.db.transaction() as session:
            account = await verify_email(session, body.token)
    except (FormInvalid, ApiError):
        return _form_page(request, "verify.html", values, alert=BAD_LINK, status=400)
    response = redirect("/entries")
    start_session(request, response, account)
    return response


@router.get("/account/forgot", response_class=HTMLResponse)
async def forgot_page(request: Request) -> HTMLResponse:
    return _form_page(request, "forgot.html", {})


@router.post("/account/forgot", response_class=HTMLResponse)
async def forgot_post(request: Request, runtime: Runtime) -> Response:
    values = form_values(await request.form())
    try:
        body = validate(
            EmailIn, {"email": values.get("email", "").strip()}, translator_for(request)
        )
    except FormInvalid as invalid:
        return _form_page(request, "forgot.html", values, invalid.errors, status=422)
    await forgot(body, runtime)
    return redirect("/account/check-mail")


@router.get("/account/reset", response_class=HTMLResponse)
async def reset_page(request: Request, token: str = "") -> HTMLResponse:
    return _form_page(request, "new_password.html", {"token": token, "purpose": "reset"})


@router.get("/account/invitation", response_class=HTMLResponse)
async def invitation_page(request: Request, token: str = "") -> HTMLResponse:
    return _form_page(request, "new_password.html", {"token": token, "purpose": "invitation"})


@router.post("/account/reset", response_class=HTMLResponse)
async def reset_post(request: Request, runtime: Runtime) -> Response:
    return await _new_password(request, runtime, "reset")


@router.post("/account/invitation", response_class=HTMLResponse)
async def invitation_post(request: Request, runtime: Runtime) -> Response:
    return await _new_password(request, runtime, "invitation")


async def _new_password(request: Request, runtime: Runtime, purpose: str) -> Response:
    form = await request.form()
    values = form_values(form) | {"purpose": purpose}
    t = translator_for(request)
    password, again = str(form.get("password", "")), str(form.get("password2", ""))
    errors = {"password2": t.pick(PASSWORDS_DIFFER)} if password != again else {}
    data = {"token": values.get("token", ""), "password": password}
    try:
        body = validate(NewPasswordIn, data, t, errors=errors)
    except FormInvalid as invalid:
        if "token" in invalid.errors:
            return _form_page(request, "new_password.html", values, alert=BAD_LINK, status=400)
        return _form_page(request, "new_password.html", values, invalid.errors, status=422)
    use = reset_password if purpose == "reset" else accept_invitation
    try:
        async with runtime.db.transaction() as session:
            account = await use(session, body.token, body.password)
    except ApiError as error:
        return _form_page(request, "new_password.html", values, alert=error.message, status=400)
    response = redirect(home_for(account.roles))
    start_session(request, response, account)
    return response


@router.get("/lang/{code}")
async def switch_language(
    code: str, request: Request, runtime: Runtime, next: str = "/"
) -> Response:
    return pages.switch_language(request, code, next, _return_origins(runtime))
