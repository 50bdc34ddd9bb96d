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


def test_a_mark_made_of_a_term_lands_on_the_term_whatever_the_attention() -> None:
    # Batched beam search moves attention with the other sentences of the call (0.98 alone, 0.01 in one batch):
    # a bold name that is a glossary term is placed by its placeholder, never by attention.
    from dragoman.enforce.placeholders import PlaceholderForm
    from dragoman.enforce.plan import OccurrencePlan
    from dragoman.enforce.realize import SentInput
    from dragoman.enforce.run import _mark_spans
    from dragoman.engines.base import Hypothesis
    from dragoman.glossary.model import Entry, LangTerms

    source = "President Pezeshkian met the minister."
    start = source.index("Pezeshkian")
    end = start + len("Pezeshkian")
    entry = Entry("pezeshkian", {"en": LangTerms("Pezeshkian")}, dnt=True)
    occ = OccurrencePlan(0, start, end, "Pezeshkian", entry, "Pezeshkian", [], [], ["placeholder"], True)
    form = PlaceholderForm("ZXQ{n}")
    sent = SentInput("President ZXQ1 met the minister.", {1: occ}, {})
    output = "Presiden ZXQ1 bertemu menteri."
    source_tokens = ["▁President", "▁ZXQ1", "▁met", "▁the", "▁minister", "."]
    target_tokens = ["▁Presiden", "▁ZXQ1", "▁bertemu", "▁menteri", "."]
    # Attention that puts the placeholder's weight on "Presiden" (as a batch did).
    attention = [[0.1, 0.9, 0, 0, 0, 0], [0.9, 0.1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 0.5, 0.5, 0]]
    attention.append([0, 0, 0, 0, 0, 1])
    hyp = Hypothesis(output, 0.0, target_tokens, source_tokens, attention)
    final = "Presiden Pezeshkian bertemu menteri."
    edits = [(output.index("ZXQ1"), output.index("ZXQ1") + 4, len("Pezeshkian"))]
    (span,) = _mark_spans([(start, end)], hyp, sent, form, edits)
    assert span is not None and final[span[0] : span[1]] == "Pezeshkian"
    # A mark wider than the term ("President Pezeshkian") keeps its term edge exact and takes the rest by attention.
    (wide,) = _mark_spans([(0, end)], hyp, sent, form, edits)
    assert wide is not None and final[wide[0] : wide[1]].endswith("Pezeshkian")
