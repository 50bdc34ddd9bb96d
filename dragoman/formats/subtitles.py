"""SRT and WebVTT subtitles: cue text translated a sentence at a time, timings, ids and settings kept byte for byte.

Read by hand, line by line, rather than with the ``srt`` or ``webvtt-py`` parsers: both re-serialise
the timing lines (``srt.compose`` rewrites every timestamp, webvtt-py drops unknown blocks), and the
source of every line that is not cue text must come back unchanged. Those libraries read the outputs
in the tests instead.

A sentence that runs over several cues is one segment; its translation is cut back over those cues in
proportion to how much of the sentence each held, at word boundaries, and every cue's text is reflowed
to at most ``line_length`` characters a line on ``lines`` lines (42 and 2, the usual broadcast limits;
a cue whose text cannot fit gets more lines rather than losing words). ``<i>``, ``<b>``, ``<u>``,
``<font>`` and WebVTT's ``<c.class>``, ``<v Speaker>``, ``<lang>`` spans are inline marks. Subtitle
lines have no direction attribute, so a right-to-left target's lines start with U+200F RIGHT-TO-LEFT MARK.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dragoman.errors import InputError
from dragoman.formats.base import (
    Document,
    InlineMark,
    Segment,
    SegmentOutput,
    resolve_spans,
)
from dragoman.languages import is_rtl
from dragoman.segment import split_sentences

LINE_LENGTH = 42
LINES = 2
_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}"
_TIMING_RE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAG_RE = re.compile(r"<(/?)([a-zA-Z]+|\d[\d:.]*)([^>]*)>")
_ENDS = re.compile(r"[.!?…؟:;\"'”’»)\]♪]\s*$")
_MAX_CUES_PER_SENTENCE = 4
_SRT_FIX = "each cue is a number, a 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line and its text; fix it in a subtitle editor"
_VTT_FIX = "a WebVTT file starts with 'WEBVTT' and each cue has a 'HH:MM:SS.mmm --> HH:MM:SS.mmm' line"


@dataclass
class _Mark:
    start: int  # plain offsets in the cue
    end: int
    open: str
    close: str
    kind: str


@dataclass
class _Cue:
    start: int  # source offsets of the cue text (first text line to end of the last)
    end: int
    plain: str
    marks: list[_Mark] = field(default_factory=list)
    prefix: str = ""  # an unclosed <v Speaker> at the start: kept at the start of the cue


@dataclass
class _Sentence:
    segment: int
    parts: list[tuple[int, int, int]]  # (cue, start, end) plain ranges in cue order
    marks: list[_Mark]  # the source tags of the segment's inline marks, in the same order


def _cue_text(raw: str, vtt: bool) -> tuple[str, list[_Mark], str]:
    """Plain text of a cue (lines joined by spaces, entities decoded) and its tags as marks."""
    prefix = ""
    voice = re.match(r"\s*<v(?:\.[^\s>]*)?(?:\s[^>]*)?>", raw) if vtt else None
    if voice and "</v>" not in raw:
        prefix, raw = raw[: voice.end()], raw[voice.end() :]
    plain: list[str] = []
    marks: list[_Mark] = []
    stack: list[tuple[str, int, str]] = []
    position = 0
    length = 0

    def add(text: str) -> None:
        nonlocal length
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        if vtt:
            text = html.unescape(text)
        plain.append(text)
        length += len(text)

    for match in _TAG_RE.finditer(raw):
        add(raw[position : match.start()])
        position = match.end()
        closing, name, _ = match.groups()
        if name[0].isdigit():  # a WebVTT timestamp inside the cue (karaoke): kept where it is
            marks.append(_Mark(length, length, match.group(0), "", "time"))
        elif not closing:
            stack.append((name.lower(), length, match.group(0)))
        else:
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == name.lower():
                    tag, start, opening = stack[index]
                    marks.append(_Mark(start, length, opening, match.group(0), tag))
                    del stack[index:]
                    break
    add(raw[position:])
    for tag, start, opening in stack:  # unclosed: runs to the end of the cue
        marks.append(_Mark(start, length, opening, f"</{tag}>", tag))
    return "".join(plain), marks, prefix


def _parse_cues(text: str, vtt: bool, name: str) -> list[_Cue]:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    cues: list[_Cue] = []
    index = 0
    if vtt:
        if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise InputError("is not a WebVTT file (no 'WEBVTT' line at the start)", name, 1, hint=_VTT_FIX)
        while index < len(lines) and lines[index].strip():
            index += 1  # the header block
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        block_start = index
        while index < len(lines) and lines[index].strip():
            index += 1
        block = lines[block_start:index]
        if vtt and re.match(r"(NOTE|STYLE|REGION)(\s|$)", block[0]):
            continue
        timing = next((k for k, line in enumerate(block[:3]) if "-->" in line), None)
        if (
            timing is None
            or not _TIMING_RE.match(block[timing])
            or (not vtt and timing != 1 and not block[0].strip().isdigit())
        ):
            raise InputError(
                f"cue {len(cues) + 1} has no valid timing line",
                name,
                block_start + 1,
                hint=_VTT_FIX if vtt else _SRT_FIX,
            )
        first, last = block_start + timing + 1, index
        if first >= last:
            continue  # a cue without text
        start = offsets[first]
        end = offsets[last] - (len(lines[last - 1]) - len(lines[last - 1].rstrip("\r\n")))
        plain, marks, prefix = _cue_text(text[start:end], vtt)
        cues.append(_Cue(start, end, plain, marks, prefix))
    return cues


def _groups(cues: Sequence[_Cue]) -> list[list[int]]:
    """Runs of cues whose text reads on (no end punctuation), at most a few cues long."""
    groups: list[list[int]] = []
    for index, cue in enumerate(cues):
        if not cue.plain.strip():
            continue
        if groups and len(groups[-1]) < _MAX_CUES_PER_SENTENCE and not _ENDS.search(cues[groups[-1][-1]].plain):
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def reflow(words_text: str, line_length: int = LINE_LENGTH, lines: int = LINES) -> list[int]:
    """Where to break ``words_text`` (indexes of the spaces that become line breaks), lines balanced."""
    text = words_text
    if len(text) <= line_length:
        return []
    count = max(lines, -(-len(text) // line_length))
    spaces = [m.start() for m in re.finditer(" ", text)]
    breaks: list[int] = []
    for k in range(1, count):
        ideal = len(text) * k / count
        choices = [s for s in spaces if (not breaks or s > breaks[-1])]
        if not choices:
            break
        breaks.append(min(choices, key=lambda s: abs(s - ideal)))
    return breaks


class SubtitleDocument(Document):
    """Cues cut into sentences; ``render`` puts each sentence's words back over its cues and reflows them."""

    def __init__(
        self,
        format_name: str,
        source_lang: str,
        source: str,
        cues: list[_Cue],
        segments: list[Segment],
        sentences: list[_Sentence],
        line_length: int,
        lines: int,
    ) -> None:
        super().__init__(format_name, source_lang, source, segments, [])
        self.cues = cues
        self.sentences = sentences
        self.line_length = line_length
        self.lines = lines

    def render(self, outputs: Sequence[SegmentOutput], target_lang: str) -> str:
        if len(outputs) != len(self.segments):
            return super().render(outputs, target_lang)  # the same one-line error
        pieces: dict[int, list[tuple[str, list[tuple[int, int, _Mark]]]]] = {}
        changed: set[int] = set()
        for sentence in self.sentences:
            segment, output = self.segments[sentence.segment], outputs[sentence.segment]
            same = output.text == segment.text and (
                output.mark_spans is None or list(output.mark_spans) == [(m.start, m.end) for m in segment.inline]
            )
            for number, _, _ in sentence.parts:
                if not same:
                    changed.add(number)
            for number, text, marks in self._split(sentence, segment, output):
                pieces.setdefault(number, []).append((text, marks))
        parts: list[str] = []
        cursor = 0
        for index, cue in enumerate(self.cues):
            if index not in changed:
                continue
            parts.append(self.source[cursor : cue.start])
            parts.append(self._cue_markup(cue, pieces.get(index, []), is_rtl(target_lang)))
            cursor = cue.end
        parts.append(self.source[cursor:])
        return "".join(parts)

    def _split(
        self, sentence: _Sentence, segment: Segment, output: SegmentOutput
    ) -> list[tuple[int, str, list[tuple[int, int, _Mark]]]]:
        """The output cut over the sentence's cues by their share of its source, at spaces."""
        text = output.text.strip()
        spans = resolve_spans(segment, output)
        sizes = [end - start for _, start, end in sentence.parts]
        total = sum(sizes) or 1
        cuts = [0]
        spaces = [m.start() for m in re.finditer(r"\s", text)]
        done = 0
        for size in sizes[:-1]:
            done += size
            ideal = len(text) * done / total
            choices = [s for s in spaces if s >= cuts[-1]]
            cuts.append(min(choices, key=lambda s: abs(s - ideal)) if choices else len(text))
        cuts.append(len(text))
        offset = len(output.text) - len(output.text.lstrip())
        marks = sentence.marks
        result = []
        for k, (cue, _, _) in enumerate(sentence.parts):
            a, b = cuts[k], cuts[k + 1]
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece_marks = []
            for mark, (s, e) in zip(marks, spans):
                s, e = s - offset, e - offset
                if mark.start == mark.end:
                    if a <= s < b or (k == len(sentence.parts) - 1 and s == b):
                        piece_marks.append((s - a - lead, s - a - lead, mark))
                    continue
                lo, hi = max(s, a), min(e, b)
                if lo < hi:
                    piece_marks.append((lo - a - lead, hi - a - lead, mark))
            result.append((cue, piece.strip(), piece_marks))
        return result

    def _cue_markup(self, cue: _Cue, pieces: list[tuple[str, list[tuple[int, int, _Mark]]]], rtl: bool) -> str:
        text = ""
        marks: list[tuple[int, int, _Mark]] = []
        for piece, piece_marks in pieces:
            if not piece:
                continue
            base = len(text) + (1 if text else 0)
            text = f"{text} {piece}" if text else piece
            marks.extend((s + base, e + base, m) for s, e, m in piece_marks)
        breaks = set(reflow(text, self.line_length, self.lines))
        opens: dict[int, list[str]] = {}
        closes: dict[int, list[str]] = {}
        for s, e, mark in sorted(marks, key=lambda m: (m[0], -m[1])):
            s, e = max(0, min(s, len(text))), max(0, min(e, len(text)))
            opens.setdefault(s, []).append(mark.open)
            if mark.close:
                closes.setdefault(max(s, e), []).insert(0, mark.close)
        escape = self.format_name == "vtt"
        # Subtitle lines have no direction attribute: a right-to-left line starts with RIGHT-TO-LEFT MARK so that
        # players lay it out right to left even when it begins with a Latin name or a digit.
        rlm = "\u200f" if rtl else ""
        out: list[str] = [cue.prefix, rlm]
        for position in range(len(text) + 1):
            out.extend(closes.get(position, []))
            if position in breaks:
                out.append("\n" + rlm)  # the space a line break replaces
            out.extend(opens.get(position, []))
            if position < len(text) and position not in breaks:
                char = text[position]
                out.append(html.escape(char, quote=False) if escape else char)
        return "".join(out)


def _parse(text: str, source_lang: str, vtt: bool, name: str, line_length: int, lines: int) -> SubtitleDocument:
    cues = _parse_cues(text, vtt, name)
    segments: list[Segment] = []
    sentences: list[_Sentence] = []
    for group in _groups(cues):
        joined = ""
        bounds: list[tuple[int, int]] = []  # joined offsets of each cue's plain
        for index in group:
            if joined:
                joined += " "
            bounds.append((len(joined), len(joined) + len(cues[index].plain)))
            joined += cues[index].plain
        for start, end in split_sentences(joined, source_lang):
            parts = []
            inline: list[InlineMark] = []
            sources: list[_Mark] = []
            for index, (a, b) in zip(group, bounds):
                lo, hi = max(start, a) - a, min(end, b) - a
                if lo >= hi:
                    continue
                parts.append((index, lo, hi))
                for mark in cues[index].marks:
                    if mark.start == mark.end:
                        if not lo < mark.start < hi:
                            continue  # a timestamp between sentences: placed with the cue's words
                    elif mark.end <= lo or mark.start >= hi:
                        continue
                    # A tag over two sentences is cut in two: each sentence gets its own <i>...</i>.
                    m_start, m_end = max(mark.start, lo) + a - start, min(mark.end, hi) + a - start
                    inline.append(InlineMark(m_start, m_end, mark.open, mark.close, mark.kind))
                    sources.append(mark)
            if not parts:
                continue
            sentences.append(_Sentence(len(segments), parts, sources))
            segments.append(Segment(joined[start:end], inline, "subtitle", cues[parts[0][0]].start))
    return SubtitleDocument("vtt" if vtt else "srt", source_lang, text, cues, segments, sentences, line_length, lines)


def parse_srt(
    text: str, source_lang: str, name: str = "<input>", line_length: int = LINE_LENGTH, lines: int = LINES
) -> SubtitleDocument:
    return _parse(text, source_lang, False, name, line_length, lines)


def parse_vtt(
    text: str, source_lang: str, name: str = "<input>", line_length: int = LINE_LENGTH, lines: int = LINES
) -> SubtitleDocument:
    return _parse(text, source_lang, True, name, line_length, lines)
