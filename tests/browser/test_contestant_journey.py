"""A contestant registers, submits a video of several parts uploaded in parallel — the progress
bar moving, a reload half-way and a resume that sends only the missing parts — and gets a
receipt; the secretariat then accepts the entry. All in real headless Chromium."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Browser, Page, Request, Response

from shared.auth import Role
from shared.contracts.submissions import AccountEmailRequested
from tests.browser.conftest import base_url, screenshot_path
from tests.integration.conftest import Submissions
from tests.support import media_samples, samples

MiB = 1024 * 1024


def _part_number(url: str) -> int | None:
    numbers = parse_qs(urlsplit(url).query).get("partNumber")
    return int(numbers[0]) if numbers else None


async def _register_and_verify(page: Page, site: Submissions, base: str) -> None:
    await page.goto(f"{base}/register")
    await page.fill("[name=display_name]", "Lộc Thị Mai")
    await page.fill("[name=email]", "mai@bantin.vn")
    await page.fill("[name=password]", "mat-khau-2026")
    await page.fill("[name=password2]", "mat-khau-2026")
    await page.click("button[type=submit].primary")
    await page.wait_for_load_state()
    assert "Hãy kiểm tra hộp thư" in await page.inner_text("main")
    links = [
        e for e in await site.events(AccountEmailRequested) if e.payload.email == "mai@bantin.vn"
    ]
    await page.goto(links[-1].payload.link)
    await page.click("button[type=submit].primary")
    await page.wait_for_url(f"{base}/entries**")


async def _fill_entry(page: Page, base: str, contest_id: str) -> None:
    await page.goto(f"{base}/entries/new?contest={contest_id}&category=TH")
    await page.fill("[name=title]", "Người giữ lửa bản Khuổi Phầy")
    await page.select_option("[name=district]", label="Văn Quan")
    await page.fill("[name=synopsis]", "Phóng sự về thầy giáo cắm bản hơn 20 năm.")
    await page.fill("[name='author-0-full_name']", "Lộc Thị Mai")
    await page.fill("[name='author-0-pen_name']", "Mai Lộc")
    await page.fill("[name='author-0-email']", "mai@bantin.vn")
    await page.fill("[name='exemplar-0-name']", "Thầy Hoàng Văn Páo")
    await page.fill("[name='exemplar-0-locality']", "Xã Tri Lễ")
    consent = page.locator("[name=consent_republication]")
    if await consent.count():
        await consent.check()
    await page.locator("form[action^='/entries/new'] button[type=submit]").click()
    await page.wait_for_url(f"{base}/entries/*")


async def test_register_upload_with_reload_resume_submit_and_accept(
    browser: Browser, site: Submissions, tmp_path: Path
) -> None:
    base = base_url(site)
    contest_id = await site.contest("BR26")
    video = media_samples.mp4_video(tmp_path / "phong-su.mp4", seconds=2.0)
    samples.pad_mp4(video, 6 * 8 * MiB - MiB)  # six parts of 8 MiB

    context = await browser.new_context(locale="vi-VN")
    page = await context.new_page()
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await _register_and_verify(page, site, base)
    await _fill_entry(page, base, contest_id)
    await page.screenshot(path=screenshot_path("entry-before-upload"), full_page=True)

    # Slow the browser's uplink so the upload takes a few seconds and can be interrupted.
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 5, "downloadThroughput": -1, "uploadThroughput": 6 * MiB},
    )
    stored_before: set[int] = set()
    sent_after: list[int] = []
    reloaded = False

    def on_response(response: Response) -> None:
        number = _part_number(response.url)
        if response.request.method == "PUT" and number and response.ok and not reloaded:
            stored_before.add(number)

    def on_request(request: Request) -> None:
        number = _part_number(request.url)
        if request.method == "PUT" and number and reloaded:
            sent_after.append(number)

    page.on("response", on_response)
    page.on("request", on_request)
    slot = page.locator("form.upload-slot").first
    await slot.locator("input[type=file]").set_input_files(str(video))
    await slot.locator("button[type=submit]").click()
    progress = page.get_by_test_id("upload-progress").first
    seen: list[float] = []
    for _ in range(200):
        percent = float(await progress.get_attribute("data-percent") or 0)
        if not seen or percent != seen[-1]:
            seen.append(percent)
        if stored_before and len(seen) >= 3:
            break
        await asyncio.sleep(0.05)
    assert len(seen) >= 3 and seen == sorted(seen) and 0 < seen[-1] < 100, seen
    status_line = await page.get_by_test_id("upload-status").first.inner_text()
    assert "%" in status_line
    await page.screenshot(path=screenshot_path("entry-uploading"), full_page=True)

    # Reload half-way, choose the same file again: only the missing parts are sent.
    reloaded = True
    await page.reload()
    done_before = set(stored_before)
    assert 0 < len(done_before) < 6, done_before
    slot = page.locator("form.upload-slot").first
    await slot.locator("input[type=file]").set_input_files(str(video))
    await slot.locator("button[type=submit]").click()
    await page.wait_for_selector("li.file-verified", timeout=90_000)
    assert sent_after, "nothing was sent after the reload"
    assert not done_before & set(sent_after), (done_before, sent_after)
    assert done_before | set(sent_after) == set(range(1, 7))

    await page.click("form[action$='/submit'] button")
    await page.wait_for_load_state()
    banner = await page.inner_text("main")
    assert "BR26-TH-0001" in banner
    await page.click("a[href$='/receipt']")
    receipt = await page.inner_text("main")
    assert "BR26-TH-0001" in receipt and "Người giữ lửa bản Khuổi Phầy" in receipt
    await page.screenshot(path=screenshot_path("receipt"), full_page=True)

    # The secretariat signs in, watches the video in place and accepts the entry.
    await site.person(Role.SECRETARIAT, "thuky@bantin.vn", "Hoàng Thu Hà")
    staff = await (await browser.new_context(locale="vi-VN")).new_page()
    await staff.goto(f"{base}/sign-in?next=/screening")
    await staff.fill("[name=email]", "thuky@bantin.vn")
    await staff.fill("[name=password]", "mat-khau-du-dai")
    await staff.click("button[type=submit].primary")
    await staff.wait_for_url(f"{base}/screening**")
    await staff.click("text=BR26-TH-0001")
    await staff.wait_for_selector("video")
    duration = await staff.eval_on_selector(
        "video",
        "v => new Promise(r => v.readyState >= 1 ? r(v.duration)"
        " : v.addEventListener('loadedmetadata', () => r(v.duration)))",
    )
    assert abs(float(duration) - 2.0) < 0.5
    await staff.screenshot(path=screenshot_path("screening-entry"), full_page=True)
    await staff.click("button[name=decision][value=accepted]")
    await staff.wait_for_load_state()
    assert "Đã chấp nhận" in await staff.inner_text("main")
    await page.goto(f"{base}/entries")
    assert "Đã chấp nhận" in await page.inner_text("main")
