"""A fake translator for format tests: uppercases, reverses word order and reports mark spans."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from dragoman.formats import Document, Segment, SegmentOutput


def reverse_upper(segment: Segment) -> SegmentOutput:
    """'Iran's **President** spoke.' -> 'SPOKE. PRESIDENT IRAN'S', with the marks following words."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", segment.text)]
    positions: dict[int, tuple[int, int]] = {}
    pieces: list[str] = []
    pos = 0
    for index in reversed(range(len(words))):
        if pieces:
            pieces.append(" ")
            pos += 1
        word = segment.text[words[index][0] : words[index][1]].upper()
        positions[index] = (pos, pos + len(word))
        pieces.append(word)
        pos += len(word)
    text = "".join(pieces)
    spans: list[tuple[int, int] | None] = []
    for mark in segment.inline:
        if mark.start == mark.end:
            before = sum(1 for _, end in words if end <= mark.start)
            if before == 0:
                at = len(text)
            elif before == len(words):
                at = 0
            else:
                at = positions[before][1]
            spans.append((at, at))
            continue
        covered = [i for i, (s, e) in enumerate(words) if s < mark.end and e > mark.start]
        if not covered:
            spans.append(None)
            continue
        spans.append((min(positions[i][0] for i in covered), max(positions[i][1] for i in covered)))
    return SegmentOutput(text, spans)


def tagged(segments: list[Segment], label: str = "<{}>") -> list[SegmentOutput]:
    """Each segment translated by :func:`reverse_upper` behind ``label`` with its index ('<3>SPOKE. PRESIDENT'),
    so that a test can count every sentence in the output."""
    outputs = []
    for index, segment in enumerate(segments):
        upper = reverse_upper(segment)
        prefix = label.format(index)
        spans = [None if s is None else (s[0] + len(prefix), s[1] + len(prefix)) for s in upper.mark_spans or []]
        outputs.append(SegmentOutput(prefix + upper.text, spans))
    return outputs


@pytest.fixture
def fake_translate() -> Callable[[Document, str], str]:
    def translate(document: Document, target: str) -> str:
        return document.render([reverse_upper(s) for s in document.segments], target)

    return translate


# The desk glossary of the toy-model format tests: one term with a variant, one with a forbidden form.
GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: government
    terms:
      en: government
      zz: {term: pentadbiran, variants: [kerajaan]}
  - id: talks
    terms:
      en: talks
      zz: {term: perbincangan, forbidden: [rundingan]}
"""
