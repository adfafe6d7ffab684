"""Commands that persist: `ingest`, `migrate`, `users` (loaded by `python -m moderation`)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import signal
import socket
import sys
from contextlib import AbstractContextManager, nullcontext

from db import cli_metrics as metrics_cli
from db.accounts import AccountError, Role, create_user, list_users, role_of
from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from db.workbench import LivePolicy, live_ruleset_for
from moderation.assemble import build_policy
from moderation.cli import open_input, print_notices
from moderation.config import Settings
from moderation.parallel import ModerationPool
from moderation.pipeline import Policy

PASSWORD_ENV = "MODERATION_PASSWORD"


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
    p.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes moderating batches (default: CPU count; 1 = all in this process)",
    )
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(run=cmd_migrate)
    metrics_cli.add_commands(sub)

    p = sub.add_parser("publish", help="append a JSONL file of posts to the Redis stream")
    p.add_argument("file", help="path of a JSONL file, or - for stdin")
    p.set_defaults(run=cmd_publish)

    p = sub.add_parser("worker", help="consume the Redis stream, score and store in DATABASE_URL")
    p.add_argument(
        "--consumer",
        default=f"{socket.gethostname()}-{os.getpid()}",
        help="this worker's name in the consumer group (default host-pid)",
    )
    p.add_argument(
        "--claim-idle-ms",
        type=int,
        default=30_000,
        help="take over a dead worker's entries after this idle time (default 30000)",
    )
    p.add_argument(
        "--until-idle",
        action="store_true",
        help="exit once the stream is drained instead of waiting for more",
    )
    p.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve Prometheus metrics (stream lag, pending, redeliveries) on this port",
    )
    p.set_defaults(run=cmd_worker)

    users = sub.add_parser("users", help="manage dashboard accounts").add_subparsers(
        dest="users_command", required=True
    )
    p = users.add_parser("add", help="add a local account (argon2-hashed password)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument(
        "--password",
        help=f"the password; otherwise ${PASSWORD_ENV}, otherwise asked for on the terminal",
    )
    p.add_argument("--exist-ok", action="store_true", help="do nothing if the name is taken")
    p.set_defaults(run=cmd_users_add)
    p = users.add_parser("list", help="list accounts and roles")
    p.set_defaults(run=cmd_users_list)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(make_engine(settings.database_url))
    print(f"schema up to date: {_safe_url(settings.database_url)}", file=sys.stderr)
    return 0


def cmd_users_add(args: argparse.Namespace, settings: Settings) -> int:
    password = args.password or os.environ.get(PASSWORD_ENV) or getpass.getpass("password: ")
    upgrade(make_engine(settings.database_url))
    Session = make_sessionmaker(settings.database_url)
    try:
        with Session.begin() as session:
            if args.exist_ok and role_of(session, args.name) is not None:
                print(f"user {args.name} exists; left as is", file=sys.stderr)
                return 0
            actor = create_user(session, args.name, Role(args.role), password)
    except AccountError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"added {actor.name} ({actor.role})", file=sys.stderr)
    return 0


def cmd_users_list(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(make_engine(settings.database_url))
    with make_sessionmaker(settings.database_url)() as session:
        for actor in list_users(session):
            print(f"{actor.name}\t{actor.role}")
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    upgrade(make_engine(settings.database_url))
    Session = make_sessionmaker(settings.database_url)
    policy = build_policy(settings, live_ruleset_for(Session, settings))
    print_notices(policy)
    # The pool forks its workers now, before telemetry or the progress bar start any thread.
    with _pool(policy, args.jobs) as pool:
        telemetry = metrics_cli.start_telemetry(Session, "moderation-ingest", args.metrics_port)
        bar = _progress_bar(args)
        with open_input(args.file) as stream:
            summary = ingest_lines(
                Session,
                stream,
                source=args.file,
                policy=policy,
                batch_size=settings.batch_size,
                on_batch=bar.update if bar else None,
                pool=pool,
            )
    if bar:
        bar.close()
    metrics_cli.scan_recent_alerts(Session)
    if telemetry:
        telemetry.shutdown()
    print(json.dumps(summary.as_dict()))
    return 0


def _pool(policy: Policy, jobs: int) -> AbstractContextManager[ModerationPool | None]:
    if jobs <= 1:
        return nullcontext()
    return ModerationPool(policy, jobs)


def cmd_publish(args: argparse.Namespace, settings: Settings) -> int:
    from redis import Redis

    from db.stream import publish

    upgrade(make_engine(settings.database_url))
    Session = make_sessionmaker(settings.database_url)
    with open_input(args.file) as stream:
        summary = publish(Redis.from_url(settings.redis_url), Session, stream, source=args.file)
    print(
        json.dumps(
            {
                "read": summary.read,
                "published": summary.published,
                "dead_letters": summary.dead_letters,
            }
        )
    )
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from redis import Redis

    from db.stream import Worker, observe_stream

    Session = make_sessionmaker(settings.database_url)
    upgrade(Session.kw["bind"])
    redis = Redis.from_url(settings.redis_url)
    if metrics_cli.start_telemetry(Session, "moderation-worker", args.metrics_port):
        observe_stream(redis)
    policy = build_policy(settings, live_ruleset_for(Session, settings))
    print_notices(policy)
    worker = Worker(
        redis=redis,
        Session=Session,
        policy=policy,
        consumer=args.consumer,
        batch_size=settings.batch_size,
        claim_idle_ms=args.claim_idle_ms,
        refresh=LivePolicy(Session, settings, policy).current,  # deploys apply between batches
    )
    # SIGTERM finishes the batch in hand (stored and acknowledged), then exits.
    signal.signal(signal.SIGTERM, lambda *_: worker.stop.set())
    stored = worker.run(until_idle=args.until_idle)
    print(json.dumps({"consumer": args.consumer, "stored": stored}))
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
