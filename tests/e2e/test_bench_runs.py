"""`make bench` keeps working: a quick run prints well-formed JSON lines. (Figures and targets
belong to `make bench` itself, not to the tests.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


def test_a_quick_bench_prints_one_json_line_per_benchmark() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--only",
            "pipeline_throughput_sqlite,pipeline_latency_sqlite",
        ],
        capture_output=True,
        text=True,
        timeout=220,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["bench"] for line in lines] == [
        "pipeline_throughput_sqlite",
        "pipeline_latency_sqlite",
    ]
    for line in lines:
        assert {"bench", "value", "unit", "baseline", "ratio"} <= set(line)
        assert line["value"] > 0 and line["baseline"] > 0
        assert line["ratio"] == pytest.approx(
            line["value"] / line["baseline"]
            if line["unit"] == "events/s"
            else line["baseline"] / line["value"],
            rel=0.01,
        )
