"""`translate --cluster` (issue 20): scaling, the cluster path's overhead, and the client's memory at archive scale.

    python benchmarks/bench_cluster.py                  # all three sections
    python benchmarks/bench_cluster.py --sentences 200 --archive 2000,20000

Everything runs on loopback in this one process tree (a Dask LocalCluster started here), bounded in size:

- **scaling**: the same shards (``--sentences`` NTREX English sentences, length-sorted, ``--shard`` segments each)
  with the shape model (build_shape_model.py, fixed decoding length as bench_translate.py) on 1 worker x 1 thread
  and on 2 workers x 1 thread: throughput ratio (target >= 1.7 on 2 cores).
- **overhead**: the cluster path on 1 worker x 1 thread against the local path (``run()`` in this process) with 1
  thread, same sentences and options (target <= 10 %). Both are timed after a warm-up run that loads the model.
- **archive**: the real `dragoman translate --cluster tcp://...` command (its own process; peak RSS from
  ``os.wait4``) on 2,000 and 20,000 generated three-sentence articles, against a 2-worker cluster whose engine copies
  its input (registered through the `dragoman.engines` entry-point group, as a third-party engine is), so the client's
  own cost is what is measured: memory should stay flat in the number of articles.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NTREX_EN = REPO / "tests" / "data" / "ntrex" / "newstest2019-src.eng.txt"

COPY_ENGINE = '''
"""A benchmark engine that respells its input (vowels rotated, as the toy model respells names): the client's cost
without a model's, with output that passes the integrity checks (a copy would be flagged "untranslated")."""
from dragoman.engines.base import BatchOptions, Engine, Hypothesis

RESPELL = str.maketrans("aeiouAEIOU", "eiouaEIOUA")


class CopyEngine(Engine):
    name = "bench-copy"

    def __init__(self, **options):
        pass

    def pairs(self):
        return [("en", "zz")]

    def signature(self, source, target):
        return "bench-copy/1"

    def translate_batch(self, segments, source, target, options=None):
        return [[Hypothesis(text.translate(RESPELL))] for text in segments]
'''


def _install_copy_engine(folder: Path) -> None:
    """A distribution with a `dragoman.engines` entry point, importable through PYTHONPATH (workers inherit it)."""
    (folder / "bench_copy_engine.py").write_text(COPY_ENGINE, encoding="utf-8")
    info = folder / "bench_copy_engine-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bench-copy-engine\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[dragoman.engines]\nbench-copy = bench_copy_engine:CopyEngine\n", encoding="utf-8"
    )


def _sentences(count: int) -> list[str]:
    lines = [line for line in NTREX_EN.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:count]


def _write_articles(folder: Path, sentences: list[str], per_article: int = 8) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(0, len(sentences), per_article):
        path = folder / f"a{i // per_article:05d}.en.txt"
        path.write_text("\n".join(sentences[i : i + per_article]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _timed_run(paths: list[Path], outdir: Path, options: dict[str, Any], runner: Any = None) -> float:
    from dragoman.engines import create_engine
    from dragoman.pipeline.run import TranslateJob, run

    engine = create_engine("argos", **options)
    job = TranslateJob(inputs=paths, source="en", targets=["fa"], outdir=outdir, use_memory=False)
    started = time.perf_counter()
    result = run(job, engine, runner=runner)
    seconds = time.perf_counter() - started
    engine.close()
    if result.errors:
        raise SystemExit(f"run failed: {result.errors[0]}")
    return seconds


def model_sections(args: argparse.Namespace, work: Path) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    import build_shape_model  # type: ignore[import-not-found]

    from dragoman.cluster import ClusterRunner
    from dragoman.packages.archive import install_file

    package = build_shape_model.build()
    install_file(build_shape_model.archive_path(package.parent))
    options = {
        "intra_threads": 1,
        "inter_threads": 1,
        "beam_size": args.beam,
        "decoding_length_ratio": 1.0,
        "decoding_length_step": 8,
    }
    warm = _write_articles(work / "warm", _sentences(4))
    paths = _write_articles(work / "in", _sentences(args.sentences))
    figures: dict[str, float] = {}

    _timed_run(warm, work / "out-warm-local", options)
    local = min(_timed_run(paths, work / f"out-local-{i}", options) for i in range(args.repeats))
    figures["local_1x1_s"] = local
    print(f"local path, 1 thread:           {local:7.2f} s  ({args.sentences} sentences)", flush=True)
    for workers in (1, 2):
        runner = ClusterRunner(f"local:{workers}", "argos", options, shard_segments=args.shard)
        try:
            _timed_run(warm, work / f"out-warm-{workers}", options, runner)  # start + load the model on every worker
            runner.client.run(lambda: None)
            best = min(_timed_run(paths, work / f"out-{workers}-{i}", options, runner) for i in range(args.repeats))
        finally:
            runner.close()
        figures[f"cluster_{workers}x1_s"] = best
        print(f"cluster, {workers} worker(s) x 1 thread: {best:7.2f} s", flush=True)
    figures["scaling"] = figures["cluster_1x1_s"] / figures["cluster_2x1_s"]
    figures["overhead"] = figures["cluster_1x1_s"] / figures["local_1x1_s"] - 1
    return figures


def archive_section(args: argparse.Namespace, work: Path) -> dict[str, float]:
    import distributed

    plugin_dir = work / "plugin"
    plugin_dir.mkdir()
    _install_copy_engine(plugin_dir)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(plugin_dir), os.environ.get("PYTHONPATH")])))
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]
    sys.path.insert(0, str(plugin_dir))  # the LocalCluster's worker processes start with this process's sys.path
    sentences = _sentences(1997)
    figures: dict[str, float] = {}
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    )
    try:
        for count in args.archive:
            folder = work / f"archive-{count}"
            folder.mkdir()
            for i in range(count):
                body = [f"{sentences[(3 * i + k) % len(sentences)]} ({i})" for k in range(3)]
                (folder / f"n{i:06d}.en.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
            cmd = [
                sys.executable,
                "-m",
                "dragoman",
                "translate",
                "--to",
                "zz",
                "--engine",
                "bench-copy",
                "-o",
                str(work / f"archive-out-{count}"),
                "--no-memory",
                "-q",
                "--cluster",
                str(cluster.scheduler_address),
            ]
            # Many files: through xargs-like batches would change the client; one command with every path.
            started = time.perf_counter()
            proc = subprocess.Popen(
                [*cmd, *map(str, sorted(folder.iterdir()))], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
            if status != 0:
                raise SystemExit(
                    f"archive run of {count} failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
                )
            rss_mb = usage.ru_maxrss / 1024
            figures[f"archive_{count}_rss_mb"] = rss_mb
            figures[f"archive_{count}_s"] = seconds
            print(f"archive of {count:6d} articles: client peak RSS {rss_mb:7.1f} MB, {seconds:6.1f} s", flush=True)
            shutil.rmtree(folder)
            shutil.rmtree(work / f"archive-out-{count}", ignore_errors=True)
    finally:
        cluster.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=240, help="NTREX sentences for scaling/overhead")
    parser.add_argument("--shard", type=int, default=30, help="segments per shard (both cluster runs)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2, help="best of N timed runs per system")
    parser.add_argument("--archive", default="2000,20000", help="article counts for the client-memory section")
    parser.add_argument("--skip", default="", help="sections to leave out: model, archive")
    args = parser.parse_args()
    args.archive = [int(n) for n in args.archive.split(",") if n]
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-cluster-") as tmp:
        work = Path(tmp)
        os.environ["DRAGOMAN_HOME"] = str(work / "home")
        figures: dict[str, float] = {}
        if "model" not in skip:
            figures.update(model_sections(args, work))
        if "archive" not in skip:
            figures.update(archive_section(args, work))
    print()
    if "scaling" in figures:
        print(f"scaling, 2 workers vs 1 (target >= 1.7): {figures['scaling']:.2f}x")
        print(f"cluster path overhead vs local, 1 thread (target <= 10 %): {figures['overhead'] * 100:+.1f} %")
    counts = args.archive
    if len(counts) >= 2 and f"archive_{counts[0]}_rss_mb" in figures:
        small, large = figures[f"archive_{counts[0]}_rss_mb"], figures[f"archive_{counts[-1]}_rss_mb"]
        print(f"client peak RSS, {counts[-1]} vs {counts[0]} articles (flat = 1.0): {large / small:.2f}x")


if __name__ == "__main__":
    main()
