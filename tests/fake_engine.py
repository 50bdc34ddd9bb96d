"""A word-by-word fake Engine that simulates NMT faults (dropped, duplicated, moved, respelled placeholders, ...)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Sequence

from dragoman.engines.base import BatchOptions, Engine, Hypothesis

# The fake "model" copies only this placeholder family intact (a real model copies only forms it saw).
DEFAULT_COPY = r"ZXQ\d+"

LEXICON = {
    "the": "",
    "a": "",
    "government": "kerajaan",
    "president": "presiden",
    "minister": "menteri",
    "prime": "perdana",
    "met": "bertemu",
    "said": "berkata",
    "new": "baru",
    "big": "besar",
    "house": "rumah",
    "visited": "melawat",
    "and": "dan",
    "in": "di",
    "today": "hari ini",
    "with": "dengan",
    "policy": "dasar",
    "of": "",
    "announced": "mengumumkan",
    "country": "negara",
}
ADJECTIVES = frozenset({"new", "big"})
_RESPELL = str.maketrans("aeAE", "oiOI")


@dataclass(frozen=True)
class Fault:
    """One simulated model fault.

    ``kind``: drop | duplicate | move | respell | paraphrase | forbidden | reorder.
    ``target``: a placeholder number as "#1", or a source word (lower case) for paraphrase/forbidden.
    ``hyps``: "first" (only the best hypothesis is faulty: n-best can repair it) or "all".
    ``alone``: the fault also hits the term translated on its own (paraphrase/forbidden).
    ``to``: the replacement text for respell/paraphrase/forbidden.
    ``honour_suppress``: the model avoids ``to`` when it is in BatchOptions.suppress (forbidden).
    """

    kind: str
    target: str = "#1"
    hyps: str = "all"
    alone: bool = True
    to: str = ""
    honour_suppress: bool = False


@dataclass
class _Tok:
    text: str
    src: int | None  # index of the source token it renders (for attention)
    is_placeholder: bool = False


@dataclass
class FakeEngine(Engine):
    """Translates en -> a Malay-like toy by word substitution, adjectives after nouns, names respelled."""

    faults: Sequence[Fault] = ()
    lexicon: dict[str, str] = field(default_factory=lambda: dict(LEXICON))
    adjectives: frozenset[str] = ADJECTIVES
    copy_pattern: str = DEFAULT_COPY
    # Characters the "model" never emits (it saw no such tokens in training).
    drops: str = "<>#"
    nbest: bool = True
    attention: bool = True
    language_pairs: Sequence[tuple[str, str]] = (("en", "zz"), ("en", "ms"), ("zz", "en"), ("en", "fa"))
    calls: list[tuple[list[str], BatchOptions]] = field(default_factory=list)

    name = "fake"

    def __post_init__(self) -> None:
        self.supports_nbest = self.nbest  # type: ignore[misc]
        self.supports_attention = self.attention  # type: ignore[misc]
        self.supports_suppress = True  # type: ignore[misc]
        self._copy = re.compile(self.copy_pattern)

    def pairs(self) -> list[tuple[str, str]]:
        return list(self.language_pairs)

    def signature(self, source: str, target: str) -> str:
        return f"fake:{source}-{target}:{len(self.faults)}"

    # --- the "model" ---------------------------------------------------------------------------------

    def _tokenize(self, text: str) -> list[str]:
        # SentencePiece-like NFKC normalisation first: fullwidth brackets become ASCII.
        text = unicodedata.normalize("NFKC", text)
        return re.findall(f"{self.copy_pattern}|\\w+|[^\\w\\s]", text)

    def _render(self, word: str, index: int, in_sentence: bool, hyp: int, suppress: Sequence[str]) -> list[_Tok]:
        if self._copy.fullmatch(word):
            return [_Tok(word, index, True)]
        if "_" in word:
            # Argos decoders turn "_" into spaces.
            return [_Tok(part, index) for part in word.replace("_", " ").split()]
        lower = word.lower()
        for fault in self.faults:
            if fault.target != lower or fault.kind not in ("paraphrase", "forbidden"):
                continue
            if not in_sentence and not fault.alone:
                continue
            if fault.hyps == "first" and hyp > 0:
                continue
            if fault.kind == "forbidden" and fault.honour_suppress and fault.to in suppress:
                continue
            return [_Tok(part, index) for part in fault.to.split()]
        if lower in self.lexicon:
            out = self.lexicon[lower]
            if word[:1].isupper() and out:
                out = out[0].upper() + out[1:]
            return [_Tok(part, index) for part in out.split()]
        if word[:1].isupper() and word.isalnum() and index > 0:
            # Names get respelled systematically (as transliteration does): a -> o, e -> i.
            return [_Tok(word.translate(_RESPELL), index)]
        if word in self.drops:
            return []
        return [_Tok(word, index)]

    def _translate(self, text: str, hyp: int, suppress: Sequence[str]) -> tuple[list[str], list[_Tok]]:
        words = self._tokenize(text)
        in_sentence = len(words) > 3
        lowered = [w.lower() for w in words]
        out: list[_Tok] = []
        i = 0
        while i < len(words):
            # Adjectives follow their noun, as in Malay and Persian.
            if (
                lowered[i] in self.adjectives
                and i + 1 < len(words)
                and words[i + 1].isalnum()
                or (lowered[i] in self.adjectives and i + 1 < len(words) and self._copy.fullmatch(words[i + 1]))
            ):
                out += self._render(words[i + 1], i + 1, in_sentence, hyp, suppress)
                out += self._render(words[i], i, in_sentence, hyp, suppress)
                i += 2
                continue
            out += self._render(words[i], i, in_sentence, hyp, suppress)
            i += 1
        out = [t for t in out if t.text]
        if words and words[0][:1].isupper() and out and out[0].text[:1].islower():
            out[0] = _Tok(out[0].text[0].upper() + out[0].text[1:], out[0].src, out[0].is_placeholder)
        out = self._apply_faults(out, hyp)
        return words, out

    def _apply_faults(self, toks: list[_Tok], hyp: int) -> list[_Tok]:
        for fault in self.faults:
            if fault.hyps == "first" and hyp > 0:
                continue
            if fault.kind == "reorder":
                # Move the last word before final punctuation to the front (free word order).
                body = [t for t in toks if t.text.isalnum() or t.is_placeholder]
                if len(body) > 2:
                    last = body[-1]
                    toks = [last] + [t for t in toks if t is not last]
                continue
            if not fault.target.startswith("#"):
                continue
            number = fault.target[1:]
            where = [k for k, t in enumerate(toks) if t.is_placeholder and re.sub(r"\D", "", t.text) == number]
            if not where:
                continue
            k = where[0]
            if fault.kind == "drop":
                toks = toks[:k] + toks[k + 1 :]
            elif fault.kind == "duplicate":
                toks = toks[: k + 1] + [toks[k]] + toks[k + 1 :]
            elif fault.kind == "move":
                moved = toks[k]
                rest = toks[:k] + toks[k + 1 :]
                end = len(rest) - 1 if rest and not rest[-1].text.isalnum() else len(rest)
                toks = rest[:end] + [moved] + rest[end:]
            elif fault.kind == "respell":
                toks = toks[:k] + [_Tok(fault.to, toks[k].src, False)] + toks[k + 1 :]
        return toks

    @staticmethod
    def _detok(toks: list[_Tok]) -> tuple[str, list[str]]:
        text = ""
        pieces: list[str] = []
        for tok in toks:
            glue = not text or re.fullmatch(r"[.,!?;:)\]]", tok.text) or text.endswith(("(", "["))
            pieces.append(tok.text if glue and text else "▁" + tok.text)
            text += tok.text if glue else " " + tok.text
        return text, pieces

    def translate_batch(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        options: BatchOptions | None = None,
    ) -> list[list[Hypothesis]]:
        options = options or BatchOptions()
        self.calls.append((list(segments), options))
        n = options.num_hypotheses if self.nbest else 1
        results: list[list[Hypothesis]] = []
        for segment in segments:
            hyps: list[Hypothesis] = []
            for k in range(max(1, n)):
                words, toks = self._translate(segment, k, options.suppress)
                text, pieces = self._detok(toks)
                attention = None
                if options.return_attention and self.attention:
                    attention = [[1.0 if t.src == s else 0.0 for s in range(len(words))] for t in toks]
                hyps.append(
                    Hypothesis(
                        text=text,
                        score=-1.0 - k,
                        target_tokens=pieces if options.return_attention else None,
                        source_tokens=["▁" + w for w in words] if options.return_attention else None,
                        attention=attention,
                    )
                )
            results.append(hyps)
        return results
