"""End-to-end ingest throughput: simulated surge → parse → moderate → SQLite, beside Detoxify.

    PYTHONPATH=. python bench/ingest_bench.py                      # 100,000 posts, 1,000 rules
    PYTHONPATH=. python bench/ingest_bench.py --posts 1000000 --runs 1
    PYTHONPATH=. python bench/ingest_bench.py --rules 10000 --jobs 1,2
    PYTHONPATH=. python bench/ingest_bench.py --postgres           # PostgreSQL beside SQLite
    PYTHONPATH=. python bench/ingest_bench.py --quick              # CI-sized: 2,000 posts, 1 run

Each run ingests the same JSONL file into a fresh, migrated database exactly as
`python -m moderation ingest --jobs N` does: the live rules pack plus synthetic rules up to
`--rules` (bench/rules_bench.py's generator), linear.v2 (toxicity + spam), near-duplicate
clustering, verdicts and queue items stored one transaction per batch. Wall time covers building
the policy, starting the worker pool and the whole ingest (not the schema migration).
Peak memory is sampled from /proc every 50 ms: the proportional set size (PSS) of the ingesting
process and its workers, summed (RSS that counts pages shared after fork once).
Stage times come from one extra sequential run with the pipeline's own OpenTelemetry spans
summed per stage (CPU-bound stages on one core). The baseline is Detoxify's architecture:
bert-base with random weights (no download), on a sample of the same texts, torch on 2 threads.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bert_baseline import bert_rate  # noqa: E402
from bench.rules_bench import synthetic_rules  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.ingest import ingest_lines  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from moderation.assemble import build_policy  # noqa: E402
from moderation.config import Settings  # noqa: E402
from moderation.parallel import ModerationPool  # noqa: E402
from moderation.simulate import simulate  # noqa: E402
from rules import load_ruleset  # noqa: E402

SHIPPED_PACK = REPO / "rules" / "policies"
STAGES = (
    "moderation.parse",
    "moderation.lang",
    "moderation.classifiers",
    "moderation.cluster",
    "moderation.rules",
    "moderation.decide",
    "db.store",
)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mb: float
    stored: int


def write_surge(path: Path, posts: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in simulate(posts, seed):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_pack(folder: Path, rules: int) -> int:
    """The shipped pack plus synthetic rules up to `rules` in total; returns the total."""
    folder.mkdir(parents=True)
    for source in SHIPPED_PACK.glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    extra = max(0, rules - len(load_ruleset(SHIPPED_PACK).rules))
    if extra:
        pack = {"rules": synthetic_rules(extra, random.Random(rules))}
        (folder / "synthetic.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True), "utf-8")
    return len(load_ruleset(folder).rules)


def settings_for(
    url: str,
    pack: Path,
    classifiers: str = "linear.v2",
    precision: str = "auto",
    scope: str = "band",
) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": url,
            "RULES_DIR": str(pack),
            "MODELS_DIR": str(REPO / "moderation" / "models"),
            "CLASSIFIERS": classifiers,
            "MINILM_PRECISION": precision,
            "MINILM_SCOPE": scope,
        }
    )


def ingest_once(settings: Settings, surge: Path, jobs: int) -> Run:
    """One ingest into a fresh database, as the CLI runs it; wall time and summed peak RSS."""
    upgrade(make_engine(settings.database_url))
    Session = make_sessionmaker(settings.database_url)
    with rss_sampler() as peak:
        started = time.perf_counter()
        policy = build_policy(settings)
        pool = ModerationPool(policy, jobs) if jobs > 1 else None
        with pool or nullcontext() as workers, surge.open("rb") as lines:
            summary = ingest_lines(
                Session,
                lines,
                source="bench",
                policy=policy,
                batch_size=settings.batch_size,
                pool=workers,
            )
        seconds = time.perf_counter() - started
    Session.kw["bind"].dispose()
    if summary.stored != summary.read:  # every simulated post is valid and new: all stored
        raise RuntimeError(f"stored {summary.stored} of {summary.read} posts")
    return Run(seconds, peak[0] / 2**20, summary.stored)


@contextmanager
def rss_sampler(every_s: float = 0.05) -> Iterator[list[float]]:
    """Peak of (this process + all its descendants) resident memory, in bytes, sampled."""
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every_s):
            peak[0] = max(peak[0], tree_rss(os.getpid()))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()
        peak[0] = max(peak[0], tree_rss(os.getpid()))


def tree_rss(root: int) -> float:
    """Proportional set size (bytes) of `root` and its descendants: forked workers share pages
    with their parent copy-on-write, and summing plain RSS would count those pages twice."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:  # the process ended while we looked
                continue
            children[ppid].append(int(entry.name))
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += _pss(pid)
        todo.extend(children.get(pid, []))
    return total


def _pss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024.0
    except OSError:
        pass
    return 0.0


def stage_times(settings: Settings, surge: Path, posts: int) -> dict[str, float]:
    """Microseconds per post per stage, from the pipeline's spans, over one sequential ingest."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider

    totals: dict[str, float] = defaultdict(float)

    class Summing(SpanProcessor):
        def on_end(self, span) -> None:  # type: ignore[no-untyped-def]
            totals[span.name] += (span.end_time - span.start_time) / 1e3

    provider = TracerProvider()
    provider.add_span_processor(Summing())
    trace.set_tracer_provider(provider)
    ingest_once(settings, surge, jobs=1)
    return {name: totals[name] / posts for name in STAGES}


def sqlite_run(tmp: Path, surge: Path, jobs: int, options: dict[str, str] | None = None) -> Run:
    """One ingest into a fresh SQLite file; `options`: settings_for's classifiers, precision,
    scope."""
    db = tmp / "run.db"
    try:
        settings = settings_for(f"sqlite:///{db}", tmp / "pack", **(options or {}))
        return ingest_once(settings, surge, jobs)
    finally:
        for leftover in tmp.glob("run.db*"):
            leftover.unlink()


def postgres_run(pack: Path, surge: Path, jobs: int, runs: int) -> float:
    """Median posts/s into a throwaway PostgreSQL cluster (tests/servers.py)."""

    from tests.servers import create_database, postgres_cluster

    rates = []
    with postgres_cluster() as server:
        for _ in range(runs):
            url = create_database(server, prefix="bench")
            run = ingest_once(settings_for(url, pack), surge, jobs)
            rates.append(run.stored / run.seconds)
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}", help="e.g. 1,2")
    parser.add_argument("--bert-sample", type=int, default=64)
    parser.add_argument("--postgres", action="store_true", help="also ingest into PostgreSQL")
    parser.add_argument(
        "--throughput-only",
        action="store_true",
        help="skip the stage breakdown and the bert-base baseline (for the scaling figures)",
    )
    parser.add_argument("--quick", action="store_true", help="CI-sized: 2,000 posts, 1 run")
    parser.add_argument(
        "--classifiers",
        default="linear.v2",
        help="CLASSIFIERS for the SQLite runs, e.g. linear.v2,minilm.v1 (the opt-in cascade)",
    )
    parser.add_argument(
        "--minilm-precision", default="auto", help="MINILM_PRECISION: auto, fp32 or bf16"
    )
    parser.add_argument("--minilm-scope", default="band", help="MINILM_SCOPE: band or every")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.runs, args.bert_sample, args.jobs = 2_000, 1, 8, "1,2"
    jobs_list = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        surge = tmp / "surge.jsonl"
        write_surge(surge, args.posts, seed=9)
        rules = write_pack(tmp / "pack", args.rules)
        results: dict[int, list[Run]] = {}
        slow_settings = {
            "classifiers": args.classifiers,
            "precision": args.minilm_precision,
            "scope": args.minilm_scope,
        }
        for jobs in jobs_list:
            results[jobs] = [sqlite_run(tmp, surge, jobs, slow_settings) for _ in range(args.runs)]
        pg = {}
        if args.postgres:
            pg = {j: postgres_run(tmp / "pack", surge, j, args.runs) for j in jobs_list}
        stages, bert = {}, float("nan")
        if not args.throughput_only:
            stages = stage_times(
                settings_for(f"sqlite:///{tmp}/stages.db", tmp / "pack"), surge, args.posts
            )
            with surge.open(encoding="utf-8") as lines:
                texts = [json.loads(line)["text"] for line in islice(lines, args.bert_sample)]
            bert = bert_rate(texts, threads=2)
    classifiers = args.classifiers
    if "minilm" in classifiers:
        classifiers += f" (MINILM_PRECISION={args.minilm_precision}, SCOPE={args.minilm_scope})"
    report(args.posts, rules, results, pg, stages, bert, classifiers)
    return 0


def report(
    posts: int,
    rules: int,
    results: dict[int, list[Run]],
    pg: dict[int, float],
    stages: dict[str, float],
    bert: float,
    classifiers: str = "linear.v2",
) -> None:
    runs = len(next(iter(results.values())))
    print(
        f"{posts:,} posts, {rules:,} rules, {classifiers} + near-dup, median of {runs} run(s), "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"{'setup':28} {'posts/s':>9} {'peak PSS MB':>12} {'vs bert-base':>13}")
    for jobs, done in results.items():
        rate = statistics.median(r.stored / r.seconds for r in done)
        rss = max(r.peak_rss_mb for r in done)
        print(f"{f'SQLite, --jobs {jobs}':28} {rate:>9,.0f} {rss:>12,.0f} {_times(rate, bert)}")
    for jobs, rate in pg.items():
        print(f"{f'PostgreSQL, --jobs {jobs}':28} {rate:>9,.0f} {'':>12} {_times(rate, bert)}")
    if bert == bert:  # not measured (NaN) with --throughput-only
        print(f"{'bert-base (Detoxify), 2 thr':28} {bert:>9,.1f}")
    if not stages:
        return
    print(f"{'stage (one core)':28} {'µs/post':>9}")
    for name, us in stages.items():
        print(f"{name:28} {us:>9,.1f}")


def _times(rate: float, bert: float) -> str:
    return f"{rate / bert:>12,.0f}x" if bert == bert else f"{'':>13}"


if __name__ == "__main__":
    sys.exit(main())
