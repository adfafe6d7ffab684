"""How the shipped rules pack does on the surge simulator's ground truth.

    python bench/rules_sim_report.py [--posts 20000] [--seed 1] [--rules rules/policies]

Prints, per simulated kind and spam variant, the share of posts a live review/remove rule
flagged. Goals (issue 4): spam templates caught in simplified (zh), traditional (zht) and
leetspeak English (en); under 1% of friendly kinds flagged. Labels and shadow hits don't count.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterable
from typing import Any

from moderation.contract import post_from_dict
from moderation.language import detect_lang
from moderation.simulate import simulate
from moderation.types import PostContext, RuleHit
from rules import Ruleset, load_ruleset

FRIENDLY = ("friendly_newcomer", "welcome_zh", "mixed_friendly", "chatter_zh")


def flagged(hits: Iterable[RuleHit]) -> bool:
    return any(h.action in ("review", "remove") and not h.shadow for h in hits)


def sim_report(ruleset: Ruleset, posts: int, seed: int) -> dict[str, tuple[int, int]]:
    """(flagged, total) per group: each kind, each spam variant, and all friendly kinds."""
    rows: list[dict[str, Any]] = list(simulate(posts, seed))
    contexts = []
    for row in rows:
        post = post_from_dict({k: v for k, v in row.items() if k != "sim"})
        contexts.append(PostContext(post=post, lang=detect_lang(post.text)))
    counts: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for row, hits in zip(rows, ruleset.evaluate(contexts), strict=True):
        sim = row["sim"]
        groups = [sim["kind"]]
        if sim["kind"] == "spam":
            groups.append(f"spam:{sim['variant']}")
        if sim["kind"] in FRIENDLY:
            groups.append("friendly (all)")
        for group in groups:
            totals[group] += 1
            counts[group] += flagged(hits)
    return {g: (counts[g], totals[g]) for g in sorted(totals)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rules", default="rules/policies")
    args = parser.parse_args()
    ruleset = load_ruleset(args.rules)
    print(f"rules pack {ruleset.version}, {args.posts} simulated posts, seed {args.seed}")
    print(f"{'group':<20} {'flagged':>8} {'total':>7} {'share':>7}")
    for group, (hit, total) in sim_report(ruleset, args.posts, args.seed).items():
        print(f"{group:<20} {hit:>8} {total:>7} {hit / total:>7.2%}")


if __name__ == "__main__":
    main()
