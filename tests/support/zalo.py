"""A local stand-in for Zalo's ZNS message API and its OAuth endpoint, strict about the
documented request shape (headers, fields, single-use refresh tokens), failing on demand."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from deploy.local.processes import free_port

APP_ID = "1234567890"
APP_SECRET = "app-secret-kJ8"
OA_SECRET = "oa-secret-Qm2"


class FakeZalo:
    """Zalo's ZNS message endpoint and OAuth endpoint, strict about what it is sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.access_token = "access-1"
        self.refresh_token = "refresh-1"
        self.generation = 1
        self.mode = "ok"  # ok | http500 | slow | quota | invalid_phone
        self.slow_seconds = 2.0
        self.oauth_delay = 0.3
        self.remaining = 100
        self.problems: list[str] = []
        self.messages: list[dict[str, Any]] = []  # every POST /message/template body
        self.sent: list[dict[str, Any]] = []  # those Zalo accepted
        self.refresh_tokens_used: list[str] = []
        self.articles: dict[str, dict[str, Any]] = {}  # article id → its last body
        self.article_tokens: dict[str, str] = {}  # token → article id
        self.article_calls: list[tuple[str, dict[str, Any]]] = []
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeZalo:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path == "/message/template":
                    self._reply(*fake.message(dict(self.headers), raw))
                elif self.path == "/oauth":
                    self._reply(*fake.oauth(dict(self.headers), raw))
                elif self.path.startswith("/v2.0/article/"):
                    self._reply(*fake.article(self.path, dict(self.headers), raw))
                else:
                    fake.problems.append(f"POST to unknown path {self.path}")
                    self._reply(404, {"error": -106, "message": "Method unsupported"})

            def do_GET(self) -> None:
                fake.problems.append(f"GET {self.path}: Zalo's endpoints are POST")
                self._reply(405, {"error": -106, "message": "Method unsupported"})

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (the timeout test)

        return Handler

    def message(self, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        problems = []
        if not headers.get("Content-Type", "").startswith("application/json"):
            problems.append(f"content type {headers.get('Content-Type')}")
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
            problems.append("body is not JSON")
        if set(body) != {"phone", "template_id", "template_data", "tracking_id"}:
            problems.append(f"fields {sorted(body)}")
        if not re.fullmatch(r"84[0-9]{9}", str(body.get("phone"))):
            problems.append(f"phone {body.get('phone')!r}")
        if not str(body.get("template_id", "")).isdigit():
            problems.append(f"template_id {body.get('template_id')!r}")
        data = body.get("template_data")
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            problems.append(f"template_data {data!r}")
        if not isinstance(body.get("tracking_id"), str) or not body["tracking_id"]:
            problems.append(f"tracking_id {body.get('tracking_id')!r}")
        with self.lock:
            self.messages.append(body)
            if problems:
                self.problems.extend(problems)
                return 400, {"error": -112, "message": "Template data invalid"}
            if "access_token" not in headers:
                self.problems.append("no access_token header")
                return 200, {"error": -124, "message": "Access token is invalid"}
            mode = self.mode
            if mode == "http500":
                return 500, {"message": "Internal Server Error"}
            if headers["access_token"] != self.access_token:
                return 200, {"error": -124, "message": "Access token is invalid"}
            if mode == "quota":
                return 200, {"error": -144, "message": "OA exceeded daily ZNS quota"}
            if mode == "invalid_phone":
                return 200, {"error": -108, "message": "Phone number invalid"}
        if mode == "slow":
            time.sleep(self.slow_seconds)
        with self.lock:
            self.remaining -= 1
            self.sent.append(body)
            msg_id = f"msg-{len(self.sent)}"
            return 200, {
                "error": 0,
                "message": "Success",
                "data": {
                    "msg_id": msg_id,
                    "sent_time": "1795660200000",
                    "quota": {"dailyQuota": "100", "remainingQuota": str(self.remaining)},
                },
            }

    def oauth(self, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        if headers.get("Content-Type") != "application/x-www-form-urlencoded":
            self.problems.append(f"oauth content type {headers.get('Content-Type')}")
        if headers.get("secret_key") != APP_SECRET:
            self.problems.append("oauth without the app's secret_key header")
            return 200, {"error": -14002, "error_name": "Invalid app secret"}
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if form.get("app_id") != APP_ID or form.get("grant_type") != "refresh_token":
            self.problems.append(f"oauth form {form}")
        time.sleep(self.oauth_delay)  # wide enough for two refreshes to overlap
        with self.lock:
            used = form.get("refresh_token", "")
            self.refresh_tokens_used.append(used)
            if used != self.refresh_token:  # single use: an old one is refused
                self.problems.append(f"refresh token {used!r} is not the current one")
                return 200, {"error": -14014, "error_name": "Invalid refresh token"}
            self.generation += 1
            self.access_token = f"access-{self.generation}"
            self.refresh_token = f"refresh-{self.generation}"
            return 200, {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_in": "90000",
            }

    # The official account's Article API (publish's Zalo OA outlet)

    def article(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        """Create (answers a token), verify (token → id), update (e.g. hide); an access token
        Zalo no longer knows is refused with -216."""
        with self.lock:
            try:
                body = json.loads(raw)
            except ValueError:
                self.problems.append(f"{path}: body is not JSON")
                return 400, {"error": -201, "message": "Parameters invalid"}
            self.article_calls.append((path, body))
            if not headers.get("Content-Type", "").startswith("application/json"):
                self.problems.append(f"{path}: content type {headers.get('Content-Type')}")
            if headers.get("access_token") != self.access_token:
                return 200, {"error": -216, "message": "Access token is invalid"}
            if self.mode == "http500":
                return 500, {"message": "Internal Server Error"}
            if path == "/v2.0/article/create":
                problems = _article_problems(body) + (["id on create"] if "id" in body else [])
                if problems:
                    self.problems.extend(problems)
                    return 200, {"error": -201, "message": f"Parameters invalid: {problems}"}
                article_id = f"art-{len(self.articles) + 1}"
                token = f"tok-{article_id}"
                self.articles[article_id] = body
                self.article_tokens[token] = article_id
                return 200, {"error": 0, "message": "Success", "data": {"token": token}}
            if path == "/v2.0/article/verify":
                found = self.article_tokens.get(str(body.get("token")))
                if set(body) != {"token"} or found is None:
                    self.problems.append(f"verify {body!r}")
                    return 200, {"error": -201, "message": "Token invalid"}
                return 200, {"error": 0, "message": "Success", "data": {"id": found}}
            if path == "/v2.0/article/update":
                problems = _article_problems(body)
                if body.get("id") not in self.articles:
                    problems.append(f"update of unknown article {body.get('id')!r}")
                if problems:
                    self.problems.extend(problems)
                    return 200, {"error": -201, "message": f"Parameters invalid: {problems}"}
                self.articles[body["id"]] = body
                token = f"tok-upd-{body['id']}"
                self.article_tokens[token] = body["id"]
                return 200, {"error": 0, "message": "Success", "data": {"token": token}}
            self.problems.append(f"POST to unknown article path {path}")
            return 404, {"error": -106, "message": "Method unsupported"}

    def expire_access_token(self) -> None:
        """Zalo forgets the current access token (it expired early, or was revoked)."""
        with self.lock:
            self.access_token = f"{self.access_token}-expired-by-zalo"


# --- the official account's Article API (publish's Zalo OA outlet) ---------------------------

ARTICLE_FIELDS = {"type", "title", "author", "description", "body", "status", "comment"}
COVER_FIELDS = {"cover_type", "photo_url", "status"}


def _article_problems(body: dict[str, Any]) -> list[str]:
    """The documented ``type: normal`` article shape, strictly."""
    problems = []
    fields = set(body) - {"cover", "id"}
    if fields != ARTICLE_FIELDS:
        problems.append(f"article fields {sorted(body)}")
    if body.get("type") != "normal":
        problems.append(f"type {body.get('type')!r}")
    for name, limit in (("title", 150), ("author", 50), ("description", 300)):
        value = body.get(name)
        if not isinstance(value, str) or not value or len(value) > limit:
            problems.append(f"{name} {value!r}")
    if body.get("status") not in ("show", "hide") or body.get("comment") not in ("show", "hide"):
        problems.append(f"status/comment {body.get('status')!r}/{body.get('comment')!r}")
    cover = body.get("cover")
    if cover is not None and (
        not isinstance(cover, dict)
        or set(cover) != COVER_FIELDS
        or cover.get("cover_type") != "photo"
        or not str(cover.get("photo_url", "")).startswith("http")
    ):
        problems.append(f"cover {cover!r}")
    parts = body.get("body")
    if not isinstance(parts, list) or not parts:
        problems.append("empty body")
    else:
        problems += [f"body part {part!r}" for part in parts if not _part_ok(part)]
    return problems


def _part_ok(part: Any) -> bool:
    if not isinstance(part, dict):
        return False
    if part.get("type") == "text":
        return set(part) == {"type", "content"} and isinstance(part.get("content"), str)
    if part.get("type") == "image":
        return set(part) <= {"type", "url", "caption"} and str(part.get("url")).startswith("http")
    return False
