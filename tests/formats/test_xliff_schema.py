"""dragoman's XLIFF output is valid against the OASIS schemas (1.2 strict, 2.0 core) in tests/data/xliff."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE
from helpers.xliff_schema import XLIFF_12_STRICT, XLIFF_20_CORE, load_schema, schema_errors
from lxml import etree

from dragoman import packages
from dragoman.cli import cli
from dragoman.formats import parse
from formats.conftest import GLOSSARY, reverse_upper
from formats.office import docx_bytes

X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"
# As a CAT tool writes them: inline codes, a translated unit, a unit left alone, a group, notes.
JOB_12 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{X12}">
  <file original="story.docx" source-language="en" datatype="x-docx">
    <body>
      <trans-unit id="1"><source>The new <g id="b1" ctype="bold">government</g> discussed the difficult talks.<x id="br" ctype="lb"/> It met.</source></trans-unit>
      <trans-unit id="2"><source>Done already.</source><target state="final">Sudah.</target><note from="editor">checked</note></trans-unit>
      <trans-unit id="3" translate="no"><source>CODE</source></trans-unit>
      <group id="g"><trans-unit id="4"><source>The talks.</source><target state="new"/></trans-unit></group>
    </body>
  </file>
</xliff>
"""
JOB_20 = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="{X20}" version="2.0" srcLang="en">
 <file id="f1">
  <unit id="u1">
   <segment><source>The new <pc id="1">government</pc> discussed the difficult talks.<ph id="2"/></source></segment>
   <segment state="reviewed"><source>Kept.</source><target>Simpan.</target></segment>
  </unit>
  <unit id="u2">
   <notes><note category="editor">a note of the translator's</note></notes>
   <segment><source>The talks.</source></segment>
  </unit>
 </file>
</xliff>
"""


@pytest.fixture(scope="module")
def schema_12() -> etree.XMLSchema:
    return load_schema(XLIFF_12_STRICT)


@pytest.fixture(scope="module")
def schema_20() -> etree.XMLSchema:
    return load_schema(XLIFF_20_CORE)


def test_the_inputs_of_these_tests_are_valid_themselves(schema_12: etree.XMLSchema, schema_20: etree.XMLSchema) -> None:
    assert schema_errors(schema_12, JOB_12.encode("utf-8")) == []
    assert schema_errors(schema_20, JOB_20.encode("utf-8")) == []


def test_the_schemas_find_what_is_wrong(schema_12: etree.XMLSchema, schema_20: etree.XMLSchema) -> None:
    # The validation can fail: a trans-unit without its id, a 2.0 segment state no one defined.
    assert schema_errors(schema_12, JOB_12.replace('trans-unit id="2"', "trans-unit").encode("utf-8"))
    assert schema_errors(schema_20, JOB_20.replace('state="reviewed"', 'state="done"').encode("utf-8"))


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_targets_filled_with_findings_as_notes_are_valid(
    version: str, schema_12: etree.XMLSchema, schema_20: etree.XMLSchema
) -> None:
    text, schema = (JOB_12, schema_12) if version == "1.2" else (JOB_20, schema_20)
    document = parse(text, "xliff", "en", "job.xlf")
    outputs = [reverse_upper(s) for s in document.segments]
    outputs[0].findings = ["talks: forbidden 'rundingan' left in the translation"]
    rendered = document.render(outputs, "fa").encode("utf-8")
    assert schema_errors(schema, rendered) == []
    assert b"needs-review" in rendered and b"rundingan" in rendered  # the reviewed branch was written


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_translate_xlf_output_is_valid(
    version: str, tmp_path: Path, schema_12: etree.XMLSchema, schema_20: etree.XMLSchema
) -> None:
    packages.install_file(TOY_PACKAGE)
    text, schema = (JOB_12, schema_12) if version == "1.2" else (JOB_20, schema_20)
    (tmp_path / "job.xlf").write_text(text, encoding="utf-8")
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    args = ["translate", str(tmp_path / "job.xlf"), "--to", "zz", "-g", str(tmp_path / "desk.yaml")]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out" / "job.zz.xlf").read_bytes()
    assert schema_errors(schema, written) == []
    assert b"Pentadbiran" in written or b"pentadbiran" in written


def test_xliff_extract_output_is_valid(tmp_path: Path, schema_12: etree.XMLSchema) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("The new ")
    paragraph.add_run("government").bold = True
    paragraph.add_run(" met. The ")
    paragraph.add_run("talks").italic = True
    paragraph.add_run(" went on.")
    document.add_paragraph("Reporters waited.").add_run().add_break()
    (tmp_path / "story.docx").write_bytes(docx_bytes(document))
    (tmp_path / "clip.srt").write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nThe <i>government</i> met.\n", encoding="utf-8"
    )
    (tmp_path / "page.html").write_text(
        '<p>The <a href="https://x.test/">talks</a> went on.<br>Read <b>more</b>.</p>\n', encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("The talks went on.\n", encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    files = [str(tmp_path / name) for name in ("story.docx", "clip.srt", "page.html", "notes.txt")]
    job = tmp_path / "job.xlf"
    args = ["xliff", "extract", *files, "-t", "zz", "-g", str(tmp_path / "g.yaml"), "-o", str(job)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert schema_errors(schema_12, job.read_bytes()) == []
