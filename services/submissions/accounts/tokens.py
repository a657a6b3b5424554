"""Signing access tokens (Ed25519). Every service verifies them with the public key alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jwt

from shared.auth import ALGORITHM
from shared.contracts.base import utc_now

from ..models import Account


class TokenIssuer:
    def __init__(self, private_key_file: Path, *, issuer: str, audience: str, ttl: timedelta):
        self._key = private_key_file.read_bytes()
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl

    def issue(self, account: Account) -> str:
        now = utc_now()
        claims = {
            "sub": account.account_id,
            "email": account.email,
            "name": account.display_name,
            "roles": list(account.roles),
            "lang": account.language,
            "iat": now,
            "exp": now + self.ttl,
            "iss": self.issuer,
            "aud": self.audience,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)
