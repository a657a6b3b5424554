"""Accounts API: registration, e-mail verification, sign-in, password reset, invitations."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, EmailStr, Field

from shared.auth import TOKEN_COOKIE, Role
from shared.contracts.submissions import AccountEmailPurpose
from shared.errors import ApiError
from shared.web import CurrentUser, Runtime

from ..deps import Organizer, submissions_settings
from ..domain.text import single_line
from ..models import Account
from .service import (
    LinkSettings,
    Throttle,
    accept_invitation,
    authenticate,
    invite_staff,
    register,
    request_reset,
    reset_password,
    send_link,
    verify_email,
)
from .tokens import set_token_cookie

router = APIRouter(prefix="/api", tags=["accounts"])

WRONG_CREDENTIALS = "Email hoặc mật khẩu không đúng. / Wrong e-mail or password."
NOT_VERIFIED = (
    "Bạn chưa xác nhận địa chỉ e-mail. Chúng tôi vừa gửi lại thư xác nhận. "
    "/ Please verify your e-mail first; we sent the link again."
)
CHECK_MAIL = (
    "Nếu địa chỉ này dùng được, một thư vừa được gửi tới đó: hãy mở thư và bấm vào đường dẫn. "
    "/ If this address can be used, an e-mail is on its way."
)
Password = Field(min_length=8, max_length=256)


class SignIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    account_id: str
    email: str
    display_name: str
    roles: list[str]
    language: str


class RegisterIn(BaseModel):
    email: EmailStr
    password: str = Password
    display_name: str = Field(min_length=2, max_length=200)
    language: str = Field(default="vi", pattern=r"^(vi|en)$")


class TokenIn(BaseModel):
    token: str = Field(min_length=10, max_length=200)


class NewPasswordIn(TokenIn):
    password: str = Password


class EmailIn(BaseModel):
    email: EmailStr


class InvitationIn(BaseModel):
    email: EmailStr
    display_name: str = Field(min_length=2, max_length=200)
    roles: list[Role] = Field(min_length=1, max_length=4)


class MessageOut(BaseModel):
    message: str


def link_settings(runtime: Runtime) -> LinkSettings:
    settings = submissions_settings(runtime)
    return LinkSettings(
        public_url=settings.public_url,
        verify_ttl=timedelta(hours=settings.link_ttl_hours),
        reset_ttl=timedelta(minutes=settings.reset_ttl_minutes),
        invitation_ttl=timedelta(days=settings.invitation_ttl_days),
    )


def start_session(request: Request, response: Response, account: Account) -> TokenOut:
    """Sign the token every service accepts, and keep it in an HttpOnly cookie too."""
    issuer = request.app.state.token_issuer
    token = issuer.issue(account)
    ttl = int(issuer.ttl.total_seconds())
    set_token_cookie(request, response, token, issuer.ttl, issuer.cookie_domain)
    return TokenOut(access_token=token, expires_in=ttl)


@router.post("/auth/token", response_model=TokenOut)
async def sign_in(body: SignIn, request: Request, response: Response, runtime: Runtime) -> TokenOut:
    settings = submissions_settings(runtime)
    throttle = Throttle(
        timedelta(seconds=settings.sign_in_window_seconds), settings.sign_in_max_failures
    )
    client = request.client.host if request.client else "unknown"
    account = await authenticate(runtime.db, throttle, body.email, body.password, client)
    if account is None:
        raise ApiError(401, WRONG_CREDENTIALS)
    if account.email_verified_at is None:
        async with runtime.db.transaction() as session:
            fresh = await session.get(Account, account.account_id)
            assert fresh is not None
            await send_link(
                session,
                runtime.outbox,
                link_settings(runtime),
                fresh,
                AccountEmailPurpose.VERIFY_EMAIL,
            )
        raise ApiError(403, NOT_VERIFIED)
    return start_session(request, response, account)


@router.post("/auth/sign-out", status_code=204)
async def sign_out(request: Request, response: Response) -> Response:
    response.delete_cookie(TOKEN_COOKIE, domain=request.app.state.token_issuer.cookie_domain)
    response.status_code = 204
    return response


@router.get("/me", response_model=MeOut)
async def me(principal: CurrentUser) -> MeOut:
    return MeOut(
        account_id=principal.account_id,
        email=principal.email,
        display_name=principal.display_name,
        roles=sorted(r.value for r in principal.roles),
        language=principal.language,
    )


@router.post("/accounts", status_code=202, response_model=MessageOut)
async def create(body: RegisterIn, runtime: Runtime) -> MessageOut:
    async with runtime.db.transaction() as session:
        await register(
            session,
            runtime.outbox,
            link_settings(runtime),
            email=str(body.email),
            password=body.password,
            display_name=single_line(body.display_name),
            language=body.language,
        )
    return MessageOut(message=CHECK_MAIL)


@router.post("/accounts/verify", response_model=TokenOut)
async def verify(body: TokenIn, request: Request, response: Response, runtime: Runtime) -> TokenOut:
    async with runtime.db.transaction() as session:
        account = await verify_email(session, body.token)
    return start_session(request, response, account)


@router.post("/accounts/password-reset", status_code=202, response_model=MessageOut)
async def forgot(body: EmailIn, runtime: Runtime) -> MessageOut:
    async with runtime.db.transaction() as session:
        await request_reset(session, runtime.outbox, link_settings(runtime), str(body.email))
    return MessageOut(message=CHECK_MAIL)


@router.post("/accounts/password-reset/confirm", response_model=TokenOut)
async def reset(
    body: NewPasswordIn, request: Request, response: Response, runtime: Runtime
) -> TokenOut:
    async with runtime.db.transaction() as session:
        account = await reset_password(session, body.token, body.password)
    return start_session(request, response, account)


@router.post("/staff/invitations", status_code=201, response_model=MeOut)
async def invite(body: InvitationIn, runtime: Runtime, who: Organizer) -> MeOut:
    async with runtime.db.transaction() as session:
        account = await invite_staff(
            session,
            runtime.outbox,
            link_settings(runtime),
            email=str(body.email),
            display_name=single_line(body.display_name),
            roles=body.roles,
            invited_by=who.account_id,
        )
    return MeOut(
        account_id=account.account_id,
        email=account.email,
        display_name=account.display_name,
        roles=list(account.roles),
        language=account.language,
    )


@router.post("/accounts/invitation/accept", response_model=TokenOut)
async def accept(
    body: NewPasswordIn, request: Request, response: Response, runtime: Runtime
) -> TokenOut:
    async with runtime.db.transaction() as session:
        account = await accept_invitation(session, body.token, body.password)
    return start_session(request, response, account)
