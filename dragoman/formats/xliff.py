"""XLIFF 1.2 and 2.0: the source of each unit that still needs a translation is translated into its target.

A unit (1.2 ``trans-unit``, 2.0 ``segment``) is translated when it has no target, an empty one, or a state
that asks for one (1.2 ``new``/``needs-translation``, 2.0 ``initial``); a translator's work is never
overwritten. Inline codes are marks: ``<g>``, ``<mrk>`` (1.2) and ``<pc>``, ``<mrk>`` (2.0) wrap words and
follow them; ``<x/>``, ``<bx/>``, ``<ex/>``, ``<ph>``, ``<bpt>``, ``<ept>``, ``<it>`` (1.2) and ``<ph/>``,
``<sc/>``, ``<ec/>``, ``<cp/>`` (2.0) are native codes copied into the target. The filled target gets the
state ``translated``, or ``needs-review-translation`` (2.0: ``subState="dragoman:needs-review"``) when a
glossary term could not be enforced, the findings attached as notes from dragoman.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dragoman.errors import InputError
from dragoman.formats.base import Document, Segment, SegmentOutput
from dragoman.formats.blocks import Block, BlockPlan, Piece, plan_block, render_block
from dragoman.formats.container import fill_element, parse_xml

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_20 = "urn:oasis:names:tc:xliff:document:2.0"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FIX = "give an XLIFF 1.2 or 2.0 file as a CAT tool writes it"
_WRAPPERS = {"g", "mrk", "pc"}
_TODO_12 = {"new", "needs-translation"}
_TODO_20 = {"initial"}
NOTE_FROM = "dragoman"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _block(source: Any, kind: str) -> Block:
    block = Block(kind, payload=source)
    block.styles.append(None)
    block.style_names.append("span")

    def walk(element: Any, chain: tuple[int, ...]) -> None:
        if element.text:
            block.pieces.append(Piece(element.text, 0, chain))
        for child in element:
            name = _local(child.tag)
            if name in _WRAPPERS and child.get("translate") != "no":
                walk(child, (*chain, block.add_wrapper(child, name)))
            else:
                block.pieces.append(Piece("", -1, chain, child))
            if child.tail:
                block.pieces.append(Piece(child.tail, 0, chain))

    walk(source, ())
    return block


@dataclass
class _Unit:
    holder: Any  # 1.2 trans-unit, 2.0 segment
    source: Any
    target: Any  # None when there is none
    unit: Any  # 1.2 trans-unit, 2.0 unit (where notes go)


def _units(root: Any) -> tuple[str, list[_Unit], list[_Unit]]:
    """(version, units to translate, units already translated) in document order."""
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    todo: list[_Unit] = []
    done: list[_Unit] = []
    if namespace == XLIFF_12:
        for unit in root.iter(f"{{{XLIFF_12}}}trans-unit"):
            if unit.get("translate") == "no":
                continue
            source = unit.find(f"{{{XLIFF_12}}}source")
            if source is None:
                continue
            target = unit.find(f"{{{XLIFF_12}}}target")
            empty = target is None or not "".join(target.itertext()).strip()
            item = _Unit(unit, source, target, unit)
            (todo if empty or target.get("state") in _TODO_12 else done).append(item)
        return "1.2", todo, done
    if namespace == XLIFF_20:
        for unit in root.iter(f"{{{XLIFF_20}}}unit"):
            if unit.get("translate") == "no":
                continue
            for segment in unit.iter(f"{{{XLIFF_20}}}segment"):
                source = segment.find(f"{{{XLIFF_20}}}source")
                if source is None:
                    continue
                target = segment.find(f"{{{XLIFF_20}}}target")
                empty = target is None or not "".join(target.itertext()).strip()
                item = _Unit(segment, source, target, unit)
                (todo if empty or segment.get("state") in _TODO_20 else done).append(item)
        return "2.0", todo, done
    raise InputError(
        f"is not XLIFF 1.2 or 2.0 (root element {_local(root.tag)!r} in {namespace or 'no namespace'})", None, hint=_FIX
    )


class XliffDocument(Document):
    """An XLIFF file: the sentences of the units to translate; ``render`` fills their targets.

    ``translated_units`` lists (source text, target text) of the units that already have a translation:
    what `dragoman check` reads to QA a translator's work.
    """

    def __init__(
        self,
        source_lang: str,
        source: str,
        name: str,
        version: str,
        plans: list[tuple[BlockPlan, int, int]],
        segments: list[Segment],
        translated_units: list[tuple[str, str]],
    ) -> None:
        super().__init__("xliff", source_lang, source, segments, [])
        self.name = name
        self.version = version
        self.plans = plans
        self.translated_units = translated_units

    def render(self, outputs: Sequence[SegmentOutput], target_lang: str) -> str:
        if len(outputs) != len(self.segments):
            return super().render(outputs, target_lang)  # the same one-line error
        from lxml import etree

        root = parse_xml(self.source.encode("utf-8"), self.name, None, _FIX)
        version, todo, _ = _units(root)
        namespace = XLIFF_12 if version == "1.2" else XLIFF_20
        if version == "1.2":
            for file_element in root.iter(f"{{{XLIFF_12}}}file"):
                file_element.set("target-language", target_lang)
        else:
            root.set("trgLang", target_lang)
        for unit, (plan, a, b) in zip(todo, self.plans):
            if a == b:
                continue
            plan.block = _block(unit.source, plan.block.kind)
            pieces = render_block(plan, self.segments[a:b], outputs[a:b])
            target = unit.target
            if target is None:
                target = unit.source.makeelement(f"{{{namespace}}}target", {})
                anchor = unit.holder.find(f"{{{XLIFF_12}}}seg-source") if version == "1.2" else None
                (anchor if anchor is not None else unit.source).addnext(target)
            fill_element(target, pieces, plan.block.wrappers, copy_atoms=True)
            findings = [finding for output in outputs[a:b] for finding in output.findings]
            if version == "1.2":
                target.set(_XML_LANG, target_lang)
                target.set("state", "needs-review-translation" if findings else "translated")
                for finding in findings:
                    note = unit.unit.makeelement(f"{{{XLIFF_12}}}note", {"from": NOTE_FROM})
                    note.text = finding
                    unit.unit.append(note)
            else:
                unit.holder.set("state", "translated")
                if findings:
                    unit.holder.set("subState", "dragoman:needs-review")
                    notes = unit.unit.find(f"{{{XLIFF_20}}}notes")
                    if notes is None:
                        notes = unit.unit.makeelement(f"{{{XLIFF_20}}}notes", {})
                        unit.unit.insert(0, notes)
                    for finding in findings:
                        note = notes.makeelement(f"{{{XLIFF_20}}}note", {"category": NOTE_FROM})
                        note.text = finding
                        notes.append(note)
        body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
        return body.decode("utf-8") + ("\n" if self.source.endswith("\n") else "")


@dataclass
class TextBlock:
    """A unit's source or target as sentences: ``text`` (its plain text), ``segments`` and where each starts."""

    text: str
    segments: list[Segment]
    starts: list[int]


@dataclass
class BilingualUnit:
    """One unit of a job as a translator left it: where it is, its source, and its target (None when empty)."""

    label: str  # "unit 4", "unit u1 segment 2", "unit 3 of story.docx" when the job has several files
    source: TextBlock
    target: TextBlock | None


@dataclass
class BilingualJob:
    """Every translatable unit of an XLIFF file with its target, and the languages the file states."""

    version: str
    source_lang: str | None
    target_lang: str | None
    units: list[BilingualUnit]


def _text_block(element: Any, lang: str) -> TextBlock:
    plan, segments = plan_block(_block(element, "unit"), lang)
    return TextBlock(plan.plain, segments, [sentence.start for sentence in plan.sentences])


def read_bilingual(
    text: str, name: str, source_lang: str | None = None, target_lang: str | None = None
) -> BilingualJob:
    """The source and target of every unit (``translate="no"`` ones left out), for `dragoman check job.xlf`.

    Every unit is taken whatever its state: a target with words in it is the translator's work to check, an
    empty or missing one is reported by the caller. The languages are the arguments, else the file's
    (1.2 ``source-language``/``target-language`` of the first ``file``, 2.0 ``srcLang``/``trgLang``).
    """
    root = parse_xml(text.encode("utf-8"), name, None, _FIX)
    try:
        version, todo, done = _units(root)
    except InputError as err:
        raise InputError(err.message, name, hint=err.hint) from None
    if version == "1.2":
        first = root.find(f"{{{XLIFF_12}}}file")
        stated = (first.get("source-language"), first.get("target-language")) if first is not None else (None, None)
    else:
        stated = (root.get("srcLang"), root.get("trgLang"))
    source_lang = source_lang or stated[0]
    target_lang = target_lang or stated[1]
    order = {id(unit.holder): unit for unit in [*todo, *done]}
    several_files = len(root.findall(f"{{{XLIFF_12 if version == '1.2' else XLIFF_20}}}file")) > 1
    units: list[BilingualUnit] = []
    for holder in root.iter(f"{{{XLIFF_12}}}trans-unit", f"{{{XLIFF_20}}}segment"):
        unit = order.get(id(holder))
        if unit is None:
            continue
        label = f"unit {unit.unit.get('id') or '?'}"
        if version == "2.0":
            segments = unit.unit.findall(f"{{{XLIFF_20}}}segment")
            if len(segments) > 1:
                label += f" segment {holder.get('id') or segments.index(holder) + 1}"
        if several_files:
            file_element = next(a for a in holder.iterancestors() if _local(a.tag) == "file")
            label += f" of {file_element.get('original') or file_element.get('id') or '?'}"
        empty = unit.target is None or not "".join(unit.target.itertext()).strip()
        source = _text_block(unit.source, source_lang or "en")
        target = None if empty else _text_block(unit.target, target_lang or "en")
        units.append(BilingualUnit(label, source, target))
    return BilingualJob(version, source_lang, target_lang, units)


def parse_xliff(text: str, source_lang: str, name: str = "<input>") -> XliffDocument:
    """The sentences of every unit that needs a translation, in document order."""
    root = parse_xml(text.encode("utf-8"), name, None, _FIX)
    try:
        version, todo, done = _units(root)
    except InputError as err:
        raise InputError(err.message, name, hint=err.hint) from None
    segments: list[Segment] = []
    plans: list[tuple[BlockPlan, int, int]] = []
    for unit in todo:
        plan, unit_segments = plan_block(_block(unit.source, "unit"), source_lang)
        plans.append((plan, len(segments), len(segments) + len(unit_segments)))
        segments.extend(unit_segments)
    translated = [("".join(u.source.itertext()), "".join(u.target.itertext())) for u in done]
    return XliffDocument(source_lang, text, name, version, plans, segments, translated)
