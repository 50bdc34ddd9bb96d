"""Document formats (txt, markdown, html): pick one by name or file extension, parse, render."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from dragoman.errors import DragomanError
from dragoman.formats.base import Document, InlineMark, Segment, SegmentOutput

__all__ = ["FORMATS", "Document", "FormatError", "InlineMark", "Segment", "SegmentOutput",
           "format_choices", "format_for_path", "normalise_format", "parse"]

# name -> "module:function"; modules are imported when used (markdown-it only for markdown).
FORMATS: dict[str, str] = {
    "txt": "dragoman.formats.txt:parse_txt",
    "markdown": "dragoman.formats.markdown:parse_markdown",
    "html": "dragoman.formats.html:parse_html",
}
_ALIASES = {"text": "txt", "plain": "txt", "md": "markdown", "htm": "html"}
_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "markdown", ".markdown": "markdown",
               ".html": "html", ".htm": "html"}


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
        raise FormatError(f"unknown format {name!r}",
                          f"use one of: {', '.join(sorted(FORMATS))}")
    return key


def format_for_path(path: str | Path | None, explicit: str | None = None) -> str:
    """``explicit`` (--format) if given, else by extension: .md .markdown, .html .htm, else txt."""
    if explicit:
        return normalise_format(explicit)
    if path is None:
        return "txt"
    return _EXTENSIONS.get(Path(path).suffix.lower(), "txt")


def _parser_for(format_name: str) -> Callable[[str, str], Document]:
    module_name, function = FORMATS[normalise_format(format_name)].split(":")
    parser: Callable[[str, str], Document] = getattr(importlib.import_module(module_name), function)
    return parser


def parse(text: str, format_name: str, source_lang: str) -> Document:
    """Parse ``text`` as ``format_name`` into segments; ``Document.render`` puts translations back."""
    return _parser_for(format_name)(text, source_lang)
