"""The backtest agrees with scoring the same posts afresh and measures agreement with moderators."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db import queue
from db.accounts import Role
from db.backtest import as_if_live, backtest
from db.ingest import ingest_lines
from db.queue import Decision
from db.workbench import folder_files, pack_ruleset
from moderation.assemble import build_policy
from moderation.config import Settings
from moderation.contract import parse_line
from moderation.pipeline import moderate_batch
from tests.factories import users

NEW_RULE = """\
rules:
  - id: welcome_review_v1
    description: A too-broad draft that flags every welcome post.
    action: review
    status: draft
    when:
      contains: [welcome, 欢迎]
"""
SETTINGS = Settings.from_env({"CLASSIFIERS": "linear.v2"})
SINCE = datetime.now(UTC) - timedelta(hours=1)
BATCH = 2048  # ingest's default batch size


@pytest.fixture
def draft():
    files = folder_files("rules/policies")
    files["draft.yaml"] = NEW_RULE
    files["spam.yaml"] = files["spam.yaml"].replace("status: shadow", "status: retired")
    return pack_ruleset(files)


@pytest.fixture
def live():
    return pack_ruleset(folder_files("rules/policies"))


@pytest.fixture
def stored(Session, surge_lines, live):
    policy = build_policy(SETTINGS, live)
    ingest_lines(Session, surge_lines, source="t", policy=policy, batch_size=BATCH)
    return Session


def direct_hits(lines, ruleset):
    """Hits per rule from scoring the posts afresh (classifiers, clusters and all)."""
    policy = build_policy(SETTINGS, ruleset)
    counts: dict[str, int] = {}
    posts = [parse_line(line) for line in lines]
    for start in range(0, len(posts), BATCH):  # the batches ingest used, so clusters agree
        for v in moderate_batch(posts[start : start + BATCH], policy=policy):
            for h in v.hits:
                counts[h.rule_id] = counts.get(h.rule_id, 0) + 1
    return counts


def test_backtest_counts_match_scoring_the_posts_with_the_draft_directly(
    stored, surge_lines, draft, live
):
    with stored() as s:
        report = backtest(s, draft, live, since=SINCE)
    assert report.posts == len(surge_lines)
    expected = direct_hits(surge_lines, as_if_live(draft))
    assert {r: d for r, (d, _) in report.hits.items() if d} == expected
    assert {r: lv for r, (_, lv) in report.hits.items() if lv} == direct_hits(
        surge_lines, as_if_live(live)
    )
    changed = {d.rule_id: d for d in report.rules}
    assert changed["welcome_review_v1"].change == "new"
    assert changed["welcome_review_v1"].newly_flagged_count == expected["welcome_review_v1"] > 0
    assert changed["spam_score_new_account_v1"].change == "removed"  # retired in the draft


def test_a_backtest_streams_the_window_chunk_by_chunk(
    stored, surge_lines, draft, live, monkeypatch
):
    with stored() as s:
        whole = backtest(s, draft, live, since=SINCE)
    monkeypatch.setattr("db.backtest.CHUNK", 1_000)
    seen: list[tuple[int, int]] = []
    with stored() as s:
        chunked = backtest(s, draft, live, since=SINCE, progress=lambda *p: seen.append(p))
    assert seen == [(1_000, 3_000), (2_000, 3_000), (3_000, 3_000)]
    assert (chunked.hits, chunked.rules) == (whole.hits, whole.rules)


def test_precision_and_approved_share_come_from_moderator_decisions(stored, draft, live):
    with stored.begin() as s:
        users(s, ("mia", Role.MODERATOR))
        for n in range(40):
            item = queue.claim_next(s, "mia", "spam")
            assert item is not None
            queue.decide(s, "mia", item.item_id, Decision.APPROVE if n % 2 else Decision.REMOVE)
    with stored() as s:
        report = backtest(s, draft, live, since=SINCE)
    assert report.approved_posts == 20
    for diff in report.rules:
        decided = diff.removed_by_moderators + diff.approved_by_moderators
        assert decided <= 40
        assert diff.precision == (diff.removed_by_moderators / decided if decided else None)
        share = report.approved_share(diff)
        assert share == diff.approved_by_moderators / 20
