"""Every text of the judging pages has an English translation, with the same placeholders, and
the catalogue the service loads at start parses (the submissions pages have the same checks in
test_translations.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from services.judging.domain.aggregates import METHOD_LABELS
from services.judging.pages.rendering import (
    AWARD_MODE_LABELS,
    KIND_LABELS,
    ROUND_STATUS_LABELS,
    SCORE_STATUS_LABELS,
    translator,
)
from tests.support import catalogues
from tests.support.catalogues import Msgid

SERVICE = Path(__file__).resolve().parents[2] / "services" / "judging"


def extracted() -> dict[Msgid, str]:
    return catalogues.extracted(SERVICE)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalogues.english(SERVICE)


def test_the_catalogue_parses_and_is_english(catalog: Catalog) -> None:
    assert str(catalog.locale) == "en"
    assert len(catalog) > 200
    assert all(not m.fuzzy for m in catalog if m.id)  # fuzzy entries would be left out


def test_texts_are_found_in_pages_and_templates() -> None:
    found = extracted()
    assert len(found) > 200
    assert {where.split("/")[0] for where in found.values()} == {"pages", "templates"}
    assert "Nộp điểm" in found and "Khai báo xung đột lợi ích" in found
    assert "Chưa chấm" in found  # marked with N_ in pages/rendering.py


def test_every_text_has_an_english_translation(catalog: Catalog) -> None:
    missing = catalogues.untranslated(catalog, extracted())
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_labels_shown_from_the_domain_are_translated_too(catalog: Catalog) -> None:
    labels = [
        *METHOD_LABELS.values(),
        *SCORE_STATUS_LABELS.values(),
        *ROUND_STATUS_LABELS.values(),
        *AWARD_MODE_LABELS.values(),
        *KIND_LABELS.values(),
    ]
    for label in labels:
        message = catalog.get(label)
        assert message is not None and message.string, label


def test_placeholders_survive_translation(catalog: Catalog) -> None:
    wrong = catalogues.placeholder_mismatches(catalog)
    assert not wrong, "\n".join(wrong)


def test_the_translator_speaks_both_languages() -> None:
    en, vi = translator("en"), translator("vi")
    assert en.gettext("Nộp điểm") == "Submit score"
    assert vi.gettext("Nộp điểm") == "Nộp điểm"
    assert en.gettext("Ảnh %(n)s/%(total)s", n=2, total=5) == "Photo 2/5"
    assert en.ngettext("%(num)s tác phẩm", "%(num)s tác phẩm", 1) == "1 entry"
    assert en.ngettext("%(num)s tác phẩm", "%(num)s tác phẩm", 3) == "3 entries"
    assert vi.ngettext("%(num)s tác phẩm", "%(num)s tác phẩm", 3) == "3 tác phẩm"
    assert en.pick("Vòng chấm đã kết thúc. / The round is closed.") == "The round is closed."
