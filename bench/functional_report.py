"""Functional probes: hate, threats and insults the product must flag, and the look-alikes it must
not (negated hate, counter-speech, people naming their identity, violent idioms, swearing in
praise, newcomers).

    PYTHONPATH=. .venv/bin/python bench/functional_report.py [--models moderation/models] [-v]
        [--spelling]

In the spirit of HateCheck (Röttger et al. 2021), in English and Chinese; the sentences are our
own (`bench/data/functional_probes.csv`) and none of them is a training template. Prints, per
category and language, the share the whole policy (models + rules pack) flags, and the share the
toxicity model alone puts at or above its review threshold; `-v` lists every wrong verdict.
`--spelling` also scores the English probes to flag under HateCheck's five spelling variations
(`bench/spelling.py`): how much of what is caught survives a typo.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bench.probe_policy import probe_parser, read_rows, verdicts_for
from bench.spelling import VARIATIONS
from moderation.types import Action, Verdict

PROBES = Path(__file__).with_name("data") / "functional_probes.csv"


def read_probes() -> list[dict[str, str]]:
    """Rows of `category, expect, lang, text`."""
    return read_rows(PROBES)


def main() -> None:
    parser = probe_parser(__doc__, "list every wrong verdict")
    parser.add_argument(
        "--classifiers", default="linear.v2", help="CLASSIFIERS, e.g. linear.v2,minilm.v1"
    )
    parser.add_argument(
        "--minilm-precision", default="auto", help="MINILM_PRECISION: auto, fp32 or bf16"
    )
    parser.add_argument(
        "--spelling",
        action="store_true",
        help="also score HateCheck-style spelling variations of the English probes to flag",
    )
    args = parser.parse_args()
    probes = read_probes()
    hateful = [p["text"] for p in probes if p["expect"] == "flag" and p["lang"] == "en"]
    variants = [vary(t) for vary in VARIATIONS.values() for t in hateful] if args.spelling else []
    policy, verdicts = verdicts_for(
        [p["text"] for p in probes] + variants,
        models=args.models,
        rules=args.rules,
        classifiers=args.classifiers,
        minilm_precision=args.minilm_precision,
    )
    review = policy.thresholds["toxicity"].review
    verdicts, varied = verdicts[: len(probes)], verdicts[len(probes) :]
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
    if args.spelling:
        report_spelling(hateful, variants, varied, review, verbose=args.verbose)


def report_spelling(
    hateful: list[str],
    variants: list[str],
    verdicts: list[Verdict],
    review: float,
    *,
    verbose: bool,
) -> None:
    """Share of the English hateful probes still flagged under each spelling variation."""
    print(f"\nspelling variations of the {len(hateful)} English probes to flag")
    print(f"{'variation':<17} {'policy':>7} {'model':>7}")
    missed = []
    for k, name in enumerate(VARIATIONS):
        rows = verdicts[k * len(hateful) : (k + 1) * len(hateful)]
        flagged = sum(v.action is not Action.ALLOW for v in rows)
        model = sum(v.scores.get("toxicity", 0.0) >= review for v in rows)
        print(f"{name:<17} {flagged:>3}/{len(rows):<3} {model:>3}/{len(rows):<3}")
        texts = variants[k * len(hateful) : (k + 1) * len(hateful)]
        missed += [
            f"  tox={v.scores.get('toxicity', 0):.2f} {t}"
            for t, v in zip(texts, rows, strict=True)
            if v.action is Action.ALLOW
        ]
    if verbose:
        print("variations allowed:", *missed, sep="\n")


if __name__ == "__main__":
    main()
