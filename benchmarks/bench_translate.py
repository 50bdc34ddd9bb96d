"""Issue 5's table: dragoman vs raw CTranslate2 vs argostranslate on the NTREX articles, measured in one run.

    .venv/bin/python benchmarks/bench_translate.py                  # everything, all 123 articles
    .venv/bin/python benchmarks/bench_translate.py --articles 10     # a quick subset
    .venv/bin/python benchmarks/bench_translate.py --beams 4 --skip footprint,cores

Systems, same shape model (build_shape_model.py), same beam, same decoding-length rule:
(a) raw CTranslate2 on the same sentences dragoman translates (split by dragoman's splitter and
    SentencePiece-tokenised before the clock starts), length-sorted, token batches: the ceiling
    (a child process, for its own peak RSS);
(b) argostranslate.translate.translate() article by article, in its own venv (--argos-venv; see
    argos_child.py for how the decoding length is fixed there);
(c) the `dragoman translate` command on the article files with glossaries/news.yaml plus a generated
    10k-entry glossary (dragoman_child.py), fresh translation memory; then the same command again.
Seconds are translation time: (a) after loading; (b) after import, install and a warm-up sentence;
(c) the run as the command reports it (model loading included); the wall column is the whole process.
Random weights never emit end-of-sentence, so every sentence decodes exactly
fixed_decoding_length(source pieces) steps in every system.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
NTREX = REPO / "tests" / "data" / "ntrex"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

SECTIONS = ("raw", "argos", "dragoman", "overhead", "cores", "startup", "footprint", "matching")
DEFAULT_ARGOS_VENV = Path.home() / ".cache" / "dragoman-bench" / "argos-venv"
ARGOS_VENV_HELP = "python3 -m venv VENV && VENV/bin/pip install torch==2.13.0 && VENV/bin/pip install argostranslate"


# -- corpus -------------------------------------------------------------------------------------


def write_articles(folder: Path, articles: int | None) -> tuple[list[Path], list[str]]:
    """The NTREX lines grouped into their documents (first ``articles`` of 123), one file per article,
    one sentence a line; returns the files and the lines they hold."""
    lines = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    docs: OrderedDict[str, list[str]] = OrderedDict()
    for doc_id, line in zip(ids, lines):
        docs.setdefault(doc_id.strip(), []).append(line)
    chosen = list(docs.items())[:articles] if articles else list(docs.items())
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, (_doc_id, sentences) in enumerate(chosen):
        path = folder / f"article{index:03d}.en.txt"
        path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
        paths.append(path)
    return paths, [line for _, sentences in chosen for line in sentences]


def segments_of(paths: list[Path], source: str) -> list[str]:
    """The unique segments dragoman translates (same reader, parser and splitter), in first-seen order."""
    from dragoman.formats import format_for_path, parse
    from dragoman.inputs import read_text_file

    seen: dict[str, None] = {}
    for path in paths:
        for segment in parse(read_text_file(path), format_for_path(path), source).segments:
            if segment.text.strip():
                seen.setdefault(segment.text, None)
    return list(seen)


def write_glossary(path: Path, size: int) -> None:
    """``size`` generated person entries (invented names, so they do not touch the text: the cost measured
    is carrying a big glossary; the news.yaml layer provides the real occurrences)."""
    import bench_matching  # type: ignore[import-not-found]

    path.write_text(bench_matching.generated_yaml(size, []), encoding="utf-8")


# -- child processes ----------------------------------------------------------------------------


def timed(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """run_child with the child's peak RSS from os.wait4 (Linux)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return {
            "wall_s": wall,
            "rc": proc.returncode,
            "stdout": out.read(),
            "stderr": err.read(),
            "peak_rss_mb": usage.ru_maxrss / 1024,
            # CPU seconds of the whole process (all threads): steadier than wall time when the host is busy.
            "cpu_s": usage.ru_utime + usage.ru_stime,
        }


def raw_child(args: argparse.Namespace) -> None:
    """(a), inside its own process: --raw-child LINES_JSON OUT_JSON."""
    import resource

    import ctranslate2
    import sentencepiece

    from dragoman.engines.argos import fixed_decoding_length

    lines_file, out_file = args.raw_child
    lines = json.loads(Path(lines_file).read_text(encoding="utf-8"))
    package = Path(args.package)
    meta = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    prefix = meta.get("target_prefix") or None
    translator = ctranslate2.Translator(
        str(package / "model"),
        device="cpu",
        compute_type=args.compute_type,
        inter_threads=args.inter_threads or 1,
        intra_threads=args.threads,
    )
    sp = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    tokens = [t for t in sp.encode(lines, out_type=str) if t]
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    groups: dict[int, list[list[str]]] = {}
    for i in order:
        groups.setdefault(fixed_decoding_length(len(tokens[i]), args.ratio, args.step), []).append(tokens[i])
    translator.translate_batch([["▁warm", "▁up"]], beam_size=1, max_decoding_length=2)
    started = time.perf_counter()
    for length, group in groups.items():
        translator.translate_batch(
            group,
            target_prefix=[[prefix]] * len(group) if prefix else None,
            max_batch_size=args.batch_tokens,
            batch_type="tokens",
            beam_size=args.beam_for_child,
            length_penalty=0.2,
            replace_unknowns=True,
            return_scores=True,
            min_decoding_length=length,
            max_decoding_length=length,
        )
    seconds = time.perf_counter() - started
    Path(out_file).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "segments": len(tokens),
                "calls": len(groups),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        ),
        encoding="utf-8",
    )


class Bench:
    """One benchmark run: the corpus, the work directory and every figure measured."""

    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        import build_shape_model  # type: ignore[import-not-found]

        self.args = args
        self.work = work
        self.package = Path(args.package) if args.package else build_shape_model.build()
        self.archive = Path(args.archive) if args.archive else build_shape_model.archive_path(self.package.parent)
        self.paths, self.ntrex_lines = write_articles(work / "articles", args.articles)
        # (a) gets exactly the sentences dragoman translates (its reader, parser and splitter, deduplicated),
        # split and tokenised before its clock starts: the same work, minus everything but CTranslate2.
        self.lines = segments_of(self.paths, "en")
        import sentencepiece

        sp = sentencepiece.SentencePieceProcessor(model_file=str(self.package / "sentencepiece.model"))
        self.pieces = sum(len(t) for t in sp.encode(self.lines, out_type=str))
        self.glossary = work / "generated-10k.yaml"
        write_glossary(self.glossary, args.glossary_size)
        self.news = REPO / "glossaries" / "news.yaml"
        self.results: dict[str, Any] = {}
        self.homes = 0

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    # (a)
    def raw(self, beam: int, threads: int | None = None, inter: int | None = None) -> dict[str, Any]:
        lines_file = self.work / "lines.json"
        lines_file.write_text(json.dumps(self.lines), encoding="utf-8")
        out = self.work / f"raw-{beam}.json"
        cmd = [
            sys.executable,
            __file__,
            "--raw-child",
            str(lines_file),
            str(out),
            "--package",
            str(self.package),
            "--beam-for-child",
            str(beam),
            "--threads",
            str(self.args.threads if threads is None else threads),
            "--inter-threads",
            str(inter or 1),
            "--compute-type",
            self.args.compute_type,
            "--batch-tokens",
            str(self.args.batch_tokens),
            "--ratio",
            str(self.args.ratio),
            "--step",
            str(self.args.step),
        ]
        child = timed(cmd)
        if child["rc"] != 0:
            raise SystemExit(f"raw CTranslate2 child failed:\n{child['stderr'][-2000:]}")
        data = json.loads(out.read_text(encoding="utf-8"))
        data["wall_s"] = child["wall_s"]
        data["peak_rss_mb"] = child["peak_rss_mb"]
        data["cpu_s"] = child["cpu_s"]
        return data

    # (b)
    def argos(self, beam: int) -> dict[str, Any]:
        python = Path(self.args.argos_venv) / "bin" / "python"
        if not python.exists():
            return {"error": f"no argostranslate venv at {self.args.argos_venv}: {ARGOS_VENV_HELP}"}
        root = self.work / f"argos-{beam}"
        for sub in ("packages", "xdg"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            ARGOS_PACKAGES_DIR=str(root / "packages"),
            XDG_DATA_HOME=str(root / "xdg"),
            XDG_CACHE_HOME=str(root / "xdg"),
            XDG_CONFIG_HOME=str(root / "xdg"),
            HOME=str(root),
            ARGOS_BEAM_SIZE=str(beam),
            ARGOS_COMPUTE_TYPE=self.args.compute_type,
            ARGOS_INTRA_THREADS=str(self.args.threads),
        )
        out = root / "out.json"
        cmd = [
            str(python),
            str(BENCH / "argos_child.py"),
            str(self.archive),
            str(self.work / "articles"),
            str(out),
            "--ratio",
            str(self.args.ratio),
            "--step",
            str(self.args.step),
        ]
        child = timed(cmd, env)
        if child["rc"] != 0:
            return {"error": "argostranslate child failed: " + (child["stderr"].strip().splitlines() or ["?"])[-1]}
        data = json.loads(out.read_text(encoding="utf-8"))
        data["wall_s"] = child["wall_s"]
        data["peak_rss_mb"] = child["peak_rss_mb"]
        data["cpu_s"] = child["cpu_s"]
        return data

    # (c)
    def new_home(self) -> dict[str, str]:
        """A fresh DRAGOMAN_HOME (and translation memory) with the shape package installed by the CLI."""
        self.homes += 1
        home = self.work / f"home{self.homes}"
        env = dict(os.environ)
        env.update(
            DRAGOMAN_HOME=str(home),
            DRAGOMAN_CACHE=str(home / "tm.sqlite3"),
            ARGOS_PACKAGES_DIR=str(home / "no-argos"),
            XDG_DATA_HOME=str(home / "xdg"),
            NO_COLOR="1",
        )
        env.pop("DRAGOMAN_GLOSSARY", None)
        proc = subprocess.run(
            [sys.executable, "-m", "dragoman", "models", "install", str(self.archive)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"dragoman models install failed: {proc.stderr.strip()}")
        if self.args.probe:
            # What a user does once per model (issue 4's calibration): on random weights no placeholder form
            # survives, so enforcement starts with terms in context instead of a placeholder round that
            # cannot succeed. Not timed.
            proc = subprocess.run(
                [
                    sys.executable,
                    str(BENCH / "dragoman_child.py"),
                    "--ratio",
                    str(self.args.ratio),
                    "--step",
                    str(self.args.step),
                    "--",
                    "models",
                    "probe",
                    "en",
                    "fa",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                raise SystemExit(f"dragoman models probe failed: {proc.stderr.strip()}")
        return env

    def dragoman(
        self,
        env: dict[str, str],
        beam: int,
        glossary: bool,
        threads: int | None = None,
        inter: int | None = None,
        paths: list[Path] | None = None,
        integrity: str = "check",
    ) -> dict[str, Any]:
        # integrity "check": the checks run on every segment, as on a clean run (random weights fail every
        # check, and the repairs a clean run never needs would only measure the retries); "off" for (c0).
        cmd = [
            sys.executable,
            str(BENCH / "dragoman_child.py"),
            "--ratio",
            str(self.args.ratio),
            "--step",
            str(self.args.step),
            "--integrity",
            integrity,
        ]
        if inter:
            cmd += ["--inter-threads", str(inter)]
        cmd += [
            "--",
            "translate",
            *map(str, paths or self.paths),
            "--from",
            "en",
            "--to",
            "fa",
            "-o",
            str(self.work / "out"),
            "--beam",
            str(beam),
            "--compute-type",
            self.args.compute_type,
            "--threads",
            str(self.args.threads if threads is None else threads),
            "--json",
            "-q",
        ]
        if glossary:
            cmd += ["-g", str(self.news), "-g", str(self.glossary)]
        child = timed(cmd, env)
        if child["rc"] not in (0,):
            raise SystemExit(f"dragoman translate failed ({child['rc']}):\n{child['stderr'][-3000:]}")
        data = json.loads(child["stdout"])
        stats = data["stats"]
        return {
            "seconds": stats["seconds"],
            "wall_s": child["wall_s"],
            "peak_rss_mb": child["peak_rss_mb"],
            "cpu_s": child["cpu_s"],
            "engine_calls": stats["engine_calls"],
            "segments": stats["unique"],
            "translated": stats["translated"],
            "memory_hits": stats["memory_hits"],
            "summary": data.get("summary"),
        }


# -- the table ----------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("ok" if ok else "MISSED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, help="only the first N of the 123 NTREX articles (quick runs)")
    parser.add_argument("--beams", default="4,1", help="beam sizes, comma-separated (targets are judged at 4)")
    parser.add_argument("--skip", default="", help=f"sections to leave out: {','.join(SECTIONS)}")
    parser.add_argument("--cores-articles", type=int, default=10, help="articles for the 1-vs-2-cores rows")
    parser.add_argument("--package", help="Argos package directory (default: build_shape_model.py's)")
    parser.add_argument("--archive", help="its .argosmodel file (default: next to the package)")
    parser.add_argument("--argos-venv", default=str(DEFAULT_ARGOS_VENV), help="argostranslate's venv")
    parser.add_argument("--glossary-size", type=int, default=10_000)
    parser.add_argument(
        "--overhead-repeats",
        type=int,
        default=1,
        help="(c0, c) pairs for the enforcement-overhead row (median); the first pair is the table's",
    )
    parser.add_argument(
        "--no-probe",
        dest="probe",
        action="store_false",
        help="do not run `dragoman models probe en fa` after installing the model (uncalibrated)",
    )
    parser.add_argument("--threads", type=int, default=0, help="intra_threads for every system (0: automatic)")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--batch-tokens", type=int, default=2048, help="(a)'s token budget, as dragoman's default")
    parser.add_argument("--ratio", type=float, default=1.0, help="decoded pieces per source piece")
    parser.add_argument("--step", type=int, default=8, help="decoding lengths are rounded up to this")
    parser.add_argument("--json", dest="json_out", help="also write every figure to this JSON file")
    parser.add_argument("--raw-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--beam-for-child", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--inter-threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw_child:
        raw_child(args)
        return
    skip = {s for s in args.skip.split(",") if s}
    unknown = skip - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    beams = [int(b) for b in args.beams.split(",")]
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-") as tmp:
        bench = Bench(args, Path(tmp))
        results = run_sections(bench, beams, skip)
    results["elapsed_s"] = time.time() - started
    print_table(bench, results, beams, args)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")


def run_sections(bench: Bench, beams: list[int], skip: set[str]) -> dict[str, Any]:
    from bench_system import argos_venv_mb, footprint, matching, startup  # type: ignore[import-not-found]

    r: dict[str, Any] = {"beams": {}}
    for beam in beams:
        row: dict[str, Any] = {}
        if "raw" not in skip:
            bench.log(f"(a) raw CTranslate2, beam {beam}")
            row["a"] = bench.raw(beam)
        if "argos" not in skip:
            bench.log(f"(b) argostranslate, beam {beam}")
            row["b"] = bench.argos(beam)
        if "dragoman" not in skip:
            bench.log(f"(c) dragoman translate -g news.yaml -g 10k, beam {beam}")
            env = bench.new_home()
            row["c"] = bench.dragoman(env, beam, glossary=True)
            bench.log("(c) the same command again (re-run)")
            row["c_rerun"] = bench.dragoman(env, beam, glossary=True)
        if "overhead" not in skip and beam == beams[0]:
            bench.log(f"(c0) dragoman translate without glossary, beam {beam}")
            row["c0"] = bench.dragoman(bench.new_home(), beam, glossary=False, integrity="off")
            # More (c0, c) pairs, alternating, for the overhead row (median of each): one pair run minutes
            # apart can differ by more than the overhead being measured.
            row["pairs"] = (
                [(row["c0"]["seconds"], row["c"]["seconds"], row["c0"]["cpu_s"], row["c"]["cpu_s"])]
                if "c" in row
                else []
            )
            for i in range(1, bench.args.overhead_repeats if "c" in row else 1):
                bench.log(f"overhead pair {i + 1}/{bench.args.overhead_repeats}")
                without = bench.dragoman(bench.new_home(), beam, glossary=False, integrity="off")
                with_glossary = bench.dragoman(bench.new_home(), beam, glossary=True)
                row["pairs"].append(
                    (without["seconds"], with_glossary["seconds"], without["cpu_s"], with_glossary["cpu_s"])
                )
        r["beams"][beam] = row
    if "cores" not in skip:
        subset = bench.paths[: bench.args.cores_articles]
        beam = beams[-1]
        r["cores"] = {"articles": len(subset), "beam": beam}
        for label, threads, inter in (
            ("1 core (threads 1)", 1, None),
            ("2 cores (threads 2)", 2, None),
            ("2 workers (inter_threads 2, threads 1)", 1, 2),
        ):
            bench.log(f"cores: {label}")
            r["cores"][label] = bench.dragoman(
                bench.new_home(), beam, glossary=False, threads=threads, inter=inter, paths=subset
            )
    if "startup" not in skip:
        bench.log("start-up")
        r["startup"] = startup(sys.executable)
    if "footprint" not in skip:
        bench.log("footprint: pip install . into a fresh venv")
        r["footprint"] = footprint()
        r["footprint"]["argos_venv_mb"] = argos_venv_mb(Path(bench.args.argos_venv))
    if "matching" not in skip:
        bench.log("matching")
        r["matching"] = matching()
    return r


def print_table(bench: Bench, r: dict[str, Any], beams: list[int], args: argparse.Namespace) -> None:
    import platform

    n, pieces = len(bench.lines), bench.pieces
    print(
        f"date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs; "
        f"{platform.processor() or platform.machine()}; python {platform.python_version()}"
    )
    print(
        f"model {bench.package.name} (random weights, 6+6 layers, d512, 32k vocab, int8); compute {args.compute_type}; "
        f"threads {args.threads or 'auto'}; decoding length = fixed_decoding_length(src pieces, {args.ratio}, {args.step})"
    )
    print(
        f"corpus: {len(bench.paths)} NTREX articles, {len(bench.ntrex_lines)} lines = {n} unique sentences "
        f"(dragoman's splitter), {pieces} source pieces; glossary: news.yaml + "
        f"{args.glossary_size} generated entries"
    )
    print()
    header = (
        f"{'system':<46}{'beam':>5}{'seconds':>9}{'wall s':>8}{'cpu s':>8}{'sent/s':>8}{'tok/s':>8}"
        f"{'peak MB':>9}{'calls':>7}"
    )
    print(header)
    print("-" * len(header))
    names = {
        "a": "(a) raw CTranslate2 (ceiling)",
        "b": "(b) argostranslate, article by article",
        "c": "(c) dragoman translate -g news -g 10k",
        "c_rerun": "(c) same command again (re-run)",
        "c0": "(c0) dragoman translate, no glossary, no integrity checks",
    }
    for beam in beams:
        row = r["beams"][beam]
        for key in ("a", "b", "c", "c_rerun", "c0"):
            data = row.get(key)
            if data is None:
                continue
            if "error" in data:
                print(f"{names[key]:<46}{beam:>5}  {data['error']}")
                continue
            s = data["seconds"]
            calls = data.get("engine_calls", data.get("calls", ""))
            print(
                f"{names[key]:<46}{beam:>5}{s:>9.2f}{data['wall_s']:>8.1f}{data.get('cpu_s', 0):>8.1f}{n / s:>8.1f}"
                f"{pieces / s:>8.0f}{data['peak_rss_mb']:>9.0f}{calls!s:>7}"
            )
    print()
    checks: list[tuple[str, str, str, bool | None]] = []
    for beam in beams:
        row = r["beams"][beam]
        a, b, c = row.get("a"), row.get("b"), row.get("c")
        judged = beam == 4
        if a and c:
            ratio = a["seconds"] / c["seconds"]
            checks.append(
                (
                    f"c/a throughput, beam {beam}",
                    f"{ratio:.2f}",
                    ">= 0.9" if judged else "-",
                    ratio >= 0.9 if judged else None,
                )
            )
        if b and c and "error" not in b:
            ratio = b["seconds"] / c["seconds"]
            checks.append(
                (
                    f"c/b throughput, beam {beam}",
                    f"{ratio:.2f}",
                    ">= 4" if judged else "-",
                    ratio >= 4 if judged else None,
                )
            )
            checks.append(
                (
                    f"b/a (argostranslate vs ceiling), beam {beam}",
                    f"{a['seconds'] / b['seconds']:.2f}" if a else "-",
                    "-",
                    None,
                )
            )
        rerun = row.get("c_rerun")
        if c and rerun:
            speed = c["wall_s"] / rerun["wall_s"]
            checks.append(
                (
                    f"re-run speed-up (whole command), beam {beam}",
                    f"{speed:.0f}x (run only {c['seconds'] / max(rerun['seconds'], 1e-3):.0f}x)",
                    ">= 50x",
                    speed >= 50,
                )
            )
            checks.append(
                (f"re-run engine calls, beam {beam}", str(rerun["engine_calls"]), "0", rerun["engine_calls"] == 0)
            )
        c0 = row.get("c0")
        if c and c0:
            pairs = row.get("pairs") or [(c0["seconds"], c["seconds"], c0["cpu_s"], c["cpu_s"])]
            extra = statistics.median(p[1] for p in pairs) / statistics.median(p[0] for p in pairs) - 1
            cpu_extra = statistics.median(p[3] for p in pairs) / statistics.median(p[2] for p in pairs) - 1
            runs = f" (medians of {len(pairs)} alternating pairs)" if len(pairs) > 1 else ""
            checks.append(
                (
                    f"enforcement + integrity checks overhead (run time), beam {beam}{runs}",
                    f"{extra * 100:+.1f}%",
                    "<= 10%",
                    extra <= 0.10,
                )
            )
            checks.append(
                (f"  same on CPU time (whole command, all threads), beam {beam}", f"{cpu_extra * 100:+.1f}%", "-", None)
            )
            checks.append(
                (
                    f"  same on the whole command (wall), beam {beam}",
                    f"{(c['wall_s'] / c0['wall_s'] - 1) * 100:+.1f}%",
                    "-",
                    None,
                )
            )
            summary = c.get("summary") or {}
            found = f"{summary.get('terms_found')} / {summary.get('applied')} / {summary.get('violations')}"
            checks.append(("  glossary terms found / applied / violated", found, "-", None))
        if c:
            checks.append(
                (
                    f"peak RSS, dragoman translate, beam {beam}",
                    f"{c['peak_rss_mb']:.0f} MB",
                    "<= 1024 MB",
                    c["peak_rss_mb"] <= 1024,
                )
            )
    cores = r.get("cores")
    if cores:
        base = None
        for label, data in cores.items():
            if not isinstance(data, dict):
                continue
            base = base or data["seconds"]
            checks.append(
                (
                    f"cores, {label} ({cores['articles']} articles, beam {cores['beam']})",
                    f"{data['seconds']:.1f} s = {base / data['seconds']:.2f}x",
                    "-",
                    None,
                )
            )
    st = r.get("startup")
    if st:
        checks.append(("start-up `python -c pass`", f"{st['python_s'] * 1000:.0f} ms", "-", None))
        checks.append(
            (
                "  floor: `python -c 'import click, yaml'`",
                f"{st['floor_s'] * 1000:.0f} ms = {st['floor_ratio']:.1f}x",
                "-",
                None,
            )
        )
        checks.append(
            (
                "start-up `dragoman --help`",
                f"{st['help_s'] * 1000:.0f} ms = {st['help_ratio']:.1f}x",
                "<= 3x",
                st["help_ratio"] <= 3,
            )
        )
        checks.append(
            (
                "start-up `dragoman glossary lint news.yaml`",
                f"{st['lint_s'] * 1000:.0f} ms = {st['lint_ratio']:.1f}x",
                "<= 3x",
                st["lint_ratio"] <= 3,
            )
        )
        heavy = sorted(set(st["heavy_help"]) | set(st["heavy_lint"]))
        checks.append(("  heavy modules imported by those two", ", ".join(heavy) or "none", "none", not heavy))
    fp = r.get("footprint")
    if fp:
        if "error" in fp:
            checks.append(("install footprint (pip install .)", fp["error"], "<= 600 MB", None))
        else:
            biggest = ", ".join(f"{name} {mb:.0f}" for mb, name in fp["biggest"])
            checks.append(
                (
                    "install footprint, venv of `pip install .`",
                    f"{fp['venv_mb']:.0f} MB ({biggest})",
                    "<= 600 MB",
                    fp["venv_mb"] <= 600,
                )
            )
            inst = fp.get("startup")
            if inst:
                checks.append(
                    (
                        "  start-up in that venv: floor `import click, yaml`",
                        f"{inst['floor_s'] * 1000:.0f} ms = {inst['floor_ratio']:.1f}x `python -c pass`",
                        "-",
                        None,
                    )
                )
                checks.append(
                    (
                        "  start-up in that venv: `dragoman --help`",
                        f"{inst['help_s'] * 1000:.0f} ms = {inst['help_ratio']:.1f}x `python -c pass`",
                        "<= 3x",
                        inst["help_ratio"] <= 3,
                    )
                )
                checks.append(
                    (
                        "  start-up in that venv: `dragoman glossary lint`",
                        f"{inst['lint_s'] * 1000:.0f} ms = {inst['lint_ratio']:.1f}x",
                        "<= 3x",
                        inst["lint_ratio"] <= 3,
                    )
                )
            if fp.get("argos_venv_mb"):
                checks.append(
                    ("  argostranslate's venv (torch 2.13.0 CPU)", f"{fp['argos_venv_mb']:.0f} MB", "-", None)
                )
    for row in r.get("matching", []):
        checks.append(
            (
                f"matching, {row['entries']} entries over all NTREX text",
                f"load {row['load_s']:.2f} s, build {row['build_s']:.2f} s, match {row['match_s']:.3f} s",
                "build < 5 s, match < 1 s",
                row["build_s"] < 5 and row["match_s"] < 1,
            )
        )
    width = max(len(c[0]) for c in checks) + 2 if checks else 40
    print(f"{'measure':<{width}}{'value':<44}{'target':<26}status")
    for name, value, target, ok in checks:
        print(f"{name:<{width}}{value:<44}{target:<26}{verdict(ok) if target != '-' else ''}")
    print(f"\n(benchmark took {r['elapsed_s']:.0f} s)")


if __name__ == "__main__":
    main()
