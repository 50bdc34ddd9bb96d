"""Issue 15 item 9 in the argos engine: no source reaches CTranslate2 longer than its max_input_length (a longer
segment is split between words and its parts joined, never cut), and the decoding bound grows with the source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE, toy_cases, unpack_toy
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman import packages
from dragoman.cli import cli
from dragoman.engines.argos import (
    DEFAULT_MAX_INPUT_LENGTH,
    INPUT_LENGTH_MARGIN,
    ArgosEngine,
    LoadedModel,
    default_decoding_bound,
    split_pieces,
)
from dragoman.engines.base import BatchOptions
from dragoman.errors import EngineError
from dragoman.integrity import run_checks

W = "\u2581"  # SentencePiece's word start


@pytest.fixture(scope="module")
def toy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[list[list[str]], dict[str, Any]]]]:
    """Every (batch, options) the engine hands CTranslate2, recorded on the way through."""
    seen: list[tuple[list[list[str]], dict[str, Any]]] = []
    original = ArgosEngine._run

    def spy(self: ArgosEngine, model: LoadedModel, batch: list[list[str]], kwargs: dict[str, Any], *args: Any) -> Any:
        seen.append(([list(b) for b in batch], dict(kwargs)))
        return original(self, model, batch, kwargs, *args)

    monkeypatch.setattr(ArgosEngine, "_run", spy)
    yield seen


def _ranges_cover(ranges: list[tuple[int, int]], total: int, limit: int) -> None:
    assert ranges[0][0] == 0 and ranges[-1][1] == total
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))  # contiguous: no piece dropped or doubled
    assert all(0 < end - start <= limit for start, end in ranges)


def test_split_pieces_prefers_sentence_and_clause_ends_then_word_starts() -> None:
    words = [f"{W}w{i}" for i in range(30)]
    words[11] = f"{W}w11,"  # a clause ends at piece 11: the first cut is after it, not at the limit
    ranges = split_pieces(words, 16)
    _ranges_cover(ranges, 30, 16)
    assert ranges[0] == (0, 12)
    # A word in several pieces is never cut: cuts fall before a word start only.
    pieces = [f"{W}ab", "cd", "ef"] * 10
    ranges = split_pieces(pieces, 8)
    _ranges_cover(ranges, 30, 8)
    assert all(pieces[start].startswith(W) for start, _ in ranges)


def test_split_pieces_cuts_a_run_without_word_starts_at_the_limit() -> None:
    pieces = [W] + list("1234567890" * 5)
    ranges = split_pieces(pieces, 16)
    _ranges_cover(ranges, 51, 16)
    assert [end - start for start, end in ranges] == [16, 16, 16, 3]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([f"{W}a", "b", ",", f"{W}.", "1", W, f"{W}xyz", "q;"]), min_size=1, max_size=200),
    st.integers(min_value=1, max_value=40),
)
def test_split_pieces_covers_every_piece_within_the_limit(pieces: list[str], limit: int) -> None:
    _ranges_cover(split_pieces(pieces, limit), len(pieces), limit)


def test_the_decoding_bound_grows_with_the_source() -> None:
    # CTranslate2's default of 256 steps would cut the translation of a long source; the bound is proportional
    # (3 x the source + 10 where a loop is called one, at least 2 x past 256 steps) and never shrinks.
    longest = DEFAULT_MAX_INPUT_LENGTH - INPUT_LENGTH_MARGIN
    assert default_decoding_bound(longest) >= 2 * longest > 256
    assert default_decoding_bound(8) == 3 * 8 + 10  # a degenerate short segment still stops early
    bounds = [default_decoding_bound(n) for n in range(1, 2 * DEFAULT_MAX_INPUT_LENGTH)]
    assert bounds == sorted(bounds) and all(b >= 2 * n for n, b in enumerate(bounds, 1))


def test_max_input_length_is_checked(toy_dir: Path) -> None:
    with pytest.raises(EngineError, match="max_input_length"):
        ArgosEngine(packages={("en", "zz"): toy_dir}, max_input_length=INPUT_LENGTH_MARGIN)


def test_a_segment_over_the_limit_is_translated_in_parts_and_joined(
    toy_dir: Path, calls: list[tuple[list[list[str]], dict[str, Any]]]
) -> None:
    # Five toy sentences of 8 to 13 pieces; any two together are longer than 13 (the limit less the margin).
    cases = [case for i, case in enumerate(toy_cases()[:6]) if i != 3]
    sources = [source for source, _ in cases]
    long = " ".join(sources)
    limit = 13 + INPUT_LENGTH_MARGIN
    engine = ArgosEngine(packages={("en", "zz"): toy_dir}, max_input_length=limit)
    (hyps,) = engine.translate_batch([long], "en", "zz", BatchOptions(num_hypotheses=2, return_attention=True))
    sent = [source for batch, _ in calls for source in batch]
    assert sent and all(len(source) <= limit - INPUT_LENGTH_MARGIN for source in sent)
    assert all(kwargs["max_input_length"] == limit for _, kwargs in calls)
    for batch, kwargs in calls:  # the decoding bound covers the longest part of the call, x3
        assert kwargs["max_decoding_length"] >= 3 * max(len(source) for source in batch)
    # Every piece of the segment went to CTranslate2 exactly once, in parts that rebuild it.
    tokens = engine.tokenize("en", "zz", [long])[0]
    assert sorted(map(tuple, sent)) == sorted(
        tuple(tokens[s:e]) for s, e in split_pieces(tokens, limit - INPUT_LENGTH_MARGIN)
    )
    # Nothing dropped: the output is each part's translation, in order (the parts translated as segments of
    # their own, in one call, as the engine translated them).
    parts = ["".join(tokens[s:e]).replace(W, " ").strip() for s, e in split_pieces(tokens, limit - INPUT_LENGTH_MARGIN)]
    alone = [h[0].text for h in engine.translate_batch(parts, "en", "zz")]
    assert hyps[0].text == " ".join(alone)
    # The parts fall at sentence ends here, so each toy sentence's own translation is in the output.
    assert parts == sources
    for source, target in cases:
        assert target in hyps[0].text, (source, target)
    assert run_checks(long, hyps[0].text, source_lang="en", target_lang="zz", placeholder_forms=()) == []
    # n-best and attention over the whole segment: one row per target piece, one column per source piece.
    assert len(hyps) == 2 and hyps[0].score >= hyps[1].score
    assert hyps[0].source_tokens == tokens and hyps[0].target_tokens is not None and hyps[0].attention is not None
    assert len(hyps[0].attention) == len(hyps[0].target_tokens)
    assert all(len(row) == len(tokens) for row in hyps[0].attention)
    # Each target piece attends within its own part's source columns only.
    bounds = split_pieces(tokens, limit - INPUT_LENGTH_MARGIN)
    row = 0
    for (start, end), alone_hyp in zip(
        bounds, engine.translate_batch(parts, "en", "zz", BatchOptions(num_hypotheses=1, return_attention=True))
    ):
        assert alone_hyp[0].target_tokens is not None
        for _ in alone_hyp[0].target_tokens:
            values = hyps[0].attention[row]
            assert all(values[c] == 0.0 for c in range(len(tokens)) if not start <= c < end)
            row += 1


def test_at_the_default_limit_a_long_source_reaches_ctranslate2_in_parts(
    toy_dir: Path, calls: list[tuple[list[list[str]], dict[str, Any]]]
) -> None:
    # Digits are one piece each: 1,500 characters are 1,501 pieces, more than CTranslate2's 1,024. Without the
    # split CTranslate2 silently keeps the first 1,024 and the rest of the segment is never translated.
    digits = "1234567890" * 150
    engine = ArgosEngine(packages={("en", "zz"): toy_dir}, beam_size=1)
    (hyps,) = engine.translate_batch([digits], "en", "zz")
    sent = [source for batch, _ in calls for source in batch]
    assert len(sent) == 2 and sum(map(len, sent)) == len(engine.tokenize("en", "zz", [digits])[0])
    assert all(len(source) <= DEFAULT_MAX_INPUT_LENGTH - INPUT_LENGTH_MARGIN for source in sent)
    assert all(kwargs["max_input_length"] == DEFAULT_MAX_INPUT_LENGTH for _, kwargs in calls)
    assert all(kwargs["max_decoding_length"] > 256 for _, kwargs in calls)
    assert isinstance(hyps[0].text, str)


GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, zz: Anwar Ibrahim}
"""


def test_translate_with_a_small_input_limit_keeps_every_part_and_passes_the_checks(
    tmp_path: Path, calls: list[tuple[list[list[str]], dict[str, Any]]]
) -> None:
    packages.install_file(TOY_PACKAGE)
    # One segment of four toy sentences (each after the first starts in lower case, so the sentence splitter
    # keeps them together): 44 pieces, over the engine's limit of 21 - 8 = 13; each sentence is 8 to 13 pieces.
    sources = [source for i, (source, _) in enumerate(toy_cases()[:5]) if i != 3]
    line = " ".join([sources[0]] + [s[0].lower() + s[1:] for s in sources[1:]])
    src = tmp_path / "long.txt"
    src.write_text(line + "\n", encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    report = tmp_path / "report.json"
    limit = 13 + INPUT_LENGTH_MARGIN
    result = CliRunner().invoke(
        cli,
        ["translate", str(src), "--to", "zz", "--no-memory", "-q", "-g", str(tmp_path / "g.yaml")]
        + ["--engine-option", f"max_input_length={limit}", "--report", str(report)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    sent = [source for batch, _ in calls for source in batch]
    assert sent and max(map(len, sent)) <= limit - INPUT_LENGTH_MARGIN
    assert all(kwargs["max_input_length"] == limit for _, kwargs in calls)
    tokens = ArgosEngine().tokenize("en", "zz", [line])[0]
    bounds = split_pieces(tokens, limit - INPUT_LENGTH_MARGIN)
    assert len(tokens) > limit and len(bounds) == 4
    out = (tmp_path / "long.zz.txt").read_text(encoding="utf-8")
    assert out.count("\n") == 1
    # Every part came back: one translated sentence per source sentence, the glossary term enforced in its part.
    assert out.count(". ") + out.rstrip().endswith(".") == len(sources), out
    assert "Anwar Ibrahim" in out
    # The integrity checks find nothing wrong with the joined translation (length, numbers, loops, debris).
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["stats"]["flagged"] == 0 and data["documents"][0]["integrity"] == [], data["documents"][0]
