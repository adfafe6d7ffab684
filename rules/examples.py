"""Run the `examples:` written inside rules files (`python -m rules test`).

Every non-retired rule is tested, drafts included (they are compiled as if live for this), so a
rule's examples pass before it is switched on. A failing example is reported like a check error,
at the line where the example is written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from moderation.language import detect_lang
from moderation.types import Author, Cluster, Post, PostContext
from rules import schema as s
from rules.engine import Ruleset
from rules.errors import RuleError
from rules.loader import Pack

_NOW = datetime(2025, 1, 15, tzinfo=UTC)  # fixed, so example account ages never drift


def run_examples(pack: Pack) -> tuple[int, list[RuleError]]:
    """How many examples ran, and one error per example that did not behave as written."""
    testable = [
        r.model_copy(update={"status": "live"}) for r in pack.rules if r.status != "retired"
    ]
    ruleset = Ruleset(testable, pack.lists, pack.version)
    failures: list[RuleError] = []
    ran = 0
    for source, policy in pack.sources:
        for i, rule in enumerate(policy.rules):
            if rule.status == "retired":
                continue
            for kind, cases in (
                ("match", rule.examples.match),
                ("no_match", rule.examples.no_match),
            ):
                for j, case in enumerate(cases):
                    ran += 1
                    hit = rule.id in {h.rule_id for h in ruleset.evaluate([context(case)])[0]}
                    if hit != (kind == "match"):
                        text = case if isinstance(case, str) else case.text
                        verb = "does not match" if kind == "match" else "matches"
                        failures.append(
                            source.error(
                                ("rules", i, "examples", kind, j),
                                f"rule `{rule.id}`: example {verb}: {text!r}",
                                f"listed under `{kind}`",
                            )
                        )
    return ran, failures


def context(case: str | s.Example) -> PostContext:
    """A post context for one example; unspecified author features are unknown (None)."""
    ex = case if isinstance(case, s.Example) else s.Example(text=case)
    created = None if ex.account_age_days is None else _NOW - timedelta(days=ex.account_age_days)
    author = Author(
        id="example-author",
        created_at=created,
        followers=ex.followers,
        posts_count=ex.posts_count,
        strikes=ex.strikes,
    )
    post = Post(id="example", text=ex.text, author=author, created_at=_NOW, links=tuple(ex.links))
    cluster = None if ex.cluster_size is None else Cluster("example", ex.cluster_size)
    return PostContext(
        post=post, lang=ex.lang or detect_lang(ex.text), scores=dict(ex.scores), cluster=cluster
    )
