"""The organizers' contest editor, through its real forms: a contest set up without JSON, its
rules sanitised, published, changed after submissions opened (a reason required), a refused
rules file, and the editor closed to everyone else."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa

from services.submissions.models import Contest
from shared.auth import Role
from tests.integration.conftest import Submissions
from tests.support import samples

VN = ZoneInfo("Asia/Ho_Chi_Minh")
GIB, MIB = 1024**3, 1024**2
RULES = (
    "<h2>Điều 1. Đối tượng</h2><p>Nhà báo <strong>chuyên nghiệp</strong> và cộng tác viên.</p>"
    '<script>alert("x")</script><ul><li>Một người tối đa hai bài</li></ul>'
    '<p><a href="https://lantoa.vn/the-le" onclick="steal()">Xem thêm</a></p>'
)


class _FormFields(HTMLParser):
    """What a browser would send for the form posting to ``action`` (file inputs aside)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside = action, False
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or (tag != "option" and not a.get("name")):
            return
        kind = a.get("type", "text")
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in a:
                self.fields[a["name"]] = a.get("value", "on")
        elif tag == "input" and kind not in ("file", "submit"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [self._options[0][0]]
            self.fields[self._select] = chosen[0]
            self._select = None


def form_fields(page: str, action: str) -> dict[str, str]:
    parser = _FormFields(action)
    parser.feed(page)
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def row(prefix: str, **fields: str) -> dict[str, str]:
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def tier(prefix: str, code: str, name: str, quota: str, prize: str) -> dict[str, str]:
    return row(prefix, code=code, name=name, quota=quota, prize=prize)


def contest_form(code: str) -> dict[str, str]:
    """A contest as an organizer types it: two categories with tiers, four phases."""
    today = datetime.now(VN).date()
    after = {n: day(today + timedelta(days=n)) for n in (-10, -2, -1, 30, 50, 60)}
    return {
        "code": code.lower(),  # typed in lower case; kept in upper case
        "title": "Cuộc thi báo chí viết về gương người tốt, việc tốt",
        "theme": "Lan toả những tấm gương bình dị ở cơ sở",
        "organizer": "Sở Văn hoá, Thể thao và Du lịch tỉnh Lạng Sơn",
        "prize_budget_vnd": "60.000.000",
        "rules_html": RULES,
        **row("phase-announcement", start_day=after[-10], end_day=after[-2]),
        **row("phase-submission", start_day=after[-1], start_time="08:00"),
        **row("phase-submission", end_day=after[30], end_time="17:00"),
        # as an <input type=date> sends it
        **row("phase-final_round", start_day=(today + timedelta(days=40)).isoformat()),
        **row("phase-final_round", end_day=after[50]),
        **row("phase-ceremony", start_day=after[60], start_time="8h30"),
        **row("phase-ceremony", end_day=after[60], end_time="11:00"),
        **row("cat-0", code="BC", name="Báo in, báo điện tử", max_files="3", max_words="5000"),
        **row("cat-0", max_size="1,5", size_unit="GiB", max_series_parts="5"),
        **row("cat-0", **{"kind-text": "1", "kind-image": "1"}),
        **tier("cat-0-tier-0", "A", "Giải A", "1", "10.000.000"),
        **tier("cat-0-tier-2", "B", "Giải B", "2", "5000000"),  # an empty row between
        # the second category, typed in the third row
        **row("cat-2", code="TH", name="Truyền hình", max_files="2", max_minutes="15"),
        **row("cat-2", max_size="500", size_unit="MiB", max_series_parts="1"),
        **row("cat-2", **{"kind-video": "1"}),
        **tier("cat-2-tier-0", "A", "Giải A truyền hình", "1", "15.000.000 đ"),
        "entries_per_author": "2",
        **{"lang-vi": "1", "lang-tyz": "1", "translate-tyz": "1", "unpublished_allowed": "1"},
        "published_from": "01/01/2026",
        "published_until": "31/12/2026",
        "excluded_emails": "HoiDong@So.LanToa.vn\r\n\r\nthuky-ngoai@so.lantoa.vn\r\n",
    }


def pdf_file(content: bytes) -> dict[str, tuple[str, bytes, str]]:
    return {"rules_pdf": ("the-le.pdf", content, "application/pdf")}


async def contest_id_of(submissions: Submissions, code: str) -> str:
    async with submissions.runtime.db.reading() as session:
        found = await session.scalar(sa.select(Contest.contest_id).where(Contest.code == code))
    assert found is not None, code
    return found


def at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=VN)


async def test_set_up_publish_and_change_a_contest_through_the_forms(
    submissions: Submissions,
) -> None:
    organizer = await submissions.person(Role.ORGANIZER, "btc@editor.vn", "Trưởng Ban Tổ Chức")
    home = await organizer.get("/organizer")
    assert 'href="/organizer/contests/new"' in home.text
    blank = await organizer.get("/organizer/contests/new")
    assert blank.status_code == 200, blank.text
    assert 'enctype="multipart/form-data"' in blank.text
    for name in (
        "Phát động cuộc thi",
        "Sơ duyệt (Tổ Thư ký)",
        "Chấm sơ khảo",
        "Đăng, phát tác phẩm đoạt giải",
    ):
        assert name in blank.text
    assert 'name="cat-3-tier-3-prize"' in blank.text  # four categories, four tiers each

    typed = contest_form("ce1")
    created = await organizer.post(
        "/organizer/contests/new", data=typed, files=pdf_file(samples.pdf("The le CE1"))
    )
    assert created.status_code == 303, created.text
    assert created.headers["location"] == "/organizer?done=contest_created"
    contest_id = await contest_id_of(submissions, "CE1")
    listed = await organizer.get("/organizer?done=contest_created")
    assert (
        "Đã tạo cuộc thi" in listed.text and f"/organizer/contests/{contest_id}/edit" in listed.text
    )
    assert (await organizer.get(f"/api/contests/{contest_id}")).status_code == 404  # a draft

    edit_url = f"/organizer/contests/{contest_id}/edit"
    editor = await organizer.get(edit_url)
    assert editor.status_code == 200
    assert 'value="Báo in, báo điện tử"' in editor.text and 'value="1,5"' in editor.text
    assert "<strong>chuyên nghiệp</strong>" in editor.text  # the preview, sanitised
    assert "<script>" not in editor.text and "steal()" not in editor.text.split("</textarea>")[1]
    assert f'action="/organizer/contests/{contest_id}/publish"' in editor.text
    published = await organizer.post(f"/organizer/contests/{contest_id}/publish")
    assert published.status_code == 303, published.text
    again = await organizer.post(f"/organizer/contests/{contest_id}/publish")
    assert again.status_code == 409 and "Cuộc thi đã được công bố." in again.text

    shown = (await submissions.client.get(f"/api/contests/{contest_id}")).json()
    today = datetime.now(VN).date()
    assert shown["version"] == 1 and shown["code"] == "CE1"
    assert shown["title"] == typed["title"] and shown["organizer"] == typed["organizer"]
    assert shown["prize_budget_vnd"] == 60_000_000
    assert "<script" not in shown["rules_html"] and "onclick" not in shown["rules_html"]
    assert "<h2>Điều 1. Đối tượng</h2>" in shown["rules_html"]
    assert shown["rules_pdf_url"] == f"/api/contests/{contest_id}/rules.pdf"
    phases = {p["kind"]: p for p in shown["phases"]}
    assert list(phases) == ["announcement", "submission", "final_round", "ceremony"]
    submission = phases["submission"]
    assert datetime.fromisoformat(submission["starts_at"]) == at(today - timedelta(days=1), 8)
    assert datetime.fromisoformat(submission["ends_at"]) == at(today + timedelta(days=30), 17)
    announced = phases["announcement"]
    assert datetime.fromisoformat(announced["ends_at"]) == at(today - timedelta(days=2), 23, 59)
    ceremony = datetime.fromisoformat(phases["ceremony"]["starts_at"])
    assert ceremony == at(today + timedelta(days=60), 8, 30)
    bc, th = shown["categories"]
    assert (bc["code"], bc["name"], th["code"]) == ("BC", "Báo in, báo điện tử", "TH")
    assert bc["rules"] == {
        "allowed_kinds": ["text", "image"],
        "max_files": 3,
        "max_file_bytes": 3 * GIB // 2,
        "max_duration_seconds": None,
        "max_words": 5000,
        "max_series_parts": 5,
        "min_images": None,
    }
    assert th["rules"]["max_file_bytes"] == 500 * MIB
    assert th["rules"]["max_duration_seconds"] == 15 * 60
    assert th["rules"]["allowed_kinds"] == ["video"]
    assert bc["award_tiers"] == [
        {"code": "A", "name": "Giải A", "quota": 1, "prize_vnd": 10_000_000},
        {"code": "B", "name": "Giải B", "quota": 2, "prize_vnd": 5_000_000},
    ]
    assert th["award_tiers"][0]["prize_vnd"] == 15_000_000
    assert shown["eligibility"] == {
        "entries_per_author": 2,
        "languages": ["vi", "tyz"],
        "translation_required": ["tyz"],
        "published_from": "2026-01-01",
        "published_until": "2026-12-31",
        "unpublished_allowed": True,
        "excluded_emails": ["hoidong@so.lantoa.vn", "thuky-ngoai@so.lantoa.vn"],
    }

    # Submissions are open: a change needs a reason, and nothing typed is lost without one.
    editor = await organizer.get(edit_url)
    assert "Lý do thay đổi" in editor.text and "Công bố cuộc thi" not in editor.text
    fields = form_fields(editor.text, edit_url)
    assert fields["cat-0-max_size"] == "1,5" and fields["cat-0-size_unit"] == "GiB"
    fields["cat-0-max_files"] = "5"
    refused = await organizer.post(edit_url, data=fields)
    assert refused.status_code == 422, refused.text
    assert 'role="alert"' in refused.text and 'id="e-reason"' in refused.text
    assert "hãy ghi rõ lý do thay đổi" in refused.text
    assert 'name="cat-0-max_files" type="number" value="5"' in refused.text
    assert 'value="Giải A truyền hình"' in refused.text
    assert (await submissions.client.get(f"/api/contests/{contest_id}")).json()["version"] == 1

    fields["reason"] = "Tăng số tệp theo đề nghị của các toà soạn."
    saved = await organizer.post(edit_url, data=fields)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/organizer?done=contest_saved"
    changed = (await submissions.client.get(f"/api/contests/{contest_id}")).json()
    assert changed["version"] == 2
    assert changed["categories"][0]["rules"]["max_files"] == 5
    # Everything else went through the form and back unchanged.
    for key in ("phases", "eligibility", "rules_html", "prize_budget_vnd"):
        assert changed[key] == shown[key], key
    assert changed["categories"][1] == th
    assert changed["categories"][0]["award_tiers"] == bc["award_tiers"]
    history = (await organizer.get(f"/api/contests/{contest_id}/history")).json()
    assert [(h["version"], h["reason"]) for h in history] == [
        (1, None),
        (2, "Tăng số tệp theo đề nghị của các toà soạn."),
    ]
    listed = await organizer.get("/organizer?done=contest_saved")
    assert "Tăng số tệp theo đề nghị của các toà soạn." in listed.text
    assert "Trưởng Ban Tổ Chức" in listed.text

    # A rules "PDF" that is really an image is refused, in Vietnamese, next to the field.
    fields["reason"] = "Thay tệp Thể lệ."
    not_pdf = await organizer.post(edit_url, data=fields, files=pdf_file(samples.png()))
    assert not_pdf.status_code == 422
    assert 'id="e-rules_pdf"' in not_pdf.text and "Thể lệ phải là tệp PDF." in not_pdf.text
    assert ">Thay tệp Thể lệ.</textarea>" in not_pdf.text
    assert (await submissions.client.get(f"/api/contests/{contest_id}")).json()["version"] == 2


async def test_mistakes_are_shown_next_to_the_fields(submissions: Submissions) -> None:
    organizer = await submissions.person(Role.ORGANIZER, "btc2@editor.vn")
    typed = contest_form("CE2")
    typed |= {
        "cat-0-tier-0-prize": "mười triệu",
        "cat-2-code": "BC",  # the same code twice
        "cat-2-tier-0-quota": "9",  # 9 × 15 million: over the budget
        "phase-submission-end_day": "31/02/2026",
        "phase-ceremony-end_time": "25:00",
        "lang-vi": "",
        "lang-tyz": "",
        "excluded_emails": "khong-phai-email",
    }
    refused = await organizer.post("/organizer/contests/new", data=typed)
    assert refused.status_code == 422, refused.text
    expected = {
        "cat-0-tier-0-prize": "Hãy ghi số tiền bằng chữ số, ví dụ 10.000.000.",
        "cat-2-code": "Mã thể loại bị trùng.",
        "phase-submission-end_day": "Ngày không hợp lệ; hãy ghi theo dạng dd/mm/yyyy.",
        "phase-ceremony-end_time": "Giờ không hợp lệ; hãy ghi theo dạng HH:MM, ví dụ 17:00.",
        "languages": "Chọn ít nhất một ngôn ngữ.",
        "excluded_emails": "Địa chỉ e-mail không hợp lệ: khong-phai-email",
    }
    for name, message in expected.items():
        assert re.search(f'id="e-{name}">{re.escape(message)}<', refused.text), name
        assert f'href="#f-{name}"' in refused.text, name
    assert "Tiền thưởng mỗi giải (đồng) (thể loại 1, giải 1)" in refused.text
    assert 'value="mười triệu"' in refused.text and 'value="31/02/2026"' in refused.text
    async with submissions.runtime.db.reading() as session:
        assert await session.scalar(sa.select(Contest).where(Contest.code == "CE2")) is None

    over = contest_form("CE2") | {"cat-2-tier-0-quota": "9"}
    refused = await organizer.post("/organizer/contests/new", data=over)
    assert refused.status_code == 422
    assert "Tổng tiền các giải là 155.000.000 đồng, vượt tổng kinh phí giải thưởng." in refused.text

    no_submission = {k: v for k, v in contest_form("CE2").items() if "submission" not in k}
    refused = await organizer.post("/organizer/contests/new", data=no_submission)
    assert 'id="e-phase-submission-start_day">Cần có thời gian nhận bài.<' in refused.text

    english = await organizer.post(
        "/organizer/contests/new", data=no_submission, headers={"Cookie": "lang=en"}
    )
    assert english.status_code == 422 and '<html lang="en">' in english.text
    assert "Submission period: start date</a>: The submission period is required." in english.text

    assert (await organizer.post("/organizer/contests/new", data=contest_form("CE2"))).is_redirect
    taken = await organizer.post("/organizer/contests/new", data=contest_form("CE2"))
    assert taken.status_code == 409 and 'id="e-code">Mã cuộc thi CE2 đã được dùng.<' in taken.text


async def test_only_organizers_use_the_editor(submissions: Submissions) -> None:
    contest_id = await submissions.contest("CE3")
    contestant = await submissions.person(Role.CONTESTANT, "thisinh@editor.vn")
    secretary = await submissions.person(Role.SECRETARIAT, "thuky@editor.vn")
    for client in (contestant, secretary):
        assert (await client.get("/organizer/contests/new")).status_code == 403
        assert (await client.get(f"/organizer/contests/{contest_id}/edit")).status_code == 403
        posted = await client.post("/organizer/contests/new", data=contest_form("CE4"))
        assert posted.status_code == 403
        published = await client.post(f"/organizer/contests/{contest_id}/publish")
        assert published.status_code == 403
    async with httpx.AsyncClient(
        transport=submissions.client._transport, base_url=submissions.client.base_url
    ) as anonymous:
        page = await anonymous.get(f"/organizer/contests/{contest_id}/edit")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/sign-in?next=%2Forganizer%2Fcontests%2F")
    organizer = await submissions.person(Role.ORGANIZER, "btc3@editor.vn")
    assert (await organizer.get("/organizer/contests/khong-co/edit")).status_code == 404
    async with submissions.runtime.db.reading() as session:
        assert await session.scalar(sa.select(Contest).where(Contest.code == "CE4")) is None
