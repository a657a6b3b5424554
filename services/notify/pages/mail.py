"""The mail catcher's viewer (``make up`` only): what the local test mailbox received, newest
first, and one message with its headers, text, HTML and links. No sign-in, since it holds only
test mail; a banner says so. Without ``mail_catcher_dir`` the pages do not exist."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse

from shared.errors import ApiError

from ..catcher.reader import MAIN_HEADERS, NEWEST, list_messages, read_message
from .rendering import notify_settings, page_router, render

router = page_router()

NO_MAILBOX = (
    "Hộp thư thử chỉ có khi chạy trên máy (make up). / The test mailbox exists only when running "
    "locally (make up)."
)
NO_MESSAGE = "Không tìm thấy thư này trong hộp thư thử. / No such message in the test mailbox."


def _mailbox(request: Request) -> Path:
    folder = notify_settings(request).mail_catcher_dir
    if folder is None:
        raise ApiError(404, NO_MAILBOX)
    return folder


@router.get("/mail", response_class=HTMLResponse)
async def mail_page(request: Request) -> HTMLResponse:
    folder = _mailbox(request)
    messages = await asyncio.to_thread(list_messages, folder)
    return render(request, "mail.html", {"messages": messages, "newest": NEWEST})


@router.get("/mail/{key}", response_class=HTMLResponse)
async def message_page(key: str, request: Request) -> HTMLResponse:
    folder = _mailbox(request)
    message = await asyncio.to_thread(read_message, folder, key)
    if message is None:
        raise ApiError(404, NO_MESSAGE)
    main = [(n, v) for n, v in message.headers if n.title() in MAIN_HEADERS]
    return render(request, "mail_message.html", {"m": message, "main_headers": main})
