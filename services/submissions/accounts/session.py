"""Sliding sessions: a signed-in person who keeps working gets a fresh short-lived token in
the cookie, so a long form is never lost to an expired sign-in. The account is read again at
each renewal: a disabled account or a changed role takes effect within one token lifetime."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI, Request, Response

from shared.auth import TOKEN_COOKIE
from shared.contracts.base import utc_now
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

from ..models import Account
from .tokens import TokenIssuer, set_token_cookie

log = get_logger("lantoa.session")


def install_session_renewal(
    app: FastAPI, runtime: ServiceRuntime, session_length: timedelta
) -> None:
    issuer: TokenIssuer = app.state.token_issuer
    public_key = runtime.settings.auth_public_key_file.read_bytes()

    async def renew(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        token = request.cookies.get(TOKEN_COOKIE)
        fresh = None
        if token and "authorization" not in request.headers:
            fresh = await _renewed(runtime, issuer, public_key, token, session_length)
            if fresh is not None:
                # This request already sees the new token.
                request.scope["headers"] = [
                    *request.scope["headers"],
                    (b"authorization", f"Bearer {fresh}".encode()),
                ]
        response = await call_next(request)
        if fresh is not None:
            set_token_cookie(request, response, fresh, issuer.ttl, issuer.cookie_domain)
        return response

    app.middleware("http")(renew)


async def _renewed(
    runtime: ServiceRuntime,
    issuer: TokenIssuer,
    public_key: bytes,
    token: str,
    session_length: timedelta,
) -> str | None:
    claims = issuer.claims_of(token, public_key)
    if claims is None:
        return None
    now = utc_now()
    expires = datetime.fromtimestamp(claims["exp"], UTC)
    if expires - now > issuer.ttl / 2:
        return None  # still fresh
    signed_in = datetime.fromtimestamp(claims["auth_time"], UTC)
    if now - signed_in > session_length:
        return None  # the session is over: sign in again
    async with runtime.db.reading() as session:
        account = await session.get(Account, str(claims["sub"]))
    if account is None or account.status != "active":
        return None
    log.info("session renewed", account_id=account.account_id)
    return issuer.issue(account, auth_time=signed_in)
