"""The document model every format shares: segments to translate, inline marks, exact re-rendering."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dragoman.errors import DragomanError

Span = tuple[int, int]


@dataclass(frozen=True)
class InlineMark:
    """Inline markup inside a segment: ``text[start:end]`` is wrapped in ``open`` ... ``close``.

    ``open``/``close`` are the source markup, verbatim (``**``, ``[`` and ``](https://x "t")``,
    ``<a href="...">`` and ``</a>``). A mark that crosses a sentence boundary is cut in two: the
    first part has ``close == ""``, the second ``open == ""``. A zero-width mark (start == end,
    close == "") is an atom such as an image or a line break. ``translate`` is False for code and
    ``translate="no"`` content: it is in ``text`` so the sentence reads naturally, but the renderer
    always writes the original back there (protect it like a term).
    """

    start: int
    end: int
    open: str
    close: str
    kind: str
    translate: bool = True


@dataclass
class Segment:
    """One sentence to translate: plain text (markup removed, entities decoded) and its marks."""

    text: str
    inline: list[InlineMark] = field(default_factory=list)
    kind: str = "paragraph"
    start: int | None = None  # where the segment's source starts in the document (for reports)


@dataclass
class SegmentOutput:
    """A translated segment: ``mark_spans[i]`` is where the content of ``inline[i]`` landed.

    ``None`` (for the list or an item) means unknown: the markup goes to the same relative
    position, snapped to word boundaries. Markup and URLs are never lost.
    """

    text: str
    mark_spans: list[Span | None] | None = None
    # Glossary problems left in this translation, one line each (formats that carry review state, such
    # as XLIFF, mark the unit for review and attach them as notes); empty when all terms were enforced.
    findings: list[str] = field(default_factory=list)


@dataclass
class MarkSource:
    """Where a mark's markup sits in the source (absolute offsets), for re-rendering."""

    open: Span | None
    close: Span | None
    content: Span | None = None  # the verbatim content of a mark that is not translated


@dataclass
class Region:
    """A part of the source that is rendered instead of copied: a segment or an edit."""

    start: int
    end: int
    segment: int | None = None
    marks: list[MarkSource] = field(default_factory=list)
    escape: Callable[[str], str] | None = None
    edit: Callable[[str, str], str] | None = None  # (source slice, target language) -> text


def _identity(text: str) -> str:
    return text


class Document:
    """A parsed document: ``segments`` to translate and ``render`` to put translations back.

    ``render`` gives text; ``render_bytes`` gives the file to write (the UTF-8 of ``render`` here,
    the rebuilt container for a ContainerDocument, whose ``binary`` is True).
    """

    binary = False

    def __init__(
        self, format_name: str, source_lang: str, source: str, segments: list[Segment], regions: list[Region]
    ) -> None:
        self.format_name = format_name
        self.source_lang = source_lang
        self.source = source
        self.segments = segments
        # Outer regions first at equal starts, so nested ones (an alt attribute inside a
        # sentence's markup) are reached through their parent.
        self._regions = sorted(regions, key=lambda r: (r.start, -r.end))
        self._starts = [r.start for r in self._regions]

    def identity_outputs(self) -> list[SegmentOutput]:
        """Outputs that are the source segments themselves: rendering them gives the input back."""
        return [SegmentOutput(s.text, [(m.start, m.end) for m in s.inline]) for s in self.segments]

    def render(self, outputs: Sequence[SegmentOutput], target_lang: str) -> str:
        """The whole document with each segment replaced by its output, structure kept."""
        if len(outputs) != len(self.segments):
            raise DragomanError(
                f"render got {len(outputs)} translations for {len(self.segments)} segments",
                "pass exactly one SegmentOutput per Document.segments item, in order",
            )
        return self._emit(0, len(self.source), outputs, target_lang)

    def render_bytes(self, outputs: Sequence[SegmentOutput], target_lang: str) -> bytes:
        """The translated file's bytes."""
        return self.render(outputs, target_lang).encode("utf-8")

    def _emit(
        self, start: int, end: int, outputs: Sequence[SegmentOutput], target: str, inside: Region | None = None
    ) -> str:
        parts: list[str] = []
        cursor = start
        index = bisect.bisect_left(self._starts, start)
        while index < len(self._regions) and self._regions[index].start < end:
            region = self._regions[index]
            index += 1
            if region is inside or region.start < cursor or region.end > end:
                continue  # nested in a region already rendered, or sticking out of this range
            parts.append(self.source[cursor : region.start])
            parts.append(self._render_region(region, outputs, target))
            cursor = region.end
        parts.append(self.source[cursor:end])
        return "".join(parts)

    def _render_region(self, region: Region, outputs: Sequence[SegmentOutput], target: str) -> str:
        if region.edit is not None:
            return region.edit(self.source[region.start : region.end], target)
        assert region.segment is not None
        segment = self.segments[region.segment]
        output = outputs[region.segment]
        original = [(m.start, m.end) for m in segment.inline]
        if output.text == segment.text and (
            not segment.inline or output.mark_spans is None or list(output.mark_spans) == original
        ):
            # Unchanged: the source as it was, entities and spacing included.
            return self._emit(region.start, region.end, outputs, target, inside=region)
        return self._render_translated(region, segment, output, outputs, target)

    def _render_translated(
        self, region: Region, segment: Segment, output: SegmentOutput, outputs: Sequence[SegmentOutput], target: str
    ) -> str:
        escape = region.escape or _identity
        text = output.text
        spans = resolve_spans(segment, output)
        # Events at each position: closes (inner first), then atoms, then opens (outer first).
        events: list[tuple[int, int, int, int, int]] = []  # (pos, order, tiebreak, tiebreak, mark)
        for index, (mark, (start, end)) in enumerate(zip(segment.inline, spans)):
            if mark.start == mark.end and not mark.close and mark.translate:
                events.append((start, 1, 0, index, index))
                continue
            events.append((start, 2, -end, index, index))
            events.append((end, 0, -start, -index, index))
        events.sort()
        opened: set[int] = set()
        parts: list[str] = []
        pos = 0
        skip_until = -1  # inside a mark that is not translated: its source content is written
        for at, order, _, _, index in events:
            if at > pos:
                if pos >= skip_until:
                    parts.append(escape(text[pos:at]))
                elif at > skip_until:
                    parts.append(escape(text[skip_until:at]))
                pos = at
            mark = segment.inline[index]
            source = region.marks[index] if index < len(region.marks) else MarkSource(None, None)
            if order == 1:
                parts.append(self._markup(source.open, mark.open, outputs, target))
            elif order == 2:
                opened.add(index)
                parts.append(self._markup(source.open, mark.open, outputs, target))
                if not mark.translate:
                    parts.append(self._markup(source.content, segment.text[mark.start : mark.end], outputs, target))
                    skip_until = max(skip_until, spans[index][1])
            else:
                parts.append(self._markup(source.close, mark.close, outputs, target))
        if len(text) > pos:
            parts.append(escape(text[max(pos, skip_until) :]))
        return "".join(parts)

    def _markup(self, span: Span | None, fallback: str, outputs: Sequence[SegmentOutput], target: str) -> str:
        if span is None:
            return fallback
        return self._emit(span[0], span[1], outputs, target)


def _guess_span(mark: InlineMark, source_len: int, text: str) -> Span:
    """Same relative position as in the source, widened to whole words."""
    n = len(text)
    if source_len == 0:
        return (0, n)
    start = min(n, round(mark.start * n / source_len))
    end = min(n, max(start, round(mark.end * n / source_len)))

    def inside_word(pos: int) -> bool:
        return 0 < pos < n and text[pos - 1].isalnum() and text[pos].isalnum()

    if mark.start == mark.end:
        while inside_word(start):
            start += 1  # an atom never lands inside a word
        return (start, start)
    while inside_word(start):
        start -= 1
    while inside_word(end):
        end += 1
    if end <= start:  # at least one word
        end = start
        while end < n and text[end].isspace():
            end += 1
        while end < n and not text[end].isspace():
            end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)


def resolve_spans(segment: Segment, output: SegmentOutput) -> list[Span]:
    """One well-nested span per mark in ``output.text``: given ones clamped, missing ones guessed."""
    n = len(output.text)
    given = list(output.mark_spans or [])
    spans: list[Span] = []
    for index, mark in enumerate(segment.inline):
        span = given[index] if index < len(given) else None
        if span is None:
            span = _guess_span(mark, len(segment.text), output.text)
        start = max(0, min(n, int(span[0])))
        end = max(start, min(n, int(span[1])))
        if mark.open and not mark.close and mark.start != mark.end:
            end = n  # closes in a later segment
        if mark.close and not mark.open:
            start = 0  # opened in an earlier segment
        spans.append((start, end))
    # Keep the source's nesting: a mark inside another stays inside it, siblings do not cross.
    for index, mark in enumerate(segment.inline):
        start, end = spans[index]
        for other in range(index - 1, -1, -1):
            outer = segment.inline[other]
            o_start, o_end = spans[other]
            contains = outer.start <= mark.start and mark.end <= outer.end and (outer.start != outer.end)
            if contains:
                start = min(max(start, o_start), o_end)
                end = min(max(end, start), o_end)
                break
            if start < o_end and end > o_end and start > o_start:
                start = o_end  # crossing sibling: start after it
                end = max(end, start)
        spans[index] = (start, end)
    return spans


@dataclass
class LocatedBlock:
    """A paragraph of a container document, for reports: where it is, its text, and its segments.

    ``label`` names it as a reader would find it ("paragraph 12", "word/footer1.xml paragraph 1");
    ``segments[first:end]`` are its sentences, ``starts`` where each begins in ``text``.
    """

    label: str
    text: str
    first: int
    end: int
    starts: list[int]


class ContainerDocument(Document):
    """A document stored as bytes (a zip of XML parts: DOCX, ODT): ``render_bytes`` is the file.

    ``render`` gives a text view (each segment's output on its own line) for previews, stdout and
    reports; subclasses implement ``build`` to write the translated container.
    """

    binary = True

    def __init__(self, format_name: str, source_lang: str, segments: list[Segment]) -> None:
        super().__init__(format_name, source_lang, "", segments, [])

    def _check(self, outputs: Sequence[SegmentOutput]) -> None:
        if len(outputs) != len(self.segments):
            raise DragomanError(
                f"render got {len(outputs)} translations for {len(self.segments)} segments",
                "pass exactly one SegmentOutput per Document.segments item, in order",
            )

    def render(self, outputs: Sequence[SegmentOutput], target_lang: str) -> str:
        self._check(outputs)
        return "".join(f"{output.text}\n" for output in outputs)

    def render_bytes(self, outputs: Sequence[SegmentOutput], target_lang: str) -> bytes:
        self._check(outputs)
        return self.build(outputs, target_lang)

    def build(self, outputs: Sequence[SegmentOutput], target_lang: str) -> bytes:
        raise NotImplementedError

    def located_blocks(self) -> list[LocatedBlock]:
        """Every paragraph, empty ones included, in the order of ``segments`` (`dragoman check` places findings)."""
        raise NotImplementedError
