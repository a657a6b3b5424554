"""What a loudspeaker reads: the script of a work (title, authors, the text cut at a sentence
to fit the bulletin's length, the source) and the pieces the speech engine reads one by one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

MIN_BODY_CHARACTERS = 200
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n\s*\n")
_CLOSING = (".", "!", "?", "…", ":", ";")

# --- script ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Script:
    text: str
    excerpt: bool  # the work's text was cut to fit the bulletin's length
    read_aloud: bool  # the text is what the voice reads (False: a summary of a recording)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text.endswith(_CLOSING) else f"{text}."


def cut_at_sentence(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters of ``text``, ending at a sentence's end when one is far
    enough in, else at a word's end with '…'. Returns (text, whether it was cut)."""
    text = unicodedata.normalize("NFC", text).strip()
    if len(text) <= limit:
        return text, False
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return text[: ends[-1]].rstrip(), True
    space = text.rfind(" ", 0, limit)
    cut = space if space > 0 else limit
    return text[:cut].rstrip(" ,;:-") + "…", True


def paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def script_for(
    *,
    title: str,
    credits: Sequence[str],
    tier_name: str,
    category_name: str,
    contest_title: str,
    synopsis: str,
    body_text: str | None,
    read_body: bool,
    max_characters: int,
) -> Script:
    """The bulletin's words. Read aloud: the title, the prize, "Tác giả: …", the work's text
    (cut at a sentence to fit, and said so) and "Nguồn: …". For a recording: a summary."""
    head = [_sentence(title), _sentence(f"{tier_name}, thể loại {category_name}")]
    if credits:
        head.append(_sentence("Tác giả: " + ", ".join(credits)))
    tail = [_sentence(f"Nguồn: {contest_title}")]
    words = unicodedata.normalize("NFC", (body_text if read_body else None) or synopsis or "")
    excerpt = False
    if read_body:
        budget = max(max_characters - sum(len(p) + 2 for p in head + tail), MIN_BODY_CHARACTERS)
        words, excerpt = cut_at_sentence("\n\n".join(paragraphs(words)), budget)
        if excerpt:
            tail.insert(0, "(Trích) Toàn văn tác phẩm có trên trang của cuộc thi.")
        body = paragraphs(words)
    else:
        body = [_sentence(f"Nội dung: {' '.join(words.split())}")] if words.strip() else []
    text = "\n\n".join(unicodedata.normalize("NFC", p) for p in head + body + tail)
    return Script(text=text + "\n", excerpt=excerpt, read_aloud=read_body)


def speech_chunks(text: str, size: int = 600) -> list[str]:
    """The text in pieces of at most ``size`` characters, split between sentences (or words,
    for a sentence longer than that), so a voice reads a long text in bounded memory."""
    pieces: list[str] = []
    for paragraph in paragraphs(text):
        start = 0
        sentences: list[str] = []
        for match in _SENTENCE_END.finditer(paragraph):
            sentences.append(paragraph[start : match.end()].strip())
            start = match.end()
        if paragraph[start:].strip():
            sentences.append(paragraph[start:].strip())
        for sentence in sentences:
            while len(sentence) > size:
                cut = sentence.rfind(" ", 0, size)
                cut = cut if cut > 0 else size
                pieces.append(sentence[:cut].strip())
                sentence = sentence[cut:].strip()
            if pieces and len(pieces[-1]) + 1 + len(sentence) <= size:
                pieces[-1] = f"{pieces[-1]} {sentence}"
            elif sentence:
                pieces.append(sentence)
    return [p for p in pieces if p]
