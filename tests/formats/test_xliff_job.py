"""`dragoman xliff extract` and `merge`: a job for a human translator from DOCX and SRT, and the documents back."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import srt
from click.testing import CliRunner
from lxml import etree

from dragoman.cli import cli
from formats.office import docx_bytes

Q = "{urn:oasis:names:tc:xliff:document:1.2}"
GLOSSARY = """\
version: 1
languages: [en, ms]
entries:
  - id: government
    terms: {en: government, ms: kerajaan}
"""
SRT = "1\n00:00:01,000 --> 00:00:02,000\nThe <i>government</i> met.\n"


def _story(tmp_path: Path) -> Path:
    document = docx.Document()
    paragraph = document.add_paragraph("The new ")
    paragraph.add_run("government").bold = True
    paragraph.add_run(" met. Reporters waited.")
    path = tmp_path / "story.docx"
    path.write_bytes(docx_bytes(document))
    return path


def test_extract_then_merge_round_trip(tmp_path: Path) -> None:
    story = _story(tmp_path)
    clip = tmp_path / "clip.srt"
    clip.write_text(SRT, encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    job = tmp_path / "job.xlf"
    result = CliRunner().invoke(
        cli,
        [
            "xliff",
            "extract",
            str(story),
            str(clip),
            "-f",
            "en",
            "-t",
            "ms",
            "-g",
            str(tmp_path / "g.yaml"),
            "-o",
            str(job),
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {job} (2 documents, 3 units)" in result.output
    root = etree.parse(str(job)).getroot()
    files = root.findall(f"{Q}file")
    assert [(f.get("datatype"), f.get("target-language")) for f in files] == [("x-docx", "ms"), ("x-srt", "ms")]
    units = root.findall(f".//{Q}trans-unit")
    assert [
        etree.tostring(u.find(f"{Q}source"), encoding="unicode", with_tail=False).split(">", 1)[1] for u in units
    ] == [
        'The new <g id="1" ctype="bold">government</g> met.</source>',
        "Reporters waited.</source>",
        'The <g id="1" ctype="italic">government</g> met.</source>',
    ]
    assert [[n.text for n in u.findall(f"{Q}note")] for u in units] == [
        ["government -> kerajaan [government]"],
        [],
        ["government -> kerajaan [government]"],
    ]

    # The translator fills the targets (the bold moves with its word); one unit is left untranslated.
    targets = ['<g id="1">Kerajaan</g> baru bertemu.', None, '<g id="1">Kerajaan</g> bertemu.']
    for unit, text in zip(units, targets):
        if text is not None:
            unit.append(etree.fromstring(f'<target xmlns="urn:oasis:names:tc:xliff:document:1.2">{text}</target>'))
    job.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    merged = CliRunner().invoke(cli, ["xliff", "merge", str(job), "-o", str(tmp_path / "out")])
    assert merged.exit_code == 0, merged.output
    assert "(1 units translated, 1 without a target kept in the source language)" in merged.output
    out = docx.Document(io.BytesIO((tmp_path / "out" / "story.ms.docx").read_bytes()))
    assert out.paragraphs[0].text == "Kerajaan baru bertemu. Reporters waited."
    assert [r.text for r in out.paragraphs[0].runs if r.bold] == ["Kerajaan"]
    cues = list(srt.parse((tmp_path / "out" / "clip.ms.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == ["<i>Kerajaan</i> bertemu."]


def test_merge_of_a_job_whose_document_changed_is_refused(tmp_path: Path) -> None:
    story = _story(tmp_path)
    job = tmp_path / "job.xlf"
    assert CliRunner().invoke(cli, ["xliff", "extract", str(story), "-t", "ms", "-o", str(job)]).exit_code == 0
    document = docx.Document()
    document.add_paragraph("Only one sentence now.")
    story.write_bytes(docx_bytes(document))
    result = CliRunner().invoke(cli, ["xliff", "merge", str(job)])
    assert result.exit_code == 1
    assert f"{job}: {story} has 1 segments but the job has 2 units — the document changed" in result.output
