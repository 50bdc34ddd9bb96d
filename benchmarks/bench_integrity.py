"""What the integrity checks cost on a clean run, measured side by side in one process (issue 14).

    python benchmarks/bench_integrity.py                  # 20 NTREX articles, 3 alternating pairs
    python benchmarks/bench_integrity.py --articles 123 --pairs 5

The shape model (build_shape_model.py, random weights, fixed decoding length) translates the NTREX lines with
glossaries/news.yaml through the pipeline's Translator (no translation memory), alternately with the checks off
and on ("check": every segment checked; random weights fail every check, and the repairs a clean run never needs
would only measure retries). Printed: the medians of the run's CPU and wall time each way, their ratio, and the
checks' own CPU time (every result checked again, alone) against the translation's. CPU time is the figure to
trust on a shared machine: wall time there is mostly other processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--beam", type=int, default=4)
    args = parser.parse_args()

    from bench_translate import write_articles  # type: ignore[import-not-found]

    from dragoman.engines.argos import ArgosEngine
    from dragoman.glossary.layers import load_glossaries
    from dragoman.integrity import check_pair
    from dragoman.pipeline.routes import Route
    from dragoman.pipeline.translator import Translator

    built = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "build_shape_model.py")], capture_output=True, text=True, check=True
    )
    package = Path(built.stdout.strip().splitlines()[-1])
    folder = Path("/tmp") / "dragoman-bench-integrity"
    _, lines = write_articles(folder, args.articles)
    from dragoman.formats import parse

    segments = [s.text for line in lines for s in parse(line + "\n", "txt", "en").segments]
    glossary = load_glossaries([REPO / "glossaries" / "news.yaml"])
    engine = ArgosEngine(beam_size=args.beam, packages={("en", "fa"): package}, decoding_length_ratio=1.0)
    route = Route("en", "fa", (("en", "fa"),))

    def one(mode: str) -> tuple[float, float, Translator]:
        translator = Translator(engine, None, glossary, integrity=mode)
        cpu, wall = time.process_time(), time.perf_counter()
        translator.translate(segments, route)
        return time.process_time() - cpu, time.perf_counter() - wall, translator

    one("off")  # load the model, warm the caches
    runs: dict[str, list[tuple[float, float]]] = {"off": [], "check": []}
    last = None
    for _ in range(args.pairs):
        for mode in ("off", "check"):
            cpu, wall, translator = one(mode)
            runs[mode].append((cpu, wall))
            last = translator if mode == "check" else last
    # The checks alone, on what the last run produced.
    assert last is not None
    results = last.translate(segments, route)
    pairs = [last._pair((text, ()), result, route) for text, result in zip(segments, results)]
    cpu = time.process_time()
    for pair in pairs:
        check_pair(pair)
    checks_cpu = time.process_time() - cpu

    off_cpu = statistics.median(c for c, _ in runs["off"])
    on_cpu = statistics.median(c for c, _ in runs["check"])
    off_wall = statistics.median(w for _, w in runs["off"])
    on_wall = statistics.median(w for _, w in runs["check"])
    print(f"{len(segments)} segments ({args.articles} articles), beam {args.beam}, {args.pairs} alternating pairs")
    print(f"checks off: cpu {off_cpu:.2f} s, wall {off_wall:.2f} s (medians)")
    print(f"checks on : cpu {on_cpu:.2f} s, wall {on_wall:.2f} s (medians)")
    print(
        f"overhead  : cpu {(on_cpu / off_cpu - 1) * 100:+.1f}%, wall {(on_wall / off_wall - 1) * 100:+.1f}%  (target <= 10%)"
    )
    print(
        f"the checks alone: {checks_cpu:.3f} s cpu = {checks_cpu / len(segments) * 1000:.2f} ms a segment = "
        f"{checks_cpu / off_cpu * 100:.1f}% of the translation's cpu"
    )


if __name__ == "__main__":
    main()
