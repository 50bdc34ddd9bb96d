"""Facts of the glossary schema every reader and writer shares: what an entry id looks like, and how one is made."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

# An entry id: lowercase ASCII letters and digits, then also '.', '_', '-' (stable keys for tools and diffs).
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
ID_RE = re.compile(ID_PATTERN)
ID_HINT = "use a unique id of lowercase letters, digits, '.', '_', '-'"
_NOT_ID = re.compile(r"[^a-z0-9]+")


def is_valid_id(text: str) -> bool:
    return ID_RE.match(text) is not None


def id_slug(text: str, max_length: int | None = None) -> str:
    """The id part a term gives: accents folded, lowercase, every other run of characters one '-'
    ('Masoud Pezeshkian' -> 'masoud-pezeshkian'); '' for a term without Latin letters or digits."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ID.sub("-", ascii_text.lower()).strip("-")
    if max_length is not None:
        slug = slug[:max_length].strip("-")
    return slug


def id_from_terms(terms: Sequence[tuple[str, str]], max_length: int | None = None) -> str | None:
    """An id from the first (lang, term) that gives one, English first; None when none does."""
    for _lang, text in sorted(terms, key=lambda pair: pair[0] != "en"):
        slug = id_slug(text, max_length)
        if slug:
            return slug
    return None


def unique_id(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... the first not in ``taken``."""
    used = taken if isinstance(taken, (set, frozenset, dict)) else set(taken)
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


__all__ = ["ID_HINT", "ID_PATTERN", "ID_RE", "id_from_terms", "id_slug", "is_valid_id", "unique_id"]
