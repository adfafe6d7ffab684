"""`metrics` aggregates after a simulated surge agree with direct SQL, review figures included."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from db import metrics, queue, review_metrics
from db.accounts import Role
from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from db.models import QueueItemRow
from moderation import classifiers, simulate
from moderation.__main__ import main
from moderation.assemble import KEYWORD_THRESHOLDS
from moderation.pipeline import Policy
from moderation.types import PostContext, RuleHit
from tests.factories import flagged, users

WINDOW_END = datetime(2025, 1, 17, 12, tzinfo=UTC)


class ContactRule:
    """One rule with an id, standing in for the rules pack built on another branch."""

    version = "test"

    def evaluate(self, contexts: list[PostContext]) -> list[list[RuleHit]]:
        return [
            [RuleHit("spam_contact_v1", "review", "asks to move to WeChat", queue="spam")]
            if "微信" in c.post.text or "薇信" in c.post.text
            else []
            for c in contexts
        ]


@pytest.fixture
def surge_db(tmp_path):
    """A SQLite database holding 5,000 simulated surge posts and one malformed line."""
    url = f"sqlite:///{tmp_path / 'surge.db'}"
    upgrade(make_engine(url))
    Session = make_sessionmaker(url)
    lines = [json.dumps(p, ensure_ascii=False).encode() for p in simulate.simulate(5000, 7)]
    policy = Policy(
        classifiers=[classifiers.create("keywords.v1")],
        ruleset=ContactRule(),
        thresholds=KEYWORD_THRESHOLDS,
    )
    ingest_lines(Session, [*lines, b"{not json"], source="sim", policy=policy)
    return url, Session


def sql(Session, query: str, **params):
    with Session() as session:
        return session.execute(text(query), params).one()[0]


def test_metrics_match_direct_sql_counts(surge_db):
    _, Session = surge_db
    window = metrics.Window(WINDOW_END - timedelta(hours=24), WINDOW_END)
    with Session() as session:
        m = metrics.surge_metrics(session, window)
    bounds = {"a": "2025-01-16 12:00:00", "b": "2025-01-17 12:00:00"}
    in_window = "p.created_at >= :a AND p.created_at < :b"
    posts = sql(Session, f"SELECT count(*) FROM posts p WHERE {in_window}", **bounds)
    flagged = sql(
        Session,
        f"SELECT count(*) FROM posts p JOIN verdicts v ON v.post_id = p.id"
        f" WHERE {in_window} AND v.action IN ('review', 'remove')",
        **bounds,
    )
    removed = sql(
        Session,
        f"SELECT count(*) FROM posts p JOIN verdicts v ON v.post_id = p.id"
        f" WHERE {in_window} AND v.action = 'remove'",
        **bounds,
    )
    zh = sql(Session, f"SELECT count(*) FROM posts p WHERE {in_window} AND lang = 'zh'", **bounds)
    new = sql(
        Session,
        f"SELECT count(*) FROM posts p WHERE {in_window} AND author_created_at IS NOT NULL"
        " AND julianday(created_at) - julianday(author_created_at) < 7",
        **bounds,
    )
    known = sql(
        Session,
        f"SELECT count(*) FROM posts p WHERE {in_window} AND author_created_at IS NOT NULL",
        **bounds,
    )
    contact = sql(
        Session,
        f"SELECT count(*) FROM posts p JOIN verdicts v ON v.post_id = p.id, json_each(v.rules) r"
        f" WHERE {in_window} AND r.value = 'spam_contact_v1'",
        **bounds,
    )
    assert posts > 500 and flagged > 0 and contact > 0  # the comparisons below are not vacuous
    assert m.posts == posts
    assert m.posts_per_minute == pytest.approx(posts / (24 * 60))
    assert (m.flagged, m.removed) == (flagged, removed)
    assert m.flagged_rate == pytest.approx(flagged / posts)
    assert m.removed_rate == pytest.approx(removed / posts)
    assert m.language_mix["zh"] == pytest.approx(zh / posts)
    assert sum(m.language_mix.values()) == pytest.approx(1.0)
    assert m.new_account_share == pytest.approx(new / known)
    assert m.rule_hits == {"spam_contact_v1": contact}
    assert m.dead_letters["total"] == 1


def test_window_defaults_to_the_newest_post_time(surge_db):
    _, Session = surge_db
    newest = sql(Session, "SELECT max(created_at) FROM posts")
    with Session() as session:
        window = metrics.resolve_window(session, timedelta(hours=24))
        m = metrics.surge_metrics(session, window)
    assert window.end.replace(tzinfo=None) > datetime.fromisoformat(newest)
    since = (window.start).strftime("%Y-%m-%d %H:%M:%S.%f")
    assert m.posts == sql(Session, "SELECT count(*) FROM posts WHERE created_at >= :s", s=since)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("24h", timedelta(hours=24)), ("90m", timedelta(minutes=90)), ("7d", timedelta(days=7))],
)
def test_durations_read_like_the_cli_help(text, expected):
    assert metrics.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["24", "h", "3 weeks", "-1h"])
def test_unreadable_duration_is_a_domain_error(text):
    with pytest.raises(metrics.BadDuration, match="cannot read duration"):
        metrics.parse_duration(text)


def test_metrics_command_prints_every_aggregate_as_json(surge_db, monkeypatch, capsys):
    url, _ = surge_db
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["metrics", "--since", "24h", "--until", "2025-01-17T12:00Z"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {
        "posts_per_minute", "flagged_rate", "removed_rate", "queues", "handling_time",
        "decisions_per_moderator", "rule_hits", "language_mix", "new_account_share",
        "dead_letters", "alerts",
    }  # fmt: skip
    assert doc["window_end"] == "2025-01-17T12:00:00+00:00"
    assert doc["queues"] and doc["handling_time"]["median_s"] is None  # flagged, none decided


def test_review_aggregates_come_from_the_queue_and_its_events(Session):
    with Session.begin() as session:
        users(session, ("ana", Role.MODERATOR), ("bo", Role.MODERATOR))
        flagged(session, 6)
        flagged(session, 2, start=6, queue="toxicity")
    with Session() as session:
        created = session.scalar(select(func.max(QueueItemRow.created_at)))
    created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
    minutes = [10, 20, 30, 40, 100]  # handling times of five decided spam items
    for i, m in enumerate(minutes):
        at = created + timedelta(minutes=m)
        actor = "ana" if i < 3 else "bo"
        with Session.begin() as session:
            claim = queue.claim_next(session, actor, "spam", now=at)
            queue.decide(session, actor, claim.item_id, "remove", now=at)
    now = created + timedelta(hours=2)
    with Session() as session:
        stats = review_metrics.queue_stats(session, now)
        handling = review_metrics.handling_time(session, now - timedelta(days=1), now)
        per_moderator = review_metrics.decisions_per_moderator(
            session, now - timedelta(days=1), now
        )
    assert [(s.queue, s.depth) for s in stats] == [("spam", 1), ("toxicity", 2)]
    assert all(s.oldest_pending_age_s == pytest.approx(7200, abs=5) for s in stats)
    assert handling.decisions == 5 and handling.median_s == pytest.approx(30 * 60, abs=5)
    assert handling.p90_s == pytest.approx(76 * 60, abs=5)  # inclusive interpolation, 40 → 100
    assert per_moderator == {"ana": 3, "bo": 2}
