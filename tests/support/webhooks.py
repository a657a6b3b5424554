"""An organizer's webhook endpoint for tests: checks the method, headers, body fields and the
HMAC-SHA256 signature against the secret of each path, and can fail on demand."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from deploy.local.processes import free_port
from services.notify.domain.webhooks import verify
from shared.contracts.base import utc_now

TIMEOUT = 0.6  # the channel's timeout in these tests; "hang" answers well after it
BODY_FIELDS = {"delivery_id", "event_id", "topic", "contest_id", "occurred_at", "data"}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


@dataclass
class Receiver:
    """An organizer's endpoint. Each path has its secret; a request that a careful receiver
    would refuse is recorded in ``problems`` and answered 400."""

    port: int = field(default_factory=free_port)
    secrets: dict[str, str] = field(default_factory=dict)
    mode: str = "ok"  # ok | error | gone | hang | redirect
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def check(self, method: str, path: str, headers: dict[str, str], body: bytes) -> list[str]:
        wrong: list[str] = []
        if method != "POST":
            wrong.append(f"method {method}")
        if headers.get("content-type") != "application/json":
            wrong.append(f"content-type {headers.get('content-type')}")
        if headers.get("user-agent") != "LanToa-Webhook/1":
            wrong.append(f"user-agent {headers.get('user-agent')}")
        secret = self.secrets.get(path)
        signature = headers.get("x-lantoa-signature", "")
        if secret is None or not verify(secret, signature, body, now=utc_now()):
            wrong.append(f"signature {signature!r} does not verify for {path}")
        try:
            document = json.loads(body.decode("utf-8"))
        except ValueError:
            return [*wrong, "body is not UTF-8 JSON"]
        if set(document) != BODY_FIELDS:
            wrong.append(f"body fields {sorted(document)}")
        if document.get("delivery_id") != headers.get("x-lantoa-delivery"):
            wrong.append("X-Lantoa-Delivery differs from the body's delivery_id")
        if document.get("topic") != headers.get("x-lantoa-event"):
            wrong.append("X-Lantoa-Event differs from the body's topic")
        return wrong

    def serve(self) -> Iterator[Receiver]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:
                pass

            def _answer(self, code: int, headers: dict[str, str] | None = None) -> None:
                self.send_response(code)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.received.append(Received(self.path, headers, body))
                wrong = receiver.check(self.command, self.path, headers, body)
                if wrong:
                    receiver.problems.extend(wrong)
                    self._answer(400)
                    return
                if receiver.mode == "hang":
                    receiver.release.wait(TIMEOUT * 10)
                try:
                    if receiver.mode == "error":
                        self.send_response(500)
                        self.send_header("Content-Type", "text/plain")
                        message = b"database is down"
                        self.send_header("Content-Length", str(len(message)))
                        self.end_headers()
                        self.wfile.write(message)
                    elif receiver.mode == "gone":
                        self._answer(410)
                    elif receiver.mode == "redirect":
                        self._answer(302, {"Location": receiver.url("/elsewhere")})
                    else:
                        self._answer(204)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting, as it should

            do_POST = _handle
            do_GET = _handle

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            server.shutdown()
            server.server_close()
