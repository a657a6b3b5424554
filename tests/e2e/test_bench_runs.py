"""`make bench` keeps working: a quick run prints well-formed JSON lines. (Figures and targets
belong to `make bench` itself, not to the tests.)"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def quick_bench(*names: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", ",".join(names)],
        capture_output=True,
        text=True,
        timeout=220,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["bench"] for line in lines] == list(names)
    for line in lines:
        assert {"bench", "value", "unit", "baseline", "ratio"} <= set(line)
        assert line["value"] > 0 and line["baseline"] > 0
        # Latencies: lower is better, so the ratio is baseline / value; rates the other way.
        # (value and baseline are printed rounded; the ratio is from the unrounded figures.)
        assert line["ratio"] == pytest.approx(
            line["baseline"] / line["value"]
            if line["unit"] == "ms"
            else line["value"] / line["baseline"],
            rel=0.02,
        )
    return lines


def test_a_quick_bench_prints_one_json_line_per_benchmark() -> None:
    quick_bench("pipeline_throughput_sqlite", "pipeline_latency_sqlite")


def test_the_judging_benches_compute_results_and_serve_the_juror_page() -> None:
    aggregates, page = quick_bench("judging_aggregates", "juror_assignments_page_2000")
    assert (
        aggregates["score_sheets"] > 0 and page["rows_over_all_pages"] == page["assigned_entries"]
    )


def test_the_upload_benches_run_the_protocol_and_lose_no_receipt() -> None:
    upload, submit = quick_bench("upload_1gib", "submit_500")

    assert upload["unit"] == "MiB/s" and upload["size_mib"] == 64
    assert upload["part_count"] == 8  # 64 MiB in the service's 8 MiB parts
    assert upload["baseline_parallel"] == 3  # fput_object's own default
    assert upload["verify_s"] > 0
    assert upload["service_rss_before_mib"] > 0 and "service_rss_growth_mib" in upload

    # Every contestant got a receipt, each receipt has its event in the outbox and on the bus.
    assert submit["unit"] == "ms" and submit["contestants"] == 50
    assert submit["receipts"] == 50 and submit["lost"] == 0, submit
    assert submit["duplicate_codes"] == 0 and submit["failed_journeys"] == 0, submit["errors"]
    assert submit["outbox_events"] == submit["published_events"] == submit["bus_events"] == 50
    assert submit["p50_ms"] <= submit["p99_ms"] and submit["submit_p99_ms"] < submit["p99_ms"]


def test_the_notify_bench_sends_every_message_once() -> None:
    [line] = quick_bench("notify_email_10000")
    assert line["received"] == line["messages"] == 200
    assert line["duplicates"] == 0


def test_the_publish_benches_load_the_gallery_and_the_ninjs_feed() -> None:
    gallery, ninjs = quick_bench("publish_gallery_500", "publish_ninjs_500")
    for line in (gallery, ninjs):
        assert line["unit"] == "req/s" and line["p99_ms"] > 0 and line["baseline_p99_ms"] > 0
        assert line["requests"] > 0 and line["response_bytes"] > 0
    assert gallery["url"].endswith("/giai-thuong") and ninjs["url"] == "/feeds/ninjs.json"
