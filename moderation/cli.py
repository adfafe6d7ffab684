"""The pure commands: simulate and score. Nothing here touches the database."""

from __future__ import annotations

import argparse
import json
import sys
from typing import BinaryIO

from moderation import training_cli
from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.pipeline import Policy, moderate_batch
from moderation.reader import read_batches
from moderation.simulate import simulate


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("simulate", help="write a simulated migration surge as JSONL to stdout")
    p.add_argument("--posts", type=int, default=1000, help="how many posts (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed; same seed, same posts")
    p.set_defaults(run=cmd_simulate)

    p = sub.add_parser("score", help="score a JSONL file of posts; one verdict per line to stdout")
    p.add_argument("file", help="path of a JSONL file, or - for stdin")
    p.set_defaults(run=cmd_score)

    training_cli.add_commands(sub)


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    out = sys.stdout
    for post in simulate(args.posts, args.seed):
        out.write(json.dumps(post, ensure_ascii=False) + "\n")
    return 0


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    policy = build_policy(settings)
    print_notices(policy)
    rejected = 0
    with open_input(args.file) as stream:
        for batch in read_batches(stream, settings.batch_size):
            for bad in batch.rejected:
                print(f"{args.file}:{bad.line_no}: skipped: {bad.reason}", file=sys.stderr)
            rejected += len(batch.rejected)
            for verdict in moderate_batch(batch.posts, policy=policy):
                sys.stdout.write(json.dumps(verdict.to_json(), ensure_ascii=False) + "\n")
    if rejected:
        print(f"{rejected} malformed line(s) skipped", file=sys.stderr)
    return 0


def open_input(path: str) -> BinaryIO:
    """The named file, or stdin for `-`, as bytes (invalid UTF-8 is judged per line)."""
    if path == "-":
        return _Unclosed(sys.stdin.buffer)  # type: ignore[return-value]
    return open(path, "rb")


class _Unclosed:
    """Wrap stdin so that `with` does not close it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def __enter__(self) -> BinaryIO:
        return self._stream

    def __exit__(self, *exc: object) -> None:
        return None


def print_notices(policy: Policy) -> None:
    """The backends this policy runs without (e.g. Detoxify's weights absent), on stderr."""
    for notice in policy.notices:
        print(f"notice: {notice}", file=sys.stderr)
