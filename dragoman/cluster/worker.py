"""What runs inside a Dask worker: one engine per worker process (each model loaded once) and the shard task.

A worker runs exactly the code a local run runs on a chunk (``dragoman.pipeline.translator.translate_chunk``:
placeholders, n-best, alignment, verification), so a cluster run and a local run produce the same output.
This module imports ``distributed`` and is loaded only on the client that uses ``--cluster`` and on its workers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from dragoman.engines import create_engine
from dragoman.pipeline.routes import Route
from dragoman.pipeline.translator import Chunk, CountingEngine, translate_chunk

if TYPE_CHECKING:
    from distributed import Worker

    from dragoman.engines.base import Engine
    from dragoman.glossary.model import Glossary

PLUGIN_NAME = "dragoman-engine"


class WorkerFailure(Exception):
    """A one-line reason a shard failed on a worker (a plain string, so it survives pickling unchanged)."""


class EnginePlugin(WorkerPlugin):
    """Keeps one engine per worker process for the life of the worker: models load on first use, once."""

    name = PLUGIN_NAME

    def __init__(self, engine_name: str, engine_options: dict[str, Any]) -> None:
        self.engine_name = engine_name
        self.engine_options = dict(engine_options)
        self._engine: Engine | None = None
        self.address = "?"

    def setup(self, worker: Worker) -> None:
        self.address = str(worker.address)

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(self.engine_name, **self.engine_options)
        return self._engine

    def teardown(self, worker: Worker) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


@dataclass
class Shard:
    """Length-sorted segments of one route, as the client planned them."""

    run_id: str
    index: int
    route: Route
    chunk: Chunk
    options: Any  # EnforceOptions for the route (None without a glossary)
    enforced: bool


@dataclass
class ShardResult:
    index: int
    results: list[Any]  # str per segment without a glossary, SegmentResult with one
    worker: str
    engine_calls: int
    seconds: float


def _plugin() -> EnginePlugin:
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, EnginePlugin):
        raise WorkerFailure(f"worker {worker.address} has no dragoman engine (the client did not register it)")
    return plugin


def run_shard(shard: Shard, glossary: Glossary | None) -> ShardResult:
    """Translate one shard on this worker with its engine; errors come back as one line naming the worker."""
    from dragoman.errors import DragomanError

    plugin = _plugin()
    started = time.perf_counter()
    try:
        counting = CountingEngine(plugin.engine())
        results = translate_chunk(counting, shard.chunk, shard.route, glossary, shard.options, shard.enforced)
    except DragomanError as err:
        raise WorkerFailure(f"worker {plugin.address}: {err}") from None
    return ShardResult(
        index=shard.index,
        results=results,
        worker=plugin.address,
        engine_calls=counting.calls,
        seconds=time.perf_counter() - started,
    )


def route_signatures(legs: list[tuple[str, str]], dask_worker: Worker | None = None) -> dict[str, str]:
    """For ``client.run``: per leg ``"s->t"``, the engine's signature on this worker, ``"missing: ..."`` (no
    model for the pair) or ``"engine: ..."`` (the engine itself cannot be made there).

    The client compares them with its own, so a worker without the model, or with another version of it, is
    named before any work is shipped (not discovered as a failed shard, nor as silently different output).
    """
    from dragoman.errors import DragomanError

    worker = dask_worker if dask_worker is not None else get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, EnginePlugin):
        return {f"{s}->{t}": "engine: the dragoman engine plugin is not registered" for s, t in legs}
    answers: dict[str, str] = {}
    try:
        engine = plugin.engine()
        have = set(engine.pairs())
    except DragomanError as err:
        return {f"{s}->{t}": f"engine: {err}" for s, t in legs}
    for source, target in legs:
        label = f"{source}->{target}"
        if (source, target) not in have:
            answers[label] = "missing: no model installed"
            continue
        try:
            answers[label] = engine.signature(source, target)
        except DragomanError as err:
            answers[label] = f"missing: {err}"
    return answers


__all__ = ["EnginePlugin", "PLUGIN_NAME", "Shard", "ShardResult", "WorkerFailure", "route_signatures", "run_shard"]
