"""`moderation.thresholds`: operating points read off calibration negatives."""

from __future__ import annotations

import numpy as np
import pytest

from moderation.thresholds import FLOORS, no_looser_than, thresholds_at_fpr

FAST = {"toxicity": {"review": 0.5, "remove": 0.9}, "spam": {"review": 0.72, "remove": 0.996}}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        # Stricter than the fast model: the fast model's, so Han posts keep their verdicts.
        ({"toxicity": {"review": 0.53, "remove": 0.93}}, {"review": 0.5, "remove": 0.9}),
        # Already more sensitive: kept.
        ({"toxicity": {"review": 0.5, "remove": 0.85}}, {"review": 0.5, "remove": 0.85}),
    ],
)
def test_a_refining_stage_never_loosens_the_fast_models_thresholds(
    chosen: dict[str, dict[str, float]], expected: dict[str, float]
) -> None:
    assert no_looser_than(chosen, FAST) == {"toxicity": expected}


def test_a_label_the_fast_model_lacks_keeps_the_stages_own() -> None:
    chosen = {"insult": {"review": 0.6, "remove": 0.95}}
    assert no_looser_than(chosen, FAST) == chosen


def test_a_stage_has_thresholds_only_for_the_labels_it_re_scores() -> None:
    negatives = {"toxicity": np.linspace(0.0, 0.2, 1001)}  # the stage re-scores toxicity only
    limits = no_looser_than(thresholds_at_fpr(negatives), FAST)
    assert limits == {"toxicity": {"review": 0.5, "remove": 0.9}}  # the floors; spam: FAST's


@pytest.mark.parametrize("top", [0.2, 0.999])
def test_thresholds_sit_at_the_target_rates_and_never_below_the_floors(top: float) -> None:
    negatives = np.linspace(0.0, top, 10_001)
    limits = thresholds_at_fpr({"toxicity": negatives})["toxicity"]
    assert limits["review"] == max(FLOORS[0], round(top * 0.99, 4))
    assert limits["remove"] == max(FLOORS[1], round(top * 0.999, 4))
