"""Message templates in Jinja2 with autoescape, in Vietnamese and English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGUAGES = ("vi", "en")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a missing variable is an error, never an empty hole
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str
    language: str


PARTS = ("subject.txt", "txt", "html")


def template_names() -> list[str]:
    """Our message templates: those whose every part exists in every language."""
    folder = TEMPLATES / "email"
    names = {path.name.split(".", 1)[0] for path in folder.glob("*.*")}
    return sorted(
        name
        for name in names
        if all((folder / f"{name}.{lang}.{part}").is_file() for lang in LANGUAGES for part in PARTS)
    )


def supported_language(language: str) -> str:
    """The language a message is written in: the reader's if we have it, else Vietnamese."""
    return language if language in LANGUAGES else "vi"


def render(template: str, language: str, context: dict[str, Any]) -> RenderedMessage:
    lang = supported_language(language)
    base = f"email/{template}.{lang}"
    subject = _env.get_template(f"{base}.subject.txt").render(context).strip()
    if "\n" in subject or "\r" in subject:
        raise ValueError("a subject must be one line")
    return RenderedMessage(
        subject=subject,
        text=_env.get_template(f"{base}.txt").render(context),
        html=_env.get_template(f"{base}.html").render(context),
        language=lang,
    )
