"""`linear.v1`: our own fast toxicity + spam model (hashed n-grams + cues, logistic heads).

The artifact is two files in the models folder the edge hands in:

    linear.v1.json   feature spec, heads, Platt calibration, thresholds, metrics
    linear.v1.npz    sparse weights per head (indices + float16 values); allow_pickle=False

A label's probability is the max over its heads (spam = max(full model, cue-only model), so a
Chinese spam post with unseen n-grams is still judged by its language-neutral cues).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifiers import register
from moderation.errors import ModelNotAvailable
from moderation.features import FeatureSpec, Featurizer

NAME = "linear.v1"


@dataclass
class LinearArtifact:
    """Weights and metadata of a set of logistic heads over one feature space."""

    spec: FeatureSpec
    heads: list[str]
    weights: np.ndarray  # (heads, spec.size) float32
    bias: np.ndarray  # (heads,)
    platt: np.ndarray  # (heads, 2): p = sigmoid(a * margin + b)
    label_heads: dict[str, list[str]]
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, folder: Path, *, keep: float = 1e-4) -> None:
        """Write json + npz; weights below `keep` in magnitude are dropped (they never matter)."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        for i, head in enumerate(self.heads):
            idx = np.flatnonzero(np.abs(self.weights[i]) >= keep).astype(np.int32)
            arrays[f"{head}.idx"] = idx
            arrays[f"{head}.val"] = self.weights[i, idx].astype(np.float16)
        np.savez_compressed(folder / f"{NAME}.npz", **arrays)
        doc = {
            "name": NAME,
            "feature_spec": self.spec.to_json(),
            "heads": [
                {"name": h, "bias": float(self.bias[i]), "platt": [float(v) for v in self.platt[i]]}
                for i, h in enumerate(self.heads)
            ],
            "labels": self.label_heads,
            "thresholds": self.thresholds,
            **self.meta,
        }
        (folder / f"{NAME}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path) -> LinearArtifact:
        doc = read_metadata(folder)
        spec = FeatureSpec.from_json(doc["feature_spec"])
        heads = [h["name"] for h in doc["heads"]]
        weights = np.zeros((len(heads), spec.size), dtype=np.float32)
        with np.load(folder / f"{NAME}.npz", allow_pickle=False) as arrays:
            for i, head in enumerate(heads):
                weights[i, arrays[f"{head}.idx"]] = arrays[f"{head}.val"]
        known = {"name", "feature_spec", "heads", "labels", "thresholds"}
        return cls(
            spec=spec,
            heads=heads,
            weights=weights,
            bias=np.array([h["bias"] for h in doc["heads"]], dtype=np.float32),
            platt=np.array([h["platt"] for h in doc["heads"]], dtype=np.float32),
            label_heads=doc["labels"],
            thresholds=doc.get("thresholds", {}),
            meta={k: v for k, v in doc.items() if k not in known},
        )

    def margins(self, featurizer: Featurizer, texts: Sequence[str]) -> np.ndarray:
        """Raw logits, (texts, heads); each feature block multiplies its own weight slice."""
        chars, words, cues = featurizer.blocks(texts)
        c, w = self.spec.char_features, self.spec.word_features
        out = chars @ self.weights[:, :c].T
        out += words @ self.weights[:, c : c + w].T
        out += cues @ self.weights[:, c + w :].T
        return np.asarray(out) + self.bias

    def probabilities(self, featurizer: Featurizer, texts: Sequence[str]) -> np.ndarray:
        z = self.margins(featurizer, texts) * self.platt[:, 0] + self.platt[:, 1]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def read_metadata(folder: Path) -> dict[str, Any]:
    """The artifact's JSON; ModelNotAvailable (with the fix) when either file is missing."""
    missing = [p for p in (folder / f"{NAME}.json", folder / f"{NAME}.npz") if not p.is_file()]
    if missing:
        raise ModelNotAvailable(
            f"{NAME}: artifact {missing[0]} not found; "
            f"train it with `python -m moderation train --data ../shared/data --out {folder}`"
        )
    doc: dict[str, Any] = json.loads((folder / f"{NAME}.json").read_text())
    return doc


@register(NAME)
class LinearClassifier:
    """Toxicity and spam from one featurisation; ~20k posts/s on one core."""

    name = NAME

    def __init__(self, models_dir: str | Path) -> None:
        self._folder = Path(models_dir)
        self.meta = read_metadata(self._folder)  # small; fails at build time, not mid-surge
        self.labels = tuple(self.meta["labels"])
        self._artifact: LinearArtifact | None = None
        self._featurizer: Featurizer | None = None

    @property
    def thresholds(self) -> Mapping[str, Mapping[str, float]]:
        return self.meta.get("thresholds", {})

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if self._artifact is None or self._featurizer is None:
            self._artifact = LinearArtifact.load(self._folder)
            self._featurizer = Featurizer(self._artifact.spec)
        if not texts:
            return []
        art = self._artifact
        probs = art.probabilities(self._featurizer, texts)
        columns = {
            label: probs[:, [art.heads.index(h) for h in heads]].max(axis=1)
            for label, heads in art.label_heads.items()
        }
        return [{label: float(col[i]) for label, col in columns.items()} for i in range(len(texts))]
