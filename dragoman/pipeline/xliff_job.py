"""`dragoman xliff extract/merge`: a bilingual XLIFF 1.2 job from any supported documents, and back.

``extract`` reads each document through its format reader and writes one ``<file>`` per document (its
path in ``original``, its format in ``datatype``, ``x-docx`` or a standard value) with one ``trans-unit`` per segment: inline marks become
``<g id="k">`` (marks with words) and ``<x id="k"/>`` (atoms), and the glossary's terms that the source
uses are attached as notes (``from="glossary"``) for the translator. ``merge`` reads the translated job,
turns every target back into a segment output (text, and where each ``<g>`` landed) and renders each
document with its own format, so formatting lands on the words the translator marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dragoman.errors import InputError
from dragoman.formats import Document, SegmentOutput, format_for_path, is_binary, parse
from dragoman.formats.container import parse_xml
from dragoman.formats.xliff import XLIFF_12

if TYPE_CHECKING:
    from dragoman.glossary.model import Glossary

_FIX = "give a job written by 'dragoman xliff extract'"
_Q = f"{{{XLIFF_12}}}"

# XLIFF 1.2 names its own values for datatype and ctype; anything else must be "x-..." (the OASIS schema refuses
# datatype="docx" or ctype="b"). A mark's kind is an HTML tag or a run style's name (b, i, u, a, img, br, bi).
_DATATYPES = {"txt": "plaintext", "html": "html"}
_WRAPPER_CTYPES = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underlined", "a": "link"}
_ATOM_CTYPES = {"img": "image", "br": "lb"}


def datatype_of(fmt: str) -> str:
    """The XLIFF 1.2 ``datatype`` of a dragoman format: one of the standard's values, else ``x-FORMAT``."""
    return _DATATYPES.get(fmt, f"x-{fmt}")


def format_of_datatype(datatype: str | None) -> str | None:
    """The format a job's ``datatype`` names (``x-docx``, ``plaintext``; a bare ``docx`` from older jobs)."""
    if not datatype:
        return None
    if datatype.startswith("x-"):
        return datatype[2:]
    return {value: fmt for fmt, value in _DATATYPES.items()}.get(datatype, datatype)


def _ctype(kind: str, atom: bool) -> str:
    known = (_ATOM_CTYPES if atom else _WRAPPER_CTYPES).get(kind)
    return known or "x-" + ("".join(kind.split()) or "mark")


def read_document(
    path: Path, source_lang: str, format_name: str | None = None, options: dict[str, Any] | None = None
) -> tuple[str, Document]:
    """(format, parsed document) of a file, read as its format wants (bytes or UTF-8 text)."""
    from dragoman.inputs import read_input_bytes, read_text_file

    fmt = format_for_path(path, format_name)
    data: str | bytes = read_input_bytes(path) if is_binary(fmt) else read_text_file(path)
    return fmt, parse(data, fmt, source_lang, str(path), options)


def _glossary_notes(glossary: Glossary | None, text: str, source: str, target: str) -> list[str]:
    if glossary is None or not len(glossary):
        return []
    from dragoman.glossary.match import TermMatcher

    notes: list[str] = []
    for match in TermMatcher.from_glossary(glossary, source).find(text):
        entry = glossary.get(match.entry_id)
        if entry is None:
            continue
        rendering = match.text if entry.dnt else entry.term(target)
        if rendering:
            note = f"{match.text} -> {rendering} [{entry.id}]"
            if note not in notes:
                notes.append(note)
    return notes


def _unit_source(parent: Any, text: str, marks: Sequence[Any]) -> None:
    """``text`` with its inline marks as <g>/<x> children of ``parent`` (a source element)."""
    from dragoman.formats.container import append_text

    events: list[tuple[int, int, int]] = []  # (position, order: close 0 / atom 1 / open 2, mark)
    for index, mark in enumerate(marks):
        if mark.start == mark.end:
            events.append((mark.start, 1, index))
        else:
            events.append((mark.start, 2, index))
            events.append((mark.end, 0, index))
    events.sort(key=lambda e: (e[0], e[1], -e[2] if e[1] == 0 else e[2]))
    stack = [parent]
    position = 0
    for at, order, index in events:
        append_text(stack[-1], text[position:at])
        position = at
        if order == 1:
            stack[-1].append(
                stack[-1].makeelement(f"{_Q}x", {"id": str(index + 1), "ctype": _ctype(marks[index].kind, True)})
            )
        elif order == 2:
            element = stack[-1].makeelement(f"{_Q}g", {"id": str(index + 1), "ctype": _ctype(marks[index].kind, False)})
            stack[-1].append(element)
            stack.append(element)
        elif len(stack) > 1:
            stack.pop()
    append_text(stack[-1], text[position:])


def extract(
    paths: Sequence[Path],
    source: str,
    target: str,
    glossary: Glossary | None = None,
    format_name: str | None = None,
    options: dict[str, Any] | None = None,
) -> tuple[str, int]:
    """The job's XML text and how many units it holds."""
    from lxml import etree

    root = etree.Element(f"{_Q}xliff", nsmap={None: XLIFF_12}, version="1.2")
    units = 0
    for path in paths:
        fmt, document = read_document(path, source, format_name, options)
        file_element = etree.SubElement(
            root,
            f"{_Q}file",
            {"original": str(path), "source-language": source, "target-language": target, "datatype": datatype_of(fmt)},
        )
        body = etree.SubElement(file_element, f"{_Q}body")
        for index, segment in enumerate(document.segments):
            unit = etree.SubElement(body, f"{_Q}trans-unit", {"id": str(index + 1)})
            unit.set("resname", segment.kind)
            source_element = etree.SubElement(unit, f"{_Q}source")
            _unit_source(source_element, segment.text, segment.inline)
            for note_text in _glossary_notes(glossary, segment.text, source, target):
                note = etree.SubElement(unit, f"{_Q}note", {"from": "glossary"})
                note.text = note_text
            units += 1
    text: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return text.decode("utf-8"), units


def _target_output(target: Any, marks: int) -> SegmentOutput:
    """A target element as text plus, per mark (g/x id k -> mark k-1), where its words are."""
    spans: list[tuple[int, int] | None] = [None] * marks
    parts: list[str] = []
    length = 0

    def walk(element: Any) -> None:
        nonlocal length
        if element.text:
            parts.append(element.text)
            length += len(element.text)
        for child in element:
            name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            ident = child.get("id") or ""
            index = int(ident) - 1 if ident.isdigit() else -1
            start = length
            if name == "g":
                walk(child)
            if 0 <= index < marks and name in ("g", "x"):
                spans[index] = (start, length)
            if child.tail:
                parts.append(child.tail)
                length += len(child.tail)

    walk(target)
    return SegmentOutput("".join(parts), spans)


@dataclass
class Merged:
    """One document written back: where, how many units were translated, how many kept their source."""

    path: Path
    translated: int
    untranslated: int
    data: bytes


def merge(job_path: Path, job_text: str, outdir: Path | None = None) -> list[Merged]:
    """Every document of the job rendered with the job's targets (a unit without one keeps its source)."""
    root = parse_xml(job_text.encode("utf-8"), str(job_path), None, _FIX)
    if root.tag != f"{_Q}xliff":
        raise InputError("is not an XLIFF 1.2 job", str(job_path), hint=_FIX)
    merged: list[Merged] = []
    for file_element in root.iter(f"{_Q}file"):
        original = Path(file_element.get("original") or "")
        if not original.is_absolute() and not original.exists():
            original = job_path.parent / original
        source, target = file_element.get("source-language") or "", file_element.get("target-language") or ""
        if not source or not target:
            raise InputError(
                f"<file original={str(original)!r}> has no source-language or target-language", str(job_path), hint=_FIX
            )
        fmt, document = read_document(original, source, format_of_datatype(file_element.get("datatype")))
        units = {u.get("id"): u for u in file_element.iter(f"{_Q}trans-unit")}
        outputs: list[SegmentOutput] = []
        translated = 0
        for index, segment in enumerate(document.segments):
            unit = units.get(str(index + 1))
            element = unit.find(f"{_Q}target") if unit is not None else None
            if element is None or not "".join(element.itertext()).strip():
                outputs.append(SegmentOutput(segment.text, [(m.start, m.end) for m in segment.inline]))
                continue
            outputs.append(_target_output(element, len(segment.inline)))
            translated += 1
        if len(units) != len(document.segments):
            raise InputError(
                f"{original} has {len(document.segments)} segments but the job has {len(units)} units",
                str(job_path),
                hint="the document changed since the job was extracted; extract it again",
            )
        name = original.stem
        if name.endswith(f".{source}"):
            name = name[: -len(source) - 1]
        folder = outdir if outdir is not None else original.parent
        merged.append(
            Merged(
                folder / f"{name}.{target}{original.suffix}",
                translated,
                len(document.segments) - translated,
                document.render_bytes(outputs, target),
            )
        )
    return merged
