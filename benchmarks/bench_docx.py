"""A 50-page DOCX against the same sentences as plain text, with the shape model: the cost of the DOCX format.

    python benchmarks/build_shape_model.py     # once: the shape model (in $DRAGOMAN_BENCH_DIR or ~/.cache/dragoman-bench)
    python benchmarks/bench_docx.py [--pages 50] [--beam 1] [--repeats 2]

The DOCX is generated with python-docx from the NTREX English sentences: paragraphs of four sentences, every
paragraph with a bold name, an italic word and a hyperlink cut across runs, a table every few pages, a header
and a footer (~25 sentences a page). The plain text file holds the same paragraphs, one a line with blank lines between, so both
documents give the engine the same sentences. Both are translated in one process with one engine (model
loaded and warmed up before the clock starts), without the translation memory and without integrity repair
(random weights fail the checks; re-translating would measure the repair), alternately, ``--repeats``
times each; the best time of each is compared. Target: DOCX within 10 % of plain text (ratio <= 1.10).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "ntrex" / "newstest2019-src.eng.txt"
SENTENCES_PER_PAGE = 25


def paragraphs(pages: int) -> list[list[str]]:
    lines = [line.strip() for line in NTREX.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = pages * SENTENCES_PER_PAGE
    lines = (lines * (wanted // len(lines) + 1))[:wanted]
    return [lines[i : i + 4] for i in range(0, len(lines), 4)]


def write_docx(path: Path, paras: list[list[str]]) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Benchmark news."
    document.sections[0].footer.paragraphs[0].text = "Printed on Monday."
    for index, sentences in enumerate(paras):
        text = " ".join(sentences)
        words = text.split(" ")
        paragraph = document.add_paragraph()
        # A bold second word, an italic stretch, many plain runs: what a newsroom draft looks like.
        cut = [0, 1, 2, 5, 7, len(words) // 2, len(words)]
        for k, (a, b) in enumerate(zip(cut, cut[1:])):
            if a >= b:
                continue
            chunk = " ".join(words[a:b]) + (" " if b < len(words) else "")
            run = paragraph.add_run(chunk)
            run.bold = k == 1
            run.italic = k == 3
        if index % 40 == 39:
            table = document.add_table(rows=1, cols=2)
            table.cell(0, 0).text = "Table cell."
            table.cell(0, 1).text = "Another cell."
    document.save(str(path))


def write_txt(path: Path, paras: list[list[str]], pages: int) -> None:
    lines = ["Benchmark news.", "Printed on Monday."]
    for index, sentences in enumerate(paras):
        lines.append(" ".join(sentences))
        if index % 40 == 39:
            lines.extend(["Table cell.", "Another cell."])
    # Blank lines between paragraphs: a line ending in a comma would otherwise run on into the next one.
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--beam", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--ratio", type=float, default=1.0, help="fixed decoding length ratio (random weights)")
    parser.add_argument("--step", type=int, default=8)
    args = parser.parse_args()

    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    import build_shape_model

    from dragoman.engines.argos import ArgosEngine
    from dragoman.formats import parse
    from dragoman.pipeline.run import TranslateJob, run

    package = build_shape_model.build()
    engine = ArgosEngine(
        beam_size=args.beam,
        decoding_length_ratio=args.ratio,
        decoding_length_step=args.step,
        packages={("en", "fa"): package},
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        paras = paragraphs(args.pages)
        docx_path, txt_path = work / "story.docx", work / "story.txt"
        write_docx(docx_path, paras)
        write_txt(txt_path, paras, args.pages)
        docx_segments = parse(docx_path.read_bytes(), "docx", "en", str(docx_path)).segments
        txt_segments = parse(txt_path.read_text(encoding="utf-8"), "txt", "en").segments
        assert sorted(s.text for s in docx_segments) == sorted(s.text for s in txt_segments), "not the same sentences"
        warm = work / "warm.txt"  # loads the model and warms the caches; not timed
        warm.write_text(" ".join(paras[0]) + "\n", encoding="utf-8")
        run(TranslateJob([warm], "en", ["fa"], outdir=work / "warm", use_memory=False), engine)
        best: dict[str, float] = {}
        calls: dict[str, int] = {}
        for _ in range(args.repeats):
            for name, path in (("txt", txt_path), ("docx", docx_path)):
                started = time.perf_counter()
                # Integrity repair off: random weights fail the checks, and re-translating them would measure
                # the repair, not the format (bench_translate's c0 does the same).
                job = TranslateJob([path], "en", ["fa"], outdir=work / name, use_memory=False, integrity="off")
                result = run(job, engine)
                elapsed = time.perf_counter() - started
                assert not result.errors, result.errors
                best[name] = min(best.get(name, elapsed), elapsed)
                calls[name] = result.stats.engine_calls
    ratio = best["docx"] / best["txt"]
    print(
        f"{args.pages} pages, {len(docx_segments)} sentences ({len({s.text for s in docx_segments})} unique), "
        f"beam {args.beam}, shape model en->fa int8"
    )
    print(f"plain text: {best['txt']:.2f} s ({calls['txt']} engine calls)")
    print(f"docx:       {best['docx']:.2f} s ({calls['docx']} engine calls)")
    print(f"docx / txt: {ratio:.3f}  (target <= 1.10: {'met' if ratio <= 1.10 else 'MISSED'})")


if __name__ == "__main__":
    main()
