"""Scoring fails closed post by post: a cascade's failed slow stage errs only the posts it had."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from moderation.cascade import Cascade
from moderation.scoring import score_batch
from tests.test_detoxify_backend import FixedToxicity

TABLE = {"borderline insult": 0.5, "lovely cat": 0.01, "obvious slur": 0.99}


class Unreachable:
    """A slow stage whose model server went away."""

    name, labels = "slow.v1", ("toxicity",)

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        raise ConnectionError("model server unreachable")


@pytest.mark.parametrize(
    ("text", "fails_closed"),
    [
        ("borderline insult", True),  # in the band: the slow stage was to score it
        ("lovely cat", False),  # confident: keeps the fast score
        ("obvious slur", False),  # confident: keeps the fast score (and its remove)
    ],
)
def test_a_failed_slow_stage_errs_only_the_posts_in_its_band(text: str, fails_closed: bool):
    cascade = Cascade(fast=[FixedToxicity(TABLE)], slow=Unreachable())
    texts = list(TABLE)
    scores, errors = score_batch(texts, [cascade])
    i = texts.index(text)
    assert bool(errors[i]) is fails_closed
    assert scores[i]["toxicity"] == TABLE[text]
    if fails_closed:
        assert "slow.v1 raised ConnectionError: model server unreachable" in errors[i][0]


def test_a_failing_fast_stage_still_fails_the_whole_batch() -> None:
    cascade = Cascade(fast=[Unreachable()], slow=FixedToxicity(TABLE))
    _, errors = score_batch(list(TABLE), [cascade])
    assert all(e and "ConnectionError" in e[0] for e in errors)
