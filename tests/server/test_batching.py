"""Cross-request batching: concurrent requests share engine calls; a full queue answers 429 with Retry-After; a
request past its deadline or whose client left is not translated (counted on the engine and the batcher)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from helpers.server import Server, running_server

from dragoman.server.batcher import Batcher, DeadlineError, QueueFullError, WorkItem

CLIENTS = 16


@pytest.fixture(scope="module")
def batching_server(server_home: Path) -> Iterator[Server]:
    # A long wait makes "arrived together" certain on a loaded machine.
    with running_server(server_home, "--batch-wait-ms", "300", "--no-memory") as srv:
        yield srv


@pytest.fixture(scope="module")
def small_queue_server(server_home: Path) -> Iterator[Server]:
    with running_server(server_home, "--batch-wait-ms", "0", "--queue-limit", "2", "--no-memory") as srv:
        yield srv


def _sentence(n: int) -> str:
    return f"The war killed {n} people in Gaza last year."


def _post_together(server: Server, bodies: list[dict[str, Any]]) -> list[tuple[int, Any, dict[str, str]]]:
    barrier = threading.Barrier(len(bodies))

    def post(body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        barrier.wait()
        return server.post_json("/translate", body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(post, bodies))


def test_sixteen_concurrent_sentences_cost_about_one_engine_call(batching_server: Server) -> None:
    before = batching_server.stats()
    answers = _post_together(
        batching_server, [{"q": _sentence(n), "source": "en", "target": "zz"} for n in range(100, 100 + CLIENTS)]
    )
    assert [status for status, _, _ in answers] == [200] * CLIENTS
    for n, (_, body, _) in zip(range(100, 100 + CLIENTS), answers):
        assert str(n) in body["translatedText"]  # each client got its own sentence back
    after = batching_server.stats()
    calls = after["engine_calls"] - before["engine_calls"]
    assert after["engine_segments"] - before["engine_segments"] == CLIENTS
    assert 1 <= calls <= 2, f"{CLIENTS} requests took {calls} engine calls"  # unbatched: 16


def test_a_full_queue_answers_429_with_retry_after_and_the_server_goes_on(small_queue_server: Server) -> None:
    batching_server = small_queue_server
    heavy = {"q": [_sentence(n) for n in range(1000, 1600)], "source": "en", "target": "zz"}
    with ThreadPoolExecutor(1) as pool:
        busy = pool.submit(batching_server.post_json, "/translate", heavy, 120)
        while batching_server.stats()["batches"] == 0 or batching_server.stats()["queue"] > 0:
            time.sleep(0.01)  # until the heavy request is in the engine
        answers = _post_together(
            batching_server, [{"q": _sentence(n), "source": "en", "target": "zz"} for n in range(2000, 2012)]
        )
        assert busy.result()[0] == 200
    statuses = sorted(status for status, _, _ in answers)
    assert 429 in statuses and set(statuses) <= {200, 429}
    refused = next(answer for answer in answers if answer[0] == 429)
    assert refused[1] == {"error": "Slowdown: the translation queue is full"}
    assert int(refused[2]["retry-after"]) >= 1
    assert batching_server.post_json("/translate", {"q": _sentence(1), "source": "en", "target": "zz"})[0] == 200


def test_a_client_that_leaves_is_not_translated(batching_server: Server) -> None:
    heavy = {"q": [_sentence(n) for n in range(3000, 3400)], "source": "en", "target": "zz"}
    before = batching_server.stats()
    with ThreadPoolExecutor(1) as pool:
        busy = pool.submit(batching_server.post_json, "/translate", heavy, 120)
        while batching_server.stats()["batches"] == before["batches"]:
            time.sleep(0.01)
        body = b'{"q": "The war killed 4242 people.", "source": "en", "target": "zz"}'
        host, port = batching_server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as sock:
            sock.sendall(
                b"POST /translate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
        assert busy.result()[0] == 200
    # The next request's batch finds the abandoned one and skips it.
    assert batching_server.post_json("/translate", {"q": _sentence(2), "source": "en", "target": "zz"})[0] == 200
    after = batching_server.stats()
    assert after["dropped_disconnected"] - before["dropped_disconnected"] == 1
    assert after["engine_segments"] - before["engine_segments"] == 400 + 1  # not 4242's sentence


# -- the batcher alone (no HTTP): deadlines, cancellation, a full queue ----------------------------------------


def test_the_batcher_skips_expired_and_cancelled_items_and_refuses_past_its_limit() -> None:
    seen: list[list[str]] = []

    def process(items: list[WorkItem]) -> None:
        seen.append([item.payload for item in items])
        for item in items:
            item.result = item.payload.upper()

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(1) as executor:
            batcher = Batcher(process, executor, wait_s=0.05, queue_limit=3)
            late = WorkItem(key="k", payload="late", size=4, deadline=loop.time() - 1)
            gone = WorkItem(key="k", payload="gone", size=4, deadline=loop.time() + 60)
            kept = WorkItem(key="k", payload="kept", size=4, deadline=loop.time() + 60)
            for item in (late, gone, kept):
                batcher.submit(item)
            with pytest.raises(QueueFullError):
                batcher.submit(WorkItem(key="k", payload="extra", size=5, deadline=loop.time() + 60))
            gone.future.cancel()
            batcher.start()
            assert await kept.future == "KEPT"
            with pytest.raises(DeadlineError):
                await late.future
            await batcher.stop()
            assert seen == [["kept"]]
            assert batcher.stats.to_dict() == {
                "batches": 1,
                "requests": 1,
                "dropped_disconnected": 1,
                "expired": 1,
                "rejected_full": 1,
            }

    asyncio.run(scenario())
