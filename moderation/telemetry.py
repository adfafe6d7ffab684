"""Telemetry names and the OpenTelemetry *API* instruments the pipeline records into.

Library code (pipeline, scoring, ingest) only ever touches the API: until an edge installs an SDK
(`moderation/observability.py`, called by the CLI, the dashboard and workers), every span and
instrument below is a no-op proxy, which is what makes "telemetry off" cost nothing measurable
(see bench/telemetry_bench.py). Names are constants so that dashboards, alerts and tests agree.

The tracer and meter are module-level on purpose: they are OpenTelemetry proxies that bind to
whatever provider the edge installs later, not state this module owns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from opentelemetry import metrics, trace

from moderation.types import Verdict

SCOPE = "moderation"

# Spans: one per ingest batch, with one child per pipeline stage.
SPAN_INGEST_BATCH = "ingest.batch"
SPAN_PARSE = "moderation.parse"
SPAN_MODERATE = "moderation.moderate_batch"
SPAN_LANG = "moderation.lang"
SPAN_CLASSIFIERS = "moderation.classifiers"
SPAN_CLASSIFIER = "moderation.classifier"
SPAN_CLUSTER = "moderation.cluster"
SPAN_RULES = "moderation.rules"
SPAN_DECIDE = "moderation.decide"
SPAN_STORE = "db.store"

# Metrics (Prometheus renders dots as underscores and adds _total / unit suffixes).
POSTS = "moderation.posts"  # counter {outcome=stored|duplicate}
VERDICTS = "moderation.verdicts"  # counter {action, queue}
RULE_HITS = "moderation.rule_hits"  # counter {rule_id}
CLASSIFIER_DURATION = "moderation.classifier.duration"  # histogram, seconds {classifier}
CLASSIFIER_FAILURES = "moderation.classifier.failures"  # counter {classifier}
CASCADE_POSTS = "moderation.cascade.posts"  # counter {stage, routed=sent|kept}
DEAD_LETTERS = "moderation.dead_letters"  # counter
BATCH_DURATION = "moderation.batch.duration"  # histogram, seconds, whole ingest batch
QUEUE_DEPTH = "moderation.queue.depth"  # observable gauge {queue}, read from the database
ALERTS_ACTIVE = "moderation.alerts.active"  # observable gauge {kind}, read from the database
STREAM_LAG = "moderation.stream.lag"  # observable gauge {group}: entries not yet delivered
STREAM_PENDING = "moderation.stream.pending"  # observable gauge {group}: delivered, not acked
STREAM_REDELIVERIES = "moderation.stream.redeliveries"  # observable gauge: taken over from the dead

tracer = trace.get_tracer(SCOPE)
meter = metrics.get_meter(SCOPE)

posts_counter = meter.create_counter(POSTS, unit="{post}", description="posts ingested")
verdicts_counter = meter.create_counter(VERDICTS, unit="{verdict}", description="verdicts made")
rule_hits_counter = meter.create_counter(RULE_HITS, unit="{hit}", description="live rule hits")
# Batches take milliseconds to seconds; the SDK's default buckets start at 5 s.
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
classifier_duration = meter.create_histogram(
    CLASSIFIER_DURATION,
    unit="s",
    description="classifier latency per batch",
    explicit_bucket_boundaries_advisory=LATENCY_BUCKETS_S,
)
classifier_failures = meter.create_counter(
    CLASSIFIER_FAILURES, unit="{batch}", description="classifier batches that failed closed"
)
cascade_posts = meter.create_counter(
    CASCADE_POSTS, unit="{post}", description="posts a cascade sent to its slow stage, or kept"
)
dead_letters_counter = meter.create_counter(
    DEAD_LETTERS, unit="{line}", description="malformed lines kept as dead letters"
)
batch_duration = meter.create_histogram(
    BATCH_DURATION,
    unit="s",
    description="read, moderate and store one ingest batch",
    explicit_bucket_boundaries_advisory=LATENCY_BUCKETS_S,
)


def record_verdicts(verdicts: Sequence[Verdict]) -> None:
    """Count verdicts by action and queue, and live rule hits by rule id, once per batch."""
    # Aggregating in Python first keeps instrument calls per batch, not per post.
    by_action = Counter((v.action.value, v.queue or "none") for v in verdicts)
    for (action, queue), n in by_action.items():
        verdicts_counter.add(n, {"action": action, "queue": queue})
    hits = Counter(rule for v in verdicts for rule in v.rules)
    for rule_id, n in hits.items():
        rule_hits_counter.add(n, {"rule_id": rule_id})


# A classifier call (backend, seconds, whether it failed closed), and a cascade's routing of one
# batch (its slow stage, posts sent to it, posts left with the fast scores).
ClassifierRecord = tuple[str, float, bool]
CascadeRecord = tuple[str, int, int]


@dataclass
class Held:
    classifiers: list[ClassifierRecord] = field(default_factory=list)
    cascades: list[CascadeRecord] = field(default_factory=list)


# Under `ingest --jobs N` classifiers run in worker processes, forked before the SDK is installed,
# so their meter is a no-op: a worker keeps these records and hands them back with the verdicts,
# and the parent records them (`replay_records`).
_held: Held | None = None


def record_classifier(name: str, seconds: float, failed: bool) -> None:
    if _held is not None:
        _held.classifiers.append((name, seconds, failed))
        return
    attributes = {"classifier": name}
    classifier_duration.record(seconds, attributes)
    if failed:
        classifier_failures.add(1, attributes)


def record_cascade(stage: str, sent: int, kept: int) -> None:
    """How many posts of a batch a cascade sent to its slow stage, and how many it kept."""
    if _held is not None:
        _held.cascades.append((stage, sent, kept))
        return
    cascade_posts.add(sent, {"stage": stage, "routed": "sent"})
    cascade_posts.add(kept, {"stage": stage, "routed": "kept"})


def hold_records() -> None:
    """In a worker process: keep the records for the parent instead of recording them."""
    global _held
    _held = Held()


def take_records() -> Held:
    """The records held since the last call (none outside a worker)."""
    global _held
    if _held is None:
        return Held()
    taken, _held = _held, Held()
    return taken


def replay_records(held: Held) -> None:
    for record in held.classifiers:
        record_classifier(*record)
    for routed in held.cascades:
        record_cascade(*routed)
