"""The safe normalisations of a glossary term (NFC, trimmed edges, single spaces, Persian ی/ک), which lint reports
and `lint --fix` applies."""

from __future__ import annotations

import re
import unicodedata

from dragoman.glossary.yamlwalk import EntryInfo, TermRef

# Arabic letters that Persian writes differently: yeh, alef maksura -> Persian yeh; kaf -> keheh.
ARABIC_TO_PERSIAN = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9"}
_ARABIC_TABLE: dict[int, str] = {ord(k): v for k, v in ARABIC_TO_PERSIAN.items()}
# Characters trimmed at a term's edges: whitespace of any kind plus the invisible joiners.
EDGE_CHARS = " \t\u00a0\u200c\u200d\u200e\u200f\u2007\u202f\ufeff"
DOUBLE_SPACE_RE = re.compile(r"[ \u00a0]{2,}")


def is_persian(lang: str) -> bool:
    return lang.split("-")[0] in ("fa", "pes", "prs")


def fix_term(text: str, lang: str) -> str:
    """The safe normalisation of one term: NFC, trimmed edges, single spaces, Persian letters in fa."""
    fixed = unicodedata.normalize("NFC", text).strip(EDGE_CHARS)
    fixed = DOUBLE_SPACE_RE.sub(" ", fixed)
    if is_persian(lang):
        fixed = fixed.translate(_ARABIC_TABLE)
    return fixed


def fix_forbidden(text: str) -> str:
    # A forbidden Arabic spelling is often deliberate; only the invisible fixes apply to it.
    return DOUBLE_SPACE_RE.sub(" ", unicodedata.normalize("NFC", text).strip(EDGE_CHARS))


def fixed_form(ref: TermRef) -> str:
    """What --fix would write for this term."""
    return fix_forbidden(ref.text) if ref.kind == "forbidden" else fix_term(ref.text, ref.lang)


def auto_fixable(info: EntryInfo, ref: TermRef) -> bool:
    """Would --fix change this term? Not when the result equals another form of the same language."""
    after = fixed_form(ref)
    return (
        after != ref.text
        and bool(after)
        and after not in {t.text for t in info.terms if t.lang == ref.lang and t is not ref}
    )


__all__ = [
    "ARABIC_TO_PERSIAN",
    "DOUBLE_SPACE_RE",
    "EDGE_CHARS",
    "auto_fixable",
    "fix_forbidden",
    "fix_term",
    "fixed_form",
    "is_persian",
]
