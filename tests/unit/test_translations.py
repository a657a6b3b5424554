"""Every text of the submissions pages has an English translation, with the same placeholders,
and the catalogue the service loads at start parses."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from services.submissions.domain.formatting import KIND_NAMES, LANGUAGE_NAMES
from services.submissions.pages.i18n import translator
from shared.pages.i18n import choose_language, pick
from tests.support import catalogues
from tests.support.catalogues import Msgid

SERVICE = Path(__file__).resolve().parents[2] / "services" / "submissions"


def extracted() -> dict[Msgid, str]:
    return catalogues.extracted(SERVICE)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalogues.english(SERVICE)


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
    missing = catalogues.untranslated(catalog, extracted())
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_names_shown_from_the_domain_are_translated_too(catalog: Catalog) -> None:
    for name in [*LANGUAGE_NAMES.values(), *KIND_NAMES.values()]:
        message = catalog.get(name)
        assert message is not None and message.string, name


def test_placeholders_survive_translation(catalog: Catalog) -> None:
    wrong = catalogues.placeholder_mismatches(catalog)
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
