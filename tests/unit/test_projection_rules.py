"""Judging's and publish's domain rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.judging.domain.projection import blind_files, should_replace
from services.publish.domain.summary import count_by_category, current_phase
from shared.contracts.submissions import (
    AnonymisedEntry,
    MediaKind,
    Phase,
    PhaseKind,
    SubmittedFile,
)


def test_an_older_version_never_replaces_a_newer_one() -> None:
    assert should_replace(None, 1)
    assert should_replace(1, 2)
    assert not should_replace(2, 2)
    assert not should_replace(3, 2)


def test_judging_keeps_no_file_name_only_the_stripped_copys_opaque_key() -> None:
    entry = AnonymisedEntry(
        code="LS26-BC-0001",
        category_id="c",
        category_code="BC",
        category_name="Báo in",
        title="t",
        language="vi",
        synopsis="",
        series_parts=1,
        files=(
            SubmittedFile(
                file_id="f",
                kind=MediaKind.TEXT,
                media_type="application/pdf",
                size_bytes=3,
                sha256="0" * 64,
                object_key="media/e/f",
                text_key="media/e/f.txt",
            ),
        ),
    )
    # The key stays inside judging (it presigns short-lived links with it); jurors get links
    # to judging's own file route, named by the entry code (tests/integration/test_judging_*).
    assert blind_files(entry) == [
        {
            "file_id": "f",
            "kind": "text",
            "media_type": "application/pdf",
            "size_bytes": 3,
            "sha256": "0" * 64,
            "object_key": "media/e/f",
            "text_key": "media/e/f.txt",
        }
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
