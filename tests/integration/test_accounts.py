"""Accounts over the API: registration with a verification link sent through notify's event,
sign-in with throttling, password reset, staff invitations."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from shared.auth import Role
from shared.contracts.submissions import AccountEmailPurpose, AccountEmailRequested
from tests.integration.conftest import Submissions


def _token(event: AccountEmailRequested) -> str:
    return parse_qs(urlsplit(event.payload.link).query)["token"][0]


async def _last_link(submissions: Submissions, email: str) -> AccountEmailRequested:
    events = [
        e for e in await submissions.events(AccountEmailRequested) if e.payload.email == email
    ]
    assert events, f"no e-mail requested for {email}"
    return events[-1]


async def test_register_verify_then_sign_in_once_for_every_service(
    submissions: Submissions,
) -> None:
    api = submissions.client
    body = {
        "email": "Mai.Loc@Example.vn",
        "password": "mat-khau-manh-2026",
        "display_name": "Lộc Thị Mai",
    }
    registered = await api.post("/api/accounts", json=body)
    assert registered.status_code == 202
    # Before verification the right password gets a clear answer and a fresh link, nothing else.
    early = await api.post(
        "/api/auth/token", json={"email": body["email"], "password": body["password"]}
    )
    assert early.status_code == 403
    assert "xác nhận địa chỉ e-mail" in early.json()["detail"]
    link = await _last_link(submissions, "mai.loc@example.vn")
    assert link.payload.purpose is AccountEmailPurpose.VERIFY_EMAIL
    assert link.payload.link.startswith("http://testserver/account/verify?token=")
    verified = await api.post("/api/accounts/verify", json={"token": _token(link)})
    assert verified.status_code == 200
    again = await api.post("/api/accounts/verify", json={"token": _token(link)})
    assert again.status_code == 400  # single use
    signed = await api.post(
        "/api/auth/token", json={"email": "mai.loc@example.vn", "password": body["password"]}
    )
    assert signed.status_code == 200
    token = signed.json()["access_token"]
    me = await submissions.as_token(token).get("/api/me")
    assert me.json()["roles"] == ["contestant"]
    # The same address again: the same answer, and no second account or e-mail.
    before = len(await submissions.events(AccountEmailRequested))
    twice = await api.post("/api/accounts", json=body)
    assert twice.status_code == 202 and twice.json() == registered.json()
    assert len(await submissions.events(AccountEmailRequested)) == before


async def test_wrong_password_and_unknown_email_answer_alike_and_are_throttled(
    submissions: Submissions,
) -> None:
    await submissions.person(Role.CONTESTANT, "that@example.vn")
    api = submissions.client
    wrong = await api.post("/api/auth/token", json={"email": "that@example.vn", "password": "sai"})
    unknown = await api.post(
        "/api/auth/token", json={"email": "khong@example.vn", "password": "sai"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    limit = submissions.runtime.settings.sign_in_max_failures  # type: ignore[attr-defined]
    for _ in range(limit - 1):
        await api.post("/api/auth/token", json={"email": "that@example.vn", "password": "sai"})
    blocked = await api.post(
        "/api/auth/token", json={"email": "that@example.vn", "password": "mat-khau-du-dai"}
    )
    assert blocked.status_code == 429
    assert "thử lại sau" in blocked.json()["detail"]


async def test_password_reset_link_works_once(submissions: Submissions) -> None:
    await submissions.person(Role.CONTESTANT, "quen@example.vn")
    api = submissions.client
    asked = await api.post("/api/accounts/password-reset", json={"email": "quen@example.vn"})
    nobody = await api.post("/api/accounts/password-reset", json={"email": "ai-do@example.vn"})
    assert asked.status_code == nobody.status_code == 202 and asked.json() == nobody.json()
    link = await _last_link(submissions, "quen@example.vn")
    assert link.payload.purpose is AccountEmailPurpose.RESET_PASSWORD
    short = await api.post(
        "/api/accounts/password-reset/confirm", json={"token": _token(link), "password": "123"}
    )
    assert short.status_code == 422
    done = await api.post(
        "/api/accounts/password-reset/confirm",
        json={"token": _token(link), "password": "mat-khau-moi-2026"},
    )
    assert done.status_code == 200
    old = await api.post(
        "/api/auth/token", json={"email": "quen@example.vn", "password": "mat-khau-du-dai"}
    )
    new = await api.post(
        "/api/auth/token", json={"email": "quen@example.vn", "password": "mat-khau-moi-2026"}
    )
    assert (old.status_code, new.status_code) == (401, 200)
    reused = await api.post(
        "/api/accounts/password-reset/confirm",
        json={"token": _token(link), "password": "lan-thu-hai-2026"},
    )
    assert reused.status_code == 400


async def test_organizers_invite_staff_and_nobody_else_can(submissions: Submissions) -> None:
    organizer = await submissions.person(Role.ORGANIZER, "btc@so.vn")
    contestant = await submissions.person(Role.CONTESTANT, "ts@so.vn")
    invitation = {"email": "giamkhao@so.vn", "display_name": "Lương Văn Minh", "roles": ["juror"]}
    assert (await contestant.post("/api/staff/invitations", json=invitation)).status_code == 403
    invited = await organizer.post("/api/staff/invitations", json=invitation)
    assert invited.status_code == 201, invited.text
    # No password yet: nobody can sign in as the invited account.
    guess = await submissions.client.post(
        "/api/auth/token", json={"email": "giamkhao@so.vn", "password": "!"}
    )
    assert guess.status_code == 401
    link = await _last_link(submissions, "giamkhao@so.vn")
    assert link.payload.purpose is AccountEmailPurpose.STAFF_INVITATION
    assert link.payload.roles == ("juror",)
    accepted = await submissions.client.post(
        "/api/accounts/invitation/accept",
        json={"token": _token(link), "password": "giam-khao-2026"},
    )
    assert accepted.status_code == 200
    me = await submissions.as_token(accepted.json()["access_token"]).get("/api/me")
    assert me.json()["roles"] == ["juror"]
    contestant_invite = {**invitation, "email": "x@so.vn", "roles": ["contestant"]}
    assert (
        await organizer.post("/api/staff/invitations", json=contestant_invite)
    ).status_code == 422


async def test_changes_with_the_cookie_must_come_from_this_site(submissions: Submissions) -> None:
    await submissions.person(Role.CONTESTANT, "cookie@example.vn")
    api = submissions.client
    signed = await api.post(
        "/api/auth/token", json={"email": "cookie@example.vn", "password": "mat-khau-du-dai"}
    )
    cookie = f"lantoa_token={signed.cookies['lantoa_token']}"
    body = {"contest_id": "x", "category_code": "BC", "title": "t", "authors": []}
    foreign = await api.post(
        "/api/entries", json=body, headers={"Cookie": cookie, "Origin": "https://evil.example"}
    )
    missing = await api.post("/api/entries", json=body, headers={"Cookie": cookie, "Origin": ""})
    assert foreign.status_code == missing.status_code == 403
    assert "không được gửi từ trang của Lan Toả" in foreign.json()["detail"]
    same = await api.post(
        "/api/entries", json=body, headers={"Cookie": cookie, "Origin": "http://testserver"}
    )
    assert same.status_code == 422  # past the guard: the body itself is what is wrong
    assert (await api.get("/api/me", headers={"Cookie": cookie})).status_code == 200


async def test_a_working_session_is_renewed_until_the_session_ends(
    submissions: Submissions,
) -> None:
    from datetime import timedelta

    from services.submissions.accounts.service import find_account
    from services.submissions.accounts.tokens import TokenIssuer
    from shared.contracts.base import utc_now

    await submissions.person(Role.CONTESTANT, "lau@example.vn")
    async with submissions.runtime.db.reading() as session:
        account = await find_account(session, "lau@example.vn")
    assert account is not None
    settings = submissions.runtime.settings
    short = TokenIssuer(
        submissions.infra.private_key,
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        ttl=timedelta(minutes=1),
    )
    api = submissions.client
    nearly_expired = short.issue(account)
    renewed = await api.get("/api/me", headers={"Cookie": f"lantoa_token={nearly_expired}"})
    assert renewed.status_code == 200
    fresh = renewed.cookies.get("lantoa_token")
    assert fresh and fresh != nearly_expired
    assert (
        await api.get("/api/me", headers={"Cookie": f"lantoa_token={fresh}"})
    ).status_code == 200
    # Signed in with a password more than a session ago: no renewal, sign in again.
    old = short.issue(account, auth_time=utc_now() - timedelta(hours=13))
    ended = await api.get("/api/me", headers={"Cookie": f"lantoa_token={old}"})
    assert "lantoa_token" not in ended.cookies


async def test_links_cannot_flood_a_mailbox(submissions: Submissions) -> None:
    await submissions.person(Role.CONTESTANT, "nhieu@example.vn")
    for _ in range(6):
        asked = await submissions.client.post(
            "/api/accounts/password-reset", json={"email": "nhieu@example.vn"}
        )
        assert asked.status_code == 202  # the same answer every time
    sent = [
        e
        for e in await submissions.events(AccountEmailRequested)
        if e.payload.email == "nhieu@example.vn"
    ]
    assert len(sent) == 3


JUDGING_PAGE = "http://127.0.0.1:8002/rounds/7?tab=scores"


@pytest.fixture
def judging_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set before the service starts, as deploy/local/up.py does (requested before it)."""
    monkeypatch.setenv("LANTOA_SUBMISSIONS_RETURN_ORIGINS", "http://127.0.0.1:8002")


async def test_signing_in_returns_to_an_allowed_service_and_nowhere_else(
    judging_origin: None, submissions: Submissions
) -> None:
    assert submissions.runtime.settings.return_origins == (  # type: ignore[attr-defined]
        "http://127.0.0.1:8002",
    )
    await submissions.person(Role.JUROR, "giamkhao@so.vn")
    login = {"email": "giamkhao@so.vn", "password": "mat-khau-du-dai"}
    results = {}
    for name, target in (("judging", JUDGING_PAGE), ("foreign", "https://evil.example/x")):
        shown = await submissions.client.get("/sign-in", params={"next": target})
        kept = f'name="next" value="{target.replace("&", "&amp;")}"' in shown.text
        signed = await submissions.client.post("/sign-in", data={**login, "next": target})
        assert signed.status_code == 303
        results[name] = (kept, signed.headers["location"])
        submissions.client.cookies.clear()
    assert results["judging"] == (True, JUDGING_PAGE)
    assert results["foreign"] == (False, "/")  # a juror has no home page here
