"""The integrity checks (dragoman.integrity) on the pairs of `dragoman check`, as check findings."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from dragoman.check.align import Unit
from dragoman.check.report import Finding
from dragoman.formats import Segment
from dragoman.integrity import CODES, SegmentPair, check_pair

# The checks that judge the markup: they see the segments with their markup written back in.
MARKUP_CHECKS = frozenset({"markup"})


def selected_checks(skip: Collection[str] = ()) -> list[str]:
    """The integrity checks to run: every registered one but those in ``skip``."""
    unknown = set(skip) - set(CODES)
    if unknown:
        from dragoman.errors import DragomanError

        raise DragomanError(
            f"unknown integrity check(s): {', '.join(sorted(unknown))}", f"use one of: {', '.join(CODES)}"
        )
    return [code for code in CODES if code not in skip]


def with_markup(segment: Segment) -> str:
    """The segment's text with its inline markup written back where it stands (``**``, ``<a href=..>``, ``](url)``),
    for the markup check, which compares the source's marks with the translation's."""
    inserts: list[tuple[int, int, str]] = []  # (offset, order, text): closes before opens at one offset
    for mark in segment.inline:
        if mark.open:
            inserts.append((mark.start, 1, mark.open))
        if mark.close:
            inserts.append((mark.end, 0, mark.close))
    if not inserts:
        return segment.text
    inserts.sort(key=lambda item: (item[0], item[1]))
    parts: list[str] = []
    cursor = 0
    for offset, _, text in inserts:
        parts.append(segment.text[cursor:offset])
        parts.append(text)
        cursor = offset
    parts.append(segment.text[cursor:])
    return "".join(parts)


def check_unit(
    unit: Unit,
    source_lang: str,
    target_lang: str,
    checks: Sequence[str],
    term_spans: Sequence[tuple[int, int]],
    target_path: str | None,
) -> list[Finding]:
    """The integrity findings of one pair. ``term_spans``: where the glossary found terms in the source
    (copying them is right, so `untranslated` does not count them)."""
    source, target = unit.source, unit.target
    if not source.text.strip() and not target.text.strip():
        return []
    untranslatable = [(m.start, m.end) for m in source.inline if not m.translate]
    verbatim = tuple(source.text[start:end] for start, end in untranslatable if end > start)
    plain_checks = [code for code in checks if code not in MARKUP_CHECKS]
    markup_checks = [code for code in checks if code in MARKUP_CHECKS]
    out: list[Finding] = []
    if plain_checks:
        plain = SegmentPair(
            source.text, target.text, source_lang, target_lang, exclude=tuple(term_spans) + tuple(untranslatable)
        )
        for finding in check_pair(plain, plain_checks):
            has_span = finding.start is not None and finding.end is not None and finding.end > finding.start
            out.append(
                _finding(
                    unit,
                    finding.severity,
                    finding.check,
                    finding.detail,
                    target_path,
                    target_at=finding.start or 0,
                    source_at=finding.source_start or 0,
                    found=target.text[finding.start : finding.end] if has_span else None,
                )
            )
    if markup_checks:
        # Offsets in the marked-up texts are not offsets in the units: these findings are placed on the
        # lines where the pair starts.
        marked = SegmentPair(with_markup(source), with_markup(target), source_lang, target_lang, verbatim=verbatim)
        for finding in check_pair(marked, markup_checks):
            out.append(_finding(unit, finding.severity, finding.check, finding.detail, target_path))
    return out


def _finding(
    unit: Unit,
    severity: str,
    code: str,
    detail: str,
    target_path: str | None,
    *,
    target_at: int = 0,
    source_at: int = 0,
    found: str | None = None,
) -> Finding:
    return Finding(
        severity,
        code,
        None,
        detail,
        line=unit.target_lines.line_at(target_at),
        file=target_path,
        found=found,
        source_line=unit.source_lines.line_at(source_at),
    )
