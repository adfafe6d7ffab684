"""Rules engine for policy staff: YAML rules in `rules/policies/`, compiled into one matcher.

load_ruleset(path) -> Ruleset        raises RulesError (every problem, rendered for humans)
reload(path, current) -> (Ruleset, errors)   atomic: a bad pack never replaces a good one
"""

from __future__ import annotations

import logging
from pathlib import Path

from rules.engine import Ruleset
from rules.errors import RuleError, RulesError
from rules.loader import check, load_ruleset

logger = logging.getLogger(__name__)


def reload(path: str | Path, current: Ruleset) -> tuple[Ruleset, list[RuleError]]:
    """The pack at `path` if it is valid, else `current` unchanged plus the errors that kept it."""
    try:
        return load_ruleset(path), []
    except RulesError as err:
        logger.warning("rules pack at %s rejected; keeping version %s", path, current.version)
        return current, list(err.errors)


__all__ = ["RuleError", "Ruleset", "RulesError", "check", "load_ruleset", "reload"]
