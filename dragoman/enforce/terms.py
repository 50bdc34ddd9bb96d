"""Finding glossary terms with the glossary matcher: source occurrences, and target-side forms normalised alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from dragoman.glossary.match import TermMatcher, find_form
from dragoman.glossary.model import Glossary


@dataclass(frozen=True)
class SourceHit:
    """A source-side term occurrence: span in the segment and the entries whose forms matched there."""

    start: int
    end: int
    text: str
    entry_ids: tuple[str, ...]


def find_form_spans(text: str, form: str, lang: str, case: str = "smart") -> list[tuple[int, int]]:
    """Every whole-word occurrence of ``form`` in ``text`` (original offsets, attached endings such as
    -nya or ‌ها left outside the span), normalised and cased exactly as the glossary matcher does."""
    if not form or not form.strip():
        return []
    return [(m.start, m.end) for m in find_form(text, form, lang, case)]


def count_form(text: str, form: str, lang: str, case: str = "smart") -> int:
    return len(find_form_spans(text, form, lang, case))


def find_source_terms(glossary: Glossary, lang: str, text: str) -> list[SourceHit]:
    """Source occurrences (preferred and variant source forms), leftmost-longest and non-overlapping.

    Entry ids come strongest first (a later glossary layer first), as the matcher orders them.
    """
    matcher = TermMatcher.from_glossary(glossary, lang)  # cached per glossary by the matcher
    return [SourceHit(m.start, m.end, m.text, tuple(m.entry_ids)) for m in matcher.find(text)]


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def free_spans(spans: Sequence[tuple[int, int]], taken: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [s for s in spans if not any(spans_overlap(s, t) for t in taken)]
