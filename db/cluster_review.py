"""Bulk action on a near-duplicate wave: one decision over every pending item of a cluster.

A spam wave arrives as hundreds of near-identical posts; a moderator who has seen one decides
them all after a confirmation (dashboard/app_pages/cluster.py). Each item still gets its own
append-only event, written by `db.queue.record_events`, and one batch id ties them together.
Items another reviewer holds a live claim on are left to that reviewer.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, null, select, update
from sqlalchemy.orm import Session

from db.accounts import GRANTS, Permission, authorize
from db.models import QueueItemRow, VerdictRow
from db.queue import (
    ESCALATIONS,
    TERMINAL,
    Decision,
    ReviewError,
    claimable_by,
    record_events,
    state_from_events,
)
from db.queue_statements import ITEM_FIELDS, ITEMS, OPEN

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BulkResult:
    batch_id: str
    decided: int


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
    rows = _close_items(session, mine, decision)
    batch_id = str(uuid.uuid4())
    record_events(session, actor, rows, decision, note, now=now, batch_id=batch_id)
    logger.info("batch %s: %s %d items of cluster %s", batch_id, decision, len(rows), cluster_id)
    return BulkResult(batch_id=batch_id, decided=len(rows))


def _close_items(
    session: Session, condition: ColumnElement[bool], decision: Decision
) -> list[dict[str, Any]]:
    """Close the open items matching `condition`; each with its verdict's fields, as in DECIDE."""
    stmt = (
        update(ITEMS)
        .where(condition, OPEN)
        .values(claimed_by=null(), claim_expires_at=null(), status=state_from_events([decision]))
        .returning(*ITEM_FIELDS)
    )
    connection = session.connection()
    items = [dict(row._mapping) for row in connection.execute(stmt)]
    fields = (_verdict.post_id, _verdict.rules_version, _verdict.rules, _verdict.scores)
    found = select(*fields).where(_verdict.post_id.in_([i["post_id"] for i in items]))
    verdicts = {v.post_id: v._mapping for v in connection.execute(found)} if items else {}
    empty = {"rules_version": None, "rules": None, "scores": None}
    return [{**empty, **verdicts.get(i["post_id"], {}), **i} for i in items]


_verdict = VerdictRow.__table__.c
