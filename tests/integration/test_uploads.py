"""The contestant upload protocol on real SeaweedFS: presigned multipart parts in parallel,
resume from the stored parts, server-side size checks, and the verifier's verdict."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from services.submissions.domain.uploads import MIN_PART_BYTES
from shared.auth import Role
from tests.integration.conftest import Submissions
from tests.support import media_samples, samples
from tests.support.flows import entry_body
from tests.support.uploader import finish, put_parts, upload

MiB = 1024 * 1024


async def _draft(client: httpx.AsyncClient, contest_id: str, category: str = "BC") -> str:
    created = await client.post(
        "/api/entries", json=entry_body(contest_id, "Người gác rừng", category)
    )
    assert created.status_code == 201, created.text
    return str(created.json()["entry_id"])


async def test_parts_uploaded_in_parallel_resume_and_are_verified(
    submissions: Submissions,
) -> None:
    contest_id = await submissions.contest("UP1")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up1.vn")
    entry_id = await _draft(contestant, contest_id)
    article = samples.text_article(3_000_000)  # ~20 MiB: three parts
    assert len(article) > 2 * MIN_PART_BYTES

    first = await upload(
        contestant, entry_id, "bài-dự-thi.txt", article, parts=[1, 3], complete=False
    )
    assert first.start_body["part_count"] == 3
    file_id = str(first.file_id)
    # After a reload the browser asks what storage already holds, and sends only the rest.
    state = (await contestant.get(f"/api/entries/{entry_id}/uploads/{file_id}")).json()
    assert [p["part_number"] for p in state["parts"]] == [1, 3]
    assert state["parts"][0]["size"] == MIN_PART_BYTES
    async with httpx.AsyncClient() as storage:
        await put_parts(
            contestant,
            storage,
            entry_id,
            first.start_body,
            lambda a, b: article[a:b],
            len(article),
            [2],
            2,
        )
    done = await finish(contestant, entry_id, first, hashlib.sha256(article).hexdigest(), True)
    assert done.complete_status == 202
    assert done.file["status"] == "verified", done.file
    assert done.file["kind"] == "text"
    assert done.file["facts"]["words"] == 3_000_000
    assert done.file["original_name"] == "bài-dự-thi.txt"

    submitted = await contestant.post(f"/api/entries/{entry_id}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["code"] == "UP1-BC-0001"


async def test_a_video_of_several_parts_is_measured_and_stripped_of_its_author(
    submissions: Submissions, tmp_path: Path
) -> None:
    contest_id = await submissions.contest("UP2")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up2.vn")
    entry_id = await _draft(contestant, contest_id, "TH")
    video = media_samples.mp4_video(
        tmp_path / "phong-su.mp4", seconds=3.0, artist="Nguyễn Văn Phóng Viên"
    )
    samples.pad_mp4(video, 18 * MiB)
    result = await upload(contestant, entry_id, "phong-su.mp4", video)
    assert result.start_body["part_count"] == 3
    assert result.status == "verified", result.file
    assert result.file["kind"] == "video"
    assert abs(result.file["facts"]["duration_seconds"] - 3.0) < 0.3
    # The stored copy no longer names the author.
    runtime = submissions.runtime
    async with runtime.db.reading() as session:
        from services.submissions.models import EntryFile

        stored = await session.get(EntryFile, result.file_id)
        assert stored is not None
        assert stored.identifying is not None
        assert "Nguyễn Văn Phóng Viên" in " ".join(stored.identifying["found"].values())
        assert stored.object_key == f"media/{entry_id}/{result.file_id}"
        key = stored.object_key
    local = tmp_path / "stored.mp4"
    await runtime.storage.download(key, local)
    assert b"Nguy\xe1\xbb\x85n V\xc4\x83n Ph\xc3\xb3ng" not in local.read_bytes()


async def test_bad_uploads_are_refused_with_reasons_and_lose_nothing(
    submissions: Submissions, tmp_path: Path
) -> None:
    contest_id = await submissions.contest("UP3")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up3.vn")
    entry_id = await _draft(contestant, contest_id, "TH")
    good_video = media_samples.mp4_video(tmp_path / "good.mp4", seconds=1.0)
    good = await upload(contestant, entry_id, "tot.mp4", good_video)
    assert good.status == "verified", good.file

    # Oversized: refused before a byte is stored.
    huge = await contestant.post(
        f"/api/entries/{entry_id}/uploads",
        json={"file_name": "lon.mp4", "size_bytes": 5 * 1024**3},
    )
    assert huge.status_code == 413
    assert "Tệp quá lớn" in huge.json()["detail"]

    # A renamed executable: the content decides, not the name.
    exe = await upload(contestant, entry_id, "video.mp4", samples.windows_executable() * 100)
    assert exe.status == "rejected"
    assert "Không nhận ra loại tệp" in exe.file["rejection"]

    # A checksum that does not match what arrived.
    wrong = await upload(contestant, entry_id, "sai.mp4", good_video.read_bytes(), sha256="0" * 64)
    assert wrong.status == "rejected"
    assert "SHA-256" in wrong.file["rejection"]

    # A truncated video: every byte declared arrived, but the video itself is cut short.
    cut = media_samples.truncated(good_video, tmp_path / "cut.mp4", 0.5)
    truncated = await upload(contestant, entry_id, "cat.mp4", cut)
    assert truncated.status == "rejected", truncated.file

    # Missing parts: completion names what is missing and stores nothing.
    partial = await upload(
        contestant, entry_id, "thieu.mp4", b"\0" * (MIN_PART_BYTES + 10), parts=[1], complete=False
    )
    incomplete = await contestant.post(
        f"/api/entries/{entry_id}/uploads/{partial.file_id}/complete", json={"sha256": "a" * 64}
    )
    assert incomplete.status_code == 409
    assert "còn thiếu phần 2" in incomplete.json()["detail"]

    # Parts beyond the plan are never signed.
    beyond = await contestant.post(
        f"/api/entries/{entry_id}/uploads/{partial.file_id}/part-urls", json={"part_numbers": [3]}
    )
    assert beyond.status_code == 422

    # Path traversal and control characters in the name: kept only as a harmless label.
    odd = await upload(contestant, entry_id, "../../etc/\u202epasswd\x00\x1b[31m.mp4", good_video)
    assert odd.file["original_name"] == "passwd[31m.mp4"

    entry = (await contestant.get(f"/api/entries/{entry_id}")).json()
    statuses = {f["file_id"]: f["status"] for f in entry["files"]}
    assert statuses[str(good.file_id)] == "verified"  # nothing already stored was lost
    async with submissions.runtime.db.reading() as session:
        from services.submissions.models import EntryFile

        kept = await session.get(EntryFile, good.file_id)
        assert kept is not None and kept.object_key
    assert (await submissions.runtime.storage.stat(kept.object_key)).size > 0


async def test_presigned_urls_cannot_be_forged_or_reused_late(submissions: Submissions) -> None:
    contest_id = await submissions.contest("UP4")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up4.vn")
    entry_id = await _draft(contestant, contest_id)
    started = await upload(contestant, entry_id, "a.txt", b"abc " * 10, parts=[], complete=False)
    file_id = started.file_id
    urls = await contestant.post(
        f"/api/entries/{entry_id}/uploads/{file_id}/part-urls", json={"part_numbers": [1]}
    )
    url = urls.json()["urls"]["1"]
    assert url.startswith(submissions.infra.s3.endpoint)  # bytes go to storage, never to us
    async with httpx.AsyncClient() as storage:
        forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
        assert (await storage.put(forged, content=b"abc")).status_code == 403
        other_part = url.replace("partNumber=1", "partNumber=2")
        assert (await storage.put(other_part, content=b"abc")).status_code == 403
        storage_api = submissions.runtime.storage
        async with submissions.runtime.db.reading() as session:
            from services.submissions.models import EntryFile

            file = await session.get(EntryFile, file_id)
            assert file is not None and file.upload_id
        expired = storage_api.presign_part(
            file.quarantine_key, file.upload_id, 1, timedelta(seconds=1)
        )
        import asyncio

        await asyncio.sleep(2.1)
        assert (await storage.put(expired, content=b"abc")).status_code == 403


async def test_one_contestant_cannot_touch_anothers_entry(submissions: Submissions) -> None:
    contest_id = await submissions.contest("UP5")
    owner = await submissions.person(Role.CONTESTANT, "chu@up5.vn")
    other = await submissions.person(Role.CONTESTANT, "khac@up5.vn")
    entry_id = await _draft(owner, contest_id)
    started = await upload(owner, entry_id, "a.txt", b"Xin chao " * 20, complete=False)
    for response in (
        await other.get(f"/api/entries/{entry_id}"),
        await other.get(f"/api/entries/{entry_id}/uploads/{started.file_id}"),
        await other.post(
            f"/api/entries/{entry_id}/uploads", json={"file_name": "x.txt", "size_bytes": 5}
        ),
        await other.post(f"/api/entries/{entry_id}/submit"),
        await other.delete(f"/api/entries/{entry_id}/uploads/{started.file_id}"),
    ):
        assert response.status_code == 404, response.text
    assert (await submissions.client.get(f"/api/entries/{entry_id}")).status_code == 401
    # Cancelling one's own upload aborts it in storage.
    assert (
        await owner.delete(f"/api/entries/{entry_id}/uploads/{started.file_id}")
    ).status_code == 204
    entry = (await owner.get(f"/api/entries/{entry_id}")).json()
    assert entry["files"] == []


@pytest.mark.parametrize("words", [10])
async def test_sweeper_aborts_abandoned_uploads(submissions: Submissions, words: int) -> None:
    from services.submissions.models import EntryFile
    from services.submissions.uploads.sweeper import UploadSweeper

    contest_id = await submissions.contest("UP6")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up6.vn")
    entry_id = await _draft(contestant, contest_id)
    left = await upload(
        contestant, entry_id, "bo-do.txt", samples.text_article(words), complete=False
    )
    runtime = submissions.runtime
    async with runtime.db.transaction() as session:
        file = await session.get(EntryFile, left.file_id)
        assert file is not None
        file.created_at = file.created_at - timedelta(hours=25)
        key, upload_id = file.quarantine_key, file.upload_id
    pending = {u.upload_id for u in await runtime.storage.pending_uploads("quarantine/")}
    assert upload_id in pending
    swept = await UploadSweeper(runtime).sweep_once()
    assert swept["aborted"] >= 1
    pending = {u.upload_id for u in await runtime.storage.pending_uploads("quarantine/")}
    assert upload_id not in pending
    entry = (await contestant.get(f"/api/entries/{entry_id}")).json()
    assert entry["files"] == []  # cancelled files are not listed
    async with runtime.db.reading() as session:
        file = await session.get(EntryFile, left.file_id)
        assert file is not None and file.status == "cancelled" and file.rejection
    assert key


async def test_measuring_that_takes_too_long_is_stopped_and_the_next_file_is_fine(
    submissions: Submissions,
) -> None:
    from services.submissions.verification.verifier import TIMED_OUT, Verifier

    verifier = next(w for w in submissions.runtime.workers if isinstance(w, Verifier))
    contest_id = await submissions.contest("UP7")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up7.vn")
    entry_id = await _draft(contestant, contest_id)
    verifier.time_limit = 0.01  # no file can be measured this fast
    slow = await upload(contestant, entry_id, "a.txt", samples.text_article(50))
    assert slow.status == "rejected"
    assert slow.file["rejection"] == TIMED_OUT
    verifier.time_limit = 120
    fine = await upload(contestant, entry_id, "b.txt", samples.text_article(60))
    assert fine.status == "verified", fine.file


async def test_a_word_file_gets_a_reading_copy_that_goes_with_it(
    submissions: Submissions, tmp_path: Path
) -> None:
    from services.submissions.models import EntryFile, EntryVersion
    from shared.storage import ObjectNotFound

    contest_id = await submissions.contest("UP8")
    contestant = await submissions.person(Role.CONTESTANT, "tacgia@up8.vn")
    entry_id = await _draft(contestant, contest_id)
    paragraphs = ["Người gác rừng Mẫu Sơn", "Ông Hoàng Văn Páo giữ rừng ba mươi năm."]
    article = media_samples.docx(tmp_path / "bai.docx", paragraphs, creator="Nguyễn Văn Tác")
    dropped = await upload(contestant, entry_id, "nhap.docx", article)
    kept = await upload(contestant, entry_id, "bai.docx", article)
    assert dropped.status == kept.status == "verified", (dropped.file, kept.file)

    runtime = submissions.runtime
    async with runtime.db.reading() as session:
        stored = {f: await session.get(EntryFile, f) for f in (dropped.file_id, kept.file_id)}
    keys = {f: (s.object_key, s.text_key) for f, s in stored.items() if s is not None}
    text_key = keys[kept.file_id][1]
    assert text_key == f"media/{entry_id}/{kept.file_id}.txt"
    local = tmp_path / "reading.txt"
    await runtime.storage.download(text_key, local)
    copy = local.read_bytes().decode("utf-8")
    assert copy == "Người gác rừng Mẫu Sơn\n\nÔng Hoàng Văn Páo giữ rừng ba mươi năm.\n"
    assert "Nguyễn Văn Tác" not in copy and "Báo Lạng Sơn" not in copy

    # Removing a file from the draft removes its reading copy with it.
    removed = await contestant.delete(f"/api/entries/{entry_id}/uploads/{dropped.file_id}")
    assert removed.status_code == 204, removed.text
    for key in keys[dropped.file_id]:
        assert key is not None
        with pytest.raises(ObjectNotFound):
            await runtime.storage.stat(key)
    info = await runtime.storage.stat(text_key)
    assert (info.size, info.content_type) == (len(copy.encode()), "text/plain; charset=utf-8")

    submitted = await contestant.post(f"/api/entries/{entry_id}/submit")
    assert submitted.status_code == 200, submitted.text
    async with runtime.db.reading() as session:
        version = await session.get(EntryVersion, (entry_id, 1))
        assert version is not None
    assert [f["text_key"] for f in version.snapshot["files"]] == [text_key]
