"""ODT (OpenDocument text): paragraphs and headings of the body, tables, frames, notes, headers and footers.

Read and written with lxml, as DOCX is (formats/docx.py, the reasons are the same: odfpy re-serialises
every part it saves and has no notion of a sentence across spans). ``content.xml`` holds the body, tables,
text boxes and footnotes/endnotes; ``styles.xml`` the headers and footers of the master pages. A
``text:span`` or ``text:a`` is an inline mark kept around its words; tabs, line breaks, notes, frames,
bookmarks, fields, comments (``office:annotation``) and tracked-change marks are kept in place.

The target language goes into the document's default paragraph style (``fo:language``, or
``style:language-complex`` for Persian and Arabic) and every style that names a language;
a right-to-left target gets ``style:writing-mode="rl-tb"`` there too.
"""

from __future__ import annotations

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
from dragoman.formats.container import Container, fill_element, serialize_xml
from dragoman.languages import is_rtl

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO_NS = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_FIX = "save it again as .odt from the word processor, or choose the right --format"
_PARAGRAPHS = {f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h"}
_WRAPPERS = {f"{{{TEXT_NS}}}span": "span", f"{{{TEXT_NS}}}a": "a"}
_BREAKS = {f"{{{TEXT_NS}}}tab", f"{{{TEXT_NS}}}line-break"}
_SPACE = f"{{{TEXT_NS}}}s"
_LEFT_ALONE = {f"{{{OFFICE_NS}}}annotation", f"{{{TEXT_NS}}}tracked-changes"}


def _kind(paragraph: Any, part: str) -> str:
    for ancestor in paragraph.iterancestors():
        name = ancestor.tag.rsplit("}", 1)[-1]
        if name == "note-body":
            return "footnote"
        if name == "text-box":
            return "text_box"
        if name == "table-cell":
            return "table_cell"
        if name in ("header", "footer", "header-left", "footer-left", "header-first", "footer-first"):
            return "header" if name.startswith("header") else "footer"
    if paragraph.tag == f"{{{TEXT_NS}}}h":
        return "heading"
    return "paragraph"


def _extract(paragraph: Any, part: str) -> Block:
    block = Block(_kind(paragraph, part), payload=paragraph)
    block.styles.append(None)
    block.style_names.append("span")

    def text(value: str | None, chain: tuple[int, ...]) -> None:
        if value:
            block.pieces.append(Piece(value, 0, chain))

    def walk(element: Any, chain: tuple[int, ...]) -> None:
        text(element.text, chain)
        for child in element:
            tag = child.tag
            if tag in _WRAPPERS:
                walk(child, (*chain, block.add_wrapper(child, _WRAPPERS[tag])))
            elif tag == _SPACE:
                count = child.get(f"{{{TEXT_NS}}}c") or "1"
                text(" " * (int(count) if count.isdigit() else 1), chain)
            else:
                block.pieces.append(Piece("", -1, chain, child, tag in _BREAKS))
            text(child.tail, chain)

    walk(paragraph, ())
    return block


def _blocks(root: Any, part: str) -> list[Block]:
    if part == "styles.xml":
        masters = root.find(f"{{{OFFICE_NS}}}master-styles")
        if masters is None:
            return []
        scope = masters
    else:
        scope = root.find(f"{{{OFFICE_NS}}}body")
        if scope is None:
            return []
    # Comments (office:annotation) and the tracked-changes region (deleted text) are left as they are.
    return [
        _extract(element, part)
        for element in scope.iter(*_PARAGRAPHS)
        if not any(a.tag in _LEFT_ALONE for a in element.iterancestors())
    ]


def _set_languages(root: Any, target: str) -> None:
    """The target language on the default paragraph style and on every style that names a language."""
    rtl = is_rtl(target)
    lang_attr = f"{{{STYLE_NS}}}language-complex" if rtl else f"{{{FO_NS}}}language"
    country_attr = f"{{{STYLE_NS}}}country-complex" if rtl else f"{{{FO_NS}}}country"
    for properties in root.iter(f"{{{STYLE_NS}}}text-properties"):
        if properties.get(lang_attr) is not None:
            properties.set(lang_attr, target)
            properties.set(country_attr, "none")
    styles = root.find(f"{{{OFFICE_NS}}}styles")
    defaults = [d for d in root.iter(f"{{{STYLE_NS}}}default-style") if d.get(f"{{{STYLE_NS}}}family") == "paragraph"]
    if styles is not None and not defaults:
        default = styles.makeelement(f"{{{STYLE_NS}}}default-style", {f"{{{STYLE_NS}}}family": "paragraph"})
        styles.insert(0, default)
    for default in root.iter(f"{{{STYLE_NS}}}default-style"):
        if default.get(f"{{{STYLE_NS}}}family") != "paragraph":
            continue
        properties = default.find(f"{{{STYLE_NS}}}text-properties")
        if properties is None:
            properties = default.makeelement(f"{{{STYLE_NS}}}text-properties", {})
            default.append(properties)
        properties.set(lang_attr, target)
        properties.set(country_attr, "none")
        paragraph = default.find(f"{{{STYLE_NS}}}paragraph-properties")
        if rtl:
            if paragraph is None:
                paragraph = default.makeelement(f"{{{STYLE_NS}}}paragraph-properties", {})
                default.insert(0, paragraph)
            paragraph.set(f"{{{STYLE_NS}}}writing-mode", "rl-tb")
        elif paragraph is not None and paragraph.get(f"{{{STYLE_NS}}}writing-mode") == "rl-tb":
            paragraph.set(f"{{{STYLE_NS}}}writing-mode", "lr-tb")
    if rtl:
        for paragraph in root.iter(f"{{{STYLE_NS}}}paragraph-properties"):
            if paragraph.get(f"{{{STYLE_NS}}}writing-mode") not in (None, "rl-tb"):
                paragraph.set(f"{{{STYLE_NS}}}writing-mode", "rl-tb")


@dataclass
class _Part:
    member: str
    original: bytes
    plans: list[tuple[BlockPlan, int, int]]


class OdtDocument(ContainerDocument):
    """A parsed ODT: segments of content.xml and the master pages of styles.xml."""

    def __init__(self, source_lang: str, container: Container, parts: list[_Part], segments: list[Segment]) -> None:
        super().__init__("odt", source_lang, segments)
        self.container = container
        self.parts = parts

    def build(self, outputs: Sequence[SegmentOutput], target_lang: str) -> bytes:
        replaced: dict[str, bytes] = {}
        translated = any(
            not unchanged(plan, self.segments[a:b], outputs[a:b]) for part in self.parts for plan, a, b in part.plans
        )
        for part in self.parts:
            changed = [
                index
                for index, (plan, a, b) in enumerate(part.plans)
                if not unchanged(plan, self.segments[a:b], outputs[a:b])
            ]
            if not changed and not (translated and part.member == "styles.xml"):
                continue
            root = self.container.parse_xml(part.member)
            blocks = _blocks(root, part.member)
            for index in changed:
                plan, a, b = part.plans[index]
                plan.block = blocks[index]
                pieces = render_block(plan, self.segments[a:b], outputs[a:b])
                fill_element(blocks[index].payload, pieces, blocks[index].wrappers, copy_atoms=False)
            if translated:
                _set_languages(root, target_lang)
            replaced[part.member] = serialize_xml(root, part.original)
        return self.container.write(replaced)

    def located_blocks(self) -> list[LocatedBlock]:
        out: list[LocatedBlock] = []
        for part in self.parts:
            out.extend(locate(part.plans, "" if part.member == "content.xml" else part.member))
        return out


def parse_odt(data: bytes, source_lang: str, name: str) -> OdtDocument:
    """Segments of the body (tables, frames, notes included), then of the headers and footers."""
    container = Container(data, name, "ODT", _FIX)
    if "content.xml" not in container.names:
        raise InputError("is a zip but not an ODT (no content.xml)", name, hint=_FIX)
    if "mimetype" in container.names:
        mimetype = container.read("mimetype").strip()
        if not mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            raise InputError(
                f"is an OpenDocument file of another kind ({mimetype.decode('ascii', 'replace')})",
                name,
                hint="give an .odt text document",
            )
    segments: list[Segment] = []
    parts: list[_Part] = []
    for member in ("content.xml", "styles.xml"):
        if member not in container.names:
            continue
        original = container.read(member)
        root = container.parse_xml(member)
        plans: list[tuple[BlockPlan, int, int]] = []
        for block in _blocks(root, member):
            plan, block_segments = plan_block(block, source_lang)
            plans.append((plan, len(segments), len(segments) + len(block_segments)))
            segments.extend(block_segments)
        parts.append(_Part(member, original, plans))
    return OdtDocument(source_lang, container, parts, segments)
