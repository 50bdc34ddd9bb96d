"""Picking a format by extension or --format, and the render contract shared by all formats."""

from __future__ import annotations

import pytest

from dragoman.errors import DragomanError, InputError
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
    [
        ("a.txt", None, "txt"),
        ("a.text", None, "txt"),
        ("news.MD", None, "markdown"),
        ("a.markdown", None, "markdown"),
        ("index.html", None, "html"),
        ("index.HTM", None, "html"),
        ("README", None, "txt"),
        (None, None, "txt"),
        ("notes.rst", "txt", "txt"),
        ("a.txt", "md", "markdown"),
        ("a.md", "html", "html"),
        (None, "Markdown", "markdown"),
        ("a.html", "text", "txt"),
        ("a.html", ".htm", "html"),
    ],
)
def test_format_for_path(path: str | None, explicit: str | None, expected: str) -> None:
    assert format_for_path(path, explicit) == expected


@pytest.mark.parametrize("name", ["notes.rst", "clip.SRTX", "a.tar.gz"])
def test_unknown_extension_is_refused_not_read_as_text(name: str) -> None:
    with pytest.raises(InputError) as err:
        format_for_path(name)
    suffix = name.rsplit(".", 1)[1].lower()
    assert str(err.value).startswith(f"{name}: no reader for this extension (.{suffix}) — choose one with --format (")


def test_text_format_parse_takes_bytes_with_the_input_checks() -> None:
    assert [s.text for s in parse("Hi there.".encode(), "txt", "en").segments] == ["Hi there."]
    with pytest.raises(InputError, match="^a.txt:1:3: looks binary"):
        parse(b"ab\x00", "txt", "en", "a.txt")


def test_unknown_format_names_the_choices() -> None:
    with pytest.raises(FormatError) as err:
        format_for_path("a.txt", "docz")
    assert str(err.value).startswith("unknown format 'docz' — use one of: ")
    assert isinstance(err.value, DragomanError)
    assert {"html", "markdown", "txt"} <= set(FORMATS)


def test_render_needs_one_output_per_segment() -> None:
    document = parse("One. Two.", "txt", "en")
    with pytest.raises(DragomanError, match="render got 1 translations for 2 segments"):
        document.render([SegmentOutput("Satu.")], "ms")


def test_parse_with_alias() -> None:
    assert [s.text for s in parse("# Hi\n", "md", "en").segments] == ["Hi"]


def _segment() -> Segment:
    # "Iran's President met Anwar" with <b>President</b> and <a>Anwar</a>, <i>met</i> inside nothing
    return Segment(
        "Iran's President met Anwar",
        [
            InlineMark(0, 26, "<span>", "</span>", "span"),
            InlineMark(7, 16, "<b>", "</b>", "b"),
            InlineMark(17, 20, "<i>", "</i>", "i"),
        ],
    )


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
