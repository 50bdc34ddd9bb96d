"""Markdown: structure, code, URLs and front matter kept; headings, paragraphs, items, cells translated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.formats import Document, InlineMark, SegmentOutput, parse

DATA = Path(__file__).parent.parent / "data" / "formats"


def test_golden_identity_and_fake_translation(fake_translate: Callable[[Document, str], str]) -> None:
    text = (DATA / "news.md").read_text(encoding="utf-8")
    document = parse(text, "markdown", "en")
    assert document.render(document.identity_outputs(), "en") == text
    expected = (DATA / "news.fake-ms.md").read_text(encoding="utf-8")
    assert fake_translate(document, "ms") == expected


def test_segments_kinds_and_marks() -> None:
    document = parse((DATA / "news.md").read_text(encoding="utf-8"), "markdown", "en")
    by_text = {s.text: s for s in document.segments}
    assert [s.kind for s in document.segments[:2]] == ["heading", "paragraph"]
    heading = document.segments[0]
    assert heading.text == "Pezeshkian & Anwar discuss Gaza"  # &amp; decoded for the engine
    assert heading.inline == [InlineMark(27, 31, "*", "*", "em")]
    lead = by_text["Iran's President Masoud Pezeshkian spoke with Anwar Ibrahim on Wednesday."]
    assert lead.inline == [
        InlineMark(17, 34, "**", "**", "strong"),
        InlineMark(46, 59, "[", '](https://www.pmo.gov.my/ "Prime Minister\'s Office")', "link"),
    ]
    code = by_text["See dragoman translate for details."]
    assert code.inline == [InlineMark(4, 22, "`", "`", "code", translate=False)]
    assert by_text["Item two: AT&T *not emphasis* here."].kind == "list_item"
    assert by_text["The call lasted an hour."].kind == "blockquote"
    assert by_text["Malaysia"].kind == "table_cell"
    image = by_text["Image: map of Gaza and https://example.com/a.b."]
    assert image.inline == [
        InlineMark(7, 18, "![", '](gaza.png "Gaza Strip")', "image"),
        InlineMark(23, 46, "<", ">", "autolink", translate=False),
    ]
    texts = " ".join(s.text for s in document.segments)
    for kept in ("not translated", "indented code", "HTML block", "title:", "pmo.gov.my/\n"):
        assert kept not in texts


def test_front_matter_code_and_html_blocks_are_verbatim(fake_translate: Callable[[Document, str], str]) -> None:
    text = (DATA / "news.md").read_text(encoding="utf-8")
    out = fake_translate(parse(text, "markdown", "en"), "ms")
    for block in (
        "---\ntitle: Pezeshkian, Anwar discuss Gaza\ntags: [iran, malaysia]\n---\n",
        '```python\nprint("not translated. Really.")\n```\n',
        "    indented code. Kept.\n",
        '<div class="note">An HTML block. Kept.</div>\n',
        "[pmo]: https://www.pmo.gov.my/\n",
        "|--------|---------|\n",
    ):
        assert block in out


def test_marks_follow_their_words_and_links_keep_urls() -> None:
    document = parse('Iran\'s **President** met [Anwar](https://pmo.gov.my/ "PMO") today.\n', "markdown", "en")
    [segment] = document.segments
    assert segment.text == "Iran's President met Anwar today."
    out = SegmentOutput("Hari ini Presiden Iran bertemu Anwar.", [(9, 17), (31, 36)])
    assert document.render([out], "ms") == ('Hari ini **Presiden** Iran bertemu [Anwar](https://pmo.gov.my/ "PMO").\n')


def test_unknown_mark_positions_are_guessed_and_never_lost() -> None:
    document = parse("A [long link text](http://x.org/a_(b)) and `code` end.\n", "markdown", "en")
    out = SegmentOutput("Satu teks pautan panjang dan kod hujung.")
    # Same relative place, widened to whole words; the code span replaces the words it landed on.
    assert document.render([out], "ms") == ("[Satu teks pautan panjang](http://x.org/a_(b)) dan `code` hujung.\n")


def test_translated_text_is_escaped_only_where_it_would_become_markup() -> None:
    document = parse("Plain sentence.\n", "markdown", "en")
    out = document.render([SegmentOutput("a*b [c] <d> snake_case _x_ AT&T &amp;")], "ms")
    assert out == "a\\*b \\[c\\] \\<d> snake_case \\_x\\_ AT&T \\&amp;\n"


def test_sentence_marks_crossing_a_boundary_are_split() -> None:
    document = parse("He said **it is over. We go home** now.\n", "markdown", "en")
    first, second = document.segments
    assert first.inline == [InlineMark(8, 19, "**", "", "strong")]
    assert second.inline == [InlineMark(0, 10, "", "**", "strong")]
    outputs = [SegmentOutput("DIA KATA SUDAH TAMAT.", None), SegmentOutput("KAMI PULANG SEKARANG.", None)]
    assert document.render(outputs, "ms") == "DIA KATA **SUDAH TAMAT. KAMI PULANG SEKARANG**.\n"


@pytest.mark.parametrize(
    "text",
    [
        "# Title\n\nSome *text*.\n",
        "Setext title\n============\n\nBody.\n",
        "* a\n* b\n\n1) c\n",
        "> quote\nlazy line\n",
        "Hard  \nbreak\\\nhere\n",
        "![img](a.png)\n",
        "<b>html</b> inline\n",
        "Text&nbsp;&copy; &#x41; \\* \\_\n",
        "| a | b |\n|---|:-:|\n| `x|y` | **z** |\n",
        "Tab\tseparated\n\n\tcode\n",
        "line\r\nother line\r\n\r\nPara.\r\n",
        "[ref]\n\n[ref]: http://x\n",
        "***\n",
        "~~gone~~ here\n",
        "<!-- c -->\n",
        "text <span\nclass=x>y</span>\n",
    ],
)
def test_identity_on_markdown_corner_cases(text: str) -> None:
    document = parse(text, "markdown", "en")
    assert document.render(document.identity_outputs(), "en") == text


_MD = st.lists(
    st.sampled_from(
        [
            "word",
            "Word",
            " ",
            "\n",
            "\n\n",
            "*",
            "**",
            "_",
            "`",
            "[",
            "]",
            "(http://a.b)",
            "#",
            "> ",
            "- ",
            "1. ",
            "|",
            "\\",
            "&amp;",
            "&",
            "<b>",
            "</b>",
            ".",
            "Dr.",
            "\t",
            "    ",
            "---\n",
            "!",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_MD)
def test_identity_on_any_markdown(text: str) -> None:
    document = parse(text, "markdown", "en")
    assert document.render(document.identity_outputs(), "en") == text
    # Uppercased segments keep every piece of markup: the structure survives translation.
    rendered = document.render([SegmentOutput(s.text.upper()) for s in document.segments], "ms")
    # Every link survives, and no text becomes a link (counted by a CommonMark parser: "](" without its "[" is
    # text, and hypothesis found "](http://a.b)" rendered as "\\](HTTP://A.B)": the escape is on another character).
    assert _links(rendered) == _links(text)


def _links(markdown: str) -> int:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    return sum(1 for block in tokens for token in (block.children or []) if token.type == "link_open")


def test_items_of_code_or_urls_only_are_not_segments() -> None:
    document = parse("- `--format`\n- <https://x.org>\n- Use `x` here.\n", "markdown", "en")
    assert [s.text for s in document.segments] == ["Use x here."]
    rendered = document.render([SegmentOutput("Guna X di sini.", [(5, 6)])], "ms")
    assert rendered == "- `--format`\n- <https://x.org>\n- Guna `x` di sini.\n"
