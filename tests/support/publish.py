"""The publish service in this process, on the session's nats-server, SeaweedFS and each
database; events are handed to publish's own handlers as its consumers do."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa
from cryptography.fernet import Fernet
from fastapi import FastAPI

from services.publish.main import create_app
from services.publish.settings import PublishSettings
from shared.auth import Role
from shared.contracts.base import Event
from shared.contracts.judging import ResultsApproved, ResultsApprovedPayload, Winner
from shared.contracts.submissions import (
    Authorship,
    Exemplar,
    MediaKind,
    Publication,
    SubmittedFile,
)
from shared.runtime import ServiceRuntime
from shared.storage import ObjectStorage
from tests.conftest import DatabaseTarget
from tests.support.app import running, service_settings
from tests.support.infra import Infra, forget_earlier_events
from tests.support.keys import sign_token

E = TypeVar("E", bound=Event)  # type: ignore[type-arg]

CONTEST_ID = "contest-1"


@dataclass
class Publish:
    app: FastAPI
    client: httpx.AsyncClient  # anonymous: the public
    infra: Infra

    @property
    def runtime(self) -> ServiceRuntime:
        runtime: ServiceRuntime = self.app.state.runtime
        return runtime

    @property
    def settings(self) -> PublishSettings:
        settings: PublishSettings = self.runtime.settings  # type: ignore[assignment]
        return settings

    @property
    def storage(self) -> ObjectStorage:
        return self.runtime.storage

    def as_role(self, role: Role, email: str = "", name: str = "Người Thử") -> httpx.AsyncClient:
        """A client carrying a signed token with ``role``."""
        email = email or f"{role.value}@so.lantoa.vn"
        token = sign_token(
            self.infra.private_key, roles=[role], subject=f"acc-{email}", email=email, name=name
        )
        return httpx.AsyncClient(
            transport=self.client._transport,
            base_url=self.client.base_url,
            headers={"Authorization": f"Bearer {token}", "Origin": str(self.client.base_url)},
            timeout=60,
        )

    async def feed(self, *events: Event) -> None:  # type: ignore[type-arg]
        """Hand events to publish's own handlers, one transaction each, as its consumers do."""
        handlers = {s.event_type: s.handler for s in self.runtime.definition.subscriptions}
        for event in events:
            handler = handlers[type(event)]
            assert handler is not None
            async with self.runtime.db.transaction() as session:
                await handler(event, session)

    async def events(self, event_type: type[E]) -> list[E]:
        """Events of a type publish wrote to its outbox, oldest first."""
        table = self.runtime.outbox.table
        async with self.runtime.db.reading() as session:
            rows = await session.execute(
                sa.select(table.c.body)
                .where(table.c.subject == event_type.SUBJECT)
                .order_by(table.c.id)
            )
            return [event_type.model_validate_json(body) for (body,) in rows]


def publish_settings(infra: Infra, database: DatabaseTarget, **extra: Any) -> PublishSettings:
    values: dict[str, Any] = {
        "public_url": "http://testserver",
        "portal_url": "https://thi.lantoa.vn",
        "credentials_key": Fernet.generate_key().decode(),
        "jobs_poll_seconds": 0.2,
        "retry_base_seconds": 0.2,
        "jobs_lease_seconds": 10.0,
        "outlet_timeout_seconds": 5.0,
        "outlet_allow_private_hosts": True,
        **extra,
    }
    return PublishSettings(**service_settings(infra, database.url, database.schema, **values))


@asynccontextmanager
async def publish_running(
    infra: Infra, database: DatabaseTarget, **extra: Any
) -> AsyncIterator[Publish]:
    await forget_earlier_events(infra)
    app = create_app(publish_settings(infra, database, **extra))
    async with running(app) as client:
        yield Publish(app=app, client=client, infra=infra)


# --- approved results, as judging sends them ------------------------------------------------


def media_file(
    number: int, kind: MediaKind, media_type: str, data: bytes, key: str
) -> SubmittedFile:
    """A file of a winning work; store ``data`` at ``key`` yourself (see ``store``)."""
    return SubmittedFile(
        file_id=f"file-{number}-{kind.value}",
        kind=kind,
        media_type=media_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        object_key=key,
    )


async def store(storage: ObjectStorage, key: str, data: bytes, content_type: str) -> None:
    await storage.ensure_bucket()
    await storage.put_bytes(key, data, content_type)


def winner(
    number: int,
    category: str = "BC",
    tier: str = "A",
    *,
    title: str | None = None,
    consent: bool = True,
    files: tuple[SubmittedFile, ...] = (),
    exemplars: tuple[Exemplar, ...] = (),
    authors: tuple[Authorship, ...] = (),
) -> Winner:
    tiers = {"A": ("Giải A", 10_000_000), "B": ("Giải B", 7_000_000), "C": ("Giải C", 5_000_000)}
    tier_name, prize = tiers.get(tier, ("Khuyến khích", 2_000_000))
    names = {"BC": "Báo in, báo điện tử", "TH": "Truyền hình", "PT": "Phát thanh", "AN": "Ảnh"}
    return Winner(
        entry_id=f"entry-{category}-{number:04d}",
        code=f"{category}-{number:03d}",
        title=title or f"Người tốt việc tốt ở bản Khòn Pổ số {number}",
        category_id=f"cat-{category}",
        category_code=category,
        category_name=names.get(category, category),
        tier_code=tier,
        tier_name=tier_name,
        prize_vnd=prize,
        score=90.0 - number / 10,
        synopsis="Chuyện về người thầy giáo cắm bản ở xã Khánh Khê, huyện Văn Quan.",
        exemplars=exemplars
        or (Exemplar(name="Hoàng Văn Thụ", locality="Văn Quan", field="Giáo dục"),),
        files=files,
        authors=authors
        or (
            Authorship(
                full_name=f"Nguyễn Thị Hoà {number}",
                pen_name="Hoà Bình",
                organisation="Báo Lạng Sơn",
                email=f"tacgia{number}@bao.lantoa.vn",
            ),
        ),
        district="Văn Quan",
        publication=Publication(outlet="Báo Lạng Sơn", url="https://baolangson.vn/bai-viet"),
        consent_republication=consent,
    )


def results_event(
    winners: tuple[Winner, ...],
    contest_id: str = CONTEST_ID,
    snapshot: str = "a" * 64,
    approved_at: datetime | None = None,
) -> ResultsApproved:
    return ResultsApproved(
        contest_id=contest_id,
        payload=ResultsApprovedPayload(
            contest_id=contest_id,
            contest_code="NTVT",
            contest_title="Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn",
            round_id="round-final",
            approved_at=approved_at or datetime.now(UTC),
            approved_by="acc-organizer",
            method="ballot",
            snapshot_hash=snapshot,
            total_prize_vnd=sum(w.prize_vnd for w in winners),
            prize_budget_vnd=100_000_000,
            winners=winners,
        ),
    )


# --- the exemplar press room: import files, as organizers' spreadsheets write them ------------

from collections.abc import Sequence  # noqa: E402

EXEMPLAR_HEADER = (
    "Họ và tên / Tên tập thể",
    "Cá nhân/Tập thể",
    "Đơn vị",
    "Cụm thi đua",
    "Huyện/Thành phố",
    "Lĩnh vực",
    "Thành tích",
    "Liên hệ",
    "Đồng ý công bố",
)


def exemplar_row(
    name: str,
    unit: str = "Trường PTDTBT Tiểu học Khánh Khê",
    *,
    kind: str = "Cá nhân",
    cluster: str = "Cụm thi đua số 3",
    district: str = "Văn Quan",
    field: str = "Giáo dục",
    achievements: str = "Hơn 20 năm cắm bản dạy chữ cho con em đồng bào Tày, Nùng.",
    contact: str = "0912 345 678",
    consent: str = "Có",
) -> tuple[str, ...]:
    return (name, kind, unit, cluster, district, field, achievements, contact, consent)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: letters it lacks precomposed ("ụ") become a
    base letter it has ("u", "ơ", "â" …) followed by a combining tone mark."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return bytes(out)


def exemplars_csv(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = EXEMPLAR_HEADER,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> bytes:
    """A CSV of exemplars; ``encoding`` "utf-8", "utf-8-sig" (BOM), "utf-16" (BOM) or
    "cp1258" (see ``to_cp1258``)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    return to_cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def exemplars_xlsx(
    rows: Sequence[Sequence[str]], *, header: Sequence[str] = EXEMPLAR_HEADER, title: str = ""
) -> bytes:
    """An XLSX workbook made with openpyxl, optionally with a title row above the header."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
