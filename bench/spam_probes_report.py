"""Spam probes beyond the training corpora: Chinese ads with no link and often no handle, and
English scams of kinds SMS and YouTube comments hardly show (crypto, phishing, giveaways,
follower selling), each against ordinary posts that talk about money, sales, links and jobs.

    PYTHONPATH=. .venv/bin/python bench/spam_probes_report.py [--models moderation/models] [-v]

No corpus in `../shared/data` has Chinese spam, so the spam score of a Chinese post comes from the
language-neutral cues and their Chinese vocabulary (`moderation/cue_phrases_zh.py`); English
scams lean on the same cues. The probes (`bench/data/spam_probes_{zh,en}.csv`, our own sentences)
come in sets, by when they were written: `design` while choosing the cue vocabulary, `revision`
to check it (one round of changes followed), `revision_2` after that vocabulary was frozen (the
held-out set until the 23rd stop, whose vocabulary round read its misses), and `held_out`,
written for the 23rd stop by a session that saw neither the vocabulary nor the other probes.
Only `held_out` measures how the vocabulary generalises. Per language and set: AUC of the `spam`
label, and the shares of spam and of ordinary posts at or above the spam review threshold and
flagged by the whole policy (models + rules pack: a spam score alone flags only a Chinese post at
≥ 0.99, see rules/policies/spam.yaml).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from bench.probe_policy import read_rows, run_linear_probes
from moderation.classifiers.linear import LinearClassifier
from moderation.types import Action

DATA = Path(__file__).with_name("data")


def read_probes() -> list[dict[str, str]]:
    """Rows of `lang, set, category, expect, text`, Chinese first."""
    rows = []
    for lang in ("zh", "en"):
        rows += [{"lang": lang, **row} for row in read_rows(DATA / f"spam_probes_{lang}.csv")]
    return rows


def main() -> None:
    probes = read_probes()
    args, policy, verdicts = run_linear_probes(__doc__, "list every probe's score", probes)
    # The policy acts on spam through rules only, so the threshold is linear.v2's own.
    (linear,) = policy.classifiers
    assert isinstance(linear, LinearClassifier)
    review = linear.thresholds["spam"]["review"]
    score = np.array([v.scores.get("spam", 0.0) for v in verdicts])
    flagged = np.array([v.action is not Action.ALLOW for v in verdicts])
    spam = np.array([p["expect"] == "spam" for p in probes])
    print(f"spam review threshold {review:.3f}")
    print("lang set       spam  ham    AUC  score >= review  policy flags")
    print("                                 spam    ham    spam   ham")
    for lang, name in dict.fromkeys((p["lang"], p["set"]) for p in probes):
        m = np.array([(p["lang"], p["set"]) == (lang, name) for p in probes])
        s, h = m & spam, m & ~spam
        auc = roc_auc_score(spam[m], score[m])
        print(
            f"{lang:<4} {name:<9} {s.sum():>4} {h.sum():>4} {auc:>6.3f}  "
            f"{np.mean(score[s] >= review):>7.0%} {np.mean(score[h] >= review):>6.0%}  "
            f"{flagged[s].mean():>6.0%} {flagged[h].mean():>5.0%}"
        )
    if args.verbose:
        for p, value, verdict in zip(probes, score, verdicts, strict=True):
            print(f"  {value:.2f} {verdict.action:<7} {p['set']:<9} {p['expect']:<4} {p['text']}")


if __name__ == "__main__":
    main()
