"""Anomaly alerts: rule-rate spikes against their own baseline, queue growth, failure jumps."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from db import alerts
from db.anomaly import HourCount, SpikeConfig, find_growth, find_spikes
from db.engine import make_engine, make_sessionmaker
from db.ingest import ingest_lines
from db.migrate import upgrade
from db.models import DeadLetterRow, PostRow, VerdictRow
from moderation import classifiers, simulate
from moderation.normalise import fold
from moderation.pipeline import Policy
from moderation.types import PostContext, RuleHit

T0 = datetime(2025, 1, 14, tzinfo=UTC)


@pytest.fixture
def Session(tmp_path):
    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    upgrade(make_engine(url))
    return make_sessionmaker(url)


def add_hour(session, hour: int, posts: int, *, hits=None, flagged=0, failed=0) -> None:
    """`posts` posts in hour T0+hour: the first hits[rule] hit `rule`, the first `flagged` are
    flagged into the spam queue, the first `failed` carry a classifier error."""
    start = T0 + timedelta(hours=hour)
    hits = hits or {}
    for i in range(posts):
        post_id = f"h{hour}-{i}"
        created = start + timedelta(seconds=i * 3600 / posts)
        session.add(
            PostRow(
                id=post_id,
                author_id="a",
                text="t",
                lang="en",
                created_at=created,
                ingested_at=datetime.now(UTC),
                raw="{}",
            )
        )
        rules = [rule for rule, n in hits.items() if i < n]
        action = "review" if rules or i < flagged else "allow"
        session.add(
            VerdictRow(
                post_id=post_id,
                action=action,
                queue=None if action == "allow" else "spam",
                priority=0,
                scores={},
                rules=rules,
                reasons=[],
                matches=[],
                rules_version="t",
                lang="en",
                created_at=created,
                errors=["classifier x raised TimeoutError"] if i < failed else [],
            )
        )
    session.flush()


@pytest.mark.parametrize(
    ("baseline_hits", "now_hits", "alerts_expected"),
    [
        (2, 20, True),  # ten times its usual share of posts
        (2, 3, False),  # within the noise
        (0, 4, False),  # below the minimum volume, even from nothing
        (0, 8, True),  # a rule that never fired starts firing
        (10, 18, False),  # less than double its baseline
    ],
)
def test_spike_needs_a_big_departure_and_a_minimum_volume(baseline_hits, now_hits, alerts_expected):
    series = [HourCount(T0 + timedelta(hours=h), baseline_hits, 100) for h in range(24)]
    series.append(HourCount(T0 + timedelta(hours=24), now_hits, 100))
    spikes = find_spikes(series, T0 + timedelta(hours=24), SpikeConfig())
    assert bool(spikes) is alerts_expected


def test_spike_is_judged_on_rate_so_a_growing_surge_is_not_an_alert():
    series = [HourCount(T0 + timedelta(hours=h), 2 * (h + 1), 100 * (h + 1)) for h in range(30)]
    assert find_spikes(series, T0 + timedelta(hours=24)) == []


def test_rule_wave_raises_one_alert_spanning_its_hours_with_evidence(Session):
    with Session.begin() as session:
        for hour in range(24):
            add_hour(session, hour, 100, hits={"spam_casino_v1": 2, "steady_v1": 10})
        for hour in range(24, 27):
            add_hour(session, hour, 100, hits={"spam_casino_v1": 25, "steady_v1": 10})
        add_hour(session, 27, 100, hits={"spam_casino_v1": 2, "steady_v1": 10})
        found = alerts.scan(session, T0 + timedelta(hours=24), T0 + timedelta(hours=28))
    rule_alerts = [a for a in found if a.kind == "rule_rate"]
    assert [(a.subject, a.window_start, a.window_end) for a in rule_alerts] == [
        ("spam_casino_v1", T0 + timedelta(hours=24), T0 + timedelta(hours=27))
    ]
    assert [h["hits"] for h in rule_alerts[0].evidence["hours"]] == [25, 25, 25]
    assert rule_alerts[0].expected == pytest.approx(0.02)


def test_rescanning_updates_alerts_instead_of_duplicating_them(Session):
    with Session.begin() as session:
        for hour in range(24):
            add_hour(session, hour, 50, hits={"r_v1": 1})
        add_hour(session, 24, 50, hits={"r_v1": 20})
    for _ in range(2):
        with Session.begin() as session:
            alerts.scan(session, T0 + timedelta(hours=24), T0 + timedelta(hours=25))
    with Session() as session:
        stored = alerts.list_alerts(session, T0, T0 + timedelta(days=2))
    # The rule's hits also flag into the spam queue: two alerts, each stored once.
    assert sorted((a.kind, a.subject) for a in stored) == [
        ("queue_flag_rate", "spam"),
        ("rule_rate", "r_v1"),
    ]


def test_queue_flag_rate_and_classifier_failures_alert_without_rule_ids(Session):
    with Session.begin() as session:
        for hour in range(24):
            add_hour(session, hour, 100, flagged=3, failed=1)
        add_hour(session, 24, 100, flagged=40, failed=30)
        found = alerts.scan(session, T0 + timedelta(hours=24), T0 + timedelta(hours=25))
    assert {(a.kind, a.subject) for a in found} == {
        ("classifier_failures", "classifiers"),
        ("queue_flag_rate", "spam"),
    }


def test_dead_letter_jump_alerts_on_the_ingest_clock(Session):
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    with Session.begin() as session:
        for hour in range(30):
            at = now - timedelta(hours=30 - hour)
            for i in range(100):
                session.add(
                    PostRow(
                        id=f"d{hour}-{i}",
                        author_id="a",
                        text="t",
                        lang="en",
                        created_at=T0,
                        ingested_at=at,
                        raw="{}",
                    )
                )
            bad = 40 if hour == 29 else hour % 2
            for i in range(bad):
                session.add(
                    DeadLetterRow(source="f", line_no=i, raw=b"{", reason="bad json", created_at=at)
                )
        session.flush()
        found = alerts.scan(session, T0, T0 + timedelta(hours=3), now=now)
    assert [(a.kind, a.window_start) for a in found] == [("dead_letters", now - timedelta(hours=1))]


@pytest.mark.parametrize(
    ("inflow", "outflow", "grows"),
    [
        ([40, 40, 40], [10, 10, 10], True),  # 90 more in than out over 3 hours
        ([40, 40, 40], [35, 35, 35], False),  # keeping up
        ([40, 40, 0, 40], [10, 10, 0, 10], False),  # a quiet hour breaks the run
        ([20, 20, 20], [0, 0, 0], True),
        ([10, 10, 10], [0, 0, 0], False),  # grew, but by less than the minimum
    ],
)
def test_queue_growth_needs_consecutive_hours_of_net_inflow(inflow, outflow, grows):
    hours = [T0 + timedelta(hours=h) for h in range(len(inflow))]
    assert bool(find_growth(hours, inflow, outflow)) is grows


class WaveRules:
    """A stand-in rules pack, as policy staff might write for the surge's spam families."""

    version = "test-waves"
    RULES = {
        "spam_casino_v1": r"赌场|百家乐|真人娱乐",
        "spam_usdt_v1": r"usdt",
        "spam_followers_v1": r"粉丝|粉絲|followers",
        "spam_loans_v1": r"网贷",
    }

    def evaluate(self, contexts: Sequence[PostContext]) -> list[list[RuleHit]]:
        return [
            [
                RuleHit(rule, "review", "spam family", queue="spam")
                for rule, pattern in self.RULES.items()
                if re.search(pattern, fold(ctx.post.text))
            ]
            for ctx in contexts
        ]


def wave_windows(n: int, seed: int) -> list[tuple[datetime, datetime]]:
    # Replays the simulator's own draws to learn when each wave ran (its ground truth).
    rng = random.Random(seed)
    for _ in range(n):
        simulate._draw_time(rng)
    return [(w["start"], w["end"]) for w in simulate._plan_waves(rng, max(3, n // 400))]


def test_simulated_spam_waves_raise_rule_rate_alerts_and_quiet_hours_do_not(Session):
    n, seed = 20_000, 3
    lines = [json.dumps(p, ensure_ascii=False).encode() for p in simulate.simulate(n, seed)]
    policy = Policy(classifiers=[classifiers.create("keywords.v1")], ruleset=WaveRules())
    ingest_lines(Session, lines, source="sim", policy=policy)
    waves = wave_windows(n, seed)
    start, end = simulate.START + timedelta(days=1), simulate.START + timedelta(days=7)
    with Session.begin() as session:
        found = [a for a in alerts.scan(session, start, end) if a.kind == "rule_rate"]

    def in_a_wave(hour: datetime) -> bool:
        return any(s < hour + timedelta(hours=1) and hour < e for s, e in waves)

    alert_hours = [datetime.fromisoformat(h["hour"]) for a in found for h in a.evidence["hours"]]
    quiet = [
        start + timedelta(hours=h)
        for h in range(int((end - start).total_seconds() // 3600))
        if not in_a_wave(start + timedelta(hours=h))
    ]
    assert len(quiet) >= 24  # the check below is not vacuous
    assert alert_hours, "no wave raised an alert"
    assert [h for h in alert_hours if not in_a_wave(h)] == []
