"""Per-rule activity for the workbench's pack page: recent hits and moderator agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ReviewEventRow, VerdictRow


@dataclass
class RuleActivity:
    hits_hour: int = 0
    hits_day: int = 0  # shadow hits included: that is what a shadow rule is for
    removed: int = 0  # moderator removals of posts the rule flagged
    approved: int = 0

    @property
    def precision(self) -> float | None:
        decided = self.removed + self.approved
        return self.removed / decided if decided else None


def rule_activity(
    session: Session, *, now: datetime | None = None, days: int = 7
) -> dict[str, RuleActivity]:
    """Hits in the last hour and day, and moderators' removals/approvals over `days`."""
    now = now or datetime.now(UTC)
    out: dict[str, RuleActivity] = {}
    hour = now - timedelta(hours=1)
    rows = session.execute(
        select(VerdictRow.created_at, VerdictRow.rules, VerdictRow.matches).where(
            VerdictRow.created_at >= now - timedelta(days=1)
        )
    )
    for created, rules, matches in rows:
        shadow = {m["rule"] for m in matches or () if m.get("shadow")}
        for rule in {*rules, *shadow}:
            stats = out.setdefault(rule, RuleActivity())
            stats.hits_day += 1
            stats.hits_hour += _aware(created) >= hour
    events = session.execute(
        select(ReviewEventRow.rules, ReviewEventRow.action).where(
            ReviewEventRow.created_at >= now - timedelta(days=days),
            ReviewEventRow.action.in_(("remove", "approve")),
        )
    )
    for rules, action in events:
        for rule in filter(None, rules.split(",")):
            stats = out.setdefault(rule, RuleActivity())
            if action == "remove":
                stats.removed += 1
            else:
                stats.approved += 1
    return out


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without a zone; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
