"""Review-queue benchmark on PostgreSQL.

1. Claims per second: reviewers claim an item and decide it at once, until the queue is empty;
   a claim counts when its decision is recorded. Each reviewer is a separate process with its own
   engine (as separate dashboard servers are), 8 of them against a 1-reviewer baseline measured
   in the same run; 8 threads in one process are measured too, for comparison with the GIL.
   Two flows: "claim, then decide" (two transactions per item, as the review page without
   submit-and-next) and "submit-and-next" (`queue.decide_and_claim_next`: the decision and the
   next claim in one transaction, as the review page with its default toggle on).
   Claim latency (the claim's transaction, begin to commit) is reported as p50 and p99.
2. Review page data: the repository calls the review and queue pages make (queue overview,
   claim next, the claimed item's view), timed on 1,000,000 posts with 50,000 pending, and on a
   10,000-post baseline in the same process.

Every figure is the median of several runs. PostgreSQL runs on the same machine as the
reviewers, so they share its cores.

    python -m bench.queue_bench            # full size
    python -m bench.queue_bench --quick    # smaller, for a smoke run
    python -m bench.queue_bench --url postgresql+psycopg://...   # an existing empty database
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import make_url, text
from sqlalchemy.orm import Session, sessionmaker

from db import queue, repository
from db.accounts import Role, create_user
from db.engine import make_engine
from db.migrate import upgrade
from db.queue import ClaimLost
from tests.servers import postgres_cluster

REVIEWERS = 8
QUEUE = "bench"
THEN, NEXT = "claim, then decide", "submit-and-next"  # the two reviewer flows


@dataclass(frozen=True)
class Tally:
    """One reviewer's share of a run."""

    claims: int
    latencies: list[float]  # seconds per claim transaction
    started: float  # time.perf_counter(): CLOCK_MONOTONIC, comparable across processes
    finished: float
    cpu: float  # this reviewer's own CPU seconds (time.thread_time) in the claim loop


@dataclass(frozen=True)
class ClaimRate:
    per_second: float
    p50_ms: float
    p99_ms: float
    client_cpu_ms: float  # per claim+decide, all reviewers
    server_cpu_ms: float | None  # per claim+decide, every process of the PostgreSQL cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    args = parser.parse_args()
    items, posts, pending = (2_000, 100_000, 5_000) if args.quick else (8_000, 1_000_000, 50_000)
    runs = 3 if args.quick else 5
    load_before = _load()
    with nullcontext(args.url) if args.url else postgres_cluster() as url:
        engine = make_engine(url, pool_size=REVIEWERS + 2)
        upgrade(engine)
        Session = sessionmaker(engine, expire_on_commit=False)
        with Session.begin() as s:
            for i in range(REVIEWERS):
                create_user(s, f"r{i}", Role.MODERATOR, "x")
        one = median_rate(Session, url, items // 4, 1, "processes", runs)
        procs = median_rate(Session, url, items, REVIEWERS, "processes", runs)
        threads = median_rate(Session, url, items, REVIEWERS, "threads", runs)
        one_next = median_rate(Session, url, items // 4, 1, "processes", runs, NEXT)
        procs_next = median_rate(Session, url, items, REVIEWERS, "processes", runs, NEXT)
        base = page_data_seconds(Session, 10_000, 500, runs=runs)
        big = page_data_seconds(Session, posts, pending, runs=runs)
    rows = [
        (f"claims/s, 1 reviewer process, {items // 4:,} items", f"{one.per_second:,.0f}"),
        (f"claims/s, 8 reviewer processes, {items:,} items", f"{procs.per_second:,.0f}"),
        ("  ratio 8 processes / 1", f"{procs.per_second / one.per_second:.1f}"),
        (f"claims/s, 8 reviewer threads, {items:,} items", f"{threads.per_second:,.0f}"),
        (f"claims/s, submit-and-next, 1 process, {items // 4:,}", f"{one_next.per_second:,.0f}"),
        (f"claims/s, submit-and-next, 8 processes, {items:,}", f"{procs_next.per_second:,.0f}"),
        ("  ratio submit-and-next / claim, then decide (8)", _ratio(procs_next, procs)),
        ("CPU ms per claim+decide, 1 process: client + server", _cpu(one)),
        ("CPU ms per claim+decide, 8 processes: client + server", _cpu(procs)),
        ("CPU ms per claim+decide, 8 threads: client + server", _cpu(threads)),
        ("CPU ms per item, submit-and-next, 8 processes", _cpu(procs_next)),
        ("claim latency p50 / p99, 1 process (ms)", f"{one.p50_ms:.2f} / {one.p99_ms:.2f}"),
        ("claim latency p50 / p99, 8 processes (ms)", f"{procs.p50_ms:.2f} / {procs.p99_ms:.2f}"),
        ("submit-and-next latency p50 / p99, 8 (ms)", _latency(procs_next)),
        ("page data, 10,000 posts / 500 pending (ms)", f"{base * 1000:.1f}"),
        (f"page data, {posts:,} posts / {pending:,} pending (ms)", f"{big * 1000:.1f}"),
        ("  ratio large / baseline", f"{big / base:.1f}"),
    ]
    print(f"load average before / after: {load_before} / {_load()}")
    print(f"{'measure (median of ' + str(runs) + ' runs)':<56} {'value':>15}")
    for name, value in rows:
        print(f"{name:<56} {value:>15}")


def _load() -> str:
    """The 1-minute load average: the machine is shared, so every figure is read against it."""
    return f"{os.getloadavg()[0]:.2f}"


def _ratio(a: ClaimRate, b: ClaimRate) -> str:
    return f"{a.per_second / b.per_second:.2f}"


def _latency(rate: ClaimRate) -> str:
    return f"{rate.p50_ms:.2f} / {rate.p99_ms:.2f}"


def _cpu(rate: ClaimRate) -> str:
    server = "n/a" if rate.server_cpu_ms is None else f"{rate.server_cpu_ms:.2f}"
    return f"{rate.client_cpu_ms:.2f} + {server}"


def median_rate(
    Session: sessionmaker[Session],
    url: str,
    items: int,
    reviewers: int,
    mode: str,
    runs: int,
    flow: str = THEN,
) -> ClaimRate:
    """The run with the median claims/s, each on a freshly filled queue."""
    results = []
    for _ in range(runs):
        _reset(Session)
        _fill(Session, posts=items, pending=items, queue_name=QUEUE)
        # Server CPU is read from /proc, so only for a server on this host.
        local = make_url(url).host in (None, "127.0.0.1", "localhost", "::1")
        server_before = _server_cpu_seconds(Session) if local else None
        tallies = _run_reviewers(url, Session, reviewers, mode, flow)
        server_after = _server_cpu_seconds(Session) if local else None
        assert sum(t.claims for t in tallies) == items, (tallies, items)
        elapsed = max(t.finished for t in tallies) - min(t.started for t in tallies)
        latencies = sorted(x for t in tallies for x in t.latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        server = None
        if server_before is not None and server_after is not None:
            server = (server_after - server_before) / items * 1e3
        client = sum(t.cpu for t in tallies) / items * 1e3
        p50 = statistics.median(latencies)
        results.append(ClaimRate(items / elapsed, p50 * 1e3, p99 * 1e3, client, server))
    return sorted(results, key=lambda r: r.per_second)[len(results) // 2]


def _run_reviewers(
    url: str, Session: sessionmaker[Session], reviewers: int, mode: str, flow: str
) -> list[Tally]:
    names = [f"r{i}" for i in range(reviewers)]
    if mode == "processes":
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, as a real server is
        start, results = ctx.Barrier(reviewers), ctx.SimpleQueue()
        procs = [
            ctx.Process(target=_review_in_process, args=(url, n, start, results, flow))
            for n in names
        ]
        for p in procs:
            p.start()
        tallies = [results.get() for _ in procs]
        for p in procs:
            p.join()
        return tallies
    start_t = threading.Barrier(reviewers)
    shares: list[Tally] = []
    threads = [
        threading.Thread(target=lambda n=n: shares.append(review(Session, n, start_t.wait, flow)))
        for n in names
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return shares


def _review_in_process(url: str, reviewer: str, start: Any, results: Any, flow: str) -> None:
    engine = make_engine(url, pool_size=1)
    try:
        Session = sessionmaker(engine, expire_on_commit=False)
        results.put(review(Session, reviewer, start.wait, flow))
    finally:
        engine.dispose()


def review(
    Session: sessionmaker[Session], reviewer: str, ready: Callable[[], Any], flow: str = THEN
) -> Tally:
    """Claim and approve until the queue is empty, after a warm-up that claims nothing."""
    with Session.begin() as s:
        assert queue.claim_next(s, reviewer, "warm-up") is None  # compiles the claim
    try:
        with Session.begin() as s:
            queue.decide(s, reviewer, -1, "approve")  # compiles the decision
    except ClaimLost:
        pass
    ready()
    step = _submit_and_next if flow == NEXT else _claim_then_decide
    latencies: list[float] = []
    started, cpu = time.perf_counter(), time.thread_time()
    claim = None
    while True:
        claim, latency = step(Session, reviewer, claim)
        if latency is not None:  # an item was decided
            latencies.append(latency)
        if claim is None:
            break
    cpu = time.thread_time() - cpu
    return Tally(len(latencies), latencies, started, time.perf_counter(), cpu)


def _claim_then_decide(
    Session: sessionmaker[Session], reviewer: str, _held: queue.Claim | None
) -> tuple[queue.Claim | None, float | None]:
    """Claim, then approve, in two transactions; the latency is the claim's transaction.

    Returns the claim (None: the queue is empty) and the latency if an item was decided.
    """
    t0 = time.perf_counter()
    with Session.begin() as s:
        claim = queue.claim_next(s, reviewer, QUEUE)
    latency = time.perf_counter() - t0
    if claim is None:
        return None, None
    with Session.begin() as s:
        queue.decide(s, reviewer, claim.item_id, "approve")
    return claim, latency


def _submit_and_next(
    Session: sessionmaker[Session], reviewer: str, held: queue.Claim | None
) -> tuple[queue.Claim | None, float | None]:
    """Approve the held item and claim the next in one transaction (timed as the latency);
    the first step has nothing to approve and only claims."""
    t0 = time.perf_counter()
    with Session.begin() as s:
        if held is None:
            return queue.claim_next(s, reviewer, QUEUE), None
        _, claim = queue.decide_and_claim_next(s, reviewer, held.item_id, "approve", queue=QUEUE)
    return claim, time.perf_counter() - t0


def _server_cpu_seconds(Session: sessionmaker[Session]) -> float | None:
    """CPU seconds used so far by the cluster's processes; None unless it runs on this host."""
    with Session() as s:
        backend = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    try:
        postmaster = int(_proc_stat(backend)[1])
        children = [
            int(pid)
            for pid in os.listdir("/proc")
            if pid.isdigit() and _proc_stat(int(pid), missing_ok=True)[1:2] == [str(postmaster)]
        ]
        # Live backends' own time, plus the postmaster's time and its reaped children's (the
        # backends of reviewer processes that have already exited).
        ticks = sum(sum(map(int, _proc_stat(pid, missing_ok=True)[11:13])) for pid in children)
        ticks += sum(map(int, _proc_stat(postmaster)[11:15]))
    except OSError:
        return None  # not Linux, or the server is elsewhere
    return ticks / os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int, *, missing_ok: bool = False) -> list[str]:
    """Fields of /proc/PID/stat after the command name: [state, ppid, ...]; utime is [11]."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        if missing_ok:
            return []
        raise


def _reset(Session: sessionmaker[Session]) -> None:
    # TRUNCATE fires no row triggers, so the append-only guard on review_events allows it.
    with Session.begin() as s:
        s.execute(text("TRUNCATE posts, verdicts, queue_items, review_events CASCADE"))


def page_data_seconds(Session: sessionmaker[Session], posts: int, pending: int, runs: int) -> float:
    """Median time of the review page's reads on a fresh data set of that size."""
    _reset(Session)
    _fill(Session, posts=posts, pending=pending, queue_name="spam")
    timings = []
    for i in range(runs):
        t0 = time.perf_counter()
        with Session.begin() as s:
            repository.queue_overview(s)
            claim = queue.claim_next(s, f"r{i % REVIEWERS}", "spam")
            assert claim is not None
            repository.claim_view(s, claim.item_id)
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings)


def _fill(Session: sessionmaker[Session], *, posts: int, pending: int, queue_name: str) -> None:
    """Bulk-build posts, verdicts and queue items in SQL: every 5th post flagged, the last
    `pending` flagged ones open and the rest closed (with their events)."""
    now = datetime.now(UTC)
    flagged = posts // 5 if posts // 5 >= pending else posts
    params = {"n": posts, "now": now, "q": queue_name, "flagged": flagged, "open": pending}
    step = posts // flagged
    statements = [
        """INSERT INTO posts (id, author_id, text, lang, created_at, author_created_at,
               ingested_at, raw)
           SELECT :q || g, 'u' || (g % 50000), 'buy followers now ' || g, 'en',
                  :now - g * interval '1 second', :now - interval '30 days', :now, '{}'
           FROM generate_series(1, :n) g""",
        f"""INSERT INTO verdicts (post_id, action, queue, priority, scores, rules, reasons,
               matches, rules_version, lang, cluster_id, cluster_size, created_at)
           SELECT :q || g, CASE WHEN g % {step} = 0 THEN 'review' ELSE 'allow' END, :q, 0,
                  '{{"spam": 0.9}}', '["spam_v1"]', '["spam score 0.90"]',
                  '[{{"rule": "spam_v1", "spans": [[0, 3]], "shadow": false}}]', 'bench', 'en',
                  'c' || (g % 1000), 20, :now
           FROM generate_series(1, :n) g""",
        f"""INSERT INTO queue_items (post_id, queue, priority, cluster_id, status, created_at)
           SELECT :q || g, :q, 0, 'c' || (g % 1000),
                  CASE WHEN g / {step} > :flagged - :open THEN 'open' ELSE 'closed' END,
                  :now - g * interval '1 second'
           FROM generate_series({step}, :n, {step}) g""",
        """INSERT INTO review_events (item_id, post_id, queue, actor, action, note, rules_version,
               rules, scores, created_at)
           SELECT id, post_id, queue, 'r0', 'approve', '', 'bench', ',spam_v1,', '{}', :now
           FROM queue_items WHERE status = 'closed' AND queue = :q""",
        "ANALYZE",
    ]
    with Session.begin() as s:
        for sql in statements:
            s.execute(text(sql), params)


if __name__ == "__main__":
    main()
