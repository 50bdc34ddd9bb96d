"""Benchmark glossary loading, matcher build and matching over the NTREX English text for 1k/10k/100k entries."""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from dragoman.glossary.layers import merge_layers
from dragoman.glossary.match import TermMatcher
from dragoman.glossary.yamlio import load_glossary

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "ntrex" / "newstest2019-src.eng.txt"
NEWS = REPO / "glossaries" / "news.yaml"
GOAL_BUILD_S = 5.0
GOAL_MATCH_S = 1.0

_SYLLABLES = ["ka", "ro", "mi", "zan", "tel", "vor", "shi", "lu", "den", "pa", "qui", "bex", "nor", "ya", "gul", "fer"]
_FA = "ابپتجچخدرزسشکگلمنوهی"


def _fake_name(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize() for _ in range(rng.randint(1, 3))
    ]
    return " ".join(words)


def _real_phrases(text: str, limit: int) -> list[str]:
    """Capitalised one- and two-word phrases from the text, so that the glossary really matches."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        words = [w.strip(".,;:!?\"()'’“”") for w in line.split()]
        for a, b in zip(words, [*words[1:], ""], strict=True):
            if a[:1].isupper() and a.isalpha():
                seen.setdefault(a, None)
                if b[:1].isupper() and b.isalpha():
                    seen.setdefault(f"{a} {b}", None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def generated_yaml(size: int, real: list[str], seed: int = 1) -> str:
    """A glossary of ``size`` entries: real phrases from the text first, then generated names."""
    rng = random.Random(seed)
    lines = ["version: 1", "languages: [en, ms, fa]", "entries:"]
    forms: set[str] = set()
    index = 0
    for phrase in real:
        if index >= size:
            break
        forms.add(phrase)
        lines += _entry_lines(index, phrase, rng)
        index += 1
    while index < size:
        name = _fake_name(rng)
        if name in forms:
            continue
        forms.add(name)
        lines += _entry_lines(index, name, rng)
        index += 1
    return "\n".join(lines) + "\n"


def _entry_lines(index: int, name: str, rng: random.Random) -> list[str]:
    fa = "".join(rng.choice(_FA) for _ in range(rng.randint(4, 9)))
    return [
        f"  - id: e{index}",
        "    type: person",
        "    terms:",
        f'      en: "{name}"',
        f'      ms: "{name}"',
        f"      fa: {fa}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated glossary sizes")
    parser.add_argument("--text", default=str(NTREX), help="English text to match against")
    parser.add_argument("--no-news", action="store_true", help="do not layer glossaries/news.yaml on top")
    args = parser.parse_args(argv)
    text_path = Path(args.text)
    if not text_path.exists():
        print(f"error: {text_path} not found — pass --text FILE", file=sys.stderr)
        return 1
    text = text_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    real = _real_phrases(text, 2000)
    news = load_glossary(NEWS) if NEWS.exists() and not args.no_news else None
    print(f"text: {text_path.name}, {len(text.split())} words, {len(lines)} lines, {len(text)} chars")
    print(
        f"glossary: generated (first {len(real)} entries are capitalised phrases from the text)"
        + (f" + {NEWS.relative_to(REPO)} ({len(news)} entries)" if news else "")
    )
    print(f"goals: build < {GOAL_BUILD_S:.0f} s, match < {GOAL_MATCH_S:.0f} s, flat in glossary size\n")
    print(
        f"{'entries':>8} {'load s':>7} {'layer s':>8} {'build s':>8} {'match s':>8} {'per-line s':>10} {'matches':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"g{size}.yaml"
            path.write_text(generated_yaml(size, real), encoding="utf-8")
            t0 = time.perf_counter()
            glossary = load_glossary(path)
            tl = time.perf_counter()
            if news is not None:
                glossary = merge_layers([glossary, news])
            t1 = time.perf_counter()
            matcher = TermMatcher.from_glossary(glossary, "en")
            t2 = time.perf_counter()
            found = matcher.find(text)
            t3 = time.perf_counter()
            per_line = sum(len(matcher.find(line)) for line in lines)
            t4 = time.perf_counter()
            print(
                f"{len(glossary):>8} {tl - t0:>7.2f} {t1 - tl:>8.2f} {t2 - t1:>8.2f} {t3 - t2:>8.3f}"
                f" {t4 - t3:>10.3f} {len(found):>8}"
            )
            if per_line != len(found):
                print(f"  note: {per_line} matches line by line vs {len(found)} on the whole text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
