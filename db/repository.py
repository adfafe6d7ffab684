"""The read side for the dashboard. Returns plain dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import DeadLetterRow, PostRow, VerdictRow


@dataclass(frozen=True, slots=True)
class FlaggedPost:
    post_id: str
    text: str
    author_id: str
    lang: str
    action: str
    queue: str | None
    scores: dict[str, float]
    rules: list[str]
    reasons: list[str]
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class Totals:
    posts: int
    flagged: int
    removed: int
    dead_letters: int


def newest_flagged(session: Session, *, limit: int = 100) -> list[FlaggedPost]:
    """The most recent posts whose verdict was not `allow`, newest first."""
    stmt = (
        select(VerdictRow, PostRow)
        .join(PostRow, PostRow.id == VerdictRow.post_id)
        .where(VerdictRow.action != "allow")
        .order_by(PostRow.created_at.desc(), VerdictRow.id.desc())
        .limit(limit)
    )
    return [
        FlaggedPost(
            post_id=p.id,
            text=p.text,
            author_id=p.author_id,
            lang=v.lang,
            action=v.action,
            queue=v.queue,
            scores=v.scores,
            rules=v.rules,
            reasons=v.reasons,
            created_at=p.created_at,
        )
        for v, p in session.execute(stmt).tuples()
    ]


def totals(session: Session) -> Totals:
    """Whole-database counts for the header of the dashboard."""
    counts = select(VerdictRow.action, func.count()).group_by(VerdictRow.action)
    by_action: dict[str, int] = dict(session.execute(counts).tuples().all())
    return Totals(
        posts=session.scalar(select(func.count()).select_from(PostRow)) or 0,
        flagged=by_action.get("review", 0) + by_action.get("remove", 0),
        removed=by_action.get("remove", 0),
        dead_letters=session.scalar(select(func.count()).select_from(DeadLetterRow)) or 0,
    )
