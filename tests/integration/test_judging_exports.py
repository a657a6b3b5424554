"""A closed round's documents over HTTP, on each database, read back the way people's tools
read them: the results as XLSX (openpyxl) and CSV, the minutes and a juror's score sheet as
PDF (pypdf). Vietnamese comes back intact, numbers stay numbers, and in a blind round no
document names an author. A juror downloads only their own score sheet."""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.support.judging import Judging, accepted_event, points_for

AUTHORS = {1: "Hà Thị Bích Ngọc", 2: "Lương Văn Khánh", 3: "Chu Thị Hoài Thương"}
SECRETS = (*AUTHORS.values(), "Hoa Mai", "@bao.lantoa.vn", "Báo Lạng Sơn")
TOTALS = {"BC-001": 60.0, "BC-002": 70.0, "BC-003": 80.0}


async def closed_round(judging: Judging) -> tuple[str, dict[int, str]]:
    """Three BC entries scored 60 / 70 / 80 by each of their two jurors, then closed."""
    cid = judging.contest_id
    await judging.feed(
        *[accepted_event(cid, n, "BC", author_name=name) for n, name in AUTHORS.items()]
    )
    council = await judging.council("preliminary", "Hội đồng sơ khảo")
    members = {n: await judging.member(council, n, category_id="cat-BC") for n in (1, 2, 3)}
    round_id = await judging.round(council)
    await judging.assign_and_release(round_id)
    for n in (1, 2, 3):
        for a in await judging.my_assignments(n, round_id):
            total = TOTALS[a["entry_code"]]
            await judging.ok(await judging.score(n, a["assignment_id"], points_for(total)))
    await judging.ok(await judging.secretariat.post(f"/api/rounds/{round_id}/close", json={}))
    return round_id, members


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = " ".join(page.extract_text() for page in reader.pages)
    properties = " ".join(str(v) for v in (reader.metadata or {}).values())
    return " ".join(f"{pages} {properties}".split())


def names_no_author(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


async def test_results_as_xlsx(judging: Judging) -> None:
    round_id, _ = await closed_round(judging)
    got = await judging.secretariat.get(f"/api/rounds/{round_id}/results.xlsx")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f'filename="ket-qua-{round_id}.xlsx"' in got.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet is not None and sheet.title == "Kết quả"
    column_a = [sheet.cell(row=r, column=1).value for r in range(1, 5)]
    assert column_a[0] == "Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn"
    assert column_a[1] == "Vòng: Vòng sơ khảo"
    assert column_a[2] == "Phương pháp xếp hạng: Điểm trung bình"
    assert column_a[3] == "Kết quả chưa được phê duyệt (chưa có mã kiểm chứng)."

    header = [c.value for c in sheet[6]]
    assert header[:6] == [
        "Hạng",
        "Mã tác phẩm",
        "Tên tác phẩm",
        "Tác giả",
        "Thể loại",
        "Điểm trung bình",
    ]
    assert "Tiền thưởng (VNĐ)" in header
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=7)]
    assert [(r[0], r[1]) for r in rows] == [(1, "BC-003"), (2, "BC-002"), (3, "BC-001")]
    for number, row in enumerate(rows, start=7):
        assert isinstance(row[5], int | float) and row[5] == TOTALS[str(row[1])]
        assert sheet.cell(row=number, column=6).number_format == "0.00"
        assert row[2] == f"Người tốt, việc tốt ở Bắc Sơn — kỳ {str(row[1])[-1]}"
        assert row[3] in (None, "")  # blind until the results are approved
        assert row[4] == "Báo in, báo điện tử"
    every = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    names_no_author(every)


async def test_results_as_csv(judging: Judging) -> None:
    round_id, _ = await closed_round(judging)
    got = await judging.secretariat.get(f"/api/rounds/{round_id}/results.csv")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads it as UTF-8
    text = got.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Phương pháp xếp hạng", "Hạng", "Mã tác phẩm", "Tên tác phẩm"]
    assert rows[0][-1] == "Mã kiểm chứng kết quả"
    body = rows[1:]
    assert [(r[0], r[1], r[2]) for r in body] == [
        ("Điểm trung bình", "1", "BC-003"),
        ("Điểm trung bình", "2", "BC-002"),
        ("Điểm trung bình", "3", "BC-001"),
    ]
    mean = rows[0].index("Điểm trung bình")
    assert [r[mean] for r in body] == ["80", "70", "60"]
    assert body[0][3] == "Người tốt, việc tốt ở Bắc Sơn — kỳ 3"
    assert {r[-1] for r in body} == {""}  # no snapshot hash before approval
    names_no_author(text)


async def test_minutes_as_pdf(judging: Judging) -> None:
    round_id, _ = await closed_round(judging)
    got = await judging.secretariat.get(f"/api/rounds/{round_id}/minutes.pdf")
    text = pdf_text(got)
    for expected in (
        "BIÊN BẢN HỌP HỘI ĐỒNG SƠ KHẢO",
        "Vòng sơ khảo",
        "Giám Khảo 1",
        "Giám Khảo 3",
        "Phương pháp xếp hạng: Điểm trung bình",
        "BC-003",
        "BC-001",
    ):
        assert expected in text, expected
    assert text.index("BC-003") < text.index("BC-002") < text.index("BC-001")
    names_no_author(text)


async def test_a_jurors_score_sheet_as_pdf(judging: Judging) -> None:
    round_id, members = await closed_round(judging)
    mine = {a["entry_code"] for a in await judging.my_assignments(2, round_id)}
    url = f"/api/rounds/{round_id}/score-sheets/{members[2]}.pdf"
    got = await judging.juror(2).get(url)
    assert f'filename="phieu-cham-{members[2]}.pdf"' in got.headers["content-disposition"]
    text = pdf_text(got)
    for expected in (
        "PHIẾU CHẤM ĐIỂM",
        "Giám Khảo 2",
        "Đài PT-TH số 2",
        "Nội dung",
        "Tính phát hiện",
        "Hình thức thể hiện",
        "Hiệu quả xã hội",
        "Vòng chấm kín",
        *mine,
    ):
        assert expected in text, expected
    assert len(mine) == 2
    for code in set(TOTALS) - mine:
        assert code not in text
    names_no_author(text)

    # The secretariat prints anyone's sheet; a juror only their own.
    assert (await judging.secretariat.get(url)).status_code == 200
    other = await judging.juror(2).get(f"/api/rounds/{round_id}/score-sheets/{members[1]}.pdf")
    assert other.status_code == 403
    assert other.json()["detail"] == "Bạn không có quyền in phiếu này. / Not your score sheet."
    assert (await judging.client.get(url)).status_code == 401
    unknown = await judging.secretariat.get(f"/api/rounds/{round_id}/score-sheets/khong-co.pdf")
    assert unknown.status_code == 404
