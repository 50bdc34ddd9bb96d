"""Offline sentence splitting that returns spans into the original text, for English, Malay and Persian."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# pysbd is rule based and never downloads anything. We call its Processor directly instead of
# Segmenter(char_span=True): that mapping searches every sentence in the whole text with a regex
# (quadratic, and it silently drops a sentence the processor has altered). We map the sentences
# back ourselves by counting non-space characters, which is linear and never loses text.

# Characters that may end a sentence, in any language we split.
_TERMINALS = ".!?؟…。！？"
# Closing quotes and brackets that belong to the sentence they follow.
_CLOSERS = "\"'”’»›)]}"
# A place where a sentence could end: terminal punctuation, optional closers, then whitespace
# followed by something. Text without one is a single sentence and skips pysbd (most lines do).
_CANDIDATE_RE = re.compile(rf"[{re.escape(_TERMINALS)}][{re.escape(_CLOSERS)}]*\s+\S")
# pysbd slows down sharply on long inputs (regexes over the whole text); longer pieces are cut
# first at boundaries that are certain: terminal punctuation after four lowercase (or Arabic
# script) letters, which is never an abbreviation, then whitespace and a capital, an Arabic-script
# letter or an opening quote.
_MAX_CHUNK = 600
_SAFE_CUT_RE = re.compile(
    rf"[a-z\u0620-\u064A\u067E-\u06CC]{{4}}[.!?؟][{re.escape(_CLOSERS)}]*(\s+)"
    r"(?=[\"“‘'«A-Z\u0620-\u064A\u067E-\u06CC])"
)
# pysbd treats a line break as a sentence end; line structure is the formats' business.
_LINE_BREAKS = str.maketrans(
    {"\n": " ", "\r": " ", "\x0b": " ", "\x0c": " ", "\x85": " ", "\u2028": " ", "\u2029": " "}
)

# Malay news abbreviations that end with a full stop. Those written before a name (titles and ranks: Dr., Hj.,
# Kol.; places in an address: Jln., Tmn., Kg.; Sdn.) are prepositive: a capital after them does not start a
# sentence.
_MALAY_PREPOSITIVE = frozenset(
    "dr prof en pn cik hj hjh dt dto tn y.b y.bhg y.a.b y.a.m y.m tpr kol lt kpt mej sjn kpl ins supt "
    "asp dsp acp sac dcp sdn jln lrg tmn kg sg tg bt bkt pt bdr jab kem ust ustz sdr sdri ybhg".split()
)
# The others: companies (Bhd.), months (Ogo., Dis.), numbers (No., Bil.) and the like (dll., dsb.).
_MALAY_ABBREVIATIONS = _MALAY_PREPOSITIVE | frozenset(
    "bhg dsb dll spt tel faks bil no tkt ms m.s bhd mac ogo okt dis jan feb apr jun jul sep sept nov hlm "
    "jld tdk".split()
)
_MALAY_NUMBER = {"no", "bil", "tkt", "hlm", "jld", "tel", "faks", "ms", "m.s"}
_MALAY_STARTERS = (
    "Beliau Dia Ini Itu Mereka Kami Kita Saya Pada Dalam Menurut Selain Namun Bagaimanapun "
    "Sementara Oleh Walaupun Jika Apabila Bagi Sebelum Selepas Kerajaan Katanya"
).split()


# Inside a quotation: terminal punctuation, then a new sentence. pysbd has masked most
# abbreviations by then, but not one right after the opening quote ('"Dr. Ford'), hence the word.
_QUOTED_BOUNDARY_RE = re.compile(r"([^\s\"“«‘'(\[]*)([.!?؟…])\s+[\"“«‘'(\[]?[A-Z\u0600-\u06FF]")


def _has_inner_boundary(quoted: str, abbreviations: frozenset[str]) -> bool:
    for match in _QUOTED_BOUNDARY_RE.finditer(quoted):
        word = match.group(1).lower()
        if match.group(2) != "." or (len(word) > 1 and word not in abbreviations):
            return True
    return False


@cache
def _between_punctuation(abbreviations: frozenset[str]) -> Any:
    """pysbd's quote rule, except that quotations of several sentences are split.

    pysbd keeps everything between quotes in one sentence; news quotes often run to three or four
    sentences, which makes one overlong segment for the engine. Short quotations ('the "Republic
    of North Macedonia."') are still protected.
    """
    from pysbd.between_punctuation import BetweenPunctuation  # type: ignore[import-untyped]
    from pysbd.punctuation_replacer import replace_punctuation  # type: ignore[import-untyped]

    def protect_single_sentence(match: re.Match[str]) -> str:
        if _has_inner_boundary(match.group(), abbreviations):
            return match.group()
        return str(replace_punctuation(match))

    class QuoteAwareBetweenPunctuation(BetweenPunctuation):  # type: ignore[misc]
        def sub_punctuation_between_double_quotes(self, txt: str) -> str:
            return re.sub(self.BETWEEN_DOUBLE_QUOTES_REGEX_2, protect_single_sentence, txt)

        def sub_punctuation_between_quotes_arrow(self, txt: str) -> str:
            return re.sub(self.BETWEEN_QUOTE_ARROW_REGEX_2, protect_single_sentence, txt)

        def sub_punctuation_between_quotes_slanted(self, txt: str) -> str:
            return re.sub(self.BETWEEN_QUOTE_SLANTED_REGEX_2, protect_single_sentence, txt)

    return QuoteAwareBetweenPunctuation


@cache
def _language(lang: str) -> Any:
    """The pysbd language class for ``lang`` (built once)."""
    from pysbd.lang.common import Standard  # type: ignore[import-untyped]
    from pysbd.lang.english import English  # type: ignore[import-untyped]
    from pysbd.lang.persian import Persian  # type: ignore[import-untyped]

    base = lang.split("-")[0].lower()
    if base == "fa":

        class PersianRules(Persian):  # type: ignore[misc]
            # pysbd ends Persian sentences at ':' too; a colon introduces a quote or a list
            # there, as in English. The ellipsis character ends a sentence.
            Punctuations = ["?", "!", ".", "؟", "…"]
            SENTENCE_BOUNDARY_REGEX = r".*?[\.!\?؟…]|.*?\Z|.*?$"
            BetweenPunctuation = _between_punctuation(frozenset(Persian.Abbreviation.ABBREVIATIONS))

        return PersianRules
    if base == "ms":

        class MalayAbbreviation(Standard.Abbreviation):  # type: ignore[misc]
            ABBREVIATIONS = sorted(set(Standard.Abbreviation.ABBREVIATIONS) | _MALAY_ABBREVIATIONS)
            PREPOSITIVE_ABBREVIATIONS = sorted(
                set(Standard.Abbreviation.PREPOSITIVE_ABBREVIATIONS) | _MALAY_PREPOSITIVE
            )
            NUMBER_ABBREVIATIONS = sorted(set(Standard.Abbreviation.NUMBER_ABBREVIATIONS) | _MALAY_NUMBER)

        class MalayReplacer(English.AbbreviationReplacer):  # type: ignore[misc]
            SENTENCE_STARTERS = English.AbbreviationReplacer.SENTENCE_STARTERS + _MALAY_STARTERS

        class MalayRules(English):  # type: ignore[misc]
            iso_code = "ms"
            Abbreviation = MalayAbbreviation
            AbbreviationReplacer = MalayReplacer
            BetweenPunctuation = _between_punctuation(frozenset(MalayAbbreviation.ABBREVIATIONS))

        return MalayRules
    from pysbd.languages import LANGUAGE_CODES  # type: ignore[import-untyped]

    base_rules = LANGUAGE_CODES.get(base, English)
    if hasattr(base_rules, "BetweenPunctuation"):
        return base_rules  # the language has its own quote rules

    class Rules(base_rules):  # type: ignore[misc, valid-type]
        BetweenPunctuation = _between_punctuation(frozenset(base_rules.Abbreviation.ABBREVIATIONS))

    return Rules


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a long piece at certain boundaries so that pysbd only sees short inputs."""
    if end - start <= _MAX_CHUNK:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    piece_start = start
    for match in _SAFE_CUT_RE.finditer(text, start, end):
        cut = match.start(1)
        if cut - piece_start >= _MAX_CHUNK // 2:
            pieces.append((piece_start, cut))
            piece_start = match.end(1)
    pieces.append((piece_start, end))
    return pieces


def _boundaries(text: str, start: int, end: int, lang_rules: Any) -> list[int]:
    """Positions in ``text`` (within start..end) where pysbd ends a sentence, snapped to spaces."""
    from pysbd.processor import Processor  # type: ignore[import-untyped]

    chunk = text[start:end].translate(_LINE_BREAKS)
    sentences = Processor(chunk, lang_rules).process() or []
    cuts: list[int] = []
    pos = start
    for sentence in sentences[:-1]:
        # Count the sentence's non-space characters and consume as many in the original. pysbd
        # only reorders whitespace, so this lands exactly; if a rule ever changed a character the
        # count still lands close, and snapping to whitespace keeps words whole.
        needed = sum(1 for ch in sentence if not ch.isspace())
        while pos < end and needed:
            if not text[pos].isspace():
                needed -= 1
            pos += 1
        # A boundary is always whitespace: "example.com" or 'said."' are never cut inside. pysbd
        # sometimes starts the next sentence with the closing quote ("؟» و"): snapping forward
        # gives the quote back to its sentence. Counting goes on from the unsnapped position.
        cut = pos
        while cut < end and not text[cut].isspace():
            cut += 1
        if cut >= end:
            break
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    return cuts


# pysbd splits after a closing quote only before a Latin capital ('."' + ' He'); Persian letters
# have no case, so a quoted sentence followed by the next one ('آماده‌ایم.» آیا') is cut here.
_PERSIAN_QUOTE_END_RE = re.compile(r"[.!?؟…][»”\"’']+(\s+)(?=[«“\"\u0620-\u064A\u067E-\u06CC])")

_TIME_RE = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_TIME_ZONES = frozenset(
    "ET EST EDT CT CST CDT MT MST MDT PT PST PDT GMT BST UTC CET CEST AEST AEDT IST WIB MYT "
    "Eastern Central Mountain Pacific local".split()
)


def _continues(previous: str, piece: str) -> bool:
    """Whether ``piece`` cannot start a sentence after ``previous`` and joins it instead."""
    if all(ch in _CLOSERS or ch in _TERMINALS for ch in piece) or not any(ch.isalnum() for ch in piece):
        return True
    # 'Why? she asked.' or 'approx. two': a sentence does not start with a lowercase letter.
    if piece[0].islower():
        return True
    # '5 a.m. Eastern time', '7 p.m. ET tonight'
    return bool(_TIME_RE.search(previous)) and piece.split(None, 1)[0].strip(",.") in _TIME_ZONES


def _merge_fragments(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join the pieces that pysbd cut off but that cannot stand alone as a sentence."""
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _continues(text[merged[-1][0] : merged[-1][1]], text[span[0] : span[1]]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


# The longest segment the engine gets, in characters. CTranslate2 cuts an input at max_input_length (1,024
# SentencePiece tokens by default) and an output at its decoding limit without a word; real sentences stay far
# below this, and a longer one (an unpunctuated run-on, a pasted table, a 1 MB line) is split into clauses.
MAX_SEGMENT_CHARS = 500
# Where a long sentence is best split: after a clause mark followed by whitespace, or before a dash.
_CLAUSE_CUT_RE = re.compile(r"[,;:،؛)\]](\s+)|(\s+)[—–(]")
_SPACE_RE = re.compile(r"\s+")


def limit_length(text: str, spans: list[tuple[int, int]], limit: int = MAX_SEGMENT_CHARS) -> list[tuple[int, int]]:
    """``spans`` with every span longer than ``limit`` cut into pieces of at most ``limit`` characters.

    Each cut falls, by preference, on a clause boundary in the second half of the window (a comma, semicolon
    or colon and the whitespace after it; the whitespace before a dash), else on the last whitespace in the
    window (a token boundary), else (a run with no whitespace at all) inside the run but never before a
    combining mark. Whitespace between pieces stays in the gaps, so the text is rebuilt exactly; pieces cut
    inside a run have an empty gap and are joined back without one.
    """
    if all(end - start <= limit for start, end in spans):
        return spans
    import unicodedata

    out: list[tuple[int, int]] = []
    for start, end in spans:
        while end - start > limit:
            window_end = start + limit
            cut = gap_end = -1
            for match in _CLAUSE_CUT_RE.finditer(text, start + limit // 2, window_end + 1):
                group = 1 if match.group(1) is not None else 2
                if match.start(group) <= window_end:
                    cut, gap_end = match.start(group), match.end(group)
            if cut < 0:
                for match in _SPACE_RE.finditer(text, start + 1, window_end + 1):
                    if match.start() <= window_end:
                        cut, gap_end = match.start(), match.end()
            if cut <= start:
                cut = window_end
                while cut > start + 1 and unicodedata.combining(text[cut]):
                    cut -= 1
                gap_end = cut
            while gap_end < end and text[gap_end].isspace():  # the match may have stopped at the window
                gap_end += 1
            out.append((start, cut))
            start = gap_end
        if start < end:
            out.append((start, end))
    return out


def split_sentences(text: str, lang: str, max_chars: int = MAX_SEGMENT_CHARS) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, in order, without surrounding whitespace.

    Everything between and around the spans is whitespace, so the text is rebuilt exactly from
    the spans and the gaps. Line breaks alone do not end a sentence (formats decide about lines).
    A sentence longer than ``max_chars`` is split at clause or token boundaries (:func:`limit_length`).
    """
    return limit_length(text, _sentences(text, lang), max_chars)


def _sentences(text: str, lang: str) -> list[tuple[int, int]]:
    whole = _stripped(text, 0, len(text))
    if whole is None:
        return []
    if not _CANDIDATE_RE.search(text, whole[0], whole[1]):
        return [whole]
    rules = _language(lang)
    cuts: list[int] = []
    for chunk_start, chunk_end in _chunks(text, *whole):
        if cuts or chunk_start > whole[0]:
            cuts.append(chunk_start)
        if _CANDIDATE_RE.search(text, chunk_start, chunk_end):
            cuts.extend(_boundaries(text, chunk_start, chunk_end, rules))
    if lang.split("-")[0].lower() == "fa":
        cuts = sorted(set(cuts).union(m.start(1) for m in _PERSIAN_QUOTE_END_RE.finditer(text, whole[0], whole[1])))
    spans: list[tuple[int, int]] = []
    previous = whole[0]
    for cut in [*cuts, whole[1]]:
        span = _stripped(text, previous, cut)
        if span is not None:
            spans.append(span)
        previous = cut
    return _merge_fragments(text, spans)
