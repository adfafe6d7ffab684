"""Surge aggregates for `python -m moderation metrics`: one window, plain dataclasses out.

Two clocks, on purpose. Post figures (volume, rates, language, new accounts, rule hits) use the
time each post was made, so a replayed or simulated surge (dated January 2025) reads as it
happened; the window ends at `until`, by default the newest post in the database. Review figures
(queues, handling time, decisions) and dead letters use the wall clock, ending at `now`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from db import alerts, review_metrics
from db.models import DeadLetterRow, PostRow, VerdictRow
from db.timebuckets import epoch, utc
from moderation.errors import ModerationError

NEW_ACCOUNT_DAYS = 7
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class BadDuration(ModerationError):
    """A --since value that is not a number followed by s, m, h, d or w."""


def parse_duration(text: str) -> timedelta:
    """'24h' → 24 hours; units s, m, h, d, w."""
    match = _DURATION.match(text)
    if not match:
        raise BadDuration(f"cannot read duration {text!r}: use a number and s/m/h/d/w, e.g. 24h")
    return timedelta(seconds=float(match.group(1)) * _UNIT_S[match.group(2)])


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def newest_post_time(session: Session) -> datetime | None:
    newest = session.scalar(select(func.max(PostRow.created_at)))
    return utc(newest) if newest else None


def resolve_window(session: Session, since: timedelta, until: datetime | None = None) -> Window:
    """[until - since, until]; `until` defaults to the newest post time, else the wall clock."""
    end = utc(until) if until else (newest_post_time(session) or datetime.now(UTC))
    # The end is inclusive of the newest post: nudge it past that post's own timestamp.
    end = end + timedelta(microseconds=1) if until is None else end
    return Window(end - since, end)


@dataclass(frozen=True, slots=True)
class SurgeMetrics:
    window_start: datetime
    window_end: datetime
    posts: int
    posts_per_minute: float
    flagged: int
    removed: int
    flagged_rate: float
    removed_rate: float
    language_mix: dict[str, float]
    new_account_share: float | None
    rule_hits: dict[str, int]
    dead_letters: dict[str, int]
    queues: list[review_metrics.QueueStats]
    handling_time: review_metrics.HandlingTime
    decisions_per_moderator: dict[str, int]
    alerts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["window_start"] = self.window_start.isoformat()
        doc["window_end"] = self.window_end.isoformat()
        return doc


def surge_metrics(session: Session, window: Window, *, now: datetime | None = None) -> SurgeMetrics:
    """Every aggregate for one window (see the module docstring for the two clocks)."""
    now = utc(now or datetime.now(UTC))
    review_start = now - (window.end - window.start)
    posts = _count_posts(session, window)
    actions = _actions(session, window)
    flagged = actions.get("review", 0) + actions.get("remove", 0)
    return SurgeMetrics(
        window_start=window.start,
        window_end=window.end,
        posts=posts,
        posts_per_minute=posts / window.minutes if window.minutes else 0.0,
        flagged=flagged,
        removed=actions.get("remove", 0),
        flagged_rate=flagged / posts if posts else 0.0,
        removed_rate=actions.get("remove", 0) / posts if posts else 0.0,
        language_mix=_language_mix(session, window, posts),
        new_account_share=new_account_share(session, window),
        rule_hits=rule_hits(session, window),
        dead_letters=_dead_letters(session, review_start, now),
        queues=review_metrics.queue_stats(session, now),
        handling_time=review_metrics.handling_time(session, review_start, now),
        decisions_per_moderator=review_metrics.decisions_per_moderator(session, review_start, now),
        alerts=[a.as_dict() for a in alerts.list_alerts(session, window.start, window.end)],
    )


def _in_window(window: Window):  # type: ignore[no-untyped-def]
    return (PostRow.created_at >= window.start, PostRow.created_at < window.end)


def _count_posts(session: Session, window: Window) -> int:
    return session.scalar(select(func.count()).where(*_in_window(window))) or 0


def _actions(session: Session, window: Window) -> dict[str, int]:
    stmt = (
        select(VerdictRow.action, func.count())
        .join(PostRow, PostRow.id == VerdictRow.post_id)
        .where(*_in_window(window))
        .group_by(VerdictRow.action)
    )
    return dict(session.execute(stmt).all())


def _language_mix(session: Session, window: Window, posts: int) -> dict[str, float]:
    stmt = select(PostRow.lang, func.count()).where(*_in_window(window)).group_by(PostRow.lang)
    counts = session.execute(stmt).all()
    return {lang: n / posts for lang, n in sorted(counts, key=lambda c: -c[1])} if posts else {}


def new_account_share(session: Session, window: Window) -> float | None:
    """Share of posts, among those with a known account age, from accounts < 7 days old."""
    age_s = epoch(session, PostRow.created_at) - epoch(session, PostRow.author_created_at)
    is_new = func.sum(case((age_s < NEW_ACCOUNT_DAYS * 86400, 1), else_=0))
    stmt = select(func.count(), is_new).where(
        *_in_window(window), PostRow.author_created_at.is_not(None)
    )
    known, new = session.execute(stmt).one()
    return (new or 0) / known if known else None


def rule_hits(session: Session, window: Window) -> dict[str, int]:
    """Live rule hits per rule id in the window, most frequent first."""
    stmt = (
        select(VerdictRow.rules)
        .join(PostRow, PostRow.id == VerdictRow.post_id)
        .where(*_in_window(window), cast(VerdictRow.rules, String) != "[]")
    )
    counts = Counter(rule for rules in session.scalars(stmt) for rule in set(rules or ()))
    return dict(counts.most_common())


def _dead_letters(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    total = session.scalar(select(func.count()).select_from(DeadLetterRow)) or 0
    recent = session.scalar(
        select(func.count()).where(
            DeadLetterRow.created_at >= start, DeadLetterRow.created_at < end
        )
    )
    return {"total": total, "in_window_by_ingest_time": recent or 0}
