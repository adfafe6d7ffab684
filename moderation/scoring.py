"""Run every classifier over a batch, failing closed.

A backend that raises, runs past its time budget or returns something that is not one
label → probability dict per text in [0, 1] produces an error string for every post in the batch;
the pipeline turns any error into at least a REVIEW. A cascade whose slow stage fails
(`PartialFailure`) errs only the posts that stage was to re-score; the others keep their scores.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from moderation import telemetry
from moderation.classifiers.base import Classifier
from moderation.errors import PartialFailure

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
            out, problem, failed = _predict(clf, texts)
        elapsed = time.perf_counter() - started
        if problem is None and elapsed > budget_s:
            out, problem = None, f"took {elapsed:.1f}s, over its {budget_s:.0f}s budget"
        if texts:  # an empty batch (a pool loading its models before the fork) is no sample
            telemetry.record_classifier(clf.name, elapsed, problem is not None)
        if problem is not None:
            for i in failed:
                errors[i].append(f"classifier {clf.name} {problem}")
        if out is None:
            continue
        for merged, one in zip(scores, out, strict=True):
            for label, p in one.items():
                merged[label] = max(merged.get(label, 0.0), float(p))
    return scores, errors


def _predict(
    clf: Classifier, texts: Sequence[str]
) -> tuple[list[dict[str, float]] | None, str | None, Sequence[int]]:
    """(scores or None, problem or None, the posts the problem concerns: all of them unless
    a cascade kept valid scores for the others)."""
    try:
        out = clf.predict_proba(texts)
    except PartialFailure as err:  # a cascade's slow stage: only the posts it was to score fail
        logger.warning("classifier %s failed on %d posts: %r", clf.name, len(err.failed), err)
        message = f"raised {type(err).__name__}: {err}"
        if _check_output(err.scores, len(texts)) is None:
            return err.scores, message, err.failed
        return None, message, range(len(texts))
    except Exception as err:  # any backend failure must fail closed, whatever its type
        logger.warning("classifier %s failed: %r", clf.name, err)
        return None, f"raised {type(err).__name__}: {err}", range(len(texts))
    problem = _check_output(out, len(texts))
    return (None if problem else out), problem, range(len(texts))


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
