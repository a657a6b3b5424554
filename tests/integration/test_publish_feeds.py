"""Feeds for newsrooms on real storage and a real database: the Atom feed read back by a feed
parser, every ninjs item (3.0 and 2.1) checked against a JSON Schema written from the IPTC
specification, a press kit opened as a ZIP; the organizers' news through the API and the form."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
import jsonschema
import pytest

from services.publish.exemplars.models import Exemplar as PressRoomExemplar
from services.publish.feeds.service import ninjs_page
from shared.auth import TOKEN_COOKIE, Role
from shared.contracts.submissions import Exemplar
from tests.conftest import DatabaseTarget
from tests.integration.test_publish_site import TEXT, prepare_all, video_winner
from tests.support.judging import contest_event
from tests.support.keys import sign_token
from tests.support.publish import CONTEST_ID, Publish, publish_running, results_event, winner

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "ninjs"


def _date_time(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(urlsplit(value).scheme)


# jsonschema checks these two formats only with optional packages; these do the same here.
FORMATS = jsonschema.FormatChecker()
FORMATS.checkers["date-time"] = (_date_time, ValueError)
FORMATS.checkers["uri"] = (_uri, ValueError)


def validator(version: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"ninjs-{version}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=FORMATS)


async def site_with_everything(publish: Publish, tmp_path: Path) -> dict[str, Any]:
    await publish.feed(contest_event(CONTEST_ID, ("BC", "TH")))
    about = Exemplar(name="Hoàng Văn Thụ", locality="Văn Quan", exemplar_id="GD-0042")
    video = await video_winner(publish, tmp_path, 1, exemplars=(about,))
    hidden = winner(2, "BC", "KK", consent=False, title="Bức thư không đăng lại")
    dropped = winner(3, "BC", "A", title="Tác phẩm sẽ bị gỡ")
    await publish.feed(results_event((video, hidden, dropped)))
    await publish.feed(results_event((video, hidden), snapshot="b" * 64))
    now = datetime.now(UTC)
    async with publish.runtime.db.transaction() as session:
        session.add(
            PressRoomExemplar(
                exemplar_id="GD-0042",
                number=42,
                name="Hoàng Văn Thụ",
                collective=False,
                unit="Trường PTDTBT Khánh Khê",
                cluster="Cụm 3",
                district="Văn Quan",
                field="Giáo dục",
                achievements="Hai mươi năm cắm bản.\nDạy chữ cho 300 em.",
                contact="0912 345 678",
                consent=True,
                dedupe_key="hoang van thu|khanh khe",
                search_exact=" hoàng văn thụ ",
                search_folded=" hoang van thu ",
                import_id=None,
                created_at=now,
                updated_at=now,
            )
        )
    organizer = publish.as_role(Role.ORGANIZER, name="Ban Tổ Chức")
    news = await organizer.post(
        "/api/news",
        json={
            "contest_code": "NTVT",
            "title": "Công bố kết quả cuộc thi năm 2026",
            "body": "Ban tổ chức trân trọng công bố kết quả.\n\nLễ trao giải vào ngày 20/12.",
        },
    )
    assert news.status_code == 201, news.text
    await prepare_all(publish)
    return {"video": video, "hidden": hidden, "dropped": dropped, "news": news.json()}


def sqlite_only(tmp_path: Path) -> DatabaseTarget:
    """Feeds and news read what the site test checks on both databases: SQLite suffices."""
    return DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/publish.db", None)


async def test_atom_ninjs_and_press_kits(infra, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with publish_running(infra, sqlite_only(tmp_path)) as publish:
        site = await site_with_everything(publish, tmp_path)
        video, hidden = site["video"], site["hidden"]
        web = publish.client

        # Atom, as a feed reader sees it.
        atom = await web.get("/feeds/atom.xml")
        assert atom.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo, parsed.bozo_exception
        titles = [e.title for e in parsed.entries]
        assert "Công bố kết quả cuộc thi năm 2026" in titles
        assert "Gương điển hình: Hoàng Văn Thụ" in titles
        contest = next(e for e in parsed.entries if e.id == f"urn:lantoa:contest:{CONTEST_ID}")
        assert contest.link.endswith("/cuoc-thi/NTVT") and "bài dự thi đã gửi" in contest.summary
        assert any(t.startswith("Người tốt việc tốt ở bản Khòn Pổ số 1") for t in titles)
        assert not any("Tác phẩm sẽ bị gỡ" in t for t in titles)
        work = next(e for e in parsed.entries if e.id == f"urn:lantoa:publish:work:{video.code}")
        assert work.link == f"http://testserver/tac-pham/{video.code}"
        assert [x.type for x in work.enclosures] == ["video/mp4"]
        assert "lội suối đón học trò" in work.content[0].value
        hidden_entry = next(e for e in parsed.entries if "Bức thư" in e.title)
        assert "content" not in hidden_entry and not hidden_entry.enclosures
        assert "0912" not in atom.text and "tacgia" not in atom.text

        # ninjs: every item of the feed valid in both versions.
        for version, pub_status in (("3.0", "pubStatus"), ("2.1", "pubstatus")):
            check = validator(version)
            feed = (await web.get(f"/feeds/ninjs.json?version={version}")).json()
            assert feed["total"] == 5 and feed["pages"] == 1
            for item in feed["items"]:
                errors = [e.message for e in check.iter_errors(item)]
                assert not errors, (item["uri"], errors)
            statuses = {i["uri"]: i[pub_status] for i in feed["items"]}
            assert statuses["urn:lantoa:publish:work:BC-003"] == "canceled"
            assert statuses["urn:lantoa:publish:work:TH-001"] == "usable"
            stamps = [
                i["versionCreated" if version == "3.0" else "versioncreated"] for i in feed["items"]
            ]
            assert stamps == sorted(stamps, reverse=True)  # newest first
        item = (await web.get(f"/feeds/ninjs/{video.code}.json")).json()
        assert not list(validator("3.0").iter_errors(item))
        assert item["type"] == "composite" and item["language"] == "vi"
        assert {
            "name": "Hoàng Văn Thụ",
            "rel": "about",
            "uri": "http://testserver/phong-bao-chi/GD-0042",
            "literal": "GD-0042",
        } in item["people"]
        assert {"name": "Nguyễn Thị Hoà 1", "rel": "creator"} in item["people"]
        rendition = next(r for r in item["renditions"] if r["contentType"] == "video/mp4")
        assert rendition["href"] == f"http://testserver/media/{video.code}/2"
        assert rendition["duration"] == pytest.approx(2.0, abs=0.2)
        assert rendition["width"] == 320 and rendition["sizeInBytes"] > 1000
        assert item["bodies"][0]["value"].startswith("Thầy Hoàng Văn Thụ")
        old = (await web.get(f"/feeds/ninjs/{video.code}.json?version=2.1")).json()
        assert not list(validator("2.1").iter_errors(old))
        assert old["renditions"][1]["contenttype"] == "video/mp4" and "pubStatus" not in old
        bad = await web.get("/feeds/ninjs.json?version=9")
        assert bad.status_code == 422 and "Phiên bản ninjs" in bad.json()["detail"]
        assert (await web.get("/feeds/ninjs.json?page=2")).status_code == 404
        async with publish.runtime.db.reading() as session:
            first = await ninjs_page(session, "http://testserver", 1, "3.0", size=2)
            second = await ninjs_page(session, "http://testserver", 2, "3.0", size=2)
        assert first["pages"] == 3 and "next" in first["links"] and "prev" in second["links"]
        assert not {i["uri"] for i in first["items"]} & {i["uri"] for i in second["items"]}

        # The press kit: the item, the text, the media, the credits; never an e-mail.
        kit = await web.get(f"/press-kits/{video.code}.zip")
        assert kit.status_code == 200 and kit.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(kit.content)) as z:
            names = z.namelist()
            assert names == [
                "ninjs.json",
                f"{video.code}.txt",
                f"media/{video.code}-1.pdf",
                f"media/{video.code}-2.mp4",
                "CREDITS.txt",
                "README.txt",
            ]
            assert (
                json.loads(z.read("ninjs.json"))["uri"] == f"urn:lantoa:publish:work:{video.code}"
            )
            assert TEXT.split("\n\n")[1] in z.read(f"{video.code}.txt").decode("utf-8")
            stored = (tmp_path / "v1.mp4").read_bytes()
            assert z.read(f"media/{video.code}-2.mp4") == stored
            credits = z.read("CREDITS.txt").decode("utf-8")
            assert "Nguyễn Thị Hoà 1 (bút danh Hoà Bình, Báo Lạng Sơn)" in credits
            assert "Giải A" in credits
            assert "Hoàng Văn Thụ" in credits
            assert not any(b"@bao.lantoa.vn" in z.read(n) for n in names)
        assert (await web.get(f"/press-kits/{hidden.code}.zip")).status_code == 404


async def test_organizers_post_edit_and_withdraw_news(infra, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async with publish_running(infra, sqlite_only(tmp_path)) as publish:
        await publish.feed(contest_event(CONTEST_ID, ("BC",)))
        organizer = publish.as_role(Role.ORGANIZER, name="Ban Tổ Chức")
        body = {
            "contest_code": "NTVT",
            "title": "Gia hạn nhận bài dự thi",
            "format": "html",
            "body": "<p>Gia hạn đến <strong>30/11</strong>.</p><script>alert(1)</script>"
            '<a href="javascript:alert(1)" onclick="x()">xem</a>',
        }
        assert (await publish.client.post("/api/news", json=body)).status_code == 401
        juror = publish.as_role(Role.JUROR)
        assert (await juror.post("/api/news", json=body)).status_code == 403
        created = await organizer.post("/api/news", json=body)
        assert created.status_code == 201, created.text
        item = created.json()
        assert item["slug"] == "gia-han-nhan-bai-du-thi"
        assert "<script" not in item["body_html"] and "javascript:" not in item["body_html"]
        assert "onclick" not in item["body_html"] and "<strong>30/11</strong>" in item["body_html"]
        again = await organizer.post("/api/news", json=body)
        assert again.json()["slug"] == "gia-han-nhan-bai-du-thi-2"

        # Bad input: a clear message, nothing stored.
        empty = await organizer.post("/api/news", json={**body, "title": " ", "body": ""})
        assert empty.status_code == 422
        problems = empty.json()["detail"]["problems"]
        assert any(p.startswith("Tiêu đề cần có") for p in problems)
        assert any(p.startswith("Nội dung cần có") for p in problems)
        unknown = await organizer.post("/api/news", json={**body, "contest_code": "KHAC"})
        assert unknown.status_code == 422 and "Không tìm thấy cuộc thi" in unknown.text
        assert len((await publish.client.get("/api/news")).json()) == 2

        # Edited: the address stays. The public page shows it.
        edited = await organizer.put(
            f"/api/news/{item['news_id']}",
            json={
                **body,
                "title": "Gia hạn nhận bài đến 30/11",
                "format": "text",
                "body": "Đoạn một.\n\nĐoạn hai.",
            },
        )
        assert edited.status_code == 200 and edited.json()["slug"] == item["slug"]
        page = await publish.client.get(f"/cuoc-thi/NTVT/tin-tuc/{item['slug']}")
        assert page.status_code == 200
        assert "<p>Đoạn một.</p>" in page.text and "Gia hạn nhận bài đến 30/11" in page.text
        assert 'property="og:type" content="article"' in page.text
        listing = await publish.client.get("/cuoc-thi/NTVT/tin-tuc")
        assert "Gia hạn nhận bài đến 30/11" in listing.text

        # Withdrawn: off the site, canceled in the ninjs feed.
        gone = await organizer.post(f"/api/news/{item['news_id']}/withdraw")
        assert gone.status_code == 200 and gone.json()["withdrawn_at"]
        assert (
            await publish.client.get(f"/cuoc-thi/NTVT/tin-tuc/{item['slug']}")
        ).status_code == 404
        feed = (await publish.client.get("/feeds/ninjs.json")).json()
        status = {i["uri"]: i["pubStatus"] for i in feed["items"]}
        assert status[f"urn:lantoa:publish:news:{item['news_id']}"] == "canceled"

        # The organizers' form: an error keeps what was typed; another site may not post.
        form = await organizer.post(
            "/quan-ly/tin-tuc",
            data={
                "contest_code": "NTVT",
                "title": "",
                "body": "Nội dung đã gõ dở",
                "format": "text",
            },
        )
        assert form.status_code == 422
        assert "Tiêu đề cần có" in form.text and "Nội dung đã gõ dở" in form.text
        saved = await organizer.post(
            "/quan-ly/tin-tuc",
            data={
                "contest_code": "NTVT",
                "title": "Tin từ biểu mẫu",
                "body": "Một đoạn.",
                "format": "text",
            },
        )
        assert saved.status_code == 303
        token = sign_token(
            publish.infra.private_key,
            roles=[Role.ORGANIZER],
            subject="acc-x",
            email="btc@so.lantoa.vn",
            name="BTC",
        )
        async with httpx.AsyncClient(
            transport=publish.client._transport,
            base_url=publish.client.base_url,
            cookies={TOKEN_COOKIE: token},
            headers={"Origin": "https://evil.example"},
        ) as elsewhere:
            forged = await elsewhere.post(
                "/quan-ly/tin-tuc",
                data={"contest_code": "NTVT", "title": "Giả mạo", "body": "x", "format": "text"},
            )
        assert forged.status_code == 403
        manage = await organizer.get("/quan-ly/tin-tuc")
        assert "Tin từ biểu mẫu" in manage.text and "Giả mạo" not in manage.text
        made = next(
            n
            for n in (await publish.client.get("/api/news")).json()
            if n["title"] == "Tin từ biểu mẫu"
        )
        form_page = await organizer.get(f"/quan-ly/tin-tuc/{made['news_id']}")
        assert 'value="Tin từ biểu mẫu"' in form_page.text
        changed = await organizer.post(
            f"/quan-ly/tin-tuc/{made['news_id']}",
            data={"title": "Tin đã sửa", "body": "<p>Đoạn <em>mới</em></p>", "format": "html"},
        )
        assert changed.status_code == 303
        shown = await publish.client.get(f"/cuoc-thi/NTVT/tin-tuc/{made['slug']}")
        assert "Tin đã sửa" in shown.text and "<em>mới</em>" in shown.text
        taken = await organizer.post(f"/quan-ly/tin-tuc/{made['news_id']}/go")
        assert taken.status_code == 303
        assert (
            await publish.client.get(f"/cuoc-thi/NTVT/tin-tuc/{made['slug']}")
        ).status_code == 404
        landing = await organizer.get("/quan-ly")
        for link in (
            "/quan-ly/tin-tuc",
            "/quan-ly/kenh",
            "/quan-ly/lich-dang",
            "/quan-ly/guong-dien-hinh",
        ):
            assert f'href="{link}"' in landing.text
        assert (await publish.client.get("/quan-ly")).status_code == 303  # sign in first
