"""Find glossary terms in a text: one Aho-Corasick automaton per case mode, whole words, exact original spans."""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from dragoman.glossary.model import Glossary
from dragoman.glossary.normalize import (
    ZWNJ,
    NormalizedText,
    fold_case,
    is_all_caps,
    is_word_char,
    normalize,
    normalize_term,
)

KINDS = ("preferred", "variant", "forbidden")
_KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}

# Attached endings that still make a word an occurrence of the term, in normalised form,
# longest first. Persian endings are joined by ZWNJ, which normalises to a space flagged as
# a joiner, so they are written here with a leading space and only count after a ZWNJ.
_EN_SUFFIXES = ("'s",)
_MS_SUFFIXES = ("-nya", "-lah", "-kah", "-pun", "nya", "lah", "kah", "pun")
_FA_ZWNJ_SUFFIXES = (" هایی", " های", " ها", " ای", " ی")
# After a final alef or vav, Persian writes the ezafe as a directly joined ی
# (آمریکای لاتین, بانوی اول); after other letters a joined ی makes a new word (ایرانی = Iranian).
_FA_VOWEL_FINALS = frozenset("اوآ")
# The plural written joined, without the ZWNJ (دموکراتها, کشورهای): common in real text
# (NTREX fa: "دموکراتها" five times). Only ها/های/هایی, never a joined ی/ای (ایرانی, نامه‌ای
# are other words), and only after a last word long enough that word + ها is not another
# word: تن + ها is تنها ("only"), ن + هایی is نهایی ("final"). Three letters suffice when the
# last one does not join (کشورها, شهرها: the ending stands visibly apart), four otherwise.
_FA_JOINED_PLURALS = ("هایی", "های", "ها")
_FA_NON_JOINING = frozenset("اآأإدذرزژو")

_SUFFIX_LANGS = {"en": "en", "ms": "ms", "id": "ms", "zsm": "ms", "fa": "fa", "prs": "fa", "pes": "fa"}


@dataclass(frozen=True)
class TermMatch:
    """One occurrence of a glossary form in a text.

    ``start``/``end`` are offsets in the ORIGINAL text and cover the term itself; an attached
    ending (possessive 's, Malay -nya, Persian ‌ها) is in ``suffix`` and right after ``end``.
    ``entry_ids`` lists every entry that has this form (several may share one); ``entry_kinds``
    says, for each of them, whether the form is its preferred, variant or forbidden term;
    ``kind`` is the strongest of those (preferred > variant > forbidden) and ``form`` the form
    as the glossary writes it for the first entry of that kind.
    """

    start: int
    end: int
    text: str
    form: str
    entry_ids: tuple[str, ...]
    kind: str
    lang: str
    suffix: str = ""
    entry_kinds: tuple[str, ...] = ()

    @property
    def entry_id(self) -> str:
        """The first (strongest) entry id: convenient when forms are unique."""
        return self.entry_ids[0] if self.entry_ids else ""


@dataclass(frozen=True)
class Pattern:
    """A form to look for: the text as written, its case mode, and what it stands for."""

    form: str
    case: str = "smart"
    entry_id: str | None = None
    kind: str = "preferred"


def resolve_case(form: str, case: str) -> bool:
    """True when ``form`` under ``case`` must match exactly, False when case-insensitively."""
    if case == "sensitive":
        return True
    if case == "insensitive":
        return False
    return is_all_caps(form)


class _Side:
    """One automaton (exact or folded) with, per pattern index, the records it stands for."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.index: dict[str, int] = {}
        self.records: list[list[tuple[str, str | None, str]]] = []
        self.automaton: Any = None

    def add(self, key: str, record: tuple[str, str | None, str]) -> None:
        idx = self.index.get(key)
        if idx is None:
            idx = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.records.append([])
        if record not in self.records[idx]:
            self.records[idx].append(record)

    def build(self) -> None:
        if self.keys:
            # Contiguous NFA: the quickest to build for 100k patterns, and searching a news
            # article takes milliseconds either way (measured in benchmarks/bench_matching.py).
            self.automaton = ahocorasick_rs.AhoCorasick(
                self.keys,
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.ContiguousNFA,
                store_patterns=False,
            )


class TermMatcher:
    """Finds every occurrence of a set of forms in texts of one language.

    Build once (cost grows with the number of forms), then call :meth:`find` many times
    (cost grows with the text, not with the glossary).
    """

    def __init__(self, patterns: Iterable[Pattern | tuple[str, str, Any]], lang: str) -> None:
        self.lang = lang
        self._suffix_mode = _SUFFIX_LANGS.get(lang.split("-")[0], "")
        self._exact = _Side()
        self._folded = _Side()
        count = 0
        for pattern in patterns:
            if not isinstance(pattern, Pattern):
                form, case, payload = pattern
                if isinstance(payload, tuple):
                    pattern = Pattern(form, case, payload[0], payload[1])
                else:
                    pattern = Pattern(form, case, payload)
            key = normalize_term(pattern.form)
            if not key:
                continue
            record = (pattern.form, pattern.entry_id, pattern.kind)
            keys = [key]
            if self._suffix_mode == "fa" and ZWNJ in pattern.form:
                # Real Persian text often drops the ZWNJ and joins the parts: "دموکراتها" for
                # "دموکرات‌ها", "نخستوزیر" for "نخست‌وزیر" (the spaced form already matches).
                joined = normalize_term(pattern.form.replace(ZWNJ, ""))
                if joined and joined != key:
                    keys.append(joined)
            for one in keys:
                if resolve_case(one, pattern.case):
                    self._exact.add(one, record)
                else:
                    self._folded.add(fold_case(one), record)
            count += 1
        self.pattern_count = count
        # Summaries of the per-pattern record lists (which live as long as the matcher, so
        # their id() is stable). Shared by threads: a race only computes one twice.
        self._summaries: dict[int, tuple[str, tuple[str, ...], str, tuple[str, ...]]] = {}
        self._exact.build()
        self._folded.build()

    @classmethod
    def from_glossary(
        cls,
        glossary: Glossary,
        lang: str,
        kinds: Sequence[str] = ("preferred", "variant"),
        approved_only: bool = False,
    ) -> TermMatcher:
        """The matcher for ``lang``'s forms of ``glossary`` (cached per glossary object).

        ``kinds`` picks which forms are looked for. A ``dnt`` entry with no term in ``lang``
        contributes its source form as the preferred one (it is kept verbatim everywhere).
        The cache is keyed by the glossary object and its size: build a new Glossary rather
        than mutating one that matchers were built from.
        """
        key = (lang, tuple(kinds), approved_only, len(glossary.entries))
        cached = _cache_get(glossary, key)
        if cached is not None:
            return cached
        matcher = cls(_glossary_patterns(glossary, lang, kinds, approved_only), lang)
        _cache_put(glossary, key, matcher)
        return matcher

    def __len__(self) -> int:
        return self.pattern_count

    def find(self, text: str) -> list[TermMatch]:
        """All occurrences in ``text``: sorted, non-overlapping, leftmost-longest, whole words."""
        if not text or self.pattern_count == 0:
            return []
        nt = normalize(text)
        return self.find_normalized(nt)

    def find_normalized(self, nt: NormalizedText) -> list[TermMatch]:
        """Like :meth:`find` for a text already normalised with :func:`normalize` (reuse it across matchers)."""
        hay = nt.text
        # All overlapping candidates first, then a boundary-aware leftmost-longest choice:
        # a plain leftmost-longest automaton would let a longer candidate that fails the
        # word check ("New York" in "New Yorker") hide a shorter valid one ("New").
        # (i, j) -> the records list of one pattern (shared, never mutated) or a merged copy
        candidates: dict[tuple[int, int], list[tuple[str, str | None, str]]] = {}
        merged_ids: set[int] = set()
        for side, haystack in ((self._exact, hay), (self._folded, None)):
            if side.automaton is None:
                continue
            if haystack is None:
                haystack = fold_case(hay)
            side_records = side.records
            get = candidates.get
            for pidx, i, j in side.automaton.find_matches_as_indexes(haystack, overlapping=True):
                key = (i, j)
                slot = get(key)
                if slot is None:
                    candidates[key] = side_records[pidx]
                else:
                    merged = slot + [r for r in side_records[pidx] if r not in slot]
                    candidates[key] = merged
                    merged_ids.add(id(merged))
        if not candidates:
            return []
        out: list[TermMatch] = []
        last_end = 0
        order = sorted((i, -j) for i, j in candidates)
        for i, negative_j in order:
            j = -negative_j
            if i < last_end:
                continue
            suffix_end = self._accept(nt, i, j)
            if suffix_end < 0:
                continue
            records = candidates[(i, j)]
            out.append(self._make(nt, i, j, suffix_end, records, id(records) not in merged_ids))
            last_end = j
        return out

    def _accept(self, nt: NormalizedText, i: int, j: int) -> int:
        """-1 when [i, j) is not a whole-word occurrence; else where its attached ending stops."""
        hay = nt.text
        n = len(hay)
        if not (nt.is_boundary(i) and nt.is_boundary(j)):
            return -1
        if i > 0 and _word_at(nt, i - 1) and _word_at(nt, i):
            return -1
        if j >= n:
            return j
        end = self._suffix(nt, i, j)
        if end > j:
            return end
        if _word_at(nt, j) and _word_at(nt, j - 1):
            return -1
        return j

    def _suffix(self, nt: NormalizedText, i: int, j: int) -> int:
        """Where a recognised attached ending after [i, j) stops (j when there is none)."""
        mode = self._suffix_mode
        if not mode:
            return j
        hay = nt.text
        if mode == "en":
            if hay[j] == "'":
                if hay[j + 1 : j + 2].lower() == "s" and _ends_word(nt, j + 2):
                    return j + 2
                if hay[j - 1] in "sS" and _ends_word(nt, j + 1):
                    return j + 1  # plural-style possessive: "Abbas’ visit"
            return j
        if mode == "ms":
            if j - i < 3:  # "Ma" + "lah" is the word "malah": short terms take no clitic
                return j
            for suffix in _MS_SUFFIXES:
                k = j + len(suffix)
                if hay[j:k].lower() == suffix and _ends_word(nt, k) and nt.is_boundary(k):
                    return k
            return j
        # Persian
        if nt.joiner[j]:
            for suffix in _FA_ZWNJ_SUFFIXES:
                k = j + len(suffix)
                if hay[j:k] == suffix and _ends_word(nt, k) and nt.is_boundary(k):
                    return k
            return j
        if hay[j] == "ی" and hay[j - 1] in _FA_VOWEL_FINALS and _ends_word(nt, j + 1) and nt.is_boundary(j + 1):
            return j + 1
        if hay.startswith("ها", j):
            last_word = hay[i:j].rsplit(" ", 1)[-1]
            if len(last_word) >= (3 if last_word[-1] in _FA_NON_JOINING else 4):
                for suffix in _FA_JOINED_PLURALS:
                    k = j + len(suffix)
                    if hay.startswith(suffix, j) and _ends_word(nt, k) and nt.is_boundary(k):
                        return k
        return j

    def _make(
        self,
        nt: NormalizedText,
        i: int,
        j: int,
        suffix_end: int,
        records: list[tuple[str, str | None, str]],
        shared: bool,
    ) -> TermMatch:
        start, end = nt.span(i, j)
        original = nt.original
        if suffix_end > j:
            suffix = original[end : nt.ends[suffix_end - 1]]
        else:
            suffix = _dropped_ending(original, end, nt.starts[j] if j < len(nt.text) else len(original))
        if shared:
            # The records list of one pattern: its summary is computed once per matcher.
            summary = self._summaries.get(id(records))
            if summary is None:
                summary = self._summaries[id(records)] = _summarise(records)
        else:
            summary = _summarise(records)
        form, ids, kind, kinds = summary
        return TermMatch(
            start=start,
            end=end,
            text=original[start:end],
            form=form,
            entry_ids=ids,
            kind=kind,
            lang=self.lang,
            suffix=suffix,
            entry_kinds=kinds,
        )


def _summarise(records: list[tuple[str, str | None, str]]) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    """(form, entry_ids, kind, entry_kinds) of the records of one span, strongest kind first."""
    ordered = sorted(records, key=lambda r: _KIND_RANK.get(r[2], 9))
    ids: list[str] = []
    kinds: list[str] = []
    for _form, entry_id, kind in ordered:
        if entry_id is not None and entry_id not in ids:
            ids.append(entry_id)
            kinds.append(kind)
    return ordered[0][0], tuple(ids), ordered[0][2], tuple(kinds)


def _word_at(nt: NormalizedText, k: int) -> bool:
    """Is normalised char k part of a word? A space that was ZWNJ between letters is: ZWNJ joins, it does not separate."""
    if nt.joiner[k]:
        # A stray ZWNJ before punctuation or at the end joins nothing.
        return k + 1 < len(nt.text) and is_word_char(nt.text[k + 1]) and k > 0 and is_word_char(nt.text[k - 1])
    return is_word_char(nt.text[k])


def _ends_word(nt: NormalizedText, k: int) -> bool:
    return k >= len(nt.text) or not _word_at(nt, k)


def _dropped_ending(original: str, end: int, next_start: int) -> str:
    """The ezafe ‌ی that normalisation dropped after a final ه, when it sits between end and next_start."""
    gap = original[end:next_start]
    if gap.startswith(ZWNJ) and len(gap) >= 2:
        return gap.rstrip(" \t\r\n\u00a0")
    return ""


# Matchers cached per glossary object. Glossary is a mutable dataclass (not hashable), so
# the cache is keyed by id() and holds a weak reference that both checks identity and
# drops the entry when the glossary is garbage-collected.
_cache_lock = threading.Lock()
_matcher_cache: dict[int, tuple[weakref.ref[Glossary], dict[tuple[Any, ...], TermMatcher]]] = {}


def _cache_get(glossary: Glossary, key: tuple[Any, ...]) -> TermMatcher | None:
    with _cache_lock:
        slot = _matcher_cache.get(id(glossary))
        if slot is None or slot[0]() is not glossary:
            return None
        return slot[1].get(key)


def _cache_put(glossary: Glossary, key: tuple[Any, ...], matcher: TermMatcher) -> None:
    gid = id(glossary)

    def forget(_ref: weakref.ref[Glossary]) -> None:
        with _cache_lock:
            slot = _matcher_cache.get(gid)
            if slot is not None and slot[0] is _ref:
                del _matcher_cache[gid]

    with _cache_lock:
        slot = _matcher_cache.get(gid)
        if slot is None or slot[0]() is not glossary:
            slot = (weakref.ref(glossary, forget), {})
            _matcher_cache[gid] = slot
        slot[1][key] = matcher


def _glossary_patterns(glossary: Glossary, lang: str, kinds: Sequence[str], approved_only: bool) -> Iterable[Pattern]:
    want = set(kinds)
    for entry in glossary:
        if approved_only and not entry.approved:
            continue
        side = entry.terms.get(lang)
        if side is None:
            if entry.dnt and "preferred" in want:
                form = entry.render_for(lang)
                if form:
                    yield Pattern(form, entry.case, entry.id, "preferred")
            continue
        if "preferred" in want and side.preferred:
            yield Pattern(side.preferred, entry.case, entry.id, "preferred")
        if "variant" in want:
            for form in side.variants:
                yield Pattern(form, entry.case, entry.id, "variant")
        if "forbidden" in want:
            for form in side.forbidden:
                yield Pattern(form, entry.case, entry.id, "forbidden")


@functools.lru_cache(maxsize=512)
def _single_matcher(form: str, lang: str, case: str) -> TermMatcher:
    return TermMatcher([Pattern(form, case, None)], lang)


def count_form(text: str, form: str, lang: str, case: str = "smart") -> int:
    """How many times ``form`` occurs in ``text`` as a whole word (attached endings included)."""
    return len(_single_matcher(form, lang, case).find(text))


def find_form(text: str, form: str, lang: str, case: str = "smart") -> list[TermMatch]:
    """The occurrences of one form in ``text`` (same rules as :meth:`TermMatcher.find`)."""
    return _single_matcher(form, lang, case).find(text)
