"""Queue and moderator aggregates, read from the review queue (`queue_items`, `review_events`).

Clock: these figures use the time moderators act (wall clock), not the post time.
"""

from __future__ import annotations

import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import QueueItemRow, ReviewEventRow
from db.timebuckets import bucket, from_epoch, utc

logger = logging.getLogger(__name__)


# Event actions that close an item; skips do not.
DECISIONS = ("approve", "remove", "escalate")
ITEMS = QueueItemRow.__table__
EVENTS = ReviewEventRow.__table__


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


def queue_stats(session: Session, now: datetime) -> list[QueueStats]:
    """Pending depth and oldest pending age per queue, as of `now`."""
    items, events = ITEMS, EVENTS
    decided = select(events.c.item_id).where(
        events.c.action.in_(DECISIONS),
        events.c.created_at <= utc(now),
    )
    stmt = (
        select(
            items.c.queue,
            func.count(),
            func.min(items.c.created_at),
        )
        .where(items.c.created_at <= utc(now), items.c.id.not_in(decided))
        .group_by(items.c.queue)
        .order_by(items.c.queue)
    )
    return [
        QueueStats(queue, depth, (utc(now) - utc(oldest)).total_seconds() if oldest else None)
        for queue, depth, oldest in session.execute(stmt)
    ]


def handling_time(session: Session, start: datetime, end: datetime) -> HandlingTime:
    """Median and p90 of item creation → first decision, for items decided in [start, end)."""
    items, events = ITEMS, EVENTS
    first = (
        select(
            events.c.item_id.label("item"),
            func.min(events.c.created_at).label("decided_at"),
        )
        .where(events.c.action.in_(DECISIONS))
        .group_by(events.c.item_id)
        .subquery()
    )
    stmt = (
        select(items.c.created_at, first.c.decided_at)
        .join(first, first.c.item == items.c.id)
        .where(first.c.decided_at >= utc(start), first.c.decided_at < utc(end))
    )
    seconds = sorted(
        (utc(done) - utc(created)).total_seconds() for created, done in session.execute(stmt)
    )
    if not seconds:
        return HandlingTime(0, None, None)
    p90 = statistics.quantiles(seconds, n=10, method="inclusive")[8] if len(seconds) > 1 else None
    return HandlingTime(len(seconds), statistics.median(seconds), p90 or seconds[-1])


def decisions_per_moderator(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Decision events per actor in [start, end), busiest first."""
    events = EVENTS
    actor = events.c.actor
    stmt = (
        select(actor, func.count())
        .where(
            events.c.action.in_(DECISIONS),
            events.c.created_at >= utc(start),
            events.c.created_at < utc(end),
        )
        .group_by(actor)
        .order_by(func.count().desc(), actor)
    )
    return {str(a): n for a, n in session.execute(stmt)}


def queue_flow(session: Session, start: datetime, end: datetime) -> list[QueueFlow]:
    """Per queue and hour: items created (in) and items decided (out) in [start, end)."""
    items, events = ITEMS, EVENTS
    created = items.c.created_at
    hour_in = bucket(session, created, 3600)
    inflow = select(items.c.queue, hour_in, func.count()).where(
        created >= utc(start), created < utc(end)
    )
    decided_at = events.c.created_at
    hour_out = bucket(session, decided_at, 3600)
    outflow = (
        select(items.c.queue, hour_out, func.count())
        .join(events, events.c.item_id == items.c.id)
        .where(
            events.c.action.in_(DECISIONS),
            decided_at >= utc(start),
            decided_at < utc(end),
        )
    )
    counts: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for side, stmt in (
        (0, inflow.group_by(items.c.queue, hour_in)),
        (1, outflow.group_by(items.c.queue, hour_out)),
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
