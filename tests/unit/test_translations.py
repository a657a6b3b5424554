"""Every text of the submissions pages has an English translation, with the same placeholders,
and the catalogue the service loads at start parses."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from services.submissions.domain.formatting import KIND_NAMES, LANGUAGE_NAMES
from services.submissions.pages.i18n import translator
from shared.pages.i18n import choose_language, pick

SERVICE = Path(__file__).resolve().parents[2] / "services" / "submissions"
PO = SERVICE / "locales" / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

Msgid = str | tuple[str, ...]


def _from(path: Path, method: Any) -> list[Msgid]:
    options = {"trim_blocks": "true", "lstrip_blocks": "true"}
    with path.open("rb") as handle:
        return [m[1] for m in extract(method, handle, KEYWORDS, options=options)]


def extracted() -> dict[Msgid, str]:
    """msgid → where it was found, from the page code and every template."""
    found: dict[Msgid, str] = {}
    for path in sorted((SERVICE / "pages").glob("*.py")):
        for message in _from(path, "python"):
            found.setdefault(message, str(path.relative_to(SERVICE)))
    for path in sorted((SERVICE / "templates").rglob("*.html")):
        for message in _from(path, babel_extract):
            found.setdefault(message, str(path.relative_to(SERVICE)))
    return found


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle, locale="en")


def test_the_catalogue_parses_and_is_english(catalog: Catalog) -> None:
    assert str(catalog.locale) == "en"
    assert len(catalog) > 200
    assert all(not m.fuzzy for m in catalog if m.id)  # fuzzy entries would be left out


def test_many_texts_are_found_in_pages_and_templates() -> None:
    found = extracted()
    assert len(found) > 200
    assert {where.split("/")[0] for where in found.values()} == {"pages", "templates"}
    assert "Còn thiếu để nộp bài" in found
    assert "Nháp" in found  # marked with N_ in pages/i18n.py


def test_every_text_has_an_english_translation(catalog: Catalog) -> None:
    missing = []
    for msgid, where in extracted().items():
        message = catalog.get(msgid)
        strings = message.string if message else None
        if isinstance(strings, tuple | list):
            ok = all(s.strip() for s in strings)
        else:
            ok = bool(strings and strings.strip())
        if not ok:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_names_shown_from_the_domain_are_translated_too(catalog: Catalog) -> None:
    for name in [*LANGUAGE_NAMES.values(), *KIND_NAMES.values()]:
        message = catalog.get(name)
        assert message is not None and message.string, name


def test_placeholders_survive_translation(catalog: Catalog) -> None:
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert text is not None
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{ids[0]!r} → {text!r}")
    assert not wrong, "\n".join(wrong)


def test_the_translator_speaks_both_languages() -> None:
    en, vi = translator("en"), translator("vi")
    assert en.gettext("Nộp bài") == "Submit"
    assert vi.gettext("Nộp bài") == "Nộp bài"
    assert en.gettext("Phần %(n)s", n=2) == "Part 2"
    assert en.ngettext("%(num)s bài", "%(num)s bài", 2) == "2 entries"
    assert en.ngettext("%(num)s bài", "%(num)s bài", 1) == "1 entry"
    assert vi.ngettext("%(num)s bài", "%(num)s bài", 2) == "2 bài"
    assert translator("fr").lang == "vi"


def test_api_messages_show_the_half_in_the_reader_language() -> None:
    message = "Đã hết hạn nhận bài. / The submission deadline has passed."
    assert pick(message, "vi") == "Đã hết hạn nhận bài."
    assert pick(message, "en") == "The submission deadline has passed."
    assert pick("Chỉ có tiếng Việt.", "en") == "Chỉ có tiếng Việt."
    # Split once: the English half may itself contain " / ".
    assert pick("A / B / C", "en") == "B / C"


def test_the_cookie_beats_the_account_language() -> None:
    assert choose_language("en", "vi") == "en"
    assert choose_language(None, "en") == "en"
    assert choose_language("xx", None) == "vi"
    assert choose_language(None, None) == "vi"
