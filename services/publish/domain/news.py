"""The organizers' news items: what a body may contain, its slug, its checks. No I/O."""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass

import nh3

from .site import paragraphs, slugify

TITLE_MAX = 300
SUMMARY_MAX = 500
BODY_MAX = 50_000
FORMATS = ("text", "html")

# What a news body may keep of HTML: structure, emphasis, links, images and lists.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


@dataclass(frozen=True)
class NewsDraft:
    title: str
    summary: str
    body: str
    format: str = "text"  # text: paragraphs separated by blank lines; html: sanitised


def problems(draft: NewsDraft) -> list[str]:
    """What is wrong with a news item, each as a Vietnamese / English sentence."""
    found = []
    title = draft.title.strip()
    if not title or "\n" in title or len(title) > TITLE_MAX:
        found.append(
            f"Tiêu đề cần có, trên một dòng, tối đa {TITLE_MAX} ký tự. "
            f"/ A title is needed: one line, up to {TITLE_MAX} characters."
        )
    if len(draft.summary.strip()) > SUMMARY_MAX:
        found.append(
            f"Tóm tắt dài tối đa {SUMMARY_MAX} ký tự. / A summary of up to {SUMMARY_MAX} "
            "characters."
        )
    if not draft.body.strip() or len(draft.body) > BODY_MAX:
        found.append(
            f"Nội dung cần có, tối đa {BODY_MAX:,} ký tự. ".replace(",", ".")
            + f"/ The text is needed, up to {BODY_MAX:,} characters."
        )
    elif draft.format == "html" and not visible_text(body_html(draft)).strip():
        found.append(
            "Nội dung HTML không còn chữ nào sau khi lọc thẻ không cho phép. "
            "/ Nothing readable is left of the HTML once disallowed tags are removed."
        )
    if draft.format not in FORMATS:
        found.append("Định dạng phải là text hoặc html. / The format must be text or html.")
    return found


def body_html(draft: NewsDraft) -> str:
    """The body as safe HTML: paragraphs of escaped text, or the HTML with only allowed tags
    (scripts, styles, event handlers and javascript: links removed)."""
    if draft.format == "html":
        return nh3.clean(
            draft.body,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        ).strip()
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs(draft.body))


def visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def summary_of(draft: NewsDraft, limit: int = 240) -> str:
    """The summary given, else the body's first words."""
    if draft.summary.strip():
        return draft.summary.strip()
    text = " ".join(visible_text(body_html(draft)).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def unique_slug(title: str, taken: Collection[str]) -> str:
    """The title's slug, numbered when another item of the contest has it already."""
    base = slugify(title)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
