"""Sign-in and the signed-in person."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from shared.auth import TOKEN_COOKIE
from shared.web import CurrentUser, Runtime

from .service import authenticate

router = APIRouter(prefix="/api", tags=["accounts"])

WRONG_CREDENTIALS = "Email hoặc mật khẩu không đúng. / Wrong e-mail or password."


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


@router.post("/auth/token", response_model=TokenOut)
async def sign_in(body: SignIn, request: Request, response: Response, runtime: Runtime) -> TokenOut:
    async with runtime.db.reading() as session:
        account = await authenticate(session, body.email, body.password)
    if account is None:
        raise HTTPException(401, WRONG_CREDENTIALS)
    issuer = request.app.state.token_issuer
    token = issuer.issue(account)
    ttl = int(issuer.ttl.total_seconds())
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        max_age=ttl,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return TokenOut(access_token=token, expires_in=ttl)


@router.get("/me", response_model=MeOut)
async def me(principal: CurrentUser) -> MeOut:
    return MeOut(
        account_id=principal.account_id,
        email=principal.email,
        display_name=principal.display_name,
        roles=sorted(r.value for r in principal.roles),
        language=principal.language,
    )
