"""Every text of the judging pages has an English translation, with the same placeholders, and
the catalogue the service loads at start parses (the submissions pages have the same checks in
test_translations.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from services.judging.domain.aggregates import METHOD_LABELS
from services.judging.pages.rendering import (
    AWARD_MODE_LABELS,
    KIND_LABELS,
    ROUND_STATUS_LABELS,
    SCORE_STATUS_LABELS,
    translator,
)

SERVICE = Path(__file__).resolve().parents[2] / "services" / "judging"
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


def test_texts_are_found_in_pages_and_templates() -> None:
    found = extracted()
    assert len(found) > 200
    assert {where.split("/")[0] for where in found.values()} == {"pages", "templates"}
    assert "Nộp điểm" in found and "Khai báo xung đột lợi ích" in found
    assert "Chưa chấm" in found  # marked with N_ in pages/rendering.py


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
    assert en.gettext("Nộp điểm") == "Submit score"
    assert vi.gettext("Nộp điểm") == "Nộp điểm"
    assert en.gettext("Ảnh %(n)s/%(total)s", n=2, total=5) == "Photo 2/5"
    assert en.ngettext("%(num)s tác phẩm", "%(num)s tác phẩm", 1) == "1 entry"
    assert en.ngettext("%(num)s tác phẩm", "%(num)s tác phẩm", 3) == "3 entries"
    assert vi.ngettext("%(num)s tác phẩm", "%(num)s tác phẩm", 3) == "3 tác phẩm"
    assert en.pick("Vòng chấm đã kết thúc. / The round is closed.") == "The round is closed."
