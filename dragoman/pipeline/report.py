"""The enforcement report: per document and occurrence, a JSON file, a one-screen summary, --strict semantics."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from dragoman.enforce.model import APPLIED, FORBIDDEN_FOUND, VARIANT, VIOLATED, SegmentResult
from dragoman.integrity.model import FLAGGED, REPAIRED

REPORT_VERSION = 1
# "integrity": flagged integrity findings (docs/report.md); the others count glossary occurrences.
SUMMARY_KEYS = ("terms_found", "applied", "variants", "violations", "forbidden_found", "integrity")
# Lines of detail the stderr summary shows before pointing at the JSON report.
MAX_DETAIL_LINES = 12


@dataclass
class DocumentRecord:
    """One translated document (one target language) as the pipeline hands it to the report.

    ``segments`` holds (offset of the segment in the source document, its result); ``source_text``
    (the whole source document) turns offsets into line:column.
    """

    path: str | None
    source: str
    target: str
    segments: list[tuple[int, SegmentResult]] = field(default_factory=list)
    source_text: str | None = None
    pivot: str | None = None
    output: str | None = None


def empty_summary() -> dict[str, int]:
    return {key: 0 for key in SUMMARY_KEYS}


def _line_col(text: str | None, offset: int | None) -> tuple[int | None, int | None]:
    if text is None or offset is None:
        return None, None
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _rendering(result: SegmentResult, start: int | None, end: int | None) -> str | None:
    if start is None or end is None:
        return None
    return result.text[start:end]


def document_report(doc: DocumentRecord) -> dict[str, Any]:
    """One document's part of the report: its summary, every occurrence, consistency and integrity findings."""
    summary = empty_summary()
    occurrences: list[dict[str, Any]] = []
    integrity: list[dict[str, Any]] = []
    renderings: dict[str, Counter[str]] = {}
    shown: dict[str, dict[str, str]] = {}
    names: dict[str, Counter[str]] = {}
    for index, (offset, result) in enumerate(doc.segments):
        for occ in result.occurrences:
            start = offset + occ.source_start if occ.source_start is not None else None
            end = offset + occ.source_end if occ.source_end is not None else None
            line, column = _line_col(doc.source_text, start)
            if start is None and occ.status == FORBIDDEN_FOUND:
                # A forbidden form no source term asked for: point at the sentence it is in.
                line, column = _line_col(doc.source_text, offset)[0], None
            target_text = _rendering(result, occ.target_start, occ.target_end)
            occurrences.append(
                {
                    "segment": index,
                    "source_start": start,
                    "source_end": end,
                    "line": line,
                    "column": column,
                    "source_text": occ.source_text,
                    "entry_id": occ.entry_id,
                    "required": occ.required,
                    "strategy": occ.strategy,
                    "status": occ.status,
                    "target_text": target_text,
                    "note": occ.note,
                }
            )
            if occ.status == FORBIDDEN_FOUND:
                summary["forbidden_found"] += 1
                continue
            summary["terms_found"] += 1
            summary[{APPLIED: "applied", VARIANT: "variants", VIOLATED: "violations"}[occ.status]] += 1
            if target_text is None:
                continue  # a violation is reported as such, not as one more "rendering"
            renderings.setdefault(occ.entry_id, Counter())[target_text.casefold()] += 1
            shown.setdefault(occ.entry_id, {}).setdefault(target_text.casefold(), target_text)
        for name, rendering in result.name_renderings.items():
            names.setdefault(name, Counter())[rendering] += 1
        for outcome in result.integrity:
            finding = outcome.finding
            where = offset + finding.source_start if finding.source_start is not None else offset
            line, column = _line_col(doc.source_text, where)
            integrity.append(
                {
                    "segment": index,
                    "line": line,
                    "column": column,
                    "check": finding.check,
                    "detail": finding.detail,
                    "action": outcome.action,
                }
            )
            if outcome.action == FLAGGED:
                summary["integrity"] += 1
    consistency_terms = [
        {
            "entry_id": entry_id,
            "renderings": {shown[entry_id][key]: count for key, count in counts.most_common()},
        }
        for entry_id, counts in renderings.items()
        if len(counts) > 1
    ]
    suggestions = [
        {
            "name": name,
            "renderings": dict(counts.most_common()),
            "suggestion": f"{name!r} came out {len(counts)} ways; add a glossary entry to fix one rendering",
        }
        for name, counts in sorted(names.items())
        if len(counts) > 1
    ]
    return {
        "path": doc.path,
        "output": doc.output,
        "source": doc.source,
        "target": doc.target,
        "pivot": doc.pivot,
        "summary": summary,
        "occurrences": occurrences,
        "consistency": {"terms": consistency_terms, "names": suggestions},
        "integrity": integrity,
    }


def build_report(documents: Sequence[DocumentRecord]) -> dict[str, Any]:
    """The whole report: ``summary`` (same keys as `dragoman check`) and one entry per document and target."""
    docs = [document_report(doc) for doc in documents]
    summary = empty_summary()
    for doc in docs:
        for key in SUMMARY_KEYS:
            summary[key] += doc["summary"][key]
    return {"version": REPORT_VERSION, "summary": summary, "documents": docs}


def write_report(path: str | Path, report: dict[str, Any]) -> None:
    """Write the JSON report atomically (a reader never sees half a file)."""
    from dragoman.fsutil import atomic_write_text

    atomic_write_text(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def _counts(summary: dict[str, int]) -> str:
    parts = [
        f"{summary['terms_found']} term{'s' if summary['terms_found'] != 1 else ''}",
        f"{summary['applied']} applied",
    ]
    if summary["variants"]:
        parts.append(f"{summary['variants']} variant{'s' if summary['variants'] != 1 else ''}")
    parts.append(f"{summary['violations']} violation{'s' if summary['violations'] != 1 else ''}")
    if summary["forbidden_found"]:
        parts.append(f"{summary['forbidden_found']} forbidden found")
    return ", ".join(parts)


def integrity_counts(report: dict[str, Any]) -> tuple[int, int]:
    """(flagged, repaired) integrity findings over the whole report."""
    flagged = repaired = 0
    for doc in report.get("documents", []):
        for item in doc.get("integrity", []):
            flagged += item["action"] == FLAGGED
            repaired += item["action"] == REPAIRED
    return flagged, repaired


def format_integrity(report: dict[str, Any], max_lines: int = MAX_DETAIL_LINES) -> str:
    """The stderr lines about integrity: 'integrity: 2 flagged, 3 repaired' then each flagged finding."""
    flagged, repaired = integrity_counts(report)
    lines = [f"integrity: {flagged} flagged, {repaired} repaired"]
    details: list[str] = []
    for doc in report.get("documents", []):
        name = doc["path"] or "<stdin>"
        for item in doc.get("integrity", []):
            if item["action"] != FLAGGED:
                continue
            where = name + (f":{item['line']}" if item["line"] is not None else "")
            details.append(f"    {item['check']}: {where}: {item['detail']}")
    if len(details) > max_lines:
        hidden = len(details) - max_lines
        details = details[:max_lines] + [f"    ... {hidden} more (see the --report JSON)"]
    return "\n".join(lines + details)


def format_summary(report: dict[str, Any], max_lines: int = MAX_DETAIL_LINES) -> str:
    """A one-screen summary for stderr: totals, each document's counts, the problems first."""
    lines = [f"glossary: {_counts(report['summary'])}"]
    details: list[str] = []
    for doc in report["documents"]:
        name = doc["path"] or "<stdin>"
        via = f" via {doc['pivot']}" if doc.get("pivot") else ""
        lines.append(f"  {name} ({doc['source']}->{doc['target']}{via}): {_counts(doc['summary'])}")
        for occ in doc["occurrences"]:
            if occ["status"] not in (VIOLATED, VARIANT, FORBIDDEN_FOUND):
                continue
            where = name
            if occ["line"] is not None:
                where += f":{occ['line']}" + (f":{occ['column']}" if occ["column"] is not None else "")
            if occ["status"] == VIOLATED:
                what = f"{occ['source_text']!r} should be {occ['required']!r} [{occ['entry_id']}]"
            elif occ["status"] == VARIANT:
                what = (
                    f"{occ['source_text']!r} came out as the variant {occ['target_text']!r}, "
                    f"preferred {occ['required']!r} [{occ['entry_id']}]"
                )
            else:
                cause = f"for {occ['source_text']!r}" if occ["source_text"] is not None else "in the sentence"
                what = f"forbidden {occ['target_text']!r} {cause} [{occ['entry_id']}]"
            details.append(f"    {occ['status']}: {where}: {what}" + (f" — {occ['note']}" if occ["note"] else ""))
        for item in doc["consistency"]["terms"]:
            ways = ", ".join(f"{r!r} x{n}" for r, n in item["renderings"].items())
            details.append(f"    inconsistent [{item['entry_id']}]: {ways}")
        for item in doc["consistency"]["names"]:
            ways = ", ".join(f"{r!r} x{n}" for r, n in item["renderings"].items())
            details.append(f"    suggestion: {item['name']!r} came out as {ways}; add a glossary entry")
    if len(details) > max_lines:
        hidden = len(details) - max_lines
        details = details[:max_lines] + [f"    ... {hidden} more (see the --report JSON)"]
    return "\n".join(lines + details)


def has_problems(report: dict[str, Any]) -> bool:
    summary = report["summary"]
    return bool(summary["violations"] or summary["forbidden_found"] or summary.get("integrity"))


def exit_code(report: dict[str, Any], strict: bool) -> int:
    """What `translate --strict` exits with: 1 when any occurrence is violated, a forbidden term remains or an
    integrity finding is flagged."""
    return 1 if strict and has_problems(report) else 0
