"""QA of an existing translation: both files read by the format readers, paired, and checked against the glossary."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

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
from dragoman.check.views import View, laid_out, view_of
from dragoman.errors import InputError
from dragoman.formats import Document
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
    "check_documents",
    "check_files",
    "check_job",
    "check_translation",
    "job_languages",
    "read_document",
    "read_parsed",
]

# The glossary findings placed in the source (the term the translation lacks): the others are in the translation.
_SOURCE_SIDE = frozenset({"missing", "inconsistent"})


def read_document(path: str | Path) -> str:
    """Read a text to check, with the project's input checks (missing, binary, not UTF-8, empty)."""
    from dragoman.inputs import read_text_file

    return read_text_file(path)


def read_parsed(
    path: str | Path, lang: str, format_name: str | None = None, options: Mapping[str, Any] | None = None
) -> tuple[str, Document]:
    """(format, parsed document) of a file to check, read through the format registry: a container (DOCX,
    ODT) as bytes, every other format as UTF-8 text, with the project's input checks."""
    from dragoman.formats import format_for_path, is_binary, parse
    from dragoman.inputs import read_input_bytes, read_text_file

    fmt = format_for_path(path, format_name)
    data: str | bytes = read_input_bytes(path) if is_binary(fmt) else read_text_file(path)
    return fmt, parse(data, fmt, lang, str(path), options)


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
    options: Mapping[str, Any] | None = None,
) -> CheckReport:
    """Read both files (any format the readers know, DOCX and ODT included) and check the translation
    (see :func:`check_translation`). An XLIFF job holds both sides: check it with :func:`check_job`.
    ``options``: the formats' own (FORMAT_OPTIONS: ``fields`` for JSON lines)."""
    from dragoman.formats import format_for_path

    validate_code(source)
    validate_code(target)
    for path in (source_path, target_path):
        if format_for_path(path, format_name) == "xliff":
            raise InputError(
                "is an XLIFF job: it holds the source and the translation",
                path,
                hint=f"check it alone: dragoman check {path} -g GLOSSARY",
            )
    _, source_document = read_parsed(source_path, source, format_name, options)
    _, target_document = read_parsed(target_path, target, format_name, options)
    return check_documents(
        source_document,
        target_document,
        glossary,
        source,
        target,
        source_path=str(source_path),
        target_path=str(target_path),
        include_drafts=include_drafts,
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
    For DOCX and ODT, whose files are bytes, use :func:`check_files` or :func:`check_documents`.
    """
    from dragoman.formats import format_for_path, parse

    validate_code(source)
    validate_code(target)
    source_format = format_for_path(source_path, format_name)
    target_format = format_for_path(target_path, format_name) if target_path or format_name else source_format
    return check_documents(
        parse(source_text, source_format, source, source_path),
        parse(target_text, target_format, target, target_path),
        glossary,
        source,
        target,
        source_path=source_path,
        target_path=target_path,
        include_drafts=include_drafts,
        skip_checks=skip_checks,
    )


def check_documents(
    source_document: Document,
    target_document: Document,
    glossary: Glossary,
    source: str,
    target: str,
    *,
    source_path: str | None = None,
    target_path: str | None = None,
    include_drafts: bool = False,
    skip_checks: Collection[str] = (),
) -> CheckReport:
    """Check two parsed documents of any format: each laid out as its check view (views.py), paired, checked,
    and every finding placed: the file's line, and the cue, record or paragraph where the format has them."""
    source_view, target_view = view_of(source_document), view_of(target_document)
    report = check_alignment(
        align(source_view.document, target_view.document),
        glossary,
        source,
        target,
        source_path=source_path,
        target_path=target_path,
        include_drafts=include_drafts,
        format_name=source_document.format_name,
        skip_checks=skip_checks,
    )
    _place(report, source_view, target_view)
    if not source_view.has_lines:
        report.block_noun = "paragraph"
    return report


def job_languages(path: str | Path) -> tuple[str | None, str | None]:
    """The source and target languages an XLIFF job states (None where it does not)."""
    from dragoman.formats.xliff import read_bilingual
    from dragoman.inputs import read_text_file

    job = read_bilingual(read_text_file(path), str(path))
    return job.source_lang, job.target_lang


def check_job(
    job_path: str | Path,
    glossary: Glossary,
    source: str | None = None,
    target: str | None = None,
    *,
    include_drafts: bool = False,
    skip_checks: Collection[str] = (),
) -> CheckReport:
    """Check a translator's XLIFF job (1.2 or 2.0): each unit's target against its source, as two files are
    checked, findings placed on their unit; a unit without a target is a ``no-target`` error. The languages
    are the arguments, else the file's (source-language/target-language, srcLang/trgLang)."""
    from dragoman.formats.xliff import read_bilingual
    from dragoman.inputs import read_text_file

    name = str(job_path)
    job = read_bilingual(read_text_file(job_path), name, source, target)
    if not job.source_lang or not job.target_lang:
        raise InputError(
            f"states no {'source' if not job.source_lang else 'target'} language",
            name,
            hint="give the languages with -f/--from and -t/--to",
        )
    source, target = validate_code(job.source_lang), validate_code(job.target_lang)
    done = [unit for unit in job.units if unit.target is not None]
    source_view = laid_out(
        "xliff", source, [(u.label, u.source.text, u.source.segments, u.source.starts) for u in done]
    )
    target_view = laid_out(
        "xliff",
        target,
        [(u.label, u.target.text, u.target.segments, u.target.starts) for u in done if u.target is not None],
    )
    report = check_alignment(
        align(source_view.document, target_view.document),
        glossary,
        source,
        target,
        source_path=name,
        target_path=name,
        include_drafts=include_drafts,
        format_name="xliff",
        skip_checks=skip_checks,
    )
    _place(report, source_view, target_view)
    report.block_noun = "unit"
    untranslated = [unit for unit in job.units if unit.target is None]
    report.findings[:0] = [
        Finding(
            CODES["no-target"],
            "no-target",
            None,
            f"{unit.label} has no translation (no target, or an empty one): {_excerpt(unit.source.text)}",
            file=name,
            location=unit.label,
        )
        for unit in untranslated
    ]
    report.untranslated_units = len(untranslated)
    return report


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _place(report: CheckReport, source_view: View, target_view: View) -> None:
    """Name each finding's place in its file (cue, record, paragraph, unit); a view whose lines are not the
    file's (DOCX, ODT, XLIFF) leaves only that name."""
    for finding in report.findings:
        view = source_view if finding.code in _SOURCE_SIDE else target_view
        finding.location = view.label(finding.line)
        finding.source_location = source_view.label(finding.source_line)
        if not view.has_lines:
            finding.line = None
        if not source_view.has_lines:
            finding.source_line = None


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
