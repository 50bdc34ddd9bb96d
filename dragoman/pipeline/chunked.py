"""Large plain-text inputs translated piece by piece, so memory does not grow with the number of sentences.

A parsed segment costs far more than its characters (the Segment, its Region, its translation, its share of
the rendered output): a 20 MB article parsed whole peaked at ~20x its size. A plain-text input above
LARGE_TEXT_CHARS is instead cut at paragraph boundaries into pieces of about PIECE_CHARS; each piece is parsed,
translated, rendered and appended to the output's temporary file, then dropped. Plain text has no structure
across a blank line (a soft-wrapped sentence never spans one), so the output is the same as a whole parse.

A JSON lines archive of more than RECORD_WINDOW records is done the same way, RECORD_WINDOW records (lines) a
piece: a record is one line, and nothing joins two, so the output is again the same as a whole parse.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterator
from typing import Any

from dragoman.formats.base import Document

LARGE_TEXT_CHARS = 4_000_000
PIECE_CHARS = 500_000
# Records (lines) of a JSON lines piece: as many as the files of one window of an archive run.
RECORD_WINDOW = 1000
# A cut goes after a blank line: nothing in plain text joins across one.
_BLANK_LINE_RE = re.compile(r"\r?\n[ \t]*\r?\n")
# Where str.splitlines ends a line (what formats/jsonl.py reads as one record); \r\n first, never cut in two.
_LINE_END_RE = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


class ChunkedText(Document):
    """A large plain-text input (or JSON lines archive), parsed a piece at a time by :func:`translate_pieces`.

    ``segments`` stays empty (nothing is parsed up front); ``starts`` holds where each segment starts in the
    text once translated (8 bytes a segment, for the report's line numbers).
    """

    def __init__(
        self,
        source_lang: str,
        source: str,
        format_name: str = "txt",
        name: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(format_name, source_lang, source, [], [])
        self.starts: array[int] = array("q")
        self.name = name
        self.options = options

    def pieces(self) -> Iterator[tuple[int, str]]:
        """(offset, text) of consecutive pieces that cover the whole source."""
        text = self.source
        position = 0
        if self.format_name == "jsonl":
            count = 0
            for line_end in _LINE_END_RE.finditer(text):
                count += 1
                if count == RECORD_WINDOW:
                    yield position, text[position : line_end.end()]
                    position, count = line_end.end(), 0
            if position < len(text):
                yield position, text[position:]
            return
        while position < len(text):
            end = len(text)
            if end - position > PIECE_CHARS:
                match = _BLANK_LINE_RE.search(text, position + PIECE_CHARS)
                if match is not None:
                    end = match.end()
            yield position, text[position:end]
            position = end


def is_large_text(text: str, format_name: str) -> bool:
    """Whether an input is translated piece by piece: plain text above LARGE_TEXT_CHARS, JSON lines above
    RECORD_WINDOW records (the count of newlines: a cheap bound, the output is the same either way)."""
    if format_name == "jsonl":
        return text.count("\n") > RECORD_WINDOW
    return format_name == "txt" and len(text) > LARGE_TEXT_CHARS


def parse_piece(document: ChunkedText, offset: int, piece: str) -> Document:
    """One piece parsed as its format; an InputError's line is the line in the whole document."""
    from dragoman.errors import InputError
    from dragoman.formats import parse

    try:
        return parse(piece, document.format_name, document.source_lang, document.name, document.options)
    except InputError as err:
        if err.line is None or not offset:
            raise
        before = len(document.source[:offset].splitlines())
        raise InputError(err.message, err.path, err.line + before, err.column, hint=err.hint) from None


def check(document: ChunkedText) -> None:
    """Raise the InputError a whole parse would (JSON lines: a line that is not a JSON object), before any
    work, without parsing the records' fields into segments."""
    if document.format_name != "jsonl":
        return
    from dragoman.formats.jsonl import check_jsonl

    fields = (document.options or {}).get("fields")
    before = 0
    for _, piece in document.pieces():
        check_jsonl(piece, document.name or "<input>", fields, first_line=before + 1)
        before += len(piece.splitlines())


def translate_pieces(
    document: ChunkedText,
    translate: Callable[[list[Any]], list[Any]],
    render: Callable[[Document, list[Any]], str],
    write: Callable[[str], object],
    keep: Callable[[Any], Any] | None = None,
) -> tuple[int, list[Any]]:
    """Parse, translate (``translate(segments)``), render and ``write`` each piece in turn.

    Returns the number of segments and the non-plain results (glossary runs: one per segment, for the report),
    each passed through ``keep`` (which may swap one the report has nothing to say about for a shared empty one).
    """
    count = 0
    results: list[Any] = []
    document.starts = array("q")
    for offset, piece in document.pieces():
        part = parse_piece(document, offset, piece)
        values = translate(part.segments)
        for segment in part.segments:
            document.starts.append(offset + (segment.start or 0))
        kept = (value for value in values if not isinstance(value, str))
        results.extend(kept if keep is None else map(keep, kept))
        write(render(part, values))
        count += len(part.segments)
    return count, results
