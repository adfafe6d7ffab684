"""Backtest over 100,000 stored posts vs scoring the same posts afresh with the draft pack.

    PYTHONPATH=. python bench/backtest_bench.py             # 100,000 posts, 3 runs
    PYTHONPATH=. python bench/backtest_bench.py --posts 20000 --runs 2

Set-up: simulate 10,000 posts, score them once with the live pack (linear.v2 classifier and
near-duplicate clusters, as ingest does), and bulk-insert them with their verdicts into a fresh
SQLite file, repeated under new ids until `--posts` are stored. The draft is the shipped pack
plus one broad new rule. The baseline is the direct way: `moderate_batch` with the draft pack
(classifiers re-run) over the 10,000 unique posts, its rate extrapolated to `--posts`.
Wall-clock seconds, single process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from db.backtest import backtest
from db.engine import make_sessionmaker
from db.migrate import upgrade
from db.models import PostRow, VerdictRow
from db.workbench import folder_files, pack_ruleset
from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.contract import post_from_dict
from moderation.pipeline import moderate_batch
from moderation.simulate import simulate

UNIQUE = 10_000
DRAFT_RULE = """\
rules:
  - id: welcome_review_v1
    description: A too-broad draft that flags every welcome post.
    action: review
    status: draft
    when:
      contains: [welcome, 欢迎]
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.from_env({"CLASSIFIERS": "linear.v2"})
    files = folder_files("rules/policies")
    live = pack_ruleset(files)
    draft = pack_ruleset({**files, "draft.yaml": DRAFT_RULE})
    docs = list(simulate(UNIQUE, seed=7))
    posts = [post_from_dict(d) for d in docs]

    started = time.perf_counter()
    direct = []
    policy = build_policy(settings, draft)
    for i in range(0, len(posts), settings.batch_size):
        direct += moderate_batch(posts[i : i + settings.batch_size], policy=policy)
    direct_s = (time.perf_counter() - started) * args.posts / UNIQUE

    verdicts = []
    policy = build_policy(settings, live)
    for i in range(0, len(posts), settings.batch_size):
        verdicts += moderate_batch(posts[i : i + settings.batch_size], policy=policy)
    with tempfile.TemporaryDirectory() as tmp:
        Session = make_sessionmaker(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(Session.kw["bind"])
        _store(Session, docs, verdicts, args.posts)
        since = datetime.now(UTC) - timedelta(hours=1)
        times = []
        for _ in range(args.runs):
            with Session() as session:
                report = backtest(session, draft, live, since=since)
            times.append(report.seconds)
    median = statistics.median(times)
    print("| method | posts | seconds | posts/s |\n|---|---:|---:|---:|")
    print(
        f"| backtest (stored scores, median of {args.runs}) | {report.posts:,} | {median:.1f} | "
        f"{report.posts / median:,.0f} |"
    )
    print(
        f"| direct scoring with the draft (extrapolated from {UNIQUE:,}) | {args.posts:,} | "
        f"{direct_s:.1f} | {args.posts / direct_s:,.0f} |"
    )
    print(f"\nspeed-up {direct_s / median:.1f}x; runs {', '.join(f'{t:.1f}' for t in times)} s; "
          f"draft rule newly flags {report.rules[0].newly_flagged_count:,} posts")  # fmt: skip


def _store(Session, docs, verdicts, total: int) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    for copy in range((total + UNIQUE - 1) // UNIQUE):
        n = min(UNIQUE, total - copy * UNIQUE)
        posts, rows = [], []
        for doc, v in zip(docs[:n], verdicts[:n], strict=True):
            pid = f"{doc['id']}-{copy}"
            raw = json.dumps({**doc, "id": pid}, ensure_ascii=False)
            posts.append({"id": pid, "author_id": doc["author"]["id"], "text": doc["text"],
                          "lang": v.lang, "created_at": None, "author_created_at": None,
                          "ingested_at": now, "raw": raw})  # fmt: skip
            j = v.to_json()
            rows.append({"post_id": pid, "action": j["action"], "queue": v.queue,
                         "priority": v.priority, "scores": j["scores"], "rules": j["rules"],
                         "reasons": j["reasons"], "matches": j["matches"],
                         "rules_version": v.rules_version, "lang": v.lang,
                         "cluster_id": v.cluster.id if v.cluster else None,
                         "cluster_size": v.cluster.size if v.cluster else None,
                         "created_at": now, "errors": []})  # fmt: skip
        with Session.begin() as session:
            session.execute(insert(PostRow), posts)
            session.execute(insert(VerdictRow), rows)


if __name__ == "__main__":
    main()
