"""Scale-out throughput: posts/s with 1, 2 and 4 stream workers into PostgreSQL.

Starts its own throwaway PostgreSQL and Redis on loopback (as the tests do), publishes a simulated
surge once per run, then times `python -m moderation worker --until-idle` processes draining it.
The baseline, in the same run, is a single `python -m moderation ingest` of the same file into
PostgreSQL (no Redis in between).

    .venv/bin/python bench/scale_bench.py --posts 20000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.servers import create_database, postgres_cluster, redis_process  # noqa: E402


def fresh_database(server: str) -> str:
    url = create_database(server, prefix="bench")
    subprocess.run(
        [sys.executable, "-m", "moderation", "migrate"],
        cwd=REPO,
        check=True,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
    )
    return url


def time_workers(n: int, surge: Path, pg: str, redis_url: str) -> float:
    Redis.from_url(redis_url).flushdb()
    env = {**os.environ, "DATABASE_URL": fresh_database(pg), "REDIS_URL": redis_url}
    subprocess.run(
        [sys.executable, "-m", "moderation", "publish", str(surge)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "moderation", "worker", "--consumer", f"b{i}", "--until-idle"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for i in range(n)
    ]
    for p in procs:
        p.wait()
    return time.perf_counter() - started


def time_ingest(surge: Path, pg: str) -> float:
    env = {**os.environ, "DATABASE_URL": fresh_database(pg)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "moderation", "ingest", "--no-progress", str(surge)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_cluster() as pg, redis_process() as rd:
        surge = Path(tmp) / "surge.jsonl"
        with surge.open("w") as out:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "moderation",
                    "simulate",
                    "--posts",
                    str(args.posts),
                    "--seed",
                    "9",
                ],
                cwd=REPO,
                stdout=out,
                check=True,
            )
        rows = {"ingest (1 process, no Redis)": [time_ingest(surge, pg) for _ in range(args.runs)]}
        for n in map(int, args.workers.split(",")):
            rows[f"{n} worker(s)"] = [time_workers(n, surge, pg, rd) for _ in range(args.runs)]
    base = statistics.median(rows["ingest (1 process, no Redis)"])
    print(
        f"{args.posts:,} posts, {os.cpu_count()} cores, median of {args.runs} runs "
        "(wall time includes each process's start-up)"
    )
    print(f"{'setup':32} {'posts/s':>10} {'vs ingest':>10}")
    results = {}
    for name, times in rows.items():
        median = statistics.median(times)
        results[name] = args.posts / median
        print(f"{name:32} {args.posts / median:>10,.0f} {base / median:>9.2f}x")
    print(json.dumps({"posts_per_s": {k: round(v) for k, v in results.items()}}))


if __name__ == "__main__":
    main()
