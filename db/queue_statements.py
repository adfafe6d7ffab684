"""The claim and decide statements, built once at import with bound parameters.

On the hot path a claim is one statement and a decision two (one on PostgreSQL), and building
the statements once keeps SQLAlchemy's per-call work to a cache lookup. The role check is part
of each statement (`granted`): a row is only written if the actor's role, read from `users` in
that same statement, allows it.

Concurrency: on PostgreSQL the candidate row is picked with FOR UPDATE SKIP LOCKED, and the outer
WHERE repeats the conditions, so whoever loses a race updates nothing. On SQLite FOR UPDATE is
not rendered; an UPDATE takes the database's write lock before it reads anything, so claims
are serialised there (and a write from a stale read snapshot fails with SQLITE_BUSY rather than
claiming twice). tests/test_db_queue.py shows both with 8 concurrent reviewers.
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
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.selectable import CTE, Select
from sqlalchemy.types import DateTime

from db.accounts import Permission, granted
from db.models import QueueItemRow, ReviewEventRow, VerdictRow

ITEMS = cast(Table, QueueItemRow.__table__)
EVENTS = cast(Table, ReviewEventRow.__table__)
VERDICTS = cast(Table, VerdictRow.__table__)
_item, _event, _verdict = ITEMS.c, EVENTS.c, VERDICTS.c
# A literal, not a bound parameter: the partial indexes' `status = 'open'` must be provable from
# the statement itself (SQLite matches the term as written; PostgreSQL for generic plans too).
OPEN = _item.status == literal_column("'open'")
# LIMIT 1 as a literal too: with `LIMIT $1` PostgreSQL's generic plan for the prepared statement
# assumes a tenth of the rows, costs more than a custom plan, and so the claim was re-planned on
# every execution (pg_stat_statements: plans == calls, ~0.2 ms of server CPU per claim).
ONE: ColumnElement[int] = literal_column("1")


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
    return select(column).where(_verdict.post_id == post).limit(ONE).scalar_subquery()


def _claim_statement(permission: Permission, *, after: CTE | None = None) -> Update:
    """Give the reviewer their live claim in the queue back, or else claim the next item.

    COALESCE evaluates its second subquery only when the first finds nothing, so a held claim
    locks nothing else. The held claim keeps its expiry; a new claim gets `:until`.

    `after` is submit-and-next's CTE that closes item `:item_id`: then nothing is claimed unless
    it closed that item, and that item, still held in the statement's snapshot, is not handed
    back (nor is it claimable: the snapshot shows the reviewer's live claim on it).
    """
    reviewer = bindparam("reviewer", type_=_item.claimed_by.type)
    now = bindparam("now", type_=DateTime(timezone=True))
    queue = bindparam("in_queue", type_=_item.queue.type)
    only: list[ColumnElement[bool]] = []
    if after is not None:
        only = [_item.id != bindparam("item_id"), exists(select(after.c.id))]
    held = (
        select(_item.id)
        .where(_item.queue == queue, OPEN, held_by(reviewer, now), *only[:1])
        .limit(ONE)
    )
    nxt = (
        select(_item.id)
        .where(_item.queue == queue, OPEN, claimable(now))
        .order_by(_item.priority.desc(), _item.id)
        .limit(ONE)
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
            *only,
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


def _close_claim() -> Update:
    """Clear the actor's live claim on `:item_id` and set the status its new event implies."""
    actor = bindparam("actor", type_=_item.claimed_by.type)
    now = bindparam("now", type_=DateTime(timezone=True))
    return (
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


def _decide_statement() -> Update:
    """`_close_claim`, returning what the event needs: the item and its post's verdict."""
    return _close_claim().returning(
        *ITEM_FIELDS,
        _of_verdict(_verdict.rules_version).label("rules_version"),
        _of_verdict(_verdict.rules).label("rules"),
        _of_verdict(_verdict.scores).label("scores"),
    )


def _record_event(closed: CTE) -> Insert:
    """PostgreSQL: INSERT the event for the item `closed` returns, as `queue.record_events`
    builds it: note stripped, rules as ",a,b," in the verdict's order, "" and {} where the post
    has no verdict."""
    elements = func.json_array_elements_text(_verdict.rules)
    rule = elements.table_valued("value", with_ordinality="n").render_derived()
    joined = select(func.string_agg(rule.c.value, aggregate_order_by(literal(","), rule.c.n)))
    rules = literal(",") + func.coalesce(joined.scalar_subquery(), "") + literal(",")
    event = select(
        closed.c.id,
        closed.c.post_id,
        closed.c.queue,
        bindparam("actor", type_=_item.claimed_by.type),
        bindparam("action", type_=_event.action.type),
        bindparam("note", type_=_event.note.type),
        func.coalesce(_verdict.rules_version, ""),
        rules,
        func.coalesce(_verdict.scores, literal_column("'{}'::json")),
        bindparam("now", type_=DateTime(timezone=True)),
    ).select_from(closed.outerjoin(VERDICTS, _verdict.post_id == closed.c.post_id))
    columns = ["item_id", "post_id", "queue", "actor", "action", "note"]
    columns += ["rules_version", "rules", "scores", "created_at"]
    return insert(EVENTS).from_select(columns, event).returning(_event.id)


def _closed() -> CTE:
    return _close_claim().returning(_item.id, _item.post_id, _item.queue).cte("closed")


def _decide_and_record_postgresql() -> Insert:
    """PostgreSQL: `_close_claim` and the event's INSERT in one statement (a data-modifying CTE),
    which saves a round trip per decision."""
    return _record_event(_closed())


def _decide_and_claim_postgresql(permission: Permission) -> Select[Any]:
    """PostgreSQL submit-and-next in one statement: close the claim, record the event, claim the
    next item (`:reviewer` is the same person as `:actor`). One row: the event id and the new
    claim's columns, NULL when nothing was claimable; no row when the decision was refused."""
    closed = _closed()
    recorded = _record_event(closed).cte("recorded")
    claimed = _claim_statement(permission, after=closed).cte("claimed")
    return select(recorded.c.id.label("event_id"), *claimed.c).select_from(
        recorded.outerjoin(claimed, true())
    )


CLAIM = {p: _claim_statement(p) for p in (Permission.REVIEW, Permission.REVIEW_ESCALATIONS)}
DECIDE = _decide_statement()
DECIDE_AND_RECORD_POSTGRESQL = _decide_and_record_postgresql()
DECIDE_AND_CLAIM_POSTGRESQL = {p: _decide_and_claim_postgresql(p) for p in CLAIM}
