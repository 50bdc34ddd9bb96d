"""The built-in integrity checks, each a small registered function (code, severity, help)."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from dragoman.integrity.model import (
    ERROR,
    WARNING,
    Finding,
    LengthBand,
    SegmentPair,
    register,
)
from dragoman.integrity.numbers import match_numbers, numbers_in, spelled_numbers

# -- placeholder-debris ---------------------------------------------------------------------------------------

# Look-alikes a decoder (or NFKC) turns placeholder punctuation into; the brackets of the families dragoman
# uses. Not « »: they are quotation marks in Persian and French, never debris.
_PUNCT_LOOKALIKES: dict[str, str] = {
    "[": "[［〚⟦", "]": "]］〛⟧", "⟦": "⟦〚[［", "⟧": "⟧〛]］", "<": "<＜", ">": ">＞", "#": "#＃",
    "{": "{｛", "}": "}｝", "@": "@＠", "%": "%％", "|": "|｜",
}  # fmt: skip
_GAP = r"[ _\u00a0]?"


def _piece_pattern(part: str) -> str | None:
    """A tolerant regex for one side (prefix or suffix) of a placeholder family: letters in any case with
    spaces or underscores between them, look-alike punctuation; None when nothing distinctive is left."""
    core = part.strip("_")
    if not core:
        return "_{2,}" if len(part) >= 2 else None
    pieces: list[str] = []
    for char in core:
        if char.isalpha():
            pieces.append(re.escape(char))
        elif char.isdigit():
            pieces.append(f"[{char}{chr(0x660 + int(char))}{chr(0x6F0 + int(char))}]")
        else:
            pieces.append("[" + re.escape(_PUNCT_LOOKALIKES.get(char, char)) + "]")
    return _GAP.join(pieces)


@lru_cache(maxsize=64)
def debris_pattern(template: str) -> re.Pattern[str]:
    """Every piece of the placeholder family ``template`` ("ZXQ{n}"): the prefix with or without a number of
    any script glued to it, the suffix with or without one before it, and case and spacing variants."""
    prefix, _, suffix = template.partition("{n}")
    before, after = _piece_pattern(prefix), _piece_pattern(suffix)
    digits = r"(?:[ _]?\d+)*"
    alternatives: list[str] = []
    if before is not None and re.sub(r"\W", "", prefix.strip("_")).isdigit():
        # A family of digits ("947{n}"): only the prefix glued to a number is debris, "947" alone is a number.
        alternatives.append(rf"(?<!\d){before}\d{{1,3}}(?!\d)")
    elif before is not None:
        letters_only = prefix.strip("_").isalpha()
        short = letters_only and len(prefix.strip("_")) < 2
        # One letter ("__T{n}__") is debris only with a number glued to it.
        body = rf"{before}{digits}" if not short else rf"(?<![^\W\d_]){before}{_GAP}\d+"
        if after is not None:
            body += rf"(?:{_GAP}{after})?"
        alternatives.append(body)
    if after is not None and not (suffix.strip("_").isalpha() and len(suffix.strip("_")) < 2):
        alternatives.append(rf"\d*{_GAP}{after}")
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)


def default_placeholder_forms() -> tuple[str, ...]:
    """Every placeholder family dragoman may send (calibration's candidates)."""
    from dragoman.calibration import CANDIDATE_FORMS

    return tuple(CANDIDATE_FORMS)


@lru_cache(maxsize=16)
def _any_debris(forms: tuple[str, ...]) -> re.Pattern[str]:
    """All families in one pattern: one pass over a clean output (the usual case) settles it."""
    return re.compile("|".join(f"(?:{debris_pattern(form).pattern})" for form in forms), re.IGNORECASE)


def debris_spans(pair: SegmentPair) -> list[tuple[int, int]]:
    """Spans of the output that are placeholder pieces the source does not hold (merged, in order)."""
    forms = tuple(pair.placeholder_forms) if pair.placeholder_forms is not None else default_placeholder_forms()
    if not forms or _any_debris(forms).search(pair.output) is None:
        return []
    spans: list[tuple[int, int]] = []
    for form in forms:
        pattern = debris_pattern(form)
        found = [m.span() for m in pattern.finditer(pair.output) if m.end() > m.start()]
        if found and len(found) > len(pattern.findall(pair.source)):
            spans.extend(found)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@register(
    "placeholder-debris",
    ERROR,
    """Pieces of a placeholder family (ZXQ{n}, ⟦{n}⟧, ...) in the output that the source does not hold: a prefix
    or suffix without its number, a number of any script glued to one, case and spacing variants, split pieces.""",
)
def check_placeholder_debris(pair: SegmentPair) -> list[Finding]:
    spans = debris_spans(pair)
    if not spans:
        return []
    pieces = list(dict.fromkeys(pair.output[start:end] for start, end in spans))
    shown = ", ".join(repr(p) for p in pieces[:3]) + (", ..." if len(pieces) > 3 else "")
    noun = "placeholder piece" if len(spans) == 1 else f"{len(spans)} placeholder pieces"
    # One finding per segment (a loop of debris is one fault), located at its first piece.
    return [Finding("placeholder-debris", f"{noun} left in the output: {shown}", ERROR, spans[0][0], spans[0][1])]


# -- repetition -----------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")
MAX_NGRAM = 4
MIN_REPEATS = 4


def _tokens(text: str) -> list[re.Match[str]]:
    return list(_TOKEN.finditer(text))


def longest_run(tokens: Sequence[str]) -> tuple[int, int, int]:
    """(repeats, first token, n) of the longest run of one n-gram (n = 1..4) repeated back to back that holds a
    word; (1, 0, 1) when nothing repeats."""
    best = (1, 0, 1)
    for n in range(1, MAX_NGRAM + 1):
        streak = 0
        for j in range(len(tokens) - n):
            if tokens[j] == tokens[j + n]:
                streak += 1
                repeats = streak // n + 1
                if repeats > best[0]:
                    start = j - streak + 1
                    if any(t[:1].isalnum() for t in tokens[start : start + n]):
                        best = (repeats, start, n)
            else:
                streak = 0
    return best


@register(
    "repetition",
    ERROR,
    f"""A 1-{MAX_NGRAM}-token n-gram repeated {MIN_REPEATS} or more times in a row where the source has no run as
    long (a decoding loop), or an output far longer than its source (more than 3 x source tokens + 10).""",
)
def check_repetition(pair: SegmentPair) -> list[Finding]:
    out = _tokens(pair.output)
    src = [m.group(0).casefold() for m in _tokens(pair.source)]
    findings: list[Finding] = []
    repeats, first, n = longest_run([m.group(0).casefold() for m in out])
    if repeats >= MIN_REPEATS and repeats > longest_run(src)[0]:
        start, end = out[first].start(), out[min(len(out) - 1, first + repeats * n - 1)].end()
        gram = pair.output[out[first].start() : out[first + n - 1].end()]
        findings.append(Finding("repetition", f"{gram!r} repeated {repeats} times", ERROR, start, end))
    if len(out) > 3 * len(src) + 10:
        findings.append(
            Finding("repetition", f"{len(out)} tokens for a source of {len(src)} (more than 3 x + 10)", ERROR)
        )
    return findings


# -- numbers --------------------------------------------------------------------------------------------------


@register(
    "numbers",
    ERROR,
    """Every number of the source is in the output and no number is in the output that the source lacks. ASCII,
    Arabic-Indic and Persian digits are equal; decimal marks and group separators are read as CLDR gives them for
    each language (1,200 = ۱٬۲۰۰ in fa; 1.200 = 1,200 where "." groups); years, percentages, ranges, times
    (10:30 = 10.30) and scale words (5 million = 5 juta) match; a small number spelled out (three, tiga, سه) may
    stand for its digits in en, ms and fa; nothing else is excused.""",
)
def check_numbers(pair: SegmentPair) -> list[Finding]:
    if not (any(ch.isdigit() for ch in pair.source) or any(ch.isdigit() for ch in pair.output)):
        return []
    source = numbers_in(pair.source, (pair.source_lang,))
    output = numbers_in(pair.output, (pair.target_lang, pair.source_lang))
    missing, added = match_numbers(source, output, pair.source)
    findings: list[Finding] = []
    if missing:
        spelled = spelled_numbers(pair.output, pair.target_lang)
        for number in missing:
            if any(str(v) in number.values for v in spelled):
                continue
            findings.append(
                Finding(
                    "numbers",
                    f"{number.text!r} of the source is not in the output",
                    ERROR,
                    source_start=number.start,
                    source_end=number.end,
                )
            )
    if added:
        spelled = spelled_numbers(pair.source, pair.source_lang)
        for number in added:
            if any(str(v) in number.values for v in spelled):
                continue
            findings.append(
                Finding(
                    "numbers",
                    f"{number.text!r} is in the output but not in the source",
                    ERROR,
                    number.start,
                    number.end,
                )
            )
    return findings


# -- empty ----------------------------------------------------------------------------------------------------


@register("empty", ERROR, "An empty output for a source that holds words or numbers.")
def check_empty(pair: SegmentPair) -> list[Finding]:
    if pair.output.strip() or not any(ch.isalnum() for ch in pair.source):
        return []
    return [Finding("empty", "the output is empty", ERROR)]


# -- untranslated ---------------------------------------------------------------------------------------------

UNTRANSLATED_SHARE = 0.8
UNTRANSLATED_MIN_WORDS = 6
# Letters an output needs before its script or language is judged.
MIN_LETTERS = 20
LANGID_CONFIDENCE = 0.99

# The script each language is written in, where it is not Latin (Unicode script names as unicodedata gives them).
SCRIPTS: dict[str, str] = {
    "fa": "ARABIC", "ar": "ARABIC", "ur": "ARABIC", "ps": "ARABIC", "ckb": "ARABIC", "ug": "ARABIC",
    "ru": "CYRILLIC", "uk": "CYRILLIC", "bg": "CYRILLIC", "sr": "CYRILLIC", "mk": "CYRILLIC", "be": "CYRILLIC",
    "kk": "CYRILLIC", "ky": "CYRILLIC", "mn": "CYRILLIC", "el": "GREEK", "he": "HEBREW", "yi": "HEBREW",
    "hi": "DEVANAGARI", "mr": "DEVANAGARI", "ne": "DEVANAGARI", "bn": "BENGALI", "ta": "TAMIL", "te": "TELUGU",
    "th": "THAI", "ka": "GEORGIAN", "hy": "ARMENIAN", "am": "ETHIOPIC", "ko": "HANGUL", "zh": "CJK", "ja": "CJK",
}  # fmt: skip
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def script_of(lang: str) -> str:
    return SCRIPTS.get(lang.split("-")[0].lower(), "LATIN")


# Letters of the scripts most pairs involve, by code point range (unicodedata.name per letter is 10x slower).
_SCRIPT_LETTERS: dict[str, re.Pattern[str]] = {
    "LATIN": re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]"),
    "ARABIC": re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "CYRILLIC": re.compile(r"[\u0400-\u052f]"),
    "GREEK": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "HEBREW": re.compile(r"[\u0590-\u05ff]"),
    "CJK": re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"),
}


def _script_letters(text: str, script: str) -> int:
    """How many letters of ``text`` are in ``script`` (Unicode script names, as unicodedata gives them)."""
    pattern = _SCRIPT_LETTERS.get(script)
    if pattern is not None:
        return len(pattern.findall(text))
    return sum(1 for ch in text if ch.isalpha() and unicodedata.name(ch, "").startswith(script))


def _outside(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    return not any(start < e and s < end for s, e in spans)


_LANGID: Any = None
_LANGID_LOCK = threading.Lock()


def _identify(text: str, candidates: list[str]) -> tuple[str, float] | None:
    """py3langid restricted to ``candidates`` (its own identifier: the detector of `--from auto` keeps its
    language set); None when py3langid is missing or does not know them all."""
    global _LANGID
    with _LANGID_LOCK:
        if _LANGID is None:
            try:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier
            except ImportError:
                _LANGID = False
                return None
            _LANGID = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if _LANGID is False or not all(c in _LANGID.labels for c in candidates):
            return None
        _LANGID.set_languages(candidates)
        lang, score = _LANGID.classify(text)
        return str(lang), float(score)


@register(
    "untranslated",
    ERROR,
    f"""The output is the source again: at least {UNTRANSLATED_SHARE:.0%} of the source's lower-case words are in
    it, in a segment of {UNTRANSLATED_MIN_WORDS}+ words (glossary terms and do-not-translate spans not counted);
    or it is written in the source's script instead of the target's (en->fa in Latin letters); or the language
    identifier (py3langid, when it knows both languages) reads it as the source language.""",
)
def check_untranslated(pair: SegmentPair) -> list[Finding]:
    if not pair.output.strip():
        return []
    source_words = list(_WORDS.finditer(pair.source))
    out_words = Counter(m.group(0).casefold() for m in _WORDS.finditer(pair.output))
    # Capitalised words are names more often than not, and terms and do-not-translate spans are copied on
    # purpose: a segment made of little else has nothing to judge.
    counted = [
        m.group(0).casefold()
        for m in source_words
        if not m.group(0)[:1].isupper() and _outside(pair.exclude, m.start(), m.end())
    ]
    if len(counted) < 3:
        return []
    if len(source_words) >= UNTRANSLATED_MIN_WORDS:
        left = Counter(out_words)
        copied = 0
        for word in counted:
            if left[word] > 0:
                left[word] -= 1
                copied += 1
        if copied / len(counted) >= UNTRANSLATED_SHARE:
            return [Finding("untranslated", f"{copied} of {len(counted)} source words copied into the output", ERROR)]
    source_script, target_script = script_of(pair.source_lang), script_of(pair.target_lang)
    if source_script != target_script:
        in_source = _script_letters(pair.output, source_script)
        # Names stay in Latin letters in many Persian texts: only an output almost all in the source script counts.
        if in_source >= MIN_LETTERS and _script_letters(pair.output, target_script) < in_source / 4:
            return [
                Finding(
                    "untranslated",
                    f"the output is in {source_script.title()} script, not {target_script.title()} ({pair.target_lang})",
                    ERROR,
                )
            ]
        return []
    if sum(1 for ch in pair.output if ch.isalpha()) < MIN_LETTERS:
        return []
    # Same script: only an output that shares half its words with the source is worth asking the identifier.
    source_set = {m.group(0).casefold() for m in source_words}
    total = sum(out_words.values())
    if not total or sum(c for w, c in out_words.items() if w in source_set) < total / 2:
        return []
    source_lang, target_lang = pair.source_lang.split("-")[0], pair.target_lang.split("-")[0]
    found = _identify(pair.output, [source_lang, target_lang])
    if found is not None and found[0] == source_lang and found[1] >= LANGID_CONFIDENCE:
        return [
            Finding("untranslated", f"the output reads as {source_lang}, not {target_lang} ({found[1]:.2f})", ERROR)
        ]
    return []


# -- length ---------------------------------------------------------------------------------------------------

# Output/source ratio of characters (spaces not counted), for segments of at least LENGTH_MIN_CHARS. The default
# band holds 99+ % of the NTREX human references (en->fa 0.55-1.6, en->ms 0.7-1.8 between the 0.5th and 99.5th
# percentiles); a pair's own band, where measured, is narrower.
DEFAULT_LENGTH_BAND = LengthBand(0.4, 2.5)
LENGTH_BANDS: dict[tuple[str, str], LengthBand] = {
    ("en", "fa"): LengthBand(0.45, 2.0),
    ("en", "ms"): LengthBand(0.5, 2.2),
}
LENGTH_MIN_CHARS = 30


def length_band(source_lang: str, target_lang: str) -> LengthBand:
    key = (source_lang.split("-")[0], target_lang.split("-")[0])
    return LENGTH_BANDS.get(key, DEFAULT_LENGTH_BAND)


def _chars(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


@register(
    "length",
    WARNING,
    f"""The output/source length ratio (characters, spaces not counted) is outside the band of the language
    pair, for sources of {LENGTH_MIN_CHARS}+ characters: a dropped clause or an invented one. Default band
    {DEFAULT_LENGTH_BAND.low}-{DEFAULT_LENGTH_BAND.high}; en->fa {LENGTH_BANDS[("en", "fa")].low}-{LENGTH_BANDS[("en", "fa")].high},
    en->ms {LENGTH_BANDS[("en", "ms")].low}-{LENGTH_BANDS[("en", "ms")].high}.""",
)
def check_length(pair: SegmentPair) -> list[Finding]:
    source = _chars(pair.source)
    if source < LENGTH_MIN_CHARS or not pair.output.strip():
        return []
    band = pair.length_band or length_band(pair.source_lang, pair.target_lang)
    ratio = _chars(pair.output) / source
    if band.low <= ratio <= band.high:
        return []
    side = "short" if ratio < band.low else "long"
    return [
        Finding("length", f"output {ratio:.2f} x the source length, too {side} (band {band.low}-{band.high})", WARNING)
    ]


# -- markup ---------------------------------------------------------------------------------------------------

_URL = re.compile(
    r"""\b(?:[a-z][a-z0-9+.\-]*://|www\.)[^\s<>"'`)\]]*[^\s<>"'`)\].,;:!?]|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+""",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?([A-Za-z][\w:-]*)\b[^<>]*?/?>")
_MARKDOWN = ("**", "__", "`", "](", "![")


def _tag_name(match: re.Match[str]) -> str:
    """``<b>`` or ``</b>`` for a tag (attributes left out, the name lower-cased)."""
    return ("</" if match.group(0).startswith("</") else "<") + match.group(1).lower() + ">"


@register(
    "markup",
    ERROR,
    """Every inline mark, link and tag of the source segment is in the output: HTML tags (by name, opening and
    closing), Markdown emphasis, code and link syntax, URLs and e-mail addresses (verbatim), and the segment's
    verbatim spans (inline code, translate="no" content).""",
)
def check_markup(pair: SegmentPair) -> list[Finding]:
    findings: list[Finding] = []
    for text in dict.fromkeys(pair.verbatim):
        if text and pair.output.count(text) < pair.source.count(text):
            findings.append(Finding("markup", f"verbatim {text!r} is not in the output", ERROR))
    for url in dict.fromkeys(m.group(0) for m in _URL.finditer(pair.source)):
        if pair.output.count(url) < pair.source.count(url) and url not in pair.verbatim:
            findings.append(Finding("markup", f"{url!r} is not in the output", ERROR))
    if "<" in pair.source:
        source_tags = Counter(_tag_name(m) for m in _TAG.finditer(pair.source))
        output_tags = Counter(_tag_name(m) for m in _TAG.finditer(pair.output))
        for name, count in (source_tags - output_tags).items():
            findings.append(
                Finding("markup", f"{name} missing from the output" + (f" ({count}x)" if count > 1 else ""), ERROR)
            )
    for syntax in _MARKDOWN:
        lost = pair.source.count(syntax) - pair.output.count(syntax)
        if lost > 0 and syntax in pair.source:
            findings.append(Finding("markup", f"{lost} of the source's {syntax!r} missing from the output", ERROR))
    return findings
