"""Cross-request batching: requests that arrive within a few milliseconds (or while the engine is busy) are
handed to the engine thread together, so concurrent clients share engine calls instead of queueing one by one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Hashable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("dragoman.server")


class QueueFullError(Exception):
    """The queue holds its maximum of waiting requests."""


class DeadlineError(Exception):
    """A request waited past its deadline before the engine reached it."""


@dataclass(eq=False)
class WorkItem:
    """One request waiting for the engine. ``process`` fills ``result`` or ``error`` in the engine thread."""

    key: Hashable  # requests with equal keys can share a pipeline run (same target, same glossaries)
    payload: Any
    size: int  # characters, to bound a batch
    deadline: float  # loop time
    future: asyncio.Future[Any] = field(default_factory=lambda: asyncio.get_running_loop().create_future())
    result: Any = None
    error: BaseException | None = None


@dataclass
class BatchStats:
    batches: int = 0
    requests: int = 0
    dropped_disconnected: int = 0
    expired: int = 0
    rejected_full: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(vars(self))


class Batcher:
    """Collects WorkItems and runs ``process(items)`` on ``executor`` (one thread: the engine's)."""

    def __init__(
        self,
        process: Callable[[list[WorkItem]], None],
        executor: Executor,
        wait_s: float,
        queue_limit: int,
        max_batch_chars: int = 200_000,
    ) -> None:
        self.process = process
        self.executor = executor
        self.wait_s = max(0.0, wait_s)
        self.max_batch_chars = max_batch_chars
        self.queue: asyncio.Queue[WorkItem] = asyncio.Queue(maxsize=max(1, queue_limit))
        self.stats = BatchStats()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="dragoman-batcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def submit(self, item: WorkItem) -> None:
        """Queue ``item``; QueueFullError when the queue is at its limit (the caller answers 429)."""
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.stats.rejected_full += 1
            raise QueueFullError from None

    @property
    def waiting(self) -> int:
        return self.queue.qsize()

    async def _collect(self) -> list[WorkItem]:
        loop = asyncio.get_running_loop()
        batch = [await self.queue.get()]
        chars = batch[0].size
        end = loop.time() + self.wait_s
        while chars < self.max_batch_chars:
            if not self.queue.empty():
                item = self.queue.get_nowait()
            else:
                remaining = end - loop.time()
                if remaining <= 0:
                    break
                try:
                    item = await asyncio.wait_for(self.queue.get(), remaining)
                except asyncio.TimeoutError:
                    break
            batch.append(item)
            chars += item.size
        return batch

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._collect()
            now = loop.time()
            live: list[WorkItem] = []
            for item in batch:
                if item.future.done():  # the client went away while waiting: not worth an engine call
                    self.stats.dropped_disconnected += 1
                elif item.deadline <= now:
                    self.stats.expired += 1
                    item.future.set_exception(DeadlineError())
                else:
                    live.append(item)
            if not live:
                continue
            self.stats.batches += 1
            self.stats.requests += len(live)
            try:
                await loop.run_in_executor(self.executor, self.process, live)
            except Exception as err:  # a bug in process: every request of the batch gets it, the loop goes on
                log.exception("batch of %d requests failed", len(live))
                for item in live:
                    item.error = item.error or err
            for item in live:
                if item.future.done():
                    continue
                if item.error is not None:
                    item.future.set_exception(item.error)
                else:
                    item.future.set_result(item.result)


__all__ = ["BatchStats", "Batcher", "DeadlineError", "QueueFullError", "WorkItem"]
