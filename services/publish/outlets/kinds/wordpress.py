"""A newsroom's WordPress site, through its REST API: each media file is uploaded to
``/wp-json/wp/v2/media`` (raw bytes, Content-Disposition naming the file), then a post is
created at ``/wp-json/wp/v2/posts`` with the photo as its featured image. Signed in with an
Application Password over Basic auth. Retracting sets the post back to draft: unpublished, not
deleted."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

import httpx

from ..base import (
    Context,
    Outlet,
    PermanentFailure,
    Published,
    TemporaryFailure,
    Work,
    WorkFile,
)

NEEDS_USER = "Cần tên đăng nhập WordPress / the WordPress user name is needed"
NEEDS_PASSWORD = (
    "Cần mật khẩu ứng dụng (Application Password) của WordPress / "
    "the WordPress Application Password is needed"
)
BAD_STATUS = (
    "Trạng thái bài phải là publish, draft hoặc pending / status: publish, draft or pending"
)
WRONG_PASSWORD = (
    "WordPress từ chối đăng nhập: sai tên hoặc mật khẩu ứng dụng / WordPress refused the "
    "sign-in: wrong user name or application password"
)
POST_STATUSES = ("publish", "draft", "pending")


def _api(outlet: Outlet) -> str:
    return outlet.address.rstrip("/") + "/wp-json/wp/v2"


def _auth(outlet: Outlet) -> httpx.BasicAuth:
    return httpx.BasicAuth(
        outlet.credentials.get("username", ""), outlet.credentials.get("application_password", "")
    )


def _files_to_upload(work: Work, settings: Mapping[str, Any]) -> list[WorkFile]:
    """Photos first (the first is the featured image); audio and video only when the outlet
    takes them (big files on a newsroom's server)."""
    kinds = ["photo"]
    if settings.get("upload_audio_video"):
        kinds += ["audio", "video"]
    return sorted((f for f in work.files if f.kind in kinds), key=lambda f: kinds.index(f.kind))


async def _checked(response_call: Any, what: str) -> dict[str, Any]:
    try:
        response: httpx.Response = await response_call
    except httpx.TimeoutException as error:
        raise TemporaryFailure(
            f"WordPress không trả lời kịp ({what}) / WordPress timed out ({what})"
        ) from error
    except httpx.HTTPError as error:
        raise TemporaryFailure(
            f"Không gọi được WordPress ({what}) / WordPress unreachable ({what}): {error!r}"
        ) from error
    if response.status_code in (401, 403):
        raise PermanentFailure(f"{WRONG_PASSWORD} (HTTP {response.status_code})")
    if response.status_code >= 500 or response.status_code in (408, 429):
        raise TemporaryFailure(f"WordPress HTTP {response.status_code} ({what})")
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        message = body.get("message") if isinstance(body, dict) else response.text[:300]
        raise PermanentFailure(
            f"WordPress từ chối ({what}) / WordPress refused ({what}): "
            f"HTTP {response.status_code} {message}"
        )
    if not isinstance(body, dict) or "id" not in body:
        raise TemporaryFailure(
            f"WordPress trả lời không đúng dạng ({what}) / unexpected WordPress answer ({what})"
        )
    return body


async def _stream(ctx: Context, key: str) -> AsyncIterator[bytes]:
    async for chunk in ctx.storage.iter_chunks(key):
        yield chunk


def _content(work: Work, media: list[tuple[WorkFile, dict[str, Any]]]) -> str:
    parts: list[str] = []
    if work.synopsis:
        parts.append(f"<p><em>{html.escape(work.synopsis)}</em></p>")
    for f, uploaded in media:
        src = html.escape(str(uploaded.get("source_url", "")), quote=True)
        if f.kind == "audio":
            parts.append(f'<figure><audio controls preload="none" src="{src}"></audio></figure>')
        elif f.kind == "video":
            parts.append(f'<figure><video controls preload="none" src="{src}"></video></figure>')
    for paragraph in (work.body_text or "").split("\n\n"):
        if paragraph.strip():
            lines = "<br>".join(html.escape(line) for line in paragraph.strip().splitlines())
            parts.append(f"<p>{lines}</p>")
    if work.credits:
        parts.append(f"<p><strong>Tác giả:</strong> {html.escape(', '.join(work.credits))}</p>")
    parts.append(
        f"<p>{html.escape(work.tier_name)} · {html.escape(work.category_name)} · "
        f"{html.escape(work.contest_title)}. "
        f'<a href="{html.escape(work.page_url, quote=True)}">Xem tác phẩm trên trang cuộc thi</a>'
        "</p>"
    )
    return "\n".join(parts)


class WordPressAdapter:
    kind: ClassVar[str] = "wordpress"
    address_is_url: ClassVar[bool] = True
    label: ClassVar[str] = "WordPress (trang tin của toà soạn) / WordPress (a newsroom's site)"
    secret_fields: ClassVar[tuple[str, ...]] = ("username", "application_password")

    def check(
        self, address: str, settings: Mapping[str, Any], credentials: Mapping[str, str]
    ) -> list[str]:
        problems = []
        if not credentials.get("username"):
            problems.append(NEEDS_USER)
        if not credentials.get("application_password"):
            problems.append(NEEDS_PASSWORD)
        if settings.get("status", "publish") not in POST_STATUSES:
            problems.append(BAD_STATUS)
        return problems

    async def publish(self, work: Work, outlet: Outlet, ctx: Context) -> Published:
        api, auth = _api(outlet), _auth(outlet)
        media: list[tuple[WorkFile, dict[str, Any]]] = []
        # Media an earlier try uploaded before it failed are used again, not sent twice.
        done: dict[str, Any] = ctx.progress.setdefault("media", {})
        for f in _files_to_upload(work, outlet.settings):
            if f.object_key in done:
                media.append((f, done[f.object_key]))
                continue
            uploaded = await _checked(
                ctx.http.post(
                    f"{api}/media",
                    auth=auth,
                    content=_stream(ctx, f.object_key),
                    headers={
                        "Content-Type": f.media_type,
                        "Content-Length": str(f.size_bytes),
                        "Content-Disposition": f'attachment; filename="{f.download_name}"',
                    },
                ),
                f"tải lên / upload {f.download_name}",
            )
            uploaded = {k: uploaded[k] for k in ("id", "source_url", "mime_type") if k in uploaded}
            done[f.object_key] = uploaded
            media.append((f, uploaded))
        photos = [m for f, m in media if f.kind == "photo"]
        post: dict[str, Any] = {
            "title": work.title,
            "content": _content(work, media),
            "excerpt": work.synopsis,
            "status": outlet.settings.get("status", "publish"),
        }
        if photos:
            post["featured_media"] = photos[0]["id"]
        created = await _checked(
            ctx.http.post(f"{api}/posts", auth=auth, json=post), "tạo bài / create the post"
        )
        return Published(
            remote_id=str(created["id"]),
            url=str(created.get("link") or "") or None,
            answer={
                "post_id": created["id"],
                "link": created.get("link"),
                "status": created.get("status"),
                "media_ids": [m["id"] for _, m in media],
            },
        )

    async def retract(
        self, work: Work, outlet: Outlet, published: Published, ctx: Context
    ) -> Mapping[str, Any]:
        answer = await _checked(
            ctx.http.post(
                f"{_api(outlet)}/posts/{published.remote_id}",
                auth=_auth(outlet),
                json={"status": "draft"},
            ),
            "gỡ bài / unpublish the post",
        )
        return {"post_id": answer["id"], "status": answer.get("status")}


ADAPTER = WordPressAdapter()
