"""Commands that persist: `ingest` and `migrate` (loaded by `python -m moderation`)."""

from __future__ import annotations

import argparse
import json
import sys

from db import cli_metrics as metrics_cli
from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from moderation.assemble import build_policy
from moderation.cli import open_input
from moderation.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ingest", help="score and store a JSONL file in DATABASE_URL")
    p.add_argument("file", help="path of a JSONL file, or - for stdin")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve Prometheus metrics on this port while ingesting (turns telemetry on)",
    )
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(run=cmd_migrate)
    metrics_cli.add_commands(sub)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(make_engine(settings.database_url))
    print(f"schema up to date: {_safe_url(settings.database_url)}", file=sys.stderr)
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(make_engine(settings.database_url))
    Session = make_sessionmaker(settings.database_url)
    telemetry = metrics_cli.start_telemetry(Session, "moderation-ingest", args.metrics_port)
    policy = build_policy(settings)
    bar = _progress_bar(args)
    with open_input(args.file) as stream:
        summary = ingest_lines(
            Session,
            stream,
            source=args.file,
            policy=policy,
            batch_size=settings.batch_size,
            on_batch=bar.update if bar else None,
        )
    if bar:
        bar.close()
    metrics_cli.scan_recent_alerts(Session)
    if telemetry:
        telemetry.shutdown()
    print(json.dumps(summary.as_dict()))
    return 0


def _progress_bar(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if args.no_progress or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    total = None
    if args.file != "-":
        with open(args.file, "rb") as stream:
            total = sum(1 for _ in stream)
    return tqdm(total=total, unit="posts", file=sys.stderr)


def _safe_url(url: str) -> str:
    # Never echo a password to a terminal or a log.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
