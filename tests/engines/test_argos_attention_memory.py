"""Issue 15 item 7 in the argos engine: attention (asked for by glossary enforcement, n-best x source x target
pieces per segment) is held compactly, not as Python lists of floats, so a huge line's memory stays bounded."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from helpers.toy import toy_cases, unpack_toy

from dragoman.engines.argos import ArgosEngine
from dragoman.engines.base import BatchOptions
from dragoman.segment import split_sentences


@pytest.fixture(scope="module")
def toy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack_toy(tmp_path_factory.mktemp("toy"))


def _unpunctuated_pieces(count: int) -> list[str]:
    """~500-character pieces of one long line without punctuation (what the pipeline sends for a huge line)."""
    words = [s.rstrip(".").replace(",", "") for s, _ in toy_cases()]
    text = " ".join(words[i % len(words)] for i in range(count * 12))
    return [text[s:e] for s, e in split_sentences(text, "en")][:count]


def test_attention_costs_a_few_bytes_a_value_held_and_while_decoding(toy_dir: Path) -> None:
    engine = ArgosEngine(packages={("en", "zz"): toy_dir})
    segments = _unpunctuated_pieces(12)
    engine.translate_batch(segments[:1], "en", "zz")  # the model loaded outside the measure
    tracemalloc.start()
    try:
        results = engine.translate_batch(segments, "en", "zz", BatchOptions(num_hypotheses=4, return_attention=True))
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    values = 0
    for hyps in results:
        assert len(hyps) == 4
        for hyp in hyps:
            assert hyp.attention is not None and hyp.target_tokens is not None and hyp.source_tokens is not None
            assert len(hyp.attention) == len(hyp.target_tokens)
            assert all(len(row) == len(hyp.source_tokens) for row in hyp.attention)
            values += len(hyp.target_tokens) * len(hyp.source_tokens)
    assert values > 50_000  # enough that the attention dominates what is measured
    # As Python lists a value costs ~32 bytes (an 8-byte pointer and a 24-byte float object), and ~64 at the
    # peak while the lists CTranslate2 returns were copied. Packed float32 rows: 4 bytes and a row header.
    assert held / values < 8, (held, values)
    assert peak / values < 12, (peak, values)
    # The values are CTranslate2's: rows of weights over the source that each sum to about 1.
    row = results[0][0].attention[0]  # type: ignore[index]
    assert all(0.0 <= v <= 1.0 for v in row) and 0.9 < sum(row) <= 1.0 + 1e-3
