"""An Ed25519 key pair for signing test tokens, as the submissions service does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.auth import ALGORITHM, Role


def write_key_pair(directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = directory / "auth_ed25519.pem"
    public = directory / "auth_ed25519.pub.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def sign_token(
    private_key_file: Path,
    *,
    roles: list[Role],
    subject: str = "test-account",
    email: str = "test@example.org",
    name: str = "Test",
    ttl: timedelta = timedelta(minutes=15),
    issuer: str = "lantoa",
    audience: str = "lantoa",
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": subject,
        "email": email,
        "name": name,
        "roles": [getattr(r, "value", r) for r in roles],
        "iat": now,
        "exp": now + ttl,
        "iss": issuer,
        "aud": audience,
    }
    return jwt.encode(claims, private_key_file.read_bytes(), algorithm=ALGORITHM)
