"""Moderate batches on several cores, in input order, with the verdicts one process would make.

    with ModerationPool(policy, jobs=2) as pool:
        for batch, verdicts in pool.moderate(batches): ...

Near-duplicate clustering is stateful (a post joins the cluster of the first *earlier* post it
resembles), so it runs here, in the caller's process, strictly in input order; each batch's
clusters then travel with its posts to a worker, which runs everything else (language,
classifiers, rules, decision). Workers are forked from the caller after its policy is built and
warmed: they inherit it as is (RE2 sets and Aho-Corasick automata cannot be pickled, and
rebuilding a 1,000-rule pack and the model per worker cost more than a 20,000-post ingest's
moderation), so the per-batch traffic is posts and clusters in, verdicts out.

At most `depth` batches are in flight, so memory stays bounded however long the input is, and
results are yielded in submission order.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from typing import Protocol, TypeVar

from moderation import telemetry
from moderation.classifiers.base import warm
from moderation.pipeline import Policy, assign_clusters, moderate_batch
from moderation.types import Cluster, Post, Verdict


class HasPosts(Protocol):
    @property
    def posts(self) -> Sequence[Post]: ...


B = TypeVar("B", bound=HasPosts)

# The policy a worker inherited at fork; module state by necessity (a ProcessPoolExecutor task
# can only reach what its process already holds).
_worker_policy: Policy | None = None


def _init_worker(policy: Policy) -> None:
    global _worker_policy
    _worker_policy = policy  # with fork, initargs are inherited, never pickled
    telemetry.hold_records()  # this process's meter is a no-op: the parent records


Moderated = tuple[list[Verdict], telemetry.Held]


def _moderate_in_worker(posts: Sequence[Post], clusters: Sequence[Cluster | None]) -> Moderated:
    assert _worker_policy is not None, "the pool initializer did not run"
    verdicts = moderate_batch(posts, policy=_worker_policy, clusters=clusters)
    return verdicts, telemetry.take_records()


class ModerationPool:
    """A process pool running `moderate_batch` over batches, results in input order."""

    def __init__(self, policy: Policy, jobs: int, *, depth: int | None = None) -> None:
        self.jobs = jobs
        self.depth = depth or 2 * jobs  # enough to keep every worker busy while one is stored
        self._clusterer = policy.clusterer
        # Clusters arrive with each batch; a worker-local index would only see every other batch.
        shared = replace(policy, clusterer=None)
        moderate_batch([], policy=shared)  # load lazy model artifacts once, before the fork
        # The slow stages too (minilm.v1, Detoxify), which an empty batch never reaches: loaded
        # here, their weights are shared by every worker. With minilm.v1, ingest --jobs 2 peaked
        # at 960 MB instead of 1.3 GB and ran 6% faster (paired runs, bench/ingest_bench.py).
        # Loading only, no inference: no torch thread pool exists yet at the fork.
        for backend in shared.classifiers:
            warm(backend)
        # The policy (automata, weights, rule tables) lives as long as the process. Frozen, the
        # collector stops walking it in every full collection, and the workers keep sharing its
        # pages instead of copying each one the collector touches (the `gc.freeze` docs' advice).
        gc.freeze()
        # fork: workers start at once with every module already imported, and nothing re-runs
        # the caller's __main__ (spawn and forkserver both do). Forking is only safe before
        # other threads exist (telemetry exporters, progress bars), so every worker is started
        # here, eagerly, and callers create the pool before starting any thread.
        self._executor = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(shared,),
        )
        self._executor.submit(_moderate_in_worker, [], []).result()

    def __enter__(self) -> ModerationPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def moderate(self, batches: Iterable[B]) -> Iterator[tuple[B, list[Verdict]]]:
        """Yield each batch with its verdicts, in the order the batches came."""
        pending: deque[tuple[B, Future[Moderated]]] = deque()
        for batch in batches:
            with telemetry.tracer.start_as_current_span(telemetry.SPAN_CLUSTER):
                clusters = assign_clusters(batch.posts, self._clusterer)
            future = self._executor.submit(_moderate_in_worker, batch.posts, clusters)
            pending.append((batch, future))
            if len(pending) >= self.depth:
                yield _done(*pending.popleft())
        while pending:
            yield _done(*pending.popleft())


def _done(batch: B, future: Future[Moderated]) -> tuple[B, list[Verdict]]:
    verdicts, records = future.result()
    # The worker's meter is a no-op (telemetry is installed in this process only).
    telemetry.record_verdicts(verdicts)
    telemetry.replay_records(records)
    return batch, verdicts
