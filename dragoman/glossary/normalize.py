"""Normalisation for term matching only: a folded copy of a text plus an exact map back to the original offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ZWNJ = "\u200c"
TATWEEL = "\u0640"
HEH = "\u0647"
PERSIAN_YEH = "\u06cc"
_YEHS = frozenset("\u06cc\u064a\u0649")

# One-to-one replacements applied after NFKC. Everything here maps a character to one
# character (or to nothing), so a replacement never moves an offset by itself.
_REPLACE: dict[str, str] = {
    "\u064a": PERSIAN_YEH,  # ARABIC LETTER YEH
    "\u0649": PERSIAN_YEH,  # ARABIC LETTER ALEF MAKSURA
    "\u0643": "\u06a9",  # ARABIC LETTER KAF -> KEHEH
    "\u06c0": HEH,  # HEH WITH YEH ABOVE (ezafe) -> HEH; the ezafe is a grammatical ending
    "\u066b": ".",  # ARABIC DECIMAL SEPARATOR
    "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2010": "-",
    "\u2011": "-",
}
for _i in range(10):
    _REPLACE[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _REPLACE[chr(0x06F0 + _i)] = str(_i)  # Extended (Persian) digits

# Characters that are dropped and belong to the character before them (they never start a
# segment): tatweel, harakat, superscript alef, and invisible format marks (RLM/LRM, ZWJ...).
_DROP = frozenset(
    [TATWEEL, "\u0670", "\u200d", "\u200e", "\u200f", "\u061c", "\u00ad", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x064B, 0x0660)]
)

# Runs of characters that normalise to themselves, one for one, and need no look at their
# neighbours: the fast path. HEH is not in the class: see _IDENTITY_RUN and the ezafe rule in _normalize_slow.
_IDENTITY_CLASS = (
    "[\x21-\x7e\u00c0-\u00ff\u0621-\u063a\u0641\u0642\u0644-\u0646\u0648\u067e\u0686\u0698\u06a9\u06af\u06cc]"
)
# A single ASCII space is its own normal form too, unless more whitespace follows (runs collapse); so is
# ه unless a ZWNJ follows it (the ezafe rule: "ه‌ی" at the end of a word; a mark after it, as in "هٔ", ends
# the run anyway). Persian news text is ~5% ه: without it every ه took the slow path (Persian 2x slower).
_IDENTITY_RUN = re.compile(f"(?:{_IDENTITY_CLASS}|{HEH}(?!{ZWNJ})| (?![\\s\u200b\u200c]))+")


def _attaches(ch: str) -> bool:
    """True for characters that belong to the previous character: marks and dropped format chars."""
    return ch in _DROP or unicodedata.category(ch)[0] == "M"


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch == "\u200b" or ch == ZWNJ


def is_word_char(ch: str) -> bool:
    """Letters, marks and digits of any script are word characters (unlike Python's ``\\b``, ZWNJ is too)."""
    if ch == ZWNJ or ch == "\u200d":
        return True
    cat = unicodedata.category(ch)
    return cat[0] in "LMN"


@dataclass
class NormalizedText:
    """A normalised text with, for each normalised character, where it came from.

    ``starts[i]`` is the original index where the character ``text[i]`` came from;
    ``ends[i]`` is the original index just past it (marks and tatweel that belong to it
    included, a dropped ezafe ending excluded). ``boundary[i]`` is 1 when ``text[i]`` is the
    first character produced by its original character (a span may start or end there);
    ``joiner[i]`` is 1 when ``text[i]`` is a space that was only ZWNJ in the original.
    """

    original: str
    text: str
    starts: list[int]
    ends: list[int]
    boundary: bytearray
    joiner: bytearray

    def offsets(self) -> list[int]:
        """The public map: original index of each normalised char, plus len(original) at the end."""
        return [*self.starts, len(self.original)]

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original (start, end) of the normalised slice [i, j) (j > i)."""
        return self.starts[i], self.ends[j - 1]

    def is_boundary(self, i: int) -> bool:
        """True when a span may start (or end) at normalised index ``i``."""
        return i >= len(self.text) or bool(self.boundary[i])


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` for matching and keep the map to the original offsets.

    Rules: NFKC; ي ى -> ی and ك -> ک; ۀ and هٔ -> ه, and an ezafe written ‌ی after ه at the end
    of a word is dropped (so all three ezafe spellings normalise alike); tatweel, harakat and
    invisible format marks dropped; Arabic-Indic and Persian digits -> ASCII; any run of
    whitespace, ZWNJ or NBSP -> one space; ’ ‘ ʼ -> '. No case folding (the matcher does it).
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    boundary = bytearray()
    joiner = bytearray()
    n = len(text)
    pos = 0
    search = _IDENTITY_RUN.search
    while pos < n:
        m = search(text, pos)
        if m is None:
            pos = _normalize_slow(text, pos, n, out, starts, ends, boundary, joiner)
            break
        a, b = m.span()
        if a > pos:
            # Rescan afterwards: the slow path may stop past ``a`` (marks, a dropped ezafe).
            pos = _normalize_slow(text, pos, a, out, starts, ends, boundary, joiner)
            continue
        # The last char of a run goes to the slow path when a mark follows it, so that
        # NFKC composes them and the mark stays inside that character's span.
        if b < n and _attaches(text[b]):
            b -= 1
        if b > a:
            out.append(text[a:b])
            starts.extend(range(a, b))
            ends.extend(range(a + 1, b + 1))
            boundary.extend(b"\x01" * (b - a))
            joiner.extend(bytes(b - a))
            pos = b
        else:
            pos = _normalize_slow(text, a, a + 1, out, starts, ends, boundary, joiner)
    normalized = "".join(out)
    _no_cut_after_kept_ezafe(normalized, boundary, joiner)
    return NormalizedText(text, normalized, starts, ends, boundary, joiner)


def _no_cut_after_kept_ezafe(normalized: str, boundary: bytearray, joiner: bytearray) -> None:
    """Forbid a span edge right after a kept "ه‌ی" that a letter follows.

    The ezafe ‌ی after ه is dropped only at the end of a word, so the text up to that ی would
    normalise without it: no span may end there (it is inside a word anyway).
    """
    pattern = HEH + " \u06cc"
    k = normalized.find(pattern)
    while k >= 0:
        after = k + 3
        if joiner[k + 1] and after < len(normalized) and (is_word_char(normalized[after]) or joiner[after]):
            boundary[after] = 0
        k = normalized.find(pattern, k + 1)


def _normalize_slow(
    text: str,
    a: int,
    b: int,
    out: list[str],
    starts: list[int],
    ends: list[int],
    boundary: bytearray,
    joiner: bytearray,
) -> int:
    """Normalise text[a:b] segment by segment (a base character and the marks after it).

    Returns where it stopped: ``b``, or further when a segment's marks or a dropped ezafe
    extend past ``b``.
    """
    n = len(text)
    i = a
    while i < b:
        ch = text[i]
        if _is_space(ch):
            j = i + 1
            while j < n and (_is_space(text[j]) or text[j] in _DROP):
                j += 1
            only_zwnj = all(c == ZWNJ or c in _DROP for c in text[i:j])
            out.append(" ")
            starts.append(i)
            ends.append(j)
            boundary.append(1)
            joiner.append(1 if only_zwnj else 0)
            i = j
            continue
        if _attaches(ch):
            # A mark with no base character (start of text, after a space): dropped; it
            # belongs to the previous character's span when there is one.
            if out and out[-1] != " ":
                ends[-1] = i + 1
            i += 1
            continue
        j = i + 1
        while j < n and _attaches(text[j]):
            j += 1
        produced: list[str] = []
        for c in unicodedata.normalize("NFKC", text[i:j]):
            if c in _DROP or c == "\u0654":  # hamza above: the هٔ spelling of ezafe
                continue
            if not produced and unicodedata.category(c)[0] == "M":
                continue
            if _is_space(c):
                c = " "
            produced.append(_REPLACE.get(c, c))
        end = j
        # Ezafe written as ZWNJ + yeh after heh at the end of a word: dropped, so that
        # "خانه‌ی" normalises like "خانهٔ" and "خانۀ". The span of the heh stops before it.
        if produced and produced[-1] == HEH and j + 1 < n and text[j] == ZWNJ and text[j + 1] in _YEHS:
            k = j + 2
            while k < n and text[k] in _DROP:
                k += 1
            # A ZWNJ run after the ی ends the word unless a letter follows it ("خانه‌ی‌ " drops the ezafe,
            # "خانه‌ی‌ها" keeps it): the run itself is whitespace to the rules below.
            after = k
            while after < n and (text[after] == ZWNJ or text[after] in _DROP):
                after += 1
            if after >= n or not is_word_char(text[after]):
                j = k
        first = True
        for c in produced:
            out.append(c)
            starts.append(i)
            ends.append(end)
            boundary.append(1 if first else 0)
            joiner.append(0)
            first = False
        i = j
    return i


def normalize_for_match(text: str) -> tuple[str, list[int]]:
    """Return the normalised text and, for each normalised char index, the original index.

    The map has one more element than the normalised text: the last one is ``len(text)``.
    ``text`` itself is never changed; use the map to turn normalised spans into original ones.
    """
    nt = normalize(text)
    return nt.text, nt.offsets()


# Terms made only of these characters normalise to themselves with whitespace collapsed:
# the identity characters plus ه (its ezafe rule needs a ZWNJ, which is not in this set).
_PLAIN_TERM = re.compile(_IDENTITY_CLASS.replace("\u06cc]", "\u06cc\u0647 ]") + "+")


def normalize_term(term: str) -> str:
    """The normalised form of a glossary term (leading/trailing spaces removed)."""
    if _PLAIN_TERM.fullmatch(term):
        return " ".join(term.split())
    return normalize(term).text.strip(" ")


def fold_case(text: str) -> str:
    """Lower-case ``text`` without changing its length (so offsets stay valid)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    # A few characters lower to two (İ -> i̇): keep those as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def is_all_caps(text: str) -> bool:
    """True for forms written in capitals only (US, UN, U.S.): smart case matches them exactly."""
    return text.upper() == text and text.lower() != text


# C0/C1 controls and bidi embeddings/overrides/isolates: invisible, and they corrupt terms and files.
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` (C0/C1 controls and bidi embeddings/overrides) as U+XXXX."""
    if not _CONTROL_RE.search(text):
        return []
    found = []
    for char in text:
        if unicodedata.category(char) == "Cc" or "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found
