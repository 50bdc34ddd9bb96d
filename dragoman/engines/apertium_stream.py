"""Apertium's stream format: text with marked spans in and out (what apertium-destxt/-deshtml/-retxt do).

Done in Python because the deformatters swallow the NUL that separates segments in a null-flushing pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_STREAM_SPECIAL = frozenset("[]^$/@<>{}\\")
_MARK = re.compile(r"^<(/?)t(\d+)>$")


def to_stream(text: str, marks: Sequence[tuple[int, int]] = ()) -> str:
    """``text`` in Apertium's stream format, each mark wrapped in ``[<tN>]...[<\\/tN>]`` superblanks (N from 1).

    This is what apertium-destxt/-deshtml do (escape, put format in superblanks), done here because the
    deformatters swallow the NUL that separates segments. Whitespace around a mark goes into its superblank
    as apertium-deshtml does with tags. A final empty superblank keeps a sentence-final full stop, which the
    pipeline drops when it ends the input (the `-f line` fault).
    """
    tags: dict[int, list[str]] = {}
    for number, (start, end) in enumerate(marks, 1):
        tags.setdefault(end, []).insert(0, f"</t{number}>")  # closes first, innermost first
    for number, (start, end) in enumerate(marks, 1):
        tags.setdefault(start, []).append(f"<t{number}>")
    out: list[str] = []
    group: list[str] = []  # whitespace and tags between two words
    has_tag = False
    for i in range(len(text) + 1):
        if i in tags:
            group.extend(tags[i])
            has_tag = True
        if i == len(text):
            break
        ch = text[i]
        if ch.isspace():
            group.append(ch)
            continue
        if group:
            out.append(_blank("".join(group), has_tag))
            group, has_tag = [], False
        if ch in _STREAM_SPECIAL:
            out.append("\\" + ch)
        elif ch in "~\x00":
            # "~" joins words in post-generation; NUL separates segments: neither may reach the pipeline as text.
            out.append("[~]" if ch == "~" else "")
        else:
            out.append(ch)
    if group:
        out.append(_blank("".join(group), has_tag))
    out.append("[]")
    return "".join(out)


def _blank(blank: str, has_tag: bool) -> str:
    # Single spaces are ordinary blanks; tags, newlines and tabs are format and travel in a superblank.
    return blank if blank == " " and not has_tag else "[" + _escape_blank(blank) + "]"


def _escape_blank(text: str) -> str:
    return "".join("\\" + ch if ch in "[]\\^$/@" else ch for ch in text)


def from_stream(stream: str) -> tuple[str, dict[int, list[tuple[str, int]]]]:
    """Apertium output in stream format -> plain text, plus where each mark tag landed: N -> [("open"|"close", offset)]."""
    out: list[str] = []
    length = 0
    tags: dict[int, list[tuple[str, int]]] = {}
    i, n = 0, len(stream)
    while i < n:
        ch = stream[i]
        if ch == "\\" and i + 1 < n:
            out.append(stream[i + 1])
            length += 1
            i += 2
        elif ch == "[" and stream.startswith("[[", i):
            # A word-bound blank carries metadata, not text: skip it.
            end = stream.find("]]", i + 2)
            i = n if end < 0 else end + 2
        elif ch == "[":
            content, i = _read_blank(stream, i + 1)
            for piece in re.split(r"(</?t\d+>)", content):
                match = _MARK.match(piece)
                if match:
                    tags.setdefault(int(match.group(2)), []).append(("close" if match.group(1) else "open", length))
                elif piece:
                    out.append(piece)
                    length += len(piece)
        elif ch == "\x00":
            i += 1
        else:
            out.append(ch)
            length += 1
            i += 1
    return "".join(out), tags


def _read_blank(stream: str, i: int) -> tuple[str, int]:
    """The unescaped content of a superblank starting at ``i`` (after its "["), and the index after its "]"."""
    content: list[str] = []
    n = len(stream)
    while i < n:
        ch = stream[i]
        if ch == "\\" and i + 1 < n:
            content.append(stream[i + 1])
            i += 2
        elif ch == "]":
            return "".join(content), i + 1
        else:
            content.append(ch)
            i += 1
    return "".join(content), n


def _keep_edges(
    source: str, text: str, tags: dict[int, list[tuple[str, int]]]
) -> tuple[str, dict[int, list[tuple[str, int]]]]:
    """The translation with the source's leading and trailing whitespace.

    A dropped subject pronoun ("She met" -> "Conoció") leaves its blank behind, so Apertium's output can
    start with a space the source did not have.
    """
    core = text.strip()
    lead = source[: len(source) - len(source.lstrip())]
    trail = source[len(source.rstrip()) :]
    cut = len(text) - len(text.lstrip())
    shifted = {
        n: [(kind, min(max(pos - cut, 0), len(core)) + len(lead)) for kind, pos in found] for n, found in tags.items()
    }
    return lead + core + trail, shifted


def mark_spans(text: str, tags: dict[int, list[tuple[str, int]]], count: int) -> list[tuple[int, int] | None]:
    """Target span of each mark (1..count): its open and close tag each exactly once, in order, around some
    words (whitespace at the edges trimmed); None where Apertium lost, split or duplicated a tag."""
    spans: list[tuple[int, int] | None] = []
    for number in range(1, count + 1):
        found = tags.get(number, [])
        opens = [pos for kind, pos in found if kind == "open"]
        closes = [pos for kind, pos in found if kind == "close"]
        if len(opens) != 1 or len(closes) != 1 or opens[0] > closes[0]:
            spans.append(None)
            continue
        start, end = opens[0], closes[0]
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end) if start < end else None)
    return spans
