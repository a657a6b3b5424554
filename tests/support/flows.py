"""Common user journeys, over HTTP, for the end-to-end tests."""

from __future__ import annotations

import time
import uuid
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
                    "max_file_bytes": 50_000_000,
                },
                "award_tiers": [
                    {"code": "A", "name": "Giải A", "quota": 1, "prize_vnd": 10_000_000}
                ],
            },
            {
                "code": "TH",
                "name": "Truyền hình",
                "rules": {
                    "allowed_kinds": ["video"],
                    "max_files": 3,
                    "max_file_bytes": 4 * 1024**3,
                    "max_duration_seconds": 15 * 60,
                    "max_series_parts": 3,
                },
            },
            {
                "code": "AN",
                "name": "Ảnh",
                "rules": {
                    "allowed_kinds": ["image"],
                    "max_files": 10,
                    "max_file_bytes": 10_000_000,
                    "min_images": 3,
                },
            },
        ],
        "eligibility": {"entries_per_author": 3, "languages": ["vi", "tyz"]},
        "prize_budget_vnd": 10_000_000,
    }


def author(
    email: str = "tacgia@demo.lantoa.vn", name: str = "Nguyễn Thị Tác Giả"
) -> dict[str, str]:
    return {
        "full_name": name,
        "pen_name": "Hoa Mai",
        "organisation": "Báo Lạng Sơn",
        "phone": "0912 345 678",
        "email": email,
    }


def entry_body(
    contest_id: str, title: str, category: str = "BC", authors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    return {
        "contest_id": contest_id,
        "category_code": category,
        "title": title,
        "district": "Thành phố Lạng Sơn",
        "synopsis": "Chuyện về người tốt việc tốt ở cơ sở.",
        "authors": authors or [author()],
        "exemplars": [{"name": "Ông Hoàng Văn Páo", "locality": "Xã Mẫu Sơn", "field": "Y tế"}],
        "consent_republication": True,
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
    # Each draft has its own author, so that the entries-per-author rule never interferes.
    writer = author(f"tacgia-{uuid.uuid4().hex[:8]}@demo.lantoa.vn")
    entry = contestant.post("/api/entries", entry_body(contest_id, title, authors=[writer]))
    assert entry.status_code == 201, entry.text
    entry_id: str = entry.json()["entry_id"]
    result = upload_file(
        contestant, entry_id, "bai.pdf", samples.pdf(title.encode("ascii", "ignore").decode())
    )
    assert result.status == "verified", result
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


def accept(submissions: str, secretariat_token: str, entry_id: str) -> None:
    """The secretariat accepts a submitted entry: it goes on to judging."""
    decided = Api(submissions, secretariat_token).post(
        f"/api/screening/entries/{entry_id}/decision", {"decision": "accepted"}
    )
    assert decided.status_code == 200, decided.text
