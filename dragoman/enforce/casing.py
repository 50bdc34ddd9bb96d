"""Casing a glossary term to fit where it lands: capitalised at the start of a sentence in cased scripts."""

from __future__ import annotations

# What may stand between a sentence start and its first word.
_OPENERS = frozenset("\"'“”‘’«»„‚‹›([{¿¡*-–— \t\n\u200f\u200e")
_ENDERS = frozenset(".!?…。؟")


def is_sentence_initial(text: str, pos: int) -> bool:
    """True when ``pos`` starts the first word of a sentence in ``text`` (segment start or after . ! ?)."""
    i = pos
    saw_space = False
    while i > 0 and text[i - 1] in _OPENERS:
        saw_space = saw_space or text[i - 1].isspace()
        i -= 1
    if i == 0:
        return True
    return saw_space and text[i - 1] in _ENDERS


def fit_case(rendering: str, text: str, pos: int, *, keep_as_written: bool = False) -> str:
    """The rendering as it should appear at ``text[pos]``.

    Only the first letter is raised, only at a sentence start, only when the script has case (Persian and
    Arabic letters have no upper case, so ``str.upper`` leaves them alone). ``keep_as_written`` is for
    do-not-translate and case-sensitive entries (``iPhone`` stays ``iPhone``).
    """
    if keep_as_written or not rendering:
        return rendering
    first = rendering[0]
    if first.islower() and first.upper() != first and is_sentence_initial(text, pos):
        upper = first.upper()
        # A few letters upper-case to two characters (ß -> SS); title case keeps one letter.
        return (first.title() if len(upper) > 1 else upper) + rendering[1:]
    return rendering
