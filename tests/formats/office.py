"""Real DOCX files for the tests, written by python-docx (an independent writer), plus the parts it cannot write."""

from __future__ import annotations

import io
import zipfile
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The footnote says more.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""

TEXT_BOX_RUN = f"""<w:r xmlns:w="{W}" xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:200pt;height:50pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>The box holds a quote.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"""


# The segments of the story news_docx and news_odt both write, (text, kind) in reading order, up to the parts whose
# place each format decides (notes, text boxes, headers and footers).
STORY_BODY = [
    ("Talks in the capital", "heading"),
    ("The new government discussed the difficult talks.", "paragraph"),
    ("It met reporters on Monday.", "paragraph"),
    ("Read the full report online.", "paragraph"),
    ("Name", "table_cell"),
    ("Role", "table_cell"),
    ("Anwar Ibrahim", "table_cell"),
    ("Prime minister", "table_cell"),
    ("A sentence with a note.", "paragraph"),
]


def docx_bytes(document: Any) -> bytes:
    """A python-docx document's file."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(document: Any) -> bytes:
    """An odfpy document's file."""
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of ``entries`` (name -> content), in that order: broken or hostile office files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def news_docx(with_extras: bool = True) -> bytes:
    """A story: a heading, a paragraph with a bold name and a hyperlink, a table, a header and a footer;
    with ``with_extras`` also a footnote and a text box (python-docx writes neither, so they are added as XML)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Talks in the capital", level=1)
    paragraph = document.add_paragraph("The ")
    paragraph.add_run("new government").bold = True
    paragraph.add_run(" discussed the difficult talks. It met ")
    italic = paragraph.add_run("reporters")
    italic.italic = True
    paragraph.add_run(" on Monday.")
    link_paragraph = document.add_paragraph("Read the ")
    part = document.part
    r_id = part.relate_to(
        "https://example.org/report",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    hyperlink = parse_xml(
        f'<w:hyperlink xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{r_id}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>full report</w:t></w:r></w:hyperlink>'
    )
    link_paragraph._p.append(hyperlink)
    link_paragraph.add_run(" online.")
    table = document.add_table(rows=2, cols=2)
    for row, texts in enumerate([("Name", "Role"), ("Anwar Ibrahim", "Prime minister")]):
        for col, text in enumerate(texts):
            table.cell(row, col).text = text
    section = document.sections[0]
    section.header.paragraphs[0].text = "Daily news."
    section.footer.paragraphs[0].text = "Printed on Monday."
    if with_extras:
        note = document.add_paragraph("A sentence with a note.")
        note._p.append(
            parse_xml(
                f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
            )
        )
        box = document.add_paragraph("")
        box._p.append(parse_xml(TEXT_BOX_RUN))
    document.add_paragraph("Last line of the story.")
    data = docx_bytes(document)
    if not with_extras:
        return data
    _ = qn
    return add_footnotes(data)


def add_footnotes(data: bytes) -> bytes:
    """``data`` with word/footnotes.xml, its content type and its relationship."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    (
                        b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>'
                    ),
                )
            if info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    (
                        b'<Relationship Id="rIdFoot1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                        b'relationships/footnotes" Target="footnotes.xml"/></Relationships>'
                    ),
                )
            target.writestr(info, content)
        target.writestr("word/footnotes.xml", FOOTNOTES.encode("utf-8"))
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def all_docx_text(data: bytes) -> str:
    """Every w:t of every part, read with lxml (an independent reader for the parts python-docx skips)."""
    from lxml import etree

    texts: list[str] = []
    for name, content in members(data).items():
        if name.endswith(".xml") and name.startswith("word/"):
            root = etree.fromstring(content)
            texts.extend(t.text or "" for t in root.iter(f"{{{W}}}t"))
    return "\n".join(texts)


def news_odt() -> bytes:
    """An ODT written by odfpy: a heading, a paragraph with a bold span and a link, a table, a footnote, a text
    box, and a header and footer on the master page."""
    from odf.draw import Frame, TextBox
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        Footer as StyleFooter,
    )
    from odf.style import (
        FooterStyle,
        HeaderStyle,
        MasterPage,
        PageLayout,
        ParagraphProperties,
        Style,
        TextProperties,
    )
    from odf.style import (
        Header as StyleHeader,
    )
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import A, H, Note, NoteBody, NoteCitation, P, Span

    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    standard = Style(name="Standard", family="paragraph")
    standard.addElement(ParagraphProperties())
    standard.addElement(TextProperties(language="en", country="GB"))
    document.styles.addElement(standard)
    layout = PageLayout(name="Layout")
    layout.addElement(HeaderStyle())
    layout.addElement(FooterStyle())
    document.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = StyleHeader()
    header.addElement(P(text="Daily news."))
    footer = StyleFooter()
    footer.addElement(P(text="Printed on Monday."))
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)

    document.text.addElement(H(outlinelevel=1, text="Talks in the capital"))
    paragraph = P(stylename=standard, text="The ")
    paragraph.addElement(Span(stylename=bold, text="new government"))
    paragraph.addText(" discussed the difficult talks. It met reporters on Monday.")
    document.text.addElement(paragraph)
    link = P(text="Read the ")
    link.addElement(A(href="https://example.org/report", text="full report"))
    link.addText(" online.")
    document.text.addElement(link)
    table = Table(name="People")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for texts in (("Name", "Role"), ("Anwar Ibrahim", "Prime minister")):
        row = TableRow()
        for text in texts:
            cell = TableCell()
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    document.text.addElement(table)
    noted = P(text="A sentence with a note.")
    note = Note(id="ftn1", noteclass="footnote")
    note.addElement(NoteCitation(text="1"))
    body = NoteBody()
    body.addElement(P(text="The footnote says more."))
    note.addElement(body)
    noted.addElement(note)
    document.text.addElement(noted)
    holder = P()
    frame = Frame(width="5cm", height="2cm", anchortype="paragraph")
    box = TextBox()
    box.addElement(P(text="The box holds a quote."))
    frame.addElement(box)
    holder.addElement(frame)
    document.text.addElement(holder)
    document.text.addElement(P(text="Last line of the story."))
    return odt_bytes(document)
