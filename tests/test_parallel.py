"""The process pool makes exactly the verdicts one process makes, in order, and ingest with it
keeps its guarantees (idempotence, dead letters, one stored verdict per post)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from db.models import DeadLetterRow, PostRow, QueueItemRow, VerdictRow
from moderation import classifiers, telemetry
from moderation.assemble import KEYWORD_THRESHOLDS, build_policy
from moderation.cascade import Cascade, has_han
from moderation.config import Settings
from moderation.parallel import ModerationPool
from moderation.pipeline import Policy, moderate_batch
from moderation.reader import read_batches
from tests.test_ingest import MALFORMED, count


@pytest.fixture(scope="module")
def pool(settings: Settings) -> Iterator[ModerationPool]:
    with ModerationPool(build_policy(settings), jobs=2) as running:
        yield running


def test_the_pool_makes_the_same_verdicts_and_clusters_as_one_process(
    settings: Settings, surge_lines: list[bytes]
) -> None:
    batches = list(read_batches(surge_lines, 200))
    alone = build_policy(settings)
    expected = [v for b in batches for v in moderate_batch(b.posts, policy=alone)]
    with ModerationPool(build_policy(settings), jobs=2, depth=3) as pool:
        pairs = list(pool.moderate(batches))
    assert [b for b, _ in pairs] == batches
    got = [v for _, verdicts in pairs for v in verdicts]
    assert got == expected
    assert max(v.cluster.size for v in got if v.cluster) > 1  # the surge has near-dup waves


def stored(Session: sessionmaker[Session]) -> list[tuple[object, ...]]:
    with Session() as session:
        verdicts = session.execute(
            select(
                VerdictRow.post_id,
                VerdictRow.action,
                VerdictRow.queue,
                VerdictRow.scores,
                VerdictRow.rules,
                VerdictRow.reasons,
                VerdictRow.matches,
                VerdictRow.cluster_id,
                VerdictRow.cluster_size,
                VerdictRow.errors,
            ).order_by(VerdictRow.id)
        ).all()
        items = session.execute(
            select(QueueItemRow.post_id, QueueItemRow.queue).order_by(QueueItemRow.id)
        ).all()
    return [tuple(r) for r in verdicts] + [tuple(r) for r in items]


@pytest.fixture
def other_session(tmp_path: Path) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path}/sequential.db"
    upgrade(make_engine(url))
    return make_sessionmaker(url)


def test_ingest_with_the_pool_stores_what_ingest_without_it_stores(
    Session: sessionmaker[Session],
    other_session: sessionmaker[Session],
    settings: Settings,
    surge_lines: list[bytes],
) -> None:
    lines = surge_lines[:1500]
    sequential = build_policy(settings)
    parallel = build_policy(settings)
    ingest_lines(other_session, lines, source="s", policy=sequential, batch_size=128)
    pooled = ModerationPool(parallel, jobs=2)
    with pooled:
        ingest_lines(Session, lines, source="s", policy=parallel, batch_size=128, pool=pooled)
    assert stored(Session) == stored(other_session)


def test_ingest_with_the_pool_is_idempotent_and_keeps_dead_letters(
    Session: sessionmaker[Session],
    settings: Settings,
    pool: ModerationPool,
    surge_lines: list[bytes],
) -> None:
    policy = build_policy(settings)
    lines = surge_lines[:300] + MALFORMED[:3] + surge_lines[300:600]
    first = ingest_lines(Session, lines, source="f", policy=policy, batch_size=100, pool=pool)
    second = ingest_lines(Session, lines, source="f", policy=policy, batch_size=70, pool=pool)
    assert (first.stored, first.duplicates, first.dead_letters) == (600, 0, 3)
    assert (second.stored, second.duplicates) == (0, 600)
    assert count(Session, PostRow) == count(Session, VerdictRow) == 600
    assert count(Session, DeadLetterRow) == 6


class SlowStage:
    """A slow backend with lazy weights: records where they were loaded."""

    name, labels = "slow.v1", ("toxicity",)

    def __init__(self) -> None:
        self.loaded_in: int | None = None

    def warm(self) -> None:
        self.loaded_in = os.getpid()

    def predict_proba(self, texts):
        assert self.loaded_in is not None, "weights not loaded before the fork"
        return [{"toxicity": 0.5} for _ in texts]


def test_the_pool_loads_slow_stages_before_it_forks_so_workers_share_them() -> None:
    slow = SlowStage()
    cascade = Cascade(fast=[classifiers.create("keywords.v1")], slow=slow, band=(0.0, 1.01))
    policy = Policy(classifiers=[cascade], thresholds=KEYWORD_THRESHOLDS)
    with ModerationPool(policy, jobs=2) as running:
        assert slow.loaded_in == os.getpid()  # in this process, before the workers
        batch = read_batches([b'{"id": "1", "text": "hello", "author": {"id": "a"}}'], 10)
        ((_, verdicts),) = list(running.moderate(batch))
    assert verdicts[0].scores["toxicity"] == 0.5  # the workers used the loaded stage


class Instrument:
    """Stands in for one of this process's instruments: a histogram or a counter."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, dict[str, str]]] = []

    def record(self, value: float, attributes: dict[str, str]) -> None:
        self.calls.append((value, attributes))

    add = record


def test_classifier_and_cascade_records_made_in_workers_are_recorded_in_this_process(
    monkeypatch: pytest.MonkeyPatch, surge_lines: list[bytes]
) -> None:
    """Workers fork before telemetry starts, so their meter is a no-op: they hand records back."""
    latency, routed = Instrument(), Instrument()
    monkeypatch.setattr(telemetry, "classifier_duration", latency)
    monkeypatch.setattr(telemetry, "cascade_posts", routed)
    fast = classifiers.create("keywords.v1")
    cascade = Cascade(fast=[fast], slow=SlowStage(), band=(0.6, 1.01))  # a lexicon hit or more
    policy = Policy(classifiers=[cascade], thresholds=KEYWORD_THRESHOLDS)
    batches = list(read_batches(surge_lines[:600], 200))
    with ModerationPool(policy, jobs=2) as running:
        list(running.moderate(batches))
    assert [a["classifier"] for _, a in latency.calls] == ["keywords.v1+slow.v1"] * len(batches)
    sent = sum(n for n, a in routed.calls if a == {"stage": "slow.v1", "routed": "sent"})
    kept = sum(n for n, a in routed.calls if a == {"stage": "slow.v1", "routed": "kept"})
    texts = [p.text for b in batches for p in b.posts if not has_han(p.text)]  # Han: never sent
    hits = sum(row["toxicity"] >= 0.6 for row in fast.predict_proba(texts))
    assert (sent, sent + kept) == (hits, 600)
