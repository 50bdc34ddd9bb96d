"""`dragoman check`: the checker's rules on small texts, and the CLI (human output, --json, exit codes, bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.check import check_translation
from dragoman.cli import cli
from dragoman.glossary.match import TermMatcher
from dragoman.glossary.yamlio import load_glossary, load_glossary_text

NEWS = Path(__file__).resolve().parent.parent / "glossaries" / "news.yaml"

SMALL = """\
version: 1
languages: [en, fa, ms]
entries:
  - id: malaysia
    type: place
    terms: {en: Malaysia, fa: مالزی, ms: Malaysia}
  - id: malaysian
    terms: {en: Malaysian, fa: مالزی, ms: Malaysia}
  - id: malaysian-government
    type: organization
    terms: {en: Malaysian government, fa: دولت مالزی, ms: Kerajaan Malaysia}
  - id: prime-minister
    type: title
    terms:
      en: Prime Minister
      fa: نخست‌وزیر
      ms: {term: Perdana Menteri, forbidden: [Menteri Utama]}
  - id: president
    type: title
    terms:
      en: President
      fa: {term: رئیس‌جمهور, variants: [رییس‌جمهور]}
      ms: Presiden
  - id: bbc
    dnt: true
    terms: {en: BBC}
  - id: draft-only
    status: draft
    terms: {en: Tehran, fa: تهران}
"""


@pytest.fixture()
def small():
    return load_glossary_text(SMALL, "small.yaml")


def codes(report):
    return [(f.severity, f.code, f.entry_id) for f in report.findings]


def test_compliant_line_has_no_findings(small) -> None:
    r = check_translation("The Prime Minister of Malaysia spoke.", "نخست‌وزیر مالزی سخن گفت.", small, "en", "fa")
    assert r.findings == []
    assert r.summary() == {
        "terms_found": 2,
        "applied": 2,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
    assert r.exit_code() == 0


def test_zwnj_written_as_space_and_arabic_yeh_still_count(small) -> None:
    r = check_translation("The President spoke.", "رئيس جمهور سخن گفت.", small, "en", "fa")
    assert r.findings == [] and r.applied == 1


def test_shared_rendering_is_counted_per_occurrence(small) -> None:
    src = "Malaysia and the Malaysian team."
    assert check_translation(src, "مالزی و تیم مالزی.", small, "en", "fa").findings == []
    r = check_translation(src, "تیم مالزی.", small, "en", "fa")
    assert [(f.code, f.expected, f.required_count, f.found_count) for f in r.errors] == [("missing", "مالزی", 2, 1)]
    assert r.violations == 1 and r.applied == 1


def test_rendering_inside_a_longer_term_counts(small) -> None:
    # "Malaysia's government" needs مالزی; the translator wrote دولت مالزی (another entry's term).
    r = check_translation("Malaysia's government agreed.", "دولت مالزی موافقت کرد.", small, "en", "fa")
    assert r.findings == []


def test_missing_variant_forbidden(small) -> None:
    r = check_translation("The President met the Prime Minister.", "رییس‌جمهور با وزیر دیدار کرد.", small, "en", "fa")
    assert codes(r) == [("error", "missing", "prime-minister"), ("warning", "variant", "president")]
    assert r.exit_code() == 1
    m = check_translation("The Prime Minister spoke.", "Menteri Utama bercakap.", small, "en", "ms")
    assert [(f.code, f.found, f.expected) for f in m.errors] == [
        ("missing", None, "Perdana Menteri"),
        ("forbidden", "Menteri Utama", "Perdana Menteri"),
    ]
    assert m.forbidden_found == 1


def test_variant_is_warning_and_strict_fails(small) -> None:
    r = check_translation("The President spoke.", "رییس‌جمهور سخن گفت.", small, "en", "fa")
    assert codes(r) == [("warning", "variant", "president")]
    assert r.variants == 1 and r.exit_code() == 0 and r.exit_code(strict=True) == 1


def test_inconsistent_rendering_in_one_document(small) -> None:
    src = "The President spoke.\nThe President left."
    tgt = "رئیس‌جمهور سخن گفت.\nرییس‌جمهور رفت."
    r = check_translation(src, tgt, small, "en", "fa")
    assert codes(r) == [("warning", "inconsistent", "president"), ("warning", "variant", "president")]
    assert "رئیس‌جمهور' (1x)" in r.findings[0].message


def test_dnt_must_stay_verbatim(small) -> None:
    assert check_translation("The BBC said.", "BBC گفت.", small, "en", "fa").findings == []
    r = check_translation("The BBC said.", "بی‌بی‌سی گفت.", small, "en", "fa")
    assert [(f.code, f.expected) for f in r.errors] == [("missing", "BBC")]
    assert "BBC" in r.errors[0].message


def test_drafts_ignored_unless_asked(small) -> None:
    assert check_translation("Tehran.", "x", small, "en", "fa").terms_found == 0
    r = check_translation("Tehran.", "x", small, "en", "fa", include_drafts=True)
    assert [(f.code, f.entry_id) for f in r.errors] == [("missing", "draft-only")]


def test_line_and_document_alignment(small) -> None:
    src = "The President spoke.\nMalaysia agreed."
    line = check_translation(src, "رئیس‌جمهور سخن گفت.\nمالزی موافقت کرد.", small, "en", "fa")
    assert line.alignment == "segment" and line.findings == []
    # The translator merged the two lines: checked as one document, still compliant.
    doc = check_translation(src, "رئیس‌جمهور سخن گفت و مالزی موافقت کرد.", small, "en", "fa")
    assert doc.alignment == "document" and doc.findings == [] and doc.applied == 2
    # Swapped lines: per line both fail (the renderings are on the wrong lines).
    swapped = check_translation(src, "مالزی موافقت کرد.\nرئیس‌جمهور سخن گفت.", small, "en", "fa")
    assert [(f.line, f.code) for f in swapped.errors] == [(1, "missing"), (2, "missing")]


def test_document_mode_reports_source_line(small) -> None:
    src = "Nothing here.\nThe Prime Minister spoke.\nEnd."
    r = check_translation(src, "هیچ.\nپایان.", small, "en", "fa")
    assert [(f.line, f.code, f.file) for f in r.errors] == [(2, "missing", None)]


def test_the_example_article_in_persian() -> None:
    glossary = load_glossary(NEWS)
    src = (
        "Pezeshkian made the call in a phone conversation with Malaysian Prime Minister Anwar Ibrahim.\n"
        "Ibrahim also welcomed Pezeshkian’s invitation to visit Iran.\n"
    )
    good = (
        "پزشکیان در گفت‌وگوی تلفنی با انور ابراهیم، نخست‌وزیر مالزی، این درخواست را مطرح کرد.\n"
        "انور ابراهیم همچنین از دعوت پزشکیان برای سفر به ایران استقبال کرد.\n"
    )
    assert check_translation(src, good, glossary, "en", "fa").findings == []
    bad = good.replace("انور ابراهیم همچنین", "انوار ابراهیم همچنین")
    r = check_translation(src, bad, glossary, "en", "fa")
    assert [(f.line, f.code, f.entry_id) for f in r.errors] == [
        (2, "missing", "ibrahim"),
        (2, "forbidden", "anwar-ibrahim"),
    ]


# --- CLI -------------------------------------------------------------------------------------------


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    g = tmp_path / "small.yaml"
    g.write_text(SMALL, encoding="utf-8")
    src = tmp_path / "a.en.txt"
    src.write_text("The President met the Prime Minister.\nThe BBC reported it.\n", encoding="utf-8")
    good = tmp_path / "a.fa.txt"
    good.write_text("رئیس‌جمهور با نخست‌وزیر دیدار کرد.\nBBC آن را گزارش داد.\n", encoding="utf-8")
    bad = tmp_path / "b.fa.txt"
    bad.write_text("رییس‌جمهور با وزیر دیدار کرد.\nBBC آن را گزارش داد.\n", encoding="utf-8")
    return {"g": g, "src": src, "good": good, "bad": bad}


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_clean(files) -> None:
    result = run("check", files["src"], files["good"], "--from", "en", "--to", "fa", "-g", files["g"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "checked segment by segment (2 segments): 3 terms, 3 applied" in result.stderr


def test_cli_human_output_and_exit(files) -> None:
    result = run("check", files["src"], files["bad"], "--from", "en", "--to", "fa", "-g", files["g"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        (
            f"{files['src']}:1: error: [missing] 'Prime Minister' (prime-minister) needs 'نخست‌وزیر' "
            "in the translation 1 time, found 0"
        ),
        (
            f"{files['bad']}:1: warning: [variant] 'President' (president) is rendered with the variant 'رییس‌جمهور'; "
            "the preferred rendering is 'رئیس‌جمهور'"
        ),
    ]


def test_cli_glossary_as_a_deepl_csv(files, tmp_path: Path) -> None:
    # Two columns, no header: --from/--to say which is which (as `glossary import --from --to`).
    deepl = tmp_path / "deepl.csv"
    deepl.write_text("Prime Minister,نخست‌وزیر\n", encoding="utf-8")
    result = run("check", files["src"], files["bad"], "--from", "en", "--to", "fa", "-g", deepl)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{files['src']}:1: error: [missing] 'Prime Minister' (prime-minister) needs 'نخست‌وزیر' in the translation 1 time, found 0"
    ]
    assert run("check", files["src"], files["good"], "--from", "en", "--to", "fa", "-g", deepl).exit_code == 0


def test_cli_json(files) -> None:
    result = run("check", files["src"], files["bad"], "-f", "en", "-t", "fa", "-g", files["g"], "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {
        "terms_found": 3,
        "applied": 1,
        "variants": 1,
        "violations": 1,
        "forbidden_found": 0,
        "integrity": 0,
    }
    assert data["alignment"] == "segment"
    assert [(f["severity"], f["code"], f["line"]) for f in data["findings"]] == [
        ("error", "missing", 1),
        ("warning", "variant", 1),
    ]


def test_cli_strict(files) -> None:
    ok = files["good"].read_text(encoding="utf-8").replace("رئیس‌جمهور", "رییس‌جمهور")
    files["good"].write_text(ok, encoding="utf-8")
    args = ["check", files["src"], files["good"], "-f", "en", "-t", "fa", "-g", files["g"]]
    assert run(*args).exit_code == 0
    assert run(*args, "--strict").exit_code == 1


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("missing", "file not found"),
        ("empty", "empty"),
        ("binary", "binary"),
        ("latin1", "UTF-8"),
    ],
)
def test_cli_bad_input_is_one_line(files, tmp_path: Path, breakage: str, message: str) -> None:
    target = tmp_path / "broken.txt"
    if breakage == "empty":
        target.write_bytes(b"")
    elif breakage == "binary":
        target.write_bytes(b"\x00\x01\x02abc")
    elif breakage == "latin1":
        target.write_bytes("Gaza é".encode("latin-1"))
    result = run("check", files["src"], target, "-f", "en", "-t", "fa", "-g", files["g"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1 and message in error_lines[0] and str(target) in error_lines[0]


def test_cli_bad_glossary_and_language(files, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nentries:\n  - id: x\n    terms: {en: [unclosed\n", encoding="utf-8")
    result = run("check", files["src"], files["good"], "-f", "en", "-t", "fa", "-g", broken)
    assert result.exit_code == 1 and "broken.yaml:" in result.stderr and "Traceback" not in result.output
    result = run("check", files["src"], files["good"], "-f", "en", "-t", "f@", "-g", files["g"])
    assert result.exit_code == 2 and "is not a language code" in result.stderr


def test_cli_layered_glossaries_later_wins(files, tmp_path: Path) -> None:
    desk = tmp_path / "desk.yaml"
    desk.write_text(
        "version: 1\nlanguages: [en, fa]\nentries:\n"
        "  - id: prime-minister\n    terms: {en: Prime Minister, fa: وزیر}\n",
        encoding="utf-8",
    )
    args = ["check", files["src"], files["bad"], "-f", "en", "-t", "fa", "-g", files["g"], "-g", desk, "--json"]
    result = run(*args)
    data = json.loads(result.stdout)
    assert [f["code"] for f in data["findings"]] == ["variant"]  # وزیر is now the preferred rendering
    assert "warning:" in result.stderr and "prime-minister" in result.stderr


def test_cli_without_a_glossary_runs_the_integrity_checks(files, tmp_path: Path) -> None:
    result = run("check", files["src"], files["good"], "-f", "en", "-t", "fa")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "checked segment by segment (2 segments): no glossary, 0 integrity findings; 0 errors, 0 warnings"
    )
    copied = tmp_path / "copied.txt"
    copied.write_text(
        "The President spoke about the economy of Malaysia today.\nMalaysia agreed with 12 nations.\n", encoding="utf-8"
    )
    src = tmp_path / "src.txt"
    src.write_text(
        "The President spoke about the economy of Malaysia today.\nMalaysia agreed with 13 nations.\n", encoding="utf-8"
    )
    result = run("check", src, copied, "-f", "en", "-t", "fa")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{copied}:1: error: [untranslated] 6 of 6 source words copied into the output",
        f"{copied}:2: error: [numbers] '13' of the source is not in the output",
        f"{copied}:2: error: [numbers] '12' is in the output but not in the source",
        f"{copied}:2: error: [untranslated] the output is in Latin script, not Arabic (fa)",
    ]
    assert "2 integrity findings" not in result.stderr and "4 integrity findings (numbers 2, untranslated 2)" in (
        result.stderr
    )
    skipped = run("check", src, copied, "-f", "en", "-t", "fa", "--skip", "untranslated,numbers")
    assert skipped.exit_code == 0 and "0 integrity findings" in skipped.stderr
    data = json.loads(run("check", src, copied, "-f", "en", "-t", "fa", "--json", "--skip", "numbers").stdout)
    assert data["integrity_counts"] == {
        "placeholder-debris": 0,
        "repetition": 0,
        "empty": 0,
        "untranslated": 2,
        "length": 0,
        "markup": 0,
    }
    assert data["findings"][0] == {
        "severity": "error",
        "code": "untranslated",
        "line": 1,
        "file": str(copied),
        "source_line": 1,
        "message": "6 of 6 source words copied into the output",
    }
    bad = run("check", src, copied, "-f", "en", "-t", "fa", "--skip", "spelling")
    assert bad.exit_code == 1 and "unknown integrity check(s): spelling — use one of: " in bad.stderr


ARTICLE = Path(__file__).resolve().parent.parent / "examples" / "pezeshkian-anwar-call.en.txt"
TRANSLATIONS = Path(__file__).resolve().parent / "data" / "check"


@pytest.mark.parametrize(
    "lang, expected",
    [
        (
            "fa",
            [
                ("warning", "inconsistent", "palestinians"),
                ("warning", "variant", "palestinians"),
                ("warning", "variant", "palestinians"),
            ],
        ),
        ("ms", [("warning", "variant", "united-states")]),
    ],
)
def test_example_article_translations(lang: str, expected: list[tuple[str, str, str]]) -> None:
    glossary = load_glossary(NEWS)
    translation = TRANSLATIONS / f"pezeshkian-anwar-call.{lang}.txt"
    src, tgt = ARTICLE.read_text(encoding="utf-8"), translation.read_text(encoding="utf-8")
    report = check_translation(src, tgt, glossary, "en", lang)
    assert report.alignment == "segment" and report.terms_found == 52
    assert codes(report) == expected
    # Every glossary term in the translation, removed once, is reported (unless it occurs more
    # often than the source needs it).
    seen = 0
    for m in TermMatcher.from_glossary(glossary, lang).find(tgt):
        if m.kind != "preferred":
            continue
        broken = tgt[: m.start] + "—" + tgt[m.end :]
        found = [f for f in check_translation(src, broken, glossary, "en", lang).errors if f.code == "missing"]
        if not found:
            continue
        # The error names the removed term, or the part of it another entry needed there
        # ("rakyat Palestin" also served "Palestine" -> "Palestin").
        assert len(found) == 1 and found[0].expected is not None and found[0].expected in m.text, (m, found)
        seen += 1
    assert seen >= 40


def test_cli_layered_glossaries_report_conflicts_and_later_wins(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(
        "version: 1\nentries:\n  - id: anwar-ibrahim\n    terms: {en: Anwar Ibrahim, ms: Anwar Ibrahim}\n",
        encoding="utf-8",
    )
    desk = tmp_path / "desk.yaml"
    desk.write_text(
        "version: 1\nentries:\n  - id: anwar-ibrahim\n    terms: {en: Anwar Ibrahim, ms: Datuk Seri Anwar Ibrahim}\n",
        encoding="utf-8",
    )
    src = tmp_path / "a.en.txt"
    src.write_text("Anwar Ibrahim spoke.\n", encoding="utf-8")
    tgt = tmp_path / "a.ms.txt"
    tgt.write_text("Datuk Seri Anwar Ibrahim bercakap.\n", encoding="utf-8")
    result = run("check", src, tgt, "--from", "en", "--to", "ms", "-g", base, "-g", desk)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        (
            f"warning: {desk}:3:5: entry 'anwar-ibrahim' redefined: ms 'Anwar Ibrahim' -> 'Datuk Seri Anwar Ibrahim' "
            f"(overrides {base}:3:5)"
        ),
        "checked segment by segment (1 segment): 1 terms, 1 applied, 0 variants, 0 violations, 0 forbidden, 0 integrity findings; 0 errors, 0 warnings",
    ]


def test_cli_accepts_the_persian_plural_written_joined(tmp_path: Path) -> None:
    g = tmp_path / "g.yaml"
    g.write_text(
        "version: 1\nentries:\n  - id: democrats\n    terms: {en: Democrats, fa: دموکرات‌ها}\n", encoding="utf-8"
    )
    src = tmp_path / "a.en.txt"
    # NTREX line 394 and its Persian reference, which writes the plural without ZWNJ.
    src.write_text('Trump argued that Democrats are on a mission to "resist and obstruct."\n', encoding="utf-8")
    tgt = tmp_path / "a.fa.txt"
    tgt.write_text(
        "ترامپ این ادعا را مطرح کرد که ماموریت دموکراتها «ایجاد مقاومت و مانع‌تراشی» است.\n", encoding="utf-8"
    )
    result = run("check", src, tgt, "--from", "en", "--to", "fa", "-g", g, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["summary"] == {
        "terms_found": 1,
        "applied": 1,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
    assert data["findings"] == []
