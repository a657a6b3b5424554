"""IPTC ninjs items of winning works, exemplars and news (ninjs 3.0 by default; 2.1 on
request: the same properties, every name in lower case, e.g. pubStatus → pubstatus).

Only works whose authors consented (and not retracted) carry their text and media; the others
are announced with their title, authors and tier. A retracted work is ``canceled``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .site import USAGE_TERMS, WorkRecord, paragraphs, redacted

VERSIONS = ("3.0", "2.1")
DEFAULT_VERSION = "3.0"
SCHEMAS = {
    "3.0": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
    "2.1": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
}
URN = "urn:lantoa:publish"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def work_uri(code: str) -> str:
    return f"{URN}:work:{code}"


def exemplar_uri(exemplar_id: str) -> str:
    return f"{URN}:exemplar:{exemplar_id}"


def news_uri(news_id: str) -> str:
    return f"{URN}:news:{news_id}"


def _standard(version: str) -> dict[str, str]:
    return {"name": "ninjs", "version": version, "schema": SCHEMAS[version]}


def _people(record: WorkRecord, base: str) -> list[dict[str, str]]:
    people: list[dict[str, str]] = []
    for e in record.exemplars:
        if e.get("collective"):
            continue
        person = {"name": str(e.get("name", "")), "rel": "about"}
        if e.get("exemplar_id"):
            person["uri"] = f"{base}/phong-bao-chi/{e['exemplar_id']}"
            person["literal"] = str(e["exemplar_id"])
        people.append(person)
    for a in record.authors:
        people.append({"name": a["full_name"], "rel": "creator"})
    return people


def _organisations(record: WorkRecord, base: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for e in record.exemplars:
        if e.get("collective"):
            org = {"name": str(e.get("name", "")), "rel": "about"}
            if e.get("exemplar_id"):
                org["uri"] = f"{base}/phong-bao-chi/{e['exemplar_id']}"
            found.append(org)
    for a in record.authors:
        if a["organisation"] and all(o["name"] != a["organisation"] for o in found):
            found.append({"name": a["organisation"], "rel": "employer"})
    return found


def _renditions(record: WorkRecord, base: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in record.files:
        r: dict[str, Any] = {
            "name": f"{f.kind}-{f.number}",
            "href": f"{base}/media/{record.code}/{f.number}",
            "contentType": f.media_type,
            "title": f.download_name,
            "sizeInBytes": f.size_bytes,
        }
        if f.duration_s is not None:
            r["duration"] = round(float(f.duration_s), 3)
        if f.width:
            r["width"] = f.width
        if f.height:
            r["height"] = f.height
        out.append(r)
    return out


def build_item(record: WorkRecord, base: str, version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """The ninjs item of a winning work; ``base`` is the public site's address. Without the
    authors' consent it tells only the title, authors, category and tier."""
    record = redacted(record)
    item: dict[str, Any] = {
        "uri": work_uri(record.code),
        "standard": _standard(DEFAULT_VERSION),
        "type": record.news_type if record.public else "text",
        "representationType": "full" if record.public else "partial",
        "profile": "lantoa-winning-work",
        "version": str(int(record.updated_at.timestamp())),
        "firstCreated": iso(record.approved_at),
        "versionCreated": iso(record.updated_at),
        "pubStatus": "canceled" if record.retracted_at else "usable",
        "language": record.language or "vi",
        "slugline": record.code,
        "title": record.title,
        "headlines": [{"role": "main", "value": record.title}],
        "by": record.byline,
        "copyrightHolder": record.byline,
        "copyrightNotice": f"© {record.byline}",
        "usageTerms": USAGE_TERMS.format(contest=record.contest_title),
        "people": _people(record, base),
        "organisations": _organisations(record, base),
        "subjects": [
            {"name": record.category_name, "rel": "category", "literal": record.category_code},
            {"name": record.tier_name, "rel": "award", "literal": record.tier_code},
        ],
        "altIds": [{"role": "entry-code", "value": record.code}],
        "genres": [{"name": record.category_name, "literal": record.category_code}],
    }
    descriptions = [{"role": "summary", "contentType": "text/plain", "value": record.synopsis}]
    if record.synopsis:
        item["descriptions"] = descriptions
    if record.district:
        item["located"] = record.district
    if record.retracted_at and record.retraction_reason:
        item["edNote"] = record.retraction_reason
    if record.public:
        text = "\n\n".join(paragraphs(record.body_text))
        if text:
            item["bodies"] = [
                {
                    "role": "main",
                    "contentType": "text/plain",
                    "charCount": len(text),
                    "wordCount": len(text.split()),
                    "value": text,
                }
            ]
        renditions = _renditions(record, base)
        if renditions:
            item["renditions"] = renditions
        item["trustIndicators"] = [
            {"title": "Trang tác phẩm / work page", "href": f"{base}/tac-pham/{record.code}"}
        ]
    else:
        item["edNote"] = item.get("edNote") or (
            "Tác giả chưa đồng ý cho đăng lại: chỉ tên tác phẩm, tác giả và giải. "
            "Not for republication: title, authors and award only."
        )
    if not item["organisations"]:
        del item["organisations"]
    return in_version(item, version)


def exemplar_item(
    exemplar_id: str,
    name: str,
    *,
    collective: bool,
    summary: str,
    created: datetime,
    updated: datetime,
    base: str,
    locality: str = "",
    subjects: Sequence[str] = (),
    version: str = DEFAULT_VERSION,
) -> dict[str, Any]:
    """An exemplar of the press room as a ninjs text item about them."""
    about = {"name": name, "rel": "about", "uri": f"{base}/phong-bao-chi/{exemplar_id}"}
    item: dict[str, Any] = {
        "uri": exemplar_uri(exemplar_id),
        "standard": _standard(DEFAULT_VERSION),
        "type": "text",
        "profile": "lantoa-exemplar",
        "version": str(int(updated.timestamp())),
        "firstCreated": iso(created),
        "versionCreated": iso(updated),
        "pubStatus": "usable",
        "language": "vi",
        "title": name,
        "headlines": [{"role": "main", "value": name}],
        ("organisations" if collective else "people"): [about],
        "subjects": [{"name": s, "rel": "field"} for s in subjects if s],
    }
    if summary:
        item["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": summary}]
    if locality:
        item["located"] = locality
    if not item["subjects"]:
        del item["subjects"]
    return in_version(item, version)


def news_item(
    news_id: str,
    title: str,
    summary: str,
    body_html: str,
    *,
    published: datetime,
    updated: datetime,
    withdrawn: bool,
    url: str,
    version: str = DEFAULT_VERSION,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "uri": news_uri(news_id),
        "standard": _standard(DEFAULT_VERSION),
        "type": "text",
        "profile": "lantoa-news",
        "version": str(int(updated.timestamp())),
        "firstCreated": iso(published),
        "versionCreated": iso(updated),
        "pubStatus": "canceled" if withdrawn else "usable",
        "language": "vi",
        "title": title,
        "headlines": [{"role": "main", "value": title}],
        "trustIndicators": [{"title": "Trang tin / news page", "href": url}],
    }
    if summary:
        item["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": summary}]
    if not withdrawn:
        item["bodies"] = [{"role": "main", "contentType": "text/html", "value": body_html}]
    return in_version(item, version)


def in_version(item: Mapping[str, Any], version: str) -> dict[str, Any]:
    """The item in the asked ninjs version (3.0 is how items are built)."""
    if version not in VERSIONS:
        raise ValueError(version)
    if version == "3.0":
        return dict(item)
    converted: dict[str, Any] = _lower(item)
    converted["standard"] = _standard(version)
    return converted


def _lower(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k).lower(): _lower(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower(v) for v in value]
    return value


def feed_page(
    items: Sequence[Mapping[str, Any]], page: int, pages: int, base_link: str
) -> dict[str, Any]:
    """The JSON feed's page: ``items`` newest first, with links to the neighbours."""
    links: dict[str, str] = {"self": f"{base_link}page={page}"}
    if page > 1:
        links["prev"] = f"{base_link}page={page - 1}"
    if page < pages:
        links["next"] = f"{base_link}page={page + 1}"
    return {"page": page, "pages": pages, "links": links, "items": list(items)}
