"""Normalisation for matching: the rules, and the map back to original offsets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dragoman.glossary.normalize import (
    is_word_char,
    normalize,
    normalize_for_match,
    normalize_term,
)

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ايران", "ایران"),  # Arabic yeh -> Persian yeh
        ("مصطفى", "مصطفی"),  # alef maksura -> Persian yeh
        ("كرد", "کرد"),  # Arabic kaf -> keheh
        ("خانۀ ملت", "خانه ملت"),  # ezafe: heh with yeh above
        ("خانهٔ ملت", "خانه ملت"),  # ezafe: heh + hamza above
        (f"خانه{ZWNJ}ی ملت", "خانه ملت"),  # ezafe: heh + ZWNJ + yeh
        (f"خانه{ZWNJ}یک", "خانه یک"),  # not an ezafe: the yeh starts a longer word
        ("مـحمـد", "محمد"),  # tatweel dropped
        ("مُحَمَّد", "محمد"),  # harakat dropped
        ("احتمالاً", "احتمالا"),  # tanwin dropped
        ("۱۴۰۳ ١٤٠٣ 1403", "1403 1403 1403"),  # Persian, Arabic-Indic and ASCII digits
        ("Pezeshkian’s", "Pezeshkian's"),
        ("‘quoted’", "'quoted'"),
        ("a\u00a0b", "a b"),  # NBSP
        ("a \t\n b", "a b"),  # whitespace runs collapse
        (f"ایران{ZWNJ}ها", "ایران ها"),  # ZWNJ is a space inside terms
        ("ﻻ", "لا"),  # NFKC: presentation form ligature
        ("ﬁnance", "finance"),  # NFKC: Latin ligature
        ("Ｕ Ｎ", "U N"),  # NFKC: full width
        ("e\u0301", "é"),  # NFKC composes
        ("\u200fایران\u200e", "ایران"),  # RLM/LRM dropped
        ("US", "US"),  # no case folding here
    ],
)
def test_normalization_rules(text: str, expected: str) -> None:
    assert normalize_for_match(text)[0] == expected


def test_offsets_have_one_more_element_and_end_at_len() -> None:
    norm, offsets = normalize_for_match("مـحمّد ۱۲")
    assert norm == "محمد 12"
    assert offsets == [0, 2, 3, 5, 6, 7, 8, 9]


def test_ezafe_span_stops_before_the_dropped_ending() -> None:
    text = f"خانه{ZWNJ}ی ملت"
    nt = normalize(text)
    assert nt.text == "خانه ملت"
    assert nt.span(0, 4) == (0, 4)
    assert text[slice(*nt.span(0, 8))] == text


def test_zwnj_is_flagged_as_joiner_but_space_is_not() -> None:
    nt = normalize(f"ایران{ZWNJ}ها و ایران ها")
    assert nt.text == "ایران ها و ایران ها"
    assert [i for i, flag in enumerate(nt.joiner) if flag] == [5]


def test_ligature_expansion_is_not_a_span_boundary_inside() -> None:
    nt = normalize("ﻻ")
    assert nt.text == "لا"
    assert list(nt.boundary) == [1, 0]
    assert nt.starts == [0, 0]


def test_normalize_term_strips_and_collapses() -> None:
    assert normalize_term("  Masoud \t Pezeshkian ") == "Masoud Pezeshkian"
    assert normalize_term("مسعود پزشکيان") == "مسعود پزشکیان"
    assert normalize_term(f"خانهٔ{ZWNJ}ملت") == "خانه ملت"


@pytest.mark.parametrize(
    ("ch", "expected"),
    [
        ("a", True),
        ("ی", True),
        ("۳", True),
        ("\u064e", True),
        (ZWNJ, True),
        (" ", False),
        ("-", False),
        ("'", False),
        ("،", False),
    ],
)
def test_word_chars(ch: str, expected: bool) -> None:
    assert is_word_char(ch) is expected


def test_user_text_is_not_changed() -> None:
    text = "ايران‌ها ۱۲"
    before = str(text)
    normalize_for_match(text)
    assert text == before


# ------------------------------------------------------------ properties

# Characters the rules treat specially, mixed with plain Latin and Persian letters.
_NOISE = [
    "\u200c",
    "\u0640",
    "\u064e",
    "\u0650",
    "\u0651",
    "\u064b",
    "\u00a0",
    "\u064a",
    "\u0649",
    "\u0643",
    "\u06c0",
    "\u0654",
    "\u06f1",
    "\u0661",
    "\u2019",
    "\u200f",
    " ",
    "\t",
    "\ufefb",
    "\ufb01",
]
_BASE = list("abcXYZ ایرانهکیپ1'") + _NOISE
texts = st.lists(st.sampled_from(_BASE), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_offsets_are_monotonic_and_in_range(text: str) -> None:
    norm, offsets = normalize_for_match(text)
    assert len(offsets) == len(norm) + 1
    assert offsets[-1] == len(text)
    assert all(0 <= o <= len(text) for o in offsets)
    assert offsets == sorted(offsets)


@settings(max_examples=300, deadline=None)
@given(texts)
# Found by this test: the ezafe before a ZWNJ that ends the word was kept whole but dropped from a cut.
@example("\u0647\u200c\u06cc\u200c ")
def test_every_boundary_span_maps_back_exactly(text: str) -> None:
    """normalize(text[span]) equals the normalised slice, for every span between two boundaries."""
    nt = normalize(text)
    n = len(nt.text)
    cuts = [i for i in range(n) if nt.boundary[i]] + [n]
    for a_index, i in enumerate(cuts[:-1]):
        for j in cuts[a_index + 1 :]:
            start, end = nt.span(i, j)
            piece = nt.text[i:j]
            renorm = normalize(text[start:end]).text
            # A collapsed space at an edge may stand for more original whitespace; the text
            # of the span normalises to the same characters.
            assert renorm == piece, (text, i, j, start, end)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(list("ایران پزشکیان")), min_size=1, max_size=15).map("".join),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["\u0640", "\u064e", "\u0651", "\u200f"])), max_size=5),
)
def test_invisible_insertions_do_not_change_the_normal_form(word: str, inserts: list[tuple[int, str]]) -> None:
    noisy = list(word)
    for position, ch in sorted(inserts, reverse=True):
        # Inserting after a letter (never first): tatweel and harakat sit on a letter.
        noisy.insert(min(position, len(noisy) - 1) + 1, ch)
    assert normalize("".join(noisy)).text == normalize(word).text


@pytest.mark.parametrize("text", ["ه\u200cيa", "ه\u200cی\u200cها"])
def test_no_span_ends_right_after_a_kept_ezafe(text: str) -> None:
    # Found by the property test above: "ه‌ی" is kept when a letter (or ZWNJ) follows, but the
    # text cut right after the ی would normalise without it, so no span may end there.
    nt = normalize(text)
    assert nt.text.startswith("ه ی")
    assert nt.is_boundary(3) is False
    assert normalize(text[:3]).text == "ه"


def _slow_only(text: str) -> tuple[str, list[int], list[int], bytes, bytes]:
    """What normalize() gives with its fast path switched off: every character through the rules."""
    from dragoman.glossary import normalize as module

    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    boundary = bytearray()
    joiner = bytearray()
    module._normalize_slow(text, 0, len(text), out, starts, ends, boundary, joiner)
    normalized = "".join(out)
    module._no_cut_after_kept_ezafe(normalized, boundary, joiner)
    return normalized, starts, ends, bytes(boundary), bytes(joiner)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_BASE + ["ه", "ه", "\u0647\u200c\u06cc", "ی", "\u064e"]), max_size=40).map("".join))
def test_the_fast_path_changes_nothing(text: str) -> None:
    """Runs of characters that normalise to themselves (ه unless a ZWNJ follows, single spaces, ...) are copied
    in one go; the result, offsets and flags included, is what the character-by-character rules give."""
    nt = normalize(text)
    assert (nt.text, nt.starts, nt.ends, bytes(nt.boundary), bytes(nt.joiner)) == _slow_only(text)


def test_the_fast_path_on_real_persian_and_malay_news() -> None:
    ntrex = Path(__file__).parent.parent / "data" / "ntrex"
    for name in ("newstest2019-ref.fas.txt", "newstest2019-ref.msa.txt"):
        for text in (ntrex / name).read_text(encoding="utf-8").splitlines():
            nt = normalize(text)
            assert (nt.text, nt.starts, nt.ends, bytes(nt.boundary), bytes(nt.joiner)) == _slow_only(text), text
