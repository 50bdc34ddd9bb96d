"""HTML: tags, attributes and entities kept byte for byte; block text, alt and title translated."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.formats import Document, InlineMark, SegmentOutput, parse

DATA = Path(__file__).parent.parent / "data" / "formats"


def test_golden_identity_and_fake_translation(fake_translate: Callable[[Document, str], str]) -> None:
    text = (DATA / "news.html").read_text(encoding="utf-8")
    document = parse(text, "html", "en")
    assert document.render(document.identity_outputs(), "en") == text
    assert fake_translate(document, "fa") == (DATA / "news.fake-fa.html").read_text(encoding="utf-8")


def test_segments_of_the_news_page() -> None:
    document = parse((DATA / "news.html").read_text(encoding="utf-8"), "html", "en")
    assert [(s.kind, s.text) for s in document.segments] == [
        ("title", "Pezeshkian & Anwar discuss Gaza"),
        ("heading", "Pezeshkian, Anwar discuss Gaza in phone call"),
        ("attribute", "Prime Minister's Office"),
        ("paragraph", "Iran’s President Masoud Pezeshkian spoke with Anwar Ibrahim on Wednesday."),
        ("paragraph", "He called for collective efforts by Islamic countries — “now”."),
        ("attribute", "Displaced Palestinians in Gaza"),
        ("caption", "Tents in Rafah."),
        ("caption", "UNRWA photo."),
        ("paragraph", "Run dragoman translate a.html to translate."),
        ("paragraph", "A second line <here>."),
        ("list_item", "First point."),
        ("list_item", "Second point."),
        ("list_item", "It has two sentences."),
        ("table_cell", "Leader"),
        ("table_cell", "Anwar Ibrahim"),
    ]
    lead = document.segments[3]
    assert lead.inline == [
        InlineMark(17, 34, "<b>", "</b>", "b"),
        InlineMark(
            46, 59, '<a href="https://www.pmo.gov.my/?a=1&amp;b=2" title="Prime Minister&#39;s Office">', "</a>", "a"
        ),
    ]
    assert document.segments[7].inline == [
        InlineMark(0, 5, '<span translate="no">', "</span>", "span", translate=False)
    ]
    assert document.segments[8].inline == [InlineMark(4, 29, "<code>", "</code>", "code", translate=False)]


def test_untouched_parts_survive_translation(fake_translate: Callable[[Document, str], str]) -> None:
    text = (DATA / "news.html").read_text(encoding="utf-8")
    out = fake_translate(parse(text, "html", "en"), "fa")
    for kept in (
        '<script>var s = "Do not translate. Ever.";</script>',
        "<style>p { color: #333; } /* Not text. */</style>",
        "<pre>Preformatted. Untouched.</pre>",
        '<div class="notranslate">Keep this. Exactly.</div>',
        "<code>dragoman translate a.html</code>",
        '<span translate="no">UNRWA</span>',
        'href="https://www.pmo.gov.my/?a=1&amp;b=2"',
        '<img src="gaza.jpg" alt="GAZA IN PALESTINIANS DISPLACED">',
        'title="OFFICE MINISTER\'S PRIME"',
        "<!-- a comment. -->",
        "&lt;HERE&gt;",
    ):
        assert kept in out


def test_inline_tags_stay_on_their_words() -> None:
    document = parse('<p>Iran\'s <b>President</b> met <a href="/u?x=1&amp;y=2">Anwar</a> today.</p>', "html", "en")
    [segment] = document.segments
    assert segment.text == "Iran's President met Anwar today."
    out = SegmentOutput("Hari ini Presiden Iran bertemu Anwar & rakan.", [(9, 17), (31, 36)])
    assert document.render([out], "ms") == (
        '<p>Hari ini <b>Presiden</b> Iran bertemu <a href="/u?x=1&amp;y=2">Anwar</a> &amp; rakan.</p>'
    )


@pytest.mark.parametrize(
    ("source", "target", "expected_tag"),
    [
        ('<html lang="en">', "fa", '<html dir="rtl" lang="fa">'),
        ('<html lang="en">', "ms", '<html lang="ms">'),
        ('<html lang="en">', "en", '<html lang="en">'),
        ("<html>", "fa", '<html dir="rtl" lang="fa">'),
        ("<HTML LANG='en' class=x>", "ar", '<HTML dir="rtl" lang="ar" class=x>'),
        ('<html lang="en" dir="rtl">', "ms", '<html lang="ms" dir="ltr">'),
    ],
)
def test_html_lang_and_direction(source: str, target: str, expected_tag: str) -> None:
    text = f"{source}<body><p>Hello there.</p></body></html>"
    document = parse(text, "html", "en")
    rendered = document.render(document.identity_outputs(), target)
    assert rendered == f"{expected_tag}<body><p>Hello there.</p></body></html>"


def test_entities_kept_when_unchanged_and_escaped_minimally_when_translated() -> None:
    text = "<p>AT&amp;T&#39;s &ldquo;deal&rdquo;&nbsp;grew.</p><p>Fish &amp; chips.</p>"
    document = parse(text, "html", "en")
    assert [s.text for s in document.segments] == ["AT&T's “deal”\xa0grew.", "Fish & chips."]
    rendered = document.render([SegmentOutput("AT&T's “deal”\xa0grew."), SegmentOutput("Ikan & <kentang>.")], "ms")
    assert rendered == "<p>AT&amp;T&#39;s &ldquo;deal&rdquo;&nbsp;grew.</p><p>Ikan &amp; &lt;kentang&gt;.</p>"


def test_attribute_values_are_segments_with_their_quoting() -> None:
    text = "<img alt='Anwar&#39;s visit' src=a.png><img alt=Tehran><abbr title=\"Prime Minister\">PM</abbr>"
    document = parse(text, "html", "en")
    assert [(s.kind, s.text) for s in document.segments] == [
        ("attribute", "Anwar's visit"),
        ("attribute", "Tehran"),
        ("attribute", "Prime Minister"),
        ("paragraph", "PM"),
    ]
    outputs = [
        SegmentOutput("Lawatan 'Anwar'"),
        SegmentOutput("Kota Tehran"),
        SegmentOutput('Perdana "Menteri"'),
        SegmentOutput("PM"),
    ]
    assert document.render(outputs, "ms") == (
        "<img alt='Lawatan &#39;Anwar&#39;' src=a.png><img alt=\"Kota Tehran\">"
        '<abbr title="Perdana &quot;Menteri&quot;">PM</abbr>'
    )


def test_br_ends_a_sentence_and_whitespace_is_one_space() -> None:
    document = parse("<p>First line\n    continues<br/>Second line</p>", "html", "en")
    assert [s.text for s in document.segments] == ["First line continues", "Second line"]
    assert document.render([SegmentOutput("SATU"), SegmentOutput("DUA")], "ms") == "<p>SATU<br/>DUA</p>"


def test_tag_spanning_two_sentences_is_closed_in_the_second() -> None:
    document = parse("<p>He said <em>it is over. We go home</em> now.</p>", "html", "en")
    assert [s.inline for s in document.segments] == [
        [InlineMark(8, 19, "<em>", "", "em")],
        [InlineMark(0, 10, "", "</em>", "em")],
    ]
    outputs = [SegmentOutput("DIA KATA SUDAH TAMAT."), SegmentOutput("KAMI PULANG SEKARANG.")]
    assert document.render(outputs, "ms") == "<p>DIA KATA <em>SUDAH TAMAT. KAMI PULANG SEKARANG</em>.</p>"


def test_translate_no_block_and_nested_skips() -> None:
    text = '<div translate="no"><p>Keep. <div>Nested.</div> Still kept.</p></div><pre><pre>x</pre> y.</pre><p>Go.</p>'
    document = parse(text, "html", "en")
    assert [s.text for s in document.segments] == ["Go."]


@pytest.mark.parametrize(
    "text",
    [
        "<p>unclosed <b>bold",
        "</p>stray end</b> tags",
        "<p>a<!-- c -->b</p>",
        "<?xml version='1.0'?><x>y</x>",
        "<p title>bare attribute</p>",
        "<p>&unknown; &amp &#xZZ; & done</p>",
        "<![CDATA[x]]><p>y</p>",
        "<script>if (a < b) { x = '</p>'; }</script><p>z.</p>",
        "text\r\nwith\rCR <br>",
        "<p>a</p\n>b",
        '<img alt="">',
        "<p>日本語 and فارسی.</p>",
    ],
)
def test_identity_on_html_corner_cases(text: str) -> None:
    document = parse(text, "html", "en")
    assert document.render(document.identity_outputs(), "en") == text


_HTML = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<b>",
            "</b>",
            "<a href='x'>",
            "</a>",
            "<br>",
            "<code>",
            "</code>",
            "<img alt='a b'>",
            "<div translate=no>",
            "</div>",
            "<script>",
            "</script>",
            "word",
            "Word",
            " ",
            "\n",
            ".",
            "&amp;",
            "&nbsp;",
            "&",
            "<",
            ">",
            "<!--",
            "-->",
            '<span title="t">',
            "</span>",
            "Dr.",
            "?",
            "“",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(_HTML)
def test_identity_on_any_html(text: str) -> None:
    document = parse(text, "html", "en")
    assert document.render(document.identity_outputs(), "en") == text
    rendered = document.render([SegmentOutput(s.text.upper()) for s in document.segments], "ms")
    assert rendered.count("href='x'") == text.count("href='x'")


def test_block_of_code_only_is_not_a_segment() -> None:
    document = parse("<p><code>x = 1</code></p><p>Run <code>y</code> now.</p>", "html", "en")
    assert [s.text for s in document.segments] == ["Run y now."]
    rendered = document.render([SegmentOutput("Jalankan Y sekarang.", [(9, 10)])], "ms")
    assert rendered == "<p><code>x = 1</code></p><p>Jalankan <code>y</code> sekarang.</p>"
