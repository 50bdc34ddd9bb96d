"""Issue 15 item 9: a segment longer than the limit is split at clause or token boundaries before the engine
(never cut by CTranslate2's input and decoding limits) and the translations are joined back in place."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE, toy_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman import packages
from dragoman.cli import cli
from dragoman.engines.argos import ArgosEngine
from dragoman.segment import MAX_SEGMENT_CHARS, limit_length, split_sentences


def _rebuilds(text: str, spans: list[tuple[int, int]]) -> None:
    position = 0
    for start, end in spans:
        assert start >= position and end > start
        assert text[position:start].strip() == ""  # only whitespace (or nothing) between pieces
        position = end
    assert text[position:].strip() == ""


def test_run_on_sentence_is_cut_at_clauses() -> None:
    random.seed(5)
    words = ["the", "new", "government", "discussed", "difficult", "talks", "with", "the", "president"]
    clauses = [" ".join(random.choice(words) for _ in range(8)) for _ in range(120)]
    text = ", ".join(clauses) + "."
    spans = split_sentences(text, "en")
    _rebuilds(text, spans)
    assert len(spans) > 1 and all(end - start <= MAX_SEGMENT_CHARS for start, end in spans)
    assert all(text[end - 1] in ",." for _, end in spans)  # every piece ends at a clause mark


def test_unpunctuated_text_is_cut_between_words() -> None:
    text = " ".join(["word"] * 1000)
    spans = split_sentences(text, "en")
    _rebuilds(text, spans)
    assert all(text[start:end].split() == ["word"] * len(text[start:end].split()) for start, end in spans)
    assert sum(len(text[s:e].split()) for s, e in spans) == 1000


def test_a_run_without_whitespace_is_cut_but_kept_whole() -> None:
    text = "a" * 1234 + "\u0301" + "b" * 600
    spans = split_sentences(text, "en")
    assert "".join(text[s:e] for s, e in spans) == text
    assert all(e - s <= MAX_SEGMENT_CHARS for s, e in spans)
    assert all(text[s] != "\u0301" for s, _ in spans)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["ab", " ", "c,", " —", "؛", "\n", "x" * 7, "("]), max_size=120).map("".join),
    st.integers(min_value=4, max_value=40),
)
def test_limit_length_rebuilds_and_bounds(text: str, limit: int) -> None:
    stripped = text.strip()
    spans = [(text.index(stripped), text.index(stripped) + len(stripped))] if stripped else []
    pieces = limit_length(text, spans, limit)
    _rebuilds(text, pieces)
    assert all(e - s <= limit for s, e in pieces)
    assert "".join(text[s:e] for s, e in pieces).replace(" ", "").replace("\n", "") == stripped.replace(
        " ", ""
    ).replace("\n", "")


@pytest.fixture
def toy() -> list[tuple[str, str]]:
    packages.install_file(TOY_PACKAGE)
    return toy_cases()


def test_long_sentence_reaches_the_engine_in_pieces_and_comes_back_whole(
    tmp_path: Path, toy: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    # Every output the engine gave for a piece: an integrity repair may translate a piece again.
    returned: dict[str, list[str]] = {}
    original = ArgosEngine.translate_batch

    def spy(self: ArgosEngine, segments: Sequence[str], *args: Any, **kwargs: Any) -> Any:
        seen.extend(segments)
        results = original(self, segments, *args, **kwargs)
        for segment, hyps in zip(segments, results):
            returned.setdefault(segment, []).append(hyps[0].text)
        return results

    monkeypatch.setattr(ArgosEngine, "translate_batch", spy)
    # Toy sentences without their full stops, joined by commas: one sentence of ~1,700 characters.
    clauses = [source.rstrip(".") for source, _ in toy[:4]] * 8
    src = tmp_path / "long.txt"
    src.write_text(", ".join(clauses) + ".\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(src), "--to", "zz", "--no-memory", "-q"])
    assert result.exit_code == 0, result.output
    assert len(src.read_text(encoding="utf-8")) > 3 * MAX_SEGMENT_CHARS
    assert seen and max(len(s) for s in seen) <= MAX_SEGMENT_CHARS
    assert len(seen) >= 3
    out = (tmp_path / "long.zz.txt").read_text(encoding="utf-8")
    # Each piece's translation is in the output, in the order of the pieces, on the one line.
    pieces = [src.read_text(encoding="utf-8")[s:e] for s, e in split_sentences(src.read_text(encoding="utf-8"), "en")]
    assert set(pieces) == set(seen)
    assert out.count("\n") == 1
    position = 0
    for piece in pieces:
        found, text = min(
            ((out.find(t, position), t) for t in returned[piece] if out.find(t, position) >= 0), default=(-1, "")
        )
        assert found >= 0, (returned[piece], out)
        position = found + len(text)
