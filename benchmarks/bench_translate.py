"""Benchmark: dragoman's translate pipeline vs raw CTranslate2 on the NTREX articles, same model and settings, one run.

    python benchmarks/bench_translate.py                       # builds/reuses the shape model (build_shape_model.py)
    python benchmarks/bench_translate.py --package DIR --beam 1 --limit 300

(a) raw CTranslate2: the same segments dragoman translates, SentencePiece-tokenised before the clock starts,
    length-sorted, token batches; the ceiling.
(c) dragoman: `dragoman.pipeline.run` on the 123 article files (read, parse, split, translation memory,
    engine, render, atomic write), with a fresh translation memory; then the same run again (memory only).
Random weights never emit end-of-sentence, so both decode exactly fixed_decoding_length(source pieces) steps.
Model loading is excluded from both timings (each loads once before its clock starts).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "ntrex"
sys.path.insert(0, str(REPO))


def write_articles(folder: Path, limit: int | None) -> list[Path]:
    """The NTREX sentences grouped into their 123 documents, one file per article, one sentence a line."""
    lines = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    if limit:
        lines, ids = lines[:limit], ids[:limit]
    docs: OrderedDict[str, list[str]] = OrderedDict()
    for doc_id, line in zip(ids, lines):
        docs.setdefault(doc_id.strip(), []).append(line)
    paths = []
    for doc_id, sentences in docs.items():
        path = folder / f"{doc_id}.txt"
        path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def shape_package(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import build_shape_model  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("benchmarks/build_shape_model.py is missing: pass --package DIR (an Argos package directory)")
    for name in ("build", "build_package", "ensure_package", "main"):
        builder = getattr(build_shape_model, name, None)
        if callable(builder) and name != "main":
            return Path(builder())
    sys.exit("build_shape_model.py has no build()/build_package()/ensure_package(): pass --package DIR")


def segments_of(paths: list[Path], source: str) -> list[str]:
    """The unique segments dragoman will translate (same reader, parser and splitter), in first-seen order."""
    from dragoman.formats import format_for_path, parse
    from dragoman.inputs import read_text_file

    seen: dict[str, None] = {}
    for path in paths:
        doc = parse(read_text_file(path), format_for_path(path), source)
        for segment in doc.segments:
            seen.setdefault(segment.text, None)
    return list(seen)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_ctranslate2(package: Path, segments: list[str], args: argparse.Namespace) -> tuple[float, int]:
    import ctranslate2
    import sentencepiece

    from dragoman.engines.argos import fixed_decoding_length

    meta = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    prefix = meta.get("target_prefix") or None
    translator = ctranslate2.Translator(
        str(package / "model"), device="cpu", compute_type=args.compute_type, intra_threads=args.threads
    )
    sp = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    tokens = sp.encode(segments, out_type=str)
    order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
    groups: list[list[list[str]]] = []
    lengths: list[int] = []
    for i in order:
        length = fixed_decoding_length(len(tokens[i]), args.ratio, args.step)
        if not lengths or lengths[-1] != length:
            groups.append([])
            lengths.append(length)
        groups[-1].append(tokens[i])
    translator.translate_batch([["▁warm", "▁up"]], beam_size=1, max_decoding_length=2)
    started = time.perf_counter()
    for group, length in zip(groups, lengths):
        translator.translate_batch(
            group,
            target_prefix=[[prefix]] * len(group) if prefix else None,
            max_batch_size=args.batch_tokens,
            batch_type="tokens",
            beam_size=args.beam,
            length_penalty=0.2,
            replace_unknowns=True,
            return_scores=True,
            min_decoding_length=length,
            max_decoding_length=length,
        )
    seconds = time.perf_counter() - started
    del translator
    return seconds, sum(len(t) for t in tokens)


def dragoman_runs(package: Path, paths: list[Path], work: Path, args: argparse.Namespace) -> dict[str, float]:
    from dragoman.cache import TranslationMemory
    from dragoman.engines.argos import ArgosEngine
    from dragoman.pipeline.run import CountingEngine, TranslateJob, run

    meta = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    pair = (meta["from_code"], meta["to_code"])
    engine = ArgosEngine(
        beam_size=args.beam,
        compute_type=args.compute_type,
        intra_threads=args.threads,
        max_batch_tokens=args.batch_tokens,
        decoding_length_ratio=args.ratio,
        decoding_length_step=args.step,
        packages={pair: package},
    )
    engine.translate_batch(["warm up"], *pair)  # load the model before the clock starts, as for (a)
    counting = CountingEngine(engine)
    memory = TranslationMemory(work / "tm.sqlite3")
    job = TranslateJob(inputs=paths, source=pair[0], targets=[pair[1]], outdir=work / "out")
    started = time.perf_counter()
    first = run(job, counting, memory=memory)
    first_s = time.perf_counter() - started
    calls_first = counting.calls
    started = time.perf_counter()
    second = run(job, counting, memory=memory)
    second_s = time.perf_counter() - started
    memory.close()
    return {
        "first_s": first_s,
        "rerun_s": second_s,
        "segments": float(first.stats.unique),
        "engine_calls_first": float(calls_first),
        "engine_calls_rerun": float(counting.calls - calls_first),
        "errors": float(len(first.errors) + len(second.errors)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", help="Argos package directory (default: build_shape_model.py's)")
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--threads", type=int, default=0, help="intra_threads (0: CTranslate2 decides)")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--batch-tokens", type=int, default=2048)
    parser.add_argument("--ratio", type=float, default=1.0, help="decoded pieces per source piece")
    parser.add_argument("--step", type=int, default=8, help="decoding lengths are rounded up to this")
    parser.add_argument("--limit", type=int, help="only the first N NTREX lines (quick runs)")
    args = parser.parse_args()

    package = shape_package(args.package)
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-") as tmp:
        work = Path(tmp)
        os.environ["DRAGOMAN_HOME"] = str(work / "home")  # never touch the user's memory or packages
        (work / "articles").mkdir()
        paths = write_articles(work / "articles", args.limit)
        segments = segments_of(paths, "en")
        raw_s, pieces = raw_ctranslate2(package, segments, args)
        ours = dragoman_runs(package, paths, work, args)

    n = len(segments)
    print(f"model: {package}  beam {args.beam}  compute {args.compute_type}  threads {args.threads or 'auto'}  "
          f"batch {args.batch_tokens} tokens  length rule ratio {args.ratio} step {args.step}")
    print(f"corpus: {len(paths)} articles, {n} unique segments, {pieces} source pieces")
    print(f"{'system':<34}{'seconds':>9}{'sent/s':>9}{'tok/s':>10}")
    print(f"{'(a) raw CTranslate2 (ceiling)':<34}{raw_s:>9.2f}{n / raw_s:>9.1f}{pieces / raw_s:>10.0f}")
    print(f"{'(c) dragoman translate, 1st run':<34}{ours['first_s']:>9.2f}{n / ours['first_s']:>9.1f}"
          f"{pieces / ours['first_s']:>10.0f}")
    print(f"{'(c) dragoman translate, re-run':<34}{ours['rerun_s']:>9.2f}{n / ours['rerun_s']:>9.1f}"
          f"{pieces / ours['rerun_s']:>10.0f}")
    print(f"c/a = {raw_s / ours['first_s']:.3f}  (target >= 0.9)")
    print(f"re-run speed-up = {ours['first_s'] / ours['rerun_s']:.1f}x  (target >= 50x); engine calls: "
          f"first run {int(ours['engine_calls_first'])}, re-run {int(ours['engine_calls_rerun'])}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (both systems in one process)")
    if ours["errors"]:
        print(f"warning: {int(ours['errors'])} errors in the dragoman runs")
    if int(ours["segments"]) != n:
        print(f"note: dragoman translated {int(ours['segments'])} unique segments, raw {n}")


if __name__ == "__main__":
    main()
