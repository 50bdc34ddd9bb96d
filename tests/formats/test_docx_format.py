"""DOCX: files written by python-docx, translated, read back by python-docx and lxml (independent reader)."""

from __future__ import annotations

import io
import re

import docx
import pytest

from dragoman.errors import InputError
from dragoman.formats import parse
from formats.conftest import reverse_upper, tagged
from formats.office import STORY_BODY, W, all_docx_text, docx_bytes, members, news_docx, zip_bytes


def test_segments_cover_body_tables_headers_footers_notes_and_text_boxes() -> None:
    document = parse(news_docx(), "docx", "en", "story.docx")
    texts = [(s.text, s.kind) for s in document.segments]
    assert texts == [
        *STORY_BODY,
        ("The box holds a quote.", "text_box"),
        ("Last line of the story.", "paragraph"),
        ("Printed on Monday.", "footer"),
        ("The footnote says more.", "footnote"),
        ("Daily news.", "header"),
    ]
    # One sentence across runs: the bold run is a mark on its words, not a segment of its own.
    bold = document.segments[1]
    assert [(bold.text[m.start : m.end], m.kind) for m in bold.inline] == [("new government", "b")]
    link = document.segments[3]
    assert [link.text[m.start : m.end] for m in link.inline] == ["full report", "full report"]


def test_identity_render_gives_every_part_back_byte_for_byte() -> None:
    data = news_docx()
    document = parse(data, "docx", "en", "story.docx")
    assert members(document.render_bytes(document.identity_outputs(), "ms")) == members(data)


def test_translation_keeps_structure_and_translates_every_sentence_once() -> None:
    data = news_docx()
    document = parse(data, "docx", "en", "story.docx")
    out = document.render_bytes(tagged(document.segments), "ms")
    before, after = docx.Document(io.BytesIO(data)), docx.Document(io.BytesIO(out))
    assert len(after.paragraphs) == len(before.paragraphs)
    assert len(after.tables) == 1 and len(after.tables[0]._cells) == len(before.tables[0]._cells)
    assert after.tables[0].cell(1, 0).text == "<6>IBRAHIM ANWAR"
    assert after.sections[0].header.paragraphs[0].text == "<13>NEWS. DAILY"
    assert after.sections[0].footer.paragraphs[0].text == "<11>MONDAY. ON PRINTED"
    text = all_docx_text(out)
    for index in range(len(document.segments)):
        assert len(re.findall(f"<{index}>", text)) == 1, index
    for segment in document.segments:
        assert segment.text not in text  # nothing left in English
    # Two sentences of one paragraph stay one paragraph, the space between them kept.
    assert (
        after.paragraphs[1].text
        == "<1>TALKS. DIFFICULT THE DISCUSSED GOVERNMENT NEW THE <2>MONDAY. ON REPORTERS MET IT"
    )
    # Parts with nothing to translate are the same bytes.
    source_parts, out_parts = members(data), members(out)
    assert source_parts.keys() == out_parts.keys()
    for name in (
        "word/styles.xml",
        "word/settings.xml",
        "[Content_Types].xml",
        "docProps/core.xml",
        "word/_rels/document.xml.rels",
    ):
        assert out_parts[name] == source_parts[name], name


def test_formatting_lands_on_the_translated_words() -> None:
    document = parse(news_docx(False), "docx", "en", "story.docx")
    out = document.render_bytes([reverse_upper(s) for s in document.segments], "ms")
    paragraph = docx.Document(io.BytesIO(out)).paragraphs[1]
    bold = [run.text for run in paragraph.runs if run.bold]
    italic = [run.text for run in paragraph.runs if run.italic]
    assert bold == ["GOVERNMENT NEW"] and italic == ["REPORTERS"]
    # The hyperlink keeps its relationship id and holds the moved words.
    xml = members(out)["word/document.xml"].decode("utf-8")
    link = re.search(r'<w:hyperlink r:id="(rId\d+)">(.*?)</w:hyperlink>', xml)
    assert link is not None and "REPORT FULL" in link.group(2) and 'w:val="Hyperlink"' in link.group(2)


def test_target_language_and_right_to_left() -> None:
    document = parse(news_docx(False), "docx", "en", "story.docx")
    outputs = [reverse_upper(s) for s in document.segments]
    ms = members(document.render_bytes(outputs, "ms"))["word/document.xml"].decode("utf-8")
    assert 'w:lang w:val="ms"' in ms and "<w:bidi/>" not in ms and "<w:rtl/>" not in ms
    fa = docx.Document(io.BytesIO(document.render_bytes(outputs, "fa")))
    paragraph = fa.paragraphs[1]._p
    assert paragraph.find(f"{{{W}}}pPr/{{{W}}}bidi") is not None
    runs = paragraph.findall(f"{{{W}}}r")
    assert runs and all(r.find(f"{{{W}}}rPr/{{{W}}}rtl") is not None for r in runs)
    assert all(r.find(f"{{{W}}}rPr/{{{W}}}lang").get(f"{{{W}}}bidi") == "fa" for r in runs)
    # Bold right-to-left text is bold in the complex-script properties Word draws it with.
    bold = [r for r in runs if r.find(f"{{{W}}}rPr/{{{W}}}b") is not None]
    assert bold and all(r.find(f"{{{W}}}rPr/{{{W}}}bCs") is not None for r in bold)


def test_tabs_and_breaks_are_kept_between_sentences() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Date:")
    paragraph.add_run().add_tab()
    paragraph.add_run("Monday")
    paragraph.add_run().add_break()
    paragraph.add_run("Place: Tehran")
    parsed = parse(docx_bytes(document), "docx", "en", "a.docx")
    assert [s.text for s in parsed.segments] == ["Date:", "Monday", "Place: Tehran"]
    out = docx.Document(io.BytesIO(parsed.render_bytes([reverse_upper(s) for s in parsed.segments], "ms")))
    assert out.paragraphs[0].text == "DATE:\tMONDAY\nTEHRAN PLACE:"


def _with_document_xml(data: bytes, xml: bytes) -> bytes:
    entries = members(data)
    entries["word/document.xml"] = xml
    return zip_bytes(entries)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: b"Just some text, not a zip.", "is not a DOCX file (not a zip archive)"),
        (lambda d: zip_bytes({"a.txt": b"x"}), "is a zip but not a DOCX (no [Content_Types].xml)"),
        (lambda d: _with_document_xml(d, b"<w:document><w:body>"), "part word/document.xml is not well-formed XML"),
        (
            lambda d: _with_document_xml(
                d,
                (
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                    b'<w:document xmlns:w="'
                    + W.encode()
                    + b'"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
                ),
            ),
            "part word/document.xml declares a DTD (entities are refused: XML external entity risk)",
        ),
        (lambda d: d, None),
    ],
)
def test_broken_files_are_refused_in_one_line(make: object, message: str | None) -> None:
    data = make(docx_bytes(docx.Document()))  # type: ignore[operator]
    if message is None:
        # A part that inflates hundreds of times: refused before it is unpacked.
        data = _with_document_xml(data, b" " * (64 * 1024 * 1024))
        message = "member word/document.xml unpacks to 67108864 bytes from"
    with pytest.raises(InputError) as err:
        parse(data, "docx", "en", "story.docx")
    text = str(err.value)
    assert text.startswith("story.docx") and message in text and "\n" not in text


def test_comments_are_left_as_they_are() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("The talks ended.")
    document.add_comment(paragraph.runs, text="Check this figure.", author="Desk")
    data = docx_bytes(document)
    parsed = parse(data, "docx", "en", "a.docx")
    assert [s.text for s in parsed.segments] == ["The talks ended."]
    out = parsed.render_bytes([reverse_upper(s) for s in parsed.segments], "ms")
    assert members(out)["word/comments.xml"] == members(data)["word/comments.xml"]
    body = members(out)["word/document.xml"].decode("utf-8")
    assert "ENDED. TALKS THE" in body and "commentRangeStart" in body and "commentReference" in body
