"""Operating thresholds per label, chosen on the calibration split (never on test rows).

The surge's constraint is reviewer capacity and newcomers' trust: a friendly post flagged is worse
than a borderline insult missed for an hour. So thresholds are read off the score distribution of
*negatives* at a target false-positive rate, at the realistic prevalence of wiki_talk for toxicity
and over every kind of ham for spam, and never go below a floor probability.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from moderation.corpora import PREVALENCE_SOURCE

# Target false-positive rates on held-out negatives (review, remove), per label.
FPRS = {"toxicity": (0.01, 0.001), "spam": (0.005, 0.0005)}
FLOORS = (0.5, 0.9)  # a flag always means "more likely than not" on the calibration mix


def calibration_negatives(rows: pd.DataFrame) -> np.ndarray:
    """Mask of the calibration split's negatives; only wiki_talk's when it is among them (the
    corpus at production prevalence)."""
    mask = ((rows.split == "calib") & (rows.label == 0)).to_numpy()
    wiki = (rows.source == PREVALENCE_SOURCE).to_numpy()
    return mask & wiki if (mask & wiki).any() else mask


def thresholds_at_fpr(negatives: Mapping[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Review and remove thresholds per label from the scores of its calibration negatives."""
    return {label: _at_fpr(scores, FPRS[label]) for label, scores in negatives.items()}


def no_looser_than(
    chosen: dict[str, dict[str, float]], fast: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """A refining stage's thresholds, never above the fast model's: one threshold per label
    judges every post, and the posts the stage does not re-score (Han script, outside its bands)
    keep the fast model's scores, which its own thresholds were chosen for. A label the stage
    never re-scores has no thresholds of its own: the fast model's apply."""
    return {
        label: {k: min(v, fast.get(label, {}).get(k, v)) for k, v in limits.items()}
        for label, limits in chosen.items()
    }


def _at_fpr(negatives: np.ndarray, fprs: tuple[float, float]) -> dict[str, float]:
    review, remove = (
        max(float(np.quantile(negatives, 1.0 - fpr)), floor)
        for fpr, floor in zip(fprs, FLOORS, strict=True)
    )
    return {"review": round(review, 4), "remove": round(max(remove, review), 4)}
