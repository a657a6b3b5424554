"""Every text of the notify pages has an English translation, with the same placeholders, and
the catalogue the service loads parses (as the judging pages' checks do)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from services.notify.deliveries.service import CHANNELS, STATUSES
from services.notify.pages.rendering import (
    CHANNEL_LABELS,
    LANGUAGE_NAMES,
    OUTCOME_LABELS,
    STATUS_LABELS,
    translator,
)
from tests.support import catalogues
from tests.support.catalogues import Msgid

SERVICE = Path(__file__).resolve().parents[2] / "services" / "notify"


def extracted() -> dict[Msgid, str]:
    return catalogues.extracted(SERVICE)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalogues.english(SERVICE)


def test_the_catalogue_parses_and_is_english(catalog: Catalog) -> None:
    assert str(catalog.locale) == "en"
    assert len(catalog) > 60
    assert all(not m.fuzzy for m in catalog if m.id)  # fuzzy entries would be left out


def test_texts_are_found_in_pages_and_templates() -> None:
    found = extracted()
    assert len(found) > 60
    assert {where.split("/")[0] for where in found.values()} == {"pages", "templates"}
    assert "Nhật ký gửi" in found and "Hộp thư thử" in found and "Gửi lại" in found
    assert "Bị trả lại" in found  # marked with N_ in pages/rendering.py


def test_every_text_has_an_english_translation(catalog: Catalog) -> None:
    missing = catalogues.untranslated(catalog, extracted())
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_labels_of_stored_codes_are_translated(catalog: Catalog) -> None:
    labels = [
        *STATUS_LABELS.values(),
        *CHANNEL_LABELS.values(),
        *OUTCOME_LABELS.values(),
        *LANGUAGE_NAMES.values(),
    ]
    for label in labels:
        message = catalog.get(label)
        assert message is not None and message.string, label
    # Every status a delivery can have has a label.
    assert set(STATUS_LABELS) == set(STATUSES) and set(CHANNEL_LABELS) == set(CHANNELS)


def test_placeholders_survive_translation(catalog: Catalog) -> None:
    wrong = catalogues.placeholder_mismatches(catalog)
    assert not wrong, "\n".join(wrong)


def test_the_translator_speaks_both_languages() -> None:
    en, vi = translator("en"), translator("vi")
    assert en.gettext("Gửi lại") == "Resend"
    assert vi.gettext("Gửi lại") == "Gửi lại"
    assert en.gettext("Thông báo gửi %(recipient)s", recipient="a@b.vn") == "Delivery to a@b.vn"
    assert en.ngettext("Tìm thấy %(num)s thông báo", "Tìm thấy %(num)s thông báo", 1) == (
        "1 delivery found"
    )
    assert en.ngettext("Tìm thấy %(num)s thông báo", "Tìm thấy %(num)s thông báo", 3) == (
        "3 deliveries found"
    )
