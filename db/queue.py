"""Review queues: enqueue flagged verdicts, claim atomically, decide as append-only events.

A claim is operational state on the item (who holds it, until when); an abandoned claim simply
expires and the item is claimable again. A decision is a `review_events` row that is never
changed; the item's `status` is a projection of its events (`state_from_events`), written in the
same transaction as the event so that claiming can walk an index of open items.

Each write is a single conditional UPDATE ... RETURNING as the transaction's first write, so on
SQLite the write lock is taken (and waited for, with the busy timeout) before anything is read,
and on PostgreSQL the candidate row is picked with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, or_, select, update
from sqlalchemy.orm import Session

from db.accounts import GRANTS, Permission, authorize
from db.models import QueueItemRow, ReviewEventRow, VerdictRow
from moderation.pipeline import DEFAULT_QUEUE, FAILURE_QUEUE
from moderation.types import Action, Verdict

logger = logging.getLogger(__name__)

ESCALATIONS = FAILURE_QUEUE
CLAIM_TTL = timedelta(minutes=10)


class Decision(StrEnum):
    APPROVE = "approve"
    REMOVE = "remove"
    ESCALATE = "escalate"
    SKIP = "skip"  # give the item back to the queue; recorded, but the item stays open


TERMINAL = frozenset({Decision.APPROVE, Decision.REMOVE, Decision.ESCALATE})


class ReviewError(Exception):
    """A decision that cannot be applied; the dashboard shows the message as is."""


class ClaimLost(ReviewError):
    def __init__(self, item_id: int, actor: str) -> None:
        super().__init__(
            f"item {item_id} is not claimed by {actor} any more "
            "(the claim expired, or it was already decided)"
        )


@dataclass(frozen=True, slots=True)
class Claim:
    item_id: int
    post_id: str
    queue: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class BulkResult:
    batch_id: str
    decided: int


def state_from_events(actions: Iterable[str]) -> str:
    """The status an item's events imply: closed once any terminal decision exists."""
    return "closed" if any(a in TERMINAL for a in actions) else "open"


def enqueue(session: Session, verdicts: Sequence[Verdict], *, now: datetime) -> int:
    """Add one open item per flagged verdict, in one bulk insert; returns how many."""
    rows = [
        {
            "post_id": v.id,
            "queue": v.queue or DEFAULT_QUEUE,
            "priority": v.priority,
            "cluster_id": v.cluster.id if v.cluster else None,
            "status": "open",
            "created_at": now,
        }
        for v in verdicts
        if v.action in (Action.REVIEW, Action.REMOVE)
    ]
    if rows:  # a Core insert on the session's connection: no ORM bulk path per row
        session.connection().execute(insert(QueueItemRow.__table__), rows)
    return len(rows)


def claim_next(
    session: Session,
    reviewer: str,
    queue: str,
    *,
    now: datetime | None = None,
    ttl: timedelta = CLAIM_TTL,
) -> Claim | None:
    """Hand the next open item of `queue` to `reviewer` alone; None when nothing is claimable.

    A reviewer who already holds a live claim in this queue gets that item back.
    """
    now = now or datetime.now(UTC)
    authorize(session, reviewer, _permission_for(queue))
    held = _held_claim(session, reviewer, queue, now)
    if held is not None:
        return held
    candidate = (
        select(QueueItemRow.id)
        .where(QueueItemRow.queue == queue, QueueItemRow.status == "open", _claimable(now))
        .order_by(QueueItemRow.priority.desc(), QueueItemRow.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    stmt = (
        update(QueueItemRow)
        # The outer conditions repeat the inner ones: whoever loses a race updates nothing.
        .where(
            QueueItemRow.id == candidate.scalar_subquery(),
            QueueItemRow.status == "open",
            _claimable(now),
        )
        .values(claimed_by=reviewer, claim_expires_at=now + ttl)
        .returning(QueueItemRow.id, QueueItemRow.post_id, QueueItemRow.queue)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(stmt).first()
    if row is None:
        return None
    return Claim(row.id, row.post_id, row.queue, now + ttl)


def decide(
    session: Session,
    actor: str,
    item_id: int,
    decision: Decision | str,
    note: str = "",
    *,
    now: datetime | None = None,
) -> int:
    """Record `actor`'s decision on an item they hold a live claim on; returns the event id."""
    now = now or datetime.now(UTC)
    decision = Decision(decision)
    authorize(session, actor, Permission.REVIEW)
    mine = and_(
        QueueItemRow.id == item_id,
        QueueItemRow.claimed_by == actor,
        QueueItemRow.claim_expires_at > now,
    )
    rows = _close_or_release(session, mine, decision)
    if not rows:
        raise ClaimLost(item_id, actor)
    ids = _record(session, actor, rows, decision, note, now=now, batch_id=None)
    return ids[0]


def bulk_decide_cluster(
    session: Session,
    actor: str,
    cluster_id: str,
    decision: Decision | str,
    note: str = "",
    *,
    now: datetime | None = None,
) -> BulkResult:
    """Decide every open, unclaimed item of a near-duplicate cluster; one batch id for all."""
    now = now or datetime.now(UTC)
    decision = Decision(decision)
    if decision not in TERMINAL:
        raise ReviewError("a bulk action must approve, remove or escalate")
    role = authorize(session, actor, Permission.BULK_REVIEW)
    mine = and_(
        QueueItemRow.cluster_id == cluster_id,
        claimable_by(actor, now),
    )
    if Permission.REVIEW_ESCALATIONS not in GRANTS[role]:
        mine = and_(mine, QueueItemRow.queue != ESCALATIONS)
    rows = _close_or_release(session, mine, decision)
    batch_id = str(uuid.uuid4())
    _record(session, actor, rows, decision, note, now=now, batch_id=batch_id)
    logger.info("batch %s: %s %d items of cluster %s", batch_id, decision, len(rows), cluster_id)
    return BulkResult(batch_id=batch_id, decided=len(rows))


def _permission_for(queue: str) -> Permission:
    return Permission.REVIEW_ESCALATIONS if queue == ESCALATIONS else Permission.REVIEW


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(QueueItemRow.claimed_by.is_(None), QueueItemRow.claim_expires_at <= now)


def claimable_by(actor: str, now: datetime) -> ColumnElement[bool]:
    """Items nobody else holds a live claim on (what a bulk action by `actor` may take)."""
    return or_(_claimable(now), QueueItemRow.claimed_by == actor)


def _held_claim(session: Session, reviewer: str, queue: str, now: datetime) -> Claim | None:
    stmt = select(QueueItemRow.id, QueueItemRow.post_id, QueueItemRow.claim_expires_at).where(
        QueueItemRow.queue == queue,
        QueueItemRow.status == "open",
        QueueItemRow.claimed_by == reviewer,
        QueueItemRow.claim_expires_at > now,
    )
    row = session.execute(stmt.limit(1)).first()
    return Claim(row.id, row.post_id, queue, row.claim_expires_at) if row else None


def _close_or_release(
    session: Session, condition: ColumnElement[bool], decision: Decision
) -> list[Any]:
    # Closing and releasing both clear the claim; only a terminal decision closes the item.
    values: dict[str, Any] = {"claimed_by": None, "claim_expires_at": None}
    if decision in TERMINAL:
        values["status"] = state_from_events([decision])
    stmt = (
        update(QueueItemRow)
        .where(condition, QueueItemRow.status == "open")
        .values(**values)
        .returning(QueueItemRow.id, QueueItemRow.post_id, QueueItemRow.queue, QueueItemRow.priority)
        .execution_options(synchronize_session=False)
    )
    return list(session.execute(stmt).all())


def _record(
    session: Session,
    actor: str,
    items: Sequence[Any],
    decision: Decision,
    note: str,
    *,
    now: datetime,
    batch_id: str | None,
) -> list[int]:
    """Append one event per item, with what flagged it; escalations reopen in ESCALATIONS."""
    if not items:
        return []
    verdicts = _verdicts_for(session, [i.post_id for i in items])
    events = []
    for item in items:
        verdict = verdicts.get(item.post_id)
        events.append(
            {
                "item_id": item.id,
                "post_id": item.post_id,
                "queue": item.queue,
                "actor": actor,
                "action": decision.value,
                "note": note.strip(),
                "batch_id": batch_id,
                "rules_version": verdict.rules_version if verdict else "",
                "rules": "," + ",".join(verdict.rules if verdict else []) + ",",
                "scores": verdict.scores if verdict else {},
                "created_at": now,
            }
        )
    ids = list(session.scalars(insert(ReviewEventRow).returning(ReviewEventRow.id), events))
    if decision is Decision.ESCALATE:
        _reopen_in_escalations(session, items, verdicts, now)
    return ids


def _reopen_in_escalations(
    session: Session, items: Sequence[Any], verdicts: dict[str, VerdictRow], now: datetime
) -> None:
    rows = [
        {
            "post_id": item.post_id,
            "queue": ESCALATIONS,
            "priority": item.priority,
            "cluster_id": (v.cluster_id if (v := verdicts.get(item.post_id)) else None),
            "status": "open",
            "escalated_from": item.id,
            "created_at": now,
        }
        for item in items
    ]
    if rows:  # a Core insert on the session's connection: no ORM bulk path per row
        session.connection().execute(insert(QueueItemRow.__table__), rows)


def _verdicts_for(session: Session, post_ids: list[str]) -> dict[str, VerdictRow]:
    stmt = select(VerdictRow).where(VerdictRow.post_id.in_(post_ids))
    return {v.post_id: v for v in session.scalars(stmt)}
