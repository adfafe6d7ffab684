"""SQLAlchemy 2 models. The schema itself is created by the Alembic migrations in db/migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class PostRow(Base):
    __tablename__ = "posts"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    author_id: Mapped[str] = mapped_column(String(200), index=True)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    author_created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    raw: Mapped[str] = mapped_column(Text)  # the JSON line as received, `sim` included


class VerdictRow(Base):
    __tablename__ = "verdicts"
    __table_args__ = (Index("ix_verdicts_action_created", "action", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    rules: Mapped[list[str]] = mapped_column(JSON)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    matches: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rules_version: Mapped[str] = mapped_column(String(80))
    lang: Mapped[str] = mapped_column(String(8))
    cluster_id: Mapped[str | None] = mapped_column(String(64), index=True)
    cluster_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Why a classifier failed closed for this post (0003); NULL on rows stored before it.
    errors: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class DeadLetterRow(Base):
    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(500))
    line_no: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QueueItemRow(Base):
    """One flagged post waiting in a queue.

    `status` is a projection of the item's review events (kept in the same transaction as the
    event that changes it, so claims can use an index); `claimed_by` and `claim_expires_at` are
    operational claim state, not history.
    """

    __tablename__ = "queue_items"
    __table_args__ = (Index("ix_queue_items_cluster", "cluster_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    post_id: Mapped[str] = mapped_column(ForeignKey("posts.id"), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer)
    cluster_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    escalated_from: Mapped[int | None] = mapped_column(ForeignKey("queue_items.id"))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claim_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# Claiming walks this index in queue order (highest priority first, then oldest) over open items.
Index(
    "ix_queue_items_open",
    QueueItemRow.queue,
    QueueItemRow.priority.desc(),
    QueueItemRow.id,
    postgresql_where=text("status = 'open'"),
    sqlite_where=text("status = 'open'"),
)
# "Which item does this reviewer hold?" (claim_next, the review page) probes this tiny index.
Index(
    "ix_queue_items_claimed",
    QueueItemRow.claimed_by,
    QueueItemRow.queue,
    postgresql_where=text("status = 'open' AND claimed_by IS NOT NULL"),
    sqlite_where=text("status = 'open' AND claimed_by IS NOT NULL"),
)


class ReviewEventRow(Base):
    """An append-only decision: triggers on both backends refuse UPDATE and DELETE."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("queue_items.id"), index=True)
    post_id: Mapped[str] = mapped_column(String(200), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(String(36), index=True)
    rules_version: Mapped[str] = mapped_column(String(80))
    # ",rule_a,rule_b," so that one LIKE filters by rule on every backend.
    rules: Mapped[str] = mapped_column(Text)
    scores: Mapped[dict[str, float]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AlertRow(Base):
    """An anomaly found by db.alerts, with the numbers that made it one."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "window_start", name="uq_alerts_kind_subject_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))  # rule id, queue name or source
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    score: Mapped[float] = mapped_column(Float)  # robust z-score (or growth ratio)
    observed: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RulePackRow(Base):
    """A rules pack saved from the workbench; `version` is its content hash, as `rules` has it."""

    __tablename__ = "rule_packs"

    version: Mapped[str] = mapped_column(String(80), primary_key=True)
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # draft | deployed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeploymentRow(Base):
    """Append-only: the live pack is the one named by the newest row."""

    __tablename__ = "deployments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(ForeignKey("rule_packs.version"))
    kind: Mapped[str] = mapped_column(String(16))  # deploy | rollback
    mode: Mapped[str] = mapped_column(String(16))  # live | shadow
    shadow_rules: Mapped[list[str]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(80), index=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
