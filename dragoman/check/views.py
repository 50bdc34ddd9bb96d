"""What `dragoman check` pairs, for every format: a text document one block a line, and where each line is.

Text formats (txt, Markdown, HTML, SRT, WebVTT, JSON lines) are checked on their own text, so a finding
has the file's line; subtitles and JSON lines also name the cue or record. A container (DOCX, ODT) has no
lines: its paragraphs are laid out one a line, in the order its reader gives them (empty paragraphs
included), and findings name the paragraph. An XLIFF job holds both sides: its units' sources and targets
are laid out one unit a line, and findings name the unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dragoman.formats import ContainerDocument, Document, Segment

_TIMING = re.compile(r"-->")


@dataclass
class View:
    """``document`` for align(); ``labels[n - 1]`` says where line ``n`` of it is in the file (None: nowhere
    in particular); ``has_lines``: whether the view's lines are the file's lines (False for DOCX, ODT, XLIFF)."""

    document: Document
    labels: list[str | None] | None = None
    has_lines: bool = True

    def label(self, line: int | None) -> str | None:
        if line is None or self.labels is None or not 0 < line <= len(self.labels):
            return None
        return self.labels[line - 1]


def laid_out(format_name: str, lang: str, blocks: Sequence[tuple[str, str, Sequence[Segment], Sequence[int]]]) -> View:
    """A view of ``blocks`` (label, text, segments, where each starts in text): one block a line."""
    lines: list[str] = []
    segments: list[Segment] = []
    offset = 0
    for _, text, block_segments, starts in blocks:
        line = text.replace("\r", " ").replace("\n", " ")
        for segment, start in zip(block_segments, starts):
            segments.append(Segment(segment.text, segment.inline, segment.kind, offset + start))
        lines.append(line)
        offset += len(line) + 1
    source = "\n".join(lines) + "\n"
    return View(Document(format_name, lang, source, segments, []), [label for label, *_ in blocks], False)


def container_view(document: ContainerDocument) -> View:
    """A DOCX or ODT as its paragraphs, one a line, labelled "paragraph N" (by part and kind)."""
    blocks = [
        (block.label, block.text, document.segments[block.first : block.end], block.starts)
        for block in document.located_blocks()
    ]
    return laid_out(document.format_name, document.source_lang, blocks)


def cue_labels(text: str) -> list[str | None]:
    """For each line of a subtitle file, "cue ID" (the SRT number or WebVTT identifier; else the cue's
    position) for the lines of a cue, None for the header, notes and blank lines."""
    lines = text.split("\n")
    labels: list[str | None] = [None] * len(lines)
    ordinal = 0
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        end = index
        while end < len(lines) and lines[end].strip():
            end += 1
        timing = next((i for i in range(index, min(end, index + 2)) if _TIMING.search(lines[i])), None)
        if timing is not None:
            ordinal += 1
            ident = lines[timing - 1].strip() if timing > index else str(ordinal)
            for line in range(index, end):
                labels[line] = f"cue {ident}"
        index = end
    return labels


def record_labels(text: str) -> list[str | None]:
    """For each line of a JSON-lines file, "record N" (N counts the lines that hold a record)."""
    labels: list[str | None] = []
    count = 0
    for line in text.split("\n"):
        if line.strip():
            count += 1
            labels.append(f"record {count}")
        else:
            labels.append(None)
    return labels


def view_of(document: Document) -> View:
    """The check view of any parsed document (but an XLIFF job, which holds both sides: see xliff_views)."""
    if isinstance(document, ContainerDocument):
        return container_view(document)
    if document.format_name in ("srt", "vtt"):
        return View(document, cue_labels(document.source))
    if document.format_name == "jsonl":
        return View(document, record_labels(document.source))
    return View(document)
