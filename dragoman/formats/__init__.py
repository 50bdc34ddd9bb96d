"""Document formats: pick one by name or file extension, parse (text or a container's bytes), render."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from dragoman.errors import DragomanError, InputError
from dragoman.formats.base import (
    ContainerDocument,
    Document,
    InlineMark,
    LocatedBlock,
    Segment,
    SegmentOutput,
)

__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "ContainerDocument",
    "Document",
    "FormatError",
    "InlineMark",
    "LocatedBlock",
    "Segment",
    "SegmentOutput",
    "format_choices",
    "format_for_path",
    "is_binary",
    "normalise_format",
    "parse",
    "plain_text",
]

# name -> "module:function"; modules are imported when used (markdown-it only for markdown, lxml
# only for the office formats). A text format's parser takes (text, source_lang); a binary one's
# (data, source_lang, name) and returns a ContainerDocument, whose render_bytes() is the file.
FORMATS: dict[str, str] = {
    "txt": "dragoman.formats.txt:parse_txt",
    "markdown": "dragoman.formats.markdown:parse_markdown",
    "html": "dragoman.formats.html:parse_html",
    "docx": "dragoman.formats.docx:parse_docx",
    "srt": "dragoman.formats.subtitles:parse_srt",
    "vtt": "dragoman.formats.subtitles:parse_vtt",
    "jsonl": "dragoman.formats.jsonl:parse_jsonl",
    "xliff": "dragoman.formats.xliff:parse_xliff",
    "odt": "dragoman.formats.odt:parse_odt",
}
# Text formats whose parser also takes (name=..., **options): errors point at the file, and the
# options of FORMAT_OPTIONS reach them (subtitle line limits, JSON-lines fields).
_TAKES_NAME = frozenset({"srt", "vtt", "jsonl", "xliff"})
FORMAT_OPTIONS: dict[str, frozenset[str]] = {
    "srt": frozenset({"line_length", "lines"}),
    "vtt": frozenset({"line_length", "lines"}),
    "jsonl": frozenset({"fields"}),
}
# Formats read as bytes (zip containers): never decoded as text, never sniffed as binary.
BINARY_FORMATS: frozenset[str] = frozenset({"docx", "odt"})
_ALIASES = {
    "text": "txt",
    "plain": "txt",
    "md": "markdown",
    "htm": "html",
    "webvtt": "vtt",
    "subrip": "srt",
    "ndjson": "jsonl",
    "jsonlines": "jsonl",
    "xlf": "xliff",
}
_EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".srt": "srt",
    ".vtt": "vtt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".odt": "odt",
}


def format_choices() -> list[str]:
    """Every name --format accepts: the registered formats, then their aliases (for click.Choice)."""
    return [*FORMATS, *(alias for alias, name in _ALIASES.items() if name in FORMATS)]


class FormatError(DragomanError):
    """An unknown document format name."""


def normalise_format(name: str) -> str:
    """The canonical format name for ``name`` or an alias (md, htm, text); FormatError if unknown."""
    key = name.strip().lower().lstrip(".")
    key = _ALIASES.get(key, key)
    if key not in FORMATS:
        raise FormatError(f"unknown format {name!r}", f"use one of: {', '.join(sorted(FORMATS))}")
    return key


def is_binary(format_name: str) -> bool:
    """Whether ``format_name`` is read and written as bytes (DOCX, ODT) rather than UTF-8 text."""
    return normalise_format(format_name) in BINARY_FORMATS


def format_for_path(path: str | Path | None, explicit: str | None = None) -> str:
    """``explicit`` (--format) if given, else by extension; stdin and names without one are txt.

    An extension no reader knows is refused (InputError naming the file) rather than read as
    plain text: a subtitle or reStructuredText file read as prose comes out mangled without a word.
    """
    if explicit:
        return normalise_format(explicit)
    if path is None:
        return "txt"
    suffix = Path(path).suffix.lower()
    if not suffix:
        return "txt"
    if suffix not in _EXTENSIONS:
        raise InputError(
            f"no reader for this extension ({suffix})",
            path,
            hint=f"choose one with --format ({', '.join(sorted(FORMATS))})",
        )
    return _EXTENSIONS[suffix]


def _parser_for(format_name: str) -> Callable[..., Document]:
    module_name, function = FORMATS[normalise_format(format_name)].split(":")
    parser: Callable[..., Document] = getattr(importlib.import_module(module_name), function)
    return parser


def parse(
    data: str | bytes,
    format_name: str,
    source_lang: str,
    name: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Document:
    """Parse ``data`` as ``format_name`` into segments; ``Document.render`` puts translations back.

    Text formats take ``str`` (bytes are decoded with the input checks: UTF-8, not binary); binary
    formats take the file's bytes. ``name`` (the file) is what errors point at. ``options`` are the
    format's own settings (FORMAT_OPTIONS); those another format would take are ignored.
    """
    key = normalise_format(format_name)
    parser = _parser_for(key)
    label = name or "<input>"
    if key in BINARY_FORMATS:
        if isinstance(data, str):
            raise InputError(f"{key} is read from a file's bytes, not from text", label, hint="give the file itself")
        return parser(data, source_lang, label)
    if isinstance(data, bytes):
        from dragoman.inputs import decode_text

        data = decode_text(data, label)
    if key in _TAKES_NAME:
        allowed = FORMAT_OPTIONS.get(key, frozenset())
        given = {k: v for k, v in (options or {}).items() if k in allowed and v is not None}
        return parser(data, source_lang, name=label, **given)
    return parser(data, source_lang)


def plain_text(data: str | bytes, format_name: str, name: str | None = None) -> str:
    """The document's translatable text, one segment a line (language detection, previews)."""
    document = parse(data, format_name, "en", name)
    return "\n".join(segment.text for segment in document.segments)
