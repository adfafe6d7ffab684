"""Ingest throughput with telemetry off vs on, in one process (goal: on costs ≤ 5%).

    PYTHONPATH=. .venv/bin/python bench/telemetry_bench.py [--posts 20000] [--runs 5]

"Off": no SDK installed, the library's OpenTelemetry calls are no-op proxies. "On": the SDK is
installed as `ingest --metrics-port` does (Prometheus reader and scrape endpoint) plus an
in-memory span exporter behind a synchronous processor. OpenTelemetry allows one SDK per process,
so each run is a child process, and off/on runs alternate so that machine noise hits both alike.
Each run warms up, then ingests into a fresh SQLite file. A last row prices the no-op calls of
one batch against a batch.
Throughput is posts per CPU-second of the ingesting process (see ingest_once).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry

from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from moderation import classifiers, simulate, telemetry
from moderation.assemble import KEYWORD_THRESHOLDS
from moderation.observability import configure
from moderation.pipeline import Policy


def ingest_once(lines: list[bytes], policy: Policy, folder: Path, name: str) -> float:
    url = f"sqlite:///{folder / name}.db"
    upgrade(make_engine(url))
    Session = make_sessionmaker(url)
    # CPU time, not wall time: ingest is CPU-bound, and on a shared machine the wall clock
    # mostly measures the other tenants.
    started = time.process_time()
    summary = ingest_lines(Session, lines, source="bench", policy=policy)
    return summary.read / (time.process_time() - started)


def noop_calls_per_batch_s(repeats: int = 20_000) -> float:
    """Seconds spent in the span and instrument calls one batch makes, with no SDK."""
    started = time.perf_counter()
    for _ in range(repeats):
        with telemetry.tracer.start_as_current_span(telemetry.SPAN_INGEST_BATCH):
            for _stage in range(8):
                with telemetry.tracer.start_as_current_span(telemetry.SPAN_RULES):
                    pass
            for _instrument in range(8):
                telemetry.posts_counter.add(1, {"outcome": "stored"})
    return (time.perf_counter() - started) / repeats


def child(mode: str, posts: int) -> float:
    """One measured ingest in this process; returns posts per second."""
    lines = [json.dumps(p, ensure_ascii=False).encode() for p in simulate.simulate(posts, 1)]
    policy = Policy(classifiers=[classifiers.create("keywords.v1")], thresholds=KEYWORD_THRESHOLDS)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        handle = None
        if mode == "on":
            handle = configure(
                {},
                service="bench",
                metrics_port=0,
                span_exporters=[InMemorySpanExporter()],
                registry=CollectorRegistry(),
            )
        ingest_once(lines[:2000], policy, folder, "warmup")
        rate = ingest_once(lines, policy, folder, "measured")
        if handle:
            handle.shutdown()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["off", "on"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(child(args.child, args.posts))
        return
    rates: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(args.runs):
        for mode in ("off", "on"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--posts", str(args.posts)],
                check=True,
                capture_output=True,
                text=True,
            )
            rates[mode].append(float(out.stdout.split()[-1]))
    off_median, on_median = statistics.median(rates["off"]), statistics.median(rates["on"])
    noop_s = noop_calls_per_batch_s()
    batch_s = 512 / off_median
    print(f"ingest of {args.posts} simulated posts, median of {args.runs} runs each, keywords.v1")
    print(f"{'mode':<28}{'posts/CPU-s':>12}{'ratio':>10}")
    print(f"{'telemetry off (no SDK)':<28}{off_median:>12,.0f}{1.0:>10.3f}")
    print(f"{'telemetry on (SDK)':<28}{on_median:>12,.0f}{on_median / off_median:>10.3f}")
    print(f"overhead on vs off: {(1 - on_median / off_median):.1%} (goal ≤ 5%)")
    print(
        f"no-op calls per 512-post batch: {noop_s * 1e6:.1f} µs"
        f" = {noop_s / batch_s:.3%} of a batch ({batch_s * 1e3:.1f} ms)"
    )


if __name__ == "__main__":
    main()
