"""`dragoman translate --cluster`: the same run, its chunks translated by the workers of a Dask cluster.

The client does what a local run does (reads the inputs, consults the translation memory, plans routes, writes
each output atomically); only the segments the memory lacks are shipped, as length-sorted shards per route. A
worker keeps one engine (each model loaded once, ``worker.EnginePlugin``) and runs the chunk code a local run
runs, so the output is the same. Results are stored in the memory as each shard comes back, so a client killed
mid-run resumes with only the missing segments. Dask reschedules the shards of a worker that dies.

Requires the optional extra ``dragoman[dask]``; nothing here imports ``distributed`` until a run uses it.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from dragoman.errors import DragomanError
from dragoman.pipeline.translator import CHUNK_SEGMENTS, ChunkRunner, Item

if TYPE_CHECKING:
    from dragoman.enforce.model import SegmentResult
    from dragoman.engines.base import Engine
    from dragoman.pipeline.routes import Route
    from dragoman.pipeline.translator import Translator

INSTALL_HINT = "pip install 'dragoman[dask]'"
# Shards in flight per worker: enough to keep every worker busy while results travel back, few enough that
# the client holds a bounded part of the work (and a killed client loses at most that much).
IN_FLIGHT_PER_WORKER = 3
# Shards per worker per route: small shards spread the work evenly and let results (and the memory) move
# often; large ones keep batches full. A shard is never above the local run's chunk size.
SHARDS_PER_WORKER = 4
MIN_SHARD_SEGMENTS = 16
# Dask keeps the last `distributed.admin.low-level-log-length` (default 1,000) entries of several debugging logs,
# set when each object is made: every batched stream's recently sent messages (BatchedSend.recent_message_log:
# the client's update-graph messages carry each pickled shard, the scheduler's compute-task messages to a worker
# carry it again), the scheduler's transition log and its event topics. Each shard holds its segments, so at
# archive scale these logs held the text of the last 1,000 shards in the client's process (and, with
# --cluster local:N, in the scheduler that runs there): +18 MB live at 20,000 articles against 2,000 (memray).
# A run never reads them (they are for debugging Dask itself), so the runner keeps none while it is connected.
LOW_LEVEL_LOG_LENGTH = 0


class ClusterError(DragomanError):
    """The cluster cannot run the job: not reachable, no workers, a worker without the model, a shard failing."""


def parse_address(spec: str) -> tuple[str, int | None]:
    """``local:N`` -> ("local", N); a scheduler address (``tcp://host:8786``, ``host:8786``) -> (address, None)."""
    text = spec.strip()
    if text.startswith("local"):
        _, _, count = text.partition(":")
        try:
            workers = int(count) if count else 2
        except ValueError:
            workers = 0
        if workers < 1:
            raise ClusterError(
                f"--cluster {spec!r}: the number of local workers must be a positive whole number",
                "use e.g. --cluster local:2",
            )
        return "local", workers
    if not text:
        raise ClusterError("--cluster is empty", "give a scheduler address (tcp://HOST:8786) or local:N")
    if "://" not in text:
        text = f"tcp://{text}"
    return text, None


def _distributed() -> Any:
    try:
        import distributed
    except ModuleNotFoundError:
        raise ClusterError("--cluster needs Dask distributed, which is not installed", f"run: {INSTALL_HINT}") from None
    return distributed


class ClusterRunner(ChunkRunner):
    """Runs a translator's chunks as shards on a Dask cluster (see the module docstring)."""

    def __init__(
        self,
        address: str,
        engine_name: str,
        engine_options: dict[str, Any] | None = None,
        *,
        connect_timeout: float = 20.0,
        shard_segments: int | None = None,
        threads_per_worker: int = 1,
    ) -> None:
        self.spec = address
        self.address, self.local_workers = parse_address(address)
        self.engine_name = engine_name
        self.engine_options = dict(engine_options or {})
        self.connect_timeout = connect_timeout
        self.shard_segments = shard_segments
        self.threads_per_worker = threads_per_worker
        self.engine_calls = 0
        self.worker_shards: Counter[str] = Counter()
        self.worker_segments: Counter[str] = Counter()
        self._client: Any = None
        self._cluster: Any = None
        self._dask_config: Any = None
        self._glossaries: dict[int, Any] = {}
        self._checked: set[tuple[str, str]] = set()
        self._engine: Engine | None = None

    # -- connection ------------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        if self._client is None:
            self._connect()
        return self._client

    def _connect(self) -> None:
        distributed = _distributed()
        import dask.config

        from dragoman.cluster.worker import EnginePlugin

        # Held until close(): streams made later (a restarted worker's, a reconnection) read it when they start.
        self._dask_config = dask.config.set({"distributed.admin.low-level-log-length": LOW_LEVEL_LOG_LENGTH})
        try:
            if self.local_workers is not None:
                self._cluster = distributed.LocalCluster(
                    n_workers=self.local_workers,
                    threads_per_worker=self.threads_per_worker,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
                self._client = distributed.Client(self._cluster, timeout=f"{self.connect_timeout}s")
            else:
                self._client = distributed.Client(self.address, timeout=f"{self.connect_timeout}s")
        except (OSError, TimeoutError, RuntimeError) as err:
            self.close()
            raise ClusterError(
                f"cannot reach the Dask scheduler at {self.address} ({err})",
                "start it with 'dask scheduler' and the workers with 'dask worker ADDRESS', or use --cluster local:N",
            ) from None
        self._client.register_plugin(EnginePlugin(self.engine_name, self.engine_options), name="dragoman-engine")

    def workers(self) -> list[str]:
        return sorted(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    # -- ChunkRunner -----------------------------------------------------------------------------

    def prepare(self, engine: Engine, routes: Sequence[Route]) -> None:
        # Nothing is contacted yet: a run the translation memory answers whole never starts or reaches a cluster.
        self._engine = engine

    def _check_workers(self, routes: Sequence[Route]) -> None:
        """Check, before shipping anything, that every worker translates every leg as this machine would."""
        from dragoman.cluster.worker import route_signatures

        engine = self._engine
        assert engine is not None, "prepare() is called before run()"
        legs = [leg for route in routes for leg in route.legs if leg not in self._checked]
        legs = list(dict.fromkeys(legs))
        if not legs:
            return
        if not self.workers():
            raise ClusterError(
                f"no workers are connected to the Dask scheduler at {self.address}",
                f"start some with 'dask worker {self.address}'",
            )
        answers: dict[str, dict[str, str]] = self.client.run(route_signatures, legs)
        for worker, by_leg in sorted(answers.items()):
            for source, target in legs:
                label = f"{source}->{target}"
                theirs = by_leg.get(label, "engine: no answer")
                if theirs.startswith("engine: "):
                    raise ClusterError(
                        f"worker {worker} cannot run the {self.engine_name} engine: {theirs[len('engine: ') :]}",
                        "install dragoman (and the engine's extra) on that machine, as on this one",
                    )
                if theirs.startswith("missing: "):
                    raise ClusterError(
                        f"worker {worker} cannot translate {label}: {theirs[len('missing: ') :]}",
                        f"run 'dragoman models install {source} {target}' on that machine (or stop that worker)",
                    )
                ours = engine.signature(source, target)
                if theirs != ours:
                    raise ClusterError(
                        f"worker {worker} would translate {label} differently from this machine "
                        f"(its engine: {theirs}; here: {ours})",
                        "install the same dragoman and model versions on every machine",
                    )
        self._checked.update(legs)

    def shard_size(self, total: int) -> int:
        """Segments per shard: about SHARDS_PER_WORKER per worker, within [MIN_SHARD_SEGMENTS, CHUNK_SEGMENTS]."""
        if self.shard_segments is not None:
            return max(1, self.shard_segments)
        workers = max(1, len(self.workers()))
        size = math.ceil(total / (workers * SHARDS_PER_WORKER))
        return max(MIN_SHARD_SEGMENTS, min(CHUNK_SEGMENTS, size))

    def runs(
        self, translator: Translator, misses: Sequence[Item], route: Route
    ) -> Iterator[tuple[Sequence[Item], list[SegmentResult]]]:
        """Ship the misses as shards, a bounded number in flight; yield each shard's results as it comes back."""
        if not misses:
            return
        distributed = _distributed()
        from dragoman.cluster.worker import Shard, ShardResult, WorkerFailure, run_shard

        client = self.client
        self._check_workers([route])
        size = self.shard_size(len(misses))
        shards = [list(misses[start : start + size]) for start in range(0, len(misses), size)]
        glossary = self._glossary_future(translator.glossary)
        options = translator.enforce_options(route) if translator.glossary is not None else None
        run_id = uuid.uuid4().hex[:12]
        pending: deque[int] = deque(range(len(shards)))
        limit = max(1, len(self.workers())) * IN_FLIGHT_PER_WORKER
        in_flight = distributed.as_completed([])

        def submit_next() -> None:
            index = pending.popleft()
            shard = Shard(run_id, index, route, shards[index], options, translator.integrity, translator.include_drafts)
            key = f"dragoman-{run_id}-{route.label}-{index}"
            in_flight.add(client.submit(run_shard, shard, glossary, key=key, pure=False))

        while pending and in_flight.count() < limit:
            submit_next()
        try:
            for future in in_flight:
                try:
                    result: ShardResult = future.result()
                except WorkerFailure as err:
                    raise ClusterError(str(err)) from None
                except distributed.KilledWorker as err:
                    raise ClusterError(
                        f"a shard of {route.label} killed every worker that ran it ({err})",
                        "the workers may be running out of memory; give them more or use smaller shards",
                    ) from None
                self.engine_calls += result.engine_calls
                self.worker_shards[result.worker] += 1
                self.worker_segments[result.worker] += len(result.results)
                translator.stats.retried += result.retried
                translator.stats.repaired += result.repaired
                translator.stats.flagged += result.flagged
                if pending:
                    submit_next()
                yield shards[result.index], result.results
        finally:
            for future in list(in_flight.futures):
                future.cancel()

    def _glossary_future(self, glossary: Any) -> Any:
        """The glossary is sent to every worker once per run, not with every shard."""
        if glossary is None:
            return None
        key = id(glossary)
        if key not in self._glossaries:
            self._glossaries[key] = self.client.scatter(glossary, broadcast=True, hash=False)
        return self._glossaries[key]

    def report(self) -> dict[str, Any]:
        return {
            "address": self.spec,
            "workers": {
                worker: {"shards": self.worker_shards[worker], "segments": self.worker_segments[worker]}
                for worker in sorted(self.worker_shards)
            },
        }

    def close(self) -> None:
        if self._client is not None:
            try:
                self._client.close()
            finally:
                self._client = None
        if self._cluster is not None:
            try:
                self._cluster.close()
            finally:
                self._cluster = None
        if self._dask_config is not None:
            self._dask_config.__exit__(None, None, None)
            self._dask_config = None


__all__ = ["ClusterError", "ClusterRunner", "INSTALL_HINT", "parse_address"]
