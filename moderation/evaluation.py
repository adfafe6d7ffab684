"""Held-out evaluation of `linear.v2`: per-source metrics and the simulator's surge.

Rows come from the deterministic `test` split of `moderation.corpora`, every row of a corpus the
model never trained on, and each YouTube video scored by a model retrained without it, so the
numbers are for text the scoring model never saw. The Chinese toxicity rows are scored again in
traditional characters, as sources of their own.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import opencc
import pandas as pd
from scipy.stats import rankdata
from sklearn.metrics import average_precision_score

from moderation.assemble import limits_in_force
from moderation.cascade import Cascade
from moderation.classifiers.base import OPEN_BAND, Classifier
from moderation.classifiers.linear import LinearClassifier
from moderation.corpora import VIDEO_PREFIX, load_corpora
from moderation.features import FeatureSpec
from moderation.simulate import simulate
from moderation.training import TrainOptions, train

FRIENDLY_KINDS = ("friendly_newcomer", "welcome_zh", "mixed_friendly", "chatter_zh")
Limits = Mapping[str, Mapping[str, float]]  # label → {"review": p, "remove": p}


@dataclass(frozen=True, slots=True)
class SourceMetrics:
    label: str
    source: str
    rows: int
    positives: int
    auc: float
    auc_low: float  # 95% confidence interval (DeLong)
    auc_high: float
    ap: float
    recall_review: float
    recall_remove: float
    fpr_review: float
    fpr_remove: float
    auc_fast: float = float("nan")  # linear.v2 alone, when the scores are a cascade's
    auc_every: float = float("nan")  # the slow model's blend on every post it may score


def evaluate_sources(
    clf: LinearClassifier, data_dir: Path, product: Cascade | None = None
) -> list[SourceMetrics]:
    """Metrics of `product` (a cascade behind `clf`) at its thresholds, else of `clf` alone.

    With a product, each row also carries the AUC of `clf` alone and of the cascade with its
    bands opened to every post (what the slow model adds where cost is no object)."""
    test = held_out_rows(load_corpora(data_dir), clf.meta.get("trained_on"))
    ham = test[test.task == "toxicity"]
    test = pd.concat([test, _in_traditional(test)], ignore_index=True)
    texts = test.text.tolist()
    fast = _scores(clf, texts)
    scores, every = fast, None
    if product is not None:
        scores = _scores(product, texts)
        opened = dict.fromkeys(product.bands, OPEN_BAND)
        every = _scores(Cascade(fast=product.fast, slow=product.slow, bands=opened), texts)
    judge = thresholds_in_force(clf, product)
    out = [
        _metrics(
            judge,
            task,
            source,
            rows,
            scores[task][rows.index],
            fast[task][rows.index],
            every[task][rows.index] if every else None,
        )
        for (task, source), rows in test.groupby(["task", "source"], sort=True)
    ]
    # Spam false positives on ordinary posts in both languages (every toxicity test row is ham).
    out.append(
        _metrics(
            judge, "spam", "toxicity corpora as ham", ham.assign(label=0), scores["spam"][ham.index]
        )
    )
    return out


UNSEEN = " (unseen, all rows)"


def held_out_rows(df: pd.DataFrame, trained_on: Sequence[str] | None) -> pd.DataFrame:
    """The test split of the sources the model trained on, and every row of the others.

    A corpus the model never saw (another platform's, a team's own labeled sample) is held out
    whole: measuring it on its hashed test split alone would throw away 85% of its rows, and
    none of a YouTube file's whose videos the model does not know (their splits hold no test).
    Those sources are named with UNSEEN in the table. An artifact without `trained_on` (made
    before it was recorded) gets the test split of every source.
    """
    known = set(trained_on) if trained_on is not None else set(df.source)
    unseen = ~df.source.isin(known)
    rows = df[(df.split == "test") | unseen].copy()
    rows.loc[unseen, "source"] = rows.source[unseen] + UNSEEN
    return rows.reset_index(drop=True)


LEFT_OUT = " (left out of training)"


def evaluate_unseen_videos(clf: LinearClassifier, data_dir: Path) -> list[SourceMetrics]:
    """Spam metrics of each YouTube video `clf` trained on, scored by linear.v2 retrained as
    `clf` was but with that video left out: a comment section the model never saw.

    ~2 minutes per video on 2 cores (its toxicity head is never fitted). The cascade gives spam
    no second opinion, so these are the product's spam scores too.
    """
    corpora = load_corpora(data_dir)
    trained = set(clf.meta.get("trained_on", []))
    videos = sorted(v for v in set(corpora.source) & trained if v.startswith(VIDEO_PREFIX))
    spec = FeatureSpec.from_json(clf.meta["feature_spec"])
    out = []
    for video in videos:
        rows = corpora[corpora.source == video]
        with tempfile.TemporaryDirectory() as folder:
            options = TrainOptions(spec=spec, held_out_video=video, toxicity=False)
            left_out = train(data_dir, options)
            left_out.artifact.save(Path(folder))
            fold = LinearClassifier(folder)
            spam = _scores(fold, rows.text.tolist())["spam"]
        out.append(_metrics(fold.thresholds, "spam", video + LEFT_OUT, rows, spam, spam, spam))
    return out


def _in_traditional(test: pd.DataFrame) -> pd.DataFrame:
    """The Chinese toxicity rows again, in traditional characters (OpenCC s2t), as their own
    sources: the corpora are simplified, and users in Taiwan and Hong Kong write traditional."""
    zh = test[(test.task == "toxicity") & (test.lang == "zh")]
    to_traditional = opencc.OpenCC("s2t").convert
    return zh.assign(text=zh.text.map(to_traditional), source=zh.source + " (traditional)")


def thresholds_in_force(clf: LinearClassifier, product: Cascade | None) -> Limits:
    """Per label, the slow stage's thresholds where it chose its own for the cascade's scores
    (the labels it re-scores), else the fast model's: the product's rule (`assemble`)."""
    return limits_in_force([product.slow, clf] if product is not None else [clf])


def _scores(clf: Classifier, texts: Sequence[str]) -> dict[str, np.ndarray]:
    probs = clf.predict_proba(texts)
    return {label: np.array([p[label] for p in probs]) for label in ("toxicity", "spam")}


def _metrics(
    thresholds: Limits,
    label: str,
    source: str,
    rows: pd.DataFrame,
    s: np.ndarray,
    fast: np.ndarray | None = None,
    every: np.ndarray | None = None,
) -> SourceMetrics:
    y = rows.label.to_numpy()
    limits = thresholds[label]
    pos, neg = s[y == 1], s[y == 0]
    both = 0 < y.sum() < len(y)
    auc, low, high = auc_with_ci(y, s) if both else (float("nan"),) * 3
    return SourceMetrics(
        label=label,
        source=source,
        rows=len(y),
        positives=int(y.sum()),
        auc=auc,
        auc_low=low,
        auc_high=high,
        ap=float(average_precision_score(y, s)) if both else float("nan"),
        recall_review=_rate(pos, limits["review"]),
        recall_remove=_rate(pos, limits["remove"]),
        fpr_review=_rate(neg, limits["review"]),
        fpr_remove=_rate(neg, limits["remove"]),
        auc_fast=auc_with_ci(y, fast)[0] if both and fast is not None else float("nan"),
        auc_every=auc_with_ci(y, every)[0] if both and every is not None else float("nan"),
    )


def auc_with_ci(y: np.ndarray, s: np.ndarray, z: float = 1.959964) -> tuple[float, float, float]:
    """ROC AUC and its 95% confidence interval by DeLong's method (fast form of Sun & Xu 2014).

    A test split of a few hundred rows, or 24 positives in wiki_talk, leaves AUC uncertain in the
    second decimal; the interval says how far a goal like 0.97 is from noise.
    """
    pos, neg = s[y == 1], s[y == 0]
    m, n = len(pos), len(neg)
    ranks = rankdata(np.concatenate([pos, neg]))
    auc = (ranks[:m].sum() - m * (m + 1) / 2) / (m * n)
    # Per positive: share of negatives scored below it; per negative: share of positives above.
    above_neg = (ranks[:m] - rankdata(pos)) / n
    below_pos = 1.0 - (ranks[m:] - rankdata(neg)) / m
    var = np.var(above_neg, ddof=1) / m + np.var(below_pos, ddof=1) / n
    half = z * float(np.sqrt(var))
    return float(auc), max(0.0, float(auc) - half), min(1.0, float(auc) + half)


def _rate(values: np.ndarray, threshold: float) -> float:
    return float((values >= threshold).mean()) if len(values) else float("nan")


SurgeRow = tuple[int, dict[str, float]]  # posts, share at review per label and for any ("flagged")


def evaluate_surge(
    clf: LinearClassifier, posts: int, seed: int, product: Cascade | None = None
) -> dict[str, SurgeRow]:
    """Per simulated kind (and Chinese spam wave variant): count, and share at the review
    threshold of each label and of any label, by `product`'s scores at its thresholds (else
    `clf`'s). Per label, because the product acts on them differently: a spam score alone
    flags nothing, the rules pack needs a link or a contact handle beside it."""
    sim = list(simulate(posts, seed))
    probs = (product or clf).predict_proba([p["text"] for p in sim])
    limits = thresholds_in_force(clf, product)
    at_review = [
        {label: p.get(label, 0.0) >= t["review"] for label, t in limits.items()} for p in probs
    ]
    groups: dict[str, list[dict[str, bool]]] = {}
    for post, flags in zip(sim, at_review, strict=True):
        kind = post["sim"]["kind"]
        groups.setdefault(kind, []).append(flags)
        if kind == "spam":
            groups.setdefault(f"spam ({post['sim']['variant']})", []).append(flags)
    groups["all friendly"] = [f for k in FRIENDLY_KINDS for f in groups.get(k, [])]
    return {k: (len(v), _shares(v, list(limits))) for k, v in sorted(groups.items())}


def _shares(flags: list[dict[str, bool]], labels: list[str]) -> dict[str, float]:
    shares = {label: sum(f[label] for f in flags) / len(flags) for label in labels}
    return {"flagged": sum(any(f.values()) for f in flags) / len(flags), **shares}


def render_sources(metrics: Sequence[SourceMetrics]) -> str:
    head = (
        "| label | source (test split) | rows | pos | AUC | AUC 95% CI | AP | recall@review "
        "| recall@remove | FPR@review | FPR@remove | AUC linear.v2 alone "
        "| AUC every English post re-scored |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [
        f"| {m.label} | {m.source} | {m.rows} | {m.positives} | {m.auc:.3f} "
        f"| {_interval(m.auc_low, m.auc_high)} | {m.ap:.3f} "
        f"| {m.recall_review:.3f} | {m.recall_remove:.3f} "
        f"| {m.fpr_review:.4f} | {m.fpr_remove:.4f} | {m.auc_fast:.3f} | {m.auc_every:.3f} |"
        for m in metrics
    ]
    return "\n".join([head, *lines])


def _interval(low: float, high: float) -> str:
    return "nan" if np.isnan(low) else f"{low:.3f}–{high:.3f}"


def render_surge(rows: dict[str, SurgeRow], posts: int, seed: int) -> str:
    command = f"simulate --posts {posts} --seed {seed}"
    columns = list(next(iter(rows.values()))[1]) if rows else ["flagged"]
    names = [c if c == "flagged" else f"{c} ≥ review" for c in columns]
    head = f"| simulated kind (`{command}`) | posts | {' | '.join(names)} |"
    rule = "|---|---|" + "---|" * len(columns)
    lines = [
        f"| {k} | {n} | " + " | ".join(f"{share[c]:.2%}" for c in columns) + " |"
        for k, (n, share) in rows.items()
    ]
    return "\n".join([head, rule, *lines])
