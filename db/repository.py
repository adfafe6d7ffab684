"""The read side for the dashboard. Returns plain dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.models import DeadLetterRow, PostRow, QueueItemRow, ReviewEventRow, VerdictRow
from db.queue import ESCALATIONS, claimable_by


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
        for v, p in session.execute(stmt)
    ]


def totals(session: Session) -> Totals:
    """Whole-database counts for the header of the dashboard."""
    counts = select(VerdictRow.action, func.count()).group_by(VerdictRow.action)
    by_action: dict[str, int] = dict(session.execute(counts).all())
    return Totals(
        posts=session.scalar(select(func.count()).select_from(PostRow)) or 0,
        flagged=by_action.get("review", 0) + by_action.get("remove", 0),
        removed=by_action.get("remove", 0),
        dead_letters=session.scalar(select(func.count()).select_from(DeadLetterRow)) or 0,
    )


# ---- review queues --------------------------------------------------------------------------

KNOWN_QUEUES = ("spam", "toxicity", ESCALATIONS)


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    depth: int
    oldest_age: timedelta | None
    claimed_now: int


@dataclass(frozen=True, slots=True)
class PastDecision:
    created_at: datetime
    actor: str
    action: str
    post_id: str
    note: str


@dataclass(frozen=True, slots=True)
class AuthorHistory:
    author_id: str
    account_age_days: float | None
    posts_stored: int
    recent_posts: list[tuple[datetime | None, str]]
    past_decisions: list[PastDecision]


@dataclass(frozen=True, slots=True)
class ClaimView:
    """Everything the review page shows for the item a reviewer holds."""

    item_id: int
    queue: str
    post_id: str
    text: str
    lang: str
    posted_at: datetime | None
    action: str
    scores: dict[str, float]
    reasons: list[str]
    rules: list[str]
    rules_version: str
    spans: list[tuple[int, int]]
    cluster_id: str | None
    cluster_size: int | None
    claim_expires_at: datetime | None
    author: AuthorHistory


@dataclass(frozen=True, slots=True)
class ClusterPreview:
    cluster_id: str
    pending: int
    sample: list[str]


def queue_overview(session: Session, *, now: datetime | None = None) -> list[QueueStats]:
    """Depth, oldest waiting item and live claims per queue; known queues appear even if empty."""
    now = now or datetime.now(UTC)
    live = case((QueueItemRow.claim_expires_at > now, 1), else_=0)
    stmt = (
        select(
            QueueItemRow.queue,
            func.count(),
            func.min(QueueItemRow.created_at),
            func.coalesce(func.sum(live), 0),
        )
        .where(QueueItemRow.status == "open")
        .group_by(QueueItemRow.queue)
    )
    found = {q: (n, oldest, claimed) for q, n, oldest, claimed in session.execute(stmt)}
    return [
        QueueStats(
            queue=q,
            depth=found.get(q, (0, None, 0))[0],
            oldest_age=_age(now, found[q][1]) if q in found else None,
            claimed_now=int(found.get(q, (0, None, 0))[2]),
        )
        for q in sorted(set(KNOWN_QUEUES) | set(found), key=_queue_order)
    ]


def current_claim(
    session: Session, reviewer: str, *, now: datetime | None = None
) -> ClaimView | None:
    """The item `reviewer` holds a live claim on, with its context; None if none."""
    now = now or datetime.now(UTC)
    item_id = session.scalar(
        select(QueueItemRow.id)
        .where(
            QueueItemRow.status == "open",
            QueueItemRow.claimed_by == reviewer,
            QueueItemRow.claim_expires_at > now,
        )
        .order_by(QueueItemRow.id)
        .limit(1)
    )
    return claim_view(session, item_id) if item_id is not None else None


def claim_view(session: Session, item_id: int) -> ClaimView:
    item, post, v = session.execute(
        select(QueueItemRow, PostRow, VerdictRow)
        .join(PostRow, PostRow.id == QueueItemRow.post_id)
        .join(VerdictRow, VerdictRow.post_id == QueueItemRow.post_id)
        .where(QueueItemRow.id == item_id)
    ).one()
    return ClaimView(
        item_id=item.id,
        queue=item.queue,
        post_id=post.id,
        text=post.text,
        lang=v.lang,
        posted_at=post.created_at,
        action=v.action,
        scores=dict(v.scores),
        reasons=list(v.reasons),
        rules=list(v.rules),
        rules_version=v.rules_version,
        spans=sorted(
            (int(s[0]), int(s[1])) for m in v.matches if not m.get("shadow") for s in m["spans"]
        ),
        cluster_id=v.cluster_id,
        cluster_size=v.cluster_size,
        claim_expires_at=item.claim_expires_at,
        author=author_history(session, post),
    )


def author_history(session: Session, post: PostRow, *, limit: int = 5) -> AuthorHistory:
    """Account age when `post` was made, the author's latest posts and decisions on them."""
    recent = session.execute(
        select(PostRow.created_at, PostRow.text)
        .where(PostRow.author_id == post.author_id, PostRow.id != post.id)
        .order_by(PostRow.created_at.desc())
        .limit(limit)
    )
    decisions = session.execute(
        select(ReviewEventRow)
        .join(PostRow, PostRow.id == ReviewEventRow.post_id)
        .where(PostRow.author_id == post.author_id, ReviewEventRow.action != "skip")
        .order_by(ReviewEventRow.created_at.desc())
        .limit(limit)
    ).scalars()
    age = None
    if post.created_at and post.author_created_at:
        age = (post.created_at - post.author_created_at).total_seconds() / 86400.0
    return AuthorHistory(
        author_id=post.author_id,
        account_age_days=age,
        posts_stored=session.scalar(
            select(func.count()).select_from(PostRow).where(PostRow.author_id == post.author_id)
        )
        or 0,
        recent_posts=[(t, text) for t, text in recent],
        past_decisions=[
            PastDecision(e.created_at, e.actor, e.action, e.post_id, e.note) for e in decisions
        ],
    )


def cluster_preview(
    session: Session, cluster_id: str, actor: str, *, now: datetime | None = None, sample: int = 5
) -> ClusterPreview:
    """What a bulk action on the cluster would decide right now: count and a few texts."""
    now = now or datetime.now(UTC)
    pending = (
        select(PostRow.text)
        .join(QueueItemRow, QueueItemRow.post_id == PostRow.id)
        .where(QueueItemRow.cluster_id == cluster_id, QueueItemRow.status == "open")
        .where(claimable_by(actor, now))
    )
    count = session.scalar(select(func.count()).select_from(pending.subquery())) or 0
    texts = list(session.scalars(pending.order_by(QueueItemRow.id).limit(sample)))
    return ClusterPreview(cluster_id, count, texts)


def _age(now: datetime, then: datetime | None) -> timedelta | None:
    if then is None:
        return None
    # SQLite hands back naive datetimes; everything stored is UTC.
    return now - (then if then.tzinfo else then.replace(tzinfo=UTC))


def _queue_order(name: str) -> tuple[int, str]:
    return (KNOWN_QUEUES.index(name) if name in KNOWN_QUEUES else len(KNOWN_QUEUES), name)
