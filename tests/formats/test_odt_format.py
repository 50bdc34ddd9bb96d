"""ODT: files written by odfpy (an independent writer), translated, read back by odfpy and lxml."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from dragoman.errors import InputError
from dragoman.formats import parse
from formats.conftest import reverse_upper, tagged
from formats.office import STORY_BODY, members, news_odt, odt_bytes, zip_bytes

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


def _odf_paragraphs(data: bytes) -> list[str]:
    """Every paragraph and heading of the body, as odfpy reads them."""
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    document = load(io.BytesIO(data))
    return [teletype.extractText(p) for kind in (H, P) for p in document.text.getElementsByType(kind)]


def test_segments_cover_body_tables_notes_frames_headers_and_footers() -> None:
    document = parse(news_odt(), "odt", "en", "story.odt")
    assert [(s.text, s.kind) for s in document.segments] == [
        *STORY_BODY,
        ("The footnote says more.", "footnote"),
        ("The box holds a quote.", "text_box"),
        ("Last line of the story.", "paragraph"),
        ("Daily news.", "header"),
        ("Printed on Monday.", "footer"),
    ]


def test_identity_render_gives_every_part_back_byte_for_byte() -> None:
    data = news_odt()
    document = parse(data, "odt", "en", "story.odt")
    assert members(document.render_bytes(document.identity_outputs(), "ms")) == members(data)


def test_translation_keeps_structure_marks_and_untouched_parts() -> None:
    data = news_odt()
    document = parse(data, "odt", "en", "story.odt")
    out = document.render_bytes(tagged(document.segments), "ms")
    before, after = _odf_paragraphs(data), _odf_paragraphs(out)
    assert len(after) == len(before)
    assert after[0] == "<0>CAPITAL THE IN TALKS" and after[-1] == "<11>STORY. THE OF LINE LAST"
    xml = members(out)["content.xml"].decode("utf-8") + members(out)["styles.xml"].decode("utf-8")
    for index in range(len(document.segments)):
        assert xml.count(f"&lt;{index}&gt;") == 1, index
    content = members(out)["content.xml"].decode("utf-8")
    assert '<text:span text:style-name="Bold">GOVERNMENT NEW</text:span>' in content
    assert re.search(r'<text:a xlink:href="https://example.org/report"[^>]*>REPORT FULL</text:a>', content)
    source_parts, out_parts = members(data), members(out)
    assert out_parts.keys() == source_parts.keys()
    for name in ("mimetype", "meta.xml", "META-INF/manifest.xml"):
        assert out_parts[name] == source_parts[name], name
    # The mimetype stays the first member, stored: what makes the file an ODF package.
    first = zipfile.ZipFile(io.BytesIO(out)).infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED


def test_language_and_writing_mode_follow_the_target() -> None:
    from lxml import etree

    document = parse(news_odt(), "odt", "en", "story.odt")
    outputs = [reverse_upper(s) for s in document.segments]
    ms = etree.fromstring(members(document.render_bytes(outputs, "ms"))["styles.xml"])
    languages = {
        p.get("{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}language")
        for p in ms.iter(f"{{{STYLE}}}text-properties")
    } - {None}
    assert languages == {"ms"}
    fa = etree.fromstring(members(document.render_bytes(outputs, "fa"))["styles.xml"])
    default = fa.find(f".//{{{STYLE}}}default-style[@{{{STYLE}}}family='paragraph']")
    assert default.find(f"{{{STYLE}}}paragraph-properties").get(f"{{{STYLE}}}writing-mode") == "rl-tb"
    assert default.find(f"{{{STYLE}}}text-properties").get(f"{{{STYLE}}}language-complex") == "fa"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "story.odt: is not a ODT file (not a zip archive)"),
        (
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}, zipfile.ZIP_STORED),
            "story.odt: is a zip but not an ODT (no content.xml)",
        ),
    ],
)
def test_broken_odt_is_one_line(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse(data, "odt", "en", "story.odt")
    assert str(err.value).startswith(message)


def test_comments_are_left_as_they_are() -> None:
    from odf.office import Annotation
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    paragraph = P(text="The talks ended.")
    comment = Annotation()
    comment.addElement(P(text="Check this figure."))
    paragraph.addElement(comment)
    document.text.addElement(paragraph)
    parsed = parse(odt_bytes(document), "odt", "en", "a.odt")
    assert [s.text for s in parsed.segments] == ["The talks ended."]
    out = members(parsed.render_bytes([reverse_upper(s) for s in parsed.segments], "ms"))["content.xml"].decode()
    assert "Check this figure." in out and "ENDED. TALKS THE" in out
