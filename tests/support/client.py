"""A thin HTTP client for the services, as a browser or an integrator would use them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import httpx

from services.submissions.seed import DEMO_PASSWORD


@dataclass
class Api:
    base: str
    token: str | None = None

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.get(
            self.base + path,
            headers=self._headers(kwargs.pop("headers", None)),
            timeout=30,
            **kwargs,
        )

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return httpx.post(
            self.base + path,
            json=json,
            headers=self._headers(kwargs.pop("headers", None)),
            timeout=60,
            **kwargs,
        )


def sign_in(submissions_url: str, email: str, password: str = DEMO_PASSWORD) -> str:
    response = httpx.post(
        f"{submissions_url}/api/auth/token", json={"email": email, "password": password}, timeout=30
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def upload_file(api: Api, entry_id: str, name: str, content: bytes) -> dict[str, Any]:
    """Declare a file, PUT its bytes straight to storage with the presigned URL, then verify."""
    declared = api.post(
        f"/api/entries/{entry_id}/files",
        {
            "file_name": name,
            "size_bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    assert declared.status_code == 201, declared.text
    upload = declared.json()
    put = httpx.put(upload["upload_url"], content=content, timeout=60)
    assert put.status_code == 200, put.text
    done = api.post(f"/api/entries/{entry_id}/files/{upload['file_id']}/complete")
    return {"upload": upload, "status": done.status_code, "body": done.json()}
