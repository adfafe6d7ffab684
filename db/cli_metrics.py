"""Commands for engineers: `metrics` and `alerts`, plus the telemetry set-up ingest shares.

An edge: it reads the environment (for the OTEL_* variables) and owns the transactions.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from db import alerts, metrics
from db.engine import make_engine, make_sessionmaker
from db.gauges import observe_database
from db.migrate import upgrade
from db.stream import stream_health
from moderation.config import Settings
from moderation.errors import ModerationError
from moderation.observability import Telemetry, configure

ANCHOR_HELP = (
    "end of the window (ISO time, e.g. 2025-01-19T12:00Z); default: the newest post time in the"
    " database, so a replayed or simulated surge is measured as it happened"
)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("metrics", help="print surge aggregates from DATABASE_URL as JSON")
    p.add_argument("--since", default="24h", help="window length: 90m, 24h, 7d (default 24h)")
    p.add_argument("--until", default=None, help=ANCHOR_HELP)
    p.add_argument("--no-scan", action="store_true", help="list stored alerts without rescanning")
    p.set_defaults(run=cmd_metrics)

    p = sub.add_parser("alerts", help="scan the window for anomalies, store and print them")
    p.add_argument("--since", default="24h", help="window length: 90m, 24h, 7d (default 24h)")
    p.add_argument("--until", default=None, help=ANCHOR_HELP)
    p.set_defaults(run=cmd_alerts)


def cmd_metrics(args: argparse.Namespace, settings: Settings) -> int:
    Session = _sessionmaker(settings)
    window = _window(Session, args)
    if not args.no_scan:
        with Session.begin() as session:
            alerts.scan(session, window.start, window.end)
    with Session() as session:
        result = metrics.surge_metrics(session, window).as_dict()
    result["stream"] = stream_health(settings.redis_url)
    print(json.dumps(result, default=str, ensure_ascii=False, indent=2))
    return 0


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    Session = _sessionmaker(settings)
    window = _window(Session, args)
    with Session.begin() as session:
        found = alerts.scan(session, window.start, window.end)
    print(json.dumps([a.as_dict() for a in found], ensure_ascii=False, indent=2))
    return 0


def start_telemetry(
    Session: sessionmaker[Session], service: str, metrics_port: int | None
) -> Telemetry | None:
    """Install the SDK from OTEL_* (and --metrics-port) and export the database gauges."""
    telemetry = configure(os.environ, service=service, metrics_port=metrics_port)
    if telemetry is not None:
        observe_database(Session)
    return telemetry


def scan_recent_alerts(Session: sessionmaker[Session], hours: int = 24) -> None:
    """After an ingest: scan the last `hours` of post time for alerts."""
    with Session.begin() as session:
        window = metrics.resolve_window(session, timedelta(hours=hours))
        alerts.scan(session, window.start, window.end)


def _sessionmaker(settings: Settings) -> sessionmaker[Session]:
    upgrade(make_engine(settings.database_url))
    return make_sessionmaker(settings.database_url)


def _window(Session: sessionmaker[Session], args: argparse.Namespace) -> metrics.Window:
    since = metrics.parse_duration(args.since)
    with Session() as session:
        return metrics.resolve_window(session, since, _parse_time(args.until))


def _parse_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as err:
        raise ModerationError(f"cannot read --until {text!r}: use an ISO time") from err
    return value if value.tzinfo else value.replace(tzinfo=UTC)
