"""The submissions service in this process, on real NATS, SeaweedFS and each database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from services.judging.main import create_app as create_judging_app
from services.judging.settings import JudgingSettings
from services.submissions.accounts.service import create_account
from services.submissions.main import create_app
from services.submissions.settings import SubmissionsSettings
from shared.auth import Role
from shared.contracts.base import Event
from shared.runtime import ServiceRuntime
from tests.conftest import DatabaseTarget
from tests.support.app import running, service_settings
from tests.support.flows import contest_body
from tests.support.infra import Infra
from tests.support.judging import Judging, contest_event
from tests.support.keys import sign_token

E = TypeVar("E", bound=Event)  # type: ignore[type-arg]


@dataclass
class Submissions:
    app: FastAPI
    client: httpx.AsyncClient  # anonymous
    infra: Infra

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    def as_token(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=self.client._transport,
            base_url=self.client.base_url,
            headers={"Authorization": f"Bearer {token}", "Origin": str(self.client.base_url)},
            timeout=60,
        )

    async def person(
        self, role: Role, email: str, name: str = "Người Thử Nghiệm"
    ) -> httpx.AsyncClient:
        """An account with ``role`` and a client signed in as it."""
        async with self.runtime.db.transaction() as session:
            account = await create_account(
                session, email=email, password="mat-khau-du-dai", display_name=name, roles=[role]
            )
        token = sign_token(
            self.infra.private_key,
            roles=[role],
            subject=account.account_id,
            email=email,
            name=name,
        )
        return self.as_token(token)

    async def events(self, event_type: type[E]) -> list[E]:
        """Events of a type this service wrote to its outbox, oldest first."""
        table = self.runtime.outbox.table
        async with self.runtime.db.reading() as session:
            rows = await session.execute(
                sa.select(table.c.body)
                .where(table.c.subject == event_type.SUBJECT)
                .order_by(table.c.id)
            )
            return [event_type.model_validate_json(body) for (body,) in rows]

    async def contest(self, code: str, **changes: Any) -> str:
        organizer = await self.person(Role.ORGANIZER, f"btc-{code.lower()}@so.lantoa.vn")
        body = contest_body(code)
        body.update(changes)
        created = await organizer.post("/api/contests", json=body)
        assert created.status_code == 201, created.text
        contest_id: str = created.json()["contest_id"]
        published = await organizer.post(f"/api/contests/{contest_id}/publish", json={})
        assert published.status_code == 200, published.text
        return contest_id


@pytest.fixture
async def submissions(infra: Infra, database: DatabaseTarget) -> AsyncIterator[Submissions]:
    settings = SubmissionsSettings(
        **service_settings(
            infra,
            database.url,
            database.schema,
            auth_private_key_file=infra.private_key,
            public_url="http://testserver",
        )
    )
    app = create_app(settings)
    async with running(app) as client:
        yield Submissions(app=app, client=client, infra=infra)


@pytest.fixture
async def judging(infra: Infra, database: DatabaseTarget) -> AsyncIterator[Judging]:
    """The judging service on each database, with a published contest in its projection."""
    settings = JudgingSettings(
        **service_settings(
            infra,
            database.url,
            database.schema,
            public_url="http://testserver",
            reminder_poll_seconds=0.2,
        )
    )
    app = create_judging_app(settings)
    async with running(app) as client:
        harness = Judging(app=app, client=client, infra=infra)
        await harness.feed(contest_event(harness.contest_id))
        yield harness
