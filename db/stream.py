"""Scale-out ingest on Redis Streams: `publish` appends posts, `Worker`s consume in a group.

Delivery is at-least-once and storage is idempotent, which together give exactly-once storage:
a worker acknowledges entries only after the database commit that stored them, and a post that is
delivered twice (its first worker died after the commit, before the ack) is a duplicate that
`store_batch` ignores. Entries held by a dead worker are taken over with XAUTOCLAIM once idle.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Meter, Observation
from redis import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy.orm import Session, sessionmaker

from db.caps import apply_caps
from db.store import add_dead_letters, store_batch
from moderation.contract import parse_line
from moderation.errors import MalformedPost
from moderation.pipeline import Policy, moderate_batch
from moderation.reader import Rejected, read_batches
from moderation.telemetry import SCOPE, STREAM_LAG, STREAM_PENDING, STREAM_REDELIVERIES

logger = logging.getLogger(__name__)

STREAM = "posts"
GROUP = "ingest"
REDELIVERIES = "posts:redeliveries"  # a counter: entries taken over from a dead worker
FIELD = b"post"


@dataclass(slots=True)
class PublishSummary:
    read: int = 0
    published: int = 0
    dead_letters: int = 0


def publish(
    redis: Redis,
    Session: sessionmaker[Session],
    lines: Iterable[bytes],
    *,
    source: str,
    stream: str = STREAM,
    batch_size: int = 1000,
) -> PublishSummary:
    """Validate each line, append the good ones to the stream, keep the bad ones as dead letters."""
    summary = PublishSummary()
    bad: list[Rejected] = []
    for batch in read_batches(lines, batch_size):
        summary.read += batch.lines
        summary.published += _append(redis, stream, batch.raws)
        bad.extend(batch.rejected)
    with Session.begin() as session:
        add_dead_letters(session, source, bad)
    summary.dead_letters = len(bad)
    return summary


def _append(redis: Redis, stream: str, lines: list[bytes]) -> int:
    pipe = redis.pipeline(transaction=False)
    for raw in lines:
        pipe.xadd(stream, {FIELD: raw})
    pipe.execute()
    return len(lines)


def ensure_group(redis: Redis, stream: str = STREAM, group: str = GROUP) -> None:
    """Create the consumer group (and the stream) if it does not exist yet."""
    try:
        redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as err:
        if "BUSYGROUP" not in str(err):
            raise


@dataclass
class Worker:
    """One consumer of the group. `run()` loops until `stop` is set (SIGTERM sets it)."""

    redis: Redis
    Session: sessionmaker[Session]
    policy: Policy
    consumer: str
    stream: str = STREAM
    group: str = GROUP
    batch_size: int = 256
    claim_idle_ms: int = 30_000
    block_ms: int = 1000
    stop: threading.Event = field(default_factory=threading.Event)
    # Called before each batch; returns the policy to use (a deployed rules pack swaps in here).
    refresh: Callable[[], Policy] | None = None
    stored: int = 0

    def run(self, *, until_idle: bool = False) -> int:
        """Process batches; with `until_idle`, return once nothing is left to read or claim."""
        ensure_group(self.redis, self.stream, self.group)
        while not self.stop.is_set():
            entries = self._claim_abandoned() or self._read_new()
            if entries:
                self._process(entries)
            elif until_idle and not self._pending_count():
                break
        return self.stored

    def _claim_abandoned(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        _, claimed, *_ = self.redis.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            self.claim_idle_ms,
            "0-0",
            count=self.batch_size,
        )
        entries = [(eid, fields) for eid, fields in claimed if fields]
        if entries:
            self.redis.incrby(REDELIVERIES, len(entries))
            logger.info("%s took over %d abandoned entries", self.consumer, len(entries))
        return entries

    def _read_new(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        reply = self.redis.xreadgroup(
            self.group,
            self.consumer,
            {self.stream: ">"},
            count=self.batch_size,
            block=self.block_ms,
        )
        # RESP2 (redis-py's default protocol): [[stream, [(id, fields), ...]]]; the stubs also
        # allow RESP3's dict shape, which this client never asks for.
        streams = cast(list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]], reply)
        return list(streams[0][1]) if streams else []

    def _process(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        posts, raws, bad = [], [], []
        for eid, fields in entries:
            raw = fields[FIELD]
            try:
                posts.append(parse_line(raw))
                raws.append(raw)
            except MalformedPost as err:  # published by something other than `publish`
                bad.append(Rejected(0, raw, f"stream entry {eid.decode()}: {err.reason}"))
        if self.refresh is not None:
            self.policy = self.refresh()
        verdicts = moderate_batch(posts, policy=self.policy)
        with self.Session.begin() as session:
            verdicts = apply_caps(session, verdicts, self.policy.ruleset)
            result = store_batch(session, posts, raws, verdicts)
            add_dead_letters(session, f"redis:{self.stream}", bad)
        # Acknowledge only after the commit: a crash before this line means redelivery, not loss.
        self.redis.xack(self.stream, self.group, *[eid for eid, _ in entries])
        self.stored += result.stored

    def _pending_count(self) -> int:
        return int(self.redis.xpending(self.stream, self.group)["pending"])


def stream_stats(redis: Redis, stream: str = STREAM) -> dict[str, Any]:
    """Lag, pending and consumers per group, and redeliveries, for metrics and the surge page."""
    try:
        groups = redis.xinfo_groups(stream)
    except ResponseError:
        return {"stream": stream, "length": 0, "groups": [], "redeliveries": 0}
    return {
        "stream": stream,
        "length": redis.xlen(stream),
        "groups": [
            {
                "name": _text(g["name"]),
                "consumers": g["consumers"],
                "pending": g["pending"],
                "lag": g.get("lag"),
            }
            for g in groups
        ],
        "redeliveries": int(redis.get(REDELIVERIES) or 0),
    }


def stream_health(redis_url: str) -> dict[str, Any]:
    """`stream_stats` with `available: true`, or `available: false` and why, where no Redis runs."""
    try:
        client = Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=2)
        return {"available": True, **stream_stats(client)}
    except RedisError as err:
        return {"available": False, "reason": f"{type(err).__name__}: {err}"}


def observe_stream(redis: Redis, stream: str = STREAM, meter: Meter | None = None) -> None:
    """Export the stream's lag, pending count and redeliveries as gauges (read at each scrape)."""
    meter = meter or metrics.get_meter(SCOPE)

    def per_group(key: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
        def observe(_options: CallbackOptions) -> Iterable[Observation]:
            groups = stream_stats(redis, stream)["groups"]
            return [Observation(g[key] or 0, {"group": g["name"]}) for g in groups]

        return observe

    meter.create_observable_gauge(STREAM_LAG, callbacks=[per_group("lag")], unit="{entry}")
    meter.create_observable_gauge(STREAM_PENDING, callbacks=[per_group("pending")], unit="{entry}")
    meter.create_observable_gauge(
        STREAM_REDELIVERIES,
        callbacks=[lambda _o: [Observation(stream_stats(redis, stream)["redeliveries"])]],
        unit="{entry}",
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
