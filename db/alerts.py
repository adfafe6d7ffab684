"""Anomaly alerts: find them in the stored data, keep them with their evidence, list them.

`scan` is idempotent: an alert is keyed by (kind, subject, first hour) and a rescan updates it.
Kinds and the series each one watches:

    rule_rate            live rule hits per post, per rule id            (post time)
    queue_flag_rate      flagged verdicts per post, per queue            (post time)
    classifier_failures  verdicts with a classifier error, per post      (post time)
    dead_letters         dead letters per line received                  (ingest time)
    queue_growth         queue items in vs decided out, per queue        (review time)
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from db import review_metrics
from db.anomaly import GrowthConfig, HourCount, Spike, SpikeConfig, find_growth, find_spikes, runs
from db.models import AlertRow, DeadLetterRow, PostRow, VerdictRow
from db.timebuckets import bucket, from_epoch, utc

logger = logging.getLogger(__name__)

DEFAULT_SPIKES = SpikeConfig()
DEFAULT_GROWTH = GrowthConfig()
KINDS = ("rule_rate", "queue_flag_rate", "classifier_failures", "dead_letters", "queue_growth")


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    subject: str
    window_start: datetime
    window_end: datetime
    score: float
    observed: float
    expected: float
    message: str
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "score": round(self.score, 2),
            "observed": round(self.observed, 5),
            "expected": round(self.expected, 5),
            "message": self.message,
            "evidence": self.evidence,
        }


def scan(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
    spikes: SpikeConfig = DEFAULT_SPIKES,
    growth: GrowthConfig = DEFAULT_GROWTH,
) -> list[Alert]:
    """Find and store every alert whose hours fall in [start, end) (post time); return them.

    Dead letters and queue growth have no post time; they are scanned over the same span length
    ending at `now` (default: the wall clock).
    """
    start, end = utc(start), utc(end)
    now = utc(now or datetime.now(UTC))
    lookback = start - timedelta(hours=spikes.baseline_hours)
    found: list[Alert] = []
    totals = _posts_per_hour(session, lookback, end)
    for kind, per_subject in (
        ("rule_rate", _rule_hits_per_hour(session, lookback, end)),
        ("queue_flag_rate", _flags_per_hour(session, lookback, end)),
        ("classifier_failures", _failures_per_hour(session, lookback, end)),
    ):
        for subject, hits in per_subject.items():
            series = [HourCount(h, hits.get(h, 0), n) for h, n in totals.items()]
            found += _spike_alerts(kind, subject, find_spikes(series, start, spikes))
    span = end - start
    lines = _lines_per_hour(session, now - span - timedelta(hours=spikes.baseline_hours), now)
    series = [HourCount(h, dead, n) for h, (dead, n) in lines.items()]
    found += _spike_alerts("dead_letters", "ingest", find_spikes(series, now - span, spikes))
    found += _growth_alerts(session, now - span, now, growth)
    for alert in found:
        _upsert(session, alert)
    return found


def list_alerts(session: Session, start: datetime, end: datetime) -> list[Alert]:
    """Stored alerts overlapping [start, end), newest first."""
    stmt = (
        select(AlertRow)
        .where(AlertRow.window_end >= utc(start), AlertRow.window_start < utc(end))
        .order_by(AlertRow.window_end.desc(), AlertRow.kind, AlertRow.subject)
    )
    return [_view(row) for row in session.scalars(stmt)]


def active_counts(session: Session, since: datetime) -> dict[str, int]:
    """Alerts per kind whose window ends at or after `since` (the exported gauge)."""
    stmt = (
        select(AlertRow.kind, func.count())
        .where(AlertRow.window_end >= utc(since))
        .group_by(AlertRow.kind)
    )
    counts = dict.fromkeys(KINDS, 0)
    counts.update(session.execute(stmt).all())
    return counts


def _spike_alerts(kind: str, subject: str, spikes: Sequence[Spike]) -> list[Alert]:
    alerts = []
    for run in runs(spikes):
        peak = max(run, key=lambda s: s.z)
        alerts.append(
            Alert(
                kind=kind,
                subject=subject,
                window_start=run[0].hour,
                window_end=run[-1].hour + timedelta(hours=1),
                score=peak.z,
                observed=peak.rate,
                expected=peak.baseline_rate,
                message=(
                    f"{kind.replace('_', ' ')} {subject}: {peak.rate:.2%} of posts in the hour"
                    f" from {peak.hour:%Y-%m-%d %H:00}, against a {peak.baseline_hours}h median"
                    f" of {peak.baseline_rate:.2%} (z={peak.z:.1f}, {len(run)}h)"
                ),
                evidence={"hours": [s.evidence() for s in run]},
            )
        )
    return alerts


def _growth_alerts(
    session: Session, start: datetime, end: datetime, config: GrowthConfig
) -> list[Alert]:
    alerts = []
    for flow in review_metrics.queue_flow(session, start, end):
        for first, last, total_in, total_out in find_growth(
            flow.hours, flow.inflow, flow.outflow, config
        ):
            hours = int((last - first).total_seconds() // 3600) + 1
            alerts.append(
                Alert(
                    kind="queue_growth",
                    subject=flow.queue,
                    window_start=first,
                    window_end=last + timedelta(hours=1),
                    score=total_in / max(total_out, 1),
                    observed=float(total_in),
                    expected=float(total_out),
                    message=(
                        f"queue {flow.queue} grew by {total_in - total_out} items in {hours}h:"
                        f" {total_in} in, {total_out} decided"
                    ),
                    evidence={"in": total_in, "out": total_out, "hours": hours},
                )
            )
    return alerts


def _posts_per_hour(session: Session, start: datetime, end: datetime) -> dict[datetime, int]:
    hour = bucket(session, PostRow.created_at, 3600)
    stmt = (
        select(hour, func.count())
        .where(PostRow.created_at >= start, PostRow.created_at < end)
        .group_by(hour)
    )
    return {from_epoch(h): n for h, n in session.execute(stmt)}


def _verdicts_in(session: Session, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    hour = bucket(session, PostRow.created_at, 3600)
    return hour, (
        select(hour)
        .select_from(VerdictRow)
        .join(PostRow, PostRow.id == VerdictRow.post_id)
        .where(PostRow.created_at >= start, PostRow.created_at < end)
    )


def _rule_hits_per_hour(
    session: Session, start: datetime, end: datetime
) -> dict[str, dict[datetime, int]]:
    hour, stmt = _verdicts_in(session, start, end)
    # JSON arrays are counted in Python: json_each / json_array_elements differ per dialect.
    stmt = stmt.add_columns(VerdictRow.rules).where(cast(VerdictRow.rules, String) != "[]")
    hits: dict[str, dict[datetime, int]] = defaultdict(lambda: defaultdict(int))
    for h, rules in session.execute(stmt):
        for rule in set(rules or ()):
            hits[rule][from_epoch(h)] += 1
    return hits


def _flags_per_hour(
    session: Session, start: datetime, end: datetime
) -> dict[str, dict[datetime, int]]:
    hour, stmt = _verdicts_in(session, start, end)
    queue = func.coalesce(VerdictRow.queue, "none")
    stmt = (
        stmt.add_columns(queue, func.count())
        .where(VerdictRow.action != "allow")
        .group_by(hour, queue)
    )
    flags: dict[str, dict[datetime, int]] = defaultdict(dict)
    for h, q, n in session.execute(stmt):
        flags[q][from_epoch(h)] = n
    return flags


def _failures_per_hour(
    session: Session, start: datetime, end: datetime
) -> dict[str, dict[datetime, int]]:
    hour, stmt = _verdicts_in(session, start, end)
    stmt = (
        stmt.add_columns(func.count())
        .where(VerdictRow.errors.is_not(None), cast(VerdictRow.errors, String) != "[]")
        .group_by(hour)
    )
    counts = {from_epoch(h): n for h, n in session.execute(stmt)}
    return {"classifiers": counts} if counts else {}


def _lines_per_hour(
    session: Session, start: datetime, end: datetime
) -> dict[datetime, tuple[int, int]]:
    """(dead letters, lines received) per ingest hour; lines = stored posts + dead letters."""
    out: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
    for column, model, dead in (
        (DeadLetterRow.created_at, DeadLetterRow, True),
        (PostRow.ingested_at, PostRow, False),
    ):
        hour = bucket(session, column, 3600)
        stmt = (
            select(hour, func.count())
            .select_from(model)
            .where(column >= start, column < end)
            .group_by(hour)
        )
        for h, n in session.execute(stmt):
            out[from_epoch(h)][1] += n
            if dead:
                out[from_epoch(h)][0] += n
    return {h: (d, n) for h, (d, n) in out.items()}


def _upsert(session: Session, alert: Alert) -> None:
    row = session.scalar(
        select(AlertRow).where(
            AlertRow.kind == alert.kind,
            AlertRow.subject == alert.subject,
            AlertRow.window_start == alert.window_start,
        )
    )
    if row is None:
        row = AlertRow(created_at=datetime.now(UTC))
        session.add(row)
    for name in ("kind", "subject", "window_start", "window_end", "score", "observed"):
        setattr(row, name, getattr(alert, name))
    row.expected, row.message, row.evidence = alert.expected, alert.message, alert.evidence
    session.flush()


def _view(row: AlertRow) -> Alert:
    return Alert(
        kind=row.kind,
        subject=row.subject,
        window_start=utc(row.window_start),
        window_end=utc(row.window_end),
        score=row.score,
        observed=row.observed,
        expected=row.expected,
        message=row.message,
        evidence=row.evidence,
    )
