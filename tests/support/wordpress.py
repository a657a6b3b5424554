"""A local stand-in for a newsroom's WordPress REST API (wp/v2 media and posts), strict about
the documented request shape: Basic auth with an Application Password, raw media bytes with
Content-Disposition and Content-Type, JSON posts whose featured_media is an uploaded file.
Fails on demand: HTTP 500 for the next calls, a hang longer than the client waits, 401."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from deploy.local.processes import free_port

USER = "bientap"
# Application Passwords are shown with spaces; WordPress accepts them with or without.
APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
POST_FIELDS = {"title", "content", "status", "featured_media", "excerpt", "date"}
DISPOSITION = re.compile(r'^attachment; filename="([^"/\\]+)"$')


class FakeWordPress:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fail_next = 0  # answer the next calls with HTTP 500
        self.fail_posts_next = 0  # answer the next post creations with HTTP 500 (media go in)
        self.hang_next = 0  # hold the next calls longer than the client waits
        self.hang_seconds = 3.0
        self.mode = "ok"  # ok | unauthorized (every call 401)
        self.problems: list[str] = []
        self.calls: list[str] = []  # "POST /wp-json/wp/v2/media", … in order
        self.media: dict[int, dict[str, Any]] = {}  # id → filename, content_type, sha256, size
        self.posts: dict[int, dict[str, Any]] = {}  # id → the body as last set
        self.next_id = 100
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeWordPress:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                if "chunked" in headers.get("transfer-encoding", ""):
                    fake.problems.append(f"{self.path}: chunked body, no Content-Length")
                raw = self.rfile.read(int(headers.get("content-length", "0")))
                status, body = fake.answer(self.path, headers, raw)
                if status == 0:  # hung: the client has given up by now
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def do_GET(self) -> None:
                fake.problems.append(f"GET {self.path}: only POSTs are expected")
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def _authorised(self, headers: dict[str, str]) -> bool:
        value = headers.get("authorization", "")
        if not value.startswith("Basic "):
            self.problems.append("no Basic authorization")
            return False
        user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        return user == USER and password == APP_PASSWORD

    def answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.calls.append(f"POST {path}")
            hang = self.hang_next > 0
            if hang:
                self.hang_next -= 1
        if hang:
            time.sleep(self.hang_seconds)
            return 0, {}
        with self.lock:
            if self.fail_posts_next > 0 and path == "/wp-json/wp/v2/posts":
                self.fail_posts_next -= 1
                return 500, {"code": "internal_server_error", "message": "Lỗi máy chủ"}
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": "internal_server_error", "message": "Lỗi máy chủ"}
            if self.mode == "unauthorized" or not self._authorised(headers):
                return 401, {
                    "code": "incorrect_password",
                    "message": "The provided password is an invalid application password.",
                    "data": {"status": 401},
                }
            if path == "/wp-json/wp/v2/media":
                return self._media(headers, raw)
            if path == "/wp-json/wp/v2/posts":
                return self._create_post(headers, raw)
            found = re.fullmatch(r"/wp-json/wp/v2/posts/(\d+)", path)
            if found:
                return self._update_post(int(found.group(1)), headers, raw)
            self.problems.append(f"unknown path {path}")
            return 404, {"code": "rest_no_route", "message": "No route was found"}

    def _media(self, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        disposition = DISPOSITION.match(headers.get("content-disposition", ""))
        content_type = headers.get("content-type", "")
        if disposition is None:
            self.problems.append(f"content-disposition {headers.get('content-disposition')!r}")
            return 400, {"code": "rest_upload_no_content_disposition", "message": "No name"}
        if "/" not in content_type or content_type.startswith(("application/json", "multipart/")):
            self.problems.append(f"media content type {content_type!r}")
        if not raw:
            return 400, {"code": "rest_upload_no_data", "message": "No data supplied."}
        self.next_id += 1
        media_id = self.next_id
        name = disposition.group(1)
        self.media[media_id] = {
            "filename": name,
            "content_type": content_type,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "size": len(raw),
        }
        return 201, {
            "id": media_id,
            "source_url": f"{self.url}/wp-content/uploads/2026/11/{name}",
            "mime_type": content_type,
            "media_type": "image" if content_type.startswith("image/") else "file",
        }

    def _json(self, headers: dict[str, str], raw: bytes) -> dict[str, Any] | None:
        if not headers.get("content-type", "").startswith("application/json"):
            self.problems.append(f"post content type {headers.get('content-type')!r}")
        try:
            body = json.loads(raw)
        except ValueError:
            self.problems.append("post body is not JSON")
            return None
        return body if isinstance(body, dict) else None

    def _create_post(self, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        body = self._json(headers, raw)
        if body is None:
            return 400, {"code": "rest_invalid_json", "message": "Invalid JSON body passed."}
        problems = []
        if not set(body) <= POST_FIELDS:
            problems.append(f"post fields {sorted(body)}")
        if not isinstance(body.get("title"), str) or not body["title"]:
            problems.append(f"title {body.get('title')!r}")
        if not isinstance(body.get("content"), str) or not body["content"]:
            problems.append("no content")
        if body.get("status") not in ("publish", "future", "draft", "pending"):
            problems.append(f"status {body.get('status')!r}")
        if "featured_media" in body and body["featured_media"] not in self.media:
            problems.append(f"featured_media {body['featured_media']!r} was never uploaded")
        if problems:
            self.problems.extend(problems)
            return 400, {"code": "rest_invalid_param", "message": "; ".join(problems)}
        self.next_id += 1
        post_id = self.next_id
        self.posts[post_id] = body
        return 201, {
            "id": post_id,
            "link": f"{self.url}/?p={post_id}",
            "status": body["status"],
            "featured_media": body.get("featured_media", 0),
        }

    def _update_post(
        self, post_id: int, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any]]:
        body = self._json(headers, raw)
        if body is None or post_id not in self.posts:
            self.problems.append(f"update of post {post_id}: {body!r}")
            return 404, {"code": "rest_post_invalid_id", "message": "Invalid post ID."}
        if not set(body) <= POST_FIELDS:
            self.problems.append(f"update fields {sorted(body)}")
        self.posts[post_id] = {**self.posts[post_id], **body}
        return 200, {
            "id": post_id,
            "link": f"{self.url}/?p={post_id}",
            "status": self.posts[post_id]["status"],
        }
