"""The public winners' gallery in real headless Chromium: from the gallery to a work, whose
video plays (streamed from storage through a short-lived link) and whose text, with its
Vietnamese diacritics, is shown; nobody signs in. Screenshots at phone and desktop widths go
to var/screenshots (and the test's tmp dir)."""

from __future__ import annotations

import io
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Browser, Page

from deploy.local.processes import free_port
from services.publish.main import create_app
from services.publish.winners.preparation import Preparation
from shared.contracts.submissions import Exemplar, MediaKind
from tests.browser.conftest import screenshot_path
from tests.conftest import DatabaseTarget
from tests.support import media_samples
from tests.support.app import serving
from tests.support.infra import Infra
from tests.support.judging import contest_event
from tests.support.publish import (
    CONTEST_ID,
    Publish,
    media_file,
    publish_settings,
    results_event,
    store,
    winner,
)

READING = (
    "Ông Hoàng Văn Thụ đã gắn bó hai mươi năm với điểm trường Khòn Pổ, xã Khánh Khê.\n\n"
    "Mỗi sáng, thầy lội suối đón học trò — những đứa trẻ người Tày, người Nùng.\n\n"
    "Người dân gọi thầy là «ngọn đèn của bản»."
)
TITLE = "Ngọn đèn nơi bản Khòn Pổ"
WIDTHS = {"mobile": 390, "desktop": 1280}


@pytest.fixture
async def publish_site(infra: Infra, tmp_path: Path) -> AsyncIterator[tuple[Publish, str]]:
    port = free_port()
    database = DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/publish.db", None)
    settings = publish_settings(
        infra, database, http_port=port, public_url=f"http://127.0.0.1:{port}"
    )
    app = create_app(settings)
    async with (
        serving(app, port) as base,
        httpx.AsyncClient(base_url=base, timeout=60) as client,
    ):
        yield Publish(app=app, client=client, infra=infra), base


def _photo(text: str) -> bytes:
    image = Image.new("RGB", (960, 640), (60, 100, 80))
    ImageDraw.Draw(image).text((30, 30), text, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


async def _winners(publish: Publish, tmp_path: Path) -> str:
    video = media_samples.mp4_video(tmp_path / "phong-su.mp4", seconds=3.0, faststart=True)
    data = video.read_bytes()
    await store(publish.storage, "media/TH-001/video", data, "video/mp4")
    await store(publish.storage, "reading/TH-001.txt", READING.encode(), "text/plain")
    await store(publish.storage, "media/TH-001/script.pdf", b"%PDF-1.4", "application/pdf")
    photo = _photo("Khon Po")
    await store(publish.storage, "media/AN-004/1", photo, "image/jpeg")
    script = media_file(
        1, MediaKind.TEXT, "application/pdf", b"%PDF-1.4", "media/TH-001/script.pdf"
    )
    files = (
        script.model_copy(update={"text_key": "reading/TH-001.txt"}),
        media_file(2, MediaKind.VIDEO, "video/mp4", data, "media/TH-001/video"),
    )
    about = Exemplar(name="Hoàng Văn Thụ", locality="Văn Quan", exemplar_id="GD-0042")
    winners = (
        winner(1, "TH", "A", title=TITLE, files=files, exemplars=(about,)),
        winner(2, "TH", "KK", consent=False, title="Những mùa hồi chín"),
        winner(3, "BC", "B", title="Người giữ rừng đầu nguồn Bắc Sơn"),
        winner(
            4,
            "AN",
            "A",
            title="Nụ cười vùng cao",
            files=(media_file(1, MediaKind.IMAGE, "image/jpeg", photo, "media/AN-004/1"),),
        ),
    )
    await publish.feed(contest_event(CONTEST_ID, ("BC", "TH", "AN")))
    await publish.feed(results_event(winners))
    while await Preparation(publish.runtime).tick():
        pass
    return winners[0].code


async def _shots(
    page: Page, name: str, tmp_path: Path, attach: Callable[[str, object], None]
) -> list[Path]:
    """Screenshots at a phone's and a desktop's width, attached to the test's report (JUnit
    properties) and printed."""
    saved = []
    for label, width in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": 900})
        path = screenshot_path(f"publish-{name}-{label}")
        await page.screenshot(path=path, full_page=True)
        shutil.copy(path, tmp_path / path.name)
        print(f"screenshot: {path.resolve()}")
        attach(f"screenshot-{name}-{label}", str(path.resolve()))
        saved.append(path)
        # Nothing overflows sideways on a phone.
        wide = await page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide}px wide at {width}px"
    await page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    return saved


async def test_the_gallery_leads_to_a_work_whose_video_plays_and_text_reads(
    browser: Browser,
    publish_site: tuple[Publish, str],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    publish, base = publish_site
    code = await _winners(publish, tmp_path)
    context = await browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 900}, timezone_id="Asia/Ho_Chi_Minh"
    )
    page = await context.new_page()
    try:
        await page.goto(f"{base}/")
        await _shots(page, "home", tmp_path, record_property)
        await page.get_by_role(
            "link", name="Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn"
        ).click()
        await page.wait_for_url(f"{base}/cuoc-thi/NTVT")
        await page.get_by_role("heading", name="Các mốc thời gian").wait_for()
        await _shots(page, "contest", tmp_path, record_property)
        await page.get_by_role("link", name="Tác phẩm đoạt giải").first.click()
        await page.wait_for_url(f"{base}/cuoc-thi/NTVT/giai-thuong")
        assert await page.locator("h1").inner_text() == "Tác phẩm đoạt giải"
        headings = await page.locator("main h2").all_inner_texts()
        assert headings == ["Báo in, báo điện tử", "Truyền hình", "Ảnh"]
        thumb = page.get_by_role("img", name="Nụ cười vùng cao")
        await thumb.scroll_into_view_if_needed()
        await page.wait_for_function(
            "document.querySelector('img.thumb').complete"
            " && document.querySelector('img.thumb').naturalWidth > 0"
        )
        await _shots(page, "gallery", tmp_path, record_property)

        await page.get_by_role("link", name=TITLE).click()
        await page.wait_for_url(f"{base}/tac-pham/{code}")
        assert await page.locator("h1").inner_text() == TITLE
        text = page.locator("section.text")
        await text.get_by_text("những đứa trẻ người Tày, người Nùng").wait_for()
        assert await text.get_by_text("«ngọn đèn của bản»").is_visible()
        assert (
            await page.get_by_role("link", name="Hoàng Văn Thụ").get_attribute("href")
            == "/phong-bao-chi/GD-0042"
        )

        video = page.locator("video")
        await video.wait_for()
        state = await video.evaluate(
            "v => new Promise(r => v.readyState >= 1 ? r(v.readyState)"
            " : v.addEventListener('loadedmetadata', () => r(v.readyState), {once: true}))"
        )
        assert state >= 1
        assert abs(float(await video.evaluate("v => v.duration")) - 3.0) < 0.5
        await video.evaluate("v => { v.muted = true; return v.play(); }")
        await page.wait_for_function("document.querySelector('video').currentTime > 1.0")
        og = await page.locator('meta[property="og:url"]').get_attribute("content")
        assert og == f"{base}/tac-pham/{code}"
        await _shots(page, "work-video", tmp_path, record_property)

        # A photo work and a work without consent, as the public sees them.
        await page.goto(f"{base}/tac-pham/AN-004")
        photo = page.get_by_role("img", name="Nụ cười vùng cao — ảnh 1")
        await photo.wait_for()
        assert await photo.evaluate("i => i.complete && i.naturalWidth") == 960
        image = await page.locator('meta[property="og:image"]').get_attribute("content")
        assert image == f"{base}/media/AN-004/1"
        await page.goto(f"{base}/tac-pham/TH-002")
        assert await page.get_by_text("chưa đồng ý cho đăng lại toàn văn").is_visible()
        assert await page.locator("video, audio, section.text").count() == 0
        await _shots(page, "work-no-consent", tmp_path, record_property)
    finally:
        await context.close()
