"""A loudspeaker bulletin package, made from a winning work and dropped where the provincial
source-information system takes it: ``<bulletin_id>/audio.mp3``, ``<bulletin_id>/script.txt``
and ``<bulletin_id>/manifest.json``, the manifest always last (in a folder: written under a
temporary name, then renamed) so the taker never sees half a package.

Retracting writes the next version of the manifest with status "canceled".
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from shared.storage import ObjectNotFound, ObjectStorage

from ..domain import bulletins as rules
from ..outlets.base import Context, Outlet, PermanentFailure, Published, TemporaryFailure, Work
from .audio import Encoded, NoSoundTrack, UnreadableAudio, encode_to_mp3
from .tts import SpeechFailed, SpeechTimedOut, speak_to_mp3

SCHEMA_PATH = Path(__file__).with_name("manifest.schema.json")


def load_schema() -> dict[str, Any]:
    """The manifest's JSON Schema (for takers, tests and the documentation)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def manifest_text(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


# --- where the package goes ------------------------------------------------------------------


class Drop(Protocol):
    @property
    def location(self) -> str:
        """Shown to the organizers: a folder path or s3://<prefix>/<bulletin_id>/."""
        ...

    @property
    def url(self) -> str | None: ...

    async def read_manifest(self) -> str | None: ...

    async def put_file(self, name: str, source: Path, content_type: str) -> None: ...

    async def put_manifest(self, text: str) -> None: ...


def _write_atomically(target: Path, data: bytes | Path) -> None:
    """Write under a hidden temporary name, then rename: readers see all of it or none."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("wb") as out:
            if isinstance(data, Path):
                with data.open("rb") as source:
                    shutil.copyfileobj(source, out, 1 << 20)
            else:
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


@dataclass
class FolderDrop:
    folder: Path

    @property
    def location(self) -> str:
        return str(self.folder)

    @property
    def url(self) -> str | None:
        return None

    async def read_manifest(self) -> str | None:
        path = self.folder / rules.MANIFEST_FILE
        try:
            return await asyncio.to_thread(path.read_text, encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as error:
            raise _folder_failure(error) from error

    async def put_file(self, name: str, source: Path, content_type: str) -> None:
        def copy() -> None:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.folder / name, source)

        try:
            await asyncio.to_thread(copy)
        except OSError as error:
            raise _folder_failure(error) from error

    async def put_manifest(self, text: str) -> None:
        def write() -> None:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.folder / rules.MANIFEST_FILE, text.encode())

        try:
            await asyncio.to_thread(write)
        except OSError as error:
            raise _folder_failure(error) from error


def _folder_failure(error: OSError) -> Exception:
    if isinstance(error, PermissionError | NotADirectoryError | FileExistsError):
        return PermanentFailure(
            f"Không ghi được vào thư mục bản tin ({error.strerror}). "
            f"/ Cannot write to the bulletin folder ({error.strerror})."
        )
    return TemporaryFailure(
        f"Tạm thời không ghi được thư mục bản tin ({error.strerror}). "
        f"/ The bulletin folder cannot be written for now ({error.strerror})."
    )


@dataclass
class StorageDrop:
    storage: ObjectStorage
    prefix: str  # "<prefix>/<bulletin_id>"

    @property
    def location(self) -> str:
        return f"s3://{self.prefix}/"

    @property
    def url(self) -> str | None:
        return f"s3://{self.prefix}/{rules.MANIFEST_FILE}"

    async def read_manifest(self) -> str | None:
        key = f"{self.prefix}/{rules.MANIFEST_FILE}"
        try:
            info = await self.storage.stat(key)
            return (await self.storage.read_range(key, 0, info.size)).decode("utf-8")
        except ObjectNotFound:
            return None
        except Exception as error:
            raise _storage_failure(error) from error

    async def put_file(self, name: str, source: Path, content_type: str) -> None:
        try:
            await self.storage.upload(f"{self.prefix}/{name}", source, content_type)
        except Exception as error:
            raise _storage_failure(error) from error

    async def put_manifest(self, text: str) -> None:
        try:
            await self.storage.put_bytes(
                f"{self.prefix}/{rules.MANIFEST_FILE}", text.encode(), "application/json"
            )
        except Exception as error:
            raise _storage_failure(error) from error


def _storage_failure(error: Exception) -> TemporaryFailure:
    return TemporaryFailure(
        f"Tạm thời không ghi được vào kho lưu trữ ({type(error).__name__}). "
        f"/ Object storage cannot be written for now ({type(error).__name__})."
    )


def drop_for(outlet: Outlet, ctx: Context, bulletin: str) -> Drop:
    destination, problems = rules.parse_address(outlet.address)
    if destination is None:
        raise PermanentFailure(" ".join(problems))
    drop_dir = ctx.settings.bulletin_drop_dir
    if destination.kind == "default":
        if drop_dir is not None:
            return FolderDrop(Path(drop_dir) / bulletin)
        return StorageDrop(ctx.storage, f"{rules.DEFAULT_PREFIX}/{bulletin}")
    if destination.kind == "storage":
        return StorageDrop(ctx.storage, f"{destination.where}/{bulletin}")
    folder = Path(destination.where).resolve()
    if drop_dir is None:
        # Without a configured drop folder an outlet could write anywhere the service can.
        raise PermanentFailure(
            "Chưa cấu hình thư mục nhận bản tin (BULLETIN_DROP_DIR), nên không ghi vào thư mục "
            f"“{folder}”; hãy để trống địa chỉ hoặc dùng s3://… / No bulletin drop folder is "
            f"configured (BULLETIN_DROP_DIR), so “{folder}” cannot be written; leave the address "
            "empty or use s3://…"
        )
    if not folder.is_relative_to(Path(drop_dir).resolve()):
        raise PermanentFailure(
            f"Thư mục “{folder}” nằm ngoài thư mục nhận bản tin đã cấu hình ({drop_dir}). "
            f"/ The folder “{folder}” is outside the configured bulletin drop folder ({drop_dir})."
        )
    return FolderDrop(folder / bulletin)


def _drop_at(location: Any, ctx: Context) -> Drop | None:
    """Where a bulletin was dropped, as its job's answer says (the outlet's address may have
    changed since)."""
    if not isinstance(location, str) or not location:
        return None
    if location.startswith("s3://"):
        return StorageDrop(ctx.storage, location.removeprefix("s3://").rstrip("/"))
    return FolderDrop(Path(location))


# --- making the package ----------------------------------------------------------------------


def options_of(outlet: Outlet) -> rules.BulletinOptions:
    options, problems = rules.parse_options(outlet.settings)
    if options is None:
        raise PermanentFailure(" ".join(problems))
    return options


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


async def _download(work: Work, ctx: Context, kind: str) -> tuple[Path, str] | None:
    """The work's first file of ``kind`` in the scratch folder, with its media type."""
    found = next((f for f in work.files if f.kind == kind), None)
    if found is None:
        return None
    local = ctx.workdir / f"source-{rules.safe_file_name(found.download_name, kind)}"
    try:
        _, size = await ctx.storage.download(found.object_key, local)
    except ObjectNotFound as error:
        raise PermanentFailure(
            f"Tệp {found.download_name} của tác phẩm không còn trong kho. "
            f"/ The work's file {found.download_name} is no longer in storage."
        ) from error
    except Exception as error:
        raise _storage_failure(error) from error
    if size != found.size_bytes:
        raise TemporaryFailure(
            f"Tải tệp {found.download_name} chưa trọn ({size}/{found.size_bytes} byte). "
            f"/ The download of {found.download_name} was incomplete ({size}/{found.size_bytes})."
        )
    return local, found.media_type


async def _sound(
    work: Work, options: rules.BulletinOptions, ctx: Context, target: Path
) -> tuple[rules.AudioFacts, rules.Script]:
    """The MP3 at ``target`` and the script: from the work's recording, its video's sound,
    or its text read aloud."""
    for kind in ("audio", "video"):
        source = await _download(work, ctx, kind)
        if source is None:
            continue
        try:
            encoded = await asyncio.to_thread(
                encode_to_mp3, source[0], source[1], target, max_seconds=options.max_seconds
            )
        except NoSoundTrack as error:
            what = ("Tệp âm thanh", "audio file") if kind == "audio" else ("Video", "video")
            raise PermanentFailure(
                f"{what[0]} của tác phẩm không có tiếng nên không làm được bản tin loa. "
                f"/ The work's {what[1]} has no sound track, so no loudspeaker bulletin can be "
                "made from it."
            ) from error
        except UnreadableAudio as error:
            raise PermanentFailure(
                "Không đọc được âm thanh của tác phẩm để làm bản tin loa. "
                "/ The work's sound cannot be decoded for a loudspeaker bulletin."
            ) from error
        script = _script(work, options, read_body=False)
        return await asyncio.to_thread(_facts, target, encoded, kind), script
    script = _script(work, options, read_body=True)
    try:
        encoded = await asyncio.to_thread(
            speak_to_mp3,
            script.text,
            target,
            voice=ctx.settings.tts_voice,
            command=ctx.settings.tts_command,
            workdir=ctx.workdir,
            max_seconds=options.max_seconds,
        )
    except SpeechTimedOut as error:
        raise TemporaryFailure(
            f"Bộ đọc văn bản chạy quá lâu ({error}). / The text-to-speech engine took too long."
        ) from error
    except SpeechFailed as error:
        raise PermanentFailure(
            f"Không đọc được văn bản thành tiếng: {error}. / Text-to-speech failed: {error}."
        ) from error
    return await asyncio.to_thread(_facts, target, encoded, "tts"), script


def _script(work: Work, options: rules.BulletinOptions, *, read_body: bool) -> rules.Script:
    return rules.script_for(
        title=work.title,
        credits=work.credits,
        tier_name=work.tier_name,
        category_name=work.category_name,
        contest_title=work.contest_title,
        synopsis=work.synopsis,
        body_text=work.body_text,
        read_body=read_body,
        max_characters=options.max_characters,
    )


def _facts(path: Path, encoded: Encoded, origin: str) -> rules.AudioFacts:
    return rules.AudioFacts(
        duration_seconds=encoded.duration_seconds,
        bitrate=encoded.bitrate,
        sample_rate=encoded.sample_rate,
        channels=encoded.channels,
        size_bytes=path.stat().st_size,
        sha256=_sha256(path),
        origin=origin,
        excerpt=encoded.excerpt,
    )


def _previous(text: str | None) -> tuple[dict[str, Any] | None, str | None]:
    if text is None:
        return None, None
    try:
        manifest = json.loads(text)
    except ValueError:
        return None, None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), int):
        return None, None
    return manifest, rules.manifest_sha256(text)


async def publish_bulletin(work: Work, outlet: Outlet, ctx: Context) -> Published:
    """Make the work's bulletin and drop it (audio, script, then the manifest)."""
    options = options_of(outlet)
    now = ctx.clock()
    valid_from, valid_until = rules.resolve_window(options, now)
    if valid_until <= now:
        raise PermanentFailure(
            "Thời gian phát của bản tin đã qua; sửa thời điểm hết hiệu lực của kênh. "
            "/ The bulletin's playing window is over; change the outlet's end time."
        )
    bulletin = rules.bulletin_id(work.code, work.entry_id, outlet.outlet_id)
    drop = drop_for(outlet, ctx, bulletin)
    audio_path = ctx.workdir / rules.AUDIO_FILE
    audio, script = await _sound(work, options, ctx, audio_path)
    script_path = ctx.workdir / rules.SCRIPT_FILE
    script_bytes = script.text.encode()
    await asyncio.to_thread(script_path.write_bytes, script_bytes)
    previous, previous_sha = _previous(await drop.read_manifest())
    manifest = rules.build_manifest(
        bulletin=bulletin,
        title=work.title,
        summary=work.synopsis,
        contest=work.contest_title,
        organizer=options.organizer or f"Ban Tổ chức {work.contest_title}",
        work_code=work.code,
        page_url=work.page_url,
        category=work.category_name,
        tier=work.tier_name,
        priority=options.priority,
        valid_from=valid_from,
        valid_until=valid_until,
        communes=options.communes,
        audio=audio,
        script=rules.ScriptFacts(
            sha256=hashlib.sha256(script_bytes).hexdigest(),
            characters=len(script.text),
            excerpt=script.excerpt,
            read_aloud=script.read_aloud,
        ),
        credits=work.credits,
        about=work.exemplars,
        created_at=now,
        previous=previous,
        previous_sha256=previous_sha,
    )
    _refuse_bad(manifest)
    await drop.put_file(rules.AUDIO_FILE, audio_path, rules.AUDIO_MEDIA_TYPE)
    await drop.put_file(rules.SCRIPT_FILE, script_path, rules.SCRIPT_MEDIA_TYPE)
    await drop.put_manifest(manifest_text(manifest))
    return Published(remote_id=bulletin, url=drop.url, answer=_answer(drop, manifest))


def _refuse_bad(manifest: Mapping[str, Any]) -> None:
    problems = rules.manifest_problems(manifest)
    if problems:
        listed = "; ".join(problems)
        raise PermanentFailure(
            f"Bản kê khai bản tin không hợp lệ: {listed} / The bulletin's manifest is invalid."
        )


def _answer(drop: Drop, manifest: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "path": drop.location,
        "status": manifest["status"],
        "version": manifest["version"],
        "priority": manifest["priority"],
        "valid_from": manifest["valid_from"],
        "valid_until": manifest["valid_until"],
        "communes": len(manifest["target_communes"]),
        "duration_seconds": manifest["audio"]["duration_seconds"],
        "origin": manifest["audio"]["origin"],
        "excerpt": manifest["audio"]["excerpt"] or manifest["script"]["excerpt"],
        "manifest": dict(manifest),
    }


async def retract_bulletin(
    work: Work, outlet: Outlet, published: Published, ctx: Context
) -> Mapping[str, Any]:
    """Write the next manifest version, status "canceled", so the communes stop playing it.
    Retracting twice writes nothing more."""
    drop = _drop_at(published.answer.get("path"), ctx) or drop_for(outlet, ctx, published.remote_id)
    current_text = await drop.read_manifest()
    current, current_sha = _previous(current_text)
    if current is None:
        kept = published.answer.get("manifest")
        if not isinstance(kept, Mapping):
            raise PermanentFailure(
                "Không còn bản kê khai của bản tin để hủy. "
                "/ The bulletin's manifest is gone, so it cannot be canceled."
            )
        current = dict(kept)
        current_sha = rules.manifest_sha256(manifest_text(current))
    if current.get("status") == "canceled":
        return _answer(drop, current)
    assert current_sha is not None
    canceled = rules.canceled_manifest(current, current_sha, ctx.clock())
    _refuse_bad(canceled)
    await drop.put_manifest(manifest_text(canceled))
    return _answer(drop, canceled)
