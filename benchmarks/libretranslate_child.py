"""The LibreTranslate side of bench_serve.py: LibreTranslate 1.9.x started from its own venv, with the benchmark's
fixed decoding length.

    LT-VENV/bin/python benchmarks/libretranslate_child.py --ratio 1.0 --step 8 -- --host 127.0.0.1 --port N ...

It imports nothing from dragoman (LibreTranslate's venv does not have it). Random weights never emit end-of-sentence
and LibreTranslate has no decoding-length option, so ctranslate2.Translator is wrapped before argostranslate creates
one, exactly as argos_child.py does for system (b) of bench_translate.py (min = max decoding length by the same
rule, one real call per length; every other argument kept); then LibreTranslate's own main() runs.
"""

from __future__ import annotations

import argparse
import math
import sys


def fixed_decoding_length(source_tokens: int, ratio: float, step: int) -> int:
    return max(step, step * math.ceil(ratio * source_tokens / step))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ratio", type=float, required=True)
    parser.add_argument("--step", type=int, required=True)
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])

    import ctranslate2

    real_translator = ctranslate2.Translator

    class FixedLengthTranslator:
        def __init__(self, *a: object, **kw: object) -> None:
            self._inner = real_translator(*a, **kw)

        def __getattr__(self, name: str) -> object:
            return getattr(self._inner, name)

        def translate_batch(self, source, target_prefix=None, **kwargs):  # type: ignore[no-untyped-def]
            lengths = [fixed_decoding_length(len(s), args.ratio, args.step) for s in source]
            results: list[object] = [None] * len(source)
            for length in dict.fromkeys(lengths):
                idx = [i for i, n in enumerate(lengths) if n == length]
                prefix = [target_prefix[i] for i in idx] if target_prefix else None
                kwargs.pop("min_decoding_length", None)
                kwargs.pop("max_decoding_length", None)
                out = self._inner.translate_batch(
                    [source[i] for i in idx],
                    target_prefix=prefix,
                    min_decoding_length=length,
                    max_decoding_length=length,
                    **kwargs,
                )
                for i, r in zip(idx, out):
                    results[i] = r
            return results

    ctranslate2.Translator = FixedLengthTranslator  # type: ignore[misc,assignment]

    import argostranslate.translate

    if FixedLengthTranslator is not argostranslate.translate.ctranslate2.Translator:
        sys.exit("argostranslate does not create its translator through ctranslate2.Translator any more")
    from libretranslate.main import main as lt_main

    sys.argv = ["libretranslate", *argv[split + 1 :]]
    lt_main()


if __name__ == "__main__":
    main()
