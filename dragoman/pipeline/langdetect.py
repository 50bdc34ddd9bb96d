"""Offline source-language detection for `--from auto` (py3langid, restricted to the languages we can translate)."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from dragoman.errors import LanguageError

# py3langid (BSD-3-Clause, a maintained fork of langid.py) ships its model inside the wheel and
# never touches the network. Restricting it to the languages that can actually be translated fixes
# its best-known confusion for us (Malay vs Indonesian) and makes the probabilities meaningful.
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.9
# How much text is enough: classification cost grows with length, the answer does not change.
SAMPLE_CHARS = 4000

_IDENTIFIER: Any = None
_LOCK = threading.Lock()
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]


def _identifier() -> Any:
    global _IDENTIFIER
    with _LOCK:
        if _IDENTIFIER is None:
            try:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier
            except ImportError:
                raise LanguageError(
                    "--from auto needs py3langid, which is not installed",
                    "run 'pip install py3langid' or give the source language with --from",
                ) from None
            _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _IDENTIFIER


def _letters(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch).startswith("L"))


def detect_language(text: str, candidates: Iterable[str], name: str = "<input>") -> Detection:
    """The language of ``text`` among ``candidates``, or LanguageError saying why it cannot tell."""
    sample = _TAG_RE.sub(" ", text[: SAMPLE_CHARS * 2])[:SAMPLE_CHARS]
    wanted = sorted({code.split("-")[0] for code in candidates})
    if not wanted:
        raise LanguageError(f"{name}: cannot detect the language: no models installed", "pass --from")
    identifier = _identifier()
    known = set(identifier.labels)
    usable = [code for code in wanted if code in known]
    if len(wanted) == 1 and not usable:
        # The only language any installed model reads, and one the detector has never seen: nothing to check.
        return Detection(wanted[0], 1.0, ((wanted[0], 1.0),))
    if not usable:
        raise LanguageError(
            f"{name}: cannot detect the language: the detector knows none of {', '.join(wanted)}",
            "pass --from",
        )
    if _letters(sample) < MIN_LETTERS:
        raise LanguageError(
            f"{name}: cannot detect the language of so little text ({_letters(sample)} letters)",
            "pass --from",
        )
    with _LOCK:
        # With one usable candidate, rank it against every language the detector knows, so that
        # text in a language we cannot translate is refused instead of assumed.
        identifier.set_languages(usable if len(usable) > 1 else None)
        ranking = tuple((lang, float(score)) for lang, score in identifier.rank(sample))
    best, confidence = ranking[0]
    # Against the detector's 140 languages a short text rarely reaches MIN_CONFIDENCE; winning is enough there.
    if best not in usable or (len(usable) > 1 and confidence < MIN_CONFIDENCE):
        guesses = ", ".join(f"{lang} {score:.2f}" for lang, score in ranking[:3])
        raise LanguageError(f"{name}: cannot tell which language this is (best guesses: {guesses})", "pass --from")
    return Detection(best, confidence, ranking[:3])


__all__ = ["Detection", "detect_language"]
