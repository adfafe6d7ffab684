"""A cascade: fast backends score every post, a slow one re-scores only the uncertain ones.

Our linear model runs at ~55k posts/s per core; MiniLM at a few hundred, Detoxify's bert-base at
tens. Sending only the posts whose fast score for a label lies in the slow model's band for it
keeps the slow model's load to a few percent of a surge. Han-script posts never go to the slow
models: neither MiniLM nor Detoxify's original model was trained on Chinese, so their score there
would be noise, not a second opinion.

A slow model that has `refine(texts, fast_scores)` (`minilm.v1`) blends its judgement with the
fast one; one without it (Detoxify) replaces the fast scores for its labels. Either way only the
labels whose fast score was in the band change; the others keep the fast model's confident score.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

from moderation import telemetry
from moderation.classifiers.base import Classifier, warm
from moderation.errors import PartialFailure

ScoreT = TypeVar("ScoreT", float, np.ndarray)
HAN_SCRIPT = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_HAN = re.compile(HAN_SCRIPT)
# Around the review threshold: below `low` the fast model is confidently clean, above `high`
# confidently toxic; the band is where a second opinion changes decisions.
DEFAULT_BAND = (0.3, 0.8)


class Cascade:
    def __init__(
        self,
        *,
        fast: Sequence[Classifier],
        slow: Classifier,
        band: tuple[float, float] = DEFAULT_BAND,
        label: str = "toxicity",
        bands: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        self.fast, self.slow = list(fast), slow
        # `bands` if given, else the slow model's own when it brings them, else `band` on `label`.
        own: Mapping[str, tuple[float, float]] | None = getattr(slow, "bands", None)
        self.bands = dict(bands or own or {label: band})
        self.name = "+".join([c.name for c in self.fast] + [slow.name])
        self.labels = tuple(dict.fromkeys(lab for c in [*self.fast, slow] for lab in c.labels))
        self.sent = 0  # posts sent to the slow model so far (for the bench and metrics)
        self.seen = 0

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        merged: list[dict[str, float]] = [{} for _ in texts]
        for clf in self.fast:
            for row, scores in zip(merged, clf.predict_proba(texts), strict=True):
                for label, p in scores.items():
                    row[label] = max(row.get(label, 0.0), p)
        in_band = [self._in_band(row) for row in merged]
        uncertain = [i for i, labels in enumerate(in_band) if labels and not has_han(texts[i])]
        self.seen += len(texts)
        self.sent += len(uncertain)
        if texts:
            telemetry.record_cascade(self.slow.name, len(uncertain), len(texts) - len(uncertain))
        if uncertain:
            chosen = [texts[i] for i in uncertain]
            refine = getattr(self.slow, "refine", None)
            try:
                slow_scores = (
                    refine(chosen, [merged[i] for i in uncertain])
                    if refine is not None
                    else self.slow.predict_proba(chosen)
                )
            except Exception as err:  # the posts it was to score fail closed, the rest go on
                message = f"{self.slow.name} raised {type(err).__name__}: {err}"
                raise PartialFailure(message, merged, uncertain) from err
            for i, scores in zip(uncertain, slow_scores, strict=True):
                for label, p in scores.items():
                    # Banded labels change only where the fast model was unsure.
                    if label not in self.bands or label in in_band[i]:
                        merged[i][label] = p
        return merged

    def warm(self) -> None:
        """Load every stage's lazy weights now (before a fork, so workers share them)."""
        for stage in [*self.fast, self.slow]:
            warm(stage)

    def _in_band(self, row: Mapping[str, float]) -> set[str]:
        return {label for label, band in self.bands.items() if in_band(row.get(label, 0.0), band)}


def in_band(p: ScoreT, band: Sequence[float]) -> ScoreT:
    """low ≤ p < high, for one score or an array of them: the rule by which the cascade picks the
    posts its slow stage re-scores, and by which training simulates the cascade's scores."""
    low, high = band
    return (p >= low) & (p < high)


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None
