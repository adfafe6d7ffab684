"""Chinese abuse aimed at a person, against benign posts that share its words.

    PYTHONPATH=. .venv/bin/python bench/zh_insult_report.py [--models moderation/models] [-v]

COLD and SWSR, the Chinese corpora, are about groups (race, region, gender), so insults aimed at
the reader ("你脑子进水了吧", "楼上真是个弱智") are what the training data hardly shows. The 100
probes (`bench/data/zh_insult_probes.csv`: 50 to flag; 50 benign: literal, affectionate,
compliments, self-directed jokes, counter-speech) were written at the 23rd stop by a helper
session that saw neither the training templates nor the rules pack, and were read only to
measure. Prints the toxicity AUC and, per category, the share the model alone puts at or above
its review threshold and the share the whole policy flags; `-v` lists the wrong verdicts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from bench.probe_policy import read_rows, run_linear_probes
from moderation.types import Action

PROBES = Path(__file__).with_name("data") / "zh_insult_probes.csv"


def read_probes() -> list[dict[str, str]]:
    """Rows of `expect, category, text`."""
    return read_rows(PROBES)


def main() -> None:
    probes = read_probes()
    args, policy, verdicts = run_linear_probes(__doc__, "list the wrong verdicts", probes)
    review = policy.thresholds["toxicity"].review
    score = np.array([v.scores.get("toxicity", 0.0) for v in verdicts])
    flagged = np.array([v.action is not Action.ALLOW for v in verdicts])
    abuse = np.array([p["expect"] == "flag" for p in probes])
    print(f"toxicity AUC {roc_auc_score(abuse, score):.3f} (review threshold {review:.2f})")
    print("expect category          n  model  policy")
    for expect, category in dict.fromkeys((p["expect"], p["category"]) for p in probes):
        m = np.array([(p["expect"], p["category"]) == (expect, category) for p in probes])
        print(
            f"{expect:<6} {category:<15} {m.sum():>3} {np.mean(score[m] >= review):>6.0%} "
            f"{flagged[m].mean():>7.0%}"
        )
    right = flagged == abuse
    print(f"policy right on {right.sum()} of {len(probes)}")
    if args.verbose:
        for p, value, verdict, ok in zip(probes, score, verdicts, right, strict=True):
            if not ok:
                print(f"  {verdict.action:<7} {value:.2f} {p['category']:<15} {p['text']}")


if __name__ == "__main__":
    main()
