"""OpenTelemetry: named spans and metrics for one ingest, the Prometheus endpoint, off by default.

The SDK is installed once for this module: OpenTelemetry's global providers are set once per
process, and the library's proxy tracer and instruments bind to the first one.
"""

from __future__ import annotations

import json
import urllib.request
from collections import defaultdict

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry

from db.engine import make_engine, make_sessionmaker
from db.gauges import observe_database
from db.ingest import ingest_lines
from db.migrate import upgrade
from moderation import classifiers, simulate, telemetry
from moderation.assemble import KEYWORD_THRESHOLDS
from moderation.observability import configure, wanted_exporters
from moderation.pipeline import Policy
from moderation.types import PostContext, RuleHit

POSTS = 600


class LinkRule:
    version = "test"

    def evaluate(self, contexts: list[PostContext]) -> list[list[RuleHit]]:
        return [
            [RuleHit("links_v1", "review", "has a link")] if c.post.links else [] for c in contexts
        ]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """One ingest of 600 simulated posts and one malformed line, with the SDK installed."""
    spans, reader = InMemorySpanExporter(), InMemoryMetricReader()
    handle = configure(
        {},
        service="test",
        metrics_port=0,
        span_exporters=[spans],
        metric_readers=[reader],
        registry=CollectorRegistry(),
    )
    url = f"sqlite:///{tmp_path_factory.mktemp('otel') / 'otel.db'}"
    engine = make_engine(url)
    upgrade(engine)
    Session = make_sessionmaker(url)
    observe_database(Session)
    lines = [json.dumps(p, ensure_ascii=False).encode() for p in simulate.simulate(POSTS, 2)]
    policy = Policy(
        classifiers=[classifiers.create("keywords.v1")],
        ruleset=LinkRule(),
        thresholds=KEYWORD_THRESHOLDS,
    )
    ingest_lines(Session, [*lines, b"not json"], source="t", policy=policy, batch_size=256)
    yield handle, spans, reader
    handle.shutdown()


def points(reader: InMemoryMetricReader) -> dict[str, list]:
    found = defaultdict(list)
    for resource in reader.get_metrics_data().resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found[metric.name].extend(metric.data.data_points)
    return found


def test_one_ingest_has_a_span_per_batch_and_per_stage(ingested):
    _, spans, _ = ingested
    finished = spans.get_finished_spans()
    names = [s.name for s in finished]
    batches = [s for s in finished if s.name == telemetry.SPAN_INGEST_BATCH]
    assert len(batches) == 3  # 601 lines in batches of 256 posts
    for stage in (
        telemetry.SPAN_PARSE,
        telemetry.SPAN_LANG,
        telemetry.SPAN_CLASSIFIERS,
        telemetry.SPAN_CLASSIFIER,
        telemetry.SPAN_RULES,
        telemetry.SPAN_DECIDE,
        telemetry.SPAN_STORE,
    ):
        assert names.count(stage) == 3, stage
    batch_ids = {b.context.span_id for b in batches}
    parse_and_store = [
        s for s in finished if s.name in (telemetry.SPAN_PARSE, telemetry.SPAN_STORE)
    ]
    assert all(s.parent.span_id in batch_ids for s in parse_and_store)


def test_one_ingest_records_the_named_metrics(ingested):
    _, _, reader = ingested
    found = points(reader)
    posts = {p.attributes["outcome"]: p.value for p in found[telemetry.POSTS]}
    assert posts == {"stored": POSTS}
    assert sum(p.value for p in found[telemetry.VERDICTS]) == POSTS
    assert {p.attributes["action"] for p in found[telemetry.VERDICTS]} >= {"allow", "review"}
    assert [p.attributes["rule_id"] for p in found[telemetry.RULE_HITS]] == ["links_v1"]
    assert [p.value for p in found[telemetry.DEAD_LETTERS]] == [1]
    latency = found[telemetry.CLASSIFIER_DURATION]
    assert [(p.attributes["classifier"], p.count) for p in latency] == [("keywords.v1", 3)]
    flagged = sum(p.value for p in found[telemetry.VERDICTS] if p.attributes["action"] != "allow")
    assert sum(p.value for p in found[telemetry.QUEUE_DEPTH]) == flagged > 0
    assert {p.attributes["kind"] for p in found[telemetry.ALERTS_ACTIVE]} >= {"rule_rate"}


def test_prometheus_endpoint_serves_text_format(ingested):
    handle, _, _ = ingested
    url = f"http://localhost:{handle.prometheus_port}/metrics"
    body, content_type = "", ""
    for _attempt in range(50):  # bounded retry instead of a sleep
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body, content_type = response.read().decode(), response.headers["Content-Type"]
            break
        except OSError:
            continue
    assert content_type.startswith("text/plain")
    samples = [line for line in body.splitlines() if not line.startswith("#")]

    def value(name: str, label: str) -> float:
        (line,) = [s for s in samples if s.startswith(name + "{") and label in s]
        return float(line.rsplit(" ", 1)[1])

    assert value("moderation_posts_total", 'outcome="stored"') == POSTS
    depth = sum(
        float(s.rsplit(" ", 1)[1]) for s in samples if s.startswith("moderation_queue_depth{")
    )
    assert depth > 0
    assert value("moderation_classifier_duration_seconds_bucket", 'le="0.5"') == 3


@pytest.mark.parametrize(
    ("env", "port", "on"),
    [
        ({}, None, False),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_METRICS_EXPORTER": "none"}, None, False),
        ({"OTEL_SDK_DISABLED": "true"}, 9999, False),
        ({"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "console"}, None, False),
    ],
)
def test_telemetry_stays_off_unless_asked_for(env, port, on):
    assert (configure(env, service="t", metrics_port=port) is not None) is on


@pytest.mark.parametrize(
    ("env", "signal", "expected"),
    [
        ({}, "traces", set()),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, "traces", {"otlp"}),
        ({"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://c:4318"}, "metrics", {"otlp"}),
        ({"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://c:4318"}, "traces", set()),
        ({"OTEL_METRICS_EXPORTER": "prometheus, otlp"}, "metrics", {"prometheus", "otlp"}),
        ({"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "x"}, "traces", set()),
    ],
)
def test_exporters_follow_the_standard_variables(env, signal, expected):
    assert wanted_exporters(env, signal) == expected
