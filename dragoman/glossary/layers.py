"""Layer several glossaries (base, desk, ...): later layers override what they state, and every disagreement is recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from dragoman.glossary.fields import LayerMode, entry_changes, layer_entry, overridden
from dragoman.glossary.model import Conflict, Entry, FieldChange, Glossary, show_value
from dragoman.glossary.normalize import fold_case, normalize_term


def load_glossaries(
    paths: Sequence[str | Path],
    *,
    source: str | None = None,
    target: str | None = None,
    use_store: bool = True,
    layers: LayerMode = "fields",
) -> Glossary:
    """Load each path with :func:`load_glossary_file` and layer them in order (see :func:`merge_layers`)."""
    return merge_layers(
        [load_glossary_file(p, source=source, target=target, use_store=use_store) for p in paths], mode=layers
    )


def load_glossary_file(
    path: str | Path, *, source: str | None = None, target: str | None = None, use_store: bool = True
) -> Glossary:
    """One glossary file: YAML, or CSV, TSV or TBX by its extension (``source``/``target`` read a two-column
    CSV/TSV without a header, as `glossary import --from/--to` does).

    With ``use_store`` a large file is kept, parsed, in dragoman's glossary store (:mod:`dragoman.glossary.store`)
    and read from there while its bytes are unchanged.
    """
    from dragoman.glossary.interchange import guess_format

    name = str(path)
    fmt = guess_format(path)
    parse: Callable[[], Glossary]
    if fmt is None:
        from dragoman.glossary.files import read_glossary_file

        data = read_glossary_file(path)
        options: tuple[str | None, ...] = ("yaml",)

        def parse() -> Glossary:
            from dragoman.glossary.yamlio import (
                load_glossary_bytes,  # PyYAML only when the store has no copy
            )

            return load_glossary_bytes(data, name)

    else:
        from dragoman.glossary.files import read_file_bytes
        from dragoman.glossary.interchange import get_format

        data = read_file_bytes(path, noun="glossary file")
        reader = get_format(fmt)
        options = (fmt, source, target)

        def parse() -> Glossary:
            return reader.read(data, name, source=source, target=target)

    import hashlib

    if not use_store:
        glossary = parse()
    else:
        from dragoman.glossary.store import load_through_store

        glossary = load_through_store(data, name, options, parse)
    glossary.sources = [(name, hashlib.sha256(data).hexdigest())]
    return glossary


def merge_layers(layers: Sequence[Glossary], mode: LayerMode = "fields") -> Glossary:
    """One glossary from several, later layers winning.

    - An entry whose id is already present is laid over it, in place (:func:`dragoman.glossary.fields.layer_entry`):
      with ``mode="fields"`` (the default) it overrides only the fields it states and removes the languages it
      sets to null; with ``mode="replace"`` it replaces the whole entry. Every field whose earlier value is
      overridden or removed is a change of one Conflict for the entry. An entry left with no language is dropped.
    - An entry of a later layer that shares a preferred or variant term with an entry of an
      earlier layer (same language, same normalised form, different id) while their preferred
      terms in another language differ is a Conflict too. Both entries stay, and the later one
      is placed before the earlier one, so that a match of the shared form lists the later
      entry first (``TermMatch.entry_ids[0]``).
    A single layer is returned as is (its own ``conflicts`` included).
    """
    if len(layers) == 1:
        return layers[0]
    merged = Glossary(path=layers[-1].path if layers else None)
    conflicts: list[Conflict] = []
    # (lang, normalised folded form) -> id of the earliest entry holding it, for the term check
    owners: dict[tuple[str, str], str] = {}
    for number, layer in enumerate(layers):
        conflicts.extend(layer.conflicts)
        for code in layer.languages:
            if code not in merged.languages:
                merged.languages.append(code)
        # The first layer (no rivals to look for) fills ``owners`` directly; later layers
        # collect theirs apart, so that entries of one layer never count as each other's rivals.
        layer_owners: dict[tuple[str, str], str] = owners if number == 0 else {}
        last = number == len(layers) - 1
        for entry in layer:
            forms = _forms(entry)
            previous = merged.entries.get(entry.id)
            if previous is not None:
                combined = layer_entry(previous, entry, mode)
                changes = overridden(entry_changes(previous, combined))
                if changes:
                    conflicts.append(_id_conflict(previous, combined, changes))
                if combined.terms:
                    merged.entries[entry.id] = combined
                else:
                    del merged.entries[entry.id]  # every language removed
            elif not entry.terms:
                pass  # only removals, of an entry no earlier layer has
            else:
                rivals = _term_rivals(entry, forms, owners, merged) if number else []
                merged.entries[entry.id] = entry
                for rival, lang, form in rivals:
                    conflicts.append(_term_conflict(rival, entry, lang, form))
                    # Move the earlier entry after the new one: the later layer wins the form.
                    merged.entries[rival.id] = merged.entries.pop(rival.id)
            if not last:
                for code, key, _form in forms:
                    layer_owners.setdefault((code, key), entry.id)
        if layer_owners is not owners:
            for owner_key, entry_id in layer_owners.items():
                owners.setdefault(owner_key, entry_id)
    merged.conflicts = conflicts
    merged.sources = [source for layer in layers for source in layer.sources]
    return merged


def _forms(entry: Entry) -> list[tuple[str, str, str]]:
    """(language, normalised folded form, form as written) for the preferred term and variants."""
    keys = []
    for code, side in entry.terms.items():
        # Inlined side.accepted(): this runs for every term of every layer (300k for a 100k-entry base).
        if side.preferred:
            norm = fold_case(normalize_term(side.preferred))
            if norm:
                keys.append((code, norm, side.preferred))
        for form in side.variants:
            if form:
                norm = fold_case(normalize_term(form))
                if norm:
                    keys.append((code, norm, form))
    return keys


def _term_rivals(
    entry: Entry, forms: list[tuple[str, str, str]], owners: dict[tuple[str, str], str], merged: Glossary
) -> list[tuple[Entry, str, str]]:
    """Earlier entries that share a term with ``entry`` but render the concept differently."""
    found: list[tuple[Entry, str, str]] = []
    seen: set[str] = set()
    for code, norm, form in forms:
        owner_id = owners.get((code, norm))
        if owner_id is None or owner_id == entry.id or owner_id in seen:
            continue
        rival = merged.entries.get(owner_id)
        if rival is None:
            continue
        differing = [
            lang
            for lang in entry.terms
            if lang != code and lang in rival.terms and rival.term(lang) != entry.term(lang)
        ]
        if differing:
            seen.add(owner_id)
            found.append((rival, code, form))
    return found


def _id_conflict(previous: Entry, combined: Entry, changes: list[FieldChange]) -> Conflict:
    first = next((c for c in changes if c.field == "term"), None)
    return Conflict(
        entry_id=combined.id,
        lang=first.lang if first else None,
        kept=first.after if first else None,  # type: ignore[arg-type]
        dropped=first.before if first else None,  # type: ignore[arg-type]
        kept_origin=combined.origin,
        dropped_origin=previous.origin,
        message=f"entry {combined.id!r} redefined: " + "; ".join(str(c) for c in changes),
        changes=tuple(changes),
    )


def _term_conflict(rival: Entry, entry: Entry, lang: str, form: str) -> Conflict:
    other = next(c for c in entry.terms if c != lang and c in rival.terms and rival.term(c) != entry.term(c))
    return Conflict(
        entry_id=entry.id,
        lang=other,
        kept=entry.term(other),
        dropped=rival.term(other),
        kept_origin=entry.origin,
        dropped_origin=rival.origin,
        message=(
            f"{lang} term {form!r} of entry {entry.id!r} is also in entry {rival.id!r}, which renders it "
            f"in {other} as {show_value(rival.term(other), '(no term)')}; {entry.id!r} "
            f"({show_value(entry.term(other), '(no term)')}) wins"
        ),
    )
