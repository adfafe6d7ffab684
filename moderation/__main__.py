"""`python -m moderation COMMAND`: the command-line edge.

This file is the only place in the package that reads the environment, and the only one that
reaches outside the pure pipeline: commands that persist (ingest, users, metrics, ...) live in
`db/cli.py` and are loaded by name here, so `moderation` itself never imports `db`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from moderation import cli
from moderation.config import Settings
from moderation.errors import ModerationError

# Modules that contribute subcommands through an `add_commands(subparsers)` function.
COMMAND_MODULES = ("db.cli",)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m moderation", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cli.add_commands(sub)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    args = parser.parse_args(argv)
    settings = Settings.from_env(os.environ)
    try:
        return int(args.run(args, settings))
    except ModerationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
