"""HTML: block text translated in place; tags, attributes and entities kept byte for byte."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

from dragoman.formats.base import Document, Region, Segment
from dragoman.formats.inline import InlineRun, build_segments
from dragoman.languages import is_rtl

# The stdlib parser reports every construct with its source position, so the original bytes of
# tags, attributes and entities are copied as they are; lxml or html5lib re-serialise them.

_BLOCK_TAGS = frozenset(
    """
address article aside audio blockquote body canvas caption center colgroup dd details dialog dir
div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header hgroup hr
html iframe legend li main menu nav object ol optgroup option p section select summary table
tbody td tfoot th thead title tr ul video""".split()
)
# Content copied untouched as a block.
_SKIP_TAGS = frozenset("script style pre textarea svg math template noscript iframe object".split())
# Inline content that stays in the sentence (for context) but is written back verbatim.
_FROZEN_INLINE_TAGS = frozenset("code kbd samp var tt".split())
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_KINDS = {
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "li": "list_item",
    "dt": "list_item",
    "dd": "list_item",
    "td": "table_cell",
    "th": "table_cell",
    "title": "title",
    "figcaption": "caption",
    "caption": "caption",
    "blockquote": "blockquote",
    "summary": "heading",
    "option": "list_item",
    "legend": "heading",
}
_TRANSLATED_ATTRIBUTES = frozenset({"alt", "title"})
_ATTRIBUTE_RE = re.compile(r"""(?<=[\s"'])([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_WHITESPACE_RE = re.compile(r"\s+")
# Data that starts like markup is what the parser could not finish at the end of the input (an
# unclosed comment or tag): markup, not text.
_MARKUP_START_RE = re.compile(r"<[A-Za-z/!?]")


def escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(quote: str) -> Callable[[str], str]:
    def escape(text: str) -> str:
        escaped = escape_html(text).replace(quote or '"', "&quot;" if quote != "'" else "&#39;")
        return escaped if quote else f'"{escaped}"'

    return escape


def _set_attribute(tag: str, name: str, value: str) -> str:
    """``tag`` with attribute ``name`` set to ``value`` (replaced in place, or added)."""
    for match in _ATTRIBUTE_RE.finditer(tag):
        if match.group(1).lower() == name:
            return f'{tag[: match.start()]}{name}="{value}"{tag[match.end() :]}'
    head = re.match(r"<[A-Za-z][A-Za-z0-9-]*", tag)
    cut = head.end() if head else len(tag)
    return f'{tag[:cut]} {name}="{value}"{tag[cut:]}'


def _attribute_value(tag: str, name: str) -> str | None:
    for match in _ATTRIBUTE_RE.finditer(tag):
        if match.group(1).lower() == name:
            value = next((g for g in match.groups()[1:] if g is not None), "")
            return html.unescape(value)
    return None


class _Events(HTMLParser):
    """Records each construct as (kind, source offset, tag, attributes)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.events: list[tuple[str, int, str, list[tuple[str, str | None]]]] = []

    def _record(self, kind: str, tag: str = "", attrs: list[tuple[str, str | None]] | None = None) -> None:
        line, column = self.getpos()
        self.events.append((kind, self.line_starts[line - 1] + column, tag, attrs or []))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record("start", tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record("startend", tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self._record("end", tag)

    def handle_data(self, data: str) -> None:
        self._record("data")

    def handle_entityref(self, name: str) -> None:
        self._record("entity")

    def handle_charref(self, name: str) -> None:
        self._record("entity")

    def handle_comment(self, data: str) -> None:
        self._record("other")

    def handle_decl(self, decl: str) -> None:
        self._record("other")

    def handle_pi(self, data: str) -> None:
        self._record("other")

    def unknown_decl(self, data: str) -> None:
        self._record("other")


def _no_translate(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "translate" and (value or "").strip().lower() == "no":
            return True
        if name == "class" and "notranslate" in (value or "").split():
            return True
    return False


class _Builder:
    def __init__(self, text: str, source_lang: str) -> None:
        self.text = text
        self.lang = source_lang
        self.segments: list[Segment] = []
        self.regions: list[Region] = []
        self.run: InlineRun | None = None
        self.marks: list[tuple[str, int]] = []  # open inline elements of the run: (tag, mark)
        self.blocks: list[str] = []
        # Per open block, the kind of text inside it and how many blocks of each tag are open: O(1) per
        # event at any depth (a scan of the block stack per text run made 100k nested <div>s quadratic).
        self.block_kinds: list[str] = []
        self.open_blocks: dict[str, int] = {}
        self.skip: tuple[str, int] | None = None  # (tag, depth) of an element copied untouched
        self.frozen: tuple[str, int, int] | None = None  # (tag, depth, mark) of inline code
        self.position = 0  # source offset of the event being handled

    # -- runs -----------------------------------------------------------------------------
    def current_run(self) -> InlineRun:
        if self.run is None:
            kind = self.block_kinds[-1] if self.block_kinds else "paragraph"
            self.run = InlineRun(kind)
            self.marks = []
        return self.run

    def flush(self) -> None:
        if self.run is not None and self.frozen is not None:
            # Unclosed <code>: everything up to here is its verbatim content.
            self.run.close(self.frozen[2], (self.position, self.position))
        if self.run is not None:
            segments, regions = build_segments(self.run, self.text, self.lang, escape_html, len(self.segments))
            self.segments.extend(segments)
            self.regions.extend(regions)
        self.run = None
        self.marks = []
        self.frozen = None

    def add_data(self, start: int, end: int) -> None:
        run = self.current_run()
        raw = self.text[start:end]
        # Source line breaks and indentation are layout: the engine sees one space.
        position = 0
        for match in _WHITESPACE_RE.finditer(raw):
            if match.start() > position:
                run.add_text(raw[position : match.start()], start + position, start + match.start())
            run.add_text(" ", start + match.start(), start + match.end())
            position = match.end()
        if position < len(raw):
            run.add_text(raw[position:], start + position, end)

    # -- attributes -----------------------------------------------------------------------
    def attribute_segments(self, start: int, end: int) -> None:
        tag = self.text[start:end]
        for match in _ATTRIBUTE_RE.finditer(tag):
            if match.group(1).lower() not in _TRANSLATED_ATTRIBUTES:
                continue
            for group, quote in ((2, '"'), (3, "'"), (4, "")):
                if match.group(group) is None:
                    continue
                value = match.group(group)
                left = len(value) - len(value.lstrip())
                right = len(value.rstrip())
                plain = html.unescape(value[left:right]).strip()
                if not plain:
                    break
                value_start = start + match.start(group)
                index = len(self.segments)
                self.segments.append(Segment(plain, [], "attribute", value_start + left))
                self.regions.append(
                    Region(value_start + left, value_start + right, index, escape=_escape_attribute(quote))
                )
                break

    def html_tag(self, start: int, end: int) -> None:
        source_lang = self.lang

        def edit(tag: str, target: str) -> str:
            if target == source_lang:
                return tag
            tag = _set_attribute(tag, "lang", target)
            if is_rtl(target):
                return _set_attribute(tag, "dir", "rtl")
            if (_attribute_value(tag, "dir") or "").lower() == "rtl":
                return _set_attribute(tag, "dir", "ltr")
            return tag

        self.regions.append(Region(start, end, edit=edit))

    # -- events ---------------------------------------------------------------------------
    def start_tag(self, tag: str, attrs: list[tuple[str, str | None]], start: int, end: int, void: bool) -> None:
        if self.skip is not None:
            if tag == self.skip[0] and not void:
                self.skip = (tag, self.skip[1] + 1)
            return
        if self.frozen is not None:
            if tag == self.frozen[0] and not void:
                self.frozen = (tag, self.frozen[1] + 1, self.frozen[2])
            return
        if tag == "html":
            self.html_tag(start, end)
        void = void or tag in _VOID_TAGS
        if (tag in _SKIP_TAGS or _no_translate(attrs)) and (tag in _BLOCK_TAGS or tag in _SKIP_TAGS):
            self.flush()
            if not void:
                self.skip = (tag, 1)
            return
        self.attribute_segments(start, end)
        if tag in _BLOCK_TAGS:
            self.flush()
            if not void:
                self.blocks.append(tag)
                self.block_kinds.append(_KINDS.get(tag) or (self.block_kinds[-1] if self.block_kinds else "paragraph"))
                self.open_blocks[tag] = self.open_blocks.get(tag, 0) + 1
            return
        run = self.current_run()
        if tag == "br":
            run.atom("break", (start, end))
            run.hard_break("")
        elif void:
            run.atom(tag, (start, end))
        elif tag in _FROZEN_INLINE_TAGS or _no_translate(attrs):
            mark = run.open(tag, (start, end), translate=False)
            self.frozen = (tag, 1, mark)
        else:
            self.marks.append((tag, run.open(tag, (start, end))))

    def end_tag(self, tag: str, start: int, end: int) -> None:
        if self.skip is not None:
            if tag == self.skip[0]:
                depth = self.skip[1] - 1
                self.skip = (tag, depth) if depth else None
            return
        if self.frozen is not None:
            if tag == self.frozen[0]:
                depth = self.frozen[1] - 1
                if depth:
                    self.frozen = (tag, depth, self.frozen[2])
                else:
                    assert self.run is not None
                    self.run.close(self.frozen[2], (start, end))
                    self.frozen = None
            return
        if tag in _BLOCK_TAGS:
            self.flush()
            if self.open_blocks.get(tag):
                while self.blocks:
                    closed = self.blocks.pop()
                    self.block_kinds.pop()
                    self.open_blocks[closed] -= 1
                    if closed == tag:
                        break
            return
        run = self.current_run()
        for position in range(len(self.marks) - 1, -1, -1):
            if self.marks[position][0] == tag:
                run.close(self.marks[position][1], (start, end))
                del self.marks[position:]  # inner ones left open end with the sentence
                return
        run.atom(tag, (start, end))  # a stray end tag stays where it is

    def text_event(self, start: int, end: int, entity: bool) -> None:
        if self.skip is not None:
            return
        if entity:
            raw = self.text[start:end]
            self.current_run().add_text(html.unescape(raw), start, end)
        else:
            self.add_data(start, end)


def parse_html(text: str, source_lang: str) -> Document:
    """Segments for block text and alt/title attributes; ``<html lang>`` follows the target."""
    parser = _Events(text)
    parser.feed(text)
    parser.close()
    events = parser.events
    builder = _Builder(text, source_lang)
    for index, (kind, start, tag, attrs) in enumerate(events):
        end = events[index + 1][1] if index + 1 < len(events) else len(text)
        builder.position = start
        if kind in ("start", "startend"):
            builder.start_tag(tag, attrs, start, end, kind == "startend")
        elif kind == "end":
            builder.end_tag(tag, start, end)
        elif kind == "entity" or (kind == "data" and not _MARKUP_START_RE.match(text, start)):
            builder.text_event(start, end, kind == "entity")
        elif builder.skip is None and builder.frozen is None and builder.run is not None:
            builder.run.atom("comment", (start, end))  # kept where it is
    builder.position = len(text)
    builder.flush()
    return Document("html", source_lang, text, builder.segments, builder.regions)
