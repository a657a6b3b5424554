"""The exemplar press room in the running publish service: an organizer's import is previewed
row by row and saves nothing until confirmed, once; journalists search with or without
diacritics on SQLite and PostgreSQL; unconsented exemplars and the import pages stay private."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import httpx

from shared.auth import TOKEN_COOKIE, Role
from shared.contracts.submissions import Exemplar
from tests.conftest import DatabaseTarget
from tests.support.infra import Infra
from tests.support.keys import sign_token
from tests.support.publish import (
    Publish,
    exemplar_row,
    exemplars_csv,
    exemplars_xlsx,
    publish_running,
    results_event,
    winner,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA = '=HYPERLINK("http://evil.example/","Bấm vào")'

THU = exemplar_row(
    "Hoàng Văn Thụ",
    achievements="Hơn 20 năm cắm bản dạy chữ.\n\nMở lớp xoá mù chữ ban đêm cho phụ nữ Tày.",
)
THU_PLAIN = exemplar_row(
    "Hoàng Văn Thu",
    "Đồn Biên phòng Chi Ma",
    district="Lộc Bình",
    achievements="Tuần tra bảo vệ cột mốc biên giới.",
)
HOA = exemplar_row(
    "Vi Thị Hoa", "Hội Phụ nữ xã Tân Đoàn", district="Văn Quan", achievements=FORMULA
)
SECRET = exemplar_row("Nông Văn Kín", "Xã Hữu Kiên", consent="Không", contact="0987 000 111")


def files(data: bytes, name: str = "guong.csv", kind: str = "text/csv") -> dict[str, tuple]:  # type: ignore[type-arg]
    return {"file": (name, data, kind)}


async def upload(client: httpx.AsyncClient, data: bytes, name: str = "guong.csv") -> httpx.Response:
    kind = XLSX if name.endswith(".xlsx") else "text/csv"
    return await client.post("/api/exemplars/imports", files=files(data, name, kind))


async def public_names(publish: Publish, query: str) -> list[str]:
    answer = await publish.client.get("/api/exemplars", params={"q": query})
    assert answer.status_code == 200
    return sorted(item["name"] for item in answer.json()["items"])


async def test_import_preview_confirm_once_and_what_the_public_sees(
    infra: Infra, tmp_path: Path
) -> None:
    database = DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/publish.db", None)
    async with publish_running(infra, database) as publish:
        organizer = publish.as_role(Role.ORGANIZER)
        contestant = publish.as_role(Role.CONTESTANT)
        rows = [THU, exemplar_row(""), HOA, exemplar_row("HOÀNG VĂN THỤ"), SECRET]
        data = exemplars_csv(rows, encoding="cp1258", delimiter=";")

        # Roles: the public and contestants may not import.
        assert (await upload(publish.client, data)).status_code == 401
        assert (await upload(contestant, data)).status_code == 403
        assert (await contestant.get("/quan-ly/guong-dien-hinh")).status_code == 403
        anonymous = await publish.client.get("/quan-ly/guong-dien-hinh")
        assert anonymous.status_code == 303 and "sign-in" in anonymous.headers["location"]

        # Preview: every row with its reasons; nothing is an exemplar yet.
        answer = await upload(organizer, data)
        assert answer.status_code == 201, answer.text
        preview = answer.json()
        assert preview["encoding"] == "Windows-1258" and preview["delimiter"] == ";"
        assert (preview["rows_ok"], preview["rows_bad"], preview["status"]) == (3, 2, "previewed")
        problems = {r["line"]: r["problems"] for r in preview["rows"]}
        assert problems[3] == ["Dòng 3: thiếu tên / Row 3: name missing"]
        assert problems[5][0].startswith("Dòng 5: trùng với dòng 2")
        assert (await organizer.get("/api/exemplars")).json()["total"] == 0

        # A file with the wrong columns: a clear message naming them, nothing kept.
        wrong = await upload(organizer, "Tên,Tuổi\nA,3\n".encode())
        assert wrong.status_code == 422
        assert "Không tìm thấy dòng tiêu đề" in wrong.json()["detail"]["message"]
        huge = await upload(organizer, data + b"x" * (5 * 1024 * 1024))
        assert huge.status_code == 413 and "Tệp lớn quá 5 MiB" in huge.json()["detail"]

        # Confirm saves the good rows; confirming again saves nothing more.
        import_id = preview["import_id"]
        first = await organizer.post(f"/api/exemplars/imports/{import_id}/confirm")
        again = await organizer.post(f"/api/exemplars/imports/{import_id}/confirm")
        assert first.status_code == again.status_code == 200
        assert (
            first.json()["saved_ids"]
            == again.json()["saved_ids"]
            == [
                "GD-0001",
                "GD-0002",
                "GD-0003",
            ]
        )
        assert (await organizer.get("/api/exemplars")).json()["total"] == 3

        # The same file again: every good row is now "already in the press room".
        repeat = (await upload(organizer, data)).json()
        assert repeat["rows_ok"] == 0
        assert "đã có trong Phòng báo chí (GD-0001" in repeat["rows"][0]["problems"][0]

        # The public: consented exemplars only, never the unconsented one or its contact.
        listed = (await publish.client.get("/api/exemplars")).json()
        assert sorted(i["exemplar_id"] for i in listed["items"]) == ["GD-0001", "GD-0002"]
        assert (await publish.client.get("/api/exemplars/GD-0003")).status_code == 404
        assert (await publish.client.get("/phong-bao-chi/GD-0003")).status_code == 404
        page = await publish.client.get("/phong-bao-chi")
        assert "Hoàng Văn Thụ" in page.text and "Nông Văn Kín" not in page.text
        secret = (await organizer.get("/api/exemplars/gd-3")).json()
        assert secret["consent"] is False and secret["contact"] == "0987 000 111"

        # The exemplar's page: code to quote, paragraphs, contact (consented); formula escaped.
        thu = await publish.client.get("/phong-bao-chi/GD-0001")
        assert thu.status_code == 200
        assert 'data-testid="exemplar-code">GD-0001<' in thu.text
        assert "<p>Mở lớp xoá mù chữ ban đêm cho phụ nữ Tày.</p>" in thu.text
        assert "0912 345 678" in thu.text
        assert 'og:title" content="Hoàng Văn Thụ (GD-0001)"' in thu.text
        hoa = await publish.client.get("/phong-bao-chi/GD-0002")
        assert "=HYPERLINK(&#34;http://evil.example/&#34;" in hoa.text
        assert '<a href="http://evil.example/"' not in hoa.text
        exported = (await publish.client.get("/phong-bao-chi.csv")).content.decode("utf-8-sig")
        cells = {row[1]: row for row in csv.reader(io.StringIO(exported))}
        assert cells["Vi Thị Hoa"][7] == "'" + FORMULA and "Nông Văn Kín" not in cells

        # A winning work that names the exemplar is listed on its page (its authors consented);
        # one whose authors did not is not linked to it.
        about = Exemplar(name="Hoàng Văn Thụ", exemplar_id="GD-0001")
        await publish.feed(
            results_event(
                (
                    winner(1, exemplars=(about,), title="Thầy Thụ và điểm trường Khòn Pổ"),
                    winner(2, tier="B", exemplars=(about,), title="Bài kín", consent=False),
                )
            )
        )
        listed_works = await publish.client.get("/phong-bao-chi/GD-0001")
        assert '<a href="/tac-pham/BC-001">Thầy Thụ và điểm trường Khòn Pổ</a>' in (
            listed_works.text
        )
        assert "Bài kín" not in listed_works.text

        # The feeds get the consented exemplars, newest first.
        from services.publish.exemplars.service import exemplars_for_feeds

        async with publish.runtime.db.reading() as session:
            fed = await exemplars_for_feeds(session)
        assert {e.exemplar_id for e in fed} == {"GD-0001", "GD-0002"}


async def test_the_import_pages_as_an_organizer_uses_them(infra: Infra, tmp_path: Path) -> None:
    database = DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path}/publish.db", None)
    async with publish_running(infra, database) as publish:
        token = sign_token(
            infra.private_key, roles=[Role.ORGANIZER], subject="acc-org", email="btc@so.lantoa.vn"
        )
        base = str(publish.client.base_url)
        browser = httpx.AsyncClient(
            transport=publish.client._transport,
            base_url=base,
            cookies={TOKEN_COOKIE: token},
            headers={"Origin": base},
        )
        form = await browser.get("/quan-ly/guong-dien-hinh")
        assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text

        # The same-site guard: a form posted from another site with the cookie is refused.
        xlsx = exemplars_xlsx([THU, exemplar_row("Lăng Văn Tú", kind="Hộ gia đình")], title="DS")
        forged = await browser.post(
            "/quan-ly/guong-dien-hinh",
            files=files(xlsx, "ds.xlsx", XLSX),
            headers={"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403

        # Wrong columns: the page says which are expected and which were found.
        bad = await browser.post(
            "/quan-ly/guong-dien-hinh",
            files=files(exemplars_csv([THU[:3]], header=["Họ và tên", "Loại", "Đơn vị"])),
        )
        assert bad.status_code == 422
        assert "Thiếu cột: Huyện/Thành phố, Lĩnh vực, Thành tích, Đồng ý công bố." in bad.text
        assert "Các cột trong tệp (dòng 1): Họ và tên, Loại, Đơn vị" in bad.text

        # An XLSX named .xlsx but told apart by its content; the preview shows the bad row.
        sent = await browser.post(
            "/quan-ly/guong-dien-hinh", files=files(xlsx, "ds-guong.bin", "application/x-any")
        )
        assert sent.status_code == 303, sent.text
        preview = await browser.get(sent.headers["location"])
        assert preview.status_code == 200
        assert '<tr class="row-bad" data-line="4">' in preview.text
        assert "Dòng 4: “Hộ gia đình” ở cột Cá nhân/Tập thể" in preview.text
        assert "Lưu 1 dòng hợp lệ" in preview.text
        assert (await publish.client.get("/api/exemplars")).json()["total"] == 0

        saved = await browser.post(sent.headers["location"] + "/xac-nhan")
        assert saved.status_code == 303
        done = await browser.get(saved.headers["location"])
        assert "Đã lưu 1 gương điển hình vào Phòng báo chí." in done.text
        assert (await publish.client.get("/api/exemplars")).json()["total"] == 1
        assert "ds-guong.bin" in (await browser.get("/quan-ly/guong-dien-hinh")).text

        browser.cookies.set("lang", "en")
        english = await browser.get("/phong-bao-chi")
        assert "Press room" in english.text and "Hoàng Văn Thụ" in english.text
        await browser.aclose()


async def test_search_with_and_without_diacritics(infra: Infra, database: DatabaseTarget) -> None:
    async with publish_running(infra, database) as publish:
        organizer = publish.as_role(Role.ORGANIZER)
        crowd = [
            exemplar_row(
                f"Chi hội Cựu chiến binh số {i}",
                f"Thôn {i}",
                district="Tràng Định",
                achievements="Giúp đỡ hộ nghèo trong thôn.",
            )
            for i in range(23)
        ]
        data = exemplars_csv([THU, THU_PLAIN, HOA, SECRET, *crowd], encoding="utf-8-sig")
        import_id = (await upload(organizer, data)).json()["import_id"]
        # A double click: two confirmations at once save the rows once.
        confirm = f"/api/exemplars/imports/{import_id}/confirm"
        answers = await asyncio.gather(organizer.post(confirm), organizer.post(confirm))
        assert [len(a.json()["saved_ids"]) for a in answers] == [27, 27]
        assert (await organizer.get("/api/exemplars")).json()["total"] == 27

        both = ["Hoàng Văn Thu", "Hoàng Văn Thụ"]
        assert await public_names(publish, "hoang van thu") == both
        assert await public_names(publish, "HOANG VAN THU") == both
        assert await public_names(publish, "Thụ") == ["Hoàng Văn Thụ"]
        assert await public_names(publish, "Thu") == both  # no marks typed: both
        assert await public_names(publish, "Hoàng thu") == both
        assert await public_names(publish, "xoa mu chu") == ["Hoàng Văn Thụ"]  # achievements
        assert await public_names(publish, "cứu người") == []
        assert await public_names(publish, "cam ban") == ["Hoàng Văn Thụ"]  # achievements
        assert await public_names(publish, "gd-3") == ["Vi Thị Hoa"]  # a code
        assert await public_names(publish, "kín") == []  # unconsented: not for the public
        assert await public_names(publish, "50%_") == []

        # Filters and paging.
        loc_binh = await publish.client.get("/api/exemplars", params={"district": "Lộc Bình"})
        assert [i["name"] for i in loc_binh.json()["items"]] == ["Hoàng Văn Thu"]
        veterans = {"q": "cuu chien binh", "district": "Tràng Định"}
        first = (await publish.client.get("/api/exemplars", params=veterans)).json()
        second = (await publish.client.get("/api/exemplars", params={**veterans, "page": 2})).json()
        assert (first["total"], first["pages"], len(first["items"]), len(second["items"])) == (
            23,
            2,
            20,
            3,
        )
        assert not {i["exemplar_id"] for i in first["items"]} & {
            i["exemplar_id"] for i in second["items"]
        }

        page = await publish.client.get("/phong-bao-chi", params={"q": "hoang van thu"})
        assert "Hoàng Văn Thụ" in page.text and "Vi Thị Hoa" not in page.text
        assert "Tìm thấy 2 gương điển hình." in page.text
        paged = await publish.client.get("/phong-bao-chi", params={**veterans, "page": "x"})
        assert paged.status_code == 200 and 'rel="next"' in paged.text
