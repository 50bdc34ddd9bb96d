"""DOCX with the tiny real model and a glossary: the enforced term is where the bold name was, and bold."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE

from dragoman import packages
from dragoman.cli import cli
from formats.conftest import GLOSSARY


def test_glossary_term_of_a_bold_word_is_bold_and_verified(tmp_path: Path) -> None:
    packages.install_file(TOY_PACKAGE)
    from formats.office import docx_bytes

    document = docx.Document()
    paragraph = document.add_paragraph("The new ")
    paragraph.add_run("government").bold = True
    paragraph.add_run(" discussed the difficult ")
    paragraph.add_run("talks").italic = True
    paragraph.add_run(".")
    cell = document.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "The new government discussed the difficult talks."
    (tmp_path / "story.docx").write_bytes(docx_bytes(document))
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(tmp_path / "story.docx"),
            "--to",
            "zz",
            "-g",
            str(tmp_path / "desk.yaml"),
            "--report",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    out = docx.Document(io.BytesIO((tmp_path / "story.zz.docx").read_bytes()))
    runs = out.paragraphs[0].runs
    # 'Kerajaan baru membincangkan rundingan sukar.' by the model alone; enforced and formatted:
    assert out.paragraphs[0].text == "Pentadbiran baru membincangkan perbincangan sukar."
    assert [r.text for r in runs if r.bold] == ["Pentadbiran"]
    assert [r.text for r in runs if r.italic] == ["perbincangan"]
    assert out.tables[0].cell(0, 0).text == "Pentadbiran baru membincangkan perbincangan sukar."
    import json

    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    summary = report["summary"]
    assert summary["terms_found"] == 4 and summary["applied"] == 4 and summary["violations"] == 0


SENTENCE = "The new government discussed the difficult talks."
ENFORCED = "Pentadbiran baru membincangkan perbincangan sukar."


def _srt() -> str:
    return "1\n00:00:01,000 --> 00:00:02,000\nThe new <i>government</i>\ndiscussed\n\n2\n00:00:02,000 --> 00:00:04,000\nthe difficult talks.\n"


def _vtt() -> str:
    return f"WEBVTT\n\n00:01.000 --> 00:04.000\n<v Anne>{SENTENCE}\n"


def test_glossary_is_enforced_and_verified_in_subtitles(tmp_path: Path) -> None:
    import json

    import srt
    import webvtt

    packages.install_file(TOY_PACKAGE)
    (tmp_path / "clip.srt").write_text(_srt(), encoding="utf-8")
    (tmp_path / "clip.vtt").write_text(_vtt(), encoding="utf-8")
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(tmp_path / "clip.srt"),
            str(tmp_path / "clip.vtt"),
            "--to",
            "zz",
            "-g",
            str(tmp_path / "desk.yaml"),
            "--report",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    cues = list(srt.parse((tmp_path / "clip.zz.srt").read_text(encoding="utf-8")))
    assert len(cues) == 2
    assert " ".join(c.content.replace("\n", " ") for c in cues).replace("<i>", "").replace("</i>", "") == ENFORCED
    assert "<i>Pentadbiran</i>" in cues[0].content
    captions = list(webvtt.from_string((tmp_path / "clip.zz.vtt").read_text(encoding="utf-8")))
    assert [c.text.replace("\n", " ") for c in captions] == [ENFORCED]  # 50 characters: reflowed on two lines
    summary = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert summary["terms_found"] == 4 and summary["applied"] == 4 and summary["violations"] == 0


def test_glossary_is_enforced_in_json_lines_fields(tmp_path: Path) -> None:
    import json

    packages.install_file(TOY_PACKAGE)
    records = [
        {"id": 7, "text": SENTENCE, "body": SENTENCE},
        {"id": 8, "text": "The new government discussed the difficult talks."},
    ]
    (tmp_path / "archive.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(tmp_path / "archive.jsonl"),
            "--to",
            "zz",
            "--field",
            "text",
            "-g",
            str(tmp_path / "desk.yaml"),
            "--report",
            str(tmp_path / "r.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in (tmp_path / "archive.zz.jsonl").read_text(encoding="utf-8").splitlines()]
    assert out == [{"id": 7, "text": ENFORCED, "body": SENTENCE}, {"id": 8, "text": ENFORCED}]
    summary = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert summary["applied"] == 4 and summary["violations"] == 0


def test_xliff_targets_are_translated_and_reviewed_per_glossary_outcome(tmp_path: Path) -> None:
    from lxml import etree

    packages.install_file(TOY_PACKAGE)
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "job.xlf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" '
        'datatype="plaintext"><body>'
        '<trans-unit id="1"><source>The new <g id="1">government</g> discussed the difficult talks.</source></trans-unit>'
        "</body></file></xliff>\n",
        encoding="utf-8",
    )
    ok = CliRunner().invoke(
        cli,
        [
            "translate",
            str(tmp_path / "job.xlf"),
            "--to",
            "zz",
            "-g",
            str(tmp_path / "desk.yaml"),
            "-o",
            str(tmp_path / "ok"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    root = etree.parse(str(tmp_path / "ok" / "job.zz.xlf")).getroot()
    target = root.find(".//{urn:oasis:names:tc:xliff:document:1.2}target")
    assert target.get("state") == "translated"
    assert "".join(target.itertext()) == ENFORCED
    assert target.find("{urn:oasis:names:tc:xliff:document:1.2}g").text == "Pentadbiran"


def test_glossary_term_of_a_bold_span_is_bold_in_odt(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import P, Span

    packages.install_file(TOY_PACKAGE)
    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    paragraph = P(text="The new ")
    paragraph.addElement(Span(stylename=bold, text="government"))
    paragraph.addText(" discussed the difficult talks.")
    document.text.addElement(paragraph)
    document.save(str(tmp_path / "story.odt"))
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["translate", str(tmp_path / "story.odt"), "--to", "zz", "-g", str(tmp_path / "desk.yaml")]
    )
    assert result.exit_code == 0, result.output
    from odf import teletype
    from odf.opendocument import load
    from odf.text import P as Paragraph
    from odf.text import Span as TextSpan

    out = load(str(tmp_path / "story.zz.odt"))
    assert [teletype.extractText(p) for p in out.text.getElementsByType(Paragraph)] == [ENFORCED]
    assert [teletype.extractText(s) for s in out.text.getElementsByType(TextSpan)] == ["Pentadbiran"]
