"""System (c) of bench_translate.py: the real `dragoman` command line, with the benchmark's fixed decoding length.

    python benchmarks/dragoman_child.py --ratio 1.0 --step 8 [--inter-threads N] -- translate FILES... --to fa ...

Random weights never emit end-of-sentence and the command line has no option for a fixed decoding length
(a real model needs none), so ArgosEngine's constructor is wrapped to pass decoding_length_ratio/step
(and inter_threads, which the command line does not expose yet); then dragoman.cli runs exactly as the
`dragoman` console script does. Everything else (reading, splitting, glossary, memory, writing) is untouched.
"""

from __future__ import annotations

import argparse
import functools
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratio", type=float, required=True)
    parser.add_argument("--step", type=int, required=True)
    parser.add_argument("--inter-threads", type=int)
    # Random weights never write a sound sentence, so every output fails the integrity checks: "check" measures
    # what the checks cost on a clean run (they run on every segment; no repair, as a clean run needs none).
    parser.add_argument("--integrity", choices=("repair", "check", "off"), default="check")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])

    from dragoman.engines import argos

    original = argos.ArgosEngine.__init__

    @functools.wraps(original)
    def patched(self: argos.ArgosEngine, *a: object, **kw: object) -> None:
        kw.setdefault("decoding_length_ratio", args.ratio)
        kw.setdefault("decoding_length_step", args.step)
        if args.inter_threads:
            kw["inter_threads"] = args.inter_threads
        original(self, *a, **kw)  # type: ignore[arg-type]

    argos.ArgosEngine.__init__ = patched  # type: ignore[method-assign]

    from dragoman.pipeline import run as pipeline_run

    translate_job = pipeline_run.translate_job

    @functools.wraps(translate_job)
    def with_integrity(job: pipeline_run.TranslateJob, *a: object, **kw: object) -> object:
        job.integrity = args.integrity
        return translate_job(job, *a, **kw)  # type: ignore[arg-type]

    pipeline_run.translate_job = with_integrity  # type: ignore[assignment]

    from dragoman.cli import main as cli_main

    sys.argv = ["dragoman", *argv[split + 1 :]]
    cli_main()


if __name__ == "__main__":
    main()
