"""Tokens: signed by submissions' private key, verified anywhere with the public key alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import jwt
import pytest

from shared.auth import InvalidToken, Role, TokenVerifier
from tests.support.keys import sign_token, write_key_pair


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_key_pair(tmp_path_factory.mktemp("keys"))


def verifier(public: Path, audience: str = "lantoa") -> TokenVerifier:
    return TokenVerifier.from_file(public, issuer="lantoa", audience=audience)


def test_a_valid_token_gives_the_person_and_roles(keys) -> None:  # type: ignore[no-untyped-def]
    private, public = keys
    token = sign_token(
        private, roles=[Role.SECRETARIAT, Role.JUROR], subject="acc-1", email="a@b.vn"
    )
    who = verifier(public).verify(token)
    assert who.account_id == "acc-1" and who.email == "a@b.vn"
    assert who.roles == {Role.SECRETARIAT, Role.JUROR}
    assert who.has_any(Role.JUROR) and not who.has_any(Role.ORGANIZER)


def test_expired_forged_or_foreign_tokens_are_refused(keys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    private, public = keys
    expired = sign_token(private, roles=[Role.CONTESTANT], ttl=timedelta(minutes=-5))
    with pytest.raises(InvalidToken, match="expired"):
        verifier(public).verify(expired)
    other_private, _ = write_key_pair(tmp_path / "other")
    with pytest.raises(InvalidToken):
        verifier(public).verify(sign_token(other_private, roles=[Role.ORGANIZER]))
    with pytest.raises(InvalidToken):
        verifier(public, audience="someone-else").verify(
            sign_token(private, roles=[Role.ORGANIZER])
        )
    with pytest.raises(InvalidToken):  # a symmetric token signed with the public key as secret
        verifier(public).verify(
            jwt.encode(
                {"sub": "x", "roles": ["organizer"]},
                "a-guessed-shared-secret-of-32-bytes!",
                algorithm="HS256",
            )
        )
    with pytest.raises(InvalidToken, match="unknown role"):
        verifier(public).verify(sign_token(private, roles=["superuser"]))  # type: ignore[list-item]
