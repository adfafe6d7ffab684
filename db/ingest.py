"""Ingest: read → moderate → store, one transaction per batch.

This is the orchestrator, so it owns transactions: each batch commits on its own and a crash
loses at most the batch in hand (which a re-run stores, idempotently).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from db.store import add_dead_letters, store_batch
from moderation.pipeline import Policy, moderate_batch
from moderation.reader import read_batches


@dataclass(slots=True)
class IngestSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    dead_letters: int = 0
    seconds: float = 0.0

    @property
    def posts_per_s(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "dead_letters": self.dead_letters,
            "seconds": round(self.seconds, 3),
            "posts_per_s": round(self.posts_per_s, 1),
        }


def ingest_lines(
    Session: sessionmaker[Session],
    lines: Iterable[bytes],
    *,
    source: str,
    policy: Policy,
    batch_size: int = 512,
    on_batch: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Score and store every valid line; every malformed one becomes a dead letter."""
    summary = IngestSummary()
    started = time.perf_counter()
    for batch in read_batches(lines, batch_size):
        verdicts = moderate_batch(batch.posts, policy=policy)
        with Session.begin() as session:
            result = store_batch(session, batch.posts, batch.raws, verdicts)
            add_dead_letters(session, source, batch.rejected)
        summary.read += batch.lines
        summary.stored += result.stored
        summary.duplicates += result.duplicates
        summary.dead_letters += len(batch.rejected)
        if on_batch:
            on_batch(batch.lines)
    summary.seconds = time.perf_counter() - started
    return summary
