"""`translate --cluster` (issue 20): scaling, the cluster path's overhead, and the client's memory at archive scale.

    python benchmarks/bench_cluster.py                  # all three sections
    python benchmarks/bench_cluster.py --sentences 200 --archive 2000,20000
    python benchmarks/bench_cluster.py --skip model --archive-shapes dir --archive-modes local --archive-rerun

Everything runs on loopback in this one process tree (a Dask LocalCluster started here), bounded in size:

- **scaling**: the same shards (``--sentences`` NTREX English sentences, length-sorted, ``--shard`` segments each)
  with the shape model (build_shape_model.py, fixed decoding length as bench_translate.py) on 1 worker x 1 thread
  and on 2 workers x 1 thread: throughput ratio (target >= 1.7 on 2 cores).
- **overhead**: the cluster path on 1 worker x 1 thread against the local path (``run()`` in this process) with 1
  thread, same sentences and options (target <= 10 %). Both are timed after a warm-up run that loads the model.
- **archive**: the real `dragoman translate ... --report` command (its own process; its own peak RSS, VmHWM) on
  2,000 and 20,000 generated three-sentence articles, as that many files (on the command line, as their folder with
  ``-r``, or as a ``--files-from`` list) and as one JSON lines file, locally and with
  ``--cluster local:2`` (or ``tcp``: a 2-worker cluster started here), with an engine that respells its input
  (registered through the `dragoman.engines` entry-point group, as a third-party engine is), so the client's own
  cost is what is measured: memory should stay flat in the number of articles (target <= 1.2x). These runs pass
  ``--no-memory``; with ``--archive-rerun`` each is followed by the resumed case, the default translation memory on:
  a run that fills the memory, then the same command again over its outputs and its ``--report`` (0 engine calls:
  every segment from the memory, the earlier report compared with, every output unchanged).
"""

from __future__ import annotations

import argparse
import json
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


def _peak_rss_mb(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``cmd``; (its own peak RSS in MB, seconds). The peak is the kernel's high-water mark of that one process
    (VmHWM, read until it exits; it only grows): with ``--cluster local:N`` the workers are its children, and
    ``os.wait4``'s ru_maxrss would report the largest of them instead."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_kb = 0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd[:6])} ... failed: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}"
        )
    return peak_kb / 1024, seconds


def archive_section(args: argparse.Namespace, work: Path) -> dict[str, float]:
    """The client's own peak memory on generated archives: ``--archive`` article counts, as that many files and as
    one JSON lines file of that many records, run locally and with ``--cluster`` (``--archive-modes``)."""
    plugin_dir = work / "plugin"
    plugin_dir.mkdir()
    _install_copy_engine(plugin_dir)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(plugin_dir), os.environ.get("PYTHONPATH")])))
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]
    sys.path.insert(0, str(plugin_dir))  # the LocalCluster's worker processes start with this process's sys.path
    sentences = _sentences(1997)
    figures: dict[str, float] = {}
    cluster = None
    if "tcp" in args.archive_modes:
        import distributed

        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
        )
    try:
        for shape in args.archive_shapes:
            for mode in args.archive_modes:
                for count in args.archive:
                    folder = work / f"archive-{count}"
                    folder.mkdir()
                    bodies = (
                        [f"{sentences[(3 * i + k) % len(sentences)]} ({i})" for k in range(3)] for i in range(count)
                    )
                    if shape in ("files", "dir", "list"):
                        for i, body in enumerate(bodies):
                            (folder / f"n{i:06d}.en.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
                        inputs = [str(path) for path in sorted(folder.iterdir())]
                        if shape == "dir":  # the same files given as their folder (no long command line)
                            inputs = ["-r", str(folder)]
                        elif shape == "list":  # ... or as a list of their paths, one a line
                            listing = work / f"archive-{count}.list"
                            listing.write_text("".join(f"{name}\n" for name in inputs), encoding="utf-8")
                            inputs = ["--files-from", str(listing)]
                    else:  # one JSON lines file, a record per article
                        path = folder / "archive.en.jsonl"
                        with path.open("w", encoding="utf-8") as handle:
                            for i, body in enumerate(bodies):
                                handle.write(json.dumps({"id": i, "text": " ".join(body)}, ensure_ascii=False) + "\n")
                        inputs = ["--field", "text", str(path)]
                    where = {"local": [], "tcp": ["--cluster", str(cluster.scheduler_address) if cluster else ""]}
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
                        "--report",
                        str(work / f"archive-report-{count}.json"),
                        "--no-memory",
                        "-q",
                        *where.get(mode, ["--cluster", mode]),
                        *inputs,  # every path in one command (as a shell glob gives them)
                    ]
                    rss_mb, seconds = _peak_rss_mb(cmd, env)
                    key = f"archive_{shape}_{mode}_{count}"
                    figures[f"{key}_rss_mb"] = rss_mb
                    figures[f"{key}_s"] = seconds
                    print(
                        f"{shape:5s} {mode:8s} {count:6d} articles: client peak RSS {rss_mb:7.1f} MB, {seconds:6.1f} s",
                        flush=True,
                    )
                    if args.archive_rerun:
                        # The default run (translation memory on, a memory of this count's own), then the resumed
                        # one: the same command over the outputs and the report the first one wrote.
                        home = work / f"home-archive-{count}"
                        with_memory = [arg for arg in cmd if arg != "--no-memory"]
                        for run, what in (("memory", "memory on"), ("rerun", "re-run, memory on, report in place")):
                            rss_mb, seconds = _peak_rss_mb(with_memory, dict(env, DRAGOMAN_HOME=str(home)))
                            figures[f"{key}_{run}_rss_mb"] = rss_mb
                            figures[f"{key}_{run}_s"] = seconds
                            print(
                                f"{shape:5s} {mode:8s} {count:6d} articles: client peak RSS {rss_mb:7.1f} MB, "
                                f"{seconds:6.1f} s ({what})",
                                flush=True,
                            )
                        stats = json.loads((work / f"archive-report-{count}.json").read_text(encoding="utf-8"))["stats"]
                        if stats["engine_calls"] or stats["memory_hits"] != stats["unique"]:
                            raise SystemExit(f"the re-run was not resumed from the memory: {stats}")
                        shutil.rmtree(home)
                    shutil.rmtree(folder)
                    (work / f"archive-{count}.list").unlink(missing_ok=True)
                    shutil.rmtree(work / f"archive-out-{count}", ignore_errors=True)
                    (work / f"archive-report-{count}.json").unlink()
    finally:
        if cluster is not None:
            cluster.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=240, help="NTREX sentences for scaling/overhead")
    parser.add_argument("--shard", type=int, default=30, help="segments per shard (both cluster runs)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2, help="best of N timed runs per system")
    parser.add_argument("--archive", default="2000,20000", help="article counts for the client-memory section")
    parser.add_argument(
        "--archive-modes",
        default="local,local:2",
        help="where the archive runs: local (no --cluster), local:N (--cluster local:N), tcp (a 2-worker cluster "
        "started here, --cluster tcp://...)",
    )
    parser.add_argument(
        "--archive-shapes",
        default="files,dir,jsonl",
        help="files (one per article, every path on the command line), dir (the same files as -r FOLDER), list "
        "(the same files as --files-from LIST), jsonl (one file)",
    )
    parser.add_argument(
        "--archive-rerun",
        action="store_true",
        help="after each archive run, two with the translation memory on: one that fills it, then the re-run over "
        "its outputs and --report (the resumed job: 0 engine calls)",
    )
    parser.add_argument("--skip", default="", help="sections to leave out: model, archive")
    args = parser.parse_args()
    args.archive = [int(n) for n in args.archive.split(",") if n]
    args.archive_modes = [m for m in args.archive_modes.split(",") if m]
    args.archive_shapes = [m for m in args.archive_shapes.split(",") if m]
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
    for shape in args.archive_shapes:
        for mode in args.archive_modes:
            for run, what in (("", ""), ("_memory", ", memory on"), ("_rerun", ", re-run over the report")):
                key = f"archive_{shape}_{mode}"
                if len(counts) >= 2 and f"{key}_{counts[0]}{run}_rss_mb" in figures:
                    small, large = figures[f"{key}_{counts[0]}{run}_rss_mb"], figures[f"{key}_{counts[-1]}{run}_rss_mb"]
                    print(
                        f"client peak RSS, {shape} {mode}{what}, {counts[-1]} vs {counts[0]} articles (flat = 1.0, "
                        f"target <= 1.2): {large / small:.2f}x"
                    )


if __name__ == "__main__":
    main()
