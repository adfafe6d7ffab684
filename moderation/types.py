"""The values that flow through the pipeline: a parsed post in, a verdict out.

Everything here is a frozen dataclass or a closed enum so that a verdict, once made, can be
stored and explained later exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def _pickled_as_constructor_call(cls: type[T]) -> type[T]:
    """Pickle a frozen slots dataclass as `cls(*values)`.

    Ingest workers send posts and verdicts between processes; dataclasses' own `__setstate__`
    for slots calls `fields()` for every object, which made unpickling a verdict cost ~15 µs.
    """
    values = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: T) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Action(StrEnum):
    """What happens to a post. Ordered from mildest to strictest."""

    ALLOW = "allow"
    REVIEW = "review"
    REMOVE = "remove"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.REVIEW: 1, Action.REMOVE: 2}


def strictest(actions: list[Action]) -> Action:
    """The strictest of `actions`; ALLOW for none."""
    return max(actions, key=lambda a: a.severity, default=Action.ALLOW)


@_pickled_as_constructor_call
@dataclass(frozen=True, slots=True)
class Author:
    id: str
    created_at: datetime | None = None
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None
    strikes: int | None = None


@_pickled_as_constructor_call
@dataclass(frozen=True, slots=True)
class Post:
    """A validated post (see docs/contract.md). `sim` ground truth is never carried in."""

    id: str
    text: str
    author: Author
    created_at: datetime | None = None
    lang: str | None = None
    links: tuple[str, ...] = ()
    reply_to: str | None = None

    def account_age_days(self) -> float | None:
        """Age of the author's account when the post was made, in days."""
        if self.created_at is None or self.author.created_at is None:
            return None
        return (self.created_at - self.author.created_at).total_seconds() / 86400.0


@_pickled_as_constructor_call
@dataclass(frozen=True, slots=True)
class Cluster:
    """The near-duplicate cluster a post joined: its id, size and recent growth."""

    id: str
    size: int
    growth: int = 0


@_pickled_as_constructor_call
@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that matched, with where it matched in the original text."""

    rule_id: str
    action: str  # "review" | "remove" | "label" | "no_auto_remove"
    description: str
    queue: str = "default"
    priority: int = 0
    spans: tuple[tuple[int, int], ...] = ()
    shadow: bool = False  # a shadow rule's hit is recorded but takes no action


@dataclass(frozen=True, slots=True)
class PostContext:
    """What a rule may look at: the post plus everything computed about it so far."""

    post: Post
    lang: str
    scores: dict[str, float] = field(default_factory=dict)
    cluster: Cluster | None = None


@_pickled_as_constructor_call
@dataclass(frozen=True, slots=True)
class Verdict:
    """The pipeline's answer for one post; `to_json` is the public contract."""

    id: str
    action: Action
    scores: dict[str, float]
    rules: tuple[str, ...]
    reasons: tuple[str, ...]
    rules_version: str
    lang: str
    queue: str | None = None
    priority: int = 0
    hits: tuple[RuleHit, ...] = ()
    errors: tuple[str, ...] = ()
    cluster: Cluster | None = None
    labels: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action.value,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "rules": list(self.rules),
            "reasons": list(self.reasons),
            "rules_version": self.rules_version,
            "lang": self.lang,
            "queue": self.queue,
            "priority": self.priority,
            "labels": list(self.labels),
            "errors": list(self.errors),
            "cluster": None
            if self.cluster is None
            else {"id": self.cluster.id, "size": self.cluster.size, "growth": self.cluster.growth},
            "matches": [
                {"rule": h.rule_id, "spans": [list(s) for s in h.spans], "shadow": h.shadow}
                for h in self.hits
                if h.spans or h.shadow  # a shadow hit is kept even without spans
            ],
        }
