"""System (b) of bench_translate.py: argostranslate, article by article, run inside argostranslate's own venv.

    ARGOS_PACKAGES_DIR=/tmp/x ARGOS_BEAM_SIZE=4 argos-venv/bin/python benchmarks/argos_child.py \\
        PACKAGE.argosmodel ARTICLES_DIR OUT.json --ratio 1.0 --step 8

It imports nothing from dragoman (argostranslate's venv does not have it). Random weights never emit
end-of-sentence, and argostranslate's API has no min/max decoding length, so ctranslate2.Translator is
replaced, before argostranslate creates one, by a thin wrapper whose translate_batch adds
min_decoding_length = max_decoding_length = the rule of dragoman.engines.argos.fixed_decoding_length
(copied below; bench_translate.py checks the two agree). Every other argument argostranslate passes
(beam size from ARGOS_BEAM_SIZE, max_batch_size=32 tokens, length penalty, target prefix) is kept.
A call whose sentences need different lengths is split into one real call per length, in order: that
only removes padding, so it can only make (b) faster.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from pathlib import Path


def fixed_decoding_length(source_tokens: int, ratio: float, step: int) -> int:
    # Same rule as dragoman.engines.argos.fixed_decoding_length.
    return max(step, step * math.ceil(ratio * source_tokens / step))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("archive")
    parser.add_argument("articles")
    parser.add_argument("out")
    parser.add_argument("--ratio", type=float, default=1.0)
    parser.add_argument("--step", type=int, default=8)
    parser.add_argument("--source", default="en")
    parser.add_argument("--target", default="fa")
    parser.add_argument("--check-rule", action="store_true", help="print the rule for 1..300 tokens and exit")
    args = parser.parse_args()
    if args.check_rule:
        print(json.dumps([fixed_decoding_length(n, args.ratio, args.step) for n in range(1, 301)]))
        return 0

    started = time.perf_counter()
    import ctranslate2

    stats = {"calls": 0, "ct2_calls": 0, "sentences": 0, "pieces": 0, "ct2_s": 0.0}
    real_translator = ctranslate2.Translator

    class FixedLengthTranslator:
        """Delegates to a real ctranslate2.Translator; translate_batch gets the fixed decoding length."""

        def __init__(self, *a: object, **kw: object) -> None:
            self._inner = real_translator(*a, **kw)

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

        def translate_batch(self, source: list[list[str]], target_prefix=None, **kwargs):  # type: ignore[no-untyped-def]
            stats["calls"] += 1
            stats["sentences"] += len(source)
            stats["pieces"] += sum(len(s) for s in source)
            lengths = [fixed_decoding_length(len(s), args.ratio, args.step) for s in source]
            results: list[object] = [None] * len(source)
            t0 = time.perf_counter()
            for length in dict.fromkeys(lengths):
                idx = [i for i, n in enumerate(lengths) if n == length]
                prefix = [target_prefix[i] for i in idx] if target_prefix else None
                out = self._inner.translate_batch(
                    [source[i] for i in idx],
                    target_prefix=prefix,
                    min_decoding_length=length,
                    max_decoding_length=length,
                    **kwargs,
                )
                stats["ct2_calls"] += 1
                for i, r in zip(idx, out):
                    results[i] = r
            stats["ct2_s"] += time.perf_counter() - t0
            return results

    ctranslate2.Translator = FixedLengthTranslator  # type: ignore[misc,assignment]

    import argostranslate.package
    import argostranslate.translate

    if FixedLengthTranslator is not argostranslate.translate.ctranslate2.Translator:
        sys.exit("argostranslate does not create its translator through ctranslate2.Translator any more")
    imported = time.perf_counter()
    argostranslate.package.install_from_path(Path(args.archive))
    translation = argostranslate.translate.get_translation_from_codes(args.source, args.target)
    if translation is None:
        sys.exit(f"argostranslate found no {args.source}->{args.target} package after installing {args.archive}")
    argostranslate.translate.translate("Warm up.", args.source, args.target)  # loads model + splitter
    loaded = time.perf_counter()
    for key in stats:
        stats[key] = 0 if key != "ct2_s" else 0.0

    paths = sorted(Path(args.articles).glob("*.txt"))
    t0 = time.perf_counter()
    chars = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        output = argostranslate.translate.translate(text, args.source, args.target)
        chars += len(output)
    seconds = time.perf_counter() - t0
    result = {
        "seconds": seconds,
        "import_s": imported - started,
        "install_load_s": loaded - imported,
        "articles": len(paths),
        "output_chars": chars,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "argostranslate": getattr(argostranslate, "__version__", None)
        or __import__("importlib.metadata").metadata.version("argostranslate"),
        "ctranslate2": ctranslate2.__version__,
        **stats,
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
