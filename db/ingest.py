"""Ingest: read → moderate → store, one transaction per batch.

This is the orchestrator, so it owns transactions: each batch commits on its own and a crash
loses at most the batch in hand (which a re-run stores, idempotently).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from db.caps import apply_caps
from db.store import add_dead_letters, store_batch
from moderation.parallel import ModerationPool
from moderation.pipeline import Policy, moderate_batch
from moderation.reader import Batch, read_batches
from moderation.telemetry import (
    SPAN_INGEST_BATCH,
    SPAN_PARSE,
    SPAN_STORE,
    batch_duration,
    dead_letters_counter,
    posts_counter,
    tracer,
)
from moderation.types import Verdict


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
    batch_size: int = 2048,
    on_batch: Callable[[int], None] | None = None,
    pool: ModerationPool | None = None,
) -> IngestSummary:
    """Score and store every valid line; every malformed one becomes a dead letter.

    With a `pool`, batches are moderated in its worker processes (clusters still assigned here,
    in order) while this process parses ahead and stores; storage stays here, one transaction
    per batch, in input order.
    """
    summary = IngestSummary()
    started = time.perf_counter()
    waited_since = time.time_ns()
    for batch, verdicts, parsed_at in _moderated(read_batches(lines, batch_size), pool):
        with tracer.start_as_current_span(SPAN_INGEST_BATCH, start_time=waited_since) as span:
            tracer.start_span(SPAN_PARSE, start_time=waited_since).end(end_time=parsed_at)
            span.set_attribute("moderation.lines", batch.lines)
            if verdicts is None:  # sequential: moderate inside the batch span
                verdicts = moderate_batch(batch.posts, policy=policy)
            with tracer.start_as_current_span(SPAN_STORE), Session.begin() as session:
                verdicts = apply_caps(session, verdicts, policy.ruleset)
                result = store_batch(session, batch.posts, batch.raws, verdicts)
                add_dead_letters(session, source, batch.rejected)
        _record(result.stored, result.duplicates, len(batch.rejected), waited_since)
        summary.read += batch.lines
        summary.stored += result.stored
        summary.duplicates += result.duplicates
        summary.dead_letters += len(batch.rejected)
        if on_batch:
            on_batch(batch.lines)
        waited_since = time.time_ns()
    summary.seconds = time.perf_counter() - started
    return summary


def _moderated(
    batches: Iterator[Batch], pool: ModerationPool | None
) -> Iterator[tuple[Batch, list[Verdict] | None, int]]:
    """Each batch, its verdicts if a pool made them (None: not yet), and when it was ready (ns).

    Reading and parsing happen inside this generator, before the batch span can exist; the
    caller back-dates the batch and parse spans to when it started waiting.
    """
    if pool is None:
        for batch in batches:
            yield batch, None, time.time_ns()
        return
    for batch, verdicts in pool.moderate(batches):
        yield batch, verdicts, time.time_ns()


def _record(stored: int, duplicates: int, rejected: int, started_ns: int) -> None:
    posts_counter.add(stored, {"outcome": "stored"})
    if duplicates:
        posts_counter.add(duplicates, {"outcome": "duplicate"})
    if rejected:
        dead_letters_counter.add(rejected)
    batch_duration.record((time.time_ns() - started_ns) / 1e9)
