"""Picking a format by extension or --format, and the render contract shared by all formats."""

from __future__ import annotations

import pytest

from dragoman.errors import DragomanError
from dragoman.formats import (
    FORMATS,
    FormatError,
    InlineMark,
    Segment,
    SegmentOutput,
    format_for_path,
    parse,
)
from dragoman.formats.base import resolve_spans


@pytest.mark.parametrize(
    ("path", "explicit", "expected"),
    [("a.txt", None, "txt"), ("a.text", None, "txt"), ("news.MD", None, "markdown"),
     ("a.markdown", None, "markdown"), ("index.html", None, "html"), ("index.HTM", None, "html"),
     ("notes.rst", None, "txt"), ("README", None, "txt"), (None, None, "txt"),
     ("a.txt", "md", "markdown"), ("a.md", "html", "html"), (None, "Markdown", "markdown"),
     ("a.html", "text", "txt"), ("a.html", ".htm", "html")],
)
def test_format_for_path(path: str | None, explicit: str | None, expected: str) -> None:
    assert format_for_path(path, explicit) == expected


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(FormatError) as err:
        format_for_path("a.txt", "docx")
    assert str(err.value) == "unknown format 'docx' — use one of: html, markdown, txt"
    assert isinstance(err.value, DragomanError)
    assert sorted(FORMATS) == ["html", "markdown", "txt"]


def test_render_needs_one_output_per_segment() -> None:
    document = parse("One. Two.", "txt", "en")
    with pytest.raises(DragomanError, match="render got 1 translations for 2 segments"):
        document.render([SegmentOutput("Satu.")], "ms")


def test_parse_with_alias() -> None:
    assert [s.text for s in parse("# Hi\n", "md", "en").segments] == ["Hi"]


def _segment() -> Segment:
    # "Iran's President met Anwar" with <b>President</b> and <a>Anwar</a>, <i>met</i> inside nothing
    return Segment("Iran's President met Anwar", [
        InlineMark(0, 26, "<span>", "</span>", "span"),
        InlineMark(7, 16, "<b>", "</b>", "b"),
        InlineMark(17, 20, "<i>", "</i>", "i"),
    ])


def test_resolve_spans_clamps_nested_marks_into_their_parent() -> None:
    output = SegmentOutput("abcdefghij", [(2, 8), (0, 5), (6, 99)])
    assert resolve_spans(_segment(), output) == [(2, 8), (2, 5), (6, 8)]


def test_resolve_spans_stops_crossing_siblings() -> None:
    output = SegmentOutput("abcdefghij", [(0, 10), (1, 6), (4, 9)])
    assert resolve_spans(_segment(), output) == [(0, 10), (1, 6), (6, 9)]


def test_resolve_spans_guesses_missing_and_short_lists() -> None:
    output = SegmentOutput("Presiden Iran bertemu Anwar", [(0, 27)])
    # Missing entries: same relative place (7..16 and 17..20 of 26 -> 7..17 and 18..21 of 27),
    # widened to whole words; a guess that falls inside a sibling's words nests, never crosses.
    assert resolve_spans(_segment(), output) == [(0, 27), (0, 21), (14, 21)]
