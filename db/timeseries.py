"""Time series for the surge page: counts per bucket of post time, grouped by what matters."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session

from db.metrics import NEW_ACCOUNT_DAYS, Window
from db.models import PostRow, VerdictRow
from db.timebuckets import bucket, epoch, from_epoch


@dataclass(frozen=True, slots=True)
class Point:
    time: Any  # datetime, bucket start (UTC)
    series: str
    value: float


def posts_per_minute_by_language(session: Session, window: Window, bucket_s: int) -> list[Point]:
    return _rate_by(session, window, bucket_s, PostRow.lang)


def posts_per_minute_by_account_age(session: Session, window: Window, bucket_s: int) -> list[Point]:
    """New (< 7 days old) vs established accounts; unknown where the age is missing."""
    age_s = epoch(session, PostRow.created_at) - epoch(session, PostRow.author_created_at)
    group = case(
        (PostRow.author_created_at.is_(None), "unknown"),
        (age_s < NEW_ACCOUNT_DAYS * 86400, "new"),
        else_="established",
    )
    return _rate_by(session, window, bucket_s, group)


def action_rates(session: Session, window: Window, bucket_s: int) -> list[Point]:
    """Share of posts flagged (review or remove) and removed, per bucket."""
    b = bucket(session, PostRow.created_at, bucket_s)
    stmt = (
        select(
            b,
            func.count(),
            func.sum(case((VerdictRow.action != "allow", 1), else_=0)),
            func.sum(case((VerdictRow.action == "remove", 1), else_=0)),
        )
        .select_from(VerdictRow)
        .join(PostRow, PostRow.id == VerdictRow.post_id)
        .where(PostRow.created_at >= window.start, PostRow.created_at < window.end)
        .group_by(b)
        .order_by(b)
    )
    points = []
    for t, total, flagged, removed in session.execute(stmt):
        points.append(Point(from_epoch(t), "flagged", (flagged or 0) / total))
        points.append(Point(from_epoch(t), "removed", (removed or 0) / total))
    return points


def rule_hits(session: Session, window: Window, bucket_s: int, top: int = 8) -> list[Point]:
    """Hits per bucket for the `top` rules that moved most in the last bucket vs their median."""
    b = bucket(session, PostRow.created_at, bucket_s)
    stmt = (
        select(b, VerdictRow.rules)
        .select_from(VerdictRow)
        .join(PostRow, PostRow.id == VerdictRow.post_id)
        .where(
            PostRow.created_at >= window.start,
            PostRow.created_at < window.end,
            cast(VerdictRow.rules, String) != "[]",
        )
    )
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for t, rules in session.execute(stmt):
        for rule in set(rules or ()):
            counts[rule][t] += 1
    if not counts:
        return []
    buckets = sorted({t for c in counts.values() for t in c})
    last = buckets[-1]

    def movement(rule: str) -> float:
        earlier = sorted(counts[rule][t] for t in buckets[:-1]) or [0]
        return counts[rule][last] - earlier[len(earlier) // 2]

    movers = sorted(counts, key=movement, reverse=True)[:top]
    return [Point(from_epoch(t), rule, counts[rule][t]) for rule in movers for t in buckets]


def _rate_by(session: Session, window: Window, bucket_s: int, group: Any) -> list[Point]:
    b = bucket(session, PostRow.created_at, bucket_s)
    stmt = (
        select(b, group, func.count())
        .where(PostRow.created_at >= window.start, PostRow.created_at < window.end)
        .group_by(b, group)
        .order_by(b)
    )
    minutes = bucket_s / 60
    return [Point(from_epoch(t), str(g), n / minutes) for t, g, n in session.execute(stmt)]
