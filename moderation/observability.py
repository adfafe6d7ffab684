"""OpenTelemetry SDK set-up, called only at the edges (CLI commands, dashboard, workers).

Configured from the standard variables, read from the mapping the edge hands in:

    OTEL_SDK_DISABLED=true           everything off, whatever else is set
    OTEL_TRACES_EXPORTER             comma list of otlp, console, none
    OTEL_METRICS_EXPORTER            comma list of otlp, console, prometheus, none
    OTEL_EXPORTER_OTLP_ENDPOINT      (or a per-signal variant) implies otlp when those are unset
    OTEL_EXPORTER_PROMETHEUS_HOST    scrape endpoint address (default localhost)
    OTEL_EXPORTER_PROMETHEUS_PORT    scrape endpoint port (default 9464; --metrics-port wins)
    OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES   the SDK's Resource

Unlike the spec's default of `otlp`, nothing is exported unless asked for: a developer running
`python -m moderation ingest` should not retry a collector on localhost:4318. With nothing asked
for, `configure` returns None and the SDK is never imported (telemetry off costs nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

OTLP_PACKAGE = "opentelemetry-exporter-otlp-proto-http"


@dataclass
class Telemetry:
    """The providers an edge installed, and the scrape server if one was started."""

    tracer_provider: Any
    meter_provider: Any
    prometheus_server: Any | None = None
    prometheus_port: int | None = None

    def shutdown(self) -> None:
        """Flush and stop exporters; stop the scrape endpoint."""
        self.meter_provider.shutdown()
        self.tracer_provider.shutdown()
        if self.prometheus_server is not None:
            self.prometheus_server.shutdown()
            self.prometheus_server.server_close()


def wanted_exporters(env: Mapping[str, str], signal: str) -> set[str]:
    """The exporters asked for one signal ("traces" or "metrics")."""
    raw = env.get(f"OTEL_{signal.upper()}_EXPORTER", "")
    names = {n.strip().lower() for n in raw.split(",") if n.strip()}
    endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get(
        f"OTEL_EXPORTER_OTLP_{signal.upper()}_ENDPOINT"
    )
    if not names and endpoint:
        names = {"otlp"}
    return names - {"none"}


def configure(
    env: Mapping[str, str],
    *,
    service: str,
    metrics_port: int | None = None,
    span_exporters: Sequence[Any] = (),
    metric_readers: Sequence[Any] = (),
    registry: Any | None = None,
) -> Telemetry | None:
    """Install global tracer and meter providers as asked; None when telemetry stays off.

    `span_exporters`, `metric_readers` and `registry` (a prometheus_client CollectorRegistry)
    let tests and embedders add their own sinks next to the configured ones.
    """
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    traces, metric_names = wanted_exporters(env, "traces"), wanted_exporters(env, "metrics")
    if metrics_port is not None:
        metric_names.add("prometheus")
    if not (traces or metric_names or span_exporters or metric_readers):
        return None

    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or service})
    tracer_provider = TracerProvider(resource=resource)
    for exporter in [*span_exporters]:
        tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    for exporter in _span_exporters(traces):
        tracer_provider.add_span_processor(BatchSpanProcessor(exporter))
    readers = [*metric_readers, *_metric_readers(metric_names - {"prometheus"})]
    server, port = None, None
    if "prometheus" in metric_names:
        reader, server, port = _prometheus(env, metrics_port, registry)
        readers.append(reader)
    meter_provider = MeterProvider(resource=resource, metric_readers=readers)
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(meter_provider)
    logger.info("telemetry on: traces=%s metrics=%s", sorted(traces), sorted(metric_names))
    return Telemetry(tracer_provider, meter_provider, server, port)


def _span_exporters(names: set[str]) -> list[Any]:
    exporters: list[Any] = []
    if "console" in names:
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporters.append(ConsoleSpanExporter())
    if "otlp" in names:
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            logger.warning("OTLP traces asked for but %s is not installed", OTLP_PACKAGE)
        else:
            exporters.append(OTLPSpanExporter())
    return exporters


def _metric_readers(names: set[str]) -> list[Any]:
    from opentelemetry.sdk.metrics.export import (
        ConsoleMetricExporter,
        PeriodicExportingMetricReader,
    )

    readers: list[Any] = []
    if "console" in names:
        readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
    if "otlp" in names:
        try:
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        except ImportError:
            logger.warning("OTLP metrics asked for but %s is not installed", OTLP_PACKAGE)
        else:
            readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    return readers


def _prometheus(
    env: Mapping[str, str], port: int | None, registry: Any | None
) -> tuple[Any, Any, int]:
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from prometheus_client import REGISTRY, start_http_server

    registry = registry or REGISTRY
    host = env.get("OTEL_EXPORTER_PROMETHEUS_HOST") or "localhost"
    port = port if port is not None else int(env.get("OTEL_EXPORTER_PROMETHEUS_PORT") or 9464)
    reader = PrometheusMetricReader(registry=registry)
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return reader, server, server.server_port
