"""CSV and TSV glossaries: two-column (DeepL / Google unidirectional) and multi-column with a header of language codes."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from dragoman.errors import GlossaryError
from dragoman.glossary.interchange import (
    ExportIssue,
    IdMaker,
    decode_text,
    normalize_code,
)
from dragoman.glossary.model import ENTRY_TYPES, STATUSES, Entry, Glossary, LangTerms, Origin
from dragoman.glossary.normalize import control_characters
from dragoman.glossary.schema import ID_HINT, is_valid_id
from dragoman.languages import is_valid_code

# A cell that a spreadsheet would run as a formula (OWASP "CSV injection"). Export prefixes
# such a cell with an apostrophe; a cell that already starts with apostrophes before one of
# these characters gets one more, so that import can strip exactly one and stay symmetric.
_FORMULA_RE = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED_RE = re.compile(r"^'+[=+\-@\t\r]")
# Header columns that are not languages: Google's equivalent-term-set CSV allows pos and
# description; entry_id/note/type/status let a file carry more.
# "id" is not among them: it is Indonesian.
_META = ("entry_id", "note", "description", "pos", "type", "status")
# DeepL's limit per glossary term.
MAX_TERM_BYTES = 1024


def escape_cell(value: str) -> str:
    """Neutralise a formula-like cell: '=1+1' -> \"'=1+1\" (undone by :func:`unescape_cell`)."""
    return "'" + value if _FORMULA_RE.match(value) else value


def unescape_cell(value: str) -> str:
    return value[1:] if _ESCAPED_RE.match(value) else value


def term_issues(text: str) -> list[str]:
    """DeepL's per-term rules: what is wrong with one term (empty list when it is fine)."""
    problems = []
    if not text.strip():
        problems.append("empty term")
        return problems
    controls = control_characters(text)
    if controls:
        problems.append(f"control character {', '.join(controls)} in {text!r}")
    if text != text.strip():
        problems.append(f"leading or trailing whitespace in {text!r}")
    size = len(text.encode("utf-8"))
    if size > MAX_TERM_BYTES:
        problems.append(f"term is {size} UTF-8 bytes, more than {MAX_TERM_BYTES}")
    return problems


@dataclass(frozen=True)
class DelimitedFormat:
    """CSV (comma) or TSV (tab)."""

    name: str
    delimiter: str

    # ------------------------------------------------------------------ export

    def check(
        self,
        glossary: Glossary,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> list[ExportIssue]:
        issues: list[ExportIssue] = []
        if source and target:
            seen: dict[str, str] = {}
            for entry, src, tgt in _pairs(glossary, source, target):
                for side, text in ((source, src), (target, tgt)):
                    for problem in term_issues(text):
                        issues.append(ExportIssue(entry.id, f"{side}: {problem}"))
                if src in seen:
                    issues.append(
                        ExportIssue(
                            entry.id,
                            f"duplicate source term {src!r} (also in entry {seen[src]!r}); DeepL allows one target per source",
                        )
                    )
                else:
                    seen[src] = entry.id
            return issues
        for entry in glossary:
            for code in _columns(glossary):
                rendering = entry.render_for(code)
                if rendering is None:
                    continue
                for problem in term_issues(rendering):
                    if not problem.startswith("term is"):  # the byte limit is DeepL's, for two-column files
                        issues.append(ExportIssue(entry.id, f"{code}: {problem}"))
        return issues

    def write(
        self,
        glossary: Glossary,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\n")
        if source and target:
            for _entry, src, tgt in _pairs(glossary, source, target):
                writer.writerow([escape_cell(src), escape_cell(tgt)])
            return out.getvalue()
        columns = _columns(glossary)
        writer.writerow(columns)
        for entry in glossary:
            row = [entry.render_for(code) or "" for code in columns]
            if any(row):
                writer.writerow([escape_cell(cell) for cell in row])
        return out.getvalue()

    # ------------------------------------------------------------------ import

    def read(
        self,
        data: bytes,
        path: str,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> Glossary:
        text = decode_text(data, path, f"{self.name.upper()} glossary")
        rows = self._rows(text, path)
        if not rows:
            raise GlossaryError("the file has no rows", path, hint="add at least one entry")
        first_line, first = rows[0]
        cells = [_header_cell(cell) for cell in first]
        if source and target and len(cells) == 2 and cells == [source, target]:
            return self._two_column(rows[1:], path, source, target)
        if source and target:
            # With a pair given, a first row is a header only if it names both languages:
            # "of,the" is two lowercase words that happen to look like language codes.
            if _looks_like_header(cells) and source in cells and target in cells:
                return self._multi_column(cells, first_line, rows[1:], path)
            return self._two_column(rows, path, source, target)
        if _looks_like_header(cells):
            return self._multi_column(cells, first_line, rows[1:], path)
        bad = next(
            (c for c in cells if c and c.lower() not in _META and not is_valid_code(c)),
            cells[0] if cells else "",
        )
        if any(is_valid_code(c) for c in cells):
            col = cells.index(bad) + 1
            raise GlossaryError(
                f"unknown language code {bad!r} in the header (column {col})",
                path,
                first_line,
                hint="use ISO 639 codes such as en, ms, fa (lowercase), one per column",
            )
        raise GlossaryError(
            "no header row of language codes",
            path,
            first_line,
            hint="add a first row such as 'en,fa' (or pass --from and --to for a two-column file without a header)",
        )

    def _rows(self, text: str, path: str) -> list[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter, strict=True)
        rows: list[tuple[int, list[str]]] = []
        start = 1
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append((start, row))
                start = reader.line_num + 1
        except csv.Error as err:
            raise GlossaryError(
                f"malformed {self.name.upper()}: {err}",
                path,
                start,
                hint='quote cells that contain the delimiter, quotes or line breaks ("a ""quoted"" word")',
            ) from None
        return rows

    def _two_column(self, rows: list[tuple[int, list[str]]], path: str, source: str, target: str) -> Glossary:
        glossary = Glossary(languages=[source, target], path=path)
        ids = IdMaker()
        for line, row in rows:
            if len(row) != 2:
                raise GlossaryError(
                    f"row has {len(row)} cells, expected 2 (source{self._sep_name()}target)",
                    path,
                    line,
                    hint="write one source and one target term per row, quoting cells that contain the delimiter",
                )
            src, tgt = (unescape_cell(cell) for cell in row)
            for code, value in ((source, src), (target, tgt)):
                if not value.strip():
                    raise GlossaryError(
                        f"empty {code} term",
                        path,
                        line,
                        hint="fill it in or remove the row",
                    )
            entry = Entry(
                id=ids.make([(source, src), (target, tgt)]),
                terms={source: LangTerms(src), target: LangTerms(tgt)},
                origin=Origin(path, line),
            )
            glossary.add(entry)
        return glossary

    def _multi_column(
        self,
        header: list[str],
        header_line: int,
        rows: list[tuple[int, list[str]]],
        path: str,
    ) -> Glossary:
        langs = [c for c in header if c.lower() not in _META]
        if len(set(header)) != len(header):
            dup = next(c for c in header if header.count(c) > 1)
            raise GlossaryError(
                f"column {dup!r} appears twice in the header",
                path,
                header_line,
                hint="keep one column per language",
            )
        if not langs:
            raise GlossaryError(
                "the header has no language column",
                path,
                header_line,
                hint="add columns such as en,fa",
            )
        glossary = Glossary(languages=langs, path=path)
        ids = IdMaker()
        for line, row in rows:
            if len(row) > len(header):
                raise GlossaryError(
                    f"row has {len(row)} cells but the header has {len(header)} columns",
                    path,
                    line,
                    hint="remove the extra cells or quote cells that contain the delimiter",
                )
            cells = dict(
                zip(
                    header,
                    [unescape_cell(c) for c in row] + [""] * (len(header) - len(row)),
                )
            )
            terms = {code: LangTerms(cells[code]) for code in langs if cells[code].strip()}
            if not terms:
                raise GlossaryError(
                    "row has no term in any language",
                    path,
                    line,
                    hint="fill in at least one language or remove the row",
                )
            wanted = cells.get("entry_id", "").strip() or None
            if wanted is not None and (wanted in glossary or not is_valid_id(wanted)):
                problem = "duplicate id" if wanted in glossary else "bad id"
                raise GlossaryError(
                    f"{problem} {wanted!r}",
                    path,
                    line,
                    hint=ID_HINT,
                )
            entry = Entry(
                id=ids.make([(c, t.preferred or "") for c, t in terms.items()], wanted),
                terms=terms,
                origin=Origin(path, line),
            )
            note = (cells.get("note") or cells.get("description") or "").strip()
            entry.note = note or None
            kind = cells.get("type", "").strip()
            if kind:
                if kind not in ENTRY_TYPES:
                    raise GlossaryError(
                        f"unknown type {kind!r}",
                        path,
                        line,
                        hint=f"use one of: {', '.join(ENTRY_TYPES)}",
                    )
                entry.type = kind
            status = cells.get("status", "").strip()
            if status:
                if status not in STATUSES:
                    raise GlossaryError(
                        f"unknown status {status!r}",
                        path,
                        line,
                        hint=f"use one of: {', '.join(STATUSES)}",
                    )
                entry.status = status
            glossary.add(entry)
        return glossary

    def _sep_name(self) -> str:
        return "," if self.delimiter == "," else "<TAB>"


def _header_cell(cell: str) -> str:
    """A header cell as dragoman spells it: meta names lowercased, 'EN-us' -> 'en-US'."""
    cell = cell.strip()
    if cell.lower() in _META:
        return cell.lower()
    return normalize_code(cell) or cell


def _looks_like_header(cells: list[str]) -> bool:
    """A first row made only of language codes (and known meta columns), with at least one language."""
    named = [c for c in cells if c]
    if len(named) != len(cells) or not named:
        return False
    return all(is_valid_code(c) or c.lower() in _META for c in named) and any(is_valid_code(c) for c in named)


def _columns(glossary: Glossary) -> list[str]:
    columns = list(glossary.languages)
    for entry in glossary:
        for code in entry.terms:
            if code not in columns:
                columns.append(code)
    return columns


def _pairs(glossary: Glossary, source: str, target: str) -> list[tuple[Entry, str, str]]:
    """(entry, source term, target rendering) for entries that have both sides."""
    out = []
    for entry in glossary:
        src = entry.term(source)
        if src is None and entry.dnt:
            src = entry.render_for(source)
        tgt = entry.render_for(target, source)
        if src is not None and tgt is not None:
            out.append((entry, src, tgt))
    return out


def skipped_entries(glossary: Glossary, source: str, target: str) -> list[str]:
    """Ids of entries a two-column export leaves out (no term on one side)."""
    kept = {entry.id for entry, _s, _t in _pairs(glossary, source, target)}
    return [entry.id for entry in glossary if entry.id not in kept]


CSV = DelimitedFormat("csv", ",")
TSV = DelimitedFormat("tsv", "\t")
