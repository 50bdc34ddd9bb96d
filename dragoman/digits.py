"""Native digits for output (`--digits native`): Persian digits in fa; URLs, code, markup, identifiers untouched."""

from __future__ import annotations

import re

from dragoman.errors import LanguageError
from dragoman.languages import validate_code

# Digit sets of CLDR's numberingSystems.xml (common/supplemental), by numbering-system id.
# Written out because Babel knows each locale's numbering-system *name* but not its digits,
# and the core must not need Babel (it is the optional `cldr` extra).
NUMBERING_SYSTEM_DIGITS: dict[str, str] = {
    "latn": "0123456789",
    "arab": "٠١٢٣٤٥٦٧٨٩",  # U+0660..U+0669 Arabic-Indic
    "arabext": "۰۱۲۳۴۵۶۷۸۹",  # U+06F0..U+06F9 Extended Arabic-Indic (Persian, Urdu, Pashto)
}

# The "native" numbering system CLDR gives each language whose native digits are not Latin
# (ldml numbers/otherNumberingSystems/native; for fa it is also the default system).
NATIVE_NUMBERING_SYSTEM: dict[str, str] = {
    "fa": "arabext",
    "ps": "arabext",
    "ur": "arabext",
    "ar": "arab",
    "ckb": "arab",
}

DIGIT_MODES = ("keep", "native", "latin")

# Spans whose digits are never rewritten: they must stay machine-readable or byte-identical.
_PROTECTED = re.compile(
    r"""
      ```.*?```                                   # fenced code
    | `[^`\n]*`                                   # inline code
    | <[^<>\n]*>                                  # markup tags and autolinks
    | &\#?[A-Za-z0-9]+;                           # HTML character references
    | \b[a-z][a-z0-9+.\-]*://[^\s<>"')\]]*        # URLs with a scheme
    | \bwww\.[^\s<>"')\]]*                        # bare www. URLs
    | [\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+             # e-mail addresses
    | \{[^{}\s]*\}                                # {0}, {name} placeholders
    | %(?:\d+\$)?[sdif]                           # printf placeholders, %1$s
    | \d+(?:\.\d+){2,}                            # versions and IP addresses: 1.2.3, 10.0.0.1
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)

# A "word" made of non-space characters that holds a Latin letter or an underscore is an
# identifier or a Latin-script name (COVID-19, v1.2, MH370, F-35, file_2): its digits stay
# ASCII, as Persian outlets print them inside Latin text. Digits attached to Persian letters
# (کووید-۱۹) are converted.
_WORD = re.compile(r"\S+")
_LATIN_OR_UNDERSCORE = re.compile(r"[A-Za-z_]")

_ANY_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")


def native_numbering_system(lang: str) -> str:
    """CLDR's native numbering system for ``lang`` ('latn' when it has none of its own)."""
    base = validate_code(lang).split("-")[0]
    return NATIVE_NUMBERING_SYSTEM.get(base, "latn")


def _translation_table(system: str) -> dict[int, str]:
    target = NUMBERING_SYSTEM_DIGITS[system]
    table: dict[int, str] = {}
    for digits in NUMBERING_SYSTEM_DIGITS.values():
        if digits == target:
            continue
        for value, char in enumerate(digits):
            table[ord(char)] = target[value]
    return table


def to_native_digits(text: str, lang: str) -> str:
    """Write the digits of ``text`` in ``lang``'s native digits (Persian ۰–۹ for fa).

    Digit characters change (ASCII and the other Arabic-script digit sets), and a comma or full
    stop between two digits becomes CLDR's group or decimal separator (٬ ٫); one character for
    one, so offsets and length are unchanged. Left alone:
    URLs, e-mail addresses, markup, code spans, placeholders, version numbers and any
    whitespace-delimited word containing a Latin letter or underscore (identifiers such as
    COVID-19, v1.2, MH370). Languages with Latin native digits get ``text`` back unchanged.
    """
    system = native_numbering_system(lang)
    if system == "latn" or not _ANY_DIGIT.search(text):
        return text
    table = _translation_table(system)
    out: list[str] = []
    pos = 0
    for protected in _PROTECTED.finditer(text):
        out.append(_convert_words(text[pos : protected.start()], table))
        out.append(protected.group(0))
        pos = protected.end()
    out.append(_convert_words(text[pos:], table))
    return "".join(out)


# CLDR's symbols for the Arabic-script numbering systems (fa, ar: decimal U+066B, group U+066C).
# Only a separator with a digit on both sides is rewritten ("1,250" -> "۱٬۲۵۰", "3.5" -> "۳٫۵"),
# so a comma or full stop after a number keeps its punctuation role; one character for one, so
# offsets stay valid.
_GROUP_BETWEEN_DIGITS = re.compile(r"(?<=[0-9٠-٩۰-۹]),(?=[0-9٠-٩۰-۹])")
_DECIMAL_BETWEEN_DIGITS = re.compile(r"(?<=[0-9٠-٩۰-۹])\.(?=[0-9٠-٩۰-۹])")
_NATIVE_SEPARATORS = re.compile(r"(?<=[0-9٠-٩۰-۹])[٫٬](?=[0-9٠-٩۰-۹])")


def _convert_words(chunk: str, table: dict[int, str]) -> str:
    def convert(word: re.Match[str]) -> str:
        token = word.group(0)
        if _LATIN_OR_UNDERSCORE.search(token):
            return token
        token = _GROUP_BETWEEN_DIGITS.sub("\u066c", token)
        token = _DECIMAL_BETWEEN_DIGITS.sub("\u066b", token)
        return token.translate(table)

    return _WORD.sub(convert, chunk)


def to_latin_digits(text: str) -> str:
    """Every Arabic-script digit (Arabic-Indic and Persian) as ASCII 0-9, and ٬ ٫ between digits as , and ."""
    if not _ANY_DIGIT.search(text):
        return text
    text = _NATIVE_SEPARATORS.sub(lambda m: "," if m.group(0) == "\u066c" else ".", text)
    return text.translate(_translation_table("latn"))


def apply_digit_mode(text: str, lang: str, mode: str) -> str:
    """The pipeline's hook for ``--digits``.

    'keep' leaves the text as the engine wrote it, 'native' calls to_native_digits,
    'latin' writes every digit as ASCII.
    """
    if mode == "keep":
        return text
    if mode == "native":
        return to_native_digits(text, lang)
    if mode == "latin":
        return to_latin_digits(text)
    raise LanguageError(f"unknown digit mode {mode!r}", f"use one of: {', '.join(DIGIT_MODES)}")
