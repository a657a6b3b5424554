"""Keyboard only: sign in, reach the upload's cancel button and cancel — the upload is aborted
in storage and nothing is left in the entry."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Page

from shared.auth import Role
from tests.browser.conftest import base_url
from tests.integration.conftest import Submissions
from tests.support import media_samples, samples
from tests.support.flows import author, entry_body

MiB = 1024 * 1024


async def _tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, and check that the focus can be seen."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate(f"document.activeElement.matches({selector!r})"):
            outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"focus on {selector} is invisible"
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


async def test_sign_in_and_cancel_an_upload_with_the_keyboard_alone(
    browser: Browser, site: Submissions, tmp_path: Path
) -> None:
    base = base_url(site)
    contest_id = await site.contest("KB26")
    contestant = await site.person(Role.CONTESTANT, "phim@bantin.vn")
    created = await contestant.post(
        "/api/entries",
        json=entry_body(contest_id, "Phóng sự phím tắt", "TH", [author("phim@bantin.vn")]),
    )
    entry_id = created.json()["entry_id"]
    video = samples.pad_mp4(media_samples.mp4_video(tmp_path / "dai.mp4", seconds=1.0), 5 * 8 * MiB)

    page = await (await browser.new_context(locale="vi-VN")).new_page()
    await page.goto(f"{base}/sign-in?next=/entries/{entry_id}")
    await _tab_to(page, "[name=email]")
    await page.keyboard.type("phim@bantin.vn")
    await _tab_to(page, "[name=password]")
    await page.keyboard.type("mat-khau-du-dai")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"{base}/entries/{entry_id}")

    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Network.enable")
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 5, "downloadThroughput": -1, "uploadThroughput": 2 * MiB},
    )
    slot = page.locator("form.upload-slot").first
    await slot.locator("input[type=file]").set_input_files(str(video))
    await slot.locator("input[type=file]").focus()
    await _tab_to(page, "form.upload-slot button[type=submit]")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "Number(document.querySelector('[data-testid=upload-progress]')?.dataset.percent) > 0"
    )
    await _tab_to(page, "[data-testid=upload-cancel]")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "document.querySelector('[data-testid=upload-status]').textContent.includes('Đã huỷ')"
    )

    entry = (await contestant.get(f"/api/entries/{entry_id}")).json()
    assert entry["files"] == []
    pending = await site.runtime.storage.pending_uploads(f"quarantine/{entry_id}/")
    assert pending == []
