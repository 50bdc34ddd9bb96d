"""One entry over another, field by field (layering), and the per-field differences of two versions of an entry."""

from __future__ import annotations

from typing import Literal

from dragoman.glossary.model import SETTINGS, Entry, FieldChange, LangTerms

LayerMode = Literal["fields", "replace"]
LAYER_MODES: tuple[LayerMode, ...] = ("fields", "replace")


def layer_entry(previous: Entry, later: Entry, mode: LayerMode = "fields") -> Entry:
    """``later`` laid over ``previous`` (same id).

    ``fields``: ``later`` overrides only what it states - per language its preferred term, variants and
    forbidden forms; the entry's settings (type, dnt, case, status, note, source) - and drops the languages it
    removes (``ms: null``); the rest is kept from ``previous``. ``replace``: ``later`` as a whole.
    The result is a new entry (neither argument is changed) with ``later``'s origin; a language left with no
    form at all is dropped.
    """
    if mode == "replace":
        terms = {code: _copy(side) for code, side in later.terms.items()}
        return Entry(
            later.id, terms, later.dnt, later.case, later.type, later.note, later.status, later.source, later.origin
        )
    terms = {code: _copy(side) for code, side in previous.terms.items() if code not in later.removed}
    for code, side in later.terms.items():
        old = terms.get(code)
        if old is None:
            terms[code] = _copy(side)
            continue
        new = LangTerms(
            side.preferred if side.states("term") else old.preferred,
            list(side.variants) if side.states("variants") else old.variants,
            list(side.forbidden) if side.states("forbidden") else old.forbidden,
        )
        if new.preferred is not None or new.variants or new.forbidden:
            terms[code] = new
        else:
            del terms[code]
    entry = Entry(later.id, terms, origin=later.origin)
    for name in SETTINGS:
        setattr(entry, name, getattr(later if later.states(name) else previous, name))
    return entry


def _copy(side: LangTerms) -> LangTerms:
    return LangTerms(side.preferred, list(side.variants), list(side.forbidden))


def entry_changes(old: Entry | None, new: Entry | None) -> list[FieldChange]:
    """Every field that differs from ``old`` to ``new``, languages in order (``old``'s first), then settings.

    A missing entry counts as one with no terms and default settings; a missing language as one with no forms.
    """
    changes: list[FieldChange] = []
    old_terms = old.terms if old is not None else {}
    new_terms = new.terms if new is not None else {}
    codes = list(old_terms) + [code for code in new_terms if code not in old_terms]
    empty = LangTerms()
    for code in codes:
        before, after = old_terms.get(code, empty), new_terms.get(code, empty)
        if before.preferred != after.preferred:
            changes.append(FieldChange(code, "term", before.preferred, after.preferred))
        for name in ("variants", "forbidden"):
            was, now = tuple(getattr(before, name)), tuple(getattr(after, name))
            if was != now:
                changes.append(FieldChange(code, name, was or None, now or None))
    blank = Entry("")
    for name in SETTINGS:
        was, now = getattr(old or blank, name), getattr(new or blank, name)
        if was != now:
            changes.append(FieldChange(None, name, was, now))
    return changes


def overridden(changes: list[FieldChange]) -> list[FieldChange]:
    """The changes that override something an earlier layer had (adding a language or a note is no conflict)."""
    return [change for change in changes if change.before is not None]
