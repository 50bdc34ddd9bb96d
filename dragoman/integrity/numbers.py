"""Numbers in a segment and its translation, read with each language's CLDR separators, matched value for value."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# CLDR's Latin-digit symbols (decimal mark, group separator) for languages whose marks are not the English
# ones; every other language reads "1,200.5". Written out because the core must not need Babel (the optional
# `cldr` extra): when Babel is installed it is asked instead (separators() below), and a test checks this
# table against it.
CLDR_SYMBOLS: dict[str, tuple[str, str]] = {
    "de": (",", "."),
    "es": (",", "."),
    "id": (",", "."),
    "it": (",", "."),
    "nl": (",", "."),
    "pt": (",", "."),
    "tr": (",", "."),
    "da": (",", "."),
    "el": (",", "."),
    "ro": (",", "."),
    "hr": (",", "."),
    "sl": (",", "."),
    "vi": (",", "."),
    "ca": (",", "."),
    "az": (",", "."),
    "fr": (",", "\u202f"),
    "ru": (",", "\u00a0"),
    "uk": (",", "\u00a0"),
    "pl": (",", "\u00a0"),
    "cs": (",", "\u00a0"),
    "sk": (",", "\u00a0"),
    "sv": (",", "\u00a0"),
    "fi": (",", "\u00a0"),
    "nb": (",", "\u00a0"),
    "bg": (",", "\u00a0"),
    "hu": (",", "\u00a0"),
}
ENGLISH_SYMBOLS = (".", ",")
# The Arabic-script numbering systems' own marks (CLDR arab/arabext): unambiguous in every language.
ARABIC_DECIMAL = "\u066b"
ARABIC_GROUP = "\u066c"

# Scale words after a number: "5 million" = "5 juta" = "۵ میلیون" = 5000000 (also read as plain 5).
SCALE_WORDS: dict[str, int] = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "bn": 10**9, "m": 10**6, "k": 10**3, "tn": 10**12,
    "ribu": 10**3, "juta": 10**6, "bilion": 10**9, "trilion": 10**12,
    "هزار": 10**3, "میلیون": 10**6, "ملیون": 10**6, "میلیارد": 10**9, "بیلیون": 10**9, "تریلیون": 10**12,
}  # fmt: skip

# The one rule that lets a spelled-out number stand for digits: the small numbers of these languages
# ("3" may come out as "tiga" or "سه", "three" as "3"). Anything else that is missing or added is reported.
NUMBER_WORDS: dict[str, dict[str, int]] = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "first": 1, "second": 2, "third": 3, "fourth": 4,
           "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "once": 1, "twice": 2,
           "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
           "nineteen": 19, "twenty": 20, "hundred": 100, "thousand": 1000, "eleventh": 11, "twelfth": 12,
           "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
           "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "dozen": 12, "a": 1, "an": 1, "single": 1, "both": 2},
    "ms": {"sifar": 0, "kosong": 0, "satu": 1, "se": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
           "tujuh": 7, "lapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "pertama": 1, "kedua": 2,
           "ketiga": 3, "keempat": 4, "kelima": 5, "keenam": 6, "ketujuh": 7, "kelapan": 8, "kesembilan": 9,
           "kesepuluh": 10, "seratus": 100, "seribu": 1000, "sedozen": 12, "seorang": 1, "sebuah": 1, "dua belas": 12},
    "fa": {"صفر": 0, "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8, "نه": 9,
           "ده": 10, "یازده": 11, "دوازده": 12, "اول": 1, "نخست": 1, "دوم": 2, "سوم": 3, "چهارم": 4, "پنجم": 5,
           "ششم": 6, "هفتم": 7, "هشتم": 8, "نهم": 9, "دهم": 10, "یکی": 1, "سیزده": 13, "چهارده": 14,
           "پانزده": 15, "شانزده": 16, "هفده": 17, "هجده": 18, "نوزده": 19, "بیست": 20, "صد": 100, "هزار": 1000,
           "یازدهم": 11, "دوازدهم": 12, "سیزدهم": 13, "چهاردهم": 14, "پانزدهم": 15, "شانزدهم": 16, "هفدهم": 17,
           "هجدهم": 18, "نوزدهم": 19, "بیستم": 20},
}  # fmt: skip

# The other rule: a source number followed by an imperial unit may come out converted to metric, as news
# translators do (10 inches -> 250 mm); accepted when the output holds a number within 15 % of a conversion.
UNIT_CONVERSIONS: dict[str, tuple[float, ...]] = {
    "inch": (2.54, 25.4), "inches": (2.54, 25.4), "foot": (0.3048, 30.48), "feet": (0.3048, 30.48),
    "ft": (0.3048,), "mile": (1.609,), "miles": (1.609,), "mph": (1.609,), "pound": (0.4536,),
    "pounds": (0.4536,), "lb": (0.4536,), "lbs": (0.4536,), "yard": (0.9144,), "yards": (0.9144,),
    "gallon": (3.785,), "gallons": (3.785,), "ounce": (28.35,), "ounces": (28.35,), "acre": (0.4047,),
    "acres": (0.4047,), "degrees": (), "fahrenheit": (), "°f": (),
}  # fmt: skip
CONVERSION_TOLERANCE = 0.15

# A number: digits of any script, with separators between digit groups (no plain space: "5 10" is two numbers).
_NUMBER = re.compile(r"\d+(?:[.,:\u060c\u066b\u066c\u00a0\u202f\u2009'’]\d+)*")
# Between the two numbers of a range ("1 to 4 inches", "3-6 feet"): the first takes the second's unit.
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to|and|or)\s*")
_SEPARATOR = re.compile(r"[^\d]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Number:
    """A number as written (``text`` at ``start``..``end``) and every value it can be read as."""

    text: str
    start: int
    end: int
    values: frozenset[str]
    unit: str | None = None  # the word after it, lower case (for the unit-conversion rule)


def _ascii_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdigit() else ch for ch in text)


@lru_cache(maxsize=64)
def separators(lang: str) -> tuple[str, str]:
    """(decimal mark, group separator) CLDR gives ``lang`` for Latin digits (Babel's when it is installed)."""
    base = lang.split("-")[0].split("_")[0].lower()
    try:
        from babel.core import UnknownLocaleError
        from babel.numbers import get_decimal_symbol, get_group_symbol
    except ImportError:
        return CLDR_SYMBOLS.get(base, ENGLISH_SYMBOLS)
    try:
        return get_decimal_symbol(base), get_group_symbol(base)
    except (UnknownLocaleError, ValueError):  # a language Babel has no data for
        return CLDR_SYMBOLS.get(base, ENGLISH_SYMBOLS)


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _read(groups: list[str], seps: list[str], decimal: str, group: str) -> str | None:
    """The value of the number under one convention, or None when it is not a well-formed number there."""
    # The Arabic comma stands for the group separator in much Persian text ("۲۶،۷۵۰").
    group_chars = {group, ARABIC_GROUP, "\u060c"} | ({"\u00a0", "\u202f", "\u2009"} if group.isspace() else set())
    decimal_chars = {decimal, ARABIC_DECIMAL}
    integer = [groups[0]]
    fraction = ""
    for index, (sep, digits) in enumerate(zip(seps, groups[1:])):
        if sep in decimal_chars and index == len(seps) - 1:
            fraction = digits
        elif sep in group_chars and len(digits) == 3 and len(groups[0]) <= 3:
            integer.append(digits)
        else:
            return None
    try:
        return _canonical(Decimal("".join(integer) + ("." + fraction if fraction else "")))
    except InvalidOperation:
        return None


def numbers_in(text: str, langs: tuple[str, ...], words: bool = True) -> list[Number]:
    """Every number in ``text`` with the values it can mean in any of ``langs``' conventions.

    A separator followed by exactly three digits is also read as grouping ("1.200" is 1200 in languages that
    group with "." and 1.2 in those that do not: both are accepted, so that a translator's convention is not
    a finding). "10:30" and "10.30" are also times. A number that no convention reads ("1,2,3") is read
    group by group. A scale word after it ("5 million") adds the scaled value.
    """
    conventions = {separators(lang) for lang in langs}
    found: list[Number] = []
    for match in _NUMBER.finditer(text):
        raw = _ascii_digits(match.group(0))
        groups = re.findall(r"\d+", raw)
        seps = _SEPARATOR.findall(raw)
        values: set[str] = set()
        if not seps:
            values.add(_canonical(Decimal(raw)))
        else:
            for decimal, group in conventions:
                value = _read(groups, seps, decimal, group)
                if value is not None:
                    values.add(value)
            if (
                all(len(g) == 3 for g in groups[1:])
                and len(groups[0]) <= 3
                and len(set(seps)) == 1
                and seps[0] in ".,'’\u060c"
            ):
                values.add(_canonical(Decimal("".join(groups))))
            if len(groups) == 2 and seps[0] in ":." and len(groups[0]) <= 2 and len(groups[1]) == 2:
                values.add(f"{int(groups[0])}:{groups[1]}")
        if not values:
            # Not a number in any convention: each digit group on its own (a list, a ratio, a version).
            for digits in re.finditer(r"\d+", match.group(0)):
                start = match.start() + digits.start()
                found.append(
                    Number(
                        digits.group(0),
                        start,
                        start + len(digits.group(0)),
                        frozenset({_canonical(Decimal(_ascii_digits(digits.group(0))))}),
                    )
                )
            continue
        unit: str | None = None
        if words:
            gap = match.end() + (1 if text[match.end() : match.end() + 1] in (" ", "-", "\u00a0") else 0)
            after = _WORD.match(text, gap)
            unit = after.group(0).lower() if after else None
            scale = SCALE_WORDS.get(unit) if unit else None
            if scale is not None:
                values |= {_canonical(Decimal(v) * scale) for v in list(values) if ":" not in v}
        found.append(Number(match.group(0), match.start(), match.end(), frozenset(values), unit))
    for index in range(len(found) - 2, -1, -1):
        first, second = found[index], found[index + 1]
        if second.unit in UNIT_CONVERSIONS and _RANGE_GAP.fullmatch(text, first.end, second.start):
            found[index] = Number(first.text, first.start, first.end, first.values, second.unit)
    return found


# Tens, for compound numbers written out ("fifty-eight", "سی و شش", "lima puluh"): value of the word, and the
# ordinal suffixes of the language ("سی و ششمین" = 36th).
TENS: dict[str, dict[str, int]] = {
    "en": {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
           "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100},
    "fa": {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90,
           "صد": 100, "دویست": 200, "سیصد": 300, "پانصد": 500},
}  # fmt: skip
ORDINAL_SUFFIXES: dict[str, tuple[str, ...]] = {"fa": ("مین", "م"), "en": ()}
_JOINERS = {"و", "and", "-"}


def _word_value(word: str, lang: str) -> int | None:
    table = NUMBER_WORDS.get(lang, {})
    tens = TENS.get(lang, {})
    for candidate in (word, *(word[: -len(s)] for s in ORDINAL_SUFFIXES.get(lang, ()) if word.endswith(s))):
        if candidate in tens:
            return tens[candidate]
        if candidate in table:
            return table[candidate]
    return None


def spelled_numbers(text: str, lang: str) -> set[int]:
    """The numbers spelled out in ``text`` (NUMBER_WORDS and TENS, compounds such as "fifty-eight" and
    "سی و ششمین" added up; "dua puluh" multiplied); nothing for other languages."""
    base = lang.split("-")[0].lower()
    table = NUMBER_WORDS.get(base)
    if not table:
        return set()
    lowered = text.lower()
    found: set[int] = {value for phrase, value in table.items() if " " in phrase and phrase in lowered}
    total: int | None = None
    joined = False
    for token in re.findall(r"\w+|-", lowered):
        if token in _JOINERS and total is not None:
            joined = True
            continue
        if base == "ms" and token == "puluh" and total is not None:
            total *= 10
            found.add(total)
            continue
        value = _word_value(token, base)
        if value is None:
            total, joined = None, False
            continue
        total = total + value if total is not None and (joined or base == "ms") else value
        joined = False
        found.add(value)
        found.add(total)
    return found


def _joined(text: str, run: Sequence[Number]) -> str | None:
    """The digits of consecutive numbers written with single spaces between them (a phone number "0800 555 111"
    that a translation writes as one), or None."""
    for first, second in itertools.pairwise(run):
        if text[first.end : second.start] != " ":
            return None
    return _ascii_digits("".join(n.text for n in run)) if all(n.text.isdigit() for n in run) else None


def match_numbers(
    source: list[Number], output: list[Number], source_text: str = ""
) -> tuple[list[Number], list[Number]]:
    """(source numbers with no counterpart in the output, output numbers with none in the source).

    Greedy, most constrained first (numbers with fewer readings take their partner before ambiguous ones)."""
    unused = list(output)
    missing: list[Number] = []
    for number in sorted(source, key=lambda n: (len(n.values), n.start)):
        partner = next((o for o in unused if o.values & number.values), None)
        if partner is None:
            missing.append(number)
        else:
            unused.remove(partner)
    for number in list(missing):
        partner = next((o for o in unused if converted(number, o)), None)
        if partner is not None:
            missing.remove(number)
            unused.remove(partner)
    missing.sort(key=lambda n: n.start)
    for size in (3, 2):
        for index in range(len(missing) - size + 1):
            run = missing[index : index + size]
            digits = _joined(source_text, run) if all(n in missing for n in run) else None
            partner = next((o for o in unused if digits is not None and _ascii_digits(o.text) == digits), None)
            if partner is not None:
                unused.remove(partner)
                missing = [n for n in missing if n not in run]
                break
    return missing, unused


def _plain_values(number: Number) -> list[float]:
    return [float(v) for v in number.values if ":" not in v]


def converted(source: Number, output: Number) -> bool:
    """The unit-conversion rule: ``output`` is ``source`` (followed by an imperial unit) in metric units."""
    if source.unit not in UNIT_CONVERSIONS:
        return False
    factors = UNIT_CONVERSIONS[source.unit]
    for value in _plain_values(source):
        # Degrees: Fahrenheit to Celsius, as a temperature or as a difference.
        targets = [value * f for f in factors] if factors else [(value - 32) * 5 / 9, value * 5 / 9]
        for got in _plain_values(output):
            if any(abs(got - t) <= CONVERSION_TOLERANCE * max(abs(t), 1.0) for t in targets):
                return True
    return False
