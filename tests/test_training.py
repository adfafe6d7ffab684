"""`train` on a tiny synthetic corpus: artifact round-trips without pickle and learns the signal."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from moderation.__main__ import main
from moderation.classifiers.linear import NAME, LinearArtifact, LinearClassifier
from moderation.evaluation import evaluate_sources, evaluate_unseen_videos
from moderation.features import FeatureSpec
from moderation.training import (
    TrainOptions,
    _fit_head,
    _fit_nb_blend,
    _log_count_ratio,
    train,
)

TINY_SPEC = FeatureSpec(char_features=2**12, char_ngrams=(2, 4), word_features=2**10)
NICE = ["thanks for the recipe", "welcome to the group", "what a lovely cat", "谢谢大家的欢迎"]
RUDE = ["you are a stupid idiot", "shut up moron", "你是傻逼", "go away you worthless trash"]
HAM = ["see you at lunch", "ok call you later", "running late, sorry", "happy birthday mate"]
SPAM = ["WIN a free prize now call 09061234567", "claim your cash bonus at www.win-now.com"]


def _write(path: Path, rows: list[tuple[str, int, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label", "lang", "source"])
        writer.writerows(rows)


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    rng = random.Random(0)

    def rows(
        pos: list[str], neg: list[str], source: str, n: int
    ) -> list[tuple[str, int, str, str]]:
        out = []
        for i in range(n):
            label = i % 2
            text = f"{rng.choice(pos if label else neg)} {rng.choice(['friend', 'pal', 'x'])} {i}"
            out.append((text + " " + "".join(rng.choices("abcdefgh", k=6)), label, "en", source))
        return out

    _write(tmp_path / "toxicity" / "wiki_talk.csv", rows(RUDE, NICE, "wiki_talk", 300))
    _write(tmp_path / "spam" / "sms.csv", rows(SPAM, HAM, "sms_uci", 300))
    return tmp_path


def test_trained_artifact_round_trips_and_separates_the_classes(
    tiny_data: Path, tmp_path: Path
) -> None:
    artifact = train(tiny_data, TrainOptions(spec=TINY_SPEC))
    artifact.save(tmp_path / "out")
    loaded = LinearArtifact.load(tmp_path / "out")
    assert loaded.heads == ["toxicity", "spam", "spam_neutral"]
    assert np.allclose(loaded.weights, artifact.weights, atol=1e-2)
    clf = LinearClassifier(tmp_path / "out")
    nice, rude, spam = clf.predict_proba(["what a lovely cat", "shut up moron", SPAM[0]])
    assert rude["toxicity"] > nice["toxicity"]
    assert spam["spam"] > nice["spam"]
    for limits in clf.thresholds.values():
        assert 0.0 < limits["review"] <= limits["remove"] <= 1.0


def test_artifact_loads_with_pickle_disabled(tiny_data: Path, tmp_path: Path) -> None:
    train(tiny_data, TrainOptions(spec=TINY_SPEC)).save(tmp_path)
    with np.load(tmp_path / f"{NAME}.npz", allow_pickle=False) as arrays:
        assert all(arrays[k].dtype != object for k in arrays.files)


def test_nb_blend_is_one_weight_vector_equal_to_the_mean_of_its_two_heads() -> None:
    rng = np.random.default_rng(0)
    x = sp.random(400, 50, density=0.2, format="csr", random_state=1, dtype=np.float64)
    y = (x[:, :5].sum(axis=1).A.ravel() + rng.normal(0, 0.1, 400) > 0.5).astype(int)
    rows = pd.DataFrame({"label": y, "source": "s", "split": ["train"] * 300 + ["calib"] * 100})
    w, b = _fit_nb_blend(x, rows, c=8.0, c_nb=4.0)
    ratio = _log_count_ratio(x[:300], y[:300])
    scaled = (x @ sp.diags(ratio)).tocsr()
    heads = [(x, *_fit_head(x, rows, 8.0, None)), (scaled, *_fit_head(scaled, rows, 4.0, None))]
    margins = [m @ hw + hb for m, hw, hb in heads]
    expected = sum(m / (2 * np.std(m[:300])) for m in margins)
    assert w.shape == (50,)
    np.testing.assert_allclose(x @ w + b, expected, rtol=1e-9, atol=1e-9)


def test_evaluate_without_artifact_is_a_clear_error(tmp_path: Path, capsys) -> None:
    code = main(["evaluate", "--data", str(tmp_path), "--models", str(tmp_path / "none")])
    assert code == 2
    assert "python -m moderation train" in capsys.readouterr().err


def test_training_without_a_spam_corpus_says_what_is_missing(
    tiny_data: Path, tmp_path: Path, capsys
) -> None:
    (tiny_data / "spam" / "sms.csv").unlink()
    code = main(["train", "--data", str(tiny_data), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "spam: no positive rows in the train split" in err
    assert "toxicity:" not in err  # the toxicity corpus is complete
    assert not (tmp_path / "out").exists()


def test_evaluate_scores_each_video_with_a_model_that_left_it_out(
    tiny_data: Path, tmp_path: Path
) -> None:
    rng = random.Random(1)
    for video in ("youtube_a", "youtube_b"):
        rows = [
            (f"{rng.choice(SPAM if i % 2 else HAM)} {video} {i}", i % 2, "en", video)
            for i in range(80)
        ]
        _write(tiny_data / "spam" / f"{video}.csv", rows)
    train(tiny_data, TrainOptions(spec=TINY_SPEC)).save(tmp_path / "out")
    clf = LinearClassifier(tmp_path / "out")
    assert {"youtube_a", "youtube_b"} <= set(clf.meta["trained_on"])  # shipped: every video

    metrics = evaluate_unseen_videos(clf, tiny_data)
    assert [(m.source, m.rows, m.positives) for m in metrics] == [
        ("youtube_a (left out of training)", 80, 40),
        ("youtube_b (left out of training)", 80, 40),
    ]
    assert all(m.auc > 0.9 for m in metrics)  # the other video taught it the spam
    sources = {m.source for m in evaluate_sources(clf, tiny_data)}
    assert not any(s.startswith("youtube_") for s in sources)  # never a test row of its own model
