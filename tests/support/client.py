"""A thin HTTP client for the services, as a browser or an integrator would use them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from services.submissions.seed import DEMO_PASSWORD
from tests.support.uploader import UploadResult, upload


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


def upload_file(api: Api, entry_id: str, name: str, content: bytes, **options: Any) -> UploadResult:
    """The whole upload protocol (see tests.support.uploader), from synchronous code."""

    async def run() -> UploadResult:
        headers = {"Authorization": f"Bearer {api.token}"} if api.token else {}
        async with httpx.AsyncClient(base_url=api.base, headers=headers, timeout=60) as client:
            return await upload(client, entry_id, name, content, **options)

    return asyncio.run(run())
