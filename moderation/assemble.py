"""Build the pipeline's `Policy` from settings: classifiers, rules pack, thresholds, clusterer.

Called at the edges (CLI, dashboard, workers); the pipeline itself only receives the result.
Model-backed classifiers get their artifact folder (`settings.models_dir`) from here and nowhere
else. Detoxify is optional: when its weights are absent the policy runs on the fast path and
carries a notice the edge shows. So is `minilm.v1` (its base weights come from a pip package).
Slow backends stack in the order CLASSIFIERS names them: each refines what the stages before it
left uncertain.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation import classifiers
from moderation.cascade import Cascade
from moderation.classifiers.minilm import PRECISIONS, installed_base
from moderation.config import Settings
from moderation.errors import ConfigError, ModelNotAvailable
from moderation.neardup import NearDuplicateIndex
from moderation.pipeline import Policy, Thresholds
from rules import Ruleset, load_ruleset

logger = logging.getLogger(__name__)

# The lexicon scorer's coarse levels (0.6 one hit, 0.85 two, 0.95 three) map onto review at one
# hit and remove at three. Trained models bring their own thresholds in their artifact.
KEYWORD_THRESHOLDS = {"toxicity": Thresholds(0.5, 0.9), "spam": Thresholds(0.5, 0.9)}
# Labels whose score acts only through the rules pack. A spam score alone is weak evidence in a
# surge (newcomers' "follow me back?" looks like YouTube self-promotion to any spam model), so the
# pack decides what else must be present (rules/policies/spam.yaml, `spam_score_*` rules).
RULE_DRIVEN_LABELS = frozenset({"spam"})
# Backends that only refine another's uncertain scores rather than scoring every post.
CASCADE_BACKENDS = frozenset({"minilm.v1", "detoxify.original.v1"})


def build_policy(settings: Settings, ruleset: Ruleset | None = None) -> Policy:
    """Classifiers, the rules pack (`ruleset`, else the one at `settings.rules_dir`; RulesError
    if invalid), thresholds and the clusterer. Edges with a database pass the deployed pack."""
    built = build_classifiers(settings)
    return Policy(
        classifiers=built.backends,
        ruleset=ruleset if ruleset is not None else load_ruleset(settings.rules_dir),
        # A refining stage that chose thresholds for the cascade's scores (minilm.v1) sets them.
        thresholds=_thresholds([*built.stages, *built.fast]),
        clusterer=NearDuplicateIndex(),
        notices=built.notices,
    )


@dataclass(frozen=True)
class Classifiers:
    backends: list[classifiers.Classifier]  # what the pipeline calls: the fast ones or a cascade
    fast: list[classifiers.Classifier]
    stages: list[classifiers.Classifier]  # the slow stages, last-applied first
    notices: tuple[str, ...]  # the slow backends that are missing, and what to do about it


def build_classifiers(settings: Settings) -> Classifiers:
    """CLASSIFIERS as backends. Cheap: the slow models' weights load on their first batch, so
    the dashboard calls this to say which of them this configuration runs without."""
    options = _backend_options(settings)
    fast = [
        classifiers.create(name, **options.get(name, {}))
        for name in settings.classifiers
        if name not in CASCADE_BACKENDS
    ]
    notices: list[str] = []
    backends = list(fast)
    stages: list[classifiers.Classifier] = []
    for name in (n for n in settings.classifiers if n in CASCADE_BACKENDS):
        try:
            slow = classifiers.create(name, **options.get(name, {}))
        except ModelNotAvailable as err:
            notices.append(f"{err}; running on the fast path")
            logger.info("%s", err)
            continue
        stages.insert(0, slow)
        backends = [Cascade(fast=backends, slow=slow)] if backends else [slow]
    return Classifiers(backends, fast, stages, tuple(notices))


def _backend_options(settings: Settings) -> dict[str, dict[str, Any]]:
    models = Path(settings.models_dir)
    return {
        "linear.v2": {"models_dir": models},
        # One torch thread: ingest's parallelism is its worker processes, one per core.
        "minilm.v1": {
            "models_dir": models,
            "base_dir": installed_base(),
            "threads": 1,
            "every_post": _minilm_scope(settings) == "every",
            "precision": minilm_precision(settings),
        },
        "detoxify.original.v1": {"models_dir": models / "detoxify"},
    }


def _minilm_scope(settings: Settings) -> str:
    if settings.minilm_scope not in ("band", "every"):
        raise ConfigError(f"MINILM_SCOPE={settings.minilm_scope!r}: use `band` or `every`")
    return settings.minilm_scope


def minilm_precision(settings: Settings) -> str:
    """MINILM_PRECISION, checked: the CLI and the dashboard render a ConfigError."""
    if settings.minilm_precision not in PRECISIONS:
        choices = ", ".join(f"`{p}`" for p in PRECISIONS)
        raise ConfigError(f"MINILM_PRECISION={settings.minilm_precision!r}: use {choices}")
    return settings.minilm_precision


def limits_in_force(backends: Sequence[object]) -> dict[str, Mapping[str, float]]:
    """Per label, the review/remove thresholds of the first backend that chose its own: a
    refining stage listed first sets the labels it re-scores, the fast model's apply to the rest.
    `evaluate` reads the same rule, so it judges at the thresholds the product uses."""
    chosen: dict[str, Mapping[str, float]] = {}
    for clf in backends:
        limits: Mapping[str, Mapping[str, float]] = getattr(clf, "thresholds", {})
        for label, bounds in limits.items():
            chosen.setdefault(label, bounds)
    return chosen


def _thresholds(backends: list[classifiers.Classifier]) -> dict[str, Thresholds]:
    """The first trained backend's thresholds per label; the lexicon's for labels it lacks."""
    chosen = {
        label: Thresholds(float(bounds["review"]), float(bounds["remove"]))
        for label, bounds in limits_in_force(backends).items()
    }
    for label, t in KEYWORD_THRESHOLDS.items():
        chosen.setdefault(label, t)
    return {label: t for label, t in chosen.items() if label not in RULE_DRIVEN_LABELS}
