"""Throughput of the fast path (linear.v2: toxicity + spam), of the cascade that adds minilm.v1 on
the posts in its bands, and of near-dup clustering, beside Detoxify's architecture (bert-base,
random weights, torch threads=1) on the same texts.

    python bench/classifiers_bench.py [--posts 20000] [--batch 512] [--bert-sample 64]
                                      [--minilm-sample 512] [--repeats 5] [--quick]

One core: torch.set_num_threads(1); numpy/scipy here are single-threaded for sparse products.
The fast path scores batches of `--batch` posts (the ingest's BATCH_SIZE). Prints a table of
medians over `--repeats` runs, the featurisation's share in µs/post, and the ratio fast / bert.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bert_baseline import bert_rate  # noqa: E402
from moderation import classifiers  # noqa: E402
from moderation.cascade import Cascade, has_han  # noqa: E402
from moderation.classifiers.base import OPEN_BAND  # noqa: E402
from moderation.classifiers.linear import LinearArtifact  # noqa: E402
from moderation.classifiers.minilm import installed_base  # noqa: E402
from moderation.contract import post_from_dict  # noqa: E402
from moderation.encoder import resolve_precision  # noqa: E402
from moderation.neardup import NearDuplicateIndex  # noqa: E402
from moderation.simulate import simulate  # noqa: E402

MODELS = Path(__file__).resolve().parent.parent / "moderation" / "models"


def _median_rate(n: int, run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return n / statistics.median(times)


def _batches(texts: list[str], size: int) -> list[list[str]]:
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def _bert_rate(texts: list[str], repeats: int) -> float:
    """Median over repeats of bert-base on one thread (this bench is per core)."""
    return statistics.median(bert_rate(texts, threads=1) for _ in range(max(1, repeats // 2)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--bert-sample", type=int, default=64)
    parser.add_argument("--minilm-sample", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small sizes for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.bert_sample, args.minilm_sample, args.repeats = 2000, 8, 32, 2
    sim = list(simulate(args.posts, seed=1))
    texts = [p["text"] for p in sim]
    posts = [post_from_dict({k: v for k, v in p.items() if k != "sim"}) for p in sim]
    fast = classifiers.create("linear.v2", models_dir=MODELS)
    fast.predict_proba(texts[:10])  # load the artifact outside the timing
    batches = _batches(texts, args.batch)
    fast_rate = _median_rate(
        len(texts), lambda: [fast.predict_proba(b) for b in batches], args.repeats
    )
    featurizer = LinearArtifact.load(MODELS).featurizer()
    feature_rate = _median_rate(
        len(texts), lambda: [featurizer.blocks(b) for b in batches], args.repeats
    )
    nd_rate = _median_rate(len(posts), lambda: NearDuplicateIndex().assign(posts), args.repeats)
    english = [t for t in texts if not has_han(t)][: args.minilm_sample]
    slow = {
        precision: _minilm_rates(fast, texts, english, args.batch, args.repeats, precision)
        for precision in ("fp32", "bf16")
    }
    cascade = slow["fp32"].cascade
    # Detoxify after minilm.v1 (a slow stand-in: only its routing share is measured).
    detoxify = Cascade(fast=[cascade], slow=fast)
    detoxify.predict_proba(texts)
    bert_rate = _bert_rate(texts[: args.bert_sample], args.repeats)
    rows = [("linear.v2 (toxicity + spam), EN/ZH/mixed", len(texts), fast_rate)]
    for precision, r in slow.items():
        rows += [
            (f"linear.v2 + minilm.v1 cascade, {precision}", len(texts), r.cascade_rate),
            ("  with MINILM_SCOPE=every (every 10th post)", len(texts[::10]), r.every_rate),
            (f"minilm.v1 alone, English posts, {precision}", len(english), r.alone_rate),
        ]
    rows += [
        ("near-dup MinHash/LSH clustering", len(posts), nd_rate),
        ("bert-base (Detoxify architecture), random weights", args.bert_sample, bert_rate),
    ]
    print(f"{'path':52} {'posts':>7} {'posts/s (median)':>17}")
    for name, n, rate in rows:
        print(f"{name:52} {n:>7} {rate:>17,.0f}")
    print(f"fast / bert-base ratio: {fast_rate / bert_rate:,.0f}x")
    print(
        f"per post: {1e6 / fast_rate:.1f} µs scored, of which {1e6 / feature_rate:.1f} µs "
        f"featurisation (batches of {args.batch})"
    )
    full, half = slow["fp32"], slow["bf16"]
    print(f"minilm.v1 / bert-base ratio (both fp32): {full.alone_rate / bert_rate:,.1f}x")
    print(
        f"bf16 / fp32 ratio: minilm.v1 alone {half.alone_rate / full.alone_rate:.2f}x, cascade "
        f"{half.cascade_rate / full.cascade_rate:.2f}x, "
        f"every {half.every_rate / full.every_rate:.2f}x; "
        f"MINILM_PRECISION=auto uses {resolve_precision('auto')} here"
    )
    print(
        f"cascade: {cascade.sent / cascade.seen:.2%} of posts fall in minilm.v1's bands "
        f"{cascade.bands}; after it, {detoxify.sent / detoxify.seen:.2%} in the band "
        f"{detoxify.bands} would go to Detoxify; with MINILM_SCOPE=every, "
        f"{full.every.sent / full.every.seen:.1%} go to minilm.v1"
    )
    return 0


@dataclass
class SlowRates:
    alone_rate: float
    cascade_rate: float
    every_rate: float
    cascade: Cascade
    every: Cascade


def _minilm_rates(
    fast: classifiers.Classifier,
    texts: list[str],
    english: list[str],
    batch: int,
    repeats: int,
    precision: str,
) -> SlowRates:
    """minilm.v1 alone, behind linear.v2 in its bands, and on every English post."""
    minilm = classifiers.create(
        "minilm.v1", models_dir=MODELS, base_dir=installed_base(), threads=1, precision=precision
    )
    minilm.predict_proba(english[:2])  # load the weights outside the timing
    alone = _median_rate(len(english), lambda: minilm.predict_proba(english), repeats)
    cascade = Cascade(fast=[fast], slow=minilm)
    batches = _batches(texts, batch)
    banded = _median_rate(len(texts), lambda: [cascade.predict_proba(b) for b in batches], repeats)
    # MINILM_SCOPE=every: every English post re-scored, timed on every 10th post (the surge's
    # language mix changes over its course, so not its first posts).
    every = Cascade(fast=[fast], slow=minilm, bands=dict.fromkeys(cascade.bands, OPEN_BAND))
    sample = _batches(texts[::10], batch)
    every_rate = _median_rate(
        len(texts[::10]), lambda: [every.predict_proba(b) for b in sample], repeats
    )
    return SlowRates(alone, banded, every_rate, cascade, every)


if __name__ == "__main__":
    sys.exit(main())
