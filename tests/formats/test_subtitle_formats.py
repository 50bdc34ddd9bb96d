"""SRT and WebVTT: outputs read back by the `srt` and `webvtt-py` parsers (independent readers)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import srt
import webvtt

from dragoman.errors import InputError
from dragoman.formats import parse
from dragoman.formats.subtitles import reflow
from formats.conftest import tagged

SRT = """1
00:00:01,000 --> 00:00:03,000
The new <i>government</i> met
the reporters in Kuala Lumpur

2
00:00:03,500 --> 00:00:06,000
on Monday. It said the talks
were difficult.

3
00:00:07,000 --> 00:00:09,000 X1:100 X2:200
♪ Music ♪
"""

VTT = """WEBVTT
Kind: captions

NOTE written by hand

STYLE
::cue(.yellow) { color: yellow }

intro
00:01.000 --> 00:04.000 align:start line:0
<v Roger>Hello &amp; welcome to <b>the show</b>.

00:04.500 --> 00:06.000 position:10%
<c.yellow>Thank you.</c> We start now and
we go on for a while.
"""


# 'T3 SPOKE. PRESIDENT': a label a subtitle line can hold.
LABEL = "T{} "


def test_srt_sentence_over_cues_is_one_segment_and_split_back() -> None:
    document = parse(SRT, "srt", "en", "clip.srt")
    assert [s.text for s in document.segments] == [
        "The new government met the reporters in Kuala Lumpur on Monday.",
        "It said the talks were difficult.",
        "♪ Music ♪",
    ]
    assert document.render(document.identity_outputs(), "ms") == SRT
    out = document.render(tagged(document.segments, LABEL), "ms")
    before, after = list(srt.parse(SRT)), list(srt.parse(out))
    assert len(after) == len(before)
    for a, b in zip(before, after):
        assert (a.index, a.start, a.end, a.proprietary) == (b.index, b.start, b.end, b.proprietary)
    # Timing lines (and the cue settings after them) are the source's bytes.
    assert re.findall(r".*-->.*", out) == re.findall(r".*-->.*", SRT)
    # Every sentence once; the first one spread over the two cues that held it, the italic on its word.
    flat = " ".join(cue.content.replace("\n", " ") for cue in after)
    for index in range(3):
        assert flat.count(f"T{index} ") == 1
    assert after[0].content.startswith("T0 MONDAY.") and "<i>GOVERNMENT</i>" in " ".join(c.content for c in after)
    assert after[1].content.replace("\n", " ").endswith("T1 DIFFICULT. WERE TALKS THE SAID IT")
    for cue in after:
        assert all(len(line) <= 42 for line in cue.content.replace("<i>", "").replace("</i>", "").split("\n"))
        assert cue.content.count("\n") <= 1


def test_vtt_keeps_header_notes_styles_ids_settings_and_spans() -> None:
    document = parse(VTT, "vtt", "en", "clip.vtt")
    assert [s.text for s in document.segments] == [
        "Hello & welcome to the show.",
        "Thank you.",
        "We start now and we go on for a while.",
    ]
    assert document.render(document.identity_outputs(), "ms") == VTT
    out = document.render(tagged(document.segments, LABEL), "ms")
    assert out.split("intro\n")[0] == VTT.split("intro\n")[0]
    captions = list(webvtt.from_string(out))
    assert len(captions) == 2
    assert captions[0].identifier == "intro" and not captions[1].identifier
    assert [(c.start, c.end) for c in captions] == [("00:00:01.000", "00:00:04.000"), ("00:00:04.500", "00:00:06.000")]
    assert "00:01.000 --> 00:04.000 align:start line:0\n<v Roger>T0 <b>SHOW. THE</b> TO WELCOME &amp; HELLO\n" in out
    assert "\nT1 <c.yellow>YOU. THANK</c> T2 WHILE. A FOR\nON GO WE AND NOW START WE\n" in out


def test_cue_width_and_lines_are_configurable() -> None:
    document = parse(SRT, "srt", "en", "clip.srt", {"line_length": 20, "lines": 3})
    out = list(srt.parse(document.render(tagged(document.segments, LABEL), "ms")))
    assert max(len(line) for cue in out for line in re.sub("</?i>", "", cue.content).split("\n")) <= 24
    assert reflow("a" * 10) == []
    breaks = reflow("one two three four five six seven eight nine ten eleven twelve")
    assert len(breaks) == 1


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        (
            "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:xx --> 00:00:03,000\nbad\n",
            "srt",
            "clip.srt:5: cue 2 has no valid timing line — each cue is a number",
        ),
        ("Hello, not a subtitle file.\n", "srt", "clip.srt:1: cue 1 has no valid timing line"),
        (
            "00:01.000 --> 00:02.000\nno header\n",
            "vtt",
            "clip.vtt:1: is not a WebVTT file (no 'WEBVTT' line at the start)",
        ),
    ],
)
def test_bad_subtitles_are_one_line_with_the_place(text: str, fmt: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse(text, fmt, "en", f"clip.{fmt}")
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_ten_thousand_cues_with_one_bad_timing_is_refused_quickly(tmp_path: Path) -> None:
    cues = [f"{i}\n00:00:{i % 60:02d},000 --> 00:00:{i % 60:02d},500\nLine {i}.\n" for i in range(1, 10_001)]
    cues[7000] = "7001\n00:00:01 --> soon\nLine.\n"
    with pytest.raises(InputError, match=r"^clip.srt:28001: cue 7001 has no valid timing line"):
        parse("\n".join(cues), "srt", "en", "clip.srt")


def test_right_to_left_lines_start_with_a_right_to_left_mark() -> None:
    document = parse(SRT, "srt", "en", "clip.srt")
    cues = list(srt.parse(document.render(tagged(document.segments, LABEL), "fa")))
    lines = [line for cue in cues for line in cue.content.split("\n")]
    assert lines and all(line.startswith("\u200f") for line in lines)
    ltr = list(srt.parse(document.render(tagged(document.segments, LABEL), "ms")))
    assert not any("\u200f" in cue.content for cue in ltr)
