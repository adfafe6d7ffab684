"""Daily action caps: the circuit breaker that stops a runaway rule from removing everything.

A live rule with `daily_cap: N` removes at most N posts per UTC day. Counting needs the stored
verdicts, and the pipeline is pure, so the cap is enforced here at the database edge, after
`moderate_batch` and in the same transaction that stores the batch: a verdict whose removal
comes only from rules already at their cap is stored as `review` with a reason saying why.

Several writers (stream workers) must not both read "one removal left" and both remove. On
PostgreSQL a transaction-scoped advisory lock serialises the count-then-store of batches that
carry a capped removal (others never take it); it is released when the storing transaction ends.
On SQLite the store's write from a read snapshot another writer has since changed fails with
SQLITE_BUSY instead, so the batch is retried, never double-counted.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import String, cast, func, select, text
from sqlalchemy.orm import Session

from db.models import VerdictRow
from moderation.types import Action, Verdict

# A verdict's removal also comes from a classifier threshold; decide() writes this in its reason.
_THRESHOLD_REMOVE = "≥ remove threshold"
CAPS_LOCK = zlib.crc32(b"moderation.daily_caps")  # the advisory lock's key, any fixed bigint


def daily_caps(ruleset: object) -> dict[str, int]:
    """Capped live removal rules of a compiled ruleset: {rule id: cap}."""
    return {
        r.id: r.daily_cap
        for r in getattr(ruleset, "rules", ())
        if r.daily_cap and r.status == "live" and r.action == "remove"
    }


def removals_today(session: Session, rule_ids: Sequence[str], now: datetime) -> dict[str, int]:
    """How many stored verdicts since UTC midnight removed a post with each rule among its hits."""
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    as_text = cast(VerdictRow.rules, String)
    counts = {}
    for rule_id in rule_ids:
        # `rules` is a JSON list; its text holds `"rule_id"` exactly when the rule is in it.
        counts[rule_id] = (
            session.scalar(
                select(func.count())
                .select_from(VerdictRow)
                .where(
                    VerdictRow.action == Action.REMOVE.value,
                    VerdictRow.created_at >= midnight,
                    as_text.contains(f'"{rule_id}"', autoescape=True),
                )
            )
            or 0
        )
    return counts


def apply_caps(
    session: Session, verdicts: Sequence[Verdict], ruleset: object, *, now: datetime | None = None
) -> list[Verdict]:
    """The verdicts, with removals past a rule's daily cap sent to review instead."""
    caps = daily_caps(ruleset)
    if not caps or not any(v.action is Action.REMOVE for v in verdicts):
        return list(verdicts)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CAPS_LOCK})
    counts = removals_today(session, sorted(caps), now or datetime.now(UTC))
    out = []
    for v in verdicts:
        capped = [r for r in v.rules if r in caps] if v.action is Action.REMOVE else []
        if capped:
            v = _capped(v, capped, caps, counts)
        out.append(v)
    return out


def _capped(v: Verdict, capped: list[str], caps: dict[str, int], counts: dict[str, int]) -> Verdict:
    removing = {h.rule_id for h in v.hits if h.action == "remove" and not h.shadow}
    open_ = [r for r in removing if r not in caps or counts[r] < caps[r]]
    if open_ or any(_THRESHOLD_REMOVE in reason for reason in v.reasons):
        for r in capped:
            counts[r] += 1  # the post is removed anyway; it counts towards each capped rule
        return v
    reasons = [f"rule {r}: daily cap of {caps[r]} removals reached; sent to review" for r in capped]
    return dataclasses.replace(v, action=Action.REVIEW, reasons=v.reasons + tuple(reasons))
