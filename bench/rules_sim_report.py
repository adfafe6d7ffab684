"""How the shipped rules pack (or the whole product policy) does on the surge simulator.

    python bench/rules_sim_report.py [--posts 20000] [--seed 1] [--rules rules/policies]
    python bench/rules_sim_report.py --policy [--models moderation/models]

Prints, per simulated kind and spam variant, the share of posts flagged. Without `--policy`: a
live review/remove rule hit (labels and shadow hits don't count); goals (issue 4): spam templates
caught in simplified (zh), traditional (zht) and leetspeak English (en), under 1% of friendly kinds
flagged. With `--policy`: the verdict of the policy `make run` builds (models + rules pack +
near-dup clustering) is review or remove; goals (issue 5): Chinese spam waves ≥ 95%, friendly ≤ 1%.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from typing import Any

from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.contract import post_from_dict
from moderation.language import detect_lang
from moderation.pipeline import Policy, moderate_batch
from moderation.simulate import simulate
from moderation.types import Action, Post, PostContext, RuleHit
from rules import Ruleset, load_ruleset

FRIENDLY = ("friendly_newcomer", "welcome_zh", "mixed_friendly", "chatter_zh")


def flagged(hits: Iterable[RuleHit]) -> bool:
    return any(h.action in ("review", "remove") and not h.shadow for h in hits)


def sim_report(ruleset: Ruleset, posts: int, seed: int) -> dict[str, tuple[int, int]]:
    """(flagged, total) per group: each kind, each spam variant, and all friendly kinds."""
    rows = list(simulate(posts, seed))
    contexts = [PostContext(post=p, lang=detect_lang(p.text)) for p in _posts(rows)]
    return _tally(rows, [flagged(hits) for hits in ruleset.evaluate(contexts)])


def policy_report(policy: Policy, posts: int, seed: int) -> dict[str, tuple[int, int]]:
    """Like `sim_report`, but flagged means the whole policy's verdict is review or remove."""
    rows = list(simulate(posts, seed))
    verdicts = moderate_batch(_posts(rows), policy=policy)
    return _tally(rows, [v.action is not Action.ALLOW for v in verdicts])


def _posts(rows: list[dict[str, Any]]) -> list[Post]:
    return [post_from_dict({k: v for k, v in row.items() if k != "sim"}) for row in rows]


def _tally(rows: list[dict[str, Any]], flags: list[bool]) -> dict[str, tuple[int, int]]:
    counts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for row, flag in zip(rows, flags, strict=True):
        sim = row["sim"]
        groups = [sim["kind"]]
        if sim["kind"] == "spam":
            groups.append(f"spam:{sim['variant']}")
        if sim["kind"] in FRIENDLY:
            groups.append("friendly (all)")
        for group in groups:
            totals[group] += 1
            counts[group] += flag
    return {g: (counts[g], totals[g]) for g in sorted(totals)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rules", default="rules/policies")
    parser.add_argument("--policy", action="store_true", help="whole policy, not the pack alone")
    parser.add_argument("--models", default="moderation/models", help="with --policy")
    args = parser.parse_args()
    ruleset = load_ruleset(args.rules)
    print(f"rules pack {ruleset.version}, {args.posts} simulated posts, seed {args.seed}")
    if args.policy:
        env = {"RULES_DIR": args.rules, "MODELS_DIR": args.models}
        policy = build_policy(Settings.from_env(env), ruleset)
        print(f"whole policy: {', '.join(c.name for c in policy.classifiers)} + rules + near-dup")
        report = policy_report(policy, args.posts, args.seed)
    else:
        report = sim_report(ruleset, args.posts, args.seed)
    print(f"{'group':<20} {'flagged':>8} {'total':>7} {'share':>7}")
    for group, (hit, total) in report.items():
        print(f"{group:<20} {hit:>8} {total:>7} {hit / total:>7.2%}")


if __name__ == "__main__":
    main()
