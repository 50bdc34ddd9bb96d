"""What runs inside a Dask worker: one engine per worker process (each model loaded once) and the shard task.

A worker runs exactly the code a local run runs on a chunk (``Translator.work``: placeholders, n-best, alignment,
verification, the integrity checks and their repairs), so a cluster run and a local run produce the same output.
This module imports ``distributed`` and is loaded only on the client that uses ``--cluster`` and on its workers.
"""

from __future__ import annotations

import ctypes
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from dragoman.engines import build_engine
from dragoman.pipeline.routes import Route
from dragoman.pipeline.translator import CountingEngine, Item, Translator

if TYPE_CHECKING:
    from distributed import Worker

    from dragoman.enforce.model import EnforceOptions, SegmentResult
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
        _restore_malloc_thresholds()

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = build_engine(self.engine_name, self.engine_options)
        return self._engine

    def teardown(self, worker: Worker) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


# glibc's mallopt parameters (malloc.h): M_TRIM_THRESHOLD, M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _restore_malloc_thresholds() -> None:
    """Undo what Dask's nanny sets for its workers, MALLOC_TRIM_THRESHOLD_=65536: that also fixes glibc's mmap
    threshold at 128 KiB, so every large buffer of a beam search is mmapped and unmapped again; CTranslate2 decoded
    23 % slower here (26.4 s -> 32.5 s for the same sentences). A translating worker holds a model anyway: give
    glibc back large thresholds (the trim one high, the mmap one at its 64-bit maximum). Only glibc has mallopt;
    elsewhere this does nothing."""
    if not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TRIM_THRESHOLD, 64 * 1024 * 1024)
        libc.mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    except (OSError, AttributeError):
        pass


@dataclass
class Shard:
    """Length-sorted segments of one route, as the client planned them, and how the client's run treats them."""

    run_id: str
    index: int
    route: Route
    items: list[Item]
    options: EnforceOptions | None  # the client's enforcement options for the route (its calibration)
    integrity: str
    include_drafts: bool


@dataclass
class ShardResult:
    index: int
    results: list[SegmentResult]
    worker: str
    engine_calls: int
    seconds: float
    retried: int
    repaired: int
    flagged: int


def _plugin() -> EnginePlugin:
    worker = get_worker()
    plugin = worker.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, EnginePlugin):
        raise WorkerFailure(f"worker {worker.address} has no dragoman engine (the client did not register it)")
    return plugin


def run_shard(shard: Shard, glossary: Glossary | None) -> ShardResult:
    """Translate, check and repair one shard on this worker with its engine, as Translator.work does in a local
    run; errors come back as one line naming the worker."""
    from dragoman.errors import DragomanError

    plugin = _plugin()
    started = time.perf_counter()
    counting = CountingEngine(plugin.engine())
    translator = Translator(counting, None, glossary, include_drafts=shard.include_drafts, integrity=shard.integrity)
    if shard.options is not None:
        # The client's options (its calibration of the model), not this machine's: the same output as a local run.
        translator.set_enforce_options(shard.route, shard.options)
    try:
        results = translator.work(shard.items, shard.route)
    except DragomanError as err:
        raise WorkerFailure(f"worker {plugin.address}: {err}") from None
    stats = translator.stats
    return ShardResult(
        index=shard.index,
        results=results,
        worker=plugin.address,
        engine_calls=counting.calls,
        seconds=time.perf_counter() - started,
        retried=stats.retried,
        repaired=stats.repaired,
        flagged=stats.flagged,
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
