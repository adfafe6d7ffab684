"""Rules engine throughput: 100, 1,000 and 10,000 synthetic rules over simulated posts.

    PYTHONPATH=. python bench/rules_bench.py            # 100,000 posts, 3 runs each (~2-3 min)
    PYTHONPATH=. python bench/rules_bench.py --quick    # 10,000 posts, CI-sized

Rules are generated like a real pack grows: each has 1-3 terms or a regex (Latin words, Han
words, some from the surge's real vocabulary so posts do hit), combined with author and score
conditions; ten use contact handles and ten have no text at all (they run on every post), the
handful a real pack has. The baseline is the naive engine: one Python `re` per rule, searched
in a loop over every rule for every post; it runs on a subsample and its rate is
extrapolated (the table says how many posts).
Single process, single thread (Python, RE2 sets and Aho-Corasick here all run on one core);
rates are posts per CPU-second (`process_time`), so other jobs on a shared machine don't skew them.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from moderation.contract import post_from_dict
from moderation.language import detect_lang
from moderation.normalise import fold
from moderation.simulate import simulate
from moderation.types import PostContext
from rules import Ruleset, load_ruleset

SIZES = (100, 1_000, 10_000)
HAN = "的一是不了人我在有他这中大来上个们到说时要就出会可也你对生能而子那得于着下自之年过发后作里"
REAL_TERMS = [
    "welcome",
    "refugee",
    "dumplings",
    "playlist",
    "猫猫",
    "火锅",
    "学中文",
    "日结",
    "兼职",
    "usdt",
    "airdrop",
    "followers",
    "telegram",
    "加微信",
    "小红书",
    "weather",
]


def synthetic_rules(n: int, rng: random.Random) -> list[dict[str, object]]:
    rules: list[dict[str, object]] = []
    for i in range(n):
        if i < 10:
            when: dict[str, object] = {
                "all": [
                    {"score": "spam", "at_least": 0.9 + i / 100},
                    {"account_age_days": {"at_most": 1}},
                ]
            }
        else:
            # The first rules of every pack use words the surge really contains, so posts hit.
            leaf = {"contains": [REAL_TERMS[i - 10]]} if i - 10 < len(REAL_TERMS) else None
            if 30 <= i < 40:  # a real pack has a handful of contact-handle rules, not thousands
                leaf = {"contact": rng.sample(["wechat", "telegram", "whatsapp", "phone", "qq"], 2)}
            when = {
                "all": [
                    leaf or _text_leaf(rng),
                    {"account_age_days": {"at_most": rng.randint(1, 60)}},
                    {
                        "any": [
                            {"score": "spam", "at_least": round(rng.random(), 2)},
                            {"followers": {"at_most": rng.randint(0, 50)}},
                        ]
                    },
                ]
            }
        rules.append(
            {
                "id": f"synthetic_{i}",
                "description": f"synthetic rule number {i}",
                "action": rng.choice(["review", "remove", "label"]),
                "status": "live",
                "when": when,
            }
        )
    return rules


def _text_leaf(rng: random.Random) -> dict[str, object]:
    if rng.random() < 0.10:
        return {"matches_regex": rf"\b{_latin(rng)}\d{{2,4}}\b|{_han(rng)}.{{0,6}}{_han(rng)}"}
    return {
        "contains": [
            _latin(rng) if rng.random() < 0.5 else _han(rng) for _ in range(rng.randint(1, 3))
        ]
    }


def _latin(rng: random.Random) -> str:
    return "".join(rng.choices("abcdefghiklmnoprstuvwy", k=rng.randint(5, 9)))


def _han(rng: random.Random) -> str:
    # Common characters start a word, the rest come from the whole CJK block, as real terms do.
    return rng.choice(HAN) + "".join(
        chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 2))
    )


def contexts(n: int, seed: int) -> list[PostContext]:
    rng = random.Random(seed)
    out = []
    for row in simulate(n, seed):
        post = post_from_dict({k: v for k, v in row.items() if k != "sim"})
        scores = {"spam": rng.random(), "toxicity": rng.random()}
        out.append(PostContext(post=post, lang=detect_lang(post.text), scores=scores))
    return out


def engine_rate(ruleset: Ruleset, posts: list[PostContext], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        for i in range(0, len(posts), 1000):
            ruleset.evaluate(posts[i : i + 1000])
        times.append(time.process_time() - start)
    return len(posts) / statistics.median(times)


def naive_rate(rules: list[dict[str, object]], posts: list[PostContext]) -> float:
    """One Python `re` per rule (terms as an alternation), searched for every rule, every post."""
    compiled = [re.compile(_naive_pattern(r["when"])) for r in rules]  # type: ignore[arg-type]
    start = time.process_time()
    for ctx in posts:
        text = fold(ctx.post.text)
        age = ctx.post.account_age_days()
        for rx in compiled:
            if rx.search(text) and age is not None and age < 60:
                pass
    return len(posts) / (time.process_time() - start)


def _naive_pattern(when: dict[str, object]) -> str:
    leaf = when["all"][0]  # type: ignore[index]
    if "contains" in leaf:
        return "|".join(
            rf"\b{re.escape(t)}\b" if t.isascii() else re.escape(t) for t in leaf["contains"]
        )
    if "matches_regex" in leaf:
        return str(leaf["matches_regex"])
    return r"微信|wechat|telegram|whatsapp|\+?\d{3}[\s-]\d{3}[\s-]\d{4}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 posts, 1 run: CI-sized")
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    n_posts, runs = (10_000, 1) if args.quick else (args.posts, 3)
    posts = contexts(n_posts, seed=7)
    print(f"{n_posts} simulated posts, median of {runs} run(s), one core, CPU time")
    print(
        f"{'rules':>7} {'load s':>7} {'posts/s':>9} {'hits/post':>9} "
        f"{'naive posts/s':>14} {'naive sample':>12} {'speed-up':>9}"
    )
    rates = {}
    for size in SIZES:
        rules = synthetic_rules(size, random.Random(size))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthetic.yaml"
            path.write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), "utf-8")
            start = time.perf_counter()
            ruleset = load_ruleset(path)
            load_s = time.perf_counter() - start
        rates[size] = engine_rate(ruleset, posts, runs)
        hits = sum(map(len, ruleset.evaluate(posts[:2000]))) / 2000
        sample = max(50, min(n_posts, 2_000_000 // size))
        naive = naive_rate(rules, posts[:sample])
        print(
            f"{size:>7} {load_s:>7.1f} {rates[size]:>9,.0f} {hits:>9.2f} "
            f"{naive:>14,.0f} {sample:>12} {rates[size] / naive:>8,.0f}x"
        )
    print(f"10k-rule rate / 100-rule rate: {rates[10_000] / rates[100]:.2f}")


if __name__ == "__main__":
    main()
