"""The judging service in this process, fed with submissions' events, and the steps of a
contest's judging as the secretariat, jurors and the organizer take them over HTTP."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from services.judging.handlers import project_contest, project_screening
from shared.auth import Role
from shared.contracts.base import Event
from shared.contracts.submissions import (
    AnonymisedEntry,
    Authorship,
    AwardTier,
    Category,
    CategoryRules,
    ContestPublished,
    ContestPublishedPayload,
    Eligibility,
    EntryCredits,
    EntryScreened,
    EntryScreenedPayload,
    Exemplar,
    MediaKind,
    Phase,
    PhaseKind,
    ScreeningDecision,
    SubmittedFile,
    Submitter,
)
from shared.runtime import ServiceRuntime
from tests.support.infra import Infra
from tests.support.keys import sign_token

E = TypeVar("E", bound=Event)  # type: ignore[type-arg]

CRITERIA = [
    {"code": "content", "name": "Nội dung", "max_points": 40, "weight": 40},
    {"code": "discovery", "name": "Tính phát hiện", "max_points": 20, "weight": 20},
    {"code": "form", "name": "Hình thức thể hiện", "max_points": 20, "weight": 20},
    {"code": "effect", "name": "Hiệu quả xã hội", "max_points": 20, "weight": 20},
]
TIERS = [
    AwardTier(code="A", name="Giải A", quota=1, prize_vnd=10_000_000),
    AwardTier(code="B", name="Giải B", quota=1, prize_vnd=7_000_000),
    AwardTier(code="C", name="Giải C", quota=1, prize_vnd=5_000_000),
    AwardTier(code="KK", name="Khuyến khích", quota=2, prize_vnd=2_000_000),
]


def contest_event(
    contest_id: str = "contest-1",
    categories: tuple[str, ...] = ("BC", "TH"),
    budget: int = 100_000_000,
) -> ContestPublished:
    now = datetime.now(UTC)
    names = {"BC": "Báo in, báo điện tử", "TH": "Truyền hình", "PT": "Phát thanh", "AN": "Ảnh"}
    return ContestPublished(
        contest_id=contest_id,
        payload=ContestPublishedPayload(
            contest_id=contest_id,
            code="NTVT",
            version=1,
            title="Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn",
            theme="Lan toả những tấm gương bình dị",
            organizer="Sở Thông tin và Truyền thông tỉnh Lạng Sơn",
            phases=(
                Phase(
                    kind=PhaseKind.SUBMISSION,
                    starts_at=now - timedelta(days=30),
                    ends_at=now - timedelta(days=1),
                ),
            ),
            categories=tuple(
                Category(
                    category_id=f"cat-{code}",
                    code=code,
                    name=names[code],
                    rules=CategoryRules(
                        allowed_kinds=(MediaKind.TEXT, MediaKind.VIDEO),
                        max_files=3,
                        max_file_bytes=10**9,
                    ),
                    award_tiers=tuple(TIERS),
                )
                for code in categories
            ),
            eligibility=Eligibility(entries_per_author=3),
            prize_budget_vnd=budget,
        ),
    )


def accepted_event(
    contest_id: str,
    number: int,
    category: str = "BC",
    *,
    author_name: str | None = None,
    author_email: str | None = None,
    organisation: str = "Báo Lạng Sơn",
    files: tuple[SubmittedFile, ...] = (),
    version: int = 1,
) -> EntryScreened:
    entry_id = f"entry-{category}-{number:04d}"
    code = f"{category}-{number:03d}"
    name = author_name or f"Tác Giả Số {number}"
    email = author_email or f"tacgia{number}-{category.lower()}@bao.lantoa.vn"
    if not files:
        digest = hashlib.sha256(code.encode()).hexdigest()
        files = (
            SubmittedFile(
                file_id=f"file-{code}",
                kind=MediaKind.TEXT,
                media_type="text/plain",
                size_bytes=100,
                sha256=digest,
                object_key=f"media/{entry_id}/file-{code}",
            ),
        )
    return EntryScreened(
        contest_id=contest_id,
        payload=EntryScreenedPayload(
            entry_id=entry_id,
            code=code,
            category_id=f"cat-{category}",
            version=version,
            decision=ScreeningDecision.ACCEPTED,
            decided_at=datetime.now(UTC),
            entry=AnonymisedEntry(
                code=code,
                category_id=f"cat-{category}",
                category_code=category,
                category_name="Báo in, báo điện tử" if category == "BC" else "Truyền hình",
                title=f"Người tốt, việc tốt ở Bắc Sơn — kỳ {number}",
                language="vi",
                synopsis="Chuyện một y sĩ thôn bản tận tuỵ.",
                series_parts=1,
                exemplars=(Exemplar(name="Ông Hoàng Văn Páo", locality="Xã Mẫu Sơn"),),
                files=files,
            ),
            credits=EntryCredits(
                authors=(
                    Authorship(
                        full_name=name, pen_name="Hoa Mai", organisation=organisation, email=email
                    ),
                ),
                district="Bắc Sơn",
            ),
            submitter=Submitter(account_id=f"acc-{number}", email=email, display_name=name),
        ),
    )


@dataclass
class Judging:
    app: FastAPI
    client: httpx.AsyncClient  # anonymous
    infra: Infra
    contest_id: str = "contest-1"
    people: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    def person(self, role: Role, email: str, name: str = "Người Thử Nghiệm") -> httpx.AsyncClient:
        """A client signed in (by token) as someone with ``role``."""
        key = f"{role}:{email}"
        if key not in self.people:
            token = sign_token(
                self.infra.private_key, roles=[role], subject=f"acc-{email}", email=email, name=name
            )
            self.people[key] = httpx.AsyncClient(
                transport=self.client._transport,
                base_url=self.client.base_url,
                headers={"Authorization": f"Bearer {token}", "Origin": str(self.client.base_url)},
                timeout=60,
            )
        return self.people[key]

    @property
    def secretariat(self) -> httpx.AsyncClient:
        return self.person(Role.SECRETARIAT, "thuky@so.lantoa.vn", "Hoàng Thu Hà")

    @property
    def organizer(self) -> httpx.AsyncClient:
        return self.person(Role.ORGANIZER, "btc@so.lantoa.vn", "Ban Tổ chức")

    def juror(self, n: int) -> httpx.AsyncClient:
        return self.person(Role.JUROR, juror_email(n), f"Giám Khảo {n}")

    async def feed(self, *events: Event) -> None:  # type: ignore[type-arg]
        """Hand events to judging's own handlers, as its consumers do, in one transaction each."""
        for event in events:
            async with self.runtime.db.transaction() as session:
                if isinstance(event, ContestPublished):
                    await project_contest(event, session)
                elif isinstance(event, EntryScreened):
                    await project_screening(event, session)
                else:
                    raise TypeError(type(event))

    async def events(self, event_type: type[E]) -> list[E]:
        table = self.runtime.outbox.table
        async with self.runtime.db.reading() as session:
            rows = await session.execute(
                sa.select(table.c.body)
                .where(table.c.subject == event_type.SUBJECT)
                .order_by(table.c.id)
            )
            return [event_type.model_validate_json(body) for (body,) in rows]

    async def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    # --- set-up steps ------------------------------------------------------------------

    async def council(self, kind: str, name: str) -> str:
        made = await self.secretariat.post(
            f"/api/contests/{self.contest_id}/councils", json={"kind": kind, "name": name}
        )
        body = await self.ok(made, 201)
        return str(body["council_id"])

    async def member(self, council_id: str, n: int, **extra: Any) -> str:
        body = {
            "email": juror_email(n),
            "display_name": f"Giám Khảo {n}",
            "organisation": f"Đài PT-TH số {n}",
            "role": "juror",
            **extra,
        }
        made = await self.secretariat.post(f"/api/councils/{council_id}/members", json=body)
        return str((await self.ok(made, 201))["member_id"])

    async def round(self, council_id: str, kind: str = "preliminary", **extra: Any) -> str:
        body = {
            "council_id": council_id,
            "kind": kind,
            "name": "Vòng sơ khảo" if kind == "preliminary" else "Vòng chung khảo",
            "criteria": CRITERIA,
            "jurors_per_entry": 2,
            "deadline": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
            "method": "mean",
            **({"advance_top_n": 2} if kind == "preliminary" else {}),
            **extra,
        }
        made = await self.secretariat.post(f"/api/contests/{self.contest_id}/rounds", json=body)
        return str((await self.ok(made, 201))["round_id"])

    async def assign_and_release(self, round_id: str) -> dict[str, Any]:
        plan = await self.ok(await self.secretariat.post(f"/api/rounds/{round_id}/assign"))
        await self.ok(await self.secretariat.post(f"/api/rounds/{round_id}/release"))
        return dict(plan)

    async def my_assignments(self, n: int, round_id: str) -> list[dict[str, Any]]:
        got = await self.juror(n).get(f"/api/my/rounds/{round_id}/assignments")
        return list(await self.ok(got))

    async def score(
        self, n: int, assignment_id: str, points: dict[str, float], submit: bool = True
    ) -> httpx.Response:
        return await self.juror(n).put(
            f"/api/my/assignments/{assignment_id}/score",
            json={"points": points, "comment": "Tác phẩm có sức lan toả.", "submit": submit},
        )


def juror_email(n: int) -> str:
    return f"giamkhao{n}@hoidong.lantoa.vn"


def points_for(total: float) -> dict[str, float]:
    """Points over the four criteria that add up to ``total`` (0–100)."""
    share = total / 100
    return {
        "content": round(40 * share, 2),
        "discovery": round(20 * share, 2),
        "form": round(20 * share, 2),
        "effect": round(100 * share - round(40 * share, 2) - 2 * round(20 * share, 2), 2),
    }
