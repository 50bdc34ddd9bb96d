"""Markdown: headings, lists, quotes, tables, emphasis and link text translated; code, URLs, HTML kept."""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from dragoman.errors import InputError
from dragoman.formats.base import Document, Region, Segment
from dragoman.formats.inline import InlineRun, build_segments

_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY_RE = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_OPEN_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)\b[^>]*(?<!/)>\Z")
_CLOSE_TAG_RE = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>\Z")
_VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
# Characters in translated text that markdown would read as markup.
_MD_SPECIAL_RE = re.compile(r"[\\`*\[\]]|<(?=[A-Za-z/!?])|&(?=#?\w+;)|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_BLOCK_KINDS = {
    "heading_open": "heading",
    "th_open": "table_cell",
    "td_open": "table_cell",
    "list_item_open": "list_item",
    "blockquote_open": "blockquote",
}


class _Misaligned(Exception):
    """The inline tokens do not match the source: the block is left untranslated, never damaged."""


def escape_markdown(text: str) -> str:
    return _MD_SPECIAL_RE.sub(lambda m: "\\" + m.group(), text)


# markdown-it stops parsing, without a word, below its nesting limit (20 in the commonmark preset: 20 quote
# levels, 10 list levels), and its block parser recurses per level. 256 levels (a quote is one, a list item two)
# stay far inside Python's recursion limit; a document that reaches it is refused with its line, never copied
# untranslated in silence.
MAX_NESTING = 256


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    return parser.enable(["table", "strikethrough"]).use(front_matter_plugin)


def _tokens(text: str) -> list[Any]:
    """markdown-it's tokens; InputError where the nesting reaches the parser's limit (content would be lost)."""
    try:
        tokens: list[Any] = _parser().parse(text)
    except RecursionError:
        raise InputError(
            f"Markdown nested too deeply to parse (more than {MAX_NESTING} levels)",
            hint="flatten the nested quotes or lists",
        ) from None
    for token in tokens:
        if token.level >= MAX_NESTING - 2:
            line = token.map[0] + 1 if token.map else None
            raise InputError(
                f"Markdown nested {MAX_NESTING - 2} levels deep or more (quotes, list items); "
                "deeper text would be left untranslated",
                line=line,
                hint="flatten the nested quotes or lists",
            )
    return tokens


class _InlineWalker:
    """Replays markdown-it's inline tokens over the raw inline source to recover source offsets."""

    def __init__(self, content: str, offsets: list[int], run: InlineRun) -> None:
        self.content = content
        self.offsets = offsets  # content index -> absolute source offset (len(content)+1 items)
        self.run = run
        self.pos = 0
        self.stack: list[tuple[str, int]] = []  # (closing token type or html tag, mark index)

    def raw(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            return (self.offsets[start], self.offsets[start])
        return (self.offsets[start], self.offsets[end - 1] + 1)

    def expect(self, markup: str) -> tuple[int, int]:
        if not markup or not self.content.startswith(markup, self.pos):
            raise _Misaligned(markup)
        start = self.pos
        self.pos += len(markup)
        return self.raw(start, self.pos)

    def text(self, expected: str) -> None:
        content = self.content
        if content.startswith(expected, self.pos) and "\n" not in expected:
            # No escape or entity in it: one stretch of one source line.
            start = self.pos
            self.pos += len(expected)
            self.run.add_text(expected, *self.raw(start, self.pos))
            return
        i = 0
        while i < len(expected):
            p = self.pos
            if p >= len(content):
                raise _Misaligned(expected)
            ch = content[p]
            if ch == "\\" and p + 1 < len(content) and content[p + 1] in _ASCII_PUNCT and expected[i] == content[p + 1]:
                self.run.add_text(expected[i], *self.raw(p, p + 2))
                self.pos, i = p + 2, i + 1
                continue
            if ch == "&":
                match = _ENTITY_RE.match(content, p)
                if match:
                    decoded = html.unescape(match.group())
                    if decoded != match.group() and expected.startswith(decoded, i):
                        self.run.add_text(decoded, *self.raw(p, match.end()))
                        self.pos, i = match.end(), i + len(decoded)
                        continue
            if ch != expected[i]:
                raise _Misaligned(expected)
            self.run.add_text(ch, *self.raw(p, p + 1))
            self.pos, i = p + 1, i + 1

    def line_break(self, hard: bool) -> None:
        start = self.pos
        end = self.content.find("\n", start)
        if end < 0 or self.content[start:end].strip(" \t\\"):
            raise _Misaligned("line break")
        self.pos = end + 1
        while self.pos < len(self.content) and self.content[self.pos] in " \t":
            self.pos += 1  # markdown-it drops the next line's leading spaces with the break
        if hard:
            self.run.hard_break(" ", self.raw(start, self.pos))
        else:
            self.run.add_text(" ", *self.raw(start, self.pos))

    def link_tail(self) -> tuple[int, int]:
        """The source after a link's text: ``](dest "title")``, ``][ref]``, ``][]`` or ``]``."""
        from markdown_it.helpers import parseLinkDestination, parseLinkTitle

        content, start = self.content, self.pos
        if not content.startswith("]", start):
            raise _Misaligned("]")
        pos = start + 1
        limit = len(content)
        if pos < limit and content[pos] == "(":
            pos += 1
            while pos < limit and content[pos] in " \t\n":
                pos += 1
            destination = parseLinkDestination(content, pos, limit)
            if destination.ok:
                pos = destination.pos
            while pos < limit and content[pos] in " \t\n":
                pos += 1
            title = parseLinkTitle(content, pos, limit)
            if title.ok:
                pos = title.pos
                while pos < limit and content[pos] in " \t\n":
                    pos += 1
            if pos < limit and content[pos] == ")":
                self.pos = pos + 1
                return self.raw(start, self.pos)
            raise _Misaligned("link destination")
        if pos < limit and content[pos] == "[":
            close = content.find("]", pos)
            if close < 0:
                raise _Misaligned("link label")
            self.pos = close + 1
            return self.raw(start, self.pos)
        self.pos = start + 1
        return self.raw(start, self.pos)

    def walk(self, tokens: list[Any]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            kind = token.type
            if kind == "text":
                self.text(token.content)
            elif kind in ("softbreak", "hardbreak"):
                self.line_break(kind == "hardbreak")
            elif kind == "code_inline":
                self.code_span(token)
            elif kind in ("em_open", "strong_open", "s_open"):
                mark = self.run.open(kind[:-5], self.expect(token.markup))
                self.stack.append((kind[:-5] + "_close", mark))
            elif kind in ("em_close", "strong_close", "s_close"):
                self.close(kind, self.expect(token.markup))
            elif kind == "link_open" and token.markup == "autolink":
                index = self.autolink(tokens, index)
            elif kind == "link_open":
                mark = self.run.open("link", self.expect("["))
                self.stack.append(("link_close", mark))
            elif kind == "link_close":
                self.close(kind, self.link_tail())
            elif kind == "image":
                mark = self.run.open("image", self.expect("!["))
                self.walk(token.children or [])
                self.run.close(mark, self.link_tail())
            elif kind == "html_inline":
                self.html_inline(token.content)
            else:
                raise _Misaligned(kind)

    def close(self, closing_type: str, raw: tuple[int, int]) -> None:
        for position in range(len(self.stack) - 1, -1, -1):
            if self.stack[position][0] == closing_type:
                self.run.close(self.stack[position][1], raw)
                del self.stack[position:]  # inline HTML left open inside ('<T>') stays unclosed
                return
        raise _Misaligned(closing_type)

    def code_span(self, token: Any) -> None:
        ticks = token.markup
        opening = self.expect(ticks)
        start = self.pos
        pattern = re.compile(r"(?<!`)" + re.escape(ticks) + r"(?!`)")
        match = pattern.search(self.content, start)
        if match is None:
            raise _Misaligned("code span")
        mark = self.run.open("code", opening, translate=False)
        self.run.add_text(token.content, *self.raw(start, match.start()))
        self.pos = match.start()
        self.run.close(mark, self.expect(ticks))

    def autolink(self, tokens: list[Any], index: int) -> int:
        opening = self.expect("<")
        end = self.content.find(">", self.pos)
        if end < 0:
            raise _Misaligned("autolink")
        mark = self.run.open("autolink", opening, translate=False)
        label = "".join(t.content for t in tokens[index:] if t.type == "text")[: end - self.pos]
        self.run.add_text(label or self.content[self.pos : end], *self.raw(self.pos, end))
        self.pos = end
        self.run.close(mark, self.expect(">"))
        while index < len(tokens) and tokens[index].type != "link_close":
            index += 1
        return index + 1

    def html_inline(self, tag: str) -> None:
        raw = self.expect(tag)
        opening = _OPEN_TAG_RE.match(tag)
        if opening and opening.group(1).lower() not in _VOID_TAGS:
            self.stack.append(("</" + opening.group(1).lower(), self.run.open("html", raw)))
            return
        closing = _CLOSE_TAG_RE.match(tag)
        if closing and self.stack and self.stack[-1][0] == "</" + closing.group(1).lower():
            self.run.close(self.stack.pop()[1], raw)
            return
        self.run.atom("html", raw)


def _source_lines(text: str) -> list[tuple[int, str]]:
    """(offset, text without terminator) per line, counted the way markdown-it counts them."""
    lines: list[tuple[int, str]] = []
    for match in _LINE_RE.finditer(text):
        if match.start() == len(text) and lines:
            break
        lines.append((match.start(), match.group().rstrip("\r\n")))
    return lines


def _content_offsets(
    content: str, line_numbers: list[int], lines: list[tuple[int, str]], cell_cursor: dict[int, int] | None
) -> list[int]:
    """Absolute source offset of every character of an inline token's content."""
    offsets: list[int] = []
    parts = content.split("\n")
    if len(parts) != len(line_numbers):
        raise _Misaligned("line count")
    for number, (part, line_no) in enumerate(zip(parts, line_numbers)):
        if line_no >= len(lines):
            raise _Misaligned("line")
        line_start, line = lines[line_no]
        if cell_cursor is not None:  # table cells are found left to right on the row's line
            column = line.find(part, cell_cursor.get(line_no, 0))
            if column >= 0:
                cell_cursor[line_no] = column + len(part)
        else:
            # After the container prefix ("> ", "- ", "1. "): the last occurrence is the content.
            column = line.rfind(part)
        if column < 0:
            raise _Misaligned("content not found on its line")
        offsets.extend(range(line_start + column, line_start + column + len(part)))
        if number < len(parts) - 1:
            offsets.append(line_start + len(line))  # the line break
    offsets.append(offsets[-1] + 1 if offsets else 0)
    return offsets


def parse_markdown(text: str, source_lang: str) -> Document:
    """Segments for every inline run (paragraph, heading, list item, cell); the rest is kept."""
    tokens = _tokens(text)
    lines = _source_lines(text)
    segments: list[Segment] = []
    regions: list[Region] = []
    stack: list[str] = []
    cell_cursor: dict[int, int] = {}
    for token in tokens:
        if token.nesting == 1:
            stack.append(token.type)
            if token.type == "tr_open":
                cell_cursor = {}
        elif token.nesting == -1 and stack:
            stack.pop()
        if token.type != "inline" or not token.content.strip() or token.map is None:
            continue
        in_table = bool(stack) and stack[-1] in ("th_open", "td_open")
        kind = next((_BLOCK_KINDS[t] for t in reversed(stack) if t in _BLOCK_KINDS), "paragraph")
        first_line = token.map[0]
        line_numbers = [first_line] if in_table else list(range(first_line, first_line + token.content.count("\n") + 1))
        run = InlineRun(kind)
        try:
            offsets = _content_offsets(token.content, line_numbers, lines, cell_cursor if in_table else None)
            walker = _InlineWalker(token.content, offsets, run)
            walker.walk(token.children or [])
        except _Misaligned:
            continue  # left exactly as it is in the source
        new_segments, new_regions = build_segments(run, text, source_lang, escape_markdown, len(segments))
        segments.extend(new_segments)
        regions.extend(new_regions)
    return Document("markdown", source_lang, text, segments, regions)
