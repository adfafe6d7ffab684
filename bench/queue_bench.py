"""Review-queue benchmark on PostgreSQL.

1. Claims per second: 8 reviewer threads claim and decide from one queue until it is empty.
2. Review page data: the repository calls the review and queue pages make (queue overview,
   claim next, the claimed item's view), timed on 1,000,000 posts with 50,000 pending, and on a
   10,000-post baseline in the same process.

    python -m bench.queue_bench            # full size
    python -m bench.queue_bench --quick    # smaller, for a smoke run
    python -m bench.queue_bench --url postgresql+psycopg://...   # an existing empty database
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from contextlib import nullcontext
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from db import queue, repository
from db.accounts import Role, create_user
from db.engine import make_engine
from db.migrate import upgrade
from tests.servers import postgres_cluster

REVIEWERS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run each")
    args = parser.parse_args()
    items, posts, pending = (4_000, 100_000, 5_000) if args.quick else (20_000, 1_000_000, 50_000)
    with nullcontext(args.url) if args.url else postgres_cluster() as url:
        engine = make_engine(url, pool_size=REVIEWERS + 2)
        upgrade(engine)
        Session = sessionmaker(engine, expire_on_commit=False)
        with Session.begin() as s:
            for i in range(REVIEWERS):
                create_user(s, f"r{i}", Role.MODERATOR, "x")
        rate, per_item = claims_per_second(Session, items)
        base = page_data_seconds(Session, 10_000, 500, runs=3 if args.quick else 7)
        big = page_data_seconds(Session, posts, pending, runs=3 if args.quick else 7)
    print(f"{'measure':<44} {'value':>12}")
    print(f"{'claims/s, 8 reviewers, ' + format(items, ',') + ' items':<44} {rate:>12,.0f}")
    print(f"{'median claim+decide latency per reviewer (ms)':<44} {per_item * 1000:>12.2f}")
    print(f"{'page data, 10,000 posts / 500 pending (ms)':<44} {base * 1000:>12.1f}")
    label = f"page data, {posts:,} posts / {pending:,} pending (ms)"
    print(f"{label:<44} {big * 1000:>12.1f}")
    print(f"{'ratio large / baseline':<44} {big / base:>12.1f}")


def claims_per_second(Session: sessionmaker[Session], items: int) -> tuple[float, float]:
    """Fill one queue, let 8 reviewers claim+decide until empty; claims/s and median latency."""
    _fill(Session, posts=items, pending=items, queue_name="bench")
    latencies: list[float] = []
    start = threading.Barrier(REVIEWERS + 1)

    def work(reviewer: str) -> None:
        start.wait()
        while True:
            t0 = time.perf_counter()
            with Session.begin() as s:
                claim = queue.claim_next(s, reviewer, "bench")
            if claim is None:
                return
            with Session.begin() as s:
                queue.decide(s, reviewer, claim.item_id, "approve")
            latencies.append(time.perf_counter() - t0)

    threads = [threading.Thread(target=work, args=(f"r{i}",)) for i in range(REVIEWERS)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    assert len(latencies) == items, (len(latencies), items)
    return items / elapsed, statistics.median(latencies)


def page_data_seconds(Session: sessionmaker[Session], posts: int, pending: int, runs: int) -> float:
    """Median time of the review page's reads on a fresh data set of that size."""
    with Session.begin() as s:
        s.execute(text("TRUNCATE posts, verdicts, queue_items, review_events CASCADE"))
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
