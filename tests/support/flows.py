"""Common user journeys, over HTTP, for the end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from tests.support import samples
from tests.support.client import Api, sign_in, upload_file

T = TypeVar("T")


def contest_body(
    code: str, title: str = "Cuộc thi viết về gương người tốt, việc tốt"
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "code": code,
        "title": title,
        "theme": "Lan toả những tấm gương bình dị ở cơ sở",
        "organizer": "Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
        "phases": [
            {
                "kind": "submission",
                "starts_at": (now - timedelta(days=1)).isoformat(),
                "ends_at": (now + timedelta(days=30)).isoformat(),
            },
        ],
        "categories": [
            {
                "code": "BC",
                "name": "Báo in, báo điện tử",
                "rules": {
                    "allowed_kinds": ["text", "image"],
                    "max_files": 3,
                    "max_file_bytes": 10_000_000,
                },
                "award_tiers": [
                    {"code": "A", "name": "Giải A", "quota": 1, "prize_vnd": 10_000_000}
                ],
            }
        ],
        "eligibility": {"entries_per_author": 3},
        "prize_budget_vnd": 10_000_000,
    }


def published_contest(submissions: str, code: str) -> str:
    organizer = Api(submissions, sign_in(submissions, "bantochuc@demo.lantoa.vn"))
    created = organizer.post("/api/contests", contest_body(code))
    assert created.status_code == 201, created.text
    contest_id: str = created.json()["contest_id"]
    published = organizer.post(f"/api/contests/{contest_id}/publish", {})
    assert published.status_code == 200, published.text
    return contest_id


def draft_with_file(contestant: Api, contest_id: str, title: str) -> str:
    entry = contestant.post(
        "/api/entries", {"contest_id": contest_id, "category_code": "BC", "title": title}
    )
    assert entry.status_code == 201, entry.text
    entry_id: str = entry.json()["entry_id"]
    result = upload_file(
        contestant, entry_id, "bai.pdf", samples.pdf(title.encode("ascii", "ignore").decode())
    )
    assert result["status"] == 200, result["body"]
    return entry_id


def submit(contestant: Api, entry_id: str) -> str:
    response = contestant.post(f"/api/entries/{entry_id}/submit")
    assert response.status_code == 200, response.text
    code: str = response.json()["code"]
    return code


def eventually(check: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} not met within {timeout}s")
