"""JSON lines: the named string fields of each record translated, every other byte of the line kept.

Only the top-level string values of the chosen fields are rewritten, in place: the rest of the line (key
order, spacing, number spelling, nested objects) is copied, so a record comes out as it went in. The
values are found with the standard library's own JSON scanner (``json.decoder.scanstring`` and
``raw_decode``) rather than by loading and dumping the record, which would respell numbers and escapes.
A field's text is plain text (formats/txt.py): its lines and sentences are segments.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]

from dragoman.errors import InputError
from dragoman.formats.base import Document, Segment, SegmentOutput
from dragoman.formats.txt import parse_txt

_FIX = 'each line must be one JSON object, e.g. {"id": 1, "text": "..."}'
_WHITESPACE = " \t\r\n"


@dataclass
class _Value:
    start: int  # absolute source offsets of the JSON string token, quotes included
    end: int
    document: Document
    first: int  # index of its first segment in the whole document


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _top_level_strings(line: str, name: str, number: int) -> dict[str, tuple[int, int, str]]:
    """Top-level keys whose value is a string: key -> (token start, token end, value)."""
    decoder = json.JSONDecoder()
    found: dict[str, tuple[int, int, str]] = {}
    try:
        index = _skip(line, 0)
        if index >= len(line) or line[index] != "{":
            raise ValueError("not a JSON object")
        index = _skip(line, index + 1)
        if line[index : index + 1] == "}":
            return found
        while True:
            if line[index : index + 1] != '"':
                raise ValueError("expected a key")
            key, index = scanstring(line, index + 1)
            index = _skip(line, index)
            if line[index : index + 1] != ":":
                raise ValueError("expected ':'")
            index = _skip(line, index + 1)
            start = index
            if line[index : index + 1] == '"':
                value, index = scanstring(line, index + 1)
                found[key] = (start, index, value)
            else:
                _, index = decoder.raw_decode(line, index)
            index = _skip(line, index)
            if line[index : index + 1] == ",":
                index = _skip(line, index + 1)
                continue
            if line[index : index + 1] == "}":
                break
            raise ValueError("expected ',' or '}'")
        if _skip(line, index + 1) != len(line):
            raise ValueError("text after the object")
    except (ValueError, IndexError) as err:
        message = err.msg if isinstance(err, json.JSONDecodeError) else str(err)
        raise InputError(f"is not a JSON object ({message})", name, number, hint=_FIX) from None
    return found


class JsonlDocument(Document):
    """Records whose chosen fields are translated; ``render`` splices the new strings into each line."""

    def __init__(self, source_lang: str, source: str, values: list[_Value], segments: list[Segment]) -> None:
        super().__init__("jsonl", source_lang, source, segments, [])
        self.values = values

    def render(self, outputs: Sequence[SegmentOutput], target_lang: str) -> str:
        if len(outputs) != len(self.segments):
            return super().render(outputs, target_lang)  # the same one-line error
        parts: list[str] = []
        cursor = 0
        for value in self.values:
            count = len(value.document.segments)
            own = outputs[value.first : value.first + count]
            if all(o.text == s.text for o, s in zip(own, value.document.segments)):
                continue
            parts.append(self.source[cursor : value.start])
            parts.append(json.dumps(value.document.render(own, target_lang), ensure_ascii=False))
            cursor = value.end
        parts.append(self.source[cursor:])
        return "".join(parts)


def _wanted(fields: Sequence[str] | None, name: str) -> list[str]:
    if not fields:
        raise InputError("no fields to translate", name, hint="name them with --field, e.g. --field text,title")
    return list(dict.fromkeys(fields))


def check_jsonl(text: str, name: str = "<input>", fields: Sequence[str] | None = None, first_line: int = 1) -> None:
    """Raise the InputError :func:`parse_jsonl` would (no fields, a line that is not a JSON object) without
    parsing the fields into segments: a large archive is checked whole before it is translated a window of
    records at a time. ``first_line`` is the number of ``text``'s first line in the file."""
    _wanted(fields, name)
    for number, line in enumerate(text.splitlines(keepends=True), start=first_line):
        body = line.rstrip("\r\n")
        if body.strip():
            _top_level_strings(body, name, number)


def parse_jsonl(
    text: str, source_lang: str, name: str = "<input>", fields: Sequence[str] | None = None
) -> JsonlDocument:
    """The ``fields`` of every record (top-level string values) as segments, records in order."""
    wanted = _wanted(fields, name)
    values: list[_Value] = []
    segments: list[Segment] = []
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        if body.strip():
            found = _top_level_strings(body, name, number)
            for field_name in sorted((k for k in wanted if k in found), key=lambda k: found[k][0]):
                start, end, value = found[field_name]
                document = parse_txt(value, source_lang)
                if not document.segments:
                    continue
                for segment in document.segments:
                    segment.kind = field_name
                    segment.start = offset + start
                values.append(_Value(offset + start, offset + end, document, len(segments)))
                segments.extend(document.segments)
        offset += len(line)
    return JsonlDocument(source_lang, text, values, segments)
