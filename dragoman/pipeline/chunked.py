"""Large plain-text inputs translated piece by piece, so memory does not grow with the number of sentences.

A parsed segment costs far more than its characters (the Segment, its Region, its translation, its share of
the rendered output): a 20 MB article parsed whole peaked at ~20x its size. A plain-text input above
LARGE_TEXT_CHARS is instead cut at paragraph boundaries into pieces of about PIECE_CHARS; each piece is parsed,
translated, rendered and appended to the output's temporary file, then dropped. Plain text has no structure
across a blank line (a soft-wrapped sentence never spans one), so the output is the same as a whole parse.

A JSON lines archive of more than RECORD_WINDOW records is done the same way, RECORD_WINDOW records (lines) a
piece: a record is one line, and nothing joins two, so the output is again the same as a whole parse.

Such an input is not held either: inputs.scan_text_file checks the file a block at a time (the errors of a whole
read), and each pass (the up-front check, then each target) reads it again, a piece at a time. The report's part
for it is built a piece at a time too (:class:`PieceReport`): per segment nothing is kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from dragoman.enforce.model import FORBIDDEN_FOUND, Occurrence, SegmentResult
from dragoman.formats.base import Document
from dragoman.pipeline import report as term_report

LARGE_TEXT_CHARS = 4_000_000
PIECE_CHARS = 500_000
# Records (lines) of a JSON lines piece: as many as the files of one window of an archive run.
RECORD_WINDOW = 1000
# A plain-text piece ends with a blank line: nothing in plain text joins across one.
_BLANK_LINE_RE = re.compile(r"[ \t]*\r?\n")
_UTF8_BOM = b"\xef\xbb\xbf"


class ChunkedText(Document):
    """A large plain-text input (or JSON lines archive) in its file, parsed a piece at a time by
    :func:`translate_pieces`. ``segments`` stays empty (nothing is parsed up front) and ``source`` too (the text
    is read from ``path`` a piece at a time, never whole)."""

    def __init__(
        self,
        source_lang: str,
        path: Path,
        format_name: str = "txt",
        name: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(format_name, source_lang, "", [], [])
        self.path = path
        self.name = name
        self.options = options
        # The offset of each piece read -> the lines (as str.splitlines counts them, as a format numbers them)
        # before it: a parse error's line in the whole file. One entry a piece.
        self.lines_before: dict[int, int] = {}

    def pieces(self) -> Iterator[tuple[int, str]]:
        """(offset, text) of consecutive pieces that cover the whole text, read from the file (decoded as it is
        read, a line ending in "\\n" at a time: the file was checked whole by inputs.scan_text_file, a BOM is
        dropped at the start only). Every piece but the last ends with "\\n"."""
        from dragoman.errors import InputError

        offset = lines = 0
        # newline="\n": lines end at "\n" only, and every "\r" is kept, as a whole read keeps it.
        with open(self.path, encoding="utf-8-sig", newline="\n") as handle:
            try:
                while piece := self._read_piece(handle):
                    self.lines_before[offset] = lines
                    yield offset, piece
                    offset += len(piece)
                    lines += len(piece.splitlines())  # each piece but the last ends a line: the counts add up
            except UnicodeDecodeError:
                raise InputError(
                    "changed while it was translated (it is no longer valid UTF-8)",
                    str(self.path),
                    hint="translate a copy that nothing writes to",
                ) from None

    def _read_piece(self, handle: TextIO) -> str:
        if self.format_name == "jsonl":
            lines = []
            for _ in range(RECORD_WINDOW):
                line = handle.readline()
                if not line:
                    break
                lines.append(line)
            return "".join(lines)
        # PIECE_CHARS characters, then on to the end of the first blank line that starts after them (where a
        # whole text is cut: _BLANK_LINE_RE searched from there).
        parts = [handle.read(PIECE_CHARS)]
        if not parts[0]:
            return ""
        parts.append(handle.readline())  # the rest of its line
        while parts[-1].endswith("\n") and (line := handle.readline()):
            parts.append(line)
            if _BLANK_LINE_RE.fullmatch(line):
                break
        return "".join(parts)

    def head(self, chars: int) -> str:
        """The first ``chars`` characters of the text (language detection's sample)."""
        with open(self.path, "rb") as handle:
            data = handle.read(4 * chars + len(_UTF8_BOM))
        return data.removeprefix(_UTF8_BOM).decode("utf-8", errors="ignore")[:chars]


def is_large_file(path: Path, format_name: str) -> bool:
    """Whether an input file is translated piece by piece, from its file: plain text above LARGE_TEXT_CHARS, JSON
    lines above RECORD_WINDOW records (the count of newlines: a cheap bound, the output is the same either way).

    A file that may be is checked whole first (inputs.scan_text_file: the InputError of a whole read, which
    the caller reports). Not a regular file (a pipe), or all blank (a whole read says it is empty): False.
    """
    from dragoman.inputs import scan_text_file

    if format_name not in ("jsonl", "txt"):
        return False
    try:
        size = path.stat().st_size
    except OSError:
        return False  # the whole read says what is wrong
    if size <= (RECORD_WINDOW if format_name == "jsonl" else LARGE_TEXT_CHARS):
        return False
    scan = scan_text_file(path)
    if scan is None:
        return False
    if format_name == "jsonl":
        return scan.newlines > RECORD_WINDOW
    return scan.chars > LARGE_TEXT_CHARS


def parse_piece(document: ChunkedText, offset: int, piece: str) -> Document:
    """One piece parsed as its format; an InputError's line is the line in the whole document."""
    from dragoman.errors import InputError
    from dragoman.formats import parse

    try:
        return parse(piece, document.format_name, document.source_lang, document.name, document.options)
    except InputError as err:
        before = document.lines_before.get(offset, 0)
        if err.line is None or not before:
            raise
        raise InputError(err.message, err.path, err.line + before, err.column, hint=err.hint) from None


def check(document: ChunkedText) -> None:
    """Raise the InputError a whole parse would (JSON lines: a line that is not a JSON object), before any
    work, without parsing the records' fields into segments."""
    if document.format_name != "jsonl":
        return
    from dragoman.formats.jsonl import check_jsonl

    fields = (document.options or {}).get("fields")
    for offset, piece in document.pieces():
        check_jsonl(piece, document.name or "<input>", fields, first_line=document.lines_before[offset] + 1)


class PieceReport:
    """The report's record of a document translated piece by piece, built a piece at a time: what
    report.document_report makes of the whole document, without keeping anything per segment.

    Each piece's own document_report (its text gives lines and columns) is moved to its place in the whole
    (segment numbers, offsets and lines shifted; a piece starts a line, so columns stand); the consistency
    lists, which need every rendering of the document, are counted across the pieces (as document_report
    counts them: tests compare the two reports).
    """

    def __init__(self) -> None:
        self.summary = term_report.empty_summary()
        self.occurrences: list[dict[str, Any]] = []
        self.integrity: list[dict[str, Any]] = []
        self._names: dict[str, Counter[str]] = {}
        self._segments = self._newlines = 0
        self._used: dict[str, Occurrence] = {}  # entry id -> its first occurrence (for the provenance)

    def add(self, offset: int, piece: str, starts: list[int], values: list[SegmentResult]) -> None:
        """A translated piece: ``starts`` of its segments in the piece, their results."""
        part = term_report.document_report(
            term_report.DocumentRecord(path=None, source="", target="", segments=zip(starts, values), source_text=piece)
        )
        for key in term_report.SUMMARY_KEYS:
            self.summary[key] += part["summary"][key]
        for item in part["occurrences"]:
            item["segment"] += self._segments
            for key in ("source_start", "source_end"):
                if item[key] is not None:
                    item[key] += offset
            if item["line"] is not None:
                item["line"] += self._newlines
            self.occurrences.append(item)
        for item in part["integrity"]:
            item["segment"] += self._segments
            if item["line"] is not None:
                item["line"] += self._newlines
            self.integrity.append(item)
        for value in values:
            for name, rendering in value.name_renderings.items():
                self._names.setdefault(name, Counter())[rendering] += 1
            for occ in value.occurrences:
                if occ.entry_id:
                    self._used.setdefault(occ.entry_id, occ)
        self._segments += len(values)
        self._newlines += piece.count("\n")

    def used(self) -> list[SegmentResult]:
        """One result holding the first occurrence of each glossary entry used, in order: what the provenance
        (provenance.ids_of_results) reads of a document's results."""
        return [SegmentResult("", occurrences=list(self._used.values()))] if self._used else []

    def fill(self, document: dict[str, Any]) -> None:
        """Put the whole document's findings into its record (one report.document_report made without any)."""
        renderings: dict[str, Counter[str]] = {}
        shown: dict[str, dict[str, str]] = {}
        for item in self.occurrences:  # as report.document_report counts them
            target_text = item["target_text"]
            if item["status"] == FORBIDDEN_FOUND or target_text is None:
                continue
            renderings.setdefault(item["entry_id"], Counter())[target_text.casefold()] += 1
            shown.setdefault(item["entry_id"], {}).setdefault(target_text.casefold(), target_text)
        document["summary"] = dict(self.summary)
        document["occurrences"] = self.occurrences
        document["consistency"] = {
            "terms": [
                {
                    "entry_id": entry_id,
                    "renderings": {shown[entry_id][key]: count for key, count in counts.most_common()},
                }
                for entry_id, counts in renderings.items()
                if len(counts) > 1
            ],
            "names": [
                {
                    "name": name,
                    "renderings": dict(counts.most_common()),
                    "suggestion": f"{name!r} came out {len(counts)} ways; add a glossary entry to fix one rendering",
                }
                for name, counts in sorted(self._names.items())
                if len(counts) > 1
            ],
        }
        document["integrity"] = self.integrity


def translate_pieces(
    document: ChunkedText,
    translate: Callable[[list[Any]], list[Any]],
    render: Callable[[Document, list[Any]], str],
    write: Callable[[str], object],
    report: PieceReport | None = None,
) -> int:
    """Parse, translate (``translate(segments)``), render and ``write`` each piece in turn; each piece's results
    go to ``report``. Returns the number of segments."""
    count = 0
    for offset, piece in document.pieces():
        part = parse_piece(document, offset, piece)
        values = translate(part.segments)
        if report is not None:
            report.add(offset, piece, [segment.start or 0 for segment in part.segments], values)
        write(render(part, values))
        count += len(part.segments)
    return count
