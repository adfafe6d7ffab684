"""Sentence rows of long training comments: which sentences, and the labels they take."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from moderation.crops import CALIB_SENTENCES, CROP, crop_rows, is_crop, sentences
from moderation.training import TrainOptions, train
from moderation.training_cli import saved_teacher
from tests.test_minilm_backend import SHIPPED_MODELS
from tests.test_training import TINY_SPEC, _calibration_text, tiny_data  # noqa: F401  (fixture)

KIND = "Thanks for fixing the references."
INSULT = "You are a pathetic idiot though."
ODD = "Only an idiot would revert this."  # a non-toxic comment's sentence the teacher calls toxic
ZH_COMMENT = "谢谢大家。你是个白痴。"


def insult_teacher(texts: Sequence[str]) -> np.ndarray:
    """A teacher that calls a sentence toxic when it says "idiot"."""
    return np.array([0.9 if "idiot" in t else 0.1 for t in texts])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{KIND} {INSULT}", [KIND, INSULT]),
        (f"{KIND}\n{INSULT}", [KIND, INSULT]),
        (f"Hi! {INSULT}", []),  # "Hi!" is too short to stand alone, which leaves one sentence
        (INSULT, []),  # a one-sentence comment is its own row already
        ("no full stop here just words and more words", []),
    ],
)
def test_a_comment_of_two_or_more_sentences_gives_its_sentences(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


def _comments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [f"{KIND} {INSULT}", f"{KIND} {ODD}", f"{KIND} {INSULT}", ZH_COMMENT],
            "label": [1, 0, 1, 1],
            "lang": ["en", "en", "en", "zh"],
            "source": ["jigsaw", "wiki_talk", "jigsaw", "cold"],
            "split": ["train", "train", "calib", "train"],
            "fold": [0, 1, 2, 3],
        }
    )


def test_sentences_of_a_toxic_comment_take_the_teachers_label() -> None:
    crops = crop_rows(_comments(), insult_teacher)
    toxic_comment = crops[crops.source == "jigsaw"]
    assert dict(zip(toxic_comment.text, toxic_comment.label, strict=True)) == {KIND: 0, INSULT: 1}


def test_a_non_toxic_comments_sentences_stay_non_toxic_or_are_left_out() -> None:
    crops = crop_rows(_comments(), insult_teacher)
    benign_comment = crops[crops.source == "wiki_talk"]
    assert benign_comment.text.tolist() == [KIND]
    assert benign_comment.label.tolist() == [0]


def test_training_and_calibration_comments_are_cut_the_calibrations_into_a_split_of_their_own():
    crops = crop_rows(_comments(), insult_teacher)
    assert dict(zip(crops.fold, crops.split, strict=True)) == {
        0: "train",
        1: "train",
        2: CALIB_SENTENCES,
    }
    assert set(crops.lang) == {"en"}  # the teacher reads English
    assert is_crop(crops).all()
    assert not is_crop(_comments()).any()


def test_no_comment_to_cut_gives_an_empty_table() -> None:
    rows = _comments().iloc[[3]]
    assert crop_rows(rows, insult_teacher).empty


def test_training_with_a_teacher_stops_learning_a_toxic_comments_kind_sentence(
    tiny_data: Path,  # noqa: F811
) -> None:
    with (tiny_data / "toxicity" / "wiki_talk.csv").open("a", newline="") as f:
        writer = csv.writer(f)
        # Each its own near-duplicate key (the first letters), so they spread over the splits.
        for name in itertools.islice(itertools.permutations("abcdefgh", 5), 60):
            writer.writerow([f"{''.join(name)}, {KIND} {INSULT}", 1, "en", "wiki_talk"])
    plain = train(tiny_data, TrainOptions(spec=TINY_SPEC)).artifact
    taught = train(tiny_data, TrainOptions(spec=TINY_SPEC), teacher=insult_teacher).artifact
    assert plain.meta["sentence_rows"] == 0 < taught.meta["sentence_rows"]

    def toxicity(artifact, text: str) -> float:
        return float(artifact.label_scores(artifact.featurizer(), [text])["toxicity"][0])

    assert toxicity(taught, KIND) < toxicity(plain, KIND)
    assert toxicity(taught, INSULT) > 0.5
    assert CROP not in pd.read_csv(tiny_data / "toxicity" / "wiki_talk.csv").columns


def test_a_fold_model_never_saw_the_sentences_of_the_calibration_comment_it_scores(
    tiny_data: Path,  # noqa: F811
) -> None:
    # A toxic calibration comment whose two sentences both say "zorblax": the shipped model
    # learns the word from the comment and its sentences, the fold model that scores the
    # comment for calibration from neither.
    text = _calibration_text("a lovely cat zorblax. a lovely zorblax dog")
    with (tiny_data / "toxicity" / "wiki_talk.csv").open("a", newline="") as f:
        csv.writer(f).writerow([text, 1, "en", "wiki_talk"])

    def zorblax_teacher(texts: Sequence[str]) -> np.ndarray:
        return np.array([0.9 if "zorblax" in t else 0.1 for t in texts])

    trained = train(tiny_data, TrainOptions(spec=TINY_SPEC), teacher=zorblax_teacher)
    shipped = trained.artifact
    own = shipped.label_scores(shipped.featurizer(), [text])["toxicity"][0]
    assert shipped.meta["sentence_rows"] == 2
    assert trained.calibration["toxicity"][text] < 0.5 < own


def test_the_shipped_encoder_teaches_which_sentence_is_toxic() -> None:
    teacher = saved_teacher(SHIPPED_MODELS)
    assert teacher is not None
    kind, insult = teacher([KIND, INSULT])
    assert kind < 0.5 < insult


def test_without_a_saved_encoder_linear_v2_learns_without_sentence_rows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert saved_teacher(tmp_path) is None
    assert "learns without sentence rows" in caplog.text
