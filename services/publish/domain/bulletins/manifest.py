"""The manifest the provincial source-information system takes a bulletin by: built from the
audio and script facts, a canceled version on retraction, and ``manifest_problems``, which checks
what the JSON Schema says and what it cannot (the window's order and length)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .options import (
    AUDIO_FILE,
    AUDIO_MEDIA_TYPE,
    ORIGINS,
    PRIORITIES,
    SAMPLE_RATES,
    SCHEMA_VERSION,
    SCRIPT_FILE,
    SCRIPT_MEDIA_TYPE,
    STATUSES,
    commune_problems,
    vietnam_time,
    window_problems,
)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_BULLETIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")

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
