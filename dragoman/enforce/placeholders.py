"""Placeholder protection: swap term spans for numbered opaque tokens, find them again (tolerantly) in the output."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Sequence

# Characters a model (or SentencePiece's NFKC normalisation) may turn a placeholder's punctuation into.
# Written by hand because the set is small and specific to how NMT decoders mangle these tokens.
_LOOKALIKES: dict[str, str] = {
    "[": "[［〚⟦",
    "]": "]］〛⟧",
    "⟦": "⟦〚[［",
    "⟧": "⟧〛]］",
    "<": "<＜‹〈«",
    ">": ">＞›〉»",
    "#": "#＃",
    "{": "{｛",
    "}": "}｝",
    "@": "@＠",
    "%": "%％",
    "|": "|｜",
}


@dataclass(frozen=True)
class PlaceholderHit:
    """A placeholder found in a text: its span, number, and whether it was copied byte for byte."""

    start: int
    end: int
    number: int
    exact: bool


@dataclass(frozen=True)
class PlaceholderForm:
    """A placeholder family such as ``ZXQ{n}`` or ``⟦{n}⟧``; ``{n}`` is the occurrence number (1, 2, ...)."""

    template: str

    def __post_init__(self) -> None:
        if self.template.count("{n}") != 1:
            raise ValueError(f"placeholder template needs exactly one {{n}}: {self.template!r}")

    @property
    def prefix(self) -> str:
        return self.template.split("{n}")[0]

    @property
    def suffix(self) -> str:
        return self.template.split("{n}")[1]

    def render(self, number: int) -> str:
        return f"{self.prefix}{number}{self.suffix}"

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A tolerant pattern: case-insensitive letters, look-alike punctuation, spaces models insert,
        underscores Argos decoders turn into spaces, and any script's digits (Persian models write ۱۲)."""
        core_prefix = self.prefix.strip("_")
        core_suffix = self.suffix.strip("_")
        # Underscores at either end of the prefix/suffix may vanish (Argos turns them into spaces).
        lead = "_*" if self.prefix.startswith("_") else ""
        mid_prefix = "_*" if self.prefix.endswith("_") else ""
        mid_suffix = "_*" if self.suffix.startswith("_") else ""
        trail = "_*" if self.suffix.endswith("_") else ""
        # Not glued to a preceding letter/digit (so 947{n} does not match inside 19471).
        before = r"(?<![^\W_])"
        # Not followed by more digits (or letters, when the family ends in a letter).
        after = r"(?![^\W_])" if core_suffix[-1:].isalpha() else r"(?!\d)"
        gap_before = r"[ \t]?" if core_prefix and not core_prefix[-1].isdigit() else ""
        gap_after = r"[ \t]?" if core_suffix else ""
        return re.compile(
            f"{before}{lead}{_literal(core_prefix)}{mid_prefix}{gap_before}(\\d{{1,3}})"
            f"{gap_after}{mid_suffix}{_literal(core_suffix)}{trail}{after}",
            re.IGNORECASE,
        )

    def find(self, text: str) -> list[PlaceholderHit]:
        hits = []
        for match in self.pattern.finditer(text):
            number = int(match.group(1))  # int() reads any Unicode decimal digits
            start, end = match.span()
            # Leading/trailing underscores that became spaces are not part of the token.
            hits.append(PlaceholderHit(start, end, number, match.group(0) == self.render(number)))
        return hits

    def fits(self, text: str, start: int, end: int) -> bool:
        """True when a placeholder put over text[start:end] would be read back as exactly itself
        (not glued to a digit, letter or underscore next to it, e.g. "XTERM1X" + "nya")."""
        token = self.render(1)
        local = text[:start] + token + text[end:]
        return any(h.start == start and h.end == start + len(token) and h.number == 1 for h in self.find(local))

    def collides(self, text: str) -> bool:
        """True when the text already holds something this family would be taken for."""
        return self.pattern.search(text) is not None


def _literal(part: str) -> str:
    """Regex for a prefix/suffix: look-alikes for punctuation, any script's digits, optional spaces
    around punctuation, optional underscores (Argos decoders turn "_" into spaces)."""
    pieces: list[str] = []
    for index, char in enumerate(part):
        if char == "_":
            pieces.append("_?")
        elif char in _LOOKALIKES:
            pieces.append("[" + re.escape(_LOOKALIKES[char]) + "]")
        elif char.isdigit():
            pieces.append(f"[{char}{chr(0x660 + int(char))}{chr(0x6F0 + int(char))}]")
        else:
            pieces.append(re.escape(char))
        if not char.isalnum() and index < len(part) - 1:
            pieces.append(r"[ \t]?")
    return "".join(pieces)


@dataclass(frozen=True)
class Protected:
    """A segment with term spans replaced by placeholders; ``slots`` maps number -> original span."""

    text: str
    slots: dict[int, tuple[int, int]]


def protect(text: str, spans: Sequence[tuple[int, int]], form: PlaceholderForm, first: int = 1) -> Protected:
    """Replace each (start, end) span of ``text`` by ``form.render(n)``, numbering from ``first`` in text order.

    Spans must not overlap. The slots remember the ORIGINAL spans (offsets into ``text``), in number order.
    """
    ordered = sorted(spans)
    for (_, end), (start, _) in zip(ordered, ordered[1:]):
        if start < end:
            raise ValueError("placeholder spans overlap")
    out: list[str] = []
    cursor = 0
    slots: dict[int, tuple[int, int]] = {}
    for number, (start, end) in enumerate(ordered, start=first):
        out.append(text[cursor:start])
        out.append(form.render(number))
        slots[number] = (start, end)
        cursor = end
    out.append(text[cursor:])
    return Protected("".join(out), slots)


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] by ``replacement``; ``key`` names the edit to find its new span."""

    start: int
    end: int
    replacement: str
    key: object = None


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, dict[object, tuple[int, int]]]:
    """Apply non-overlapping edits; return the new text and each edit's span in it."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for left, right in zip(ordered, ordered[1:]):
        if right.start < left.end:
            raise ValueError("edits overlap")
    out: list[str] = []
    spans: dict[object, tuple[int, int]] = {}
    cursor = 0
    length = 0
    for edit in ordered:
        chunk = text[cursor : edit.start]
        out.append(chunk)
        length += len(chunk)
        out.append(edit.replacement)
        spans[edit.key] = (length, length + len(edit.replacement))
        length += len(edit.replacement)
        cursor = edit.end
    out.append(text[cursor:])
    return "".join(out), spans


def restore(
    text: str, form: PlaceholderForm, replacements: dict[int, str]
) -> tuple[str, dict[object, tuple[int, int]]] | None:
    """Put ``replacements[n]`` where placeholder n is; None unless every number occurs exactly once
    and no other placeholder-like token is left."""
    hits = form.find(text)
    numbers = [hit.number for hit in hits]
    if sorted(numbers) != sorted(replacements):
        return None
    return apply_edits(text, [Edit(h.start, h.end, replacements[h.number], h.number) for h in hits])
