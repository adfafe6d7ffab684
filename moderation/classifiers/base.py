"""The classifier protocol: a batch of texts in, one label → probability dict per text out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

# Canonical label names. Backends map their own names onto these (Detoxify's names are the model).
CANONICAL_LABELS = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
    "spam",
)


# A slow backend may bring `bands`: label → [low, high) of the fast scores it re-scores in a
# cascade. Every probability lies in this one: the backend then re-scores every post it may.
OPEN_BAND = (0.0, 1.01)


@runtime_checkable
class Classifier(Protocol):
    name: str  # registry id, versioned: "keywords.v1"
    labels: tuple[str, ...]  # a subset of CANONICAL_LABELS

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One dict per input text, same order; every value in [0, 1]."""
        ...


def warm(backend: object) -> None:
    """Load a backend's lazy weights now, if it has any to load (an optional `warm()` method):
    before a fork, so that worker processes share the pages instead of each loading its own."""
    warm_up = getattr(backend, "warm", None)
    if callable(warm_up):
        warm_up()
