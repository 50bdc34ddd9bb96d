"""`translate --cluster` on a real Dask LocalCluster (worker processes on loopback) with the toy Argos model:
the same output and report as a local run, a worker killed mid-run, a client interrupted and resumed, a worker
without the model named."""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask.config
import distributed
import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE

from dragoman.cache import TranslationMemory
from dragoman.cli import cli
from dragoman.cluster import ClusterError, ClusterRunner, parse_address
from dragoman.cluster.worker import Shard
from dragoman.engines import create_engine
from dragoman.glossary.layers import load_glossaries
from dragoman.packages.archive import install_file
from dragoman.pipeline.run import TranslateJob, run, translate_job

REPO = Path(__file__).resolve().parents[2]
NTREX_EN = REPO / "tests" / "data" / "ntrex" / "newstest2019-src.eng.txt"
GLOSSARY = REPO / "glossaries" / "news.yaml"
pytestmark = pytest.mark.slow


def _articles(folder: Path, count: int = 4, lines: int = 6) -> list[Path]:
    """NTREX English sentences as ``count`` small articles (some repeat a sentence, as news does)."""
    sentences = NTREX_EN.read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        body = sentences[i * lines : (i + 1) * lines] + [sentences[0]]
        path = folder / f"article{i}.en.txt"
        path.write_text("\n".join(body) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def worker_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The DRAGOMAN_HOME of the shared cluster's workers, with the toy model installed."""
    home = tmp_path_factory.mktemp("worker-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAGOMAN_HOME", str(home))
        install_file(TOY_PACKAGE)
    return home


@pytest.fixture(scope="module")
def scheduler(worker_home: Path) -> Iterator[str]:
    """A 2-process LocalCluster shared by this module's tests (workers inherit the environment at start)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAGOMAN_HOME", str(worker_home))
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


@pytest.fixture
def toy_installed() -> None:
    """The client's own home has the same model (it reads the package's signature, never loads the model)."""
    install_file(TOY_PACKAGE)


def _job(paths: list[Path], outdir: Path, **kw: Any) -> TranslateJob:
    return TranslateJob(inputs=paths, source="en", targets=["zz"], outdir=outdir, **kw)


def _comparable(report: dict[str, Any], outdir: Path) -> str:
    """The report without what may differ between two runs: timings, where chunks ran, the output folder."""
    data = {k: v for k, v in report.items() if k not in ("stats", "cluster")}
    return json.dumps(data, sort_keys=True, ensure_ascii=False).replace(str(outdir), "OUT")


def test_parse_address() -> None:
    assert parse_address("local:3") == ("local", 3)
    assert parse_address("local") == ("local", 2)
    assert parse_address("tcp://10.1.2.3:8786") == ("tcp://10.1.2.3:8786", None)
    assert parse_address("sched:8786") == ("tcp://sched:8786", None)
    for bad in ("local:0", "local:x", " "):
        with pytest.raises(ClusterError):
            parse_address(bad)


def test_cluster_run_matches_local_run(tmp_path: Path, scheduler: str, toy_installed: None) -> None:
    paths = _articles(tmp_path / "in")
    glossary = load_glossaries([GLOSSARY])
    local = run(_job(paths, tmp_path / "local", glossary=glossary, use_memory=False), create_engine("argos"))
    runner = ClusterRunner(scheduler, "argos", {}, shard_segments=4)
    try:
        remote = run(
            _job(paths, tmp_path / "cluster", glossary=glossary, use_memory=False),
            create_engine("argos"),
            runner=runner,
        )
    finally:
        runner.close()
    assert local.errors == [] and remote.errors == []
    for path in paths:
        name = path.name.replace(".en.txt", ".zz.txt")
        assert (tmp_path / "cluster" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert _comparable(remote.report, tmp_path / "cluster") == _comparable(local.report, tmp_path / "local")
    # Every segment was translated on a worker, in shards; the report counts them per worker.
    workers = remote.report["cluster"]["workers"]
    assert sum(w["segments"] for w in workers.values()) == remote.stats.translated == local.stats.translated
    assert sum(w["shards"] for w in workers.values()) >= 2
    assert remote.stats.engine_calls >= 2


def test_cli_cluster_run_and_rerun_from_memory(tmp_path: Path, scheduler: str, toy_installed: None) -> None:
    paths = _articles(tmp_path / "in", count=3, lines=5)
    report = tmp_path / "report.json"
    args = ["translate", *map(str, paths), "--to", "zz", "-o", str(tmp_path / "out"), "--cluster", scheduler]
    first = CliRunner().invoke(cli, [*args, "--report", str(report)])
    assert first.exit_code == 0, first.output
    assert "on 2 cluster workers" in first.output or "on 1 cluster worker" in first.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["cluster"]["address"] == scheduler
    assert sum(w["segments"] for w in data["cluster"]["workers"].values()) == data["stats"]["translated"] > 0
    local = CliRunner().invoke(
        cli, ["translate", *map(str, paths), "--to", "zz", "-o", str(tmp_path / "local"), "--no-memory"]
    )
    assert local.exit_code == 0, local.output
    for path in paths:
        name = path.name.replace(".en.txt", ".zz.txt")
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    again = CliRunner().invoke(cli, [*args, "--json"])
    assert again.exit_code == 0, again.output
    rerun = json.loads(again.stdout)
    stats = rerun["stats"]
    # Everything came from the memory: nothing was shipped to the cluster.
    assert stats["translated"] == 0 and stats["memory_hits"] == stats["unique"]
    assert rerun["cluster"]["workers"] == {}


def test_interrupted_client_resumes_from_the_memory(tmp_path: Path, scheduler: str, toy_installed: None) -> None:
    paths = _articles(tmp_path / "in")
    done_before: list[int] = []

    def interrupt_after_two_shards(done: int, total: int) -> None:
        if done >= 2 * 4:
            done_before.append(done)
            raise KeyboardInterrupt  # the user's Ctrl-C, after the second shard was stored

    memory = TranslationMemory()
    runner = ClusterRunner(scheduler, "argos", {}, shard_segments=4)
    try:
        with pytest.raises(KeyboardInterrupt):
            run(
                _job(paths, tmp_path / "out"),
                create_engine("argos"),
                memory=memory,
                progress=interrupt_after_two_shards,
                runner=runner,
            )
        result = run(_job(paths, tmp_path / "out"), create_engine("argos"), memory=memory, runner=runner)
    finally:
        runner.close()
        memory.close()
    assert done_before and result.errors == []
    # What was finished before the interruption came from the memory; only the rest went to the workers.
    assert result.stats.memory_hits >= done_before[0]
    assert result.stats.translated == result.stats.unique - result.stats.memory_hits
    local = run(_job(paths, tmp_path / "local", use_memory=False), create_engine("argos"))
    assert local.stats.translated == result.stats.unique
    for path in paths:
        name = path.name.replace(".en.txt", ".zz.txt")
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def _kill_soon(delay: float = 0.05) -> str:
    """Run on a worker: end its process abruptly (as kill -9 would) a moment after answering."""
    threading.Timer(delay, os._exit, (1,)).start()
    return "killed"


def _shards_alive() -> set[int]:
    """The shards still in memory in this process (the module's own LocalCluster keeps its tests' in its logs)."""
    gc.collect()
    return {id(obj) for obj in gc.get_objects() if type(obj) is Shard}


def test_worker_killed_mid_run_its_shards_are_retried(
    tmp_path: Path, worker_home: Path, toy_installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _articles(tmp_path / "in", count=5)
    client_home = os.environ["DRAGOMAN_HOME"]
    monkeypatch.setenv("DRAGOMAN_HOME", str(worker_home))
    default_log_length = dask.config.get("distributed.admin.low-level-log-length")
    runner = ClusterRunner("local:2", "argos", {}, shard_segments=3)
    runner.client  # start the cluster now, with the workers' home
    monkeypatch.setenv("DRAGOMAN_HOME", client_home)
    killed: list[str] = []

    def kill_a_busy_worker_after_first_shard(done: int, total: int) -> None:
        if done and not killed:
            busy = [addr for addr, keys in runner.client.processing().items() if keys]
            victim = (busy or runner.workers())[0]
            runner.client.run(_kill_soon, workers=[victim])
            killed.append(victim)

    memory = TranslationMemory()
    earlier_shards = _shards_alive()
    try:
        result = run(
            _job(paths, tmp_path / "out"),
            create_engine("argos"),
            memory=memory,
            progress=kill_a_busy_worker_after_first_shard,
            runner=runner,
        )
        # Nothing keeps a finished shard (its segments): not the client's stream log, not the in-process
        # scheduler's logs, not the stream to the restarted worker (archive scale: memory flat in the shards).
        # The scheduler forgets the last shard's task a moment after the client releases it: wait for that.
        deadline = time.monotonic() + 10
        while (shards := _shards_alive() - earlier_shards) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.close()
        memory.close()
    assert not shards
    assert dask.config.get("distributed.admin.low-level-log-length") == default_log_length
    assert killed and result.errors == []
    assert result.stats.translated == result.stats.unique  # every segment once, none lost, none twice
    run(_job(paths, tmp_path / "local", use_memory=False), create_engine("argos"))  # the reference, written locally
    for path in paths:
        name = path.name.replace(".en.txt", ".zz.txt")
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_worker_without_the_model_is_named(
    tmp_path: Path, toy_installed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _articles(tmp_path / "in", count=1, lines=3)
    client_home = os.environ["DRAGOMAN_HOME"]
    monkeypatch.setenv("DRAGOMAN_HOME", str(tmp_path / "empty-worker-home"))
    runner = ClusterRunner("local:1", "argos", {})
    runner.client
    monkeypatch.setenv("DRAGOMAN_HOME", client_home)
    try:
        with pytest.raises(ClusterError) as err:
            run(_job(paths, tmp_path / "out", use_memory=False), create_engine("argos"), runner=runner)
    finally:
        runner.close()
    message = err.value.format()
    assert "\n" not in message
    assert "cannot translate en->zz" in message and "tcp://127.0.0.1:" in message
    assert "dragoman models install en zz" in message
    assert not (tmp_path / "out").exists()


def test_unreachable_scheduler_is_one_line(tmp_path: Path, toy_installed: None) -> None:
    paths = _articles(tmp_path / "in", count=1, lines=2)
    runner = ClusterRunner("tcp://127.0.0.1:9", "argos", {}, connect_timeout=1)
    with pytest.raises(ClusterError) as err:
        run(_job(paths, tmp_path / "out", use_memory=False), create_engine("argos"), runner=runner)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err.value.format()


def test_windowed_archive_run_is_the_same_run(tmp_path: Path, toy_installed: None) -> None:
    """Many inputs are done a window at a time (memory flat in the number of files): same files, one report."""
    paths = _articles(tmp_path / "in", count=5, lines=3)
    # Integrity repairs off: the engine calls counted are then exactly one per window.
    whole = run(_job(paths, tmp_path / "whole", use_memory=False, integrity="off"), create_engine("argos"))
    _, stepped = translate_job(
        _job(paths, tmp_path / "stepped", use_memory=False, integrity="off"), create_engine("argos"), window=2
    )
    for path in paths:
        name = path.name.replace(".en.txt", ".zz.txt")
        assert (tmp_path / "stepped" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert [o["input"] for o in stepped.report["outputs"]] == [o["input"] for o in whole.report["outputs"]]
    assert stepped.stats.segments == whole.stats.segments
    assert whole.stats.engine_calls == 1
    assert stepped.stats.engine_calls == 3  # one per window of 2, 2 and 1 files
