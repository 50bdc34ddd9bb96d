"""The contract every Engine honours; each engine's tests inherit EngineContract and provide three fixtures.

Fixtures a subclass defines:
  engine     -> the Engine under test (ready to translate ``pair``)
  pair       -> (source, target) the engine translates directly
  sentences  -> at least three different source sentences of ``pair``'s source language
"""

from __future__ import annotations

from typing import Sequence

import pytest

from dragoman.engines.base import BatchOptions, Engine, Hypothesis


def _texts(results: Sequence[Sequence[Hypothesis]]) -> list[str]:
    return [hyps[0].text for hyps in results]


class EngineContract:
    def test_pair_is_listed_and_supported(self, engine: Engine, pair: tuple[str, str]) -> None:
        assert pair in engine.pairs()
        assert engine.supports(*pair)
        assert not engine.supports(pair[1] + "x", pair[0])

    def test_signature_is_stable_and_names_the_engine(self, engine: Engine, pair: tuple[str, str]) -> None:
        first = engine.signature(*pair)
        assert isinstance(first, str)
        assert first == engine.signature(*pair)
        assert engine.name in first

    def test_empty_batch_gives_empty_list(self, engine: Engine, pair: tuple[str, str]) -> None:
        assert engine.translate_batch([], *pair) == []

    def test_one_scored_result_per_segment(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        results = engine.translate_batch(sentences, *pair)
        assert len(results) == len(sentences)
        for hyps in results:
            assert len(hyps) == 1
            assert isinstance(hyps[0], Hypothesis)
            assert isinstance(hyps[0].text, str) and hyps[0].text
            assert isinstance(hyps[0].score, float)

    def test_batch_equals_one_by_one_and_keeps_order(
        self, engine: Engine, pair: tuple[str, str], sentences: list[str]
    ) -> None:
        together = _texts(engine.translate_batch(list(reversed(sentences)), *pair))
        alone = [_texts(engine.translate_batch([s], *pair))[0] for s in sentences]
        assert together == list(reversed(alone))

    def test_deterministic(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        assert _texts(engine.translate_batch(sentences, *pair)) == _texts(engine.translate_batch(sentences, *pair))

    def test_n_best_when_supported(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        results = engine.translate_batch(sentences[:2], *pair, BatchOptions(num_hypotheses=3))
        for hyps, best in zip(results, engine.translate_batch(sentences[:2], *pair)):
            if engine.supports_nbest:
                assert len(hyps) == 3
                scores = [h.score for h in hyps]
                assert scores == sorted(scores, reverse=True)
            else:
                assert len(hyps) == 1
            assert isinstance(best[0].text, str)

    def test_attention_shape_when_supported(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        results = engine.translate_batch(sentences[:2], *pair, BatchOptions(return_attention=True))
        for hyps in results:
            hyp = hyps[0]
            if not engine.supports_attention:
                assert hyp.attention is None
                continue
            assert hyp.attention is not None and hyp.target_tokens is not None and hyp.source_tokens is not None
            assert len(hyp.attention) == len(hyp.target_tokens)
            assert all(len(row) == len(hyp.source_tokens) for row in hyp.attention)

    def test_suppress_option_is_accepted(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        results = engine.translate_batch(sentences, *pair, BatchOptions(suppress=("zzzqqq",)))
        assert len(results) == len(sentences)

    def test_decoding_controls_are_accepted(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        """Every engine takes the safer re-translation's controls (honoured where declared, ignored elsewhere)."""
        assert isinstance(engine.supports_decoding_controls, bool)
        options = BatchOptions(no_repeat_ngram_size=3, repetition_penalty=1.2, max_length_ratio=2.0)
        results = engine.translate_batch(sentences, *pair, options)
        assert len(results) == len(sentences) and all(r and r[0].text for r in results)

    def test_markup_when_supported(self, engine: Engine, pair: tuple[str, str], sentences: list[str]) -> None:
        """An engine that declares supports_markup carries one mark per given span (None where it lost one)."""
        if not engine.supports_markup:
            return
        first = sentences[0]
        end = first.index(" ") if " " in first else len(first)
        [(text, spans)] = engine.translate_marked([first], [[(0, end)]], *pair)
        assert text and len(spans) == 1
        assert spans[0] is None or 0 <= spans[0][0] < spans[0][1] <= len(text)


class WrappedContract(EngineContract):
    """The contract through the pipeline's call counter (an EngineWrapper): the name, the capabilities and every
    call are the wrapped engine's, and each call is counted. A subclass defines ``inner`` (the wrapped engine)."""

    @pytest.fixture
    def engine(self, inner: Engine) -> Engine:
        from dragoman.pipeline.translator import CountingEngine

        return CountingEngine(inner)

    def test_the_wrapper_is_the_engine_it_wraps(self, engine: Engine, inner: Engine, pair: tuple[str, str]) -> None:
        from dragoman.pipeline.translator import CountingEngine

        assert isinstance(engine, CountingEngine) and not isinstance(inner, CountingEngine)
        capabilities = [
            "name",
            "supports_nbest",
            "supports_attention",
            "supports_suppress",
            "supports_markup",
            "supports_decoding_controls",
            "installs_missing_pairs",
            "install_command",
        ]
        assert [getattr(engine, c) for c in capabilities] == [getattr(inner, c) for c in capabilities]
        assert engine.signature(*pair) == inner.signature(*pair)
        assert engine.calibration_package(*pair) == inner.calibration_package(*pair)
        assert engine.missing_hint(pair[1], "xx") == inner.missing_hint(pair[1], "xx")
        before = engine.calls
        engine.translate_batch(["x"], *pair)
        assert engine.calls == before + 1
