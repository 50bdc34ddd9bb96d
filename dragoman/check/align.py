"""Pair a source document with its translation: segment by segment where the structure allows, else line by line."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from dragoman.formats import Document, InlineMark, Segment

SEGMENT = "segment"  # both documents have the same segments, in the same places: paired one to one
LINE = "line"  # the same number of lines: the segments starting on line N are paired with line N's
DOCUMENT = "document"  # neither: the whole texts are compared

# Formats where every line is a block: plain text, and the check views of DOCX, ODT and XLIFF jobs (views.py),
# laid out one paragraph or unit a line.
ONE_BLOCK_A_LINE = frozenset({"txt", "docx", "odt", "xliff"})


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
    new_block: bool = True  # False: the next sentence of the same paragraph (line, cell) as the unit before it

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


Breaks = list[tuple[int, int]]  # (offset in a segment's text, file line from there on), the first at offset 0

# How far ahead in the source file the next character of a segment's text is looked for: past markup and
# entities (a long <a href=...> included); a character not found so near (an entity the reader decoded) is skipped.
_LOOKAHEAD = 600


def _segment_breaks(document: Document) -> tuple[list[Breaks], list[bool]]:
    """For each segment, the file line it starts on and the offsets in its text where a new line of the file
    begins (a paragraph wrapped over several lines of Markdown, HTML or plain text); and whether it starts a
    new block (a line of plain text; a paragraph, heading, list item or cell of Markdown and HTML) rather than
    continuing the block of the segment before it."""
    raw = document.source
    starts = [0]
    position = raw.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = raw.find("\n", position + 1)
    breaks: list[Breaks] = []
    new_block: list[bool] = []
    previous_line, previous_end = 1, -1
    for segment in document.segments:
        if segment.start is None or segment.start < 0:
            breaks.append([(0, previous_line)])  # a segment without a known start is placed with the one before it
            new_block.append(not new_block)
            continue
        previous_line = bisect.bisect_right(starts, segment.start)
        segment_breaks, end = _breaks(raw, segment.text, segment.start, previous_line)
        gap = raw[previous_end : segment.start] if 0 <= previous_end <= segment.start else "\n\n"
        if document.format_name in ONE_BLOCK_A_LINE:
            new_block.append("\n" in gap)
        else:
            # Between sentences of one paragraph there is only space, maybe one line break.
            new_block.append(bool(gap.strip()) or gap.count("\n") > 1)
        breaks.append(segment_breaks)
        previous_end = end
    return breaks, new_block


def _breaks(raw: str, text: str, start: int, line: int) -> tuple[Breaks, int]:
    """Where ``text`` (a segment's text, found in ``raw`` from ``start`` on line ``line``) crosses lines of ``raw``,
    and where in ``raw`` its last character ends."""
    out = [(0, line)]
    if raw.startswith(text, start):  # plain text: the segment is a slice of the file
        position = text.find("\n")
        while position >= 0:
            line += 1
            out.append((position + 1, line))
            position = text.find("\n", position + 1)
        return out, start + len(text)
    # Markup and entities sit between the text's characters in the file: follow the text through it,
    # character by character (never backwards), and note each newline passed.
    cursor = start
    for index, char in enumerate(text):
        if char.isspace():
            continue
        found = raw.find(char, cursor, cursor + _LOOKAHEAD)
        if found < 0:
            continue
        passed = raw.count("\n", cursor, found)
        if passed:
            line += passed
            out.append((index, line))
        cursor = found + 1
    return out, cursor


def _join(pieces: Sequence[tuple[Segment, Breaks]]) -> tuple[Segment, LineMap]:
    """One segment made of several: texts joined (a space within a line, a newline between lines),
    inline marks moved to their new offsets, and the line each stretch of text came from."""
    if len(pieces) == 1:
        only, breaks = pieces[0]
        return only, LineMap([o for o, _ in breaks], [n for _, n in breaks])
    parts: list[str] = []
    marks: list[InlineMark] = []
    line_map = LineMap([], [])
    offset = 0
    for index, (segment, breaks) in enumerate(pieces):
        if index:
            parts.append(" " if breaks[0][1] == pieces[index - 1][1][-1][1] else "\n")
            offset += 1
        parts.append(segment.text)
        marks.extend(
            InlineMark(m.start + offset, m.end + offset, m.open, m.close, m.kind, m.translate) for m in segment.inline
        )
        for at, line in breaks:
            line_map.offsets.append(offset + at)
            line_map.lines.append(line)
        offset += len(segment.text)
    first = pieces[0][0]
    return Segment("".join(parts), marks, first.kind, first.start), line_map


def _unit(
    source: Sequence[tuple[Segment, Breaks]], target: Sequence[tuple[Segment, Breaks]], fallback_line: int
) -> Unit:
    src, src_map = _join(source) if source else (Segment(""), LineMap([0], [fallback_line]))
    tgt, tgt_map = _join(target) if target else (Segment(""), LineMap([0], [fallback_line]))
    return Unit(src, tgt, src_map, tgt_map)


def align(source: Document, target: Document) -> Alignment:
    """Pair ``source``'s text with ``target``'s.

    Segment by segment when both have as many segments, of the same kinds (a heading with a
    heading, a table cell with a cell), in the same places: a segment starts a new block (a line
    of plain text, a paragraph, list item or cell) in one where it does in the other and, when
    both have as many lines, on the same line. Otherwise
    line by line when both have as many lines (what a segment starting on line N holds is
    compared with what starts on line N of the other file). Otherwise as one document.
    """
    (src_breaks, src_blocks), (tgt_breaks, tgt_blocks) = _segment_breaks(source), _segment_breaks(target)
    src_segment_lines = [b[0][1] for b in src_breaks]
    tgt_segment_lines = [b[0][1] for b in tgt_breaks]
    src_line_count = count_lines(source.source)
    tgt_line_count = count_lines(target.source)
    same_lines = src_line_count == tgt_line_count
    src_pieces = list(zip(source.segments, src_breaks))
    tgt_pieces = list(zip(target.segments, tgt_breaks))

    def result(mode: str, units: list[Unit]) -> Alignment:
        return Alignment(mode, units, src_line_count, tgt_line_count, len(source.segments), len(target.segments))

    if (
        source.segments
        and len(source.segments) == len(target.segments)
        and all(s.kind == t.kind for s, t in zip(source.segments, target.segments))
        and src_blocks == tgt_blocks
        and (not same_lines or src_segment_lines == tgt_segment_lines)
    ):
        units = [_unit([s], [t], s[1][0][1]) for s, t in zip(src_pieces, tgt_pieces)]
        for unit, new_block in zip(units, src_blocks):
            unit.new_block = new_block
        return result(SEGMENT, units)
    if same_lines:
        return result(LINE, _line_units(src_pieces, tgt_pieces))
    units = []
    if source.segments or target.segments:
        units.append(_unit(src_pieces, tgt_pieces, 1))
    return result(DOCUMENT, units)


def _line_units(source: list[tuple[Segment, Breaks]], target: list[tuple[Segment, Breaks]]) -> list[Unit]:
    """Units of whole lines: the segments starting on line N of each file, with the lines a segment runs
    over (a wrapped paragraph) joined on both sides so that no segment is cut from its other half."""
    spans = sorted((breaks[0][1], breaks[-1][1]) for _, breaks in (*source, *target))
    groups: list[list[int]] = []  # [first line, last line]
    for first, last in spans:
        if groups and first <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    firsts = [group[0] for group in groups]

    def members(pieces: list[tuple[Segment, Breaks]]) -> list[list[tuple[Segment, Breaks]]]:
        out: list[list[tuple[Segment, Breaks]]] = [[] for _ in groups]
        for piece in pieces:
            out[bisect.bisect_right(firsts, piece[1][0][1]) - 1].append(piece)
        return out

    return [_unit(src, tgt, group[0]) for group, src, tgt in zip(groups, members(source), members(target))]


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
    """The pairs of one block (a line of plain text, a paragraph, a cell), joined (``unit``), for the glossary
    checks: a translator may move a name from one sentence of a paragraph to the next, which is no error. ``offsets[i]`` is where
    ``parts[i]``'s source text starts in ``unit.source.text``."""

    unit: Unit
    parts: list[Unit]
    offsets: list[int]


def _as_breaks(line_map: LineMap) -> Breaks:
    return list(zip(line_map.offsets, line_map.lines))


def line_groups(alignment: Alignment) -> list[LineGroup]:
    """Segment pairs grouped by block (in segment mode both files start blocks at the same segments); in line
    and document mode each unit is its own group."""
    if alignment.mode != SEGMENT:
        return [LineGroup(unit, [unit], [0]) for unit in alignment.units]
    runs: list[list[Unit]] = []
    for unit in alignment.units:
        if runs and not unit.new_block:
            runs[-1].append(unit)
        else:
            runs.append([unit])
    groups = []
    for parts in runs:
        if len(parts) == 1:
            groups.append(LineGroup(parts[0], parts, [0]))
            continue
        source, source_map = _join([(p.source, _as_breaks(p.source_lines)) for p in parts])
        target, target_map = _join([(p.target, _as_breaks(p.target_lines)) for p in parts])
        offsets, offset = [], 0
        for part in parts:
            offsets.append(offset)
            offset += len(part.source.text) + 1
        groups.append(LineGroup(Unit(source, target, source_map, target_map), parts, offsets))
    return groups
