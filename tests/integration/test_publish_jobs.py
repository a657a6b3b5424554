"""Publication jobs end to end: approved winners reach a local WordPress and a local Zalo OA
through the runner, byte-exact and once, with retries, give-ups, token refresh and retraction;
every outcome recorded with its event in the outbox."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.publish.jobs.models import PublicationAttempt, PublicationJob
from services.publish.jobs.runner import PublicationRunner
from services.publish.jobs.service import plan_publications
from services.publish.outlets.crypto import sealer_for
from services.publish.outlets.models import ZALO_TOKENS, OutletRecord
from services.publish.winners.preparation import Preparation
from shared.auth import Role
from shared.contracts.base import utc_now
from shared.contracts.publish import PublicationCompleted, PublicationFailed
from shared.contracts.submissions import MediaKind
from tests.conftest import DatabaseTarget
from tests.support import media_samples
from tests.support.infra import Infra
from tests.support.publish import (
    CONTEST_ID,
    Publish,
    media_file,
    publish_running,
    results_event,
    store,
    winner,
)
from tests.support.wordpress import APP_PASSWORD, USER, FakeWordPress
from tests.support.zalo import APP_ID, APP_SECRET, FakeZalo

TEXT = (
    "Thầy Hoàng Văn Thụ đã gắn bó hai mươi năm với điểm trường Khòn Pổ.\n\n"
    "Mỗi sáng, thầy lội suối đón học trò <những đứa trẻ> người Tày, người Nùng."
)
FAST = {"outlet_timeout_seconds": 1.0, "retry_base_seconds": 0.2, "jobs_poll_seconds": 0.1}


def sqlite(tmp_path: Path) -> DatabaseTarget:
    """Where the database does not matter, one SQLite file (the suite must stay fast)."""
    return DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/publish.db", None)


@pytest.fixture
def wordpress() -> Iterator[FakeWordPress]:
    fake = FakeWordPress().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("photo") / "a.jpg"
    return media_samples.jpeg_with_exif(path).read_bytes()


async def photo_winner(publish: Publish, photo: bytes, number: int = 1, **kw: Any) -> Any:
    key_p, key_t = f"jobs-test/{number}/photo.jpg", f"jobs-test/{number}/text.txt"
    await store(publish.storage, key_p, photo, "image/jpeg")
    await store(publish.storage, key_t, TEXT.encode(), "text/plain")
    text = media_file(1, MediaKind.TEXT, "application/pdf", b"%PDF-1.4 x", f"{key_t}.pdf")
    text = text.model_copy(update={"text_key": key_t})
    files = (text, media_file(2, MediaKind.IMAGE, "image/jpeg", photo, key_p))
    return winner(number, "BC", files=files, **kw)


async def wordpress_outlet(publish: Publish, wp: FakeWordPress, **extra: Any) -> dict[str, Any]:
    async with publish.as_role(Role.ORGANIZER) as organizer:
        response = await organizer.post(
            "/api/outlets",
            json={
                "contest_id": CONTEST_ID,
                "name": "Báo Lạng Sơn điện tử",
                "kind": "wordpress",
                "address": wp.url,
                "credentials": {"username": USER, "application_password": APP_PASSWORD},
                **extra,
            },
        )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def zalo_outlet(publish: Publish, fake: FakeZalo) -> dict[str, Any]:
    async with publish.as_role(Role.ORGANIZER) as organizer:
        response = await organizer.post(
            "/api/outlets",
            json={
                "contest_id": CONTEST_ID,
                "name": "Zalo OA Sở Thông tin",
                "kind": "zalo_oa",
                "address": fake.url,
                "settings": {"app_id": APP_ID, "oauth_url": f"{fake.url}/oauth"},
                "credentials": {
                    "app_secret": APP_SECRET,
                    "access_token": fake.access_token,
                    "refresh_token": fake.refresh_token,
                },
            },
        )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def jobs(publish: Publish) -> list[PublicationJob]:
    async with publish.runtime.db.reading() as session:
        return list(await session.scalars(sa.select(PublicationJob)))


async def attempts(publish: Publish, job_id: str) -> list[tuple[str, str]]:
    async with publish.runtime.db.reading() as session:
        rows = await session.scalars(
            sa.select(PublicationAttempt)
            .where(PublicationAttempt.job_id == job_id, PublicationAttempt.actor == "")
            .order_by(PublicationAttempt.attempt_id)
        )
        return [(r.action, r.outcome) for r in rows]


async def until(check: Callable[[], Awaitable[bool]], seconds: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.05)


async def settled(publish: Publish, *statuses: str) -> PublicationJob:
    found: list[PublicationJob] = []

    async def done() -> bool:
        found[:] = [j for j in await jobs(publish) if j.status in statuses]
        return bool(found)

    try:
        await until(done)
    except AssertionError as error:
        seen = [(j.entry_id, j.status, j.last_error) for j in await jobs(publish)]
        raise AssertionError(f"no job {statuses}: {seen}") from error
    return found[0]


@pytest.fixture
async def running_publish(infra: Infra, database: DatabaseTarget) -> AsyncIterator[Publish]:
    async with publish_running(infra, database, **FAST) as publish:
        yield publish


async def test_a_winner_reaches_wordpress_once_byte_exact_and_can_be_retracted(
    running_publish: Publish, wordpress: FakeWordPress, photo: bytes
) -> None:
    publish = running_publish
    outlet = await wordpress_outlet(publish, wordpress)
    consented = await photo_winner(publish, photo, 1)
    refused = winner(2, "BC", consent=False)
    event = results_event((consented, refused))
    await publish.feed(event)
    await publish.feed(results_event((consented, refused), snapshot="b" * 64))  # re-approval

    job = await settled(publish, "published", "failed")
    assert job.status == "published", job.last_error
    assert [j.entry_id for j in await jobs(publish)] == [consented.entry_id]  # no consent: no job
    async with publish.runtime.db.transaction() as session:  # and planning again adds none
        assert await plan_publications(session, CONTEST_ID, [consented.entry_id], utc_now()) == 0

    assert wordpress.problems == []
    ((media_id, media),) = wordpress.media.items()
    assert media == {
        "filename": "BC-001-2.jpg",
        "content_type": "image/jpeg",
        "sha256": hashlib.sha256(photo).hexdigest(),
        "size": len(photo),
    }
    ((post_id, post),) = wordpress.posts.items()
    assert post["featured_media"] == media_id and post["status"] == "publish"
    assert post["title"] == consented.title
    assert "lội suối đón học trò &lt;những đứa trẻ&gt;" in post["content"]  # escaped
    assert "http://testserver/tac-pham/BC-001" in post["content"]
    assert "tacgia1@" not in post["content"]  # an author's e-mail never leaves
    assert job.remote_id == str(post_id) and job.remote_url == f"{wordpress.url}/?p={post_id}"
    assert job.outlet_id == outlet["outlet_id"] and job.attempts == 1

    completed = await publish.events(PublicationCompleted)
    assert [(e.payload.job_id, e.payload.url) for e in completed] == [(job.job_id, job.remote_url)]
    assert completed[0].payload.entry_code == "BC-001"
    assert completed[0].payload.outlet_name == "Báo Lạng Sơn điện tử"

    async with publish.as_role(Role.ORGANIZER) as organizer:
        empty = await organizer.post(f"/api/jobs/{job.job_id}/retract", json={"reason": " "})
        assert empty.status_code == 422 and "lý do" in empty.json()["detail"]
        asked = await organizer.post(
            f"/api/jobs/{job.job_id}/retract", json={"reason": "Tác giả xin rút bài"}
        )
        assert asked.status_code == 200, asked.text
    gone = await settled(publish, "retracted")
    assert wordpress.posts[post_id]["status"] == "draft"  # unpublished, not deleted
    assert gone.retract_reason == "Tác giả xin rút bài"
    assert wordpress.calls.count("POST /wp-json/wp/v2/posts") == 1  # published once
    assert len(await publish.events(PublicationCompleted)) == 1


async def test_an_outlet_failing_twice_is_retried_with_backoff_then_published(
    infra: Infra, wordpress: FakeWordPress, photo: bytes, tmp_path: Path
) -> None:
    async with publish_running(infra, sqlite(tmp_path), **FAST) as publish:
        await wordpress_outlet(publish, wordpress)
        wordpress.fail_next = 2
        await publish.feed(results_event((await photo_winner(publish, photo, 3),)))
        job = await settled(publish, "published", "failed")
        assert job.status == "published" and job.attempts == 3
        assert await attempts(publish, job.job_id) == [
            ("publish", "temporary"),
            ("publish", "temporary"),
            ("publish", "ok"),
        ]
        assert len(await publish.events(PublicationCompleted)) == 1
        assert await publish.events(PublicationFailed) == []
        assert len(wordpress.posts) == 1 and wordpress.problems == []


async def test_a_post_failing_after_its_media_went_up_does_not_upload_them_twice(
    infra: Infra, wordpress: FakeWordPress, photo: bytes, tmp_path: Path
) -> None:
    async with publish_running(infra, sqlite(tmp_path), **FAST) as publish:
        await wordpress_outlet(publish, wordpress)
        wordpress.fail_posts_next = 1  # the photo goes up, then creating the post fails
        await publish.feed(results_event((await photo_winner(publish, photo, 8),)))
        job = await settled(publish, "published", "failed")
        assert job.status == "published" and job.attempts == 2
        ((media_id, _),) = wordpress.media.items()  # one upload, used by the second try
        ((_, post),) = wordpress.posts.items()
        assert post["featured_media"] == media_id
        assert wordpress.calls.count("POST /wp-json/wp/v2/media") == 1
        assert job.answer["media_ids"] == [media_id] and "progress" not in job.answer


async def test_an_outlet_that_hangs_is_tried_again_and_a_wrong_password_fails_for_good(
    infra: Infra, wordpress: FakeWordPress, photo: bytes, tmp_path: Path
) -> None:
    async with publish_running(infra, sqlite(tmp_path), **FAST) as publish:
        await wordpress_outlet(publish, wordpress)
        wordpress.hang_next = 1  # longer than the 1 s the runner waits
        first = await photo_winner(publish, photo, 4)
        await publish.feed(results_event((first,)))
        job = await settled(publish, "published", "failed")
        assert job.status == "published"
        assert await attempts(publish, job.job_id) == [
            ("publish", "temporary"),
            ("publish", "ok"),
        ]

        # The newsroom revoked the application password: failed at once, never retried.
        wordpress.mode = "unauthorized"
        calls = len(wordpress.calls)
        await publish.feed(
            results_event((first, await photo_winner(publish, photo, 5)), snapshot="c" * 64)
        )
        failed = await settled(publish, "failed")
        assert failed.attempts == 1 and "sai tên hoặc mật khẩu ứng dụng" in (
            failed.last_error or ""
        )
        (event,) = await publish.events(PublicationFailed)
        assert event.payload.job_id == failed.job_id and event.payload.entry_code == "BC-005"
        assert "mật khẩu ứng dụng" in (event.payload.reason or "")
        await asyncio.sleep(0.5)  # the runner polls every 0.1 s: nothing more is tried
        assert len(wordpress.calls) == calls + 1
        assert (await jobs_by_entry(publish))[failed.entry_id].status == "failed"


async def jobs_by_entry(publish: Publish) -> dict[str, PublicationJob]:
    return {j.entry_id: j for j in await jobs(publish)}


async def stored_zalo_tokens(publish: Publish, outlet_id: str) -> dict[str, Any]:
    async with publish.runtime.db.reading() as session:
        row = (
            (
                await session.execute(
                    sa.select(ZALO_TOKENS).where(ZALO_TOKENS.c.account == outlet_id)
                )
            )
            .mappings()
            .one()
        )
    return dict(row)


async def test_an_expired_zalo_token_is_refreshed_once_and_kept_sealed(
    running_publish: Publish, zalo: FakeZalo, photo: bytes
) -> None:
    publish = running_publish
    outlet = await zalo_outlet(publish, zalo)
    assert outlet["credentials_set"] == ["access_token", "app_secret", "refresh_token"]
    before = await stored_zalo_tokens(publish, outlet["outlet_id"])
    assert "access-1" not in str(before) and "refresh-1" not in str(before)  # sealed
    zalo.expire_access_token()  # Zalo refuses access-1 from now on (-216)

    await publish.feed(results_event((await photo_winner(publish, photo, 6),)))
    job = await settled(publish, "published", "failed")
    assert job.status == "published", job.last_error
    assert zalo.refresh_tokens_used == ["refresh-1"]  # refreshed once
    assert zalo.problems == []
    ((article_id, article),) = zalo.articles.items()
    assert job.remote_id == article_id
    assert article["status"] == "show" and article["title"] == winner(6).title
    assert article["cover"]["photo_url"].startswith("http")
    texts = [p["content"] for p in article["body"] if p["type"] == "text"]
    assert any("lội suối đón học trò" in t for t in texts)

    after = await stored_zalo_tokens(publish, outlet["outlet_id"])
    assert after["version"] == before["version"] + 1
    assert zalo.refresh_token not in str(after) and zalo.access_token not in str(after)
    sealer = sealer_for(publish.settings)
    assert sealer.open(after["refresh_token"]) == zalo.refresh_token == "refresh-2"
    assert sealer.open(after["access_token"]) == zalo.access_token
    async with publish.runtime.db.reading() as session:
        record = await session.get(OutletRecord, outlet["outlet_id"])
        assert record is not None and APP_SECRET not in record.credentials

    async with publish.as_role(Role.ORGANIZER) as organizer:
        asked = await organizer.post(
            "/api/jobs/retract-winner", json={"entry_id": job.entry_id, "reason": "Sai tên"}
        )
        assert asked.json() == {"jobs": 1}
    await settled(publish, "retracted")
    assert zalo.articles[article_id]["status"] == "hide"  # hidden, not deleted
    assert zalo.problems == []


async def test_a_refused_zalo_refresh_fails_for_good_asking_for_new_tokens(
    infra: Infra, zalo: FakeZalo, photo: bytes, tmp_path: Path
) -> None:
    async with publish_running(infra, sqlite(tmp_path), **FAST) as publish:
        await zalo_outlet(publish, zalo)
        zalo.expire_access_token()
        zalo.refresh_token = "refresh-issued-elsewhere"  # ours was spent by someone else
        await publish.feed(results_event((await photo_winner(publish, photo, 7),)))
        job = await settled(publish, "published", "failed")
        assert job.status == "failed" and job.attempts == 1
        assert "cần đặt lại token" in (job.last_error or "")
        assert zalo.articles == {}
        (event,) = await publish.events(PublicationFailed)
        assert "đặt lại token" in (event.payload.reason or "")


async def test_runners_of_several_replicas_publish_each_work_once(
    running_publish: Publish, wordpress: FakeWordPress, photo: bytes
) -> None:
    publish = running_publish
    await wordpress_outlet(publish, wordpress)
    winners = [await photo_winner(publish, photo, n) for n in range(10, 16)]
    # Two more replicas' runners race the service's own for the same jobs.
    others = [PublicationRunner(publish.runtime), PublicationRunner(publish.runtime)]
    try:
        await publish.feed(results_event(tuple(winners)))
        await Preparation(publish.runtime).tick()
        claimed = await asyncio.gather(*(r.run_once() for r in others))
        assert sum(claimed) <= len(winners)

        async def all_published() -> bool:
            return all(j.status == "published" for j in await jobs(publish))

        await until(all_published)
    finally:
        for runner in others:
            await runner.stop(1.0)
    assert len(wordpress.posts) == len(winners)  # one post per work, whoever ran it
    # One successful try per job (a slow machine may add a timed-out one, never a second post).
    for job in await jobs(publish):
        assert (await attempts(publish, job.job_id)).count(("publish", "ok")) == 1
    assert len(await publish.events(PublicationCompleted)) == len(winners)


async def test_a_re_approval_takes_down_what_is_no_longer_publishable(
    infra: Infra, wordpress: FakeWordPress, photo: bytes, tmp_path: Path
) -> None:
    """Dropped from the results, or consent withdrawn: its posts go back to draft; an
    organizer's take-down of a whole winner also cancels it in the feeds and the gallery, and
    a later re-approval does not bring it back."""
    async with publish_running(infra, sqlite(tmp_path), **FAST) as publish:
        await wordpress_outlet(publish, wordpress)
        first, second, third = [await photo_winner(publish, photo, n) for n in (4, 5, 6)]
        await publish.feed(results_event((first, second, third)))
        await until(lambda: _count(publish, "published", 3))

        no_consent = second.model_copy(update={"consent_republication": False})
        await publish.feed(results_event((first, no_consent), snapshot="c" * 64))
        await until(lambda: _count(publish, "retracted", 2))
        by_entry = await jobs_by_entry(publish)
        assert by_entry[first.entry_id].status == "published"
        for dropped in (second, third):
            job = by_entry[dropped.entry_id]
            assert wordpress.posts[int(job.remote_id or 0)]["status"] == "draft"
            assert "phê duyệt lại" in (job.retract_reason or "")
        gallery = await publish.client.get("/feeds/ninjs/BC-006.json")
        assert gallery.json()["pubStatus"] == "canceled"  # dropped from the results

        async with publish.as_role(Role.ORGANIZER) as organizer:
            taken = await organizer.post(
                "/api/jobs/retract-winner",
                json={"entry_id": first.entry_id, "reason": "Khiếu nại về bản quyền ảnh"},
            )
            assert taken.status_code == 200, taken.text
        await until(lambda: _count(publish, "retracted", 3))
        item = (await publish.client.get("/feeds/ninjs/BC-004.json")).json()
        assert item["pubStatus"] == "canceled"
        assert (await publish.client.get("/tac-pham/BC-004")).status_code == 404

        await publish.feed(results_event((first, no_consent), snapshot="d" * 64))
        assert (await publish.client.get("/tac-pham/BC-004")).status_code == 404  # stays down
        assert [j.status for j in await jobs(publish)].count("scheduled") == 0
        assert wordpress.calls.count("POST /wp-json/wp/v2/posts") == 3  # each published once


async def _count(publish: Publish, status: str, wanted: int) -> bool:
    return [j.status for j in await jobs(publish)].count(status) == wanted


async def test_a_job_waits_for_its_date_and_goes_when_rescheduled(
    infra: Infra, wordpress: FakeWordPress, photo: bytes, tmp_path: Path
) -> None:
    """Publishing after the ceremony: nothing leaves before the outlet's start date; the
    organizer moves a job to now (a time without a zone is refused) and it goes."""
    ceremony = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    async with publish_running(infra, sqlite(tmp_path), **FAST) as publish:
        await wordpress_outlet(publish, wordpress, publish_from=ceremony.isoformat())
        await publish.feed(results_event((await photo_winner(publish, photo, 7),)))
        await asyncio.sleep(1.0)  # the runner polls every 0.1 s
        (job,) = await jobs(publish)
        assert job.status == "scheduled" and job.due_at == ceremony
        assert wordpress.calls == []

        async with publish.as_role(Role.ORGANIZER) as organizer:
            naive = await organizer.post(
                f"/api/jobs/{job.job_id}/reschedule", json={"at": "2026-12-01T08:00:00"}
            )
            assert naive.status_code == 422 and "múi giờ" in naive.text
            now = datetime.now(UTC).isoformat()
            moved = await organizer.post(f"/api/jobs/{job.job_id}/reschedule", json={"at": now})
            assert moved.status_code == 200, moved.text
        published = await settled(publish, "published", "failed")
        assert published.status == "published" and len(wordpress.posts) == 1
