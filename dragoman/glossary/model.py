"""The concept-oriented glossary model: a glossary holds entries, an entry holds terms per language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

FORMAT_VERSION = 1
CASE_MODES = ("smart", "sensitive", "insensitive")
ENTRY_TYPES = ("person", "place", "organization", "title", "event", "term")
STATUSES = ("approved", "draft")


@dataclass(frozen=True)
class Origin:
    """Where something was read from, for messages: file and 1-based line/column."""

    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path or "<glossary>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass
class LangTerms:
    """One language's side of a concept: the preferred term, admitted variants, forbidden terms."""

    preferred: str | None = None
    variants: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    def accepted(self) -> list[str]:
        """Preferred first, then variants: every form that counts as this concept in this language."""
        out = [self.preferred] if self.preferred else []
        out.extend(v for v in self.variants if v)
        return out


@dataclass
class Entry:
    """One concept. ``terms`` maps a language code to its LangTerms, in file order."""

    id: str
    terms: dict[str, LangTerms] = field(default_factory=dict)
    dnt: bool = False
    case: str = "smart"
    type: str | None = None
    note: str | None = None
    status: str = "approved"
    source: str | None = None  # provenance, e.g. "cldr" for seeded entries
    origin: Origin = field(default_factory=Origin, compare=False)

    @property
    def approved(self) -> bool:
        return self.status == "approved"

    def languages(self) -> list[str]:
        return list(self.terms)

    def term(self, lang: str) -> str | None:
        """The preferred term in ``lang`` as written in the glossary (None when absent)."""
        side = self.terms.get(lang)
        return side.preferred if side else None

    def source_forms(self, lang: str) -> list[str]:
        """Forms to look for in a source text of ``lang``: preferred and variants."""
        side = self.terms.get(lang)
        return side.accepted() if side else []

    def render_for(self, target: str, source: str | None = None) -> str | None:
        """The required rendering in ``target``.

        A ``dnt`` entry keeps its source form in every language: the source language's
        preferred term when given, else the first preferred term the entry has.
        Returns None when the entry has no rendering for ``target``.
        """
        if self.dnt:
            if source is not None and self.term(source):
                return self.term(source)
            for side in self.terms.values():
                if side.preferred:
                    return side.preferred
            return None
        return self.term(target)

    def variants_for(self, target: str) -> list[str]:
        side = self.terms.get(target)
        return list(side.variants) if side else []

    def forbidden_for(self, target: str) -> list[str]:
        side = self.terms.get(target)
        return list(side.forbidden) if side else []


@dataclass
class Conflict:
    """Two layered glossaries disagree; the later one wins, and this records it."""

    entry_id: str
    lang: str | None
    kept: str | None
    dropped: str | None
    kept_origin: Origin
    dropped_origin: Origin
    message: str

    def __str__(self) -> str:
        return f"{self.kept_origin}: {self.message} (overrides {self.dropped_origin})"


@dataclass
class Glossary:
    """An ordered collection of entries with the languages it declares."""

    entries: dict[str, Entry] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    version: int = FORMAT_VERSION
    path: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self.entries

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry

    def approved_only(self) -> Glossary:
        """A view with draft entries left out (translate uses approved entries unless asked)."""
        return Glossary(
            entries={k: e for k, e in self.entries.items() if e.approved},
            languages=list(self.languages),
            version=self.version,
            path=self.path,
            conflicts=list(self.conflicts),
        )
