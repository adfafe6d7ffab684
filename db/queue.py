"""Review queues: enqueue flagged verdicts, claim atomically, decide as append-only events.

A claim is operational state on the item (who holds it, until when); an abandoned claim simply
expires and the item is claimable again. A decision is a `review_events` row that is never
changed; the item's `status` is a projection of its events (`state_from_events`), written in the
same transaction as the event so that claiming can walk an index of open items.

Each write is a single conditional UPDATE ... RETURNING as the transaction's first statement, with
the actor's role checked inside it; see db/queue_statements.py for how that stays exactly-once on
PostgreSQL (FOR UPDATE SKIP LOCKED) and on SQLite (the write lock is taken before any read).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, NoReturn, cast

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Row,
    Table,
    insert,
    literal,
    or_,
)
from sqlalchemy.orm import Session

from db.accounts import Permission, authorize
from db.models import QueueItemRow, ReviewEventRow
from db.queue_statements import (
    CLAIM,
    DECIDE,
    DECIDE_AND_CLAIM_POSTGRESQL,
    DECIDE_AND_RECORD_POSTGRESQL,
    ITEMS,
    claimable,
)
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
        session.connection().execute(insert(QueueItemRow), rows)
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

    A reviewer who already holds a live claim in this queue gets that item back. One statement
    (CLAIM in db/queue_statements.py) checks the role, looks for a held claim and takes the
    next item; only when it returns nothing is the role read again, to raise Forbidden.
    """
    now = now or datetime.now(UTC)
    permission = _permission_for(queue)
    params = {"reviewer": reviewer, "in_queue": queue, "now": now, "until": now + ttl}
    row = session.connection().execute(CLAIM[permission], params).first()
    if row is None:
        authorize(session, reviewer, permission)  # Forbidden, or else the queue is empty
        return None
    return _claim(row)


def decide(
    session: Session,
    actor: str,
    item_id: int,
    decision: Decision | str,
    note: str = "",
    *,
    now: datetime | None = None,
) -> int:
    """Record `actor`'s decision on an item they hold a live claim on; returns the event id.

    The conditional UPDATE checks the role and the live claim in its WHERE clause and returns
    what the event needs; then the event is inserted. On PostgreSQL both are one statement.
    """
    now = now or datetime.now(UTC)
    decision = Decision(decision)
    params = {"actor": actor, "item_id": item_id, "now": now}
    params["new_status"] = state_from_events([decision])
    connection = session.connection()
    if connection.dialect.name == "postgresql" and decision is not Decision.ESCALATE:
        params |= {"action": decision.value, "note": note.strip()}
        event_id = connection.execute(DECIDE_AND_RECORD_POSTGRESQL, params).scalar()
        if event_id is None:
            _refuse(session, actor, item_id)
        return int(event_id)
    rows = [row._mapping for row in connection.execute(DECIDE, params)]
    if not rows:
        _refuse(session, actor, item_id)
    ids = record_events(session, actor, rows, decision, note, now=now, batch_id=None)
    return ids[0]


def decide_and_claim_next(
    session: Session,
    actor: str,
    item_id: int,
    decision: Decision | str,
    note: str = "",
    *,
    queue: str,
    now: datetime | None = None,
    ttl: timedelta = CLAIM_TTL,
) -> tuple[int, Claim | None]:
    """Submit-and-next: `decide`, then `claim_next` in `queue`, in the caller's one transaction.

    A reviewer's step then costs one commit instead of two; on PostgreSQL an approval or removal
    is one statement (DECIDE_AND_CLAIM_POSTGRESQL). A refused decision raises and claims nothing.
    Returns the event id and the new claim (None when `queue` has nothing claimable).
    """
    now = now or datetime.now(UTC)
    decision = Decision(decision)
    connection = session.connection()
    if connection.dialect.name != "postgresql" or decision not in _ONE_STATEMENT:
        event_id = decide(session, actor, item_id, decision, note, now=now)
        return event_id, claim_next(session, actor, queue, now=now, ttl=ttl)
    permission = _permission_for(queue)
    params = {"actor": actor, "reviewer": actor, "item_id": item_id, "in_queue": queue}
    params |= {"now": now, "until": now + ttl, "new_status": state_from_events([decision])}
    params |= {"action": decision.value, "note": note.strip()}
    row = connection.execute(DECIDE_AND_CLAIM_POSTGRESQL[permission], params).first()
    if row is None:
        _refuse(session, actor, item_id)
    if row.id is None:
        authorize(session, actor, permission)  # Forbidden, or else the queue is empty
        return row.event_id, None
    return row.event_id, _claim(row)


# Escalations reopen the item elsewhere (a second INSERT); a skipped item is open again, and
# `claim_next` may hand it straight back, which one statement cannot (its snapshot still shows
# the old claim). Both take the two-statement path, so every backend behaves alike.
_ONE_STATEMENT = frozenset({Decision.APPROVE, Decision.REMOVE})


def _refuse(session: Session, actor: str, item_id: int) -> NoReturn:
    authorize(session, actor, Permission.REVIEW)  # Forbidden before "claim lost"
    raise ClaimLost(item_id, actor)


def _permission_for(queue: str) -> Permission:
    return Permission.REVIEW_ESCALATIONS if queue == ESCALATIONS else Permission.REVIEW


def claimable_by(actor: str, now: datetime) -> ColumnElement[bool]:
    """Items nobody else holds a live claim on (what a bulk action by `actor` may take)."""
    return or_(claimable(literal(now, DateTime(timezone=True))), QueueItemRow.claimed_by == actor)


def _claim(row: Row[Any]) -> Claim:
    """The claim a CLAIM-shaped row (id, post_id, queue, claim_expires_at) hands out."""
    return Claim(row.id, row.post_id, row.queue, _aware(row.claim_expires_at))


def _aware(at: datetime) -> datetime:
    # SQLite hands stored datetimes back without a zone; everything here is stored in UTC.
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def record_events(
    session: Session,
    actor: str,
    items: Sequence[Mapping[Any, Any]],
    decision: Decision,
    note: str,
    *,
    now: datetime,
    batch_id: str | None,
) -> list[int]:
    """Append one event per item, with what flagged it; escalations reopen in ESCALATIONS.

    `items` are the item and its verdict's fields (None if the post has no verdict), as
    DECIDE returns them.
    """
    if not items:
        return []
    events = [
        {
            "item_id": item["id"],
            "post_id": item["post_id"],
            "queue": item["queue"],
            "actor": actor,
            "action": decision.value,
            "note": note.strip(),
            "batch_id": batch_id,
            "rules_version": item["rules_version"] or "",
            "rules": "," + ",".join(item["rules"] or []) + ",",
            "scores": item["scores"] or {},
            "created_at": now,
        }
        for item in items
    ]
    ids = list(session.connection().execute(_INSERT_EVENT, events).scalars())
    if decision is Decision.ESCALATE:
        _reopen_in_escalations(session, items, now)
    return ids


def _reopen_in_escalations(
    session: Session, items: Sequence[Mapping[Any, Any]], now: datetime
) -> None:
    rows = [
        {
            "post_id": item["post_id"],
            "queue": ESCALATIONS,
            "priority": item["priority"],
            "cluster_id": item["cluster_id"],
            "status": "open",
            "escalated_from": item["id"],
            "created_at": now,
        }
        for item in items
    ]
    session.connection().execute(insert(ITEMS), rows)


_EVENTS = cast(Table, ReviewEventRow.__table__)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True)
