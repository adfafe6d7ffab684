"""`linear.v2`: our own fast toxicity + spam model (hashed n-grams + cues, logistic heads).

The artifact is two files in the models folder the edge hands in:

    linear.v2.json   feature spec, heads, Platt calibration, thresholds, metrics
    linear.v2.npz    one dense float16 weight array per head (near-zero weights zeroed) and
                     the idf arrays; loaded with allow_pickle=False

A label's probability is its head's. For Han-script posts spam is max(n-gram head, cue-only
head): the n-gram head has never seen Chinese spam, so a Chinese spam post is judged by its
language-neutral cues; English posts keep the n-gram head's (better) ranking.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifiers import register
from moderation.errors import ModelNotAvailable
from moderation.features import Blocks, FeatureSpec, Featurizer, chunks

NAME = "linear.v2"
IDF_BLOCKS = ("chars", "words")
HAN_SHARE = 0.3  # a post is Han-script when at least this share of its words are Han characters
KEEP = 1e-4  # smaller weights are stored as zero


@dataclass
class LinearArtifact:
    """Weights and metadata of a set of logistic heads over one feature space."""

    spec: FeatureSpec
    heads: list[str]
    weights: np.ndarray  # (heads, spec.size) float32
    bias: np.ndarray  # (heads,)
    idf: tuple[np.ndarray, np.ndarray]  # per n-gram block (chars, words), float32
    platt: np.ndarray  # (heads, 2): p = sigmoid(a * margin + b)
    label_heads: dict[str, list[str]]
    # Heads for Han-script posts where they differ: the n-gram spam head never saw Chinese spam,
    # so there the cue-only head may speak too (max). Latin posts keep the n-gram head's ranking.
    han_heads: dict[str, list[str]] = field(default_factory=dict)
    han_share: float = HAN_SHARE  # a post is Han-script from this share of Han words
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    _transposed: tuple[np.ndarray, ...] | None = field(default=None, repr=False, compare=False)

    def as_saved(self) -> LinearArtifact:
        """This artifact as it loads after `save`: float16 weights, those below KEEP in magnitude
        zeroed (they never matter, and runs of zeros compress)."""
        stored = np.where(np.abs(self.weights) >= KEEP, self.weights, 0.0).astype(np.float16)
        return replace(self, weights=stored.astype(np.float32), _transposed=None)

    def save(self, folder: Path) -> None:
        """Write json + npz (dense float16 arrays, see `as_saved`)."""
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {
            f"head.{head}": w.astype(np.float16)
            for head, w in zip(self.heads, self.as_saved().weights, strict=True)
        }
        for block, idf in zip(IDF_BLOCKS, self.idf, strict=True):
            arrays[f"idf.{block}"] = idf.astype(np.float16)
        np.savez_compressed(folder / f"{NAME}.npz", allow_pickle=False, **arrays)
        doc = {
            "name": NAME,
            "feature_spec": self.spec.to_json(),
            "heads": [
                {"name": h, "bias": float(self.bias[i]), "platt": [float(v) for v in self.platt[i]]}
                for i, h in enumerate(self.heads)
            ],
            "labels": self.label_heads,
            "han_labels": self.han_heads,
            "han_share": self.han_share,
            "thresholds": self.thresholds,
            **self.meta,
        }
        (folder / f"{NAME}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path) -> LinearArtifact:
        doc = read_metadata(folder)
        spec = FeatureSpec.from_json(doc["feature_spec"])
        heads = [h["name"] for h in doc["heads"]]
        with np.load(folder / f"{NAME}.npz", allow_pickle=False) as arrays:
            weights = np.stack([arrays[f"head.{h}"] for h in heads]).astype(np.float32)
            idf = tuple(arrays[f"idf.{block}"].astype(np.float32) for block in IDF_BLOCKS)
        known = {"name", "feature_spec", "heads", "labels", "han_labels", "han_share", "thresholds"}
        return cls(
            spec=spec,
            heads=heads,
            weights=weights,
            bias=np.array([h["bias"] for h in doc["heads"]], dtype=np.float32),
            idf=idf,  # type: ignore[arg-type]
            platt=np.array([h["platt"] for h in doc["heads"]], dtype=np.float32),
            label_heads=doc["labels"],
            han_heads=doc.get("han_labels", {}),
            han_share=float(doc.get("han_share", HAN_SHARE)),
            thresholds=doc.get("thresholds", {}),
            meta={k: v for k, v in doc.items() if k not in known},
        )

    def featurizer(self) -> Featurizer:
        return Featurizer(self.spec, self.idf)

    def margins(self, blocks: Blocks) -> np.ndarray:
        """Raw logits, (texts, heads); each feature block multiplies its own weight slice."""
        w_chars, w_words, w_cues = self._blocks()
        out = blocks.chars @ w_chars
        out += blocks.words @ w_words
        out += blocks.cues @ w_cues
        return np.asarray(out) + self.bias

    def _blocks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(features, heads) C-contiguous weight slices, made once: a transposed view would be
        copied by every sparse product."""
        if self._transposed is None:
            c, w = self.spec.char_features, self.spec.word_features
            self._transposed = tuple(
                np.ascontiguousarray(self.weights[:, cols].T)
                for cols in (slice(0, c), slice(c, c + w), slice(c + w, None))
            )
        return self._transposed  # type: ignore[return-value]

    def probabilities(self, blocks: Blocks) -> np.ndarray:
        """Calibrated probability per head, (texts, heads)."""
        return sigmoid(self.margins(blocks) * self.platt[:, 0] + self.platt[:, 1])

    def label_scores(self, featurizer: Featurizer, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Probability per label: the max over its heads (its Han heads for Han-script posts)."""
        blocks = featurizer.blocks(texts)
        probs = self.probabilities(blocks)
        han = blocks.han_share >= self.han_share
        out = {}
        for label, heads in self.label_heads.items():
            out[label] = self._max_over(probs, heads)
            if label in self.han_heads:
                out[label] = np.where(han, self._max_over(probs, self.han_heads[label]), out[label])
        return out

    def _max_over(self, probs: np.ndarray, heads: list[str]) -> np.ndarray:
        return probs[:, [self.heads.index(h) for h in heads]].max(axis=1)


def sigmoid(z: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    return out


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
    """Toxicity and spam from one featurisation; ~55k posts/s on one core (batches of 512)."""

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
            self._featurizer = self._artifact.featurizer()
        if not texts:
            return []
        # Scored chunk by chunk: the sparse rows of a batch of very long posts would otherwise
        # all exist at once (2,048 posts of 10,000 characters: ~1.3 GB).
        out: list[dict[str, float]] = []
        for chunk in chunks(texts):
            columns = self._artifact.label_scores(self._featurizer, chunk)
            rows = zip(*(col.tolist() for col in columns.values()), strict=True)
            out.extend(dict(zip(columns, row, strict=True)) for row in rows)
        return out
