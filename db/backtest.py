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
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
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
) -> Iterator[list[PostContext]]:
    """Contexts of the posts ingested in [since, until), rebuilt from stored rows, oldest first.

    Streamed in chunks of CHUNK posts, so a surge-sized window never sits in memory at once.
    """
    stmt = (
        select(
            PostRow.id, PostRow.text, PostRow.raw, PostRow.author_id, PostRow.created_at,
            PostRow.author_created_at, VerdictRow.lang, VerdictRow.scores,
            VerdictRow.cluster_id, VerdictRow.cluster_size,
        )
        .join(VerdictRow, VerdictRow.post_id == PostRow.id)
        .where(*_window(since, until))
        .order_by(PostRow.ingested_at, VerdictRow.id)
    )  # fmt: skip
    for rows in session.execute(stmt.execution_options(yield_per=CHUNK)).partitions():
        yield [_context(*tuple(row)) for row in rows]


def posts_in_window(session: Session, since: datetime, until: datetime | None = None) -> int:
    stmt = select(func.count()).select_from(PostRow).join(VerdictRow).where(*_window(since, until))
    return session.scalar(stmt) or 0


def moderator_decisions(session: Session) -> dict[str, str]:
    """Each reviewed post's latest `remove` or `approve` from the review log."""
    stmt = (
        select(ReviewEventRow.post_id, ReviewEventRow.action)
        .where(ReviewEventRow.action.in_(("remove", "approve")))
        .order_by(ReviewEventRow.id)
    )
    return {pid: action for pid, action in session.execute(stmt)}


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
    total = posts_in_window(session, since, until)
    decisions = moderator_decisions(session)
    chunks = stored_contexts(session, since, until)
    report = compare(chunks, total, decisions, as_if_live(draft), as_if_live(live), progress)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Tally:
    """One rule's running counts while the window streams past."""

    draft_hits: int = 0
    live_hits: int = 0
    newly: list[Sample] = field(default_factory=list)
    gone: list[Sample] = field(default_factory=list)
    newly_count: int = 0
    gone_count: int = 0
    removed: int = 0
    approved: int = 0


def compare(
    chunks: Iterable[Sequence[PostContext]],
    total: int,
    decisions: dict[str, str],
    draft: Ruleset,
    live: Ruleset,
    progress: Progress | None = None,
) -> BacktestReport:
    """The per-rule differences of two compiled packs over the same stream of contexts."""
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    report = BacktestReport(0, draft.version, live.version, 0, [], {})
    for chunk in chunks:
        for ctx, d_hits, l_hits in zip(
            chunk, draft.evaluate(chunk), live.evaluate(chunk), strict=True
        ):
            decision = decisions.get(ctx.post.id)
            report.approved_posts += decision == "approve"
            _count(tallies, ctx, decision, {h.rule_id for h in d_hits}, {h.rule_id for h in l_hits})
            d_flag = any(h.action in _FLAGS for h in d_hits)
            l_flag = any(h.action in _FLAGS for h in l_hits)
            report.newly_flagged_posts += d_flag and not l_flag
            report.no_longer_flagged_posts += l_flag and not d_flag
        report.posts += len(chunk)
        if progress:
            progress(report.posts, max(total, report.posts))
    ids = sorted({*tallies, *(r.id for r in draft.rules), *(r.id for r in live.rules)})
    report.hits = {r: (tallies[r].draft_hits, tallies[r].live_hits) for r in ids}
    definitions = (_definitions(draft), _definitions(live))
    diffs = (_diff(r, definitions, tallies[r]) for r in ids)
    report.rules = [d for d in diffs if d is not None]
    return report


def _count(
    tallies: dict[str, _Tally],
    ctx: PostContext,
    decision: str | None,
    drafted: set[str],
    lived: set[str],
) -> None:
    for rule_id in drafted:
        t = tallies[rule_id]
        t.draft_hits += 1
        t.removed += decision == "remove"
        t.approved += decision == "approve"
        if rule_id not in lived:
            t.newly_count += 1
            if len(t.newly) < SAMPLES:
                t.newly.append(_sample(ctx))
    for rule_id in lived:
        t = tallies[rule_id]
        t.live_hits += 1
        if rule_id not in drafted:
            t.gone_count += 1
            if len(t.gone) < SAMPLES:
                t.gone.append(_sample(ctx))


def _diff(
    rule_id: str, definitions: tuple[dict[str, object], dict[str, object]], t: _Tally
) -> RuleDiff | None:
    in_draft, in_live = rule_id in definitions[0], rule_id in definitions[1]
    if not in_draft and not in_live:
        return None
    if in_draft and in_live:
        change = "changed" if definitions[0][rule_id] != definitions[1][rule_id] else ""
        change = change or ("hits differ" if t.newly_count or t.gone_count else "")
        if not change:
            return None
    else:
        change = "new" if in_draft else "removed"
    return RuleDiff(
        rule_id=rule_id,
        change=change,
        draft_hits=t.draft_hits,
        live_hits=t.live_hits,
        newly_flagged=t.newly,
        no_longer_flagged=t.gone,
        newly_flagged_count=t.newly_count,
        no_longer_flagged_count=t.gone_count,
        removed_by_moderators=t.removed,
        approved_by_moderators=t.approved,
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


def _window(since: datetime, until: datetime | None) -> list[ColumnElement[bool]]:
    bounds = [PostRow.ingested_at >= since]
    return bounds if until is None else [*bounds, PostRow.ingested_at < until]


def _context(
    pid: str,
    text: str,
    raw: str,
    author: str,
    created: datetime | None,
    author_created: datetime | None,
    lang: str,
    scores: dict[str, float] | None,
    cluster_id: str | None,
    size: int | None,
) -> PostContext:
    post = _post(raw) or Post(
        pid, text, Author(author, author_created), created_at=created, lang=lang
    )
    cluster = Cluster(cluster_id, size) if cluster_id is not None and size is not None else None
    return PostContext(post=post, lang=lang, scores=scores or {}, cluster=cluster)
