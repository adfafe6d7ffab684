"""A cascade: fast backends score every post, a slow one re-scores only the uncertain ones.

Detoxify's bert-base runs at tens of posts/s per core, our linear model at ~55k. Sending only the
posts whose fast toxicity lies in the uncertain band [low, high) keeps the slow model's load to a
few percent of a surge. Han-script posts never go to the slow model: Detoxify's original model
has never seen Chinese, so its score there would be noise, not a second opinion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from moderation.classifiers.base import Classifier

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
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
    ) -> None:
        self.fast, self.slow, self.band, self.label = list(fast), slow, band, label
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
        low, high = self.band
        uncertain = [
            i
            for i, row in enumerate(merged)
            if low <= row.get(self.label, 0.0) < high and not _HAN.search(texts[i])
        ]
        self.seen += len(texts)
        self.sent += len(uncertain)
        if uncertain:
            slow_scores = self.slow.predict_proba([texts[i] for i in uncertain])
            for i, scores in zip(uncertain, slow_scores, strict=True):
                # In the band the slow model's judgement replaces the fast one's for its labels.
                merged[i].update(scores)
        return merged
