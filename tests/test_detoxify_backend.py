"""The Detoxify backend runs Detoxify's real loading code on a tiny checkpoint built here."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation import classifiers
from moderation.cascade import Cascade
from moderation.classifiers.base import CANONICAL_LABELS
from moderation.errors import ModelNotAvailable


class FixedToxicity:
    """A fast-model stand-in whose toxicity is read from a table."""

    name = "fixed.v1"
    labels = ("toxicity", "spam")

    def __init__(self, table: dict[str, float]) -> None:
        self.table = table

    def predict_proba(self, texts):
        return [{"toxicity": self.table[t], "spam": 0.01} for t in texts]


def test_missing_weights_raise_model_not_available_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailable, match=str(tmp_path)):
        classifiers.create("detoxify.original.v1", models_dir=tmp_path)


def test_tiny_checkpoint_scores_a_batch_with_canonical_labels(tiny_detoxify_dir: Path) -> None:
    clf = classifiers.create("detoxify.original.v1", models_dir=tiny_detoxify_dir, batch_size=2)
    out = clf.predict_proba(["hello", "you are an idiot", "hello you"])
    assert len(out) == 3
    for row in out:
        assert set(row) == set(clf.labels) and set(row) <= set(CANONICAL_LABELS)
        assert all(0.0 <= p <= 1.0 for p in row.values())


def test_single_text_batch_is_still_a_list_of_dicts(tiny_detoxify_dir: Path) -> None:
    clf = classifiers.create("detoxify.original.v1", models_dir=tiny_detoxify_dir)
    (row,) = clf.predict_proba(["hello"])
    assert isinstance(row["toxicity"], float)


@pytest.mark.parametrize(
    ("fast_score", "text", "sent"),
    [
        (0.05, "hello there", False),  # confidently clean: fast path only
        (0.5, "you are an idiot", True),  # uncertain English: second opinion
        (0.95, "you are an idiot!!", False),  # confidently toxic: fast path only
        (0.5, "你是傻瓜吗", False),  # Han script: Detoxify original has never seen Chinese
    ],
)
def test_cascade_sends_only_uncertain_non_han_posts(
    tiny_detoxify_dir: Path, fast_score: float, text: str, sent: bool
) -> None:
    slow = classifiers.create("detoxify.original.v1", models_dir=tiny_detoxify_dir)
    cascade = Cascade(fast=[FixedToxicity({text: fast_score})], slow=slow)
    (row,) = cascade.predict_proba([text])
    assert cascade.sent == int(sent)
    assert ("insult" in row) is sent
    if not sent:
        assert row["toxicity"] == fast_score
