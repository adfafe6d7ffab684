"""Scale-out ingest on Redis Streams into PostgreSQL: nothing lost, nothing stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from db.engine import make_engine
from db.migrate import upgrade
from db.models import DeadLetterRow, PostRow, VerdictRow
from db.stream import (
    GROUP,
    STREAM,
    Worker,
    ensure_group,
    observe_stream,
    publish,
    stream_health,
    stream_stats,
)
from moderation.pipeline import Policy
from moderation.simulate import simulate
from tests.conftest import REPO

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def redis(redis_server: str) -> Redis:
    client = Redis.from_url(redis_server)
    client.flushdb()
    return client


@pytest.fixture
def pg_sessions(pg_url: str) -> sessionmaker:
    engine = make_engine(pg_url)
    upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


def lines(n: int) -> list[bytes]:
    return [json.dumps(p, ensure_ascii=False).encode() for p in simulate(n, seed=5)]


def counts(Session: sessionmaker) -> tuple[int, int, int]:
    with Session() as s:
        posts = s.scalar(select(func.count()).select_from(PostRow))
        verdicts = s.scalar(select(func.count()).select_from(VerdictRow))
        repeated = s.scalar(
            select(func.count()).select_from(
                select(VerdictRow.post_id)
                .group_by(VerdictRow.post_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
    return posts, verdicts, repeated


def test_publish_keeps_malformed_lines_as_dead_letters(redis: Redis, pg_sessions, policy: Policy):
    summary = publish(redis, pg_sessions, [*lines(10), b"{broken", b"[]"], source="f.jsonl")
    assert (summary.read, summary.published, summary.dead_letters) == (12, 10, 2)
    assert redis.xlen(STREAM) == 10
    with pg_sessions() as s:
        assert s.scalar(select(func.count()).select_from(DeadLetterRow)) == 2


def test_a_worker_acknowledges_only_what_it_stored(redis: Redis, pg_sessions, policy: Policy):
    publish(redis, pg_sessions, lines(500), source="f")
    worker = Worker(redis, pg_sessions, policy, consumer="w1", batch_size=64, block_ms=10)
    assert worker.run(until_idle=True) == 500
    assert counts(pg_sessions) == (500, 500, 0)
    stats = stream_stats(redis)
    assert stats["groups"][0]["pending"] == 0 and stats["groups"][0]["lag"] == 0


def test_a_dead_workers_entries_are_taken_over_and_stored_once(
    redis: Redis, pg_sessions, policy: Policy
) -> None:
    publish(redis, pg_sessions, lines(300), source="f")
    ensure_group(redis)
    redis.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=100)  # reads, then dies before acking
    survivor = Worker(
        redis, pg_sessions, policy, consumer="alive", batch_size=100, claim_idle_ms=0, block_ms=10
    )
    assert survivor.run(until_idle=True) == 300
    assert counts(pg_sessions) == (300, 300, 0)
    assert stream_stats(redis)["redeliveries"] == 100


def test_three_workers_one_killed_mid_batch_store_every_post_exactly_once(
    redis: Redis, redis_server: str, pg_url: str, pg_sessions
) -> None:
    publish(redis, pg_sessions, lines(20_000), source="surge")
    env = {**os.environ, "DATABASE_URL": pg_url, "REDIS_URL": redis_server, "BATCH_SIZE": "200"}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "moderation",
                "worker",
                "--consumer",
                f"w{i}",
                "--claim-idle-ms",
                "2000",
                "--until-idle",
            ],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(3)
    ]
    victim = workers[0]
    _wait_until_holding_entries(redis, "w0", victim)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=60)
    for w in workers[1:]:
        out, err = w.communicate(timeout=600)
        assert w.returncode == 0, err.decode()
    assert counts(pg_sessions) == (20_000, 20_000, 0)
    assert redis.xpending(STREAM, GROUP)["pending"] == 0
    assert stream_stats(redis)["redeliveries"] > 0


def _wait_until_holding_entries(redis: Redis, consumer: str, proc: subprocess.Popen) -> None:
    """Block until `consumer` has read entries it has not acknowledged: it is mid-batch."""
    for _ in range(100_000):
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            held = {c["name"]: c["pending"] for c in redis.xinfo_consumers(STREAM, GROUP)}
        except Exception:  # the group does not exist until the first worker starts
            held = {}
        if held.get(consumer.encode(), held.get(consumer, 0)):
            return
    raise AssertionError(f"{consumer} never held entries")


def test_stream_health_is_reported_or_says_why_not(redis: Redis, redis_server: str, pg_sessions):
    publish(redis, pg_sessions, lines(30), source="f")
    ensure_group(redis)
    redis.xreadgroup(GROUP, "w1", {STREAM: ">"}, count=10)
    health = stream_health(redis_server)
    assert health["available"] and health["length"] == 30
    assert health["groups"] == [{"name": GROUP, "consumers": 1, "pending": 10, "lag": 20}]
    port = int(redis_server.rsplit(":", 1)[1].split("/")[0])
    down = stream_health(f"redis://127.0.0.1:{port + 1}/0")
    assert down["available"] is False and "Connection" in down["reason"]


def test_the_metrics_command_includes_the_stream(
    redis: Redis, redis_server: str, pg_url: str, pg_sessions, capsys, monkeypatch
) -> None:
    from moderation.__main__ import main

    publish(redis, pg_sessions, lines(5), source="f")
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("REDIS_URL", redis_server)
    assert main(["metrics", "--since", "7d", "--no-scan"]) == 0
    assert json.loads(capsys.readouterr().out)["stream"]["length"] == 5


def test_a_worker_exports_stream_gauges(redis: Redis, pg_sessions) -> None:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    publish(redis, pg_sessions, lines(12), source="f")
    ensure_group(redis)
    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("test")
    observe_stream(redis, meter=meter)
    found = {
        m.name: [p.value for p in m.data.data_points]
        for r in reader.get_metrics_data().resource_metrics
        for s in r.scope_metrics
        for m in s.metrics
    }
    assert found["moderation.stream.lag"] == [12]
    assert found["moderation.stream.pending"] == [0]
