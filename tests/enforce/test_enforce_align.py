"""Attention alignment over SentencePiece pieces: token offsets, spans of terms, confidence."""

from __future__ import annotations

from dragoman.enforce.align import attention_span, shift_through, token_char_spans


def test_token_char_spans_follow_pieces_and_skip_specials() -> None:
    text = "Anwar met Pezeshkian."
    pieces = ["▁An", "war", "▁met", "▁Pe", "zesh", "kian", ".", "</s>"]
    assert token_char_spans(pieces, text) == [(0, 2), (2, 5), (6, 9), (10, 12), (12, 16), (16, 20), (20, 21), None]


def test_token_char_spans_after_nfkc_normalisation() -> None:
    # SentencePiece saw "[1]" where the text has fullwidth brackets.
    assert token_char_spans(["▁[", "1", "]"], "［1］") == [(0, 1), (1, 2), (2, 3)]
    assert token_char_spans(["▁zzz"], "abc") == [None]


SOURCE = "The new government met today."
SRC_PIECES = ["▁The", "▁new", "▁gov", "ern", "ment", "▁met", "▁today", "."]
TARGET = "Kerajaan baru bertemu hari ini."
TGT_PIECES = ["▁Ker", "aja", "an", "▁baru", "▁bertemu", "▁hari", "▁ini", "."]


def soft(rows: list[int], width: int, weight: float = 0.7) -> list[list[float]]:
    """Attention rows peaking at the given source index, the rest spread thin."""
    rest = (1 - weight) / (width - 1)
    return [[weight if j == peak else rest for j in range(width)] for peak in rows]


def test_attention_span_finds_whole_words() -> None:
    # target pieces 0-2 ("Kerajaan") attend to "gov ern ment" (2-4); baru -> new; bertemu -> met; hari ini -> today
    attention = soft([2, 3, 4, 1, 5, 6, 6, 7], len(SRC_PIECES))
    assert attention_span(attention, SRC_PIECES, SOURCE, TGT_PIECES, TARGET, (8, 18)) == ((0, 8), True)
    assert attention_span(attention, SRC_PIECES, SOURCE, TGT_PIECES, TARGET, (23, 28)) == ((22, 30), True)


def test_attention_span_one_way_is_not_confident() -> None:
    # "Ker" attends most to "gov" (0.4), but "gov" gets its strongest attention from "bertemu" (0.45),
    # whose own peak is "met": the alignment holds one way only.
    attention = soft([2, 3, 4, 1, 5, 6, 6, 7], len(SRC_PIECES))
    attention[0][2] = 0.4
    attention[4][2] = 0.45
    attention[4][5] = 0.5
    assert attention_span(attention, SRC_PIECES, SOURCE, TGT_PIECES, TARGET, (8, 18)) == ((0, 8), False)


def test_attention_span_none_when_nothing_aligns() -> None:
    attention = soft([0, 0, 0, 1, 5, 6, 6, 7], len(SRC_PIECES))
    assert attention_span(attention, SRC_PIECES, SOURCE, TGT_PIECES, TARGET, (8, 18)) is None
    assert attention_span(attention, SRC_PIECES, SOURCE, TGT_PIECES, TARGET, (100, 101)) is None


def test_shift_through_edits() -> None:
    edits = [(0, 8, 10), (14, 21, 3)]  # "Kerajaan" -> 10 chars, "bertemu" -> 3 chars
    assert [shift_through(p, edits) for p in (0, 8, 9, 14, 21, 25)] == [0, 10, 11, 16, 19, 23]
