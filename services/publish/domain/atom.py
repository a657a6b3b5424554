"""The Atom feed (RFC 4287) of news, winning works and exemplars. No I/O: entries in, XML out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class AtomEntry:
    id: str  # a stable URN
    title: str
    link: str  # absolute
    updated: datetime
    published: datetime | None = None
    summary: str = ""
    content_html: str | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[tuple[str, str], ...] = ()  # (term, label)
    enclosures: tuple[tuple[str, str, int], ...] = field(default=())  # (href, type, length)


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = value
    return element


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def feed_xml(
    *,
    feed_id: str,
    title: str,
    self_link: str,
    site_link: str,
    entries: Sequence[AtomEntry],
    updated: datetime,
    author: str,
) -> bytes:
    """The feed as UTF-8 XML, entries newest first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    _text(root, f"{{{ATOM}}}id", feed_id)
    _text(root, f"{{{ATOM}}}title", title)
    _text(root, f"{{{ATOM}}}updated", stamp(updated))
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "href": self_link})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": site_link})
    _text(ET.SubElement(root, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", author)
    for e in sorted(entries, key=lambda x: x.updated, reverse=True):
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, f"{{{ATOM}}}id", e.id)
        _text(entry, f"{{{ATOM}}}title", e.title)
        _text(entry, f"{{{ATOM}}}updated", stamp(e.updated))
        if e.published:
            _text(entry, f"{{{ATOM}}}published", stamp(e.published))
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": e.link})
        for href, media_type, length in e.enclosures:
            attrs = {"rel": "enclosure", "href": href, "type": media_type, "length": str(length)}
            ET.SubElement(entry, f"{{{ATOM}}}link", attrs)
        for name in e.authors:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name", name)
        for term, label in e.categories:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": term, "label": label})
        if e.summary:
            _text(entry, f"{{{ATOM}}}summary", e.summary)
        if e.content_html:
            _text(entry, f"{{{ATOM}}}content", e.content_html, type="html")
    body: bytes = ET.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body
