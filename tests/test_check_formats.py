"""`dragoman check` reads both files through the format readers and pairs them by segment, line or document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.check import DOCUMENT, LINE, SEGMENT, align, check_translation
from dragoman.cli import cli
from dragoman.formats import parse
from dragoman.glossary.yamlio import load_glossary_text

GLOSSARY = """\
version: 1
languages: [en, fa]
entries:
  - id: malaysia
    terms: {en: Malaysia, fa: مالزی}
  - id: prime-minister
    terms: {en: Prime Minister, fa: نخست‌وزیر}
  - id: president
    terms: {en: President, fa: رئیس‌جمهور}
"""

HEAD = '<html><head><script>var Malaysia = "Prime Minister";</script><style>.Malaysia{}</style></head>\n'
HTML_EN = HEAD + "<body><h1>The Prime Minister</h1>\n<p>Malaysia agreed. The President spoke.</p>\n</body></html>\n"
HTML_FA = HEAD + "<body><h1>نخست‌وزیر</h1>\n<p>مالزی موافقت کرد. رئیس‌جمهور سخن گفت.</p>\n</body></html>\n"


@pytest.fixture()
def glossary():
    return load_glossary_text(GLOSSARY, "g.yaml")


def test_words_in_a_script_or_style_are_not_terms(glossary) -> None:
    report = check_translation(HTML_EN, HTML_FA, glossary, "en", "fa", source_path="a.html", target_path="a.fa.html")
    assert report.format_name == "html"
    assert report.alignment == SEGMENT and report.units == 3
    assert report.terms_found == 3 and report.findings == []
    # Read as plain text, the script's words would be counted as terms the translation lacks.
    raw = check_translation(HTML_EN, HTML_FA, glossary, "en", "fa", format_name="txt")
    assert raw.terms_found == 6 and "missing" in {f.code for f in raw.errors}


def test_a_missing_rendering_is_placed_on_its_segment_line(glossary) -> None:
    broken = HTML_FA.replace("رئیس‌جمهور", "رئیس")
    report = check_translation(HTML_EN, broken, glossary, "en", "fa", source_path="a.html", target_path="a.fa.html")
    assert [(f.code, f.entry_id, f.line, f.file) for f in report.errors] == [("missing", "president", 3, "a.html")]


def test_markdown_structure_pairs_segments() -> None:
    src = "# Malaysia\n\nThe President spoke.\n\n| a | b |\n|---|---|\n| Malaysia | x |\n"
    tgt = "# مالزی\n\nرئیس‌جمهور سخن گفت.\n\n| a | b |\n|---|---|\n| مالزی | x |\n"
    result = align(parse(src, "markdown", "en"), parse(tgt, "markdown", "fa"))
    assert result.mode == SEGMENT
    first = result.units[0]
    assert (first.source.text, first.target.text, first.source_line, first.target_line) == ("Malaysia", "مالزی", 1, 1)
    assert [u.source.kind for u in result.units] == [s.kind for s in parse(src, "markdown", "en").segments]


def test_segments_in_other_places_fall_back_to_lines() -> None:
    # Same line count, but the translator wrote the two sentences of line 1 as one.
    src = "One. Two.\nThree.\n"
    tgt = "Uno y dos.\nTres. Cuatro.\n"
    result = align(parse(src, "txt", "en"), parse(tgt, "txt", "fa"))
    assert result.mode == LINE
    assert [(u.source.text, u.target.text, u.source_line) for u in result.units] == [
        ("One. Two.", "Uno y dos.", 1),
        ("Three.", "Tres. Cuatro.", 2),
    ]


def test_merged_lines_are_one_document() -> None:
    src = "One.\nTwo.\nThree.\n"
    tgt = "Uno. Dos.\nTres.\n"  # as many segments, but two lines joined: not the same structure
    result = align(parse(src, "txt", "en"), parse(tgt, "txt", "fa"))
    assert result.mode == DOCUMENT and len(result.units) == 1
    unit = result.units[0]
    assert unit.source.text == "One.\nTwo.\nThree."
    assert unit.target.text == "Uno. Dos.\nTres."
    assert [unit.source_lines.line_at(unit.source.text.index(w)) for w in ("One", "Two", "Three")] == [1, 2, 3]
    assert unit.target_lines.line_at(unit.target.text.index("Tres")) == 2


def test_inline_marks_follow_their_text_when_segments_are_joined() -> None:
    src = "A **bold** one.\nAnd [a link](https://x.org) here.\n"
    doc = parse(src, "markdown", "en")
    result = align(doc, parse("Only one line here.\n", "markdown", "fa"))
    assert result.mode == DOCUMENT
    unit = result.units[0]
    spans = [unit.source.text[m.start : m.end] for m in unit.source.inline]
    assert spans == ["bold", "a link"]


def test_an_empty_translation_line_is_a_unit_with_nothing_in_it(glossary) -> None:
    report = check_translation(
        "The President spoke.\nMalaysia agreed.\n", "رئیس‌جمهور سخن گفت.\n\n", glossary, "en", "fa"
    )
    # Trailing blank lines do not count: one line against two, and one segment against two.
    assert report.alignment == DOCUMENT
    assert [(f.code, f.entry_id) for f in report.errors] == [("missing", "malaysia")]


def test_cli_reads_html_and_says_how_it_paired(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "a.html").write_text(HTML_EN, encoding="utf-8")
    (tmp_path / "a.fa.html").write_text(HTML_FA, encoding="utf-8")
    args = [
        "check",
        str(tmp_path / "a.html"),
        str(tmp_path / "a.fa.html"),
        "-f",
        "en",
        "-t",
        "fa",
        "-g",
        str(tmp_path / "g.yaml"),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "checked segment by segment (3 segments): 3 terms, 3 applied" in result.stderr
    data = json.loads(CliRunner().invoke(cli, [*args, "--json"]).stdout)
    assert (data["format"], data["alignment"], data["pairs"]) == ("html", "segment", 3)
    raw = CliRunner().invoke(cli, [*args, "--format", "txt"])
    assert raw.exit_code == 1 and "[missing] 'Malaysia'" in raw.stdout
    bad = CliRunner().invoke(cli, [*args, "--format", "docbook"])
    assert bad.exit_code == 2 and "docbook" in bad.stderr


def test_terms_are_compared_over_the_line_and_integrity_per_segment(glossary) -> None:
    # Two sentences each side, paired; the translator moved "Malaysia" into the first sentence.
    src = "The President spoke. Malaysia agreed with him on 12 points.\n"
    tgt = "رئیس‌جمهور با مالزی سخن گفت. موافقت شد در ۱۲ مورد.\n"
    report = check_translation(src, tgt, glossary, "en", "fa")
    assert report.alignment == SEGMENT and report.units == 2
    assert report.findings == [] and report.applied == 2
    # An integrity finding names the segment's own line and the number it lost.
    lost = check_translation(src, tgt.replace("۱۲", "۱۳"), glossary, "en", "fa")
    assert [(f.code, f.line, f.found) for f in lost.findings] == [("numbers", 1, None), ("numbers", 1, "۱۳")]
    # A rendering missing from the whole line is still an error.
    missing = check_translation(src, tgt.replace("مالزی", "آنجا"), glossary, "en", "fa")
    assert [(f.code, f.entry_id) for f in missing.errors] == [("missing", "malaysia")]


def test_findings_name_the_line_inside_a_wrapped_paragraph(glossary) -> None:
    # The source paragraph is wrapped over two lines, the translation's is not: still paired by segment,
    # and the missing term is reported on the line where it stands.
    src = "# Malaysia\n\nThe President spoke today. He met the\nPrime Minister of Malaysia.\n\n- Malaysia agreed.\n"
    tgt = "# مالزی\n\nرئیس‌جمهور امروز سخن گفت. او با مالزی دیدار کرد.\n\n- مالزی موافقت کرد.\n"
    report = check_translation(src, tgt, glossary, "en", "fa", format_name="markdown")
    assert report.alignment == SEGMENT
    assert [(f.code, f.entry_id, f.line) for f in report.errors] == [("missing", "prime-minister", 4)]
    # HTML: markup, an entity and a link between the words; the term sits on the third line of the <p>.
    html = (
        '<body>\n<p>Rain &amp; wind hit the coast.\n  <a href="https://example.org/a">Officials</a> said the\n'
        "  Prime Minister would visit.</p>\n</body>\n"
    )
    fa = (
        '<body>\n<p>باران و باد به ساحل رسید. <a href="https://example.org/a">مقامات</a> گفتند که او بازدید '
        "خواهد کرد.</p>\n</body>\n"
    )
    report = check_translation(html, fa, glossary, "en", "fa", format_name="html")
    assert report.alignment == SEGMENT
    assert [(f.code, f.line) for f in report.errors] == [("missing", 4)]
