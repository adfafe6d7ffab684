"""The policy `make run` builds, run over probe sentences (for the probe reports)."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path

from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.pipeline import Policy, moderate_batch
from moderation.types import Author, Post, Verdict


def verdicts_for(
    texts: Sequence[str],
    *,
    models: str,
    rules: str,
    classifiers: str,
    minilm_precision: str = "auto",
) -> tuple[Policy, list[Verdict]]:
    """The policy from these settings, and its verdict on each text (one anonymous author)."""
    env = {
        "MODELS_DIR": models,
        "RULES_DIR": rules,
        "CLASSIFIERS": classifiers,
        "MINILM_PRECISION": minilm_precision,
    }
    policy = build_policy(Settings.from_env(env))
    posts = [Post(id=str(i), text=text, author=Author(id="a")) for i, text in enumerate(texts)]
    return policy, moderate_batch(posts, policy=policy)


def read_rows(path: Path) -> list[dict[str, str]]:
    """A probe file's rows, by its header."""
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def probe_parser(description: str | None, verbose: str) -> argparse.ArgumentParser:
    """The options every probe report takes: the models, the rules pack, and -v (`verbose`)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--models", default="moderation/models")
    parser.add_argument("--rules", default="rules/policies")
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose)
    return parser


def run_linear_probes(
    description: str | None, verbose: str, probes: list[dict[str, str]]
) -> tuple[argparse.Namespace, Policy, list[Verdict]]:
    """Parse the common options and judge every probe's `text` with linear.v2 and the rules."""
    args = probe_parser(description, verbose).parse_args()
    policy, verdicts = verdicts_for(
        [p["text"] for p in probes], models=args.models, rules=args.rules, classifiers="linear.v2"
    )
    return args, policy, verdicts
