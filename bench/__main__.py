"""``python -m bench``: run the benchmarks, one JSON line per result on stdout, logs on stderr."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bench.pipeline import ALL_BENCHES, BenchOptions, run_all


def parse_args(argv: list[str] | None = None) -> BenchOptions:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Outbox → JetStream → idempotent consumer, against raw nats-py on the "
        "same nats-server. Prints one JSON line per benchmark on stdout.",
    )
    parser.add_argument("--events", type=int, default=None, help="events per throughput run")
    parser.add_argument("--quick", action="store_true", help="a small, fast run (a smoke test)")
    parser.add_argument("--txn-size", type=int, default=100, help="events per outbox commit")
    parser.add_argument("--rate", type=float, default=200.0, help="latency run: events/second")
    parser.add_argument("--seconds", type=float, default=None, help="latency run: duration")
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="rounds of each measurement, interleaved with the baseline; the best is reported "
        "(default 2, 1 with --quick)",
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated subset of: {', '.join(ALL_BENCHES)}",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a ServiceSettings override for the pipeline, e.g. --set consumer_batch_size=256",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (server logs)")
    args = parser.parse_args(argv)

    events = args.events if args.events is not None else (2_000 if args.quick else 20_000)
    seconds = args.seconds if args.seconds is not None else (1.5 if args.quick else 5.0)
    only = tuple(name.strip() for name in args.only.split(",") if name.strip())
    unknown = set(only) - set(ALL_BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    overrides: dict[str, Any] = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set wants NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value.strip()
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 2)
    if min(events, args.txn_size, repeat) < 1 or args.rate <= 0 or seconds <= 0:
        parser.error("--events, --txn-size, --repeat, --rate and --seconds must be positive")
    return BenchOptions(
        events=events,
        txn_size=args.txn_size,
        rate=args.rate,
        seconds=seconds,
        only=only or ALL_BENCHES,
        overrides=overrides,
        repeat=repeat,
        quick=args.quick,
        keep=args.keep,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    # Only the JSON lines go to the real stdout: anything else that prints (logs, libraries)
    # lands on stderr.
    stdout = sys.stdout
    sys.stdout = sys.stderr

    def emit(line: dict[str, Any]) -> None:
        print(json.dumps(line), file=stdout, flush=True)

    try:
        return asyncio.run(run_all(options, emit))
    finally:
        sys.stdout = stdout


if __name__ == "__main__":
    raise SystemExit(main())
