"""The enforcement report: per document and occurrence, a JSON file, a one-screen summary, --strict semantics."""

from __future__ import annotations

import json
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

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

    ``segments`` holds (offset of the segment in the source document, its result), read once (an iterator
    will do: a large document's pairs need not be built as a list); ``source_text`` (the whole source document)
    turns offsets into line:column.
    """

    path: str | None
    source: str
    target: str
    segments: Iterable[tuple[int, SegmentResult]] = field(default_factory=list)
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
    """Write the JSON report atomically (a reader never sees half a file): to a temporary file, a spooled list
    (a windowed run's documents and outputs, :class:`ReportStream`) an item at a time, then moved into place."""
    from dragoman.fsutil import atomic_writer

    with atomic_writer(path) as handle:
        dump_json(report, lambda text: handle.write(text.encode("utf-8")))
        handle.write(b"\n")


# -- a run done in windows: the report kept on disk, not in memory ------------------------------------------------


class Spool:
    """An append-only list of JSON values in an anonymous temporary file: a long run's per-document records
    cost disk, not memory. Each iteration reads the values back in order (several may run at once)."""

    def __init__(self) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile(prefix="dragoman-report-")
        self.count = 0
        # Closed (and so gone from the disk) when the spool is dropped, if close() was not called.
        self._closer = weakref.finalize(self, self._file.close)

    def append(self, value: Any) -> None:
        self._file.seek(0, 2)
        # ASCII escapes: a file name that is not UTF-8 (lone surrogates) reads back as the same string.
        self._file.write(json.dumps(value, separators=(",", ":")).encode("ascii") + b"\n")
        self.count += 1

    def __iter__(self) -> Iterator[Any]:
        position = 0
        for _ in range(self.count):
            self._file.seek(position)
            line = self._file.readline()
            position = self._file.tell()
            yield json.loads(line)

    def close(self) -> None:
        self._closer()


class SpoolView(Sequence[Any]):
    """One column of a :class:`ReportStream`'s spools (its documents, outputs, ...), in the report's order.

    Iterating reads it back from disk; ``len`` is free; indexing reads up to the item (for small lists only).
    :func:`dump_json` and :func:`write_report` write it out an item at a time.
    """

    def __init__(self, stream: ReportStream, column: int, decode: Callable[[Any], Any] | None = None) -> None:
        self._stream = stream
        self._column = column
        self._decode = decode

    def __len__(self) -> int:
        return sum(spool.count for spool in self._stream.spools())

    def __iter__(self) -> Iterator[Any]:
        for spool in self._stream.spools():
            for row in spool:
                yield row[self._column] if self._decode is None else self._decode(row[self._column])

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        for position, item in enumerate(self):
            if position == index:
                return item
        raise IndexError(index)


def dump_json(data: Any, write: Callable[[str], object]) -> None:
    """Write ``data`` as :func:`dragoman.fsutil.json_text` prints it (indent 2, UTF-8 with surrogates escaped), the
    items of each :class:`SpoolView` or :class:`Spool` in it read and written one at a time: the same bytes, flat memory.

    Each view is first replaced by a unique marker string; the rest is printed whole, and each marker's line says
    how deep the list sits (JSON strings hold no raw newline, so indenting an item's lines is exact).
    """
    import re
    import uuid

    from dragoman.fsutil import json_text

    tag = uuid.uuid4().hex
    views: dict[str, SpoolView | Spool] = {}

    def mark(value: Any) -> Any:
        if isinstance(value, (SpoolView, Spool)):
            token = f"@dragoman-spool-{tag}-{len(views)}@"
            views[token] = value
            return token
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [mark(item) for item in value]
        return value

    text = json_text(mark(data))
    position = 0
    for match in re.finditer(f'"(@dragoman-spool-{tag}-[0-9]+@)"', text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        pad = " " * (len(text[line_start:]) - len(text[line_start:].lstrip(" ")))
        write(text[position : match.start()])
        first = True
        for item in views[match.group(1)]:
            write(("[" if first else ",") + "\n" + pad + "  " + json_text(item).replace("\n", "\n" + pad + "  "))
            first = False
        write("[]" if first else "\n" + pad + "]")
        position = match.end()
    write(text[position:])


# Columns of a ReportStream spool row: one row per output, in the order the report lists them.
DOCUMENT, OUTPUT, PROVENANCE, EXTRA = range(4)


class ReportStream:
    """The report of a run done a window of inputs at a time (an archive), with flat memory.

    Each window's report is :meth:`add`-ed as it finishes: its per-output parts (the ``documents`` record, the
    ``outputs`` item, the provenance ``outputs`` item, and an ``extra`` value of the caller's) go to a spool per
    route, on disk; counts are summed; glossary entries, model packages, routes and notes are kept as ordered
    sets (bounded by the glossary and the routes, not the number of documents). :meth:`report` is then the same
    report as one run over every input would have built, byte for byte once written (the same key order, the
    documents route by route as a single run lists them), with :class:`SpoolView` lists where a run keeps lists.
    """

    def __init__(self) -> None:
        self._first: dict[str, Any] | None = None
        self._last: dict[str, Any] = {}
        self._summary = empty_summary()
        self._routes: dict[str, str] = {}
        self._spools: dict[str, Spool] = {}
        self._entries: dict[str, dict[str, dict[str, str]]] = {}  # route pair -> entry id -> its record
        self._models: dict[str, dict[str, Any]] = {}  # pair -> package record
        self._glossaries: list[Any] = []
        self._errors: tuple[list[str], list[str]] = ([], [])  # inputs that could not be read; then the rest
        self._notes: tuple[list[str], list[str]] = ([], [])  # about inputs; then about the run (calibration)

    def add(self, report: dict[str, Any], extras: Sequence[Any], input_errors: int = 0, input_notes: int = 0) -> None:
        """One window's report; ``extras`` (JSON values, one per output) come back from :meth:`extras`; the
        first ``input_errors`` errors and ``input_notes`` notes are about inputs (a single run lists those first)."""
        if self._first is None:
            self._first = report
        self._last = report
        documents, outputs = report.get("documents", []), report.get("outputs", [])
        origin = report.get("provenance")
        per_output = origin.get("outputs", []) if origin is not None else [None] * len(outputs)
        if not len(documents) == len(outputs) == len(per_output) == len(extras):
            raise ValueError("a window's report lists its outputs differently in documents, outputs and provenance")
        self._routes.update(report.get("routes", {}))
        for key in SUMMARY_KEYS:
            self._summary[key] += report.get("summary", {}).get(key, 0)
        if origin is not None:
            self._glossaries = origin.get("glossaries", [])
            files = {item["id"]: item for item in origin.get("entries", [])}
            for item in origin.get("models", []):
                self._models.setdefault(item["pair"], item)
        for document, output, record, extra in zip(documents, outputs, per_output, extras):
            pair = f"{document['source']}->{document['target']}"
            spool = self._spools.get(pair)
            if spool is None:
                spool = self._spools[pair] = Spool()
            spool.append([document, output, record, extra])
            if record is not None:
                used = self._entries.setdefault(pair, {})
                for entry_id in record["entries"]:
                    if entry_id not in used and entry_id in files:
                        used[entry_id] = files[entry_id]
        for (inputs, rest), items, count in (
            (self._errors, report.get("errors", []), input_errors),
            (self._notes, report.get("notes", []), input_notes),
        ):
            inputs.extend(items[:count])
            rest.extend(item for item in items[count:] if item not in rest)

    def _pairs(self) -> list[str]:
        """Route pairs in the report's order: the order of ``routes`` (a single run's), then any other."""
        return [
            *[pair for pair in self._routes if pair in self._spools],
            *[p for p in self._spools if p not in self._routes],
        ]

    def spools(self) -> list[Spool]:
        return [self._spools[pair] for pair in self._pairs()]

    def extras(self, decode: Callable[[Any], Any] | None = None) -> SpoolView:
        return SpoolView(self, EXTRA, decode)

    @property
    def errors(self) -> list[str]:
        return [*self._errors[0], *self._errors[1]]

    @property
    def notes(self) -> list[str]:
        return [*self._notes[0], *[note for note in self._notes[1] if note not in self._notes[0]]]

    def report(self, stats: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole run's report (``stats``: the run's, summed by the caller; else the last window's)."""
        assert self._first is not None, "no window was added"
        entries: dict[str, dict[str, str]] = {}
        for pair in self._pairs():
            for entry_id, record in self._entries.get(pair, {}).items():
                entries.setdefault(entry_id, record)
        models: dict[str, dict[str, Any]] = {}
        for label in self._routes.values():
            for leg in zip(label.split("->"), label.split("->")[1:]):
                pair = "->".join(leg)
                if pair in self._models:
                    models.setdefault(pair, self._models[pair])
        for pair, record in self._models.items():
            models.setdefault(pair, record)
        whole: dict[str, Any] = {
            "summary": dict(self._summary),
            "documents": SpoolView(self, DOCUMENT),
            "routes": dict(self._routes),
            "pivots": {pair: label for pair, label in self._routes.items() if label.count("->") > 1},
            "outputs": SpoolView(self, OUTPUT),
            "errors": self.errors,
            "notes": self.notes,
        }
        if stats is not None:
            whole["stats"] = stats
        out: dict[str, Any] = {}
        for key in [*self._first, *[k for k in self._last if k not in self._first]]:
            if key == "provenance":
                origin = {**self._last["provenance"]} if "provenance" in self._last else {**self._first[key]}
                origin.update(
                    glossaries=self._glossaries,
                    entries=list(entries.values()),
                    models=list(models.values()),
                    outputs=SpoolView(self, PROVENANCE),
                )
                out[key] = origin
            else:
                out[key] = whole[key] if key in whole else self._last.get(key, self._first.get(key))
        return out

    def close(self) -> None:
        for spool in self._spools.values():
            spool.close()


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
