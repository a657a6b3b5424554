"""Judging's and publish's domain rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.judging.domain.projection import blind_files, should_replace
from services.publish.domain.summary import count_by_category, current_phase
from shared.contracts.submissions import (
    EntrySubmittedPayload,
    MediaKind,
    Phase,
    PhaseKind,
    SubmittedFile,
    Submitter,
)


def test_an_older_version_never_replaces_a_newer_one() -> None:
    assert should_replace(None, 1)
    assert should_replace(1, 2)
    assert not should_replace(2, 2)
    assert not should_replace(3, 2)


def test_jurors_see_no_name_or_storage_key_of_a_file() -> None:
    payload = EntrySubmittedPayload(
        entry_id="e",
        code="LS26-BC-0001",
        category_id="c",
        category_code="BC",
        category_name="Báo in",
        title="t",
        language="vi",
        version=1,
        submitted_at=datetime.now(UTC),
        files=(
            SubmittedFile(
                file_id="f",
                kind=MediaKind.TEXT,
                media_type="application/pdf",
                size_bytes=3,
                sha256="0" * 64,
                object_key="media/e/f",
            ),
        ),
        submitter=Submitter(account_id="a", email="tacgia@example.org", display_name="Lộc Thị Mai"),
    )
    files = blind_files(payload)
    assert files == [
        {"file_id": "f", "kind": "text", "media_type": "application/pdf", "size_bytes": 3}
    ]


def test_current_phase_and_counts() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    submission = Phase(
        kind=PhaseKind.SUBMISSION,
        starts_at=now - timedelta(days=30),
        ends_at=now + timedelta(days=60),
    )
    announcement = Phase(
        kind=PhaseKind.ANNOUNCEMENT,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    later = Phase(
        kind=PhaseKind.RESULTS, starts_at=now + timedelta(days=90), ends_at=now + timedelta(days=95)
    )
    assert (
        current_phase([submission, announcement, later], now) == announcement
    )  # the latest to start
    assert current_phase([later], now) is None
    counts = count_by_category([("BC", "Báo"), ("AN", "Ảnh")], ["BC", "BC", "PT"])
    assert [(c.code, c.entries) for c in counts] == [("BC", 2), ("AN", 0)]
