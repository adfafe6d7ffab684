"""The claim and decide statements, built once at import with bound parameters.

A claim and a decision are each one round trip of SQL on the hot path (claim + decide is three
statements in all), and building the statements once keeps SQLAlchemy's per-call work to a
cache lookup. The role check is part of each statement (`granted`): a row is only written if the
actor's role, read from `users` in that same statement, allows it.

Concurrency: on PostgreSQL the candidate row is picked with FOR UPDATE SKIP LOCKED, and the outer
WHERE repeats the conditions, so whoever loses a race updates nothing. On SQLite FOR UPDATE is
not rendered; the UPDATE is the transaction's first statement and takes the database's write
lock before it reads anything, so claims are serialised there (tests/test_db_queue.py shows
both with 8 concurrent reviewers).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    Update,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.types import DateTime

from db.accounts import Permission, granted
from db.models import QueueItemRow, VerdictRow

ITEMS = cast(Table, QueueItemRow.__table__)
_item = ITEMS.c
_verdict = VerdictRow.__table__.c
# A literal, not a bound parameter: the partial indexes' `status = 'open'` must be provable from
# the statement itself (SQLite matches the term as written; PostgreSQL for generic plans too).
OPEN = _item.status == literal_column("'open'")


def claimable(now: ColumnElement[Any]) -> ColumnElement[bool]:
    """Nobody holds a live claim on the item at `now`."""
    return or_(_item.claimed_by.is_(None), _item.claim_expires_at <= now)


def held_by(actor: ColumnElement[str], now: ColumnElement[Any]) -> ColumnElement[bool]:
    """`actor` holds a live claim on the item at `now`."""
    return and_(_item.claimed_by == actor, _item.claim_expires_at > now)


ITEM_FIELDS = (_item.id, _item.post_id, _item.queue, _item.priority, _item.cluster_id)


def _of_verdict(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """`column` of the verdict of item `:item_id`'s post.

    Keyed on the parameter, not correlated with the updated row: SQLite plans a subquery in
    RETURNING that refers to the row as a full scan, and this one as two index lookups.
    """
    post = select(_item.post_id).where(_item.id == bindparam("item_id")).scalar_subquery()
    return select(column).where(_verdict.post_id == post).limit(1).scalar_subquery()


def _claim_statement(permission: Permission) -> Update:
    """Give the reviewer their live claim in the queue back, or else claim the next item.

    COALESCE evaluates its second subquery only when the first finds nothing, so a held claim
    locks nothing else. The held claim keeps its expiry; a new claim gets `:until`.
    """
    reviewer = bindparam("reviewer", type_=_item.claimed_by.type)
    now = bindparam("now", type_=DateTime(timezone=True))
    queue = bindparam("in_queue", type_=_item.queue.type)
    held = select(_item.id).where(_item.queue == queue, OPEN, held_by(reviewer, now)).limit(1)
    nxt = (
        select(_item.id)
        .where(_item.queue == queue, OPEN, claimable(now))
        .order_by(_item.priority.desc(), _item.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    target = func.coalesce(held.scalar_subquery(), nxt.scalar_subquery())
    return (
        update(ITEMS)
        .where(
            _item.id == target,
            _item.queue == queue,
            OPEN,
            or_(claimable(now), held_by(reviewer, now)),
            granted(reviewer, permission),
        )
        .values(
            claimed_by=reviewer,
            claim_expires_at=case(
                (held_by(reviewer, now), _item.claim_expires_at),
                else_=bindparam("until", type_=DateTime(timezone=True)),
            ),
        )
        .returning(_item.id, _item.post_id, _item.queue, _item.claim_expires_at)
    )


def _decide_statement() -> Update:
    """Clear the actor's live claim on `:item_id` and set the status its new event implies."""
    actor = bindparam("actor", type_=_item.claimed_by.type)
    now = bindparam("now", type_=DateTime(timezone=True))
    stmt = (
        update(ITEMS)
        .where(
            _item.id == bindparam("item_id"),
            OPEN,
            held_by(actor, now),
            granted(actor, Permission.REVIEW),
        )
        .values(
            claimed_by=null(),
            claim_expires_at=null(),
            status=bindparam("new_status", type_=_item.status.type),
        )
    )
    return stmt.returning(
        *ITEM_FIELDS,
        _of_verdict(_verdict.rules_version).label("rules_version"),
        _of_verdict(_verdict.rules).label("rules"),
        _of_verdict(_verdict.scores).label("scores"),
    )


CLAIM = {p: _claim_statement(p) for p in (Permission.REVIEW, Permission.REVIEW_ESCALATIONS)}
DECIDE = _decide_statement()
