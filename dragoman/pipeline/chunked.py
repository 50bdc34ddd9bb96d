"""Large plain-text inputs translated piece by piece, so memory does not grow with the number of sentences.

A parsed segment costs far more than its characters (the Segment, its Region, its translation, its share of
the rendered output): a 20 MB article parsed whole peaked at ~20x its size. A plain-text input above
LARGE_TEXT_CHARS is instead cut at paragraph boundaries into pieces of about PIECE_CHARS; each piece is parsed,
translated, rendered and appended to the output's temporary file, then dropped. Plain text has no structure
across a blank line (a soft-wrapped sentence never spans one), so the output is the same as a whole parse.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from dragoman.formats.base import Document

LARGE_TEXT_CHARS = 4_000_000
PIECE_CHARS = 500_000
# A cut goes after a blank line: nothing in plain text joins across one.
_BLANK_LINE_RE = re.compile(r"\r?\n[ \t]*\r?\n")


class ChunkedText(Document):
    """A large plain-text input, parsed a piece at a time by :func:`translate_pieces`.

    ``segments`` stays empty (nothing is parsed up front); ``starts`` holds where each segment starts in the
    text once translated (8 bytes a segment, for the report's line numbers).
    """

    def __init__(self, source_lang: str, source: str) -> None:
        super().__init__("txt", source_lang, source, [], [])
        self.starts: array[int] = array("q")

    def pieces(self) -> Iterator[tuple[int, str]]:
        """(offset, text) of consecutive pieces that cover the whole source."""
        text = self.source
        position = 0
        while position < len(text):
            end = len(text)
            if end - position > PIECE_CHARS:
                match = _BLANK_LINE_RE.search(text, position + PIECE_CHARS)
                if match is not None:
                    end = match.end()
            yield position, text[position:end]
            position = end


def is_large_text(text: str, format_name: str) -> bool:
    """Whether an input is translated piece by piece (plain text above LARGE_TEXT_CHARS)."""
    return format_name == "txt" and len(text) > LARGE_TEXT_CHARS


def translate_pieces(
    document: ChunkedText,
    translate: Callable[[list[Any]], list[Any]],
    render: Callable[[Document, list[Any]], str],
    write: Callable[[str], object],
) -> tuple[int, list[Any]]:
    """Parse, translate (``translate(segments)``), render and ``write`` each piece in turn.

    Returns the number of segments and the non-plain results (glossary runs: one per segment, for the report).
    """
    from dragoman.formats import parse

    count = 0
    results: list[Any] = []
    document.starts = array("q")
    for offset, piece in document.pieces():
        part = parse(piece, "txt", document.source_lang)
        values = translate(part.segments)
        for segment in part.segments:
            document.starts.append(offset + (segment.start or 0))
        results.extend(value for value in values if not isinstance(value, str))
        write(render(part, values))
        count += len(part.segments)
    return count, results
