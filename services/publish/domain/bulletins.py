"""Commune loudspeaker bulletins, without I/O: the organizer's options (priority, target
communes, validity window, length), the script read from a work, and the manifest the
provincial source-information system takes a bulletin by (Circular 39/2020/TT-BTTTT).

The manifest's JSON Schema is ``services/publish/bulletins/manifest.schema.json``;
``manifest_problems`` checks the same rules (and the ones a schema cannot say: the window's
order and length) so a package is never written with a manifest the taker would refuse.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

SCHEMA_VERSION = "1.0"
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time in Viet Nam

PRIORITIES: dict[str, tuple[str, str]] = {
    "normal": ("Thông thường", "Normal"),
    "priority": ("Ưu tiên", "Priority"),
    "emergency": ("Khẩn cấp", "Emergency"),
}
STATUSES = ("active", "canceled")
ORIGINS = ("audio", "video", "tts")  # where the bulletin's sound came from

DEFAULT_PRIORITY = "normal"
DEFAULT_VALIDITY_DAYS = 7
MAX_VALIDITY_DAYS = 90  # a bulletin is news: the taker should not keep playing it for months
DEFAULT_MAX_MINUTES = 10
MAX_MINUTES = 30
MAX_COMMUNES = 3500  # more than every commune-level unit of the country
CHARACTERS_PER_MINUTE = 800  # Vietnamese read aloud at a loudspeaker's pace
MIN_BODY_CHARACTERS = 200

AUDIO_FILE = "audio.mp3"
SCRIPT_FILE = "script.txt"
MANIFEST_FILE = "manifest.json"
AUDIO_MEDIA_TYPE = "audio/mpeg"
SCRIPT_MEDIA_TYPE = "text/plain; charset=utf-8"
SAMPLE_RATES = (44100, 48000)

_COMMUNE = re.compile(r"\d{5}")
_BULLETIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n\s*\n")
_CLOSING = (".", "!", "?", "…", ":", ";")


# --- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinOptions:
    """An outlet's bulletin settings, checked."""

    priority: str
    communes: tuple[str, ...]
    validity_days: int
    valid_from: datetime | None
    valid_until: datetime | None
    max_minutes: int
    organizer: str | None

    @property
    def max_characters(self) -> int:
        return self.max_minutes * CHARACTERS_PER_MINUTE

    @property
    def max_seconds(self) -> float:
        return self.max_minutes * 60.0


def priority_label(priority: str) -> str:
    """'Ưu tiên / Priority', as pages show it."""
    vietnamese, english = PRIORITIES.get(priority, (priority, priority))
    return f"{vietnamese} / {english}"


def split_communes(value: Any) -> list[str]:
    """Codes from a list or from text separated by commas, semicolons, spaces or lines."""
    if value is None:
        return []
    if isinstance(value, str):
        return [c for c in re.split(r"[\s,;]+", value) if c]
    if isinstance(value, Iterable):
        return [str(c).strip() for c in value if str(c).strip()]
    return [str(value)]


def commune_problems(codes: Sequence[str]) -> list[str]:
    """What is wrong with a list of target commune codes (5 digits from the national list)."""
    if not codes:
        return [
            "Cần ít nhất một mã xã nhận bản tin. / At least one commune must receive the bulletin."
        ]
    problems: list[str] = []
    bad = [c for c in codes if not _COMMUNE.fullmatch(c)]
    if bad:
        shown = ", ".join(f"“{c}”" for c in bad[:5])
        problems.append(
            f"Mã xã không hợp lệ: {shown}; mỗi mã gồm đúng 5 chữ số theo danh mục đơn vị "
            "hành chính. / Invalid commune codes: "
            f"{shown}; each is exactly 5 digits from the national list of administrative units."
        )
    repeated = sorted(c for c, n in Counter(codes).items() if n > 1)
    if repeated:
        shown = ", ".join(repeated[:5])
        problems.append(f"Mã xã bị lặp: {shown}. / Commune codes listed twice: {shown}.")
    if len(codes) > MAX_COMMUNES:
        problems.append(
            f"Quá nhiều mã xã (tối đa {MAX_COMMUNES}). "
            f"/ Too many commune codes (at most {MAX_COMMUNES})."
        )
    return problems


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time; one without an offset is Viet Nam time. None if not a time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment


def vietnam_time(moment: datetime) -> str:
    """'2026-11-26T19:30:00+07:00': the manifest's times, in Viet Nam time to the second."""
    if moment.tzinfo is None:
        raise ValueError("a manifest time needs an offset")
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def _whole_number(value: Any, default: int) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def window_problems(valid_from: datetime, valid_until: datetime) -> list[str]:
    if valid_until <= valid_from:
        return [
            "Thời điểm hết hiệu lực phải sau thời điểm bắt đầu. "
            "/ The bulletin must end after it starts."
        ]
    if valid_until - valid_from > timedelta(days=MAX_VALIDITY_DAYS):
        return [
            f"Bản tin chỉ được phát trong tối đa {MAX_VALIDITY_DAYS} ngày. "
            f"/ A bulletin may play for at most {MAX_VALIDITY_DAYS} days."
        ]
    return []


def parse_options(settings: Mapping[str, Any]) -> tuple[BulletinOptions | None, list[str]]:
    """The options of a loudspeaker outlet, or every problem with them."""
    problems: list[str] = []
    priority = str(settings.get("priority") or DEFAULT_PRIORITY).strip()
    if priority not in PRIORITIES:
        choices = ", ".join(f"{k} ({v[0]})" for k, v in PRIORITIES.items())
        problems.append(
            f"Mức ưu tiên “{priority}” không có; chọn một trong: {choices}. "
            f"/ Unknown priority “{priority}”; choose one of: {', '.join(PRIORITIES)}."
        )
    communes = split_communes(settings.get("communes"))
    problems += commune_problems(communes)

    days = _whole_number(settings.get("validity_days"), DEFAULT_VALIDITY_DAYS)
    if days is None or not 1 <= days <= MAX_VALIDITY_DAYS:
        problems.append(
            f"Số ngày hiệu lực phải là số nguyên từ 1 đến {MAX_VALIDITY_DAYS}. "
            f"/ Validity days must be a whole number from 1 to {MAX_VALIDITY_DAYS}."
        )
    times: dict[str, datetime | None] = {}
    for name, vietnamese in (("valid_from", "bắt đầu"), ("valid_until", "hết hiệu lực")):
        raw = settings.get(name)
        times[name] = parse_time(raw)
        if raw not in (None, "") and times[name] is None:
            problems.append(
                f"Thời điểm {vietnamese} “{raw}” không đúng dạng ISO 8601 "
                f"(ví dụ 2026-12-01T07:00+07:00). / The {name} time “{raw}” is not "
                "ISO 8601 (e.g. 2026-12-01T07:00+07:00)."
            )
    valid_from, valid_until = times["valid_from"], times["valid_until"]
    if valid_from is not None and valid_until is not None:
        problems += window_problems(valid_from, valid_until)

    minutes = _whole_number(settings.get("max_minutes"), DEFAULT_MAX_MINUTES)
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        problems.append(
            f"Độ dài tối đa của bản tin phải từ 1 đến {MAX_MINUTES} phút. "
            f"/ A bulletin's maximum length must be from 1 to {MAX_MINUTES} minutes."
        )
    organizer = str(settings.get("organizer") or "").strip() or None
    if problems or days is None or minutes is None:
        return None, problems
    return (
        BulletinOptions(
            priority=priority,
            communes=tuple(communes),
            validity_days=days,
            valid_from=valid_from,
            valid_until=valid_until,
            max_minutes=minutes,
            organizer=organizer,
        ),
        [],
    )


def resolve_window(options: BulletinOptions, now: datetime) -> tuple[datetime, datetime]:
    """When the bulletin plays: the set times, else from now for ``validity_days``."""
    start = options.valid_from or now
    end = options.valid_until or start + timedelta(days=options.validity_days)
    return start.astimezone(VIETNAM), end.astimezone(VIETNAM)


# --- names -----------------------------------------------------------------------------------


def bulletin_id(code: str, entry_id: str, outlet_id: str) -> str:
    """A folder-safe id, the same each time one work goes to one outlet (a retried job
    replaces its own package instead of adding a second bulletin)."""
    readable = re.sub(r"[^A-Za-z0-9]+", "-", code).strip("-")[:40] or "bantin"
    digest = hashlib.sha256(f"{outlet_id}\n{entry_id}".encode()).hexdigest()[:12]
    return f"{readable}-{digest}"


def safe_file_name(name: str, fallback: str) -> str:
    """A local file name from a download name: no folders, no odd characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:100] or fallback


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


# --- manifest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioFacts:
    duration_seconds: float
    bitrate: int
    sample_rate: int
    channels: int
    size_bytes: int
    sha256: str
    origin: str  # audio | video | tts
    excerpt: bool  # cut to the bulletin's maximum length


@dataclass(frozen=True)
class ScriptFacts:
    sha256: str
    characters: int
    excerpt: bool
    read_aloud: bool


def build_manifest(
    *,
    bulletin: str,
    title: str,
    summary: str,
    contest: str,
    organizer: str,
    work_code: str,
    page_url: str,
    category: str,
    tier: str,
    priority: str,
    valid_from: datetime,
    valid_until: datetime,
    communes: Sequence[str],
    audio: AudioFacts,
    script: ScriptFacts,
    credits: Sequence[str],
    about: Sequence[str],
    created_at: datetime,
    previous: Mapping[str, Any] | None = None,
    previous_sha256: str | None = None,
) -> dict[str, Any]:
    """A bulletin's manifest. With ``previous`` (the manifest already delivered under this id)
    it is the next version and names the one it replaces."""
    return {
        "schema_version": SCHEMA_VERSION,
        "bulletin_id": bulletin,
        "version": int(previous["version"]) + 1 if previous else 1,
        "replaces": _replaces(previous, previous_sha256),
        "status": "active",
        "title": " ".join(title.split())[:300],
        "summary": " ".join(summary.split())[:2000],
        "language": "vi",
        "source": {
            "contest": contest,
            "organizer": organizer,
            "work_code": work_code,
            "url": page_url,
        },
        "category": category,
        "tier": tier,
        "priority": priority,
        "priority_label": PRIORITIES[priority][0],
        "valid_from": vietnam_time(valid_from),
        "valid_until": vietnam_time(valid_until),
        "target_communes": list(communes),
        "audio": {
            "file": AUDIO_FILE,
            "media_type": AUDIO_MEDIA_TYPE,
            "duration_seconds": round(audio.duration_seconds, 3),
            "bitrate": audio.bitrate,
            "sample_rate": audio.sample_rate,
            "channels": audio.channels,
            "size_bytes": audio.size_bytes,
            "sha256": audio.sha256,
            "origin": audio.origin,
            "excerpt": audio.excerpt,
        },
        "script": {
            "file": SCRIPT_FILE,
            "media_type": SCRIPT_MEDIA_TYPE,
            "sha256": script.sha256,
            "characters": script.characters,
            "excerpt": script.excerpt,
            "read_aloud": script.read_aloud,
        },
        "credits": list(credits),
        "about": list(about),
        "created_at": vietnam_time(created_at),
    }


def _replaces(previous: Mapping[str, Any] | None, sha256: str | None) -> dict[str, Any] | None:
    if previous is None:
        return None
    return {"version": int(previous["version"]), "sha256": sha256 or ""}


def canceled_manifest(
    previous: Mapping[str, Any], previous_sha256: str, now: datetime
) -> dict[str, Any]:
    """The next version of a manifest, saying the bulletin is canceled: the taker stops
    playing it. Everything else stays, so the taker knows which bulletin it was."""
    manifest = dict(previous)
    manifest.update(
        version=int(previous["version"]) + 1,
        replaces=_replaces(previous, previous_sha256),
        status="canceled",
        created_at=vietnam_time(now),
        canceled_at=vietnam_time(now),
    )
    return manifest


def manifest_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def manifest_problems(manifest: Mapping[str, Any]) -> list[str]:
    """Every rule of the manifest schema, and the window's order and length."""
    problems: list[str] = []

    def need(condition: bool, field: str) -> None:
        if not condition and field not in {p.split(" ", 1)[0] for p in problems}:
            problems.append(f"{field}: trường sai hoặc thiếu. / {field}: missing or invalid.")

    def text(value: Any, most: int) -> bool:
        return isinstance(value, str) and len(value.strip()) > 0 and len(value) <= most

    def count(value: Any, least: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= least

    need(manifest.get("schema_version") == SCHEMA_VERSION, "schema_version")
    need(
        isinstance(manifest.get("bulletin_id"), str)
        and bool(_BULLETIN_ID.fullmatch(manifest["bulletin_id"])),
        "bulletin_id",
    )
    need(count(manifest.get("version"), 1), "version")
    replaces = manifest.get("replaces")
    need(
        replaces is None
        or (
            isinstance(replaces, Mapping)
            and count(replaces.get("version"), 1)
            and isinstance(replaces.get("sha256"), str)
            and bool(_SHA256.fullmatch(replaces["sha256"]))
        ),
        "replaces",
    )
    if count(manifest.get("version"), 1):
        need((replaces is None) == (manifest["version"] == 1), "replaces")
    status = manifest.get("status")
    need(status in STATUSES, "status")
    if status == "canceled":
        need(_offset_time(manifest.get("canceled_at")) is not None, "canceled_at")
    else:
        need("canceled_at" not in manifest, "canceled_at")
    need(text(manifest.get("title"), 300), "title")
    need(isinstance(manifest.get("summary"), str) and len(manifest["summary"]) <= 2000, "summary")
    need(manifest.get("language") == "vi", "language")
    source = manifest.get("source")
    need(
        isinstance(source, Mapping)
        and text(source.get("contest"), 500)
        and text(source.get("organizer"), 500),
        "source",
    )
    need(text(manifest.get("category"), 200), "category")
    priority = manifest.get("priority")
    need(priority in PRIORITIES, "priority")
    if priority in PRIORITIES:
        need(manifest.get("priority_label") == PRIORITIES[str(priority)][0], "priority_label")
    times = [_offset_time(manifest.get(k)) for k in ("valid_from", "valid_until", "created_at")]
    for name, moment in zip(("valid_from", "valid_until", "created_at"), times, strict=True):
        need(moment is not None, name)
    if times[0] is not None and times[1] is not None:
        problems += window_problems(times[0], times[1])
    communes = manifest.get("target_communes")
    if isinstance(communes, list) and all(isinstance(c, str) for c in communes):
        problems += commune_problems(communes)
    else:
        need(False, "target_communes")
    audio = manifest.get("audio")
    need(
        isinstance(audio, Mapping)
        and audio.get("file") == AUDIO_FILE
        and audio.get("media_type") == AUDIO_MEDIA_TYPE
        and isinstance(audio.get("duration_seconds"), int | float)
        and audio["duration_seconds"] > 0
        and count(audio.get("bitrate"), 8000)
        and audio.get("sample_rate") in SAMPLE_RATES
        and audio.get("channels") in (1, 2)
        and count(audio.get("size_bytes"), 1)
        and isinstance(audio.get("sha256"), str)
        and bool(_SHA256.fullmatch(audio["sha256"]))
        and audio.get("origin") in ORIGINS,
        "audio",
    )
    script = manifest.get("script")
    need(
        isinstance(script, Mapping)
        and script.get("file") == SCRIPT_FILE
        and isinstance(script.get("sha256"), str)
        and bool(_SHA256.fullmatch(script["sha256"]))
        and count(script.get("characters"), 1),
        "script",
    )
    need(
        isinstance(manifest.get("credits"), list)
        and all(isinstance(c, str) for c in manifest["credits"]),
        "credits",
    )
    return problems


def _offset_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.endswith("+07:00"):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


# --- where packages go -----------------------------------------------------------------------

DEFAULT_PREFIX = "bulletins"
_PREFIX = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")


@dataclass(frozen=True)
class Destination:
    kind: str  # "folder" | "storage" | "default" (the drop folder if set, else storage)
    where: str  # the folder's path, or the storage prefix


def parse_address(address: str) -> tuple[Destination | None, list[str]]:
    """An outlet's address: empty (the service's drop folder, else object storage under
    ``bulletins/``), an absolute folder path (or file:///…), or ``s3://<prefix>``."""
    address = address.strip()
    if not address:
        return Destination("default", ""), []
    if address.startswith("s3://"):
        prefix = address.removeprefix("s3://").strip("/")
        if not prefix:
            return Destination("storage", DEFAULT_PREFIX), []
        if _PREFIX.fullmatch(prefix) and ".." not in prefix.split("/"):
            return Destination("storage", prefix), []
        return None, [
            f"Tiền tố kho “{prefix}” chỉ được chứa chữ không dấu, số, '.', '_', '-', '/' "
            "và không có đoạn '..'. "
            f"/ The storage prefix “{prefix}” may hold only ASCII letters, digits, '.', '_', "
            "'-' and '/', and no '..' part."
        ]
    path = address.removeprefix("file://")
    if path.startswith("/") and "\x00" not in path and ".." not in path.split("/"):
        return Destination("folder", path.rstrip("/") or "/"), []
    return None, [
        f"Địa chỉ “{address}” không dùng được: để trống, ghi đường dẫn thư mục tuyệt đối "
        "(/srv/ban-tin) hoặc s3://<tiền tố>. / The address “"
        f"{address}” cannot be used: leave it empty, give an absolute folder path (/srv/ban-tin) "
        "or s3://<prefix>."
    ]
