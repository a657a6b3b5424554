"""Announcement API for organizers."""

from __future__ import annotations

from fastapi import APIRouter, status

from shared.web import Runtime

from ..deps import Organizer, notify_settings
from ..planning import Planner
from . import service
from .schemas import AnnouncementIn, AnnouncementOut, PreviewOut

router = APIRouter(prefix="/api/contests/{contest_id}/announcements", tags=["announcements"])


@router.post("", response_model=AnnouncementOut, status_code=status.HTTP_201_CREATED)
async def send_announcement(
    contest_id: str, data: AnnouncementIn, runtime: Runtime, who: Organizer
) -> AnnouncementOut:
    planner = Planner(notify_settings(runtime))
    async with runtime.db.transaction() as session:
        row = await service.send(session, planner, who, contest_id, data)
        return AnnouncementOut.model_validate(row, from_attributes=True)


@router.post("/preview", response_model=PreviewOut)
async def preview_announcement(
    contest_id: str, data: AnnouncementIn, runtime: Runtime, _: Organizer
) -> PreviewOut:
    async with runtime.db.reading() as session:
        count, rendered = await service.preview(
            session, contest_id, data, notify_settings(runtime).public_url
        )
    return PreviewOut(
        recipients=count, subject=rendered.subject, text=rendered.text, html=rendered.html
    )


@router.get("", response_model=list[AnnouncementOut])
async def list_announcements(
    contest_id: str, runtime: Runtime, _: Organizer
) -> list[AnnouncementOut]:
    async with runtime.db.reading() as session:
        await service.contest_or_404(session, contest_id)
        rows = await service.announcements_of(session, contest_id)
        return [AnnouncementOut.model_validate(r, from_attributes=True) for r in rows]
