"""The exceptions dragoman's core raises; the CLI turns them into one-line messages."""

from __future__ import annotations

from pathlib import Path


class DragomanError(Exception):
    """Base class: ``str(err)`` is a complete one-line message for the user.

    Messages say what is wrong, where, and what to do next.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.format())

    def format(self) -> str:
        if self.hint:
            return f"{self.message} — {self.hint}"
        return self.message


class LocatedError(DragomanError):
    """An error in a file, with an optional line and column (1-based)."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(message, hint)

    def location(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        return f"{self.location()}: {super().format()}"


class GlossaryError(LocatedError):
    """A glossary file (YAML, CSV, TSV, TBX) is malformed or inconsistent.

    ``rule``: the `glossary lint` code of the rule the file breaks, where one applies (E001 duplicate id,
    E002 empty term, E004 control character), so lint reports it under that code."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.rule = rule
        super().__init__(message, path, line, column, hint)


class InputError(LocatedError):
    """An input document cannot be read: missing, binary, empty, not UTF-8."""


class LanguageError(DragomanError):
    """An unknown or malformed language code."""


class ModelError(DragomanError):
    """A model package is missing, broken, or does not cover a language pair."""


class PackageError(DragomanError):
    """Downloading, verifying or installing a model package failed."""


class EngineError(DragomanError):
    """A translation engine is unknown, unavailable or failed."""


class CacheError(DragomanError):
    """The translation memory cannot be used."""


def one_line(err: BaseException) -> str:
    """An exception's message on one line (for messages that quote an OS or library error)."""
    return " ".join(str(err).split()) or type(err).__name__
