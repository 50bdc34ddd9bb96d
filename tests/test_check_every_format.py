"""`dragoman check` reads every format: DOCX, ODT, SRT, WebVTT, JSON lines, HTML, Markdown and XLIFF jobs.

Each pair of files is written by an independent writer (python-docx, odfpy, srt, webvtt-py, json, lxml) with
the same planted problems as a plain-text pair: a number changed (paragraph 2), a forbidden term standing for a
glossary term (paragraph 3), a glossary term rendered wrongly (paragraph 4). Every format must give exactly the
findings of the plain-text check, placed on the paragraph, cue, record or unit that holds them.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import docx
import pytest
import srt
from click.testing import CliRunner
from lxml import etree

from dragoman.check import check_files, check_job
from dragoman.cli import cli
from dragoman.glossary.yamlio import load_glossary_text

GLOSSARY = """\
version: 1
languages: [en, ms]
entries:
  - id: government
    terms: {en: government, ms: kerajaan}
  - id: talks
    terms:
      en: talks
      ms: {term: rundingan, forbidden: [perbincangan]}
  - id: prime-minister
    terms: {en: Prime Minister, ms: Perdana Menteri}
"""
EN = [
    "The government met on Monday.",
    "The Prime Minister said 40 people came.",
    "The talks ended well.",
    "The government will reply soon.",
]
MS_GOOD = [
    "Kerajaan bertemu pada hari Isnin.",
    "Perdana Menteri berkata 40 orang datang.",
    "Rundingan berakhir dengan baik.",
    "Kerajaan akan menjawab tidak lama lagi.",
]
MS_BAD = [
    "Kerajaan bertemu pada hari Isnin.",
    "Perdana Menteri berkata 45 orang datang.",  # a number changed
    "Perbincangan berakhir dengan baik.",  # forbidden, and 'rundingan' missing
    "Pentadbiran akan menjawab tidak lama lagi.",  # 'kerajaan' missing
]
# (code, entry, paragraph) of what the plain-text check finds in MS_BAD; the same is asserted for every format.
EXPECTED = [
    ("numbers", None, 2),
    ("numbers", None, 2),
    ("missing", "talks", 3),
    ("forbidden", "talks", 3),
    ("missing", "government", 4),
]


def _txt(path: Path, paragraphs: Sequence[str]) -> None:
    path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")


def _docx(path: Path, paragraphs: Sequence[str]) -> None:
    document = docx.Document()
    for text in paragraphs:
        # The first word bold: the check pairs sentences across formatting runs.
        first, rest = text.split(" ", 1)
        paragraph = document.add_paragraph()
        paragraph.add_run(first).bold = True
        paragraph.add_run(" " + rest)
    document.save(str(path))


def _odt(path: Path, paragraphs: Sequence[str]) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import P, Span

    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    for text in paragraphs:
        first, rest = text.split(" ", 1)
        paragraph = P()
        paragraph.addElement(Span(stylename=bold, text=first))
        paragraph.addText(" " + rest)
        document.text.addElement(paragraph)
    document.save(str(path))


def _srt(path: Path, paragraphs: Sequence[str]) -> None:
    second = datetime.timedelta(seconds=1)
    cues = [srt.Subtitle(n, 3 * n * second, (3 * n + 2) * second, text) for n, text in enumerate(paragraphs, start=1)]
    path.write_text(srt.compose(cues), encoding="utf-8")


def _vtt(path: Path, paragraphs: Sequence[str]) -> None:
    import webvtt

    captions = webvtt.WebVTT()
    for n, text in enumerate(paragraphs, start=1):
        captions.captions.append(webvtt.Caption(f"00:00:0{2 * n}.000", f"00:00:0{2 * n + 1}.000", text))
    captions.save(str(path))


def _jsonl(path: Path, paragraphs: Sequence[str]) -> None:
    records = [json.dumps({"id": n, "text": text, "desk": "world"}) for n, text in enumerate(paragraphs, start=1)]
    path.write_text("\n".join(records) + "\n", encoding="utf-8")


def _html(path: Path, paragraphs: Sequence[str]) -> None:
    from lxml import html
    from lxml.html import builder as E

    body = E.BODY(*[E.P(E.B(text.split(" ", 1)[0]), " " + text.split(" ", 1)[1]) for text in paragraphs])
    path.write_bytes(html.tostring(E.HTML(body), pretty_print=True, encoding="utf-8"))


def _markdown(path: Path, paragraphs: Sequence[str]) -> None:
    path.write_text("\n\n".join(f"**{t.split(' ', 1)[0]}** {t.split(' ', 1)[1]}" for t in paragraphs) + "\n")


# extension, writer, the location of paragraph N in the translation (None: the line alone says it)
FORMATS: dict[str, tuple[str, Callable[[Path, Sequence[str]], None], Callable[[int], str | None]]] = {
    "docx": (".docx", _docx, lambda n: f"paragraph {n}"),
    "odt": (".odt", _odt, lambda n: f"paragraph {n}"),
    "srt": (".srt", _srt, lambda n: f"cue {n}"),
    "vtt": (".vtt", _vtt, lambda n: f"cue {n}"),
    "jsonl": (".jsonl", _jsonl, lambda n: f"record {n}"),
    "html": (".html", _html, lambda n: None),
    "markdown": (".md", _markdown, lambda n: None),
}


@pytest.fixture()
def glossary():  # type: ignore[no-untyped-def]
    return load_glossary_text(GLOSSARY, "g.yaml")


def _pair(tmp_path: Path, fmt: str, translation: Sequence[str]) -> tuple[Path, Path]:
    suffix, write, _ = FORMATS[fmt]
    source, target = tmp_path / f"story{suffix}", tmp_path / f"story.ms{suffix}"
    write(source, EN)
    write(target, translation)
    return source, target


def _key(finding) -> tuple[str, str | None, str]:  # type: ignore[no-untyped-def]
    return (finding.code, finding.entry_id, finding.message)


def test_plain_text_finds_what_was_planted(tmp_path: Path, glossary) -> None:  # type: ignore[no-untyped-def]
    _txt(tmp_path / "a.txt", EN)
    _txt(tmp_path / "a.ms.txt", MS_BAD)
    report = check_files(tmp_path / "a.txt", tmp_path / "a.ms.txt", glossary, "en", "ms", options={"fields": ["text"]})
    assert [(f.code, f.entry_id, f.line) for f in report.findings] == EXPECTED


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_finds_what_plain_text_finds_in_the_right_place(fmt: str, tmp_path: Path, glossary) -> None:  # type: ignore[no-untyped-def]
    _txt(tmp_path / "a.txt", EN)
    _txt(tmp_path / "a.ms.txt", MS_BAD)
    options = {"fields": ["text"]}
    plain = check_files(tmp_path / "a.txt", tmp_path / "a.ms.txt", glossary, "en", "ms", options=options)
    source, target = _pair(tmp_path, fmt, MS_BAD)
    report = check_files(source, target, glossary, "en", "ms", options=options)
    assert report.format_name == fmt and report.alignment == "segment" and report.units == 4
    assert [_key(f) for f in report.findings] == [_key(f) for f in plain.findings]
    assert report.summary() == plain.summary()
    place = FORMATS[fmt][2]
    assert [f.location for f in report.findings] == [place(n) for _, _, n in EXPECTED]
    assert [f.file for f in report.findings] == [str(source if code == "missing" else target) for code, *_ in EXPECTED]
    if fmt in ("docx", "odt"):
        assert all(f.line is None for f in report.findings)  # a container has no lines: the paragraph says where
    else:
        assert all(f.line is not None for f in report.findings)


@pytest.mark.parametrize("fmt", ["docx", "odt", "srt"])
def test_cli_exit_codes_and_json(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    glossary_args = ["-f", "en", "-t", "ms", "-g", str(tmp_path / "g.yaml")]
    source, target = _pair(tmp_path, fmt, MS_GOOD)
    clean = CliRunner().invoke(cli, ["check", str(source), str(target), *glossary_args])
    assert clean.exit_code == 0, clean.output
    assert "checked segment by segment (4 segments): 4 terms, 4 applied" in clean.output
    source, target = _pair(tmp_path, fmt, MS_BAD)
    bad = CliRunner().invoke(cli, ["check", str(source), str(target), *glossary_args])
    assert bad.exit_code == 1
    forbidden = [line for line in bad.output.splitlines() if "[forbidden]" in line]
    assert forbidden == [
        f"{target} ({FORMATS[fmt][2](3)}): error: [forbidden] forbidden term 'Perbincangan' (talks); use 'rundingan'"
        if fmt != "srt"
        else f"{target}:11 (cue 3): error: [forbidden] forbidden term 'Perbincangan' (talks); use 'rundingan'"
    ]
    as_json = CliRunner().invoke(cli, ["check", str(source), str(target), *glossary_args, "--json"])
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["format"] == fmt and data["alignment"] == "segment"
    assert [(f["code"], f.get("entry_id"), f["location"]) for f in data["findings"]] == [
        (code, entry, FORMATS[fmt][2](n)) for code, entry, n in EXPECTED
    ]


def test_a_docx_with_another_paragraph_count_is_paired_and_named_by_paragraph(tmp_path: Path, glossary) -> None:  # type: ignore[no-untyped-def]
    # The translator merged paragraphs 3 and 4: no pairing by segment or paragraph; the document as a whole.
    source, target = tmp_path / "a.docx", tmp_path / "a.ms.docx"
    _docx(source, EN)
    _docx(target, MS_GOOD[:3])
    merged = docx.Document(str(target))
    merged.paragraphs[2].add_run(" ")
    merged.paragraphs[2].add_run(MS_GOOD[3].split(" ", 1)[0]).bold = True
    merged.paragraphs[2].add_run(" " + MS_GOOD[3].split(" ", 1)[1])
    merged.save(str(target))
    report = check_files(source, target, glossary, "en", "ms")
    assert report.alignment == "document" and report.errors == []
    assert "the source has 4 paragraphs and the translation 3" in report.alignment_note()


def test_a_jsonl_pair_needs_its_fields(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    source, target = _pair(tmp_path, "jsonl", MS_BAD)
    result = CliRunner().invoke(cli, ["check", str(source), str(target), "-t", "ms"])
    assert result.exit_code == 1 and "no fields to translate" in result.output and "--field" in result.output
    result = CliRunner().invoke(cli, ["check", str(source), str(target), "-t", "ms", "--field", "text"])
    assert result.exit_code == 1 and "(record 2): error: [numbers]" in result.output


# -- XLIFF jobs: one file, source and target side by side ------------------------------------------------------

X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"


def _job_12(path: Path, targets: Sequence[str | None]) -> None:
    """An XLIFF 1.2 job as a CAT tool leaves it, built with lxml; a None target is a unit left untranslated."""
    root = etree.Element(f"{{{X12}}}xliff", nsmap={None: X12}, version="1.2")
    file_element = etree.SubElement(
        root,
        f"{{{X12}}}file",
        {"original": "story.docx", "source-language": "en", "target-language": "ms", "datatype": "x-docx"},
    )
    body = etree.SubElement(file_element, f"{{{X12}}}body")
    for n, (source, target) in enumerate(zip([*EN, "Reporters waited."], targets), start=1):
        unit = etree.SubElement(body, f"{{{X12}}}trans-unit", {"id": f"t{n}"})
        first, rest = source.split(" ", 1)
        source_element = etree.SubElement(unit, f"{{{X12}}}source")
        bold = etree.SubElement(source_element, f"{{{X12}}}g", {"id": "1", "ctype": "bold"})
        bold.text, bold.tail = first, " " + rest
        if target is not None:
            target_element = etree.SubElement(unit, f"{{{X12}}}target", {"state": "translated"})
            first, rest = target.split(" ", 1)
            bold = etree.SubElement(target_element, f"{{{X12}}}g", {"id": "1", "ctype": "bold"})
            bold.text, bold.tail = first, " " + rest
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _job_20(path: Path, targets: Sequence[str | None]) -> None:
    root = etree.Element(f"{{{X20}}}xliff", nsmap={None: X20}, version="2.0", srcLang="en", trgLang="ms")
    file_element = etree.SubElement(root, f"{{{X20}}}file", {"id": "f1"})
    for n, (source, target) in enumerate(zip([*EN, "Reporters waited."], targets), start=1):
        unit = etree.SubElement(file_element, f"{{{X20}}}unit", {"id": f"u{n}"})
        segment = etree.SubElement(unit, f"{{{X20}}}segment")
        etree.SubElement(segment, f"{{{X20}}}source").text = source
        if target is not None:
            etree.SubElement(segment, f"{{{X20}}}target").text = target
            segment.set("state", "translated")
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


JOBS = {"1.2": (_job_12, "t"), "2.0": (_job_20, "u")}


@pytest.mark.parametrize("version", list(JOBS))
def test_an_xliff_job_is_checked_unit_by_unit(version: str, tmp_path: Path, glossary) -> None:  # type: ignore[no-untyped-def]
    write, prefix = JOBS[version]
    _txt(tmp_path / "a.txt", EN)
    _txt(tmp_path / "a.ms.txt", MS_BAD)
    plain = check_files(tmp_path / "a.txt", tmp_path / "a.ms.txt", glossary, "en", "ms")
    job = tmp_path / "job.xlf"
    write(job, [*MS_BAD, None])  # the fifth unit left without a target
    report = check_job(job, glossary)
    assert (report.source_lang, report.target_lang, report.format_name) == ("en", "ms", "xliff")
    assert report.findings[0].code == "no-target" and report.findings[0].location == f"unit {prefix}5"
    assert "'Reporters waited.'" in report.findings[0].message
    rest = report.findings[1:]
    assert [_key(f) for f in rest] == [_key(f) for f in plain.findings]
    assert [f.location for f in rest] == [f"unit {prefix}{n}" for _, _, n in EXPECTED]
    assert all(f.file == str(job) and f.line is None for f in report.findings)
    assert report.summary() == {**plain.summary(), "no_target": 1}
    assert report.integrity_counts() == plain.integrity_counts()  # no-target is the job's, not an integrity check


@pytest.mark.parametrize("version", list(JOBS))
def test_cli_checks_a_job_alone_with_its_languages(version: str, tmp_path: Path) -> None:
    write, prefix = JOBS[version]
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    job = tmp_path / "job.xlf"
    write(job, [*MS_GOOD, "Wartawan menunggu."])
    clean = CliRunner().invoke(cli, ["check", str(job), "-g", str(tmp_path / "g.yaml")])
    assert clean.exit_code == 0, clean.output
    assert clean.output.strip().endswith("0 errors, 0 warnings")
    write(job, [*MS_BAD, None])
    bad = CliRunner().invoke(cli, ["check", str(job), "-g", str(tmp_path / "g.yaml"), "--json"])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert [(f["code"], f.get("entry_id"), f["location"]) for f in data["findings"]] == [
        ("no-target", None, f"unit {prefix}5"),
        *[(code, entry, f"unit {prefix}{n}") for code, entry, n in EXPECTED],
    ]
    assert data["summary"]["no_target"] == 1 and data["format"] == "xliff"
    text = CliRunner().invoke(cli, ["check", str(job), "-g", str(tmp_path / "g.yaml")])
    assert f"{job} (unit {prefix}5): error: [no-target] unit {prefix}5 has no translation" in text.output
    assert "checked segment by segment (4 segments): 1 units without a target, 4 terms, 2 applied" in text.output


def test_a_job_given_as_a_pair_or_without_languages_is_one_line(tmp_path: Path) -> None:
    job = tmp_path / "job.xlf"
    _job_12(job, MS_GOOD + ["x y"])
    paired = CliRunner().invoke(cli, ["check", str(job), str(job), "-t", "ms"])
    assert paired.exit_code == 1 and "holds the source and the translation" in paired.output
    assert "Traceback" not in paired.output
    job.write_text(job.read_text(encoding="utf-8").replace(' target-language="ms"', ""), encoding="utf-8")
    nameless = CliRunner().invoke(cli, ["check", str(job)])
    assert nameless.exit_code == 2 and "states no target language" in nameless.output
    assert CliRunner().invoke(cli, ["check", str(job), "-t", "ms"]).exit_code == 0
    alone = CliRunner().invoke(cli, ["check", str(tmp_path / "a.docx")])
    assert alone.exit_code == 2 and "Missing argument 'TRANSLATION'" in alone.output


def test_docx_findings_in_a_table_cell_and_a_header_name_them(tmp_path: Path, glossary) -> None:  # type: ignore[no-untyped-def]
    def story(path: Path, body: str, cell: str, header: str) -> None:
        document = docx.Document()
        document.add_paragraph(body)
        document.add_table(rows=1, cols=1).cell(0, 0).text = cell
        document.sections[0].header.paragraphs[0].text = header
        document.save(str(path))

    story(tmp_path / "a.docx", EN[0], EN[2], EN[3])
    story(tmp_path / "a.ms.docx", MS_GOOD[0], MS_BAD[2], MS_BAD[3])
    report = check_files(tmp_path / "a.docx", tmp_path / "a.ms.docx", glossary, "en", "ms")
    assert [(f.code, f.entry_id, f.location) for f in report.findings] == [
        ("missing", "talks", "paragraph 2 (table cell)"),
        ("forbidden", "talks", "paragraph 2 (table cell)"),
        ("missing", "government", "word/header1.xml paragraph 1 (header)"),
    ]


def test_a_job_from_xliff_extract_is_checked_with_units_named_by_document(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text(GLOSSARY, encoding="utf-8")
    _docx(tmp_path / "story.docx", EN[:2])
    _srt(tmp_path / "clip.srt", EN[2:])
    job = tmp_path / "job.xlf"
    files = [str(tmp_path / "story.docx"), str(tmp_path / "clip.srt")]
    made = CliRunner().invoke(
        cli, ["xliff", "extract", *files, "-t", "ms", "-g", str(tmp_path / "g.yaml"), "-o", str(job)]
    )
    assert made.exit_code == 0, made.output
    # The translator fills every target but the last, with a forbidden term in the clip's first cue.
    root = etree.parse(str(job)).getroot()
    units = root.findall(f".//{{{X12}}}trans-unit")
    assert [etree.tostring(u.find(f"{{{X12}}}source"), encoding="unicode").count("<g ") for u in units] == [1, 1, 0, 0]
    targets = [f'<g id="1">{t.split(" ", 1)[0]}</g> {t.split(" ", 1)[1]}' for t in MS_GOOD[:2]] + [MS_BAD[2]]
    for unit, text in zip(units, targets):  # the bold first word of the DOCX kept as its code
        unit.append(etree.fromstring(f'<target xmlns="{X12}">{text}</target>'))
    job.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    result = CliRunner().invoke(cli, ["check", str(job), "-g", str(tmp_path / "g.yaml"), "--json"])
    assert result.exit_code == 1
    found = [(f["code"], f["location"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        ("no-target", f"unit 2 of {tmp_path / 'clip.srt'}"),
        ("missing", f"unit 1 of {tmp_path / 'clip.srt'}"),
        ("forbidden", f"unit 1 of {tmp_path / 'clip.srt'}"),
    ]
