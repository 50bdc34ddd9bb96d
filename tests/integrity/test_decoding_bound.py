"""Every CTranslate2 call is bounded by its sources' lengths; a safer retry's controls reach CTranslate2."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.toy import TOY_PACKAGE

from dragoman import packages
from dragoman.engines.argos import (
    ArgosEngine,
    default_decoding_bound,
)
from dragoman.engines.base import BatchOptions

SENTENCES = ["Masoud Pezeshkian", "The president met the prime minister in the capital on Tuesday.", "Iran"]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[list[str]], dict[str, Any]]]:
    packages.install_file(TOY_PACKAGE)
    seen: list[tuple[list[list[str]], dict[str, Any]]] = []
    original = ArgosEngine._run

    def spy(self: ArgosEngine, model: Any, batch: list[list[str]], kwargs: dict[str, Any], *rest: Any) -> Any:
        seen.append(([list(b) for b in batch], dict(kwargs)))
        return original(self, model, batch, kwargs, *rest)

    monkeypatch.setattr(ArgosEngine, "_run", spy)
    return seen


def test_every_call_gets_a_bound_from_its_longest_source(calls: list[tuple[list[list[str]], dict[str, Any]]]) -> None:
    ArgosEngine().translate_batch(SENTENCES, "en", "zz")
    assert calls
    for batch, kwargs in calls:
        longest = max(len(tokens) for tokens in batch)
        assert kwargs["max_decoding_length"] == default_decoding_bound(longest) == 3 * longest + 10 <= 256
        assert "min_decoding_length" not in kwargs and "no_repeat_ngram_size" not in kwargs


def test_the_bound_keeps_sound_translations_whole(calls: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers.toy import toy_cases

    from dragoman.engines import argos

    sources = [s for s, _ in toy_cases()[:8]]
    bounded = [h[0].text for h in ArgosEngine().translate_batch(sources, "en", "zz")]
    monkeypatch.setattr(argos, "DECODING_LENGTH_RATIO", 1000)  # past CTranslate2's own 256 steps: no bound
    monkeypatch.setattr(argos, "LONG_DECODING_RATIO", 1000)
    unbounded = [h[0].text for h in ArgosEngine().translate_batch(sources, "en", "zz")]
    # Side by side on this machine: a sound translation is far inside the bound, so nothing changes.
    assert bounded == unbounded
    assert calls[-1][1]["max_decoding_length"] > 256


def test_safer_settings_reach_ctranslate2_per_segment_bound(
    calls: list[tuple[list[list[str]], dict[str, Any]]],
) -> None:
    options = BatchOptions(no_repeat_ngram_size=3, repetition_penalty=1.2, max_length_ratio=2.0, max_length_margin=4)
    engine = ArgosEngine()
    assert engine.supports_decoding_controls
    out = engine.translate_batch(SENTENCES, "en", "zz", options)
    assert all(h and h[0].text for h in out)
    for batch, kwargs in calls:
        assert kwargs["no_repeat_ngram_size"] == 3 and kwargs["repetition_penalty"] == 1.2
        # Each call holds segments of one bound: 2 x its source pieces + 4.
        assert {2 * len(tokens) + 4 for tokens in batch} == {kwargs["max_decoding_length"]}
