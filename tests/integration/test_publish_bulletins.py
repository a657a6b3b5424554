"""Commune loudspeaker bulletins made from real media on real storage: recordings and a
video's sound become MP3s of the same length, a text is read aloud by espeak-ng (bundled, or
a command configured by path), the package lands in a folder or under an s3:// prefix with
its manifest last and valid against the schema, and retracting writes a canceled version."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import httpx
import jsonschema
import pytest

from services.publish.bulletins.package import load_schema
from services.publish.outlets.base import (
    Context,
    Outlet,
    PermanentFailure,
    Work,
    WorkFile,
)
from services.publish.outlets.kinds.loudspeaker import ADAPTER
from services.publish.outlets.registry import adapter_for
from services.publish.settings import PublishSettings
from tests.conftest import DatabaseTarget
from tests.support import media_samples
from tests.support.infra import Infra
from tests.support.publish import Publish, publish_running, store

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
COMMUNES = ["06253", "06256", "06259"]
TEXT = (
    "Thầy Hoàng Văn Thụ đã gắn bó hai mươi năm với điểm trường Khòn Pổ, xã Khánh Khê.\n\n"
    "Mỗi sáng, thầy lội suối đón học trò, những đứa trẻ người Tày, người Nùng. "
    "Bà con trong bản gọi thầy là “người giữ lửa con chữ”."
)
HTTP = httpx.AsyncClient()
VALIDATOR = jsonschema.Draft202012Validator(
    load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


@pytest.fixture(scope="module")
async def publish(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Publish]:
    """One publish service for the module: only storage and settings matter here."""
    folder = tmp_path_factory.mktemp("bulletins-db")
    database = DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{folder}/test.db", None)
    async with publish_running(infra, database) as running:
        await running.storage.ensure_bucket()
        yield running


def context(publish: Publish, workdir: Path, **settings: Any) -> Context:
    workdir.mkdir(parents=True, exist_ok=True)
    # Folder drops must lie inside the configured drop folder: the test's own folder.
    settings.setdefault("bulletin_drop_dir", workdir.parent)
    values: PublishSettings = publish.settings.model_copy(update=settings)
    return Context(
        settings=values,
        http=HTTP,  # a loudspeaker drop makes no HTTP calls
        storage=publish.storage,
        db=publish.runtime.db,
        workdir=workdir,
        clock=lambda: NOW,
    )


def outlet(address: str, outlet_id: str = "outlet-loa", **settings: Any) -> Outlet:
    return Outlet(
        outlet_id=outlet_id,
        name="Đài truyền thanh huyện Văn Quan",
        kind="loudspeaker",
        address=address,
        settings={"communes": COMMUNES, "priority": "priority", **settings},
        credentials={},
    )


def work(code: str, files: tuple[WorkFile, ...] = (), body: str | None = None) -> Work:
    return Work(
        entry_id=f"entry-{code}",
        code=code,
        title="Người giữ lửa con chữ ở Khòn Pổ",
        contest_title="Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn",
        category_name="Phát thanh",
        tier_name="Giải A",
        language="vi",
        synopsis="Chuyện về người thầy giáo cắm bản ở xã Khánh Khê, huyện Văn Quan.",
        body_text=body,
        credits=("Nguyễn Thị Hoà (Báo Lạng Sơn)",),
        exemplars=("Hoàng Văn Thụ",),
        files=files,
        page_url=f"http://testserver/giai/{code}",
    )


async def stored_file(publish: Publish, path: Path, kind: str, media_type: str) -> WorkFile:
    data = await asyncio.to_thread(path.read_bytes)
    key = f"bulletin-test/{path.name}"
    await store(publish.storage, key, data, media_type)
    return WorkFile(
        kind=kind,
        media_type=media_type,
        size_bytes=len(data),
        object_key=key,
        download_name=f"PT-001-1{path.suffix}",
    )


def mp3_facts(path: Path) -> tuple[float, int, int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert container.format.name == "mp3" and stream.codec_context.name.startswith("mp3")
        assert container.duration is not None
        return container.duration / av.time_base, stream.rate, stream.channels


def read_package(folder: Path) -> dict[str, Any]:
    """The manifest, checked against the schema and against the files it names."""
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text("utf-8"))
    errors = [e.message for e in VALIDATOR.iter_errors(manifest)]
    assert errors == []
    for part in ("audio", "script"):
        data = (folder / manifest[part]["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == manifest[part]["sha256"]
    assert manifest["audio"]["size_bytes"] == (folder / "audio.mp3").stat().st_size
    script = (folder / "script.txt").read_text("utf-8")
    assert manifest["script"]["characters"] == len(script)
    # Written last: nothing of the package is newer than its manifest; no temporary left.
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert set(written) == {"audio.mp3", "script.txt", "manifest.json"}
    assert written["manifest.json"] >= max(written.values())
    return manifest


@pytest.mark.parametrize(
    ("name", "media_type", "kind", "seconds"),
    [
        ("tiet-muc.m4a", "audio/mp4", "audio", 3.0),
        ("tiet-muc.mp3", "audio/mpeg", "audio", 2.5),
        ("tiet-muc.wav", "audio/wav", "audio", 2.0),
        ("phong-su.mp4", "video/mp4", "video", 2.0),
    ],
)
async def test_a_recording_or_a_video_becomes_an_mp3_of_the_same_length(
    publish: Publish, tmp_path: Path, name: str, media_type: str, kind: str, seconds: float
) -> None:
    source = tmp_path / name
    if kind == "video":
        media_samples.mp4_video(source, seconds=seconds)
    elif name.endswith(".wav"):
        media_samples.wav_audio(source, seconds=seconds, rate=8000)
    else:
        media_samples.mp3_or_m4a_audio(source, seconds=seconds)
    drop = tmp_path / "drop"
    file = await stored_file(publish, source, kind, media_type)
    published = await ADAPTER.publish(
        work("PT-001", (file,)), outlet(str(drop)), context(publish, tmp_path / "work")
    )

    folder = drop / published.remote_id
    manifest = read_package(folder)
    duration, rate, channels = mp3_facts(folder / "audio.mp3")
    assert abs(duration - seconds) < 0.2
    assert (rate, channels) == (44100, 1)
    assert abs(manifest["audio"]["duration_seconds"] - duration) < 0.05
    assert manifest["audio"]["origin"] == kind
    assert manifest["priority"] == "priority" and manifest["priority_label"] == "Ưu tiên"
    assert manifest["target_communes"] == COMMUNES
    assert manifest["valid_from"] == "2026-11-26T09:00:00+07:00"
    assert manifest["valid_until"] == "2026-12-03T09:00:00+07:00"
    assert manifest["about"] == ["Hoàng Văn Thụ"]
    script = (folder / "script.txt").read_text("utf-8")
    assert "Tác giả: Nguyễn Thị Hoà (Báo Lạng Sơn)." in script
    assert "Nội dung: Chuyện về người thầy giáo cắm bản" in script
    assert published.url is None
    assert published.answer["path"] == str(folder)
    assert published.answer["duration_seconds"] == manifest["audio"]["duration_seconds"]


async def test_a_text_is_read_aloud_and_a_longer_text_reads_longer(
    publish: Publish, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    ctx = context(publish, tmp_path / "work", bulletin_drop_dir=drop)
    short = await ADAPTER.publish(work("BC-001", body=TEXT), outlet(""), ctx)
    longer = await ADAPTER.publish(
        work("BC-002", body=f"{TEXT}\n\n{TEXT}\n\n{TEXT}"), outlet(""), ctx
    )

    durations = []
    for published in (short, longer):
        folder = drop / published.remote_id
        manifest = read_package(folder)
        assert manifest["audio"]["origin"] == "tts"
        assert manifest["script"]["read_aloud"] is True
        duration, _, _ = mp3_facts(folder / "audio.mp3")
        assert duration > 1.0
        durations.append(duration)
        script = (folder / "script.txt").read_text("utf-8")
        assert "“người giữ lửa con chữ”" in script
        assert script.rstrip().endswith(
            "Nguồn: Cuộc thi viết về gương người tốt, việc tốt tỉnh Lạng Sơn."
        )
    assert durations[1] > durations[0] * 1.5


async def test_a_text_past_the_maximum_length_is_an_excerpt_said_so(
    publish: Publish, tmp_path: Path
) -> None:
    long_text = "\n\n".join([TEXT] * 6)  # about 1,300 characters; one minute holds 800
    published = await ADAPTER.publish(
        work("BC-003", body=long_text),
        outlet(str(tmp_path / "drop"), max_minutes=1, priority="emergency"),
        context(publish, tmp_path / "work"),
    )
    folder = tmp_path / "drop" / published.remote_id
    manifest = read_package(folder)
    assert manifest["script"]["excerpt"] is True and published.answer["excerpt"] is True
    assert manifest["priority_label"] == "Khẩn cấp"
    script = (folder / "script.txt").read_text("utf-8")
    assert "(Trích)" in script
    assert mp3_facts(folder / "audio.mp3")[0] <= 60.0


async def test_a_configured_voice_command_reads_the_text(publish: Publish, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    command = "/usr/bin/espeak-ng -v vi -w {wav} -f {text}"
    ctx = context(publish, tmp_path / "work", tts_command=command)
    published = await ADAPTER.publish(work("BC-004", body=TEXT), outlet(str(drop)), ctx)
    manifest = read_package(drop / published.remote_id)
    assert manifest["audio"]["origin"] == "tts"
    assert mp3_facts(drop / published.remote_id / "audio.mp3")[0] > 1.0

    broken = context(publish, tmp_path / "work2", tts_command="/bin/false {text} {wav}")
    with pytest.raises(PermanentFailure, match="Không đọc được văn bản thành tiếng"):
        await ADAPTER.publish(work("BC-005", body=TEXT), outlet(str(drop)), broken)
    assert sorted(p.name for p in drop.iterdir()) == [published.remote_id]


async def test_a_video_without_sound_is_refused_and_nothing_is_dropped(
    publish: Publish, tmp_path: Path
) -> None:
    silent = media_samples.mp4_video(tmp_path / "cam.mp4", seconds=1.0, audio=False)
    file = await stored_file(publish, silent, "video", "video/mp4")
    drop = tmp_path / "drop"
    with pytest.raises(PermanentFailure) as refused:
        await ADAPTER.publish(
            work("TH-001", (file,), body=TEXT), outlet(str(drop)), context(publish, tmp_path / "w")
        )
    assert str(refused.value).startswith("Video của tác phẩm không có tiếng")
    assert "/ The work's video has no sound track" in str(refused.value)
    assert not drop.exists()


async def test_bad_settings_and_places_are_refused_before_anything_is_written(
    publish: Publish, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    ctx = context(publish, tmp_path / "w", bulletin_drop_dir=drop)
    assert adapter_for("loudspeaker") is ADAPTER
    assert ADAPTER.check("", {"communes": ["06253"]}, {}) == []
    problems = ADAPTER.check("ftp://x", {"communes": ["1234a"], "priority": "gấp"}, {})
    assert len(problems) == 3 and all(" / " in p for p in problems)

    with pytest.raises(PermanentFailure, match="Mã xã không hợp lệ"):
        await ADAPTER.publish(work("BC-010", body=TEXT), outlet("", communes=["1234a"]), ctx)
    with pytest.raises(PermanentFailure, match="Thời gian phát của bản tin đã qua"):
        await ADAPTER.publish(
            work("BC-011", body=TEXT),
            outlet("", valid_from="2026-10-01T07:00", valid_until="2026-10-02T07:00"),
            ctx,
        )
    with pytest.raises(PermanentFailure, match="nằm ngoài thư mục nhận bản tin"):
        await ADAPTER.publish(work("BC-012", body=TEXT), outlet(str(tmp_path / "other")), ctx)
    unconfigured = context(publish, tmp_path / "w", bulletin_drop_dir=None)
    with pytest.raises(PermanentFailure, match="Chưa cấu hình thư mục nhận bản tin"):
        await ADAPTER.publish(work("BC-013", body=TEXT), outlet(str(drop)), unconfigured)
    gone = WorkFile("audio", "audio/mpeg", 10, "bulletin-test/khong-co.mp3", "PT-009-1.mp3")
    with pytest.raises(PermanentFailure, match="không còn trong kho"):
        await ADAPTER.publish(work("PT-009", (gone,)), outlet(""), ctx)
    assert not drop.exists() and not (tmp_path / "other").exists()


async def test_a_storage_drop_is_read_back_from_seaweedfs(publish: Publish, tmp_path: Path) -> None:
    source = media_samples.mp3_or_m4a_audio(tmp_path / "tin.m4a", seconds=2.0)
    file = await stored_file(publish, source, "audio", "audio/mp4")
    published = await ADAPTER.publish(
        work("PT-002", (file,)),
        outlet("s3://ban-tin/lang-son", outlet_id="outlet-s3"),
        context(publish, tmp_path / "work"),
    )
    prefix = f"ban-tin/lang-son/{published.remote_id}"
    assert published.url == f"s3://{prefix}/manifest.json"
    assert sorted(await publish.storage.list_keys(prefix + "/")) == [
        f"{prefix}/audio.mp3",
        f"{prefix}/manifest.json",
        f"{prefix}/script.txt",
    ]
    local = tmp_path / "back"
    local.mkdir()
    for name in ("audio.mp3", "script.txt", "manifest.json"):
        await publish.storage.download(f"{prefix}/{name}", local / name)
    manifest = read_package(local)
    assert manifest["audio"]["origin"] == "audio"
    assert abs(mp3_facts(local / "audio.mp3")[0] - 2.0) < 0.2
    info = await publish.storage.stat(f"{prefix}/audio.mp3")
    assert info.content_type == "audio/mpeg"

    answer = await ADAPTER.retract(
        work("PT-002", (file,)),
        outlet("s3://ban-tin/lang-son", outlet_id="outlet-s3"),
        published,
        context(publish, tmp_path / "work2"),
    )
    await publish.storage.download(f"{prefix}/manifest.json", local / "manifest.json")
    canceled = json.loads((local / "manifest.json").read_text("utf-8"))
    assert canceled["status"] == "canceled" and answer["status"] == "canceled"
    assert VALIDATOR.is_valid(canceled)


async def test_retracting_writes_a_canceled_version_once_and_republishing_the_next(
    publish: Publish, tmp_path: Path
) -> None:
    drop = tmp_path / "drop"
    the_work, the_outlet = work("BC-020", body=TEXT), outlet(str(drop))
    first = await ADAPTER.publish(the_work, the_outlet, context(publish, tmp_path / "w1"))
    folder = drop / first.remote_id
    first_text = (folder / "manifest.json").read_text("utf-8")

    later = context(publish, tmp_path / "w2")
    later.clock = lambda: NOW + timedelta(hours=5)
    moved = outlet(str(tmp_path / "moved"))  # the address changed since: the drop did not
    answer = await ADAPTER.retract(the_work, moved, first, later)
    assert not (tmp_path / "moved").exists()
    canceled = read_package(folder)
    assert canceled["status"] == "canceled" and canceled["version"] == 2
    assert canceled["canceled_at"] == "2026-11-26T14:00:00+07:00"
    assert canceled["replaces"] == {
        "version": 1,
        "sha256": hashlib.sha256(first_text.encode()).hexdigest(),
    }
    assert answer["status"] == "canceled" and answer["version"] == 2

    again = await ADAPTER.retract(the_work, the_outlet, first, later)
    assert again["version"] == 2 and read_package(folder)["version"] == 2

    # The taker removed the folder: the canceled manifest is written from the job's answer.
    gone = await ADAPTER.publish(work("BC-021", body=TEXT), the_outlet, later)
    for part in (drop / gone.remote_id).iterdir():
        part.unlink()
    (drop / gone.remote_id).rmdir()
    await ADAPTER.retract(work("BC-021", body=TEXT), the_outlet, gone, later)
    alone = json.loads((drop / gone.remote_id / "manifest.json").read_text("utf-8"))
    assert alone["status"] == "canceled" and VALIDATOR.is_valid(alone)

    republished = await ADAPTER.publish(the_work, the_outlet, later)
    assert republished.remote_id == first.remote_id  # one bulletin per work and outlet
    manifest = read_package(folder)
    assert manifest["status"] == "active" and manifest["version"] == 3
    assert manifest["replaces"]["version"] == 2


async def test_a_long_recording_is_cut_to_the_maximum_length(
    publish: Publish, tmp_path: Path
) -> None:
    source = media_samples.wav_audio(tmp_path / "dai.wav", seconds=61.0, rate=8000)
    file = await stored_file(publish, source, "audio", "audio/wav")
    published = await ADAPTER.publish(
        work("PT-003", (file,)),
        outlet(str(tmp_path / "drop"), max_minutes=1),
        context(publish, tmp_path / "work"),
    )
    folder = tmp_path / "drop" / published.remote_id
    manifest = read_package(folder)
    assert manifest["audio"]["excerpt"] is True
    assert abs(mp3_facts(folder / "audio.mp3")[0] - 60.0) < 0.1


async def test_the_manifest_schema_is_public(publish: Publish) -> None:
    response = await publish.client.get("/bulletins/manifest.schema.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json() == load_schema()
    jsonschema.Draft202012Validator.check_schema(response.json())
