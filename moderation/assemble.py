"""Build the pipeline's `Policy` from settings: classifiers, rules pack, thresholds.

Called at the edges (CLI, dashboard, workers); the pipeline itself only receives the result.
"""

from __future__ import annotations

from moderation import classifiers
from moderation.config import Settings
from moderation.pipeline import EmptyRuleset, Policy, Thresholds

# Until the trained models ship their own thresholds, the lexicon scorer's coarse levels
# (0.6 one hit, 0.85 two, 0.95 three) map onto review at one hit and remove at three.
KEYWORD_THRESHOLDS = {"toxicity": Thresholds(0.5, 0.9), "spam": Thresholds(0.5, 0.9)}


def build_policy(settings: Settings) -> Policy:
    backends = [classifiers.create(name) for name in settings.classifiers]
    return Policy(classifiers=backends, ruleset=EmptyRuleset(), thresholds=KEYWORD_THRESHOLDS)
