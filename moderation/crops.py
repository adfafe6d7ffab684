"""Sentences of long training comments as rows of their own, labelled with a teacher's help.

A long comment is labelled as a whole: "Thanks for the edit. You are an idiot." is toxic, and a
bag-of-n-grams model learns "thanks" and "edit" from it as much as "idiot", while sublinear
tf-idf over the whole comment dilutes the one sentence that carries the label. Its sentences,
labelled one by one, say which part was toxic (multiple-instance learning):

- a sentence of a non-toxic comment is non-toxic, unless the teacher calls it toxic: then the
  sentence says nothing reliable (sarcasm, a quoted insult) and is left out;
- a sentence of a toxic comment takes the teacher's label: the insult is toxic, the thanks not.

The teacher is `minilm.v1`, the contextual model, which learnt from the training split only,
so `evaluate` still measures text neither model saw. The heads learn the calibration split's
comments too, so they learn its sentences too, under a split of their own (CALIB_SENTENCES): a
fold model leaves them out with their comment's fold, and nothing that reads the calibration
split (Platt, thresholds, minilm.v1's blend) sees them.

Chosen on the calibration split, with models fitted on the training split and its sentences
alone: Jigsaw AUC 0.9588 → 0.9616, wiki_talk 0.805 → 0.818, Davidson +0.0004, COLD +0.0003,
SWSR −0.003; `linear.v2` as its own teacher gave half the Jigsaw gain.

Sentence rows never enter the Naive Bayes ratios or the idf (`CROP` column): those count
documents, and counting a comment's sentences again would weigh long comments twice (SWSR −0.006
with the ratios counted over them too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

# Probability of toxicity per text, e.g. minilm.v1's calibrated score.
Teacher = Callable[[Sequence[str]], np.ndarray]

CROP = "crop"  # boolean column: the row is a sentence of a training comment
CALIB_SENTENCES = "calib_sentences"  # the split of the calibration comments' sentences
MIN_WORDS = 4  # shorter pieces ("Thanks.", "Hi!") carry too little to label alone
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The sentences of `text` with at least MIN_WORDS words, or none if it has fewer than two
    (a one-sentence comment is its own row already)."""
    pieces = [p.strip() for p in _SENTENCE_END.split(text)]
    kept = [p for p in pieces if len(p.split()) >= MIN_WORDS]
    return kept if len(kept) >= 2 else []


def crop_rows(rows: pd.DataFrame, teacher: Teacher) -> pd.DataFrame:
    """Labelled sentence rows of `rows`' English training and calibration comments, each with
    its comment's other columns (source, fold), CROP set, and the split "train" or
    CALIB_SENTENCES; the teacher reads every sentence once."""
    comments = rows[rows.split.isin(("train", "calib")) & (rows.lang == "en")]
    texts, parents = [], []
    for index, text in zip(comments.index, comments.text, strict=True):
        found = sentences(text)
        texts += found
        parents += [index] * len(found)
    if not texts:
        return rows.iloc[:0].assign(**{CROP: np.zeros(0, dtype=bool)})
    toxic = (np.asarray(teacher(texts)) >= 0.5).astype(int)
    comment_label = rows.label.loc[parents].to_numpy()
    # Sentences of non-toxic comments that the teacher calls toxic are left out.
    keep = (toxic == comment_label) | (comment_label == 1)
    crops = rows.loc[parents].assign(text=texts, label=toxic, **{CROP: True})
    crops["split"] = crops.split.where(crops.split == "train", CALIB_SENTENCES)
    return crops[keep].reset_index(drop=True)


def is_crop(rows: pd.DataFrame) -> np.ndarray:
    """Mask of the sentence rows (all False for tables without the column)."""
    if CROP not in rows:
        return np.zeros(len(rows), dtype=bool)
    return rows[CROP].fillna(False).to_numpy(dtype=bool)
