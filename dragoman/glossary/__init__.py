"""Glossaries: the concept model, YAML load/save, matching, lint, interchange formats and suggestions."""

from dragoman.glossary.model import (
    CASE_MODES,
    ENTRY_TYPES,
    FORMAT_VERSION,
    STATUSES,
    Entry,
    Glossary,
    LangTerms,
    Origin,
)

__all__ = [
    "CASE_MODES",
    "ENTRY_TYPES",
    "FORMAT_VERSION",
    "STATUSES",
    "Entry",
    "Glossary",
    "LangTerms",
    "Origin",
]
