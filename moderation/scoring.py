"""Run every classifier over a batch, failing closed.

A backend that raises, runs past its time budget or returns something that is not one
label → probability dict per text in [0, 1] produces an error string for every post in the batch;
the pipeline turns any error into at least a REVIEW.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from moderation import telemetry
from moderation.classifiers.base import Classifier

logger = logging.getLogger(__name__)

DEFAULT_BUDGET_S = 30.0


def score_batch(
    texts: Sequence[str],
    classifiers: Sequence[Classifier],
    *,
    budget_s: float = DEFAULT_BUDGET_S,
) -> tuple[list[dict[str, float]], list[list[str]]]:
    """Merged scores (max per label across backends) and per-post error lists."""
    scores: list[dict[str, float]] = [{} for _ in texts]
    errors: list[list[str]] = [[] for _ in texts]
    for clf in classifiers:
        started = time.perf_counter()
        with telemetry.tracer.start_as_current_span(telemetry.SPAN_CLASSIFIER) as span:
            span.set_attribute("moderation.classifier", clf.name)
            try:
                out = clf.predict_proba(texts)
                problem = _check_output(out, len(texts))
            except Exception as err:  # any backend failure must fail closed, whatever its type
                logger.warning("classifier %s failed: %r", clf.name, err)
                problem = f"raised {type(err).__name__}: {err}"
        elapsed = time.perf_counter() - started
        if problem is None and elapsed > budget_s:
            problem = f"took {elapsed:.1f}s, over its {budget_s:.0f}s budget"
        attributes = {"classifier": clf.name}
        telemetry.classifier_duration.record(elapsed, attributes)
        if problem is not None:
            telemetry.classifier_failures.add(1, attributes)
            for post_errors in errors:
                post_errors.append(f"classifier {clf.name} {problem}")
            continue
        for merged, one in zip(scores, out, strict=True):
            for label, p in one.items():
                merged[label] = max(merged.get(label, 0.0), float(p))
    return scores, errors


def _check_output(out: object, expected: int) -> str | None:
    if not isinstance(out, list) or len(out) != expected:
        return f"returned {type(out).__name__} of the wrong length, expected {expected} dicts"
    for row in out:
        if not isinstance(row, dict):
            return f"returned a {type(row).__name__} where a dict was expected"
        for label, p in row.items():
            if not isinstance(label, str) or not isinstance(p, int | float):
                return f"returned a non-numeric score for {label!r}"
            if math.isnan(p) or not 0.0 <= p <= 1.0:
                return f"returned {label}={p!r}, outside [0, 1]"
    return None
