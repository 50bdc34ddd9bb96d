"""Merge several glossary files into one, layered as -g does, and report every conflict and shared term."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dragoman.glossary.fields import LayerMode
from dragoman.glossary.layers import merge_layers
from dragoman.glossary.model import Conflict, Glossary, Origin
from dragoman.glossary.normalize import fold_case, normalize_term


@dataclass
class SharedTerm:
    """The same term (after normalisation) in entries with different ids from different files."""

    lang: str
    form: str
    entries: list[tuple[str, Origin]]

    def __str__(self) -> str:
        where = ", ".join(f"{entry_id!r} ({origin})" for entry_id, origin in self.entries)
        return f"{self.lang} term {self.form!r} is in entries with different ids: {where}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "form": self.form,
            "entries": [{"id": i, "origin": str(o)} for i, o in self.entries],
        }


@dataclass
class MergeResult:
    glossary: Glossary
    conflicts: list[Conflict] = field(default_factory=list)
    shared_terms: list[SharedTerm] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": len(self.glossary),
            "languages": list(self.glossary.languages),
            "conflicts": [conflict_to_dict(c) for c in self.conflicts],
            "shared_terms": [s.to_dict() for s in self.shared_terms],
        }


def conflict_to_dict(conflict: Conflict) -> dict[str, Any]:
    return {
        "entry": conflict.entry_id,
        "lang": conflict.lang,
        "kept": conflict.kept,
        "dropped": conflict.dropped,
        "kept_origin": str(conflict.kept_origin),
        "dropped_origin": str(conflict.dropped_origin),
        "message": str(conflict),
        "changes": [change.to_dict() for change in conflict.changes],
    }


def merge_glossaries(glossaries: Sequence[Glossary], layers: LayerMode = "fields") -> MergeResult:
    """Layered as :func:`dragoman.glossary.layers.merge_layers` does (the same result as ``-g`` layering);
    shared terms are listed too."""
    merged = merge_layers(list(glossaries), layers)
    if len(glossaries) == 1:
        merged = Glossary(
            entries=dict(merged.entries),
            languages=list(merged.languages),
            path=merged.path,
            conflicts=list(merged.conflicts),
            sources=list(merged.sources),
        )
    return MergeResult(merged, list(merged.conflicts), _shared_terms(merged))


def merge_files(paths: Sequence[str | Path], layers: LayerMode = "fields") -> MergeResult:
    from dragoman.glossary.yamlio import load_glossary

    return merge_glossaries([load_glossary(p) for p in paths], layers)


def _shared_terms(glossary: Glossary) -> list[SharedTerm]:
    holders: dict[tuple[str, str], list[tuple[str, str, Origin]]] = defaultdict(list)
    for entry in glossary:
        for lang, side in entry.terms.items():
            seen: set[str] = set()
            for form in side.accepted():
                key = fold_case(normalize_term(form))
                if key and key not in seen:
                    seen.add(key)
                    holders[(lang, key)].append((entry.id, form, entry.origin))
    out = []
    for (lang, _key), found in holders.items():
        files = {origin.path for _id, _form, origin in found}
        if len(found) > 1 and len(files) > 1:  # within one file this is lint's business (W001)
            out.append(
                SharedTerm(
                    lang,
                    found[0][1],
                    [(entry_id, origin) for entry_id, _form, origin in found],
                )
            )
    return out
