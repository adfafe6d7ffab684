"""The one path data flows through: posts in, verdicts out.

    moderate_batch(posts, policy=...) -> list[Verdict]

Pure: no database, no Streamlit, no environment reads, no files. Everything it needs (classifiers,
rules, thresholds, the near-duplicate index) is built at the edge and handed in as a `Policy`.
Stages, in order: language → classifier scores → near-duplicate cluster → rules → decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from moderation import telemetry
from moderation.classifiers.base import Classifier
from moderation.language import detect_lang
from moderation.scoring import score_batch
from moderation.telemetry import tracer
from moderation.types import Action, Cluster, Post, PostContext, RuleHit, Verdict, strictest


class Ruleset(Protocol):
    @property
    def version(self) -> str: ...

    def evaluate(self, contexts: Sequence[PostContext]) -> list[list[RuleHit]]: ...


class Clusterer(Protocol):
    def assign(self, posts: Sequence[Post]) -> list[Cluster]: ...


@dataclass(frozen=True, slots=True)
class EmptyRuleset:
    """No rules: decisions come from classifier thresholds alone."""

    version: str = "none"

    def evaluate(self, contexts: Sequence[PostContext]) -> list[list[RuleHit]]:
        return [[] for _ in contexts]


@dataclass(frozen=True, slots=True)
class Thresholds:
    review: float
    remove: float


# The queue a score-driven flag lands in; rules name their own queue.
LABEL_QUEUES = {"spam": "spam"}
DEFAULT_QUEUE = "toxicity"
FAILURE_QUEUE = "escalations"


@dataclass(frozen=True)
class Policy:
    """Everything the pipeline needs, built once at the edge."""

    classifiers: Sequence[Classifier]
    ruleset: Ruleset = field(default_factory=EmptyRuleset)
    thresholds: Mapping[str, Thresholds] = field(default_factory=dict)
    clusterer: Clusterer | None = None
    notices: tuple[str, ...] = ()  # degraded-mode messages the edge shows (e.g. a model missing)


def moderate_batch(
    posts: Sequence[Post],
    *,
    policy: Policy,
    clusters: Sequence[Cluster | None] | None = None,
) -> list[Verdict]:
    """Score, cluster, evaluate rules and decide for a batch, in input order.

    `clusters`, when given, are the posts' near-duplicate clusters already assigned in input
    order by the caller (moderation/parallel.py does, before handing batches to other processes);
    `policy.clusterer` is then not consulted.
    """
    with tracer.start_as_current_span(telemetry.SPAN_MODERATE) as span:
        span.set_attribute("moderation.posts", len(posts))
        with tracer.start_as_current_span(telemetry.SPAN_LANG):
            langs = [post.lang if post.lang in _LANGS else detect_lang(post.text) for post in posts]
        with tracer.start_as_current_span(telemetry.SPAN_CLASSIFIERS):
            scores, errors = score_batch([p.text for p in posts], policy.classifiers)
        with tracer.start_as_current_span(telemetry.SPAN_CLUSTER):
            if clusters is None:
                clusters = assign_clusters(posts, policy.clusterer)
        contexts = [
            PostContext(post=p, lang=lang, scores=s, cluster=c)
            for p, lang, s, c in zip(posts, langs, scores, clusters, strict=True)
        ]
        with tracer.start_as_current_span(telemetry.SPAN_RULES):
            hits = policy.ruleset.evaluate(contexts)
        with tracer.start_as_current_span(telemetry.SPAN_DECIDE):
            verdicts = [
                decide(ctx, post_hits, post_errors, policy=policy)
                for ctx, post_hits, post_errors in zip(contexts, hits, errors, strict=True)
            ]
    telemetry.record_verdicts(verdicts)
    return verdicts


def assign_clusters(posts: Sequence[Post], clusterer: Clusterer | None) -> list[Cluster | None]:
    return list(clusterer.assign(posts)) if clusterer else [None] * len(posts)


def moderate(post: Post, *, policy: Policy) -> Verdict:
    return moderate_batch([post], policy=policy)[0]


_LANGS = frozenset({"en", "zh", "mixed", "other"})


def decide(
    ctx: PostContext, hits: Sequence[RuleHit], errors: Sequence[str], *, policy: Policy
) -> Verdict:
    """The fail-safe policy in one place: the strictest action wins; any error means review.

    A live `no_auto_remove` hit lowers a classifier score's removal to review: the rule says a
    person decides such posts (a rule's own removal still stands)."""
    actions: list[Action] = []
    reasons: list[str] = []
    queue, priority = None, 0
    live = [h for h in hits if not h.shadow]
    guards = [h for h in live if h.action == "no_auto_remove"]
    guarded = False  # a guard lowered some score's removal: its reasons are said once
    for hit in live:
        if hit.action in (Action.REVIEW, Action.REMOVE):
            action = Action(hit.action)
            if action.severity > strictest(actions).severity or queue is None:
                queue, priority = hit.queue, hit.priority
            actions.append(action)
            reasons.append(f"rule {hit.rule_id}: {hit.description}")
    for label, limits in policy.thresholds.items():
        p = ctx.scores.get(label)
        if p is None or p < limits.review:
            continue
        action = Action.REMOVE if p >= limits.remove else Action.REVIEW
        bound = limits.remove if action is Action.REMOVE else limits.review
        reasons.append(f"{label} score {p:.2f} ≥ {action.value} threshold {bound:.2f}")
        if action is Action.REMOVE and guards:
            action, guarded = Action.REVIEW, True
        if queue is None or action.severity > strictest(actions).severity:
            queue = LABEL_QUEUES.get(label, DEFAULT_QUEUE)
        actions.append(action)
    if guarded:
        reasons.extend(f"rule {g.rule_id}: {g.description}" for g in guards)
    if errors:
        reasons.extend(errors)
        actions.append(Action.REVIEW)
        queue = queue or FAILURE_QUEUE
    final = strictest(actions)
    return Verdict(
        id=ctx.post.id,
        action=final,
        scores=dict(ctx.scores),
        rules=tuple(h.rule_id for h in live),
        reasons=tuple(reasons),
        rules_version=policy.ruleset.version,
        lang=ctx.lang,
        queue=None if final is Action.ALLOW else queue,
        priority=priority,
        hits=tuple(hits),
        errors=tuple(errors),
        cluster=ctx.cluster,
        labels=tuple(h.rule_id for h in live if h.action == "label"),
    )
