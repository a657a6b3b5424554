"""Languages of the pages: Vietnamese (the msgids themselves) and English (from the .po file).

The catalogue is compiled in memory when first used, so the service runs without a compile
step. Texts from the services arrive as "Vietnamese / English": ``pick`` shows one half.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANG_COOKIE = "lang"
LOCALES = Path(__file__).resolve().parent.parent / "locales"


def N_(message: str) -> str:  # the usual name of the marker
    """Marks a text for extraction; it is translated where it is shown."""
    return message


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()  # the msgids are the Vietnamese texts
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def pick(message: str, lang: str) -> str:
    """The half of a "Vietnamese / English" message that matches ``lang``."""
    vi, separator, en = message.partition(" / ")
    if not separator:
        return message
    return en.strip() if lang == "en" else vi.strip()


def choose_language(cookie: str | None, account_language: str | None) -> str:
    """The cookie decides; without one, the signed-in person's language; else Vietnamese."""
    if cookie in LANGUAGES:
        return cookie
    if account_language in LANGUAGES:
        return account_language
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    lang: str
    _catalogue: gettext.NullTranslations = field(repr=False)

    def gettext(self, message: str, /, **values: object) -> str:
        text = self._catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self._catalogue.ngettext(singular, plural, n) % {"num": n, **values}

    def pick(self, message: str) -> str:
        return pick(message, self.lang)


def translator(lang: str) -> Translator:
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return Translator(lang, catalogue(lang))


# --- labels shown for stored codes -----------------------------------------------------------

STATUS_LABELS = {
    "draft": N_("Nháp"),
    "submitted": N_("Đã nộp"),
    "revision_requested": N_("Cần sửa lại"),
    "accepted": N_("Đã chấp nhận"),
    "in_judging": N_("Đang chấm"),
    "results": N_("Đã công bố kết quả"),
    "rejected": N_("Không được chấp nhận"),
    "withdrawn": N_("Đã rút"),
}
FILE_STATUS_LABELS = {
    "uploading": N_("Đang tải lên"),
    "verifying": N_("Đang kiểm tra"),
    "verified": N_("Đã kiểm tra"),
    "rejected": N_("Bị từ chối"),
}
ACTION_LABELS = {
    "accepted": N_("Chấp nhận"),
    "revision_requested": N_("Yêu cầu sửa lại"),
    "rejected": N_("Không chấp nhận"),
    "cannot_anonymise": N_("Đánh dấu không thể ẩn danh"),
    "can_anonymise": N_("Bỏ đánh dấu không thể ẩn danh"),
}
PHASE_LABELS = {
    "announcement": N_("Phát động cuộc thi"),
    "submission": N_("Nhận bài dự thi"),
    "screening": N_("Sơ duyệt (Tổ Thư ký)"),
    "preliminary_round": N_("Chấm sơ khảo"),
    "final_round": N_("Chấm chung khảo"),
    "results": N_("Công bố kết quả"),
    "ceremony": N_("Lễ trao giải"),
    "publication": N_("Đăng, phát tác phẩm đoạt giải"),
}
ROLE_LABELS = {
    "organizer": N_("Ban Tổ chức"),
    "secretariat": N_("Tổ Thư ký"),
    "juror": N_("Giám khảo"),
    "operator": N_("Vận hành"),
}
FILE_ROLE_LABELS = {"work": N_("Tác phẩm"), "translation": N_("Bản dịch tiếng Việt")}
# The districts and the city of Lạng Sơn province; stored as written here.
DISTRICTS = (
    N_("Thành phố Lạng Sơn"),
    N_("Tràng Định"),
    N_("Văn Lãng"),
    N_("Văn Quan"),
    N_("Bình Gia"),
    N_("Bắc Sơn"),
    N_("Hữu Lũng"),
    N_("Chi Lăng"),
    N_("Cao Lộc"),
    N_("Lộc Bình"),
    N_("Đình Lập"),
    N_("Khác"),
)
