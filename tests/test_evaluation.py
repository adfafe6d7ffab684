"""Held-out metrics: AUC with its DeLong interval, rates at the artifact's thresholds."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from moderation.classifiers.linear import LinearClassifier
from moderation.evaluation import (
    FRIENDLY_KINDS,
    UNSEEN,
    SourceMetrics,
    _in_traditional,
    _metrics,
    auc_with_ci,
    evaluate_surge,
    held_out_rows,
    render_sources,
    render_surge,
)

THRESHOLDS = {"toxicity": {"review": 0.5, "remove": 0.9}}
SHIPPED_MODELS = Path(__file__).resolve().parent.parent / "moderation" / "models"


def test_delong_interval_of_a_hand_worked_case() -> None:
    # Positives 0.35 and 0.8 beat 1/2 and 2/2 negatives; negatives 0.1 and 0.4 lose to 2/2 and
    # 1/2 positives: variance = var(.5, 1)/2 + var(1, .5)/2 = 0.125, half-width 1.96·√0.125.
    auc, low, high = auc_with_ci(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    assert auc == pytest.approx(0.75)
    assert high == 1.0  # clipped
    assert low == pytest.approx(0.75 - 1.959964 * math.sqrt(0.125))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_matches_scikit_learn_and_its_interval_narrows_with_more_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    widths = []
    for n in (200, 2000):
        y = rng.integers(0, 2, n)
        s = y + rng.normal(0, 1.0, n)
        auc, low, high = auc_with_ci(y, s)
        assert auc == pytest.approx(roc_auc_score(y, s))
        assert low < auc < high
        widths.append(high - low)
    assert widths[1] < widths[0] / 2


def test_ties_count_half_as_in_scikit_learn() -> None:
    y, s = np.array([0, 1, 0, 1, 1]), np.array([0.5, 0.5, 0.2, 0.9, 0.5])
    assert auc_with_ci(y, s)[0] == pytest.approx(roc_auc_score(y, s))


def test_source_metrics_read_rates_at_the_artifact_thresholds() -> None:
    rows = pd.DataFrame({"label": [1, 1, 1, 0, 0, 0, 0]})
    scores = np.array([0.95, 0.6, 0.2, 0.92, 0.4, 0.1, 0.0])
    m = _metrics(THRESHOLDS, "toxicity", "src", rows, scores)
    assert (m.rows, m.positives) == (7, 3)
    assert (m.recall_review, m.recall_remove) == pytest.approx((2 / 3, 1 / 3))
    assert (m.fpr_review, m.fpr_remove) == pytest.approx((1 / 4, 1 / 4))
    assert m.auc_low <= m.auc <= m.auc_high


def test_a_source_without_both_classes_has_no_auc() -> None:
    rows = pd.DataFrame({"label": [0, 0, 0]})
    m = _metrics(THRESHOLDS, "toxicity", "ham", rows, np.array([0.1, 0.6, 0.95]))
    assert math.isnan(m.auc) and math.isnan(m.auc_low)
    assert m.fpr_review == pytest.approx(2 / 3)


def test_the_table_shows_the_interval() -> None:
    metric = SourceMetrics("spam", "sms", 10, 3, 0.9, 0.8, 0.97, 0.85, 0.5, 0.2, 0.01, 0.0)
    assert "| 0.900 | 0.800–0.970 | 0.850 |" in render_sources([metric])


def test_chinese_toxicity_rows_are_scored_again_in_traditional_characters() -> None:
    test = pd.DataFrame(
        {
            "text": ["河南人都是骗子", "you are kind", "加微信领红包"],
            "label": [1, 0, 1],
            "lang": ["zh", "en", "zh"],
            "source": ["cold", "jigsaw", "spam_zh"],
            "task": ["toxicity", "toxicity", "spam"],
        }
    )
    (row,) = _in_traditional(test).itertuples()
    assert (row.text, row.source, row.label) == ("河南人都是騙子", "cold (traditional)", 1)


CORPUS = pd.DataFrame(
    {
        "text": ["a", "b", "c", "d", "e"],
        "source": ["jigsaw", "jigsaw", "their_forum", "their_forum", "youtube_new"],
        "split": ["train", "test", "train", "calib", "train"],
    }
)


@pytest.mark.parametrize(
    ("trained_on", "expected"),
    [
        # a corpus the model never saw is held out whole, and says so
        (
            ["jigsaw"],
            [
                ("b", "jigsaw"),
                ("c", "their_forum" + UNSEEN),
                ("d", "their_forum" + UNSEEN),
                ("e", "youtube_new" + UNSEEN),  # a video's rows are never in a test split
            ],
        ),
        # an artifact that does not record its sources: the test split of every source
        (None, [("b", "jigsaw")]),
    ],
)
def test_sources_the_model_never_trained_on_are_measured_on_every_row(
    trained_on: list[str] | None, expected: list[tuple[str, str]]
) -> None:
    rows = held_out_rows(CORPUS, trained_on)
    assert list(zip(rows.text, rows.source, strict=True)) == expected


def test_the_surge_table_shows_each_label_beside_any_label() -> None:
    clf = LinearClassifier(SHIPPED_MODELS)
    rows = evaluate_surge(clf, 400, seed=3)
    friendly = sum(rows[k][0] for k in FRIENDLY_KINDS if k in rows)
    assert rows["all friendly"][0] == friendly
    for _, shares in rows.values():
        # a post is flagged when any label is at review: no fewer than either, no more than both
        assert max(shares["toxicity"], shares["spam"]) <= shares["flagged"]
        assert shares["flagged"] <= shares["toxicity"] + shares["spam"] + 1e-12
    assert rows["toxic"][1]["toxicity"] > rows["all friendly"][1]["toxicity"]
    table = render_surge(rows, 400, 3)
    assert table.splitlines()[0].endswith("| posts | flagged | toxicity ≥ review | spam ≥ review |")
