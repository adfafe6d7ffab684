"""Observable gauges read from the database at collection time (each scrape or export).

Registered by an edge after it installs the SDK; nothing is queried between collections, so the
ingest path pays nothing for them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation
from sqlalchemy.orm import Session, sessionmaker

from db import alerts, review_metrics
from db.metrics import newest_post_time
from moderation.telemetry import ALERTS_ACTIVE, QUEUE_DEPTH, SCOPE

logger = logging.getLogger(__name__)

# An alert counts as active while its window ended less than this before the newest data.
ACTIVE_FOR = timedelta(hours=1)


def observe_database(Session: sessionmaker[Session]) -> None:
    """Export queue depth per queue and active alerts per kind as gauges."""
    meter = metrics.get_meter(SCOPE)
    meter.create_observable_gauge(
        QUEUE_DEPTH,
        callbacks=[lambda options: _queue_depth(Session, options)],
        unit="{item}",
        description="pending review items per queue",
    )
    meter.create_observable_gauge(
        ALERTS_ACTIVE,
        callbacks=[lambda options: _alerts_active(Session, options)],
        unit="{alert}",
        description="anomaly alerts in the last hour of data, per kind",
    )


def _queue_depth(
    Session: sessionmaker[Session], _options: CallbackOptions
) -> Iterable[Observation]:
    with Session() as session:
        stats = review_metrics.queue_stats(session, datetime.now(UTC))
    return [Observation(s.depth, {"queue": s.queue}) for s in stats]


def _alerts_active(
    Session: sessionmaker[Session], _options: CallbackOptions
) -> Iterable[Observation]:
    now = datetime.now(UTC)
    with Session() as session:
        # Post-time alerts of a replayed surge are "now" relative to the newest post.
        anchor = min(newest_post_time(session) or now, now)
        counts = alerts.active_counts(session, anchor - ACTIVE_FOR)
    return [Observation(n, {"kind": kind}) for kind, n in counts.items()]
