"""`python -m rules check|test [DIR]` and `python -m rules backtest --since 24h [--draft DIR]`.

The edge policy staff, CI and pre-commit run.

check: every error in every file, compiler style (file:line:col), exit 1 if any.
test:  check, then run each rule's `examples:`; exit 1 on any error or failing example.
backtest: the draft pack against the live one over stored posts (DATABASE_URL, RULES_SOURCE).
"""

from __future__ import annotations

import argparse
import sys

from rules.errors import RulesError
from rules.examples import run_examples
from rules.loader import read_pack

DEFAULT_DIR = "rules/policies"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rules", description=__doc__)
    parser.add_argument("command", choices=["check", "test"])
    parser.add_argument("dir", nargs="?", default=DEFAULT_DIR, help=f"default {DEFAULT_DIR}")
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["backtest"]:
        return _backtest(argv[1:])
    args = parser.parse_args(argv)
    pack = read_pack(args.dir)
    if pack.errors:
        print(RulesError(pack.errors).rendered())
        return 1
    rules = pack.rules
    if args.command == "check":
        print(f"ok: {len(rules)} rules in {len(pack.sources)} files, version {pack.version}")
        return 0
    ran, failures = run_examples(pack)
    if failures:
        print(RulesError(failures).rendered())
        return 1
    print(f"ok: {ran} examples passed for {len(rules)} rules, version {pack.version}")
    return 0


def _backtest(argv: list[str]) -> int:
    # Imported here: checking a pack must not need the database packages.
    import os

    from db import backtest_cli
    from moderation.config import Settings

    parser = argparse.ArgumentParser(prog="python -m rules backtest")
    backtest_cli.add_arguments(parser)
    return backtest_cli.run(parser.parse_args(argv), Settings.from_env(os.environ))


if __name__ == "__main__":
    sys.exit(main())
