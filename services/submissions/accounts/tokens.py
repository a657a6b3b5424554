"""Signing access tokens (Ed25519). Every service verifies them with the public key alone.

Tokens are short-lived; a person who keeps working is given a fresh one (see session.py) until
``auth_time`` — when they last typed their password — is older than the session allows."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from fastapi import Request, Response

from shared.auth import ALGORITHM, TOKEN_COOKIE
from shared.contracts.base import utc_now

from ..models import Account


def set_token_cookie(
    request: Request, response: Response, token: str, ttl: timedelta, domain: str | None = None
) -> None:
    """The token in an HttpOnly cookie, so pages of every service on this site see it (with a
    domain, on its sub-domains too: judging may live on a host of its own)."""
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        domain=domain,
        max_age=int(ttl.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


class TokenIssuer:
    def __init__(
        self,
        private_key_file: Path,
        *,
        issuer: str,
        audience: str,
        ttl: timedelta,
        cookie_domain: str | None = None,
    ):
        self._key = private_key_file.read_bytes()
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self.cookie_domain = cookie_domain

    def issue(self, account: Account, auth_time: datetime | None = None) -> str:
        now = utc_now()
        claims = {
            "sub": account.account_id,
            "email": account.email,
            "name": account.display_name,
            "roles": list(account.roles),
            "lang": account.language,
            "iat": now,
            "exp": now + self.ttl,
            "auth_time": int((auth_time or now).timestamp()),
            "iss": self.issuer,
            "aud": self.audience,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def claims_of(self, token: str, public_key: bytes) -> dict[str, Any] | None:
        """The claims of a token we signed, even if it has just expired; None if forged."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                public_key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                options={"verify_exp": False, "require": ["exp", "sub", "auth_time"]},
            )
        except jwt.PyJWTError:
            return None
        return claims
