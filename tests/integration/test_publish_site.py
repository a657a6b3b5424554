"""The public site on real storage and each database: approved winners recorded once however
often judging re-approves, prepared from storage (text and durations), shown in the gallery
and on work pages only as far as their authors consented; news by the organizers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from services.publish.winners.models import WinningWork
from services.publish.winners.preparation import Preparation
from services.publish.winners.service import record_winners, works_for
from shared.contracts.judging import Winner
from shared.contracts.submissions import Exemplar, MediaKind
from tests.support import media_samples
from tests.support.judging import contest_event
from tests.support.publish import (
    CONTEST_ID,
    Publish,
    media_file,
    publish_running,
    results_event,
    store,
    winner,
)

TEXT = (
    "Thầy Hoàng Văn Thụ đã gắn bó hai mươi năm với điểm trường Khòn Pổ.\n\n"
    "Mỗi sáng, thầy lội suối đón học trò — những đứa trẻ người Tày, người Nùng."
)


async def record(publish: Publish, *winners_, snapshot: str = "a" * 64) -> list[str]:  # type: ignore[no-untyped-def]
    async with publish.runtime.db.transaction() as session:
        return await record_winners(results_event(tuple(winners_), snapshot=snapshot), session)


async def prepare_all(publish: Publish) -> int:
    """Let preparation (the service's worker, or this call) finish every recorded winner;
    returns how many winners there are."""
    for _ in range(100):
        await Preparation(publish.runtime).tick()
        async with publish.runtime.db.reading() as session:
            states = list(await session.scalars(sa.select(WinningWork.prepared_at)))
        if all(states):
            return len(states)
        await asyncio.sleep(0.1)
    raise AssertionError("winners were not prepared")


async def video_winner(publish: Publish, tmp_path: Path, number: int = 1, **kw: Any) -> Winner:
    video = media_samples.mp4_video(tmp_path / f"v{number}.mp4", seconds=2.0).read_bytes()
    key_v, key_t = f"publish-test/{number}/video.mp4", f"publish-test/{number}/doc.txt"
    await store(publish.storage, key_v, video, "video/mp4")
    await store(publish.storage, key_t, TEXT.encode(), "text/plain")
    await store(publish.storage, f"{key_t}.pdf", b"%PDF-1.4 x", "application/pdf")
    text_file = media_file(1, MediaKind.TEXT, "application/pdf", b"%PDF-1.4 x", f"{key_t}.pdf")
    text_file = text_file.model_copy(update={"text_key": key_t})
    files = (text_file, media_file(2, MediaKind.VIDEO, "video/mp4", video, key_v))
    return winner(number, "TH", files=files, **kw)


async def test_winners_are_recorded_once_prepared_and_retracted_when_dropped(  # type: ignore[no-untyped-def]
    infra, database, tmp_path: Path
) -> None:
    async with publish_running(infra, database) as publish:
        exemplar = Exemplar(name="Hoàng Văn Thụ", locality="Văn Quan", exemplar_id="ex-42")
        first = await video_winner(publish, tmp_path, 1, exemplars=(exemplar,))
        second = winner(2, "BC", "KK", consent=False)
        assert await record(publish, first, second) == [first.entry_id]

        # Preparation reads the text and the duration; unprepared works reach no outlet.
        async with publish.runtime.db.reading() as session:
            unprepared = await session.get(WinningWork, first.entry_id)
            assert unprepared is not None
            if unprepared.prepared_at is None:
                assert await works_for(session, [first.entry_id], publish.settings) == {}
        assert await prepare_all(publish) == 2
        async with publish.runtime.db.reading() as session:
            works = await works_for(session, [first.entry_id, second.entry_id], publish.settings)
            rows = {r.entry_id: r for r in await session.scalars(sa.select(WinningWork))}
        assert list(works) == [first.entry_id]  # no consent, no outlet
        work = works[first.entry_id]
        assert work.body_text is not None and "lội suối đón học trò" in work.body_text
        video = next(f for f in work.files if f.kind == "video")
        assert video.duration_s == pytest.approx(2.0, abs=0.2)
        assert video.download_name == "TH-001-2.mp4"
        assert work.credits == ("Nguyễn Thị Hoà 1 (bút danh Hoà Bình, Báo Lạng Sơn)",)
        assert work.page_url == "http://testserver/tac-pham/TH-001"
        assert work.ninjs["pubStatus"] == "usable"
        assert all("@" not in str(a) for r in rows.values() for a in r.authors)  # no e-mails

        # The same results again: nothing changes, not even a timestamp.
        before = {k: (r.updated_at, r.prepared_at) for k, r in rows.items()}
        await record(publish, first, second)
        async with publish.runtime.db.reading() as session:
            again = {
                r.entry_id: (r.updated_at, r.prepared_at)
                for r in await session.scalars(sa.select(WinningWork))
            }
        assert again == before

        # Re-approved without the second: it is retracted; the first stays.
        await record(publish, first, snapshot="b" * 64)
        async with publish.runtime.db.reading() as session:
            dropped = await session.get(WinningWork, second.entry_id)
            kept = await session.get(WinningWork, first.entry_id)
        assert dropped is not None and dropped.retracted_at is not None
        assert kept is not None and kept.retracted_at is None and kept.prepared_at is not None

        # A work whose authors did not consent: its words are never read into our database;
        # consent given in a re-approval reads them, consent withdrawn forgets them.
        private = await video_winner(publish, tmp_path, 3, consent=False)
        await record(publish, first, private, snapshot="c" * 64)
        await prepare_all(publish)
        assert await body_of(publish, private.entry_id) is None
        consented = private.model_copy(update={"consent_republication": True})
        await record(publish, first, consented, snapshot="d" * 64)
        await prepare_all(publish)
        assert "lội suối" in (await body_of(publish, private.entry_id) or "")
        await record(publish, first, private, snapshot="e" * 64)
        assert await body_of(publish, private.entry_id) is None


async def body_of(publish: Publish, entry_id: str) -> str | None:
    async with publish.runtime.db.reading() as session:
        row = await session.get(WinningWork, entry_id)
    assert row is not None
    return row.body_text


async def approved_site(publish: Publish, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A published contest with three winners: a consented video work with a text, a work
    without consent, and a consented one about to be dropped."""
    await publish.feed(contest_event(CONTEST_ID, ("BC", "TH")))
    exemplar = Exemplar(name="Hoàng Văn Thụ", locality="Văn Quan", exemplar_id="GD-0042")
    video = await video_winner(publish, tmp_path, 1, exemplars=(exemplar,))
    hidden = winner(2, "BC", "KK", consent=False, title="Bức thư không đăng lại")
    dropped = winner(3, "BC", "A", title="Tác phẩm sẽ bị gỡ")
    await publish.feed(results_event((video, hidden, dropped)))
    assert await prepare_all(publish) == 3
    return video, hidden, dropped


async def test_the_site_shows_what_is_public_and_only_that(infra, database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with publish_running(infra, database) as publish:
        video, hidden, dropped = await approved_site(publish, tmp_path)
        web = publish.client

        home = await web.get("/")
        assert home.status_code == 200 and "/cuoc-thi/NTVT" in home.text
        contest = await web.get("/cuoc-thi/NTVT")
        assert contest.status_code == 200
        assert "Lan toả những tấm gương bình dị" in contest.text
        assert "100.000.000 đ" in contest.text and "Nhận bài dự thi" in contest.text
        assert 'property="og:url" content="http://testserver/cuoc-thi/NTVT"' in contest.text

        # The gallery: category by category in the contest's order, best tier first.
        gallery = (await web.get("/cuoc-thi/NTVT/giai-thuong")).text
        positions = [gallery.index(t) for t in ("Tác phẩm sẽ bị gỡ", "Bức thư không đăng lại")]
        assert positions == sorted(positions)  # BC: giải A before khuyến khích
        assert gallery.index('id="the-loai-BC"') < gallery.index('id="the-loai-TH"')
        assert "tacgia" not in gallery and "@" not in gallery.split("<main")[1]
        web.cookies.set("lang", "en")
        english = (await web.get("/cuoc-thi/NTVT/giai-thuong")).text
        web.cookies.delete("lang")
        assert "Winning works" in english and "not republished in full" in english
        assert "không đăng lại toàn văn" in (await web.get("/cuoc-thi/NTVT/giai-thuong")).text

        # A consented work: the text, a video player, the press kit, Open Graph.
        page = (await web.get(f"/tac-pham/{video.code}")).text
        assert "lội suối đón học trò — những đứa trẻ người Tày, người Nùng." in page
        assert '<video controls preload="metadata"' in page
        assert f'<source src="/media/{video.code}/2" type="video/mp4">' in page
        assert f'href="/press-kits/{video.code}.zip"' in page
        assert 'href="/phong-bao-chi/GD-0042"' in page
        assert '<meta property="og:type" content="article">' in page
        assert f'content="http://testserver/tac-pham/{video.code}"' in page
        assert '<meta property="og:locale" content="vi_VN">' in page
        assert '<html lang="vi">' in page
        media = await web.get(f"/media/{video.code}/2")
        assert media.status_code == 302
        async with httpx.AsyncClient() as outside:
            stored = await outside.get(media.headers["location"])
        assert stored.status_code == 200 and stored.content[4:8] == b"ftyp"

        # Without consent: title, authors and tier; nothing else, anywhere.
        page = (await web.get(f"/tac-pham/{hidden.code}")).text
        assert "Bức thư không đăng lại" in page and "Nguyễn Thị Hoà 2" in page
        assert "chưa đồng ý cho đăng lại toàn văn" in page
        assert "<video" not in page and "/press-kits/" not in page and "/media/" not in page
        assert "người thầy giáo cắm bản" not in page  # not even the synopsis
        assert "Hoàng Văn Thụ" not in page.split("<main")[1]  # nor whom it is about
        assert (await web.get(f"/media/{hidden.code}/1")).status_code == 404
        kit = await web.get(f"/press-kits/{hidden.code}.zip")
        assert kit.status_code == 404 and "chưa đồng ý" in kit.json()["detail"]
        item = (await web.get(f"/feeds/ninjs/{hidden.code}.json")).json()
        assert "bodies" not in item and "renditions" not in item
        assert item["representationType"] == "partial" and item["pubStatus"] == "usable"
        assert "descriptions" not in item and "located" not in item
        assert [p["rel"] for p in item["people"]] == ["creator"]

        # Re-approved without the third: the gallery hides it, its page is gone, the feed
        # tells newsrooms it is canceled.
        await publish.feed(results_event((video, hidden), snapshot="b" * 64))
        gallery = (await web.get("/cuoc-thi/NTVT/giai-thuong")).text
        assert "Tác phẩm sẽ bị gỡ" not in gallery and "Bức thư không đăng lại" in gallery
        gone = await web.get(f"/tac-pham/{dropped.code}")
        assert gone.status_code == 404 and "Không tìm thấy tác phẩm này." in gone.text
        assert (await web.get(f"/media/{dropped.code}/1")).status_code == 404
        item = (await web.get(f"/feeds/ninjs/{dropped.code}.json")).json()
        assert item["pubStatus"] == "canceled" and "bodies" not in item

        # Unknown addresses answer in Vietnamese.
        for path in ("/cuoc-thi/KHONGCO", "/tac-pham/XX-999", "/cuoc-thi/NTVT/tin-tuc/khong-co"):
            missing = await web.get(path)
            assert missing.status_code == 404, path
            assert "Không tìm thấy" in missing.text and '<html lang="vi">' in missing.text
