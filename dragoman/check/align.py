"""Pair a source document with its translation: segment by segment where the structure allows, else line by line."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from dragoman.formats import Document, InlineMark, Segment

SEGMENT = "segment"  # both documents have the same segments, in the same places: paired one to one
LINE = "line"  # the same number of lines: the segments starting on line N are paired with line N's
DOCUMENT = "document"  # neither: the whole texts are compared


@dataclass
class LineMap:
    """Where a unit's text came from: ``line_at(offset)`` is the 1-based line of the file."""

    offsets: list[int] = field(default_factory=lambda: [0])
    lines: list[int] = field(default_factory=lambda: [1])

    def line_at(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.offsets, offset) - 1)]


@dataclass
class Unit:
    """A piece of the source and the piece of the translation that must correspond to it."""

    source: Segment
    target: Segment
    source_lines: LineMap
    target_lines: LineMap

    @property
    def source_line(self) -> int:
        return self.source_lines.line_at(0)

    @property
    def target_line(self) -> int:
        return self.target_lines.line_at(0)


@dataclass
class Alignment:
    """The units of a check and how they were found."""

    mode: str  # SEGMENT, LINE or DOCUMENT
    units: list[Unit]
    source_lines: int
    target_lines: int
    source_segments: int
    target_segments: int


def count_lines(text: str) -> int:
    """Lines of ``text``, not counting trailing blank lines (they do not make two files misaligned)."""
    # Split at "\n" only, as segment line numbers are counted (str.splitlines also breaks at \x0c, \u2028, ...).
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return len(lines)


def _segment_lines(document: Document) -> list[int]:
    """The 1-based line on which each segment starts."""
    text = document.source
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    out: list[int] = []
    previous = 1
    for segment in document.segments:
        if segment.start is not None and segment.start >= 0:
            previous = bisect.bisect_right(starts, segment.start)
        out.append(previous)  # a segment without a known start is placed with the one before it
    return out


def _new_lines(segment_lines: list[int]) -> list[bool]:
    """For each segment, whether it starts on another line than the one before it."""
    return [index == 0 or line != segment_lines[index - 1] for index, line in enumerate(segment_lines)]


def _join(segments: Sequence[Segment], lines: Sequence[int]) -> tuple[Segment, LineMap]:
    """One segment made of several: texts joined (a space within a line, a newline between lines),
    inline marks moved to their new offsets, and the line each stretch of text came from."""
    if len(segments) == 1:
        only = segments[0]
        return only, _line_map(only.text, 0, lines[0], LineMap([], []))
    parts: list[str] = []
    marks: list[InlineMark] = []
    line_map = LineMap([], [])
    offset = 0
    for index, (segment, line) in enumerate(zip(segments, lines)):
        if index:
            parts.append(" " if line == lines[index - 1] else "\n")
            offset += 1
        parts.append(segment.text)
        marks.extend(
            InlineMark(m.start + offset, m.end + offset, m.open, m.close, m.kind, m.translate)
            for m in segment.inline
        )
        _line_map(segment.text, offset, line, line_map)
        offset += len(segment.text)
    if not line_map.offsets:
        line_map = LineMap([0], [lines[0] if lines else 1])
    kind = segments[0].kind if segments else "paragraph"
    start = segments[0].start if segments else None
    return Segment("".join(parts), marks, kind, start), line_map


def _line_map(text: str, offset: int, line: int, into: LineMap) -> LineMap:
    """Add ``text`` (placed at ``offset`` in the unit, starting on file line ``line``) to ``into``;
    a newline inside a segment (a soft-wrapped plain-text paragraph) moves to the next line."""
    into.offsets.append(offset)
    into.lines.append(line)
    position = text.find("\n")
    while position >= 0:
        line += 1
        into.offsets.append(offset + position + 1)
        into.lines.append(line)
        position = text.find("\n", position + 1)
    return into


def _unit(source: Sequence[Segment], source_lines: Sequence[int], target: Sequence[Segment],
          target_lines: Sequence[int], fallback_line: int) -> Unit:
    src, src_map = _join(source, source_lines) if source else (Segment(""), LineMap([0], [fallback_line]))
    tgt, tgt_map = _join(target, target_lines) if target else (Segment(""), LineMap([0], [fallback_line]))
    return Unit(src, tgt, src_map, tgt_map)


def align(source: Document, target: Document) -> Alignment:
    """Pair ``source``'s text with ``target``'s.

    Segment by segment when both have as many segments, of the same kinds (a heading with a
    heading, a table cell with a cell), in the same places: a segment starts a new line in one
    where it does in the other and, when both have as many lines, on the same line. Otherwise line by line when both have as many lines (what a segment starting on line N
    holds is compared with what starts on line N of the other file). Otherwise as one document.
    """
    src_segment_lines = _segment_lines(source)
    tgt_segment_lines = _segment_lines(target)
    src_line_count = count_lines(source.source)
    tgt_line_count = count_lines(target.source)
    same_lines = src_line_count == tgt_line_count

    def result(mode: str, units: list[Unit]) -> Alignment:
        return Alignment(mode, units, src_line_count, tgt_line_count, len(source.segments), len(target.segments))

    if (
        source.segments
        and len(source.segments) == len(target.segments)
        and all(s.kind == t.kind for s, t in zip(source.segments, target.segments))
        and _new_lines(src_segment_lines) == _new_lines(tgt_segment_lines)
        and (not same_lines or src_segment_lines == tgt_segment_lines)
    ):
        return result(SEGMENT, [
            _unit([s], [sl], [t], [tl], sl)
            for s, t, sl, tl in zip(source.segments, target.segments, src_segment_lines, tgt_segment_lines)
        ])
    if same_lines:
        return result(LINE, _line_units(source, src_segment_lines, target, tgt_segment_lines))
    units = []
    if source.segments or target.segments:
        units.append(_unit(source.segments, src_segment_lines, target.segments, tgt_segment_lines, 1))
    return result(DOCUMENT, units)


def _line_units(source: Document, source_lines: list[int], target: Document, target_lines: list[int]) -> list[Unit]:
    """Units of whole lines: the segments starting on line N of each file, with the lines a segment runs
    over (a soft-wrapped paragraph) joined on both sides so that no segment is cut from its other half."""
    spans: list[tuple[int, int]] = []
    for document, lines in ((source, source_lines), (target, target_lines)):
        for segment, line in zip(document.segments, lines):
            spans.append((line, line + segment.text.count("\n")))
    spans.sort()
    groups: list[list[int]] = []  # [first line, last line]
    for first, last in spans:
        if groups and first <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    firsts = [group[0] for group in groups]

    def members(document: Document, lines: list[int]) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in groups]
        for index, line in enumerate(lines):
            out[bisect.bisect_right(firsts, line) - 1].append(index)
        return out

    src_members, tgt_members = members(source, source_lines), members(target, target_lines)
    return [
        _unit([source.segments[i] for i in src_ids], [source_lines[i] for i in src_ids],
              [target.segments[i] for i in tgt_ids], [target_lines[i] for i in tgt_ids], group[0])
        for group, src_ids, tgt_ids in zip(groups, src_members, tgt_members)
    ]


def align_lines(source: Sequence[str], target: Sequence[str]) -> Alignment:
    """Line-aligned plain texts (one segment a line, as `evaluate` takes them): line N with line N."""
    if len(source) != len(target):
        raise ValueError(f"{len(source)} source lines but {len(target)} target lines")
    units = [
        Unit(Segment(s, [], "paragraph"), Segment(t, [], "paragraph"), LineMap([0], [n]), LineMap([0], [n]))
        for n, (s, t) in enumerate(zip(source, target), start=1)
    ]
    return Alignment(LINE, units, len(source), len(target), len(source), len(target))


@dataclass
class LineGroup:
    """The pairs that start on one line, joined (``unit``), for the glossary checks: a translator may move a
    name from one sentence of a paragraph to the next, which is no error. ``offsets[i]`` is where
    ``parts[i]``'s source text starts in ``unit.source.text``."""

    unit: Unit
    parts: list[Unit]
    offsets: list[int]


def line_groups(alignment: Alignment) -> list[LineGroup]:
    """Segment pairs grouped by the line they start on (in segment mode both files start them on the same
    lines); in line and document mode each unit is its own group."""
    if alignment.mode != SEGMENT:
        return [LineGroup(unit, [unit], [0]) for unit in alignment.units]
    runs: list[list[Unit]] = []
    for unit in alignment.units:
        if runs and runs[-1][-1].source_line == unit.source_line and runs[-1][-1].target_line == unit.target_line:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    groups = []
    for parts in runs:
        if len(parts) == 1:
            groups.append(LineGroup(parts[0], parts, [0]))
            continue
        source, source_map = _join([p.source for p in parts], [p.source_line for p in parts])
        target, target_map = _join([p.target for p in parts], [p.target_line for p in parts])
        offsets, offset = [], 0
        for part in parts:
            offsets.append(offset)
            offset += len(part.source.text) + 1
        groups.append(LineGroup(Unit(source, target, source_map, target_map), parts, offsets))
    return groups
