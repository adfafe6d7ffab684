"""Queue and moderator aggregates, read from the review queue tables when they exist.

THE SEAM: the review queues (queue items, append-only review events, users) are built on
another branch. Until they are merged this module finds no tables and every function returns an
empty result, so `metrics`, alerts and the surge page work on a database without them. The
expected shape is written down once, in `ReviewSchema`; after the merge, correct the names there
(or in the `SCHEMA` instance) and the rest follows. Tables are reflected, never created here.

Clock: these figures use the time moderators act (wall clock), not the post time.
"""

from __future__ import annotations

import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import MetaData, Table, func, inspect, select
from sqlalchemy.orm import Session

from db.timebuckets import bucket, from_epoch, utc

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReviewSchema:
    """Where the review branch keeps items and decisions: table and column names."""

    items: str = "queue_items"
    item_id: str = "id"
    item_queue: str = "queue"
    item_created: str = "created_at"
    events: str = "review_events"
    event_item: str = "item_id"
    event_actor: str = "actor"
    event_action: str = "action"
    event_created: str = "created_at"
    # Event actions that close an item; claims, releases and skips do not.
    decisions: tuple[str, ...] = ("approve", "remove", "escalate")


SCHEMA = ReviewSchema()


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    depth: int
    oldest_pending_age_s: float | None


@dataclass(frozen=True, slots=True)
class HandlingTime:
    decisions: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True, slots=True)
class QueueFlow:
    """Items in and decisions out of one queue, per hour."""

    queue: str
    hours: list[datetime] = field(default_factory=list)
    inflow: list[int] = field(default_factory=list)
    outflow: list[int] = field(default_factory=list)


def review_tables(session: Session, schema: ReviewSchema = SCHEMA) -> tuple[Table, Table] | None:
    """The reflected (items, events) tables, or None while they do not exist yet."""
    inspector = inspect(session.connection())
    wanted = {
        schema.items: {schema.item_id, schema.item_queue, schema.item_created},
        schema.events: {
            schema.event_item,
            schema.event_actor,
            schema.event_action,
            schema.event_created,
        },
    }
    for table, columns in wanted.items():
        if not inspector.has_table(table):
            return None
        missing = columns - {c["name"] for c in inspector.get_columns(table)}
        if missing:
            logger.warning("review table %s lacks columns %s; check ReviewSchema", table, missing)
            return None
    meta = MetaData()
    bind = session.connection()
    return (
        Table(schema.items, meta, autoload_with=bind),
        Table(schema.events, meta, autoload_with=bind),
    )


def queue_stats(session: Session, now: datetime, schema: ReviewSchema = SCHEMA) -> list[QueueStats]:
    """Pending depth and oldest pending age per queue, as of `now`."""
    tables = review_tables(session, schema)
    if tables is None:
        return []
    items, events = tables
    decided = select(events.c[schema.event_item]).where(
        events.c[schema.event_action].in_(schema.decisions),
        events.c[schema.event_created] <= utc(now),
    )
    stmt = (
        select(
            items.c[schema.item_queue],
            func.count(),
            func.min(items.c[schema.item_created]),
        )
        .where(items.c[schema.item_created] <= utc(now), items.c[schema.item_id].not_in(decided))
        .group_by(items.c[schema.item_queue])
        .order_by(items.c[schema.item_queue])
    )
    return [
        QueueStats(queue, depth, (utc(now) - utc(oldest)).total_seconds() if oldest else None)
        for queue, depth, oldest in session.execute(stmt)
    ]


def handling_time(
    session: Session, start: datetime, end: datetime, schema: ReviewSchema = SCHEMA
) -> HandlingTime:
    """Median and p90 of item creation → first decision, for items decided in [start, end)."""
    tables = review_tables(session, schema)
    if tables is None:
        return HandlingTime(0, None, None)
    items, events = tables
    first = (
        select(
            events.c[schema.event_item].label("item"),
            func.min(events.c[schema.event_created]).label("decided_at"),
        )
        .where(events.c[schema.event_action].in_(schema.decisions))
        .group_by(events.c[schema.event_item])
        .subquery()
    )
    stmt = (
        select(items.c[schema.item_created], first.c.decided_at)
        .join(first, first.c.item == items.c[schema.item_id])
        .where(first.c.decided_at >= utc(start), first.c.decided_at < utc(end))
    )
    seconds = sorted(
        (utc(done) - utc(created)).total_seconds() for created, done in session.execute(stmt)
    )
    if not seconds:
        return HandlingTime(0, None, None)
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else None
    return HandlingTime(len(seconds), statistics.median(seconds), p90 or seconds[-1])


def decisions_per_moderator(
    session: Session, start: datetime, end: datetime, schema: ReviewSchema = SCHEMA
) -> dict[str, int]:
    """Decision events per actor in [start, end), busiest first."""
    tables = review_tables(session, schema)
    if tables is None:
        return {}
    _, events = tables
    actor = events.c[schema.event_actor]
    stmt = (
        select(actor, func.count())
        .where(
            events.c[schema.event_action].in_(schema.decisions),
            events.c[schema.event_created] >= utc(start),
            events.c[schema.event_created] < utc(end),
        )
        .group_by(actor)
        .order_by(func.count().desc(), actor)
    )
    return {str(a): n for a, n in session.execute(stmt)}


def queue_flow(
    session: Session, start: datetime, end: datetime, schema: ReviewSchema = SCHEMA
) -> list[QueueFlow]:
    """Per queue and hour: items created (in) and items decided (out) in [start, end)."""
    tables = review_tables(session, schema)
    if tables is None:
        return []
    items, events = tables
    created = items.c[schema.item_created]
    hour_in = bucket(session, created, 3600)
    inflow = select(items.c[schema.item_queue], hour_in, func.count()).where(
        created >= utc(start), created < utc(end)
    )
    decided_at = events.c[schema.event_created]
    hour_out = bucket(session, decided_at, 3600)
    outflow = (
        select(items.c[schema.item_queue], hour_out, func.count())
        .join(events, events.c[schema.event_item] == items.c[schema.item_id])
        .where(
            events.c[schema.event_action].in_(schema.decisions),
            decided_at >= utc(start),
            decided_at < utc(end),
        )
    )
    counts: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for side, stmt in (
        (0, inflow.group_by(items.c[schema.item_queue], hour_in)),
        (1, outflow.group_by(items.c[schema.item_queue], hour_out)),
    ):
        for queue, hour, n in session.execute(stmt):
            counts[queue][hour][side] += n
    flows = []
    for queue in sorted(counts):
        hours = sorted(counts[queue])
        flows.append(
            QueueFlow(
                queue,
                [from_epoch(h) for h in hours],
                [counts[queue][h][0] for h in hours],
                [counts[queue][h][1] for h in hours],
            )
        )
    return flows
