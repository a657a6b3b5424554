"""Every text of the publish pages — the public site, the press room, the organizers' pages
of news, outlets, jobs and imports — has an English translation with the same placeholders,
and the catalogue the service loads parses."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from services.publish.domain.site import NOT_REPUBLISHED
from services.publish.domain.summary import PHASE_NAMES
from tests.support import catalogues
from tests.support.catalogues import Msgid

SERVICE = Path(__file__).resolve().parents[2] / "services" / "publish"


def texts() -> dict[Msgid, str]:
    found = catalogues.extracted(SERVICE)
    # Each feature keeps its pages beside its code.
    for path in sorted(SERVICE.glob("*/pages.py")):
        for message in catalogues._from(path, "python"):
            found.setdefault(message, str(path.relative_to(SERVICE)))
    # Texts the pages show from the domain: phase names, the sentence of works not republished.
    for text in (*PHASE_NAMES.values(), NOT_REPUBLISHED):
        found.setdefault(text, "domain")
    return found


def test_texts_come_from_every_feature() -> None:
    found = texts()
    pages = {Path(place).name.split("_")[0].removesuffix(".html") for place in found.values()}
    assert {"gallery", "work", "exemplars", "outlets", "jobs", "manage", "contest"} <= pages
    assert "Phòng báo chí" in found and "Tham gia dự thi" in found


def test_every_text_has_an_english_translation() -> None:
    catalog: Catalog = catalogues.english(SERVICE)
    assert str(catalog.locale) == "en" and all(not m.fuzzy for m in catalog if m.id)
    missing = catalogues.untranslated(catalog, texts())
    assert not missing, "untranslated:\n" + "\n".join(missing)
    assert not catalogues.placeholder_mismatches(catalog)
