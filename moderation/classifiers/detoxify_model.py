"""`detoxify.original.v1`: Detoxify's original (bert-base, Jigsaw) model, loaded offline.

Uses Detoxify's own loading code with a checkpoint on disk; it never downloads. The folder the edge
hands in (`MODELS_DIR/detoxify`) must hold the checkpoint and, for offline loading, the Hugging
Face config + tokenizer folder of the checkpoint's architecture. Missing weights raise
`ModelNotAvailable` at build time, so the edge can say so and run on the fast path.
torch and detoxify are imported on first use only: `import moderation` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from moderation.classifiers import register
from moderation.classifiers.base import CANONICAL_LABELS
from moderation.errors import ModelNotAvailable

NAME = "detoxify.original.v1"
CHECKPOINT = "toxic_original-c1212f89.ckpt"  # the file name of Detoxify's v0.1-alpha release
HF_CONFIG = "bert-base-uncased"


@register(NAME)
class DetoxifyClassifier:
    name: str = NAME
    # The original model's six heads; the canonical label names were taken from them.
    labels: tuple[str, ...] = CANONICAL_LABELS[:6]

    def __init__(
        self,
        models_dir: str | Path,
        *,
        checkpoint: str = CHECKPOINT,
        huggingface_config: str = HF_CONFIG,
        batch_size: int = 32,
    ) -> None:
        folder = Path(models_dir)
        self._checkpoint = folder / checkpoint
        config = folder / huggingface_config
        self._hf_config = config if config.is_dir() else None
        self._batch_size = batch_size
        self._model: Any = None
        if not self._checkpoint.is_file():
            raise ModelNotAvailable(
                f"{NAME}: Detoxify weights not found at {self._checkpoint} (put {checkpoint} "
                f"from github.com/unitaryai/detoxify releases and the {huggingface_config} "
                f"config/tokenizer folder in {folder})"
            )

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        model = self._load()
        out: list[dict[str, float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = list(texts[start : start + self._batch_size])
            scores = model.predict(batch)
            for i in range(len(batch)):
                out.append(
                    {k: float(_item(v, i)) for k, v in scores.items() if k in CANONICAL_LABELS}
                )
        return out

    def warm(self) -> None:
        """Load Detoxify now rather than on the first batch (before a fork: shared pages)."""
        self._load()

    def _load(self) -> Any:
        if self._model is None:
            from detoxify import Detoxify  # heavy: torch + transformers

            self._model = Detoxify(
                checkpoint=str(self._checkpoint),
                huggingface_config_path=str(self._hf_config) if self._hf_config else None,
            )
        return self._model


def _item(values: Any, i: int) -> float:
    # Detoxify squeezes a batch of one down to a bare float.
    return float(values[i]) if isinstance(values, list) else float(values)
