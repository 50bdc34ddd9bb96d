"""Issue 15 item 8: text at any nesting depth is translated (or the document refused with its line), never
copied untranslated with exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.cli import cli
from dragoman.errors import InputError
from dragoman.formats.html import parse_html
from dragoman.formats.markdown import MAX_NESTING, parse_markdown


def _quotes(depth: int, sentence: str) -> str:
    return "".join("> " * level + f"{sentence}\n" + "> " * level + "\n" for level in range(1, depth + 1))


def _list(depth: int, sentence: str) -> str:
    return "".join("  " * level + f"- {sentence}\n" for level in range(depth))


@pytest.mark.parametrize("depth", [20, 25, 60])
def test_deep_blockquotes_are_all_segments(depth: int) -> None:
    document = parse_markdown(_quotes(depth, "The talks went on."), "en")
    assert len(document.segments) == depth


@pytest.mark.parametrize("depth", [10, 11, 30, 100])
def test_deep_lists_are_all_segments(depth: int) -> None:
    document = parse_markdown(_list(depth, "The talks went on."), "en")
    assert [segment.text for segment in document.segments] == ["The talks went on."] * depth


def test_nesting_past_the_parser_limit_is_refused_with_its_line() -> None:
    with pytest.raises(InputError) as err:
        parse_markdown(_list(MAX_NESTING, "The talks went on."), "en")
    assert err.value.line is not None and err.value.line > 100
    assert "deeper text would be left untranslated" in str(err.value)


def test_deep_markdown_end_to_end(tmp_path: Path) -> None:
    packages.install_file(TOY_PACKAGE)
    source, _ = toy_cases()[0]
    quotes = tmp_path / "quotes.md"
    quotes.write_text(_quotes(30, source), encoding="utf-8")
    items = tmp_path / "items.md"
    items.write_text(_list(40, source), encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(quotes), str(items), "--to", "zz", "-q"])
    assert result.exit_code == 0, result.output
    for path, depth in ((tmp_path / "quotes.zz.md", 30), (tmp_path / "items.zz.md", 40)):
        out = path.read_text(encoding="utf-8")
        assert source not in out  # not one level copied untranslated
        assert out.count("\n") == path.with_name(path.name.replace(".zz", "")).read_text(encoding="utf-8").count("\n")
        assert len(parse_markdown(out, "en").segments) == depth  # the structure is kept at every level
    deep = tmp_path / "deep.md"
    deep.write_text(_list(300, source), encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(deep), "--to", "zz"])
    assert result.exit_code == 1
    assert f"error: {deep}:127: Markdown nested" in result.output


def test_html_text_at_every_depth() -> None:
    depth = 5000
    nested = "".join(f"<div>Level {i} text." for i in range(depth)) + "</div>" * depth
    document = parse_html(nested, "en")
    assert [segment.text for segment in document.segments] == [f"Level {i} text." for i in range(depth)]
    mixed = "<ul>" + "".join(f"<li>Item {i}.<blockquote>Quote {i}." for i in range(300)) + "</blockquote></li>" * 300
    kinds = [segment.kind for segment in parse_html(mixed + "</ul><p>After.</p>", "en").segments]
    assert kinds == ["list_item", "blockquote"] * 300 + ["paragraph"]
