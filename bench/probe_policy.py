"""The policy `make run` builds, run over probe sentences (for the probe reports)."""

from __future__ import annotations

from collections.abc import Sequence

from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.pipeline import Policy, moderate_batch
from moderation.types import Author, Post, Verdict


def verdicts_for(
    texts: Sequence[str],
    *,
    models: str,
    rules: str,
    classifiers: str,
    minilm_precision: str = "auto",
) -> tuple[Policy, list[Verdict]]:
    """The policy from these settings, and its verdict on each text (one anonymous author)."""
    env = {
        "MODELS_DIR": models,
        "RULES_DIR": rules,
        "CLASSIFIERS": classifiers,
        "MINILM_PRECISION": minilm_precision,
    }
    policy = build_policy(Settings.from_env(env))
    posts = [Post(id=str(i), text=text, author=Author(id="a")) for i, text in enumerate(texts)]
    return policy, moderate_batch(posts, policy=policy)
