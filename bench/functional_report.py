"""Functional probes: hate, threats and insults the product must flag, and the look-alikes it must
not (negated hate, counter-speech, people naming their identity, violent idioms, swearing in
praise, newcomers).

    PYTHONPATH=. .venv/bin/python bench/functional_report.py [--models moderation/models] [-v]

In the spirit of HateCheck (Röttger et al. 2021), in English and Chinese; the sentences are our
own (`bench/data/functional_probes.csv`) and none of them is a training template. Prints, per
category and language, the share the whole policy (models + rules pack) flags, and the share the
toxicity model alone puts at or above its review threshold; `-v` lists every wrong verdict.
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

from bench.probe_policy import verdicts_for
from moderation.types import Action

PROBES = Path(__file__).with_name("data") / "functional_probes.csv"


def read_probes() -> list[dict[str, str]]:
    """Rows of `category, expect, lang, text`."""
    with PROBES.open(newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="moderation/models")
    parser.add_argument("--rules", default="rules/policies")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong verdict")
    parser.add_argument(
        "--classifiers", default="linear.v2", help="CLASSIFIERS, e.g. linear.v2,minilm.v1"
    )
    parser.add_argument(
        "--minilm-precision", default="auto", help="MINILM_PRECISION: auto, fp32 or bf16"
    )
    args = parser.parse_args()
    probes = read_probes()
    policy, verdicts = verdicts_for(
        [p["text"] for p in probes],
        models=args.models,
        rules=args.rules,
        classifiers=args.classifiers,
        minilm_precision=args.minilm_precision,
    )
    review = policy.thresholds["toxicity"].review
    groups: dict[tuple[str, str, str], list[tuple[bool, bool]]] = defaultdict(list)
    wrong = []
    for probe, verdict in zip(probes, verdicts, strict=True):
        flagged = verdict.action is not Action.ALLOW
        model = verdict.scores.get("toxicity", 0.0) >= review
        groups[(probe["category"], probe["expect"], probe["lang"])].append((flagged, model))
        if flagged != (probe["expect"] == "flag"):
            wrong.append(
                f"  {verdict.action:<7} tox={verdict.scores.get('toxicity', 0):.2f} "
                f"{','.join(verdict.rules) or '-':<22} {probe['text']}"
            )
    print(f"{'category':<17} {'expect':<6} {'lang':<4} {'n':>3} {'policy':>7} {'model':>7}")
    for (category, expect, lang), rows in groups.items():
        policy_share = sum(f for f, _ in rows) / len(rows)
        model_share = sum(m for _, m in rows) / len(rows)
        print(
            f"{category:<17} {expect:<6} {lang:<4} {len(rows):>3} "
            f"{policy_share:>7.0%} {model_share:>7.0%}"
        )
    right = len(probes) - len(wrong)
    print(f"policy right on {right} of {len(probes)} probes")
    if args.verbose:
        print("wrong verdicts:", *wrong, sep="\n")


if __name__ == "__main__":
    main()
