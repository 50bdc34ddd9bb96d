"""Locating the target words that render a source span, from the decoder's attention over SentencePiece tokens."""

from __future__ import annotations

import unicodedata
from typing import Sequence

from dragoman.glossary.normalize import is_word_char

SPACE_MARK = "▁"  # SentencePiece's word-start marker


def token_char_spans(pieces: Sequence[str], text: str) -> list[tuple[int, int] | None]:
    """Character span in ``text`` of each SentencePiece token (None for tokens not found: specials, <unk>).

    Tokens are found left to right; only whitespace may lie between one token and the next, so a token
    never jumps ahead to a later, unrelated copy of the same letters.
    """
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for piece in pieces:
        body = piece.replace(SPACE_MARK, " ").strip()
        if not body or (body.startswith("<") and body.endswith(">") and len(body) > 2):
            spans.append(None)
            continue
        i = cursor
        while i < len(text) and text[i].isspace():
            i += 1
        if text.startswith(body, i):
            spans.append((i, i + len(body)))
            cursor = i + len(body)
            continue
        # SentencePiece normalises (NFKC) before splitting: compare normalised characters.
        j, k = i, 0
        folded = unicodedata.normalize("NFKC", body)
        while j < len(text) and k < len(folded):
            chunk = unicodedata.normalize("NFKC", text[j])
            if folded.startswith(chunk, k) and chunk:
                k += len(chunk)
                j += 1
            else:
                break
        if k == len(folded) and j > i:
            spans.append((i, j))
            cursor = j
        else:
            spans.append(None)
    return spans


def attention_span(
    attention: Sequence[Sequence[float]],
    source_pieces: Sequence[str],
    source_text: str,
    target_pieces: Sequence[str],
    target_text: str,
    term_span: tuple[int, int],
    union: bool = False,
) -> tuple[tuple[int, int], bool] | None:
    """The target character span whose tokens attend most to the source tokens of ``term_span``, and
    whether the alignment is confident.

    A target token belongs to the term when its strongest attention falls on one of the term's source
    tokens. The largest-mass contiguous run of such tokens is taken and widened to whole words
    (subword pieces of one word stay together). Confident means the alignment agrees both ways: each
    term source token also attends most strongly to a target token inside the run. None when nothing aligns.
    """
    src_spans = token_char_spans(source_pieces, source_text)
    term_tokens = {
        i for i, span in enumerate(src_spans) if span is not None and span[0] < term_span[1] and term_span[0] < span[1]
    }
    if not term_tokens:
        return None
    tgt_spans = token_char_spans(target_pieces, target_text)
    rows = list(attention)[: len(tgt_spans)]
    picked: list[tuple[int, float]] = []
    for t, row in enumerate(rows):
        span = tgt_spans[t]
        if span is None or not row:
            continue
        width = min(len(row), len(src_spans))
        if width == 0:
            continue
        best = max(range(width), key=lambda s: row[s])
        if best in term_tokens and any(is_word_char(c) for c in target_text[span[0] : span[1]]):
            picked.append((t, sum(row[s] for s in term_tokens if s < len(row))))
    if not picked:
        return None
    runs: list[list[tuple[int, float]]] = [[picked[0]]]
    for item in picked[1:]:
        if item[0] == runs[-1][-1][0] + 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    run = max(runs, key=lambda r: sum(mass for _, mass in r))
    if union:
        # Inline markup over several words: cover every aligned token, even when the target splits them.
        run = picked
    first = tgt_spans[run[0][0]]
    last = tgt_spans[run[-1][0]]
    assert first is not None and last is not None
    start, end = first[0], last[1]
    while start > 0 and is_word_char(target_text[start - 1]):
        start -= 1
    while end < len(target_text) and is_word_char(target_text[end]):
        end += 1
    in_run = {t for t, _ in run}
    confident = True
    for s in term_tokens:
        column = [(row[s] if s < len(row) else 0.0) for row in rows]
        if not column or max(range(len(column)), key=lambda t: column[t]) not in in_run:
            confident = False
    return (start, end), confident


def shift_through(position: int, edits: Sequence[tuple[int, int, int]]) -> int:
    """Where ``position`` of a text lands after replacing each (start, end, new_length) edit."""
    return position + sum(new - (end - start) for start, end, new in edits if end <= position)
