"""The decision log: review events filtered by moderator, action, rule and time, and as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DeploymentRow, ReviewEventRow


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    rule: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    created_at: datetime
    actor: str
    action: str
    queue: str
    post_id: str
    item_id: int
    note: str
    batch_id: str | None
    rules: str
    rules_version: str


def audit_log(session: Session, where: AuditFilter, *, limit: int = 1000) -> list[AuditEntry]:
    """Matching events, newest first."""
    stmt = select(ReviewEventRow).order_by(ReviewEventRow.created_at.desc(), ReviewEventRow.id)
    if where.actor:
        stmt = stmt.where(ReviewEventRow.actor == where.actor)
    if where.action:
        stmt = stmt.where(ReviewEventRow.action == where.action)
    if where.rule:
        # Rules are stored as ",a,b," so a whole id matches and a prefix of one does not.
        stmt = stmt.where(ReviewEventRow.rules.contains(f",{where.rule},", autoescape=True))
    if where.since:
        stmt = stmt.where(ReviewEventRow.created_at >= where.since)
    if where.until:
        stmt = stmt.where(ReviewEventRow.created_at < where.until)
    return [
        AuditEntry(
            created_at=e.created_at,
            actor=e.actor,
            action=e.action,
            queue=e.queue,
            post_id=e.post_id,
            item_id=e.item_id,
            note=e.note,
            batch_id=e.batch_id,
            rules=e.rules.strip(","),
            rules_version=e.rules_version,
        )
        for e in session.scalars(stmt.limit(limit))
    ]


def audit_actors(session: Session) -> list[str]:
    """Everyone who has made a decision, for the moderator filter."""
    stmt = select(ReviewEventRow.actor).distinct().order_by(ReviewEventRow.actor)
    return list(session.scalars(stmt))


def to_csv(entries: list[AuditEntry]) -> str:
    """The entries as CSV text with a header row (what the export button downloads)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(AuditEntry)])
    writer.writeheader()
    for entry in entries:
        row = asdict(entry)
        row["created_at"] = entry.created_at.isoformat()
        writer.writerow(row)
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class RulesChange:
    """A deploy or rollback of a rules pack, from the append-only deployments table."""

    created_at: datetime
    actor: str
    kind: str
    version: str
    mode: str
    message: str


def rules_changes(session: Session, *, limit: int = 1000) -> list[RulesChange]:
    """Deploys and rollbacks, newest first (the audit page's second table)."""
    stmt = select(DeploymentRow).order_by(DeploymentRow.id.desc()).limit(limit)
    return [
        RulesChange(d.created_at, d.actor, d.kind, d.version, d.mode, d.message)
        for d in session.scalars(stmt)
    ]
