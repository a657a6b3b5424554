"""E-mail over SMTP: a few kept-open connections, HTML and text parts, a return path per
message so that a bounce names the delivery it is about."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, parseaddr

import aiosmtplib

from ..domain.retry import smtp_failure_is_temporary
from ..models import Delivery
from ..settings import NotifySettings
from .base import Outcome, PermanentFailure, TemporaryFailure


def bounce_address(delivery: Delivery, settings: NotifySettings) -> str:
    """A return path per delivery (VERP), so a bounce report names the delivery it is about."""
    return f"bounce+{delivery.delivery_id}@{settings.bounce_domain}"


def _header(value: str) -> str:
    """A header value as it travels: encoded words when it is not ASCII. A line break would
    start a header of the sender's choosing, so there is none."""
    if "\r" in value or "\n" in value:
        raise PermanentFailure(
            "Tiêu đề thư chứa ký tự xuống dòng / a header contains a line break (refused)"
        )
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=76).encode(linesep="\r\n")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name else address


def _part(content_type: str, body: str) -> bytes:
    encoded = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    head = (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode() + encoded


def build_email(delivery: Delivery, settings: NotifySettings) -> bytes:
    """The message as bytes: text and HTML alternatives, each base64 in UTF-8.

    Written out directly rather than through email.message, which costs several milliseconds
    a message in header parsing and folding — the larger part of sending one."""
    headers = [
        ("From", _address(settings.mail_from)),
        ("To", _header(delivery.recipient)),
        ("Subject", _header(delivery.subject)),
        ("Message-ID", _header(delivery.message_id)),
        ("Date", formatdate(localtime=False)),
        ("MIME-Version", "1.0"),
        ("Auto-Submitted", "auto-generated"),  # RFC 3834: no auto-replies, please
        ("X-Lantoa-Delivery", delivery.delivery_id),
    ]
    extra = json.loads(delivery.payload) if delivery.payload else {}
    if unsubscribe := extra.get("list_unsubscribe"):
        # RFC 8058 one-click: mail clients POST to the link without opening a page.
        headers.append(("List-Unsubscribe", _header(f"<{unsubscribe}>")))
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    boundary = f"=_lantoa_{secrets.token_hex(12)}"
    headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode()
    marker = f"--{boundary}\r\n".encode()
    return b"".join(
        (
            head,
            b"\r\n",
            marker,
            _part("text/plain", delivery.body_text),
            marker,
            _part("text/html", delivery.body_html),
            f"--{boundary}--\r\n".encode(),
        )
    )


class EmailChannel:
    name = "email"

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self._idle: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._slots = asyncio.Semaphore(settings.smtp_connections)

    def _client(self) -> aiosmtplib.SMTP:
        s = self.settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            timeout=s.smtp_timeout_seconds,
            cert_bundle=str(s.smtp_ca_file) if s.smtp_ca_file else None,
        )

    async def send(self, delivery: Delivery) -> Outcome:
        address = parseaddr(delivery.recipient)[1]
        if "@" not in address or address != delivery.recipient:
            raise PermanentFailure(
                f"Địa chỉ e-mail không hợp lệ / not an e-mail address: {delivery.recipient!r}"
            )
        message = build_email(delivery, self.settings)
        sender = bounce_address(delivery, self.settings)
        async with self._slots:
            for reused in (True, False):
                client = self._take() if reused else self._client()
                try:
                    if not client.is_connected:
                        await client.connect()
                    _, reply = await client.sendmail(sender, [delivery.recipient], message)
                except aiosmtplib.SMTPServerDisconnected as error:
                    # A kept-open connection the server has since closed: once more, afresh.
                    self._discard(client)
                    if reused:
                        continue
                    raise TemporaryFailure(f"SMTP: {error!r}") from error
                except aiosmtplib.SMTPAuthenticationError as error:
                    # Our credentials, not the message: wait for the operator to fix them.
                    self._discard(client)
                    raise TemporaryFailure(
                        f"Máy chủ SMTP từ chối đăng nhập / SMTP login refused: {error.code} "
                        f"{error.message} (LANTOA_NOTIFY_SMTP_USERNAME / _PASSWORD)"
                    ) from error
                except aiosmtplib.SMTPRecipientsRefused as error:
                    self._discard(client)
                    refusal = error.recipients[0]
                    raise self._failure(refusal.code, refusal.message) from error
                except aiosmtplib.SMTPResponseException as error:
                    self._discard(client)
                    raise self._failure(error.code, error.message) from error
                except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
                    self._discard(client)
                    raise TemporaryFailure(f"SMTP: {error!r}") from error
                self._idle.put_nowait(client)
                return Outcome("sent", detail=reply)
        raise AssertionError("unreachable")

    def _take(self) -> aiosmtplib.SMTP:
        return self._idle.get_nowait() if not self._idle.empty() else self._client()

    @staticmethod
    def _failure(code: int, text: str) -> Exception:
        reason = f"SMTP {code}: {text}"
        if smtp_failure_is_temporary(code):
            return TemporaryFailure(reason)
        return PermanentFailure(reason)

    @staticmethod
    def _discard(client: aiosmtplib.SMTP) -> None:
        if client.is_connected:
            client.close()

    async def close(self) -> None:
        while not self._idle.empty():
            client = self._idle.get_nowait()
            if client.is_connected:
                try:
                    await asyncio.wait_for(client.quit(), 2)
                except Exception:
                    client.close()
