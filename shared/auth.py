"""Signed, short-lived access tokens that every service verifies on its own.

The submissions service signs tokens with an Ed25519 private key; the other services hold only
the public key, so none of them can mint a token.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import jwt

ALGORITHM = "EdDSA"
TOKEN_COOKIE = "lantoa_token"


class Role(StrEnum):
    CONTESTANT = "contestant"
    JUROR = "juror"
    SECRETARIAT = "secretariat"
    ORGANIZER = "organizer"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Principal:
    account_id: str
    email: str
    display_name: str
    roles: frozenset[Role]
    language: str = "vi"

    def has_any(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class InvalidToken(Exception):
    """The token is missing, expired, forged, or for another audience."""


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, *, issuer: str, audience: str) -> None:
        self._key = public_key_pem
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_file(cls, path: Path, *, issuer: str, audience: str) -> TokenVerifier:
        return cls(path.read_bytes(), issuer=issuer, audience=audience)

    def verify(self, token: str) -> Principal:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                leeway=30,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from error
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
        except ValueError as error:
            raise InvalidToken(f"unknown role in token: {error}") from error
        return Principal(
            account_id=str(claims["sub"]),
            email=str(claims.get("email", "")),
            display_name=str(claims.get("name", "")),
            roles=roles,
            language=str(claims.get("lang", "vi")),
        )
