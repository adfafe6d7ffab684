"""Backtest: run a draft rules pack over stored posts and compare it with the live pack.

Nothing is re-scored: each post's context is rebuilt from what ingest stored (the post as
received, the classifier scores and near-duplicate cluster of its verdict), so a backtest over
100,000 posts costs two rule evaluations per post and no model inference. Both packs are run
with every non-retired rule as if live (drafts and shadows included), as `python -m rules test`
does, so a draft rule is measured before it is switched on.

Agreement with moderators comes from review_events: a post's latest `remove` or `approve`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import PostRow, ReviewEventRow, VerdictRow
from moderation.contract import post_from_dict
from moderation.errors import ModerationError
from moderation.types import Author, Cluster, Post, PostContext
from rules import Ruleset

Progress = Callable[[int, int], None]
CHUNK = 2_000
SAMPLES = 5
_FLAGS = frozenset({"review", "remove"})


@dataclass(frozen=True, slots=True)
class Sample:
    post_id: str
    text: str


@dataclass
class RuleDiff:
    """One rule whose definition or hits differ between the packs."""

    rule_id: str
    change: str  # new | removed (deleted or retired) | changed | hits differ (a list it reads)
    draft_hits: int = 0
    live_hits: int = 0
    newly_flagged: list[Sample] = field(default_factory=list)  # first SAMPLES
    no_longer_flagged: list[Sample] = field(default_factory=list)
    newly_flagged_count: int = 0
    no_longer_flagged_count: int = 0
    removed_by_moderators: int = 0  # draft hits a moderator removed
    approved_by_moderators: int = 0  # draft hits a moderator approved

    @property
    def precision(self) -> float | None:
        """Share of the draft rule's moderator-decided hits that moderators removed."""
        decided = self.removed_by_moderators + self.approved_by_moderators
        return self.removed_by_moderators / decided if decided else None


@dataclass
class BacktestReport:
    posts: int
    draft_version: str
    live_version: str
    approved_posts: int  # posts moderators approved in the window
    rules: list[RuleDiff]
    hits: dict[str, tuple[int, int]]  # every rule: (draft hits, live hits)
    newly_flagged_posts: int = 0  # flagged (review/remove) by the draft pack only
    no_longer_flagged_posts: int = 0
    seconds: float = 0.0

    def approved_share(self, diff: RuleDiff) -> float | None:
        """Share of the window's approved posts the draft rule would have flagged."""
        return diff.approved_by_moderators / self.approved_posts if self.approved_posts else None


def as_if_live(ruleset: Ruleset) -> Ruleset:
    """The same pack with every non-retired rule evaluated (drafts and shadows as live)."""
    rules = [
        r.model_copy(update={"status": "live"}) for r in ruleset.rules if r.status != "retired"
    ]
    return Ruleset(rules, ruleset.lists, ruleset.version)


def stored_contexts(
    session: Session, since: datetime, until: datetime | None = None
) -> list[PostContext]:
    """Contexts of the posts ingested in [since, until), rebuilt from stored rows, oldest first."""
    stmt = (
        select(
            PostRow.id, PostRow.text, PostRow.raw, PostRow.author_id, PostRow.created_at,
            PostRow.author_created_at, VerdictRow.lang, VerdictRow.scores,
            VerdictRow.cluster_id, VerdictRow.cluster_size,
        )
        .join(VerdictRow, VerdictRow.post_id == PostRow.id)
        .where(PostRow.ingested_at >= since)
        .order_by(PostRow.ingested_at, VerdictRow.id)
    )  # fmt: skip
    if until is not None:
        stmt = stmt.where(PostRow.ingested_at < until)
    out = []
    for pid, text, raw, author, created, author_created, lang, scores, cid, size in session.execute(
        stmt
    ):
        post = _post(raw) or Post(
            pid, text, Author(author, author_created), created_at=created, lang=lang
        )
        cluster = Cluster(cid, size) if cid is not None and size is not None else None
        out.append(PostContext(post=post, lang=lang, scores=scores or {}, cluster=cluster))
    return out


def moderator_decisions(session: Session, post_ids: set[str]) -> dict[str, str]:
    """Each post's latest `remove` or `approve` from the review log."""
    stmt = (
        select(ReviewEventRow.post_id, ReviewEventRow.action)
        .where(ReviewEventRow.action.in_(("remove", "approve")))
        .order_by(ReviewEventRow.id)
    )
    return {pid: action for pid, action in session.execute(stmt) if pid in post_ids}


def backtest(
    session: Session,
    draft: Ruleset,
    live: Ruleset,
    *,
    since: datetime,
    until: datetime | None = None,
    progress: Progress | None = None,
) -> BacktestReport:
    """Compare the draft pack with the live pack over the stored posts of a window."""
    started = time.perf_counter()
    contexts = stored_contexts(session, since, until)
    decisions = moderator_decisions(session, {c.post.id for c in contexts})
    report = compare(contexts, decisions, as_if_live(draft), as_if_live(live), progress=progress)
    report.draft_version, report.live_version = draft.version, live.version
    report.seconds = time.perf_counter() - started
    return report


def compare(
    contexts: Sequence[PostContext],
    decisions: dict[str, str],
    draft: Ruleset,
    live: Ruleset,
    *,
    progress: Progress | None = None,
) -> BacktestReport:
    """The per-rule differences of two compiled packs over the same contexts."""
    draft_by_rule: dict[str, list[int]] = {}
    live_by_rule: dict[str, list[int]] = {}
    newly = gone = 0
    total = len(contexts)
    for start in range(0, total, CHUNK):
        chunk = contexts[start : start + CHUNK]
        for offset, (d_hits, l_hits) in enumerate(
            zip(draft.evaluate(chunk), live.evaluate(chunk), strict=True)
        ):
            i = start + offset
            for h in d_hits:
                draft_by_rule.setdefault(h.rule_id, []).append(i)
            for h in l_hits:
                live_by_rule.setdefault(h.rule_id, []).append(i)
            d_flag = any(h.action in _FLAGS for h in d_hits)
            l_flag = any(h.action in _FLAGS for h in l_hits)
            newly += d_flag and not l_flag
            gone += l_flag and not d_flag
        if progress:
            progress(min(start + CHUNK, total), total)
    ids = sorted(
        {*draft_by_rule, *live_by_rule, *(r.id for r in draft.rules), *(r.id for r in live.rules)}
    )
    hits = {r: (len(draft_by_rule.get(r, ())), len(live_by_rule.get(r, ()))) for r in ids}
    definitions = (_definitions(draft), _definitions(live))
    diffs = [
        _diff(
            r, definitions, draft_by_rule.get(r, []), live_by_rule.get(r, []), contexts, decisions
        )
        for r in ids
    ]
    return BacktestReport(
        posts=total,
        draft_version=draft.version,
        live_version=live.version,
        approved_posts=sum(1 for a in decisions.values() if a == "approve"),
        rules=[d for d in diffs if d is not None],
        hits=hits,
        newly_flagged_posts=newly,
        no_longer_flagged_posts=gone,
    )


def _diff(
    rule_id: str,
    definitions: tuple[dict[str, object], dict[str, object]],
    draft_idx: list[int],
    live_idx: list[int],
    contexts: Sequence[PostContext],
    decisions: dict[str, str],
) -> RuleDiff | None:
    in_draft, in_live = rule_id in definitions[0], rule_id in definitions[1]
    if not in_draft and not in_live:
        return None
    d, l_ = set(draft_idx), set(live_idx)
    if in_draft and in_live:
        change = "changed" if definitions[0][rule_id] != definitions[1][rule_id] else ""
        change = change or ("hits differ" if d != l_ else "")
        if not change:
            return None
    else:
        change = "new" if in_draft else "removed"
    new = sorted(d - l_)
    old = sorted(l_ - d)
    verdicts = [decisions.get(contexts[i].post.id) for i in draft_idx]
    return RuleDiff(
        rule_id=rule_id,
        change=change,
        draft_hits=len(d),
        live_hits=len(l_),
        newly_flagged=[_sample(contexts[i]) for i in new[:SAMPLES]],
        no_longer_flagged=[_sample(contexts[i]) for i in old[:SAMPLES]],
        newly_flagged_count=len(new),
        no_longer_flagged_count=len(old),
        removed_by_moderators=verdicts.count("remove"),
        approved_by_moderators=verdicts.count("approve"),
    )


def _definitions(ruleset: Ruleset) -> dict[str, object]:
    # Examples and wording don't change what a rule does; a list it reads shows up as a hit diff.
    return {r.id: r.model_dump(exclude={"examples", "description"}) for r in ruleset.rules}


def _sample(ctx: PostContext) -> Sample:
    return Sample(ctx.post.id, ctx.post.text[:280])


def _post(raw: str) -> Post | None:
    try:
        obj = json.loads(raw)
        return post_from_dict(obj) if isinstance(obj, dict) else None
    except (ValueError, ModerationError):
        return None
