"""The process pool makes exactly the verdicts one process makes, in order, and ingest with it
keeps its guarantees (idempotence, dead letters, one stored verdict per post)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from db.models import DeadLetterRow, PostRow, QueueItemRow, VerdictRow
from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.parallel import ModerationPool
from moderation.pipeline import moderate_batch
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
