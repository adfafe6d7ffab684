"""Classifier registry: backends register a factory under a versioned name.

    create("keywords.v1") -> Classifier

The registry is filled at import time and never mutated afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from moderation.classifiers.base import CANONICAL_LABELS, Classifier
from moderation.errors import UnknownClassifier

F = TypeVar("F", bound=Callable[..., Classifier])
_FACTORIES: dict[str, Callable[..., Classifier]] = {}


def register(name: str) -> Callable[[F], F]:
    def decorator(factory: F) -> F:
        if name in _FACTORIES:
            raise ValueError(f"classifier {name!r} is already registered")
        _FACTORIES[name] = factory
        return factory

    return decorator


def create(name: str, **options: Any) -> Classifier:
    if name not in _FACTORIES:
        raise UnknownClassifier(name, available())
    return _FACTORIES[name](**options)


def available() -> list[str]:
    return sorted(_FACTORIES)


# Built-in backends register themselves on import.
from moderation.classifiers import detoxify_model, keywords, linear, minilm  # noqa: E402,F401

__all__ = ["CANONICAL_LABELS", "Classifier", "available", "create", "register"]
