"""Issue 15 item 7: a large plain-text article is translated piece by piece (memory flat in its size) with
exactly the output and report of a whole parse."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import KL_GLOSSARY, TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.cli import cli
from dragoman.pipeline import chunked

GLOSSARY = (
    KL_GLOSSARY
    + """\
  - id: talks
    terms:
      en: talks
      zz: {term: perbincangan, forbidden: [rundingan]}
"""
)


def _article(path: Path, paragraphs: int) -> None:
    rng = random.Random(7)
    sources = [source for source, _ in toy_cases()[:5]]
    blocks = []
    for index in range(paragraphs):
        lines = [" ".join(rng.choice(sources) for _ in range(2)) for _ in range(rng.randint(1, 3))]
        blocks.append("\n".join(lines) + ("\n\n" if index % 3 else "\n   \n\n"))
    path.write_text("Title line\n" + "".join(blocks), encoding="utf-8")


def _translate(src: Path, out_dir: Path, report: Path) -> Any:
    return CliRunner().invoke(
        cli,
        [
            "translate",
            str(src),
            "--to",
            "zz",
            "-o",
            str(out_dir),
            "-g",
            str(src.parent / "desk.yaml"),
            "--report",
            str(report),
            "-q",
            "--no-memory",
        ],
    )


def test_pieces_cover_the_text_and_cut_after_blank_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked, "PIECE_CHARS", 300)
    src = tmp_path / "a.txt"
    _article(src, 60)
    text = src.read_text(encoding="utf-8")
    pieces = list(chunked.ChunkedText("en", src).pieces())
    assert len(pieces) > 5
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(re.search(r"\n[ \t]*\n$", piece) for _, piece in pieces[:-1])  # each ends after a blank line


def test_chunked_run_equals_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packages.install_file(TOY_PACKAGE)
    src = tmp_path / "article.txt"
    _article(src, 40)
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    whole = _translate(src, tmp_path / "whole", tmp_path / "whole.json")
    assert whole.exit_code == 0, whole.output

    monkeypatch.setattr(chunked, "LARGE_TEXT_CHARS", 1000)
    monkeypatch.setattr(chunked, "PIECE_CHARS", 400)
    calls: list[int] = []
    original = chunked.translate_pieces

    def spy(document: chunked.ChunkedText, *args: Any) -> Any:
        calls.append(len(list(document.pieces())))
        return original(document, *args)

    monkeypatch.setattr(chunked, "translate_pieces", spy)
    pieces = _translate(src, tmp_path / "pieces", tmp_path / "pieces.json")
    assert pieces.exit_code == 0, pieces.output
    assert calls and calls[0] > 3  # really translated in pieces
    assert (tmp_path / "pieces" / "article.zz.txt").read_bytes() == (tmp_path / "whole" / "article.zz.txt").read_bytes()
    whole_report = json.loads((tmp_path / "whole.json").read_text(encoding="utf-8"))
    pieces_report = json.loads((tmp_path / "pieces.json").read_text(encoding="utf-8"))
    for report in (whole_report, pieces_report):
        report.pop("stats")
        for output in report["outputs"]:
            output.pop("output")
        for document in report.get("documents", []):
            document.pop("output", None)
        for output in report["provenance"]["outputs"]:
            output.pop("output")  # the folder differs; the content's SHA-256 must not
    assert pieces_report["documents"] and pieces_report == whole_report  # same terms, same lines and columns


@pytest.mark.parametrize("seed", range(6))
def test_pieces_are_cut_where_a_whole_text_is_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Read from the file a piece at a time, the cuts are those of the whole text (_BLANK_LINE_RE searched from
    PIECE_CHARS on), whatever the line endings, blank lines of spaces, a BOM or a piece's end inside a "\\r\\n"."""
    monkeypatch.setattr(chunked, "PIECE_CHARS", 50)
    rng = random.Random(seed)
    words = ["Kuala", "Lumpur", "é", "東京", "talks", "\t", " ", "\r"]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(200)]
    text = "".join(line + rng.choice(["\n", "\r\n", "\n", " \n", "\t\r\n"]) for line in lines)
    src = tmp_path / "a.txt"
    src.write_bytes(b"\xef\xbb\xbf" * (seed % 2) + text.encode("utf-8"))
    expected, position = [], 0
    while position < len(text):
        match = re.compile(r"\r?\n[ \t]*\r?\n").search(text, position + 50) if len(text) - position > 50 else None
        end = match.end() if match is not None else len(text)
        expected.append((position, text[position:end]))
        position = end
    assert len(expected) > 5 and list(chunked.ChunkedText("en", src).pieces()) == expected
