"""Glossary interchange formats (CSV, TSV, TBX): a registry by format name, and helpers every format shares."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from dragoman.errors import GlossaryError
from dragoman.glossary.model import Glossary
from dragoman.glossary.schema import id_from_terms, is_valid_id, unique_id
from dragoman.languages import is_valid_code

# name -> "module:attribute" of a Format object; adding TMX later is one new module and one line here.
_REGISTRY: dict[str, str] = {
    "csv": "dragoman.glossary.interchange.csv_format:CSV",
    "tsv": "dragoman.glossary.interchange.csv_format:TSV",
    "tbx": "dragoman.glossary.interchange.tbx:TBX",
}
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".tbx": "tbx",
    ".xml": "tbx",
}


@dataclass
class ExportIssue:
    """An entry a format cannot hold as it is (DeepL's rules for two-column files, say)."""

    entry_id: str
    message: str

    def __str__(self) -> str:
        return f"entry {self.entry_id!r}: {self.message}"


class Format(Protocol):
    """What every interchange format provides."""

    name: str

    def read(
        self,
        data: bytes,
        path: str,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> Glossary:
        """Parse a file's bytes into a Glossary; raises GlossaryError naming path:line and the fix."""
        ...

    def write(
        self,
        glossary: Glossary,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> str:
        """Serialise a glossary; raises GlossaryError when it cannot be written faithfully."""
        ...

    def check(
        self,
        glossary: Glossary,
        *,
        source: str | None = None,
        target: str | None = None,
    ) -> list[ExportIssue]:
        """Entries that break the format's rules (empty list when all is well)."""
        ...


def format_names() -> list[str]:
    return list(_REGISTRY)


def get_format(name: str) -> Format:
    """The format registered as ``name`` (csv, tsv, tbx)."""
    target = _REGISTRY.get(name.lower())
    if target is None:
        raise GlossaryError(
            f"unknown glossary format {name!r}",
            hint=f"use one of: {', '.join(_REGISTRY)}",
        )
    module_name, attr = target.split(":")
    fmt: Format = getattr(importlib.import_module(module_name), attr)
    return fmt


def guess_format(path: str | Path) -> str | None:
    """The format name a file's extension suggests, or None."""
    return _EXTENSIONS.get(Path(path).suffix.lower())


def decode_text(data: bytes, path: str, what: str) -> str:
    """UTF-8 text of a file (BOM dropped); binary, invalid UTF-8 and empty files are refused with their line."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise GlossaryError(
            f"this is a binary file, not a {what} file",
            path,
            line,
            hint=f"give a UTF-8 {what} file",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, err.start) + 1
        col = len(data[line_start : err.start].decode("utf-8", "replace")) + 1
        raise GlossaryError(
            f"not valid UTF-8 (byte 0x{data[err.start]:02x})",
            path,
            line,
            col,
            hint="save the file as UTF-8",
        ) from None
    if not text.strip():
        raise GlossaryError(
            "the file is empty",
            path,
            hint=f"give a {what} file with at least one entry",
        )
    return text


def normalize_code(raw: str) -> str | None:
    """A language code as dragoman writes it: 'EN-us' -> 'en-US'; None when it is not one."""
    parts = raw.strip().replace("_", "-").split("-")
    if not parts or not parts[0]:
        return None
    parts[0] = parts[0].lower()
    if len(parts) > 1 and len(parts[1]) == 2:
        parts[1] = parts[1].upper()
    code = "-".join(parts)
    return code if is_valid_code(code) else None


class IdMaker:
    """Stable, unique entry ids for imported entries that carry none: 'Masoud Pezeshkian' -> 'masoud-pezeshkian'."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())
        self.counter = 0

    def make(self, terms: list[tuple[str, str]], wanted: str | None = None) -> str:
        if wanted and is_valid_id(wanted) and wanted not in self.taken:
            self.taken.add(wanted)
            return wanted
        base = id_from_terms(terms, max_length=60)
        if base is None:
            self.counter += 1
            base = f"term-{self.counter}"
            while base in self.taken:
                self.counter += 1
                base = f"term-{self.counter}"
        candidate = unique_id(base, self.taken)
        self.taken.add(candidate)
        return candidate
