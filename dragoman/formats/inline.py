"""Inline runs: text and inline markup of one block, cut into sentence segments with source spans."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

from dragoman.formats.base import InlineMark, MarkSource, Region, Segment, Span
from dragoman.segment import split_sentences


@dataclass
class _Mark:
    kind: str
    translate: bool
    open: Span | None  # raw span of the opening markup (absolute)
    plain_start: int
    close: Span | None = None
    plain_end: int = -1
    content: Span | None = None  # raw span of the content (for marks that are not translated)
    atom: bool = False


@dataclass
class _Item:
    """One thing in source order: a plain character, or the opening/closing markup of a mark."""

    raw: Span
    char: int = -1  # index into the plain text, or -1
    mark: int = -1
    closing: bool = False


@dataclass
class InlineRun:
    """The inline content of one block (a paragraph, a heading, a cell), built in source order."""

    kind: str
    chars: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    marks: list[_Mark] = field(default_factory=list)
    hard_breaks: list[int] = field(default_factory=list)

    @property
    def plain_len(self) -> int:
        return len(self.chars)

    def add_text(self, plain: str, raw_start: int, raw_end: int) -> None:
        """Plain text whose source is ``raw_start:raw_end`` (same text, or an entity/escape)."""
        if not plain:
            return
        if raw_end - raw_start == len(plain):
            for offset, ch in enumerate(plain):
                self.items.append(_Item((raw_start + offset, raw_start + offset + 1), len(self.chars)))
                self.chars.append(ch)
            return
        # An entity or escape: the first character carries the whole source, the rest none.
        for offset, ch in enumerate(plain):
            raw = (raw_start, raw_end) if offset == 0 else (raw_end, raw_end)
            self.items.append(_Item(raw, len(self.chars)))
            self.chars.append(ch)

    def open(self, kind: str, raw: Span | None, translate: bool = True) -> int:
        index = len(self.marks)
        self.marks.append(_Mark(kind, translate, raw, len(self.chars)))
        if raw is not None:
            self.items.append(_Item(raw, mark=index))
        return index

    def close(self, index: int, raw: Span | None) -> None:
        mark = self.marks[index]
        mark.close = raw
        mark.plain_end = len(self.chars)
        if not mark.translate and mark.open is not None and raw is not None:
            mark.content = (mark.open[1], raw[0])
        if raw is not None:
            self.items.append(_Item(raw, mark=index, closing=True))

    def atom(self, kind: str, raw: Span) -> None:
        """Markup with no content of its own (an image, a line break): kept, never translated."""
        index = self.open(kind, raw)
        self.marks[index].plain_end = len(self.chars)
        self.marks[index].atom = True

    def hard_break(self, plain: str, raw: Span | None = None) -> None:
        """A line break that ends a sentence (markdown hard break, ``<br>``, a line of text)."""
        self.hard_breaks.append(len(self.chars))
        if raw is not None:
            self.add_text(plain, *raw)


def _sentence_spans(run: InlineRun, plain: str, lang: str) -> list[Span]:
    bounds = [0, *sorted(set(run.hard_breaks)), len(plain)]
    spans: list[Span] = []
    for left, right in zip(bounds, bounds[1:]):
        spans.extend((left + s, left + e) for s, e in split_sentences(plain[left:right], lang))
    # Never cut inside content that is not translated (a code span holding "a. B").
    frozen = [(m.plain_start, m.plain_end) for m in run.marks if not m.translate and m.plain_end > m.plain_start]
    merged: list[Span] = []
    for span in spans:
        if merged and any(s < span[0] and e > merged[-1][1] for s, e in frozen):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    # A sentence made only of such content ('<p><code>x = 1</code></p>') is nothing to translate.
    frozen_chars = {pos for s, e in frozen for pos in range(s, e)}
    return [
        (s, e) for s, e in merged if any(not plain[pos].isspace() and pos not in frozen_chars for pos in range(s, e))
    ]


def build_segments(
    run: InlineRun, source: str, lang: str, escape: Callable[[str], str], first_index: int
) -> tuple[list[Segment], list[Region]]:
    """Cut ``run`` into sentence segments; each gets the source region it replaces when rendered.

    Whitespace between sentences (with any line prefixes such as ``> ``) stays in the source as
    it is. Markup is attached to the sentence holding its content; an atom between sentences is
    left in place.
    """
    plain = "".join(run.chars)
    spans = _sentence_spans(run, plain, lang)
    if not spans:
        return [], []
    starts = [s for s, _ in spans]

    def segment_of(pos: int) -> int | None:
        k = bisect.bisect_right(starts, pos) - 1
        return k if k >= 0 and pos < spans[k][1] else None

    def content_segments(mark: _Mark) -> tuple[int | None, int | None]:
        first = last = None
        for pos in range(mark.plain_start, max(mark.plain_start, mark.plain_end)):
            if not plain[pos].isspace():
                k = segment_of(pos)
                if first is None:
                    first = k
                last = k
        if first is None:  # empty or blank content: belongs to a sentence only if inside one
            k = segment_of(mark.plain_start)
            inside = k is not None and spans[k][0] < mark.plain_start
            return (k, k) if inside else (None, None)
        return first, last

    mark_segments = [content_segments(m) for m in run.marks]
    owner: list[int | None] = []
    running = -1
    for item in run.items:
        if item.char >= 0:
            k = segment_of(item.char)
        else:
            k = mark_segments[item.mark][1 if item.closing else 0]
        if k is not None:
            k = max(k, running)  # keep regions in source order and disjoint
            running = k
        owner.append(k)
    extents: list[list[int]] = [[-1, -1] for _ in spans]
    for item, k in zip(run.items, owner):
        if k is None:
            continue
        extent = extents[k]
        extent[0] = item.raw[0] if extent[0] < 0 else min(extent[0], item.raw[0])
        extent[1] = max(extent[1], item.raw[1])
    # An atom or empty mark left between sentences but inside a region would be lost there.
    for index, mark in enumerate(run.marks):
        if mark_segments[index][0] is not None or mark.open is None:
            continue
        for k, (a, b) in enumerate(extents):
            if a <= mark.open[0] < b:
                mark_segments[index] = (k, k)
                break

    segments: list[Segment] = [Segment(plain[s:e], [], run.kind) for s, e in spans]
    sources: list[list[MarkSource]] = [[] for _ in spans]
    for mark, (first, last) in zip(run.marks, mark_segments):
        if first is None:
            continue
        if last is None:
            last = first
        end = mark.plain_end if mark.plain_end >= 0 else spans[last][1]
        # A mark spanning three sentences needs nothing in the middle one.
        for k in sorted({first, last}):
            s, e = spans[k]
            length = e - s
            m_start = min(max(mark.plain_start - s, 0), length) if k == first else 0
            m_end = min(max(end - s, m_start), length) if k == last else length
            open_text = source[mark.open[0] : mark.open[1]] if k == first and mark.open else ""
            close_text = source[mark.close[0] : mark.close[1]] if k == last and mark.close is not None else ""
            segments[k].inline.append(
                InlineMark(m_start, m_start if mark.atom else m_end, open_text, close_text, mark.kind, mark.translate)
            )
            sources[k].append(
                MarkSource(
                    mark.open if k == first else None,
                    mark.close if k == last else None,
                    mark.content if first == last else None,
                )
            )
    for segment, (a, _) in zip(segments, extents):
        segment.start = a
    regions = [Region(a, b, first_index + k, sources[k], escape) for k, (a, b) in enumerate(extents)]
    return segments, regions
