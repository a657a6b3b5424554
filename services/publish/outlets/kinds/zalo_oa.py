"""A Zalo official account's articles (Zalo's Article API): ``POST /v2.0/article/create``
with the OA's access token in the ``access_token`` header answers with a token, which
``/v2.0/article/verify`` turns into the article's id. Retracting hides the article (``update``
with status "hide"): taken down, not deleted. The OA's tokens are this outlet's, kept sealed in
``zalo_tokens`` and refreshed through the shared token code (shared/zalo/tokens.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, ClassVar

import httpx

from shared.zalo.tokens import (
    OAUTH_URL,
    TokenRefreshFailed,
    TokenRefreshRefused,
    TokenStore,
    ZaloApp,
    ZaloNotConfigured,
    current_access_token,
)

from ..base import Context, Outlet, PermanentFailure, Published, TemporaryFailure, Work
from ..crypto import CredentialsUnavailable, sealer_for
from ..models import ZALO_TOKENS

API_URL = "https://openapi.zalo.me"
# Zalo says the access token is invalid or expired: refresh once and try again.
TOKEN_ERRORS = frozenset({-124, -216})
# Zalo is busy or limiting calls: try later.
TEMPORARY_ERRORS = frozenset({-32, -50})
TITLE_MAX, AUTHOR_MAX, DESCRIPTION_MAX = 150, 50, 300

NEEDS_APP_ID = "Cần App ID của ứng dụng Zalo / the Zalo app id is needed"
NEEDS_SECRET = "Cần khoá bí mật của ứng dụng Zalo / the Zalo app secret key is needed"
NEEDS_TOKENS = (
    "Cần access token và refresh token của OA / the OA's access and refresh tokens are needed"
)
RESET_TOKENS = (
    "Zalo từ chối làm mới token, cần đặt lại token của OA trong trang kênh / Zalo refused to "
    "refresh the token: set the OA's tokens again on the outlet's page"
)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _api(outlet: Outlet) -> str:
    return (outlet.address or API_URL).rstrip("/") + "/v2.0/article"


def token_store(outlet_id: str, ctx: Context) -> TokenStore:
    sealer = sealer_for(ctx.settings)
    return TokenStore(ZALO_TOKENS, outlet_id, seal=sealer.seal, open=sealer.open)


def _app(outlet: Outlet) -> ZaloApp | None:
    app_id = str(outlet.settings.get("app_id") or "")
    secret = outlet.credentials.get("app_secret", "")
    if not app_id or not secret:
        return None
    return ZaloApp(app_id, secret, str(outlet.settings.get("oauth_url") or OAUTH_URL))


def article_of(work: Work, outlet: Outlet, ctx: Context, status: str) -> dict[str, Any]:
    """The article as Zalo's ``type: normal`` shape: cover photo, paragraphs, the photos."""
    link = timedelta(seconds=ctx.settings.media_link_seconds)
    photos = [ctx.storage.presign_get(f.object_key, link) for f in work.files if f.kind == "photo"]
    body: list[dict[str, Any]] = [
        {"type": "text", "content": p.strip()}
        for p in (work.body_text or work.synopsis).split("\n\n")
        if p.strip()
    ]
    body += [{"type": "image", "url": url} for url in photos[1:]]
    body.append(
        {
            "type": "text",
            "content": f"Tác giả: {', '.join(work.credits)}. {work.tier_name} · "
            f"{work.category_name} · {work.contest_title}. Xem thêm: {work.page_url}",
        }
    )
    article: dict[str, Any] = {
        "type": "normal",
        "title": _shorten(work.title, TITLE_MAX),
        "author": _shorten(str(outlet.settings.get("author") or outlet.name), AUTHOR_MAX),
        "description": _shorten(work.synopsis or work.title, DESCRIPTION_MAX),
        "body": body,
        "status": status,
        "comment": "show" if outlet.settings.get("comments", True) else "hide",
    }
    if photos:
        article["cover"] = {"cover_type": "photo", "photo_url": photos[0], "status": "show"}
    return article


class ZaloOAAdapter:
    kind: ClassVar[str] = "zalo_oa"
    address_is_url: ClassVar[bool] = True
    label: ClassVar[str] = "Zalo OA (bài viết) / Zalo official account (articles)"
    secret_fields: ClassVar[tuple[str, ...]] = ("app_secret", "access_token", "refresh_token")

    def check(
        self, address: str, settings: Mapping[str, Any], credentials: Mapping[str, str]
    ) -> list[str]:
        problems = []
        if not str(settings.get("app_id") or "").strip():
            problems.append(NEEDS_APP_ID)
        if not credentials.get("app_secret"):
            problems.append(NEEDS_SECRET)
        if not credentials.get("access_token") or not credentials.get("refresh_token"):
            problems.append(NEEDS_TOKENS)
        return problems

    async def _call(
        self, outlet: Outlet, ctx: Context, path: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        """POST to the Article API with the OA's token; an expired token is refreshed once."""
        try:
            store = token_store(outlet.outlet_id, ctx)
            app = _app(outlet)
            token = await current_access_token(ctx.db, app, store, ctx.http, ctx.clock)
            answer = await self._post(outlet, ctx, path, token, body)
            if answer.get("error") in TOKEN_ERRORS:
                token = await current_access_token(
                    ctx.db, app, store, ctx.http, ctx.clock, force=True, rejected=token
                )
                answer = await self._post(outlet, ctx, path, token, body)
        except (ZaloNotConfigured, CredentialsUnavailable) as error:
            raise PermanentFailure(str(error)) from error
        except TokenRefreshRefused as error:
            raise PermanentFailure(f"{RESET_TOKENS} ({error})") from error
        except TokenRefreshFailed as error:
            raise TemporaryFailure(str(error)) from error
        code = answer.get("error")
        reason = f"Zalo {code}: {answer.get('message', '')}"
        if code == 0:
            data = answer.get("data")
            return data if isinstance(data, dict) else {}
        if code in TOKEN_ERRORS:
            raise PermanentFailure(f"{RESET_TOKENS} ({reason})")
        if code in TEMPORARY_ERRORS:
            raise TemporaryFailure(reason)
        raise PermanentFailure(reason)

    async def _post(
        self, outlet: Outlet, ctx: Context, path: str, token: str, body: Mapping[str, Any]
    ) -> dict[str, Any]:
        try:
            response = await ctx.http.post(
                f"{_api(outlet)}/{path}", headers={"access_token": token}, json=dict(body)
            )
        except httpx.TimeoutException as error:
            raise TemporaryFailure(f"Zalo không trả lời kịp / Zalo timed out ({path})") from error
        except httpx.HTTPError as error:
            raise TemporaryFailure(
                f"Không gọi được Zalo / Zalo unreachable ({path}): {error!r}"
            ) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise TemporaryFailure(f"Zalo HTTP {response.status_code} ({path})")
        try:
            answer = response.json()
            if not isinstance(answer, dict) or not isinstance(answer.get("error"), int):
                raise ValueError(answer)
        except ValueError as error:
            raise TemporaryFailure(
                f"Zalo trả lời không đúng dạng / unexpected Zalo answer "
                f"(HTTP {response.status_code}): {response.text[:300]}"
            ) from error
        return answer

    async def _article_id(self, outlet: Outlet, ctx: Context, token: str) -> str | None:
        """The article's id once Zalo has made it (creating is asynchronous at Zalo)."""
        for pause in (0.0, 0.5, 1.0):
            await asyncio.sleep(pause)
            try:
                data = await self._call(outlet, ctx, "verify", {"token": token})
            except TemporaryFailure:
                continue
            except PermanentFailure:
                # The article exists; its id is asked again when it is taken down.
                return None
            if data.get("id"):
                return str(data["id"])
        return None

    async def publish(self, work: Work, outlet: Outlet, ctx: Context) -> Published:
        created = await self._call(outlet, ctx, "create", article_of(work, outlet, ctx, "show"))
        token = str(created.get("token") or "")
        if not token:
            raise PermanentFailure("Zalo không trả token bài viết / Zalo gave no article token")
        article_id = await self._article_id(outlet, ctx, token)
        return Published(
            remote_id=article_id or f"token:{token}",
            url=None,
            answer={"token": token, "id": article_id},
        )

    async def retract(
        self, work: Work, outlet: Outlet, published: Published, ctx: Context
    ) -> Mapping[str, Any]:
        article_id = published.remote_id
        if article_id.startswith("token:"):
            found = await self._article_id(outlet, ctx, article_id.removeprefix("token:"))
            if found is None:
                raise TemporaryFailure(
                    "Zalo chưa cho biết mã bài viết / Zalo has not given the article's id yet"
                )
            article_id = found
        hidden = {**article_of(work, outlet, ctx, "hide"), "id": article_id}
        data = await self._call(outlet, ctx, "update", hidden)
        return {"id": article_id, "status": "hide", "token": data.get("token")}


ADAPTER = ZaloOAAdapter()
