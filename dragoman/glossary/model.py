"""The concept-oriented glossary model: a glossary holds entries, an entry holds terms per language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Iterator

FORMAT_VERSION = 1
CASE_MODES = ("smart", "sensitive", "insensitive")
ENTRY_TYPES = ("person", "place", "organization", "title", "event", "term")
STATUSES = ("approved", "draft")
# The entry fields besides id and terms that a layer may state (and so override); see Entry.stated.
SETTINGS = ("type", "dnt", "case", "status", "note", "source")
LANG_FIELDS = ("term", "variants", "forbidden")


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
    # Which of LANG_FIELDS the file wrote, for layering (a later layer overrides only those). None: the ones
    # with a value (a scalar "en: Iran" states the term only, so earlier variants are kept).
    stated: frozenset[str] | None = field(default=None, compare=False)

    def states(self, name: str) -> bool:
        """Did the glossary this came from state ``name`` (term, variants or forbidden)?"""
        if self.stated is not None:
            return name in self.stated
        if name == "term":
            return self.preferred is not None
        return bool(self.variants if name == "variants" else self.forbidden)

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
    # Languages the file removes explicitly ("ms: null" under terms): a later layer drops them.
    removed: tuple[str, ...] = ()
    # Which SETTINGS the file wrote (including "note: null"). None: those that differ from the default.
    stated: frozenset[str] | None = field(default=None, compare=False)

    def states(self, name: str) -> bool:
        """Did the glossary this came from state the setting ``name`` (one of SETTINGS)?"""
        if self.stated is not None:
            return name in self.stated
        return bool(getattr(self, name) != _DEFAULTS[name])

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


_DEFAULTS: dict[str, object] = {
    "type": None,
    "dnt": False,
    "case": "smart",
    "status": "approved",
    "note": None,
    "source": None,
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one entry that differs between two versions: ``lang`` is None for an entry setting.

    ``before``/``after`` hold the value (a text, a list of texts, a bool) or None when absent.
    """

    lang: str | None
    field: str
    before: str | bool | tuple[str, ...] | None
    after: str | bool | tuple[str, ...] | None

    def __str__(self) -> str:
        name = self.field if self.lang is None else (self.lang if self.field == "term" else f"{self.lang} {self.field}")
        return f"{name} {show_value(self.before, '(none)')} -> {show_value(self.after)}"

    def to_dict(self) -> dict[str, object]:
        def plain(value: object) -> object:
            return list(value) if isinstance(value, tuple) else value

        return {"lang": self.lang, "field": self.field, "before": plain(self.before), "after": plain(self.after)}


def show_value(value: str | bool | tuple[str, ...] | None, absent: str = "(removed)") -> str:
    """A field's value for a message: quoted text, a [list], true/false, or ``absent`` - never None."""
    if value is None or value == ():
        return absent
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(repr(v) for v in value) + "]"
    return repr(value)


@dataclass
class Conflict:
    """Two layered glossaries disagree; the later one wins, and this records it.

    ``lang``/``kept``/``dropped`` describe the first changed term (kept for callers reading one value);
    ``changes`` lists every changed field with its real before and after.
    """

    entry_id: str
    lang: str | None
    kept: str | None
    dropped: str | None
    kept_origin: Origin
    dropped_origin: Origin
    message: str
    changes: tuple[FieldChange, ...] = ()

    def __str__(self) -> str:
        return f"{self.kept_origin}: {self.message} (overrides {self.dropped_origin})"


@dataclass(frozen=True)
class Restriction:
    """What a job's glossary was restricted to (:meth:`Glossary.for_job`): its target languages, and whether
    draft entries are enforced (`translate --use-drafts`)."""

    targets: tuple[str, ...]
    drafts: bool

    def covers(self, other: Restriction) -> bool:
        """A glossary restricted as ``self`` holds every entry ``other`` keeps (so it can be narrowed to it)."""
        return set(other.targets) <= set(self.targets) and (self.drafts or not other.drafts)


def enforces(entry: Entry, target: str, include_drafts: bool) -> bool:
    """Could a translation into ``target`` enforce ``entry``: approved (or drafts asked for), and a rendering
    (a term, or do-not-translate) or forbidden forms in ``target``."""
    if not entry.approved and not include_drafts:
        return False
    return entry.dnt or bool(entry.term(target)) or bool(entry.forbidden_for(target))


@dataclass
class Glossary:
    """An ordered collection of entries with the languages it declares."""

    entries: dict[str, Entry] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    version: int = FORMAT_VERSION
    path: str | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    # The files this glossary was loaded from, in layer order, with the SHA-256 of their bytes (provenance).
    sources: list[tuple[str, str]] = field(default_factory=list, compare=False)
    # Set on the glossary Glossary.for_job returns: the targets and draft setting it was restricted to.
    restriction: Restriction | None = field(default=None, compare=False)
    # The restricted glossaries made from this one, so that a job (or a server request) asking again gets the
    # same object, and the term matchers cached per glossary object are built once.
    _restricted: dict[Restriction, Glossary] = field(default_factory=dict, init=False, compare=False, repr=False)

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
            sources=list(self.sources),
        )

    def for_job(self, targets: Iterable[str], *, include_drafts: bool = False) -> Glossary:
        """The entries a translation into ``targets`` enforces: approved ones (drafts too with ``include_drafts``)
        with a rendering or forbidden forms in at least one target (:func:`enforces`). Made once per glossary and
        setting; the enforcement code downstream takes the result as it is and filters nothing again.

        On an already restricted glossary: itself for the same restriction, narrowed for a narrower one; a wider
        one (another target, drafts added) lost entries it would need, and raises ValueError.
        """
        wanted = Restriction(tuple(dict.fromkeys(targets)), include_drafts)
        if self.restriction is not None:
            if self.restriction == wanted:
                return self
            if not self.restriction.covers(wanted):
                raise ValueError(
                    f"a glossary restricted to {self.restriction} cannot be restricted to {wanted}; use the full one"
                )
        view = self._restricted.get(wanted)
        if view is None:
            view = Glossary(
                entries={
                    key: entry
                    for key, entry in self.entries.items()
                    if any(enforces(entry, target, include_drafts) for target in wanted.targets)
                },
                languages=list(self.languages),
                version=self.version,
                path=self.path,
                conflicts=list(self.conflicts),
                sources=list(self.sources),
                restriction=wanted,
            )
            self._restricted[wanted] = view
        return view
