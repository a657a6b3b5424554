"""``python -m bench``: run the benchmarks, one JSON line per result on stdout, logs on stderr."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from bench import judging, juror_page, notify_email, pipeline, publish_gallery, uploads
from bench.pipeline import BenchOptions, Emit
from bench.uploads import UploadOptions

JUDGING_BENCHES = (
    judging.AGGREGATES,
    juror_page.JUROR_PAGE,
    notify_email.NOTIFY_EMAIL,
    *publish_gallery.PUBLISH_BENCHES,
)
ALL_BENCHES = pipeline.ALL_BENCHES + uploads.ALL_BENCHES + JUDGING_BENCHES
MiB = 1 << 20


def parse_args(
    argv: list[str] | None = None,
) -> tuple[BenchOptions, UploadOptions, tuple[str, ...]]:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Outbox → JetStream → idempotent consumer, against raw nats-py on the "
        "same nats-server; contestant uploads against the submissions service. Prints one "
        "JSON line per benchmark on stdout.",
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
    parser.add_argument(
        "--upload-mib",
        type=int,
        default=None,
        help=f"{uploads.UPLOAD_1GIB}: file size in MiB (default 1024, 64 with --quick)",
    )
    parser.add_argument(
        "--contestants",
        type=int,
        default=None,
        help=f"{uploads.SUBMIT_500}: contestants (default 500, 50 with --quick)",
    )
    parser.add_argument(
        "--spread",
        type=float,
        default=None,
        help=f"{uploads.SUBMIT_500}: seconds over which the contestants start "
        "(default 60, 6 with --quick)",
    )
    parser.add_argument(
        "--poll-ms",
        type=float,
        default=uploads.BROWSER_POLL_SECONDS * 1000,
        help=f"{uploads.SUBMIT_500}: how often a contestant looks for the verdict "
        "(default 1500, as upload.js)",
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
    upload_mib = args.upload_mib if args.upload_mib is not None else (64 if args.quick else 1024)
    contestants = args.contestants if args.contestants is not None else (50 if args.quick else 500)
    spread = args.spread if args.spread is not None else (6.0 if args.quick else 60.0)
    if min(upload_mib, contestants) < 1 or spread <= 0 or args.poll_ms <= 0:
        parser.error("--upload-mib, --contestants, --spread and --poll-ms must be positive")
    only = only or ALL_BENCHES
    bench_options = BenchOptions(
        events=events,
        txn_size=args.txn_size,
        rate=args.rate,
        seconds=seconds,
        only=tuple(name for name in only if name in pipeline.ALL_BENCHES),
        overrides=overrides,
        repeat=repeat,
        quick=args.quick,
        keep=args.keep,
    )
    upload_options = UploadOptions(
        only=tuple(name for name in only if name in uploads.ALL_BENCHES),
        upload_bytes=upload_mib * MiB,
        contestants=contestants,
        spread_seconds=spread,
        repeat=repeat,
        poll_seconds=args.poll_ms / 1000,
        keep=args.keep,
    )
    return bench_options, upload_options, tuple(n for n in only if n in JUDGING_BENCHES)


def run_judging(only: tuple[str, ...], quick: bool, emit: Emit) -> None:
    """Judging's figures: every aggregate and ranking, and the juror's assignments page."""
    if judging.AGGREGATES in only:
        emit(judging.aggregates_bench(quick))
    if juror_page.JUROR_PAGE in only:
        emit(juror_page.juror_page_bench(quick))
    if notify_email.NOTIFY_EMAIL in only:
        emit(notify_email.notify_email_bench(quick))
    publish = tuple(name for name in publish_gallery.PUBLISH_BENCHES if name in only)
    if publish:
        for line in publish_gallery.publish_gallery_bench(quick, publish):
            emit(line)


async def run_all(options: BenchOptions, upload_options: UploadOptions, emit: Emit) -> int:
    """The pipeline benches first (their own servers), then the upload benches (theirs)."""
    status = 0
    if options.only:
        status |= await pipeline.run_all(options, emit)
    if upload_options.only:
        status |= await uploads.run_all(upload_options, emit)
    return status


def main(argv: list[str] | None = None) -> int:
    options, upload_options, judging_only = parse_args(argv)

    # Only the JSON lines go to the real stdout: anything else that prints (logs, libraries)
    # lands on stderr.
    stdout = sys.stdout
    sys.stdout = sys.stderr

    def emit(line: dict[str, Any]) -> None:
        print(json.dumps(line), file=stdout, flush=True)

    try:
        status = asyncio.run(run_all(options, upload_options, emit))
        run_judging(judging_only, options.quick, emit)
        return status
    finally:
        sys.stdout = stdout


if __name__ == "__main__":
    raise SystemExit(main())
