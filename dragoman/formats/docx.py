"""DOCX (Word): the paragraphs of the body, tables, headers, footers, footnotes, endnotes and text boxes.

Read and written with lxml rather than python-docx: python-docx has no API for footnotes, text boxes
or the runs inside hyperlinks and tracked insertions, and saving through it re-serialises every part.
Here only the parts that hold translated text are re-serialised; every other member of the zip is
written back byte for byte. A paragraph is a block of pieces (formats/blocks.py): sentences cross run
boundaries, and each run style other than the paragraph's commonest is an inline mark.

Left as they are: comments (comments.xml is not translated), tracked deletions, complex fields (a
field's code and its displayed result), content controls (w:sdt) inside a paragraph, equations.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from dragoman.errors import InputError
from dragoman.formats.base import ContainerDocument, LocatedBlock, Segment, SegmentOutput
from dragoman.formats.blocks import (
    Block,
    BlockPlan,
    Piece,
    locate,
    plan_block,
    render_block,
    unchanged,
)
from dragoman.formats.container import Container, nest, serialize_xml
from dragoman.languages import is_rtl

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_FIX = "save it again as .docx from the word processor, or choose the right --format"


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


W_P, W_R, W_T, W_RPR, W_PPR = _w("p"), _w("r"), _w("t"), _w("rPr"), _w("pPr")
W_FLDCHAR, W_FLDCHARTYPE, W_VAL = _w("fldChar"), _w("fldCharType"), _w("val")
_BREAKS = {_w("tab"), _w("br"), _w("cr"), _w("ptab")}
# Elements whose runs are part of the sentence; the element is kept around them as a mark.
_WRAPPERS = {
    _w("hyperlink"): "a",
    _w("ins"): "ins",
    _w("moveTo"): "ins",
    _w("smartTag"): "span",
    _w("customXml"): "span",
    _w("dir"): "span",
    _w("bdo"): "span",
}
# The parts with text to translate, by content type suffix, and the segment kind of their paragraphs.
_PART_KINDS = (
    ("document.main+xml", "paragraph"),
    ("template.main+xml", "paragraph"),
    ("macroEnabled.main+xml", "paragraph"),
    ("wordprocessingml.header+xml", "header"),
    ("wordprocessingml.footer+xml", "footer"),
    ("wordprocessingml.footnotes+xml", "footnote"),
    ("wordprocessingml.endnotes+xml", "endnote"),
)
# Child order of w:rPr and w:pPr (ECMA-376 CT_RPr / CT_PPr sequences): new children go in their place.
_RPR_ORDER = {
    name: i
    for i, name in enumerate(
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
        "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
        "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath".split()
    )
}
_PPR_ORDER = {
    name: i
    for i, name in enumerate(
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
        "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
        "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split()
    )
}
_STYLE_NAMES = (("b", "b"), ("i", "i"), ("u", "u"), ("strike", "s"), ("dstrike", "s"))
_NOT_FORMATTING = {_w("lang"), _w("noProof")}  # differ between runs of one look (spell-check data)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _on(element: Any) -> bool:
    return element is not None and element.get(W_VAL) not in ("0", "false", "off", "none")


def _style_key(rpr: Any) -> str:
    if rpr is None:
        return ""
    from lxml import etree

    parts = [etree.tostring(child) for child in rpr if child.tag not in _NOT_FORMATTING]
    return b"".join(parts).decode("utf-8")


def _style_name(rpr: Any) -> str:
    if rpr is None:
        return "span"
    names = [name for tag, name in _STYLE_NAMES if _on(rpr.find(_w(tag)))]
    vertical = rpr.find(_w("vertAlign"))
    if vertical is not None and vertical.get(W_VAL) in ("superscript", "subscript"):
        names.append("sup" if vertical.get(W_VAL) == "superscript" else "sub")
    return "".join(names) or "span"


def _insert_ordered(parent: Any, child: Any, order: dict[str, int]) -> Any:
    rank = order.get(_local(child.tag), len(order))
    for index, existing in enumerate(parent):
        if isinstance(existing.tag, str) and order.get(_local(existing.tag), len(order)) > rank:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _ensure(parent: Any, name: str, order: dict[str, int]) -> Any:
    found = parent.find(_w(name))
    if found is None:
        found = _insert_ordered(parent, parent.makeelement(_w(name), {}), order)
    return found


def _paragraph_kind(paragraph: Any, part_kind: str) -> str:
    for ancestor in paragraph.iterancestors():
        name = _local(ancestor.tag)
        if name == "txbxContent":
            return "text_box"
        if name == "tc":
            return "table_cell"
    ppr = paragraph.find(W_PPR)
    style = ppr.find(_w("pStyle")) if ppr is not None else None
    value = (style.get(W_VAL) or "").lower() if style is not None else ""
    if value.startswith("heading") or value in ("title", "subtitle"):
        return "heading"
    return part_kind


def _extract(paragraph: Any, kind: str) -> Block:
    """The paragraph as pieces: runs' text in their style and wrappers; everything else an atom."""
    block = Block(kind, payload=paragraph)
    keys: dict[str, int] = {}
    in_field = 0

    def atom(payload: Any, chain: tuple[int, ...], breaks: bool = False) -> None:
        block.pieces.append(Piece("", -1, chain, payload, breaks))

    def run(element: Any, chain: tuple[int, ...]) -> None:
        nonlocal in_field
        rpr = element.find(W_RPR)
        field_chars = [c.get(W_FLDCHARTYPE) for c in element.iter(W_FLDCHAR)]
        if in_field or field_chars:
            # A complex field (page numbers, cross-references, TOC lines): code and result stay as they are.
            in_field += field_chars.count("begin") - field_chars.count("end")
            in_field = max(in_field, 0)
            atom(("element", element), chain)
            return
        style = -1
        for child in element:
            if child.tag == W_RPR or not isinstance(child.tag, str):
                continue
            if child.tag == W_T:
                if child.text:
                    if style < 0:
                        style = block.style_index(_style_key(rpr), rpr, _style_name(rpr), keys)
                    block.pieces.append(Piece(child.text, style, chain))
            else:
                atom(("run-child", rpr, child), chain, child.tag in _BREAKS)

    def walk(parent: Any, chain: tuple[int, ...]) -> None:
        for child in parent:
            tag = child.tag
            if tag == W_PPR:
                continue
            if tag == W_R:
                run(child, chain)
            elif tag in _WRAPPERS:
                walk(child, (*chain, block.add_wrapper(child, _WRAPPERS[tag])))
            else:
                atom(("element", child), chain)

    walk(paragraph, ())
    return block


def _set_language(rpr: Any, target: str) -> None:
    lang = _ensure(rpr, "lang", _RPR_ORDER)
    if is_rtl(target):
        lang.set(_w("bidi"), target)
        _ensure(rpr, "rtl", _RPR_ORDER)
        # Right-to-left text is drawn with the complex-script properties: bold stays bold.
        for plain, complex_script in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
            source = rpr.find(_w(plain))
            if source is not None and rpr.find(_w(complex_script)) is None:
                _insert_ordered(rpr, rpr.makeelement(_w(complex_script), dict(source.attrib)), _RPR_ORDER)
    else:
        lang.set(W_VAL, target)
        for name in ("rtl",):
            found = rpr.find(_w(name))
            if found is not None:
                rpr.remove(found)


def _rebuild(paragraph: Any, block: Block, pieces: Sequence[Piece], target: str) -> None:
    """Replace the paragraph's content by ``pieces`` (its w:pPr kept, bidi set for the target)."""
    for child in list(paragraph):
        if child.tag != W_PPR:
            paragraph.remove(child)
    ppr = paragraph.find(W_PPR)
    if is_rtl(target):
        if ppr is None:
            ppr = paragraph.makeelement(W_PPR, {})
            paragraph.insert(0, ppr)
        _ensure(ppr, "bidi", _PPR_ORDER)
    elif ppr is not None and ppr.find(_w("bidi")) is not None:
        ppr.remove(ppr.find(_w("bidi")))
    for piece, parent in nest(paragraph, pieces, block.wrappers):
        if piece.style < 0:
            if piece.atom[0] == "element":
                parent.append(piece.atom[1])
            else:
                _, rpr, child = piece.atom
                run = paragraph.makeelement(W_R, {})
                if rpr is not None:
                    run.append(copy.deepcopy(rpr))
                run.append(child)
                parent.append(run)
            continue
        rpr_source = block.styles[piece.style]
        run = paragraph.makeelement(W_R, {})
        rpr = copy.deepcopy(rpr_source) if rpr_source is not None else run.makeelement(W_RPR, {})
        _set_language(rpr, target)
        run.append(rpr)
        text = run.makeelement(W_T, {})
        text.set(_XML_SPACE, "preserve")
        text.text = piece.text.replace("\n", " ")
        run.append(text)
        parent.append(run)


@dataclass
class _Part:
    member: str
    kind: str
    original: bytes
    plans: list[tuple[BlockPlan, int, int]]  # (plan, first segment, end segment)


def _content_types(container: Container) -> dict[str, str]:
    if "[Content_Types].xml" not in container.names:
        raise InputError("is a zip but not a DOCX (no [Content_Types].xml)", container.name, hint=_FIX)
    root = container.parse_xml("[Content_Types].xml")
    return {
        element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
        for element in root.iter(f"{{{_CT_NS}}}Override")
    }


def _blocks(root: Any, kind: str) -> list[Block]:
    return [_extract(paragraph, _paragraph_kind(paragraph, kind)) for paragraph in root.iter(W_P)]


class DocxDocument(ContainerDocument):
    """A parsed DOCX: segments of every translatable part; ``render_bytes`` writes the translated file."""

    def __init__(self, source_lang: str, container: Container, parts: list[_Part], segments: list[Segment]) -> None:
        super().__init__("docx", source_lang, segments)
        self.container = container
        self.parts = parts

    def build(self, outputs: Sequence[SegmentOutput], target_lang: str) -> bytes:
        replaced: dict[str, bytes] = {}
        for part in self.parts:
            changed = [
                index
                for index, (plan, a, b) in enumerate(part.plans)
                if not unchanged(plan, self.segments[a:b], outputs[a:b])
            ]
            if not changed:
                continue
            # A fresh tree per target: the source is never modified, so every target starts from it.
            root = self.container.parse_xml(part.member)
            blocks = _blocks(root, part.kind)
            for index in changed:
                plan, a, b = part.plans[index]
                fresh = blocks[index]
                plan.block = fresh  # the same structure, elements of the fresh tree
                pieces = render_block(plan, self.segments[a:b], outputs[a:b])
                _rebuild(fresh.payload, fresh, pieces, target_lang)
            replaced[part.member] = serialize_xml(root, part.original)
        return self.container.write(replaced)

    def located_blocks(self) -> list[LocatedBlock]:
        out: list[LocatedBlock] = []
        for part in self.parts:
            out.extend(locate(part.plans, "" if part.kind == "paragraph" else part.member))
        return out


def parse_docx(data: bytes, source_lang: str, name: str) -> DocxDocument:
    """Segments of the body, tables, text boxes, headers, footers, footnotes and endnotes, in that order."""
    container = Container(data, name, "DOCX", _FIX)
    types = _content_types(container)
    chosen: list[tuple[int, str, str]] = []
    for member in container.names:
        content_type = types.get(member, "")
        for rank, (suffix, kind) in enumerate(_PART_KINDS):
            if content_type.endswith(suffix):
                chosen.append((min(rank, 3), member, kind))
                break
    if not any(kind == "paragraph" for _, _, kind in chosen):
        raise InputError("is a zip but not a DOCX (no main document part)", name, hint=_FIX)
    segments: list[Segment] = []
    parts: list[_Part] = []
    for _, member, kind in sorted(chosen):
        original = container.read(member)
        root = container.parse_xml(member)
        plans: list[tuple[BlockPlan, int, int]] = []
        for block in _blocks(root, kind):
            plan, block_segments = plan_block(block, source_lang)
            plans.append((plan, len(segments), len(segments) + len(block_segments)))
            segments.extend(block_segments)
        parts.append(_Part(member, kind, original, plans))
    return DocxDocument(source_lang, container, parts, segments)
