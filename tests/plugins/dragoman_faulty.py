"""Third-party test engines for dragoman, registered through the `dragoman.engines` entry-point group.

``faulty``: a toy en->zz "model" (each plain word written backwards; numbers, names with digits, URLs and
placeholders copied) that damages chosen segments the ways real NMT models do. Which segments, and how, comes
from ``faults`` (source substring -> kind) or the DRAGOMAN_FAULTY_FAULTS environment variable (the same as JSON),
since the CLI builds engines without options. Kinds: debris, loop, numbers, empty, untranslated, length, markup.
A kind damages only calls made without decoding controls (a model whose loops and debris go away with
no_repeat_ngram_size and without placeholders); with a "!" after it (``loop!``) it damages every call.

``ntrex-reference``: en->fa and en->ms by looking up the professional NTREX reference of each English line
(a clean engine: what a perfect model would write).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from dragoman.engines.base import BatchOptions, Engine, Hypothesis

NTREX = Path(__file__).resolve().parent.parent / "data" / "ntrex"
_WORD = re.compile(r"[A-Za-z]+")
_PLACEHOLDER = re.compile(r"ZXQ\d+")


def clean_translation(text: str) -> str:
    """Every run of plain letters backwards, except in tokens that hold digits or URL/e-mail punctuation."""

    def token(match: re.Match[str]) -> str:
        word = match.group(0)
        if any(ch.isdigit() for ch in word) or "://" in word or "@" in word or "`" in word:
            return word
        return _WORD.sub(lambda m: m.group(0)[::-1], word)

    return re.sub(r"\S+", token, text)


def damage(kind: str, source: str, output: str) -> str:
    if kind == "debris":
        return output.rstrip(".") + " ZXQ, ZXQ1111."
    if kind == "loop":
        return output + " Iron" * 40
    if kind == "numbers":
        changed = re.sub(r"\d", lambda m: str((int(m.group(0)) + 1) % 10), output, count=1)
        return changed if changed != output else output + " 7"
    if kind == "empty":
        return ""
    if kind == "untranslated":
        return source
    if kind == "length":
        words = output.split()
        return " ".join(words[: max(1, len(words) // 4)])
    if kind == "markup":
        return re.sub(r"https?://\S+|`[^`]*`|ZXQ\d+", "", output)
    raise ValueError(f"unknown fault kind {kind!r}")


class FaultyEngine(Engine):
    name = "faulty"
    supports_decoding_controls = True

    def __init__(self, faults: dict[str, str] | None = None) -> None:
        if faults is None:
            faults = json.loads(os.environ.get("DRAGOMAN_FAULTY_FAULTS", "{}"))
        self.faults = dict(faults)
        self.calls: list[tuple[list[str], BatchOptions]] = []

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "zz")]

    def signature(self, source: str, target: str) -> str:
        return f"faulty:{source}-{target}:{json.dumps(self.faults, sort_keys=True)}"

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        options = options or BatchOptions()
        self.calls.append((list(segments), options))
        safer = options.no_repeat_ngram_size > 0
        out: list[list[Hypothesis]] = []
        for segment in segments:
            text = clean_translation(segment)
            for marker, kind in self.faults.items():
                persistent = kind.endswith("!")
                if marker in segment and (persistent or not safer):
                    text = damage(kind.rstrip("!"), segment, text)
            out.append([Hypothesis(text=text, score=-1.0)] * max(1, options.num_hypotheses))
        return out


class ReferenceEngine(Engine):
    name = "ntrex-reference"

    def __init__(self) -> None:
        source = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
        self.references = {
            target: dict(zip(source, (NTREX / f"newstest2019-ref.{code}.txt").read_text(encoding="utf-8").splitlines()))
            for target, code in (("fa", "fas"), ("ms", "msa"))
        }

    def pairs(self) -> list[tuple[str, str]]:
        return [("en", "fa"), ("en", "ms")]

    def signature(self, source: str, target: str) -> str:
        return f"ntrex-reference:{source}-{target}"

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        table = self.references[target]
        return [[Hypothesis(text=table[segment])] for segment in segments]
