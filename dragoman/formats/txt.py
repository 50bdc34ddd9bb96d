"""Plain text: paragraphs and blank lines kept, every line's sentences translated in place."""

from __future__ import annotations

import re

from dragoman.formats.base import Document, Region, Segment
from dragoman.segment import split_sentences

# A line that ends a sentence (or a title): terminal punctuation, maybe closing quotes.
_ENDS_SENTENCE = re.compile(r"[.!?؟…:][\"'”’»)\]]*\s*$")
_CONTINUES = re.compile(r"[,;،؛(\-–—]\s*$")


def _soft_wrap(previous_line: str, next_line: str) -> bool:
    """Whether a line break sits inside a sentence (hard-wrapped text) rather than ending it.

    Conservative on purpose: news text puts one paragraph or title per line, so a break is hard
    unless the next line starts in lowercase or the previous one ends with a comma or the like.
    """
    if not previous_line.strip() or not next_line.strip():
        return False
    if _ENDS_SENTENCE.search(previous_line):
        return False
    return next_line.lstrip()[0].islower() or bool(_CONTINUES.search(previous_line))


def parse_txt(text: str, source_lang: str) -> Document:
    """Every line is its own unit (unless it is a soft wrap); blank lines and spacing are kept."""
    # Plain text needs no inline machinery: a segment is a slice of the source, its region the same.
    bounds = [0]
    lines = text.splitlines(keepends=True)
    offset = 0
    for line, next_line in zip(lines, [*lines[1:], ""]):
        offset += len(line)
        if not _soft_wrap(line, next_line):
            bounds.append(offset)
    bounds.append(len(text))
    segments: list[Segment] = []
    regions: list[Region] = []
    for left, right in zip(bounds, bounds[1:]):
        for start, end in split_sentences(text[left:right], source_lang):
            regions.append(Region(left + start, left + end, len(segments)))
            segments.append(Segment(text[left + start : left + end], [], "paragraph", left + start))
    return Document("txt", source_lang, text, segments, regions)
