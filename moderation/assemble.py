"""Build the pipeline's `Policy` from settings: classifiers, rules pack, thresholds.

Called at the edges (CLI, dashboard, workers); the pipeline itself only receives the result.
"""

from __future__ import annotations

from moderation import classifiers
from moderation.config import Settings
from moderation.pipeline import Policy, Thresholds
from rules import load_ruleset

# Until the trained models ship their own thresholds, the lexicon scorer's coarse levels
# (0.6 one hit, 0.85 two, 0.95 three) map onto review at one hit and remove at three.
KEYWORD_THRESHOLDS = {"toxicity": Thresholds(0.5, 0.9), "spam": Thresholds(0.5, 0.9)}


def build_policy(settings: Settings) -> Policy:
    """Classifiers plus the rules pack at `settings.rules_dir` (RulesError if it is invalid)."""
    backends = [classifiers.create(name) for name in settings.classifiers]
    ruleset = load_ruleset(settings.rules_dir)
    return Policy(classifiers=backends, ruleset=ruleset, thresholds=KEYWORD_THRESHOLDS)
