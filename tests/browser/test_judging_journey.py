"""A juror's day in real headless Chromium: their rounds, an entry whose video plays and seeks
(served from storage through a short-lived link), three entries scored — one saved as a draft
first, one with the keyboard alone — the secretariat following the progress, and the organizer
approving the final results. Screenshots at phone and desktop widths go to var/screenshots."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.async_api import Browser, BrowserContext, Page

from shared.auth import TOKEN_COOKIE, Role
from shared.contracts.submissions import MediaKind, SubmittedFile
from tests.browser.conftest import base_url, screenshot_path
from tests.support import media_samples
from tests.support.judging import Judging, accepted_event, juror_email, points_for
from tests.support.keys import sign_token

READING = (
    "Ông Páo đi bộ hơn mười cây số mỗi ngày để khám cho bà con bản Khuổi Phầy.\n\n"
    "Hai mươi năm qua, trạm y tế nhỏ của ông chưa một ngày đóng cửa.\n\n"
    "Người dân gọi ông là «thầy thuốc của núi»."
)
WIDTHS = {"mobile": 390, "desktop": 1280}


def _photo(text: str) -> bytes:
    image = Image.new("RGB", (640, 420), (70, 110, 90))
    ImageDraw.Draw(image).text((20, 20), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _file(
    n: int, code: str, kind: MediaKind, media_type: str, key: str, **extra: str
) -> SubmittedFile:
    return SubmittedFile(
        file_id=f"file-{code}-{n}",
        kind=kind,
        media_type=media_type,
        size_bytes=1000,
        sha256="0" * 64,
        object_key=key,
        **extra,
    )


async def _entries(site: Judging, tmp_path: Path) -> None:
    """BC-001 a video reportage, BC-002 an article (its reading copy), BC-003 a photo series."""
    storage = site.runtime.storage
    video = media_samples.mp4_video(tmp_path / "phong-su.mp4", seconds=3.0, faststart=True)
    await storage.put_bytes("media/BC-001/video", video.read_bytes(), "video/mp4")
    await storage.put_bytes("reading/BC-002.txt", READING.encode(), "text/plain; charset=utf-8")
    for n in (1, 2, 3):
        await storage.put_bytes(f"media/BC-003/{n}", _photo(f"Anh {n}"), "image/jpeg")
    files = {
        1: (_file(1, "BC-001", MediaKind.VIDEO, "video/mp4", "media/BC-001/video"),),
        2: (
            _file(
                1,
                "BC-002",
                MediaKind.TEXT,
                "text/plain",
                "media/BC-002/1",
                text_key="reading/BC-002.txt",
            ),
        ),
        3: tuple(
            _file(n, "BC-003", MediaKind.IMAGE, "image/jpeg", f"media/BC-003/{n}")
            for n in (1, 2, 3)
        ),
    }
    await site.feed(*[accepted_event(site.contest_id, n, "BC", files=files[n]) for n in (1, 2, 3)])


async def _signed_in(
    browser: Browser, site: Judging, role: Role, email: str, name: str, width: int = 1280
) -> BrowserContext:
    token = sign_token(
        site.infra.private_key, roles=[role], subject=f"acc-{email}", email=email, name=name
    )
    context = await browser.new_context(
        locale="vi-VN", viewport={"width": width, "height": 900}, timezone_id="Asia/Ho_Chi_Minh"
    )
    await context.add_cookies([{"name": TOKEN_COOKIE, "value": token, "url": base_url(site)}])
    return context


async def _shots(page: Page, name: str) -> None:
    for label, width in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=screenshot_path(f"judging-{name}-{label}"), full_page=True)
    await page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


async def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, and check that the focus can be seen."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"document.activeElement.matches({selector!r})"):
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"focus on {selector} is invisible"
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


async def _fill_score(page: Page, points: dict[str, float]) -> None:
    for code, value in points.items():
        await page.fill(f"[name=points-{code}]", str(value))


async def _play_and_seek(page: Page) -> None:
    video = page.locator("video")
    await video.wait_for()
    state = await video.evaluate(
        "v => new Promise(r => v.readyState >= 1 ? r(v.readyState)"
        " : v.addEventListener('loadedmetadata', () => r(v.readyState), {once: true}))"
    )
    assert state >= 1
    duration = float(await video.evaluate("v => v.duration"))
    assert abs(duration - 3.0) < 0.5, duration
    sought = await video.evaluate(
        "v => new Promise(r => {"
        " v.addEventListener('seeked', () => r(v.currentTime), {once: true});"
        " v.currentTime = 2.0; })"
    )
    assert abs(float(sought) - 2.0) < 0.5, sought
    await video.evaluate("v => { v.muted = true; return v.play(); }")
    await page.wait_for_function("document.querySelector('video').currentTime > 2.05")


async def test_a_juror_scores_the_secretariat_follows_the_organizer_approves(
    browser: Browser, judging_site: Judging, tmp_path: Path
) -> None:
    site, base = judging_site, base_url(judging_site)
    await _entries(site, tmp_path)
    council = await site.council("preliminary", "Hội đồng sơ khảo")
    for n in (1, 2):
        await site.member(council, n, category_id="cat-BC")
    prelim = await site.round(council)
    await site.assign_and_release(prelim)

    juror = await _signed_in(browser, site, Role.JUROR, juror_email(1), "Giám Khảo 1")
    page = await juror.new_page()
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await page.goto(f"{base}/")
    assert "0/3 bài đã nộp điểm" in await page.inner_text("main")
    await _shots(page, "juror-rounds")
    await page.click("text=Vòng sơ khảo")
    await page.wait_for_url(f"{base}/rounds/{prelim}")
    await _shots(page, "juror-list")

    # BC-001: the video plays and seeks; the points are saved as a draft, then submitted.
    await page.click("text=BC-001")
    await page.wait_for_url(f"{base}/assignments/*")
    await _play_and_seek(page)
    await _fill_score(page, {"content": 30, "discovery": 15})
    total = page.locator("#live-total")
    assert await total.inner_text() == "—"  # not every criterion has points yet
    await page.click("button[value=draft]")
    await page.wait_for_url("**?done=draft")
    assert "Đã lưu nháp" in await page.inner_text("main")
    assert await page.input_value("[name=points-content]") == "30"
    await _fill_score(page, {"form": 16, "effect": 17.5})
    assert await total.inner_text() == "78,5"
    await _shots(page, "juror-entry-video")
    await page.click("button[value=submit]")
    await page.wait_for_url("**?done=submitted")
    assert "Đã nộp lúc" in await page.inner_text("main")

    # BC-002: the article is read on the page; scored with the keyboard alone.
    await page.click("a[rel=next]")
    await page.wait_for_url(f"{base}/assignments/*")
    article = await page.inner_text("article.reading")
    assert "thầy thuốc của núi" in article
    await _tab_to(page, "[name=points-content]")
    for value in ("35", "18", "17", "19"):
        await page.keyboard.type(value)
        await page.keyboard.press("Tab")
    await page.keyboard.type("Bài viết giàu cảm xúc.")
    await _tab_to(page, "button[value=submit]", limit=3)
    await page.keyboard.press("Enter")
    await page.wait_for_url("**?done=submitted")
    assert "89" in await page.inner_text(".locked")
    await _shots(page, "juror-entry-text")

    # BC-003: the photo series, then the list shows all three submitted.
    await page.click("a[rel=next]")
    await page.wait_for_url(f"{base}/assignments/*")
    assert await page.locator(".gallery img[alt='Ảnh 3/3']").count() == 1
    await _fill_score(page, {"content": 28, "discovery": 14, "form": 15, "effect": 13})
    await _shots(page, "juror-entry-photos")
    await page.click("button[value=submit]")
    await page.wait_for_url("**?done=submitted")
    await page.goto(f"{base}/rounds/{prelim}")
    assert "3/3 bài đã nộp điểm" in await page.inner_text("main")
    await _shots(page, "juror-list-done")

    # The secretariat sees juror 1 done.
    staff = await _signed_in(browser, site, Role.SECRETARIAT, "thuky@so.lantoa.vn", "Hoàng Thu Hà")
    staff_page = await staff.new_page()
    await staff_page.goto(f"{base}/staff/rounds/{prelim}")
    row = staff_page.locator("tr", has_text="Giám Khảo 1").first
    assert "3/3" in await row.inner_text()
    await _shots(staff_page, "staff-round")
    await staff_page.goto(f"{base}/staff/contests/{site.contest_id}/councils")
    assert "Giám Khảo 2" in await staff_page.inner_text("main")
    await _shots(staff_page, "staff-councils")
    await staff_page.goto(f"{base}/staff/contests/{site.contest_id}/rounds/new?kind=final")
    assert await staff_page.input_value("[name=criterion-1-name]") == "Tính phát hiện"
    await _shots(staff_page, "staff-round-new")

    # The rest of the judging goes through the API, then the organizer approves the final.
    for a in await site.my_assignments(2, prelim):
        await site.ok(await site.score(2, a["assignment_id"], points_for(70)))
    await site.ok(await site.secretariat.post(f"/api/rounds/{prelim}/close", json={}))
    final_council = await site.council("final", "Hội đồng chung khảo")
    for n in (6, 7, 8):
        await site.member(final_council, n)
    final = await site.round(
        final_council,
        "final",
        previous_round_id=prelim,
        jurors_per_entry=3,
        award_mode="score_only",
    )
    await site.assign_and_release(final)
    for n, total_points in ((6, 88), (7, 84), (8, 86)):
        for a in await site.my_assignments(n, final):
            bonus = 4 if a["entry_code"] == "BC-002" else 0
            await site.ok(await site.score(n, a["assignment_id"], points_for(total_points - bonus)))
    await site.ok(await site.secretariat.post(f"/api/rounds/{final}/close", json={}))

    organizer = await _signed_in(browser, site, Role.ORGANIZER, "btc@so.lantoa.vn", "Ban Tổ chức")
    results = await organizer.new_page()
    asked: list[str] = []
    results.on("dialog", lambda d: (asked.append(d.message), asyncio.ensure_future(d.accept())))
    await results.goto(f"{base}/staff/rounds/{final}/results")
    text = await results.inner_text("main")
    assert "Phương pháp xếp hạng: Điểm trung bình" in text and "Giải A" in text
    await _shots(results, "results-before-approval")
    await results.click("form[action$='/approve'] button[type=submit]")
    await results.wait_for_url("**?done=approved")
    assert asked and "Phê duyệt kết quả?" in asked[0]
    hash_text = await results.inner_text("code.hash")
    assert len(hash_text.strip()) == 64
    assert "Tác Giả Số" in await results.inner_text("main")
    await _shots(results, "results-approved")
