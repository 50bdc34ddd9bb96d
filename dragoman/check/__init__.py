"""QA of an existing translation: both files read by the format readers, paired, and checked against the glossary."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from dragoman.check.align import (
    DOCUMENT,
    LINE,
    SEGMENT,
    Alignment,
    Unit,
    align,
    align_lines,
    line_groups,
)
from dragoman.check.integrity import check_unit as check_integrity
from dragoman.check.integrity import selected_checks
from dragoman.check.report import CODES, ERROR, WARNING, CheckReport, Finding
from dragoman.check.terms import TermChecker
from dragoman.glossary.model import Glossary
from dragoman.languages import validate_code

__all__ = [
    "CODES",
    "DOCUMENT",
    "ERROR",
    "LINE",
    "SEGMENT",
    "WARNING",
    "Alignment",
    "CheckReport",
    "Finding",
    "Unit",
    "align",
    "align_lines",
    "check_alignment",
    "check_files",
    "check_translation",
    "read_document",
]


def read_document(path: str | Path) -> str:
    """Read a text to check, with the project's input checks (missing, binary, not UTF-8, empty)."""
    from dragoman.inputs import read_text_file

    return read_text_file(path)


def check_files(
    source_path: str | Path,
    target_path: str | Path,
    glossary: Glossary,
    source: str,
    target: str,
    *,
    include_drafts: bool = False,
    format_name: str | None = None,
    skip_checks: Collection[str] = (),
) -> CheckReport:
    """Read both files and check the translation (see :func:`check_translation`)."""
    source_text = read_document(source_path)
    target_text = read_document(target_path)
    return check_translation(
        source_text,
        target_text,
        glossary,
        source,
        target,
        source_path=str(source_path),
        target_path=str(target_path),
        include_drafts=include_drafts,
        format_name=format_name,
        skip_checks=skip_checks,
    )


def check_translation(
    source_text: str,
    target_text: str,
    glossary: Glossary,
    source: str,
    target: str,
    *,
    source_path: str | None = None,
    target_path: str | None = None,
    include_drafts: bool = False,
    format_name: str | None = None,
    skip_checks: Collection[str] = (),
) -> CheckReport:
    """Check ``target_text`` (a translation of ``source_text``) against ``glossary``.

    Both texts are read by the same format readers as `translate` (``format_name``, else each
    file's extension, else plain text), so markup, scripts and styles are never taken for text,
    and paired by :func:`dragoman.check.align.align`: segment by segment when the structure is the
    same, line by line when the line counts are, else as one document. For every glossary term
    found in a source piece, the translation's piece must hold the required rendering (preferred,
    or the source form of a ``dnt`` entry verbatim) as many times as the source needs it;
    renderings shared by several entries are counted together. Draft entries are ignored unless
    ``include_drafts``. Every pair also goes through the integrity checks (dragoman.integrity:
    numbers, empty, untranslated, repetition, markup, length, ...) but those in ``skip_checks``.
    """
    from dragoman.formats import format_for_path, parse

    validate_code(source)
    validate_code(target)
    source_format = format_for_path(source_path, format_name)
    target_format = format_for_path(target_path, format_name) if target_path or format_name else source_format
    alignment = align(parse(source_text, source_format, source), parse(target_text, target_format, target))
    return check_alignment(
        alignment,
        glossary,
        source,
        target,
        source_path=source_path,
        target_path=target_path,
        include_drafts=include_drafts,
        format_name=source_format,
        skip_checks=skip_checks,
    )


def check_alignment(
    alignment: Alignment,
    glossary: Glossary,
    source: str,
    target: str,
    *,
    source_path: str | None = None,
    target_path: str | None = None,
    include_drafts: bool = False,
    format_name: str = "txt",
    skip_checks: Collection[str] = (),
) -> CheckReport:
    """Run the checks on texts already paired (:func:`align`, or :func:`align_lines` for line-aligned files)."""
    validate_code(source)
    validate_code(target)
    report = CheckReport(
        source_path=source_path,
        target_path=target_path,
        source_lang=source,
        target_lang=target,
        alignment=alignment.mode,
        source_lines=alignment.source_lines,
        target_lines=alignment.target_lines,
        source_segments=alignment.source_segments,
        target_segments=alignment.target_segments,
        units=len(alignment.units),
        format_name=format_name,
    )
    integrity_checks = selected_checks(skip_checks)
    report.integrity_checks = integrity_checks
    checker = TermChecker(glossary, source, target, include_drafts, source_path, target_path)
    # The glossary checks compare what starts on one line (a sentence's term may sit in the next sentence of
    # the translation); the integrity checks each pair.
    for group in line_groups(alignment):
        term_spans = checker.check_unit(group.unit, report)
        if not integrity_checks:
            continue
        for part, offset in zip(group.parts, group.offsets):
            end = offset + len(part.source.text)
            spans = [(s - offset, e - offset) for s, e in term_spans if offset <= s and e <= end]
            report.findings.extend(check_integrity(part, source, target, integrity_checks, spans, target_path))
    checker.finish(report)
    report.findings.sort(key=lambda f: (f.line or 0, f.code != "missing", f.entry_id or ""))
    return report
