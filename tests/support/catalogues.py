"""Checks of a service's page catalogue: the texts its pages and templates mark for
translation, and what its English .po file says of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from shared.pages.rendering import SHARED_TEMPLATES

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")

Msgid = str | tuple[str, ...]


def _from(path: Path, method: Any) -> list[Msgid]:
    options = {"trim_blocks": "true", "lstrip_blocks": "true"}
    with path.open("rb") as handle:
        return [m[1] for m in extract(method, handle, KEYWORDS, options=options)]


def extracted(service: Path) -> dict[Msgid, str]:
    """msgid → where it was found, from the service's page code and every template."""
    found: dict[Msgid, str] = {}
    for path in sorted((service / "pages").glob("*.py")):
        for message in _from(path, "python"):
            found.setdefault(message, str(path.relative_to(service)))
    for path in sorted((service / "templates").rglob("*.html")):
        for message in _from(path, babel_extract):
            found.setdefault(message, str(path.relative_to(service)))
    # The frame every service's pages share is translated by each service's catalogue.
    for path in sorted(SHARED_TEMPLATES.rglob("*.html")):
        for message in _from(path, babel_extract):
            found.setdefault(message, "templates/" + path.name)
    return found


def english(service: Path) -> Catalog:
    with (service / "locales" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale="en")


def untranslated(catalog: Catalog, found: dict[Msgid, str]) -> list[str]:
    missing = []
    for msgid, where in found.items():
        message = catalog.get(msgid)
        strings = message.string if message else None
        if isinstance(strings, tuple | list):
            ok = all(s.strip() for s in strings)
        else:
            ok = bool(strings and strings.strip())
        if not ok:
            missing.append(f"{where}: {msgid!r}")
    return missing


def placeholder_mismatches(catalog: Catalog) -> list[str]:
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if text is None or set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(f"{ids[0]!r} → {text!r}")
    return wrong
