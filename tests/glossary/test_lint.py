"""Glossary lint: every rule with its code and line, the loader's errors as findings, and the safe --fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dragoman.errors import GlossaryError
from dragoman.glossary.lint import (
    RULES,
    TermRef,
    fix_glossary,
    fix_term,
    lint_and_fix,
    lint_glossary,
)
from dragoman.glossary.lint_fix import _scalar
from dragoman.glossary.yamlio import load_glossary

DATA = Path(__file__).parent.parent / "data" / "glossaries"

MESSY = """\
# desk glossary: comments must survive --fix
version: 1
languages: [en, ms, fa]
entries:
  - id: tehran   # the city
    terms:
      en: " Tehran"
      ms: Teheran
      fa: تهران يك
  - id: tehran-province
    terms:
      en: Tehran
      fa:
        term: استان تهران
        forbidden: [استان  تهران]
  - id: paris
    terms: {en: "P\\u0430ris", fa: "Paris پاریس", ms: Paris}
  - id: bell
    terms: {en: "bell\\u0007", ms: "cafe\\u0301", fa: زنگ}
    status: draft
  - id: kl
    terms:
      en: Kuala Lumpur
      fa:
        term: کوالالامپور
        variants: [كوالالامپور]
"""


def _write(tmp_path: Path, text: str, name: str = "desk.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_rule_has_a_code_name_and_severity() -> None:
    assert {code[0] for code in RULES} == {"E", "W", "I"}
    assert all(RULES[code].severity == {"E": "error", "W": "warning", "I": "info"}[code[0]] for code in RULES)
    for code, rule in RULES.items():
        assert rule.code == code and rule.name and rule.help
        # Every rule but the loader's E000 is a registered check of one term, one entry or the file.
        assert (rule.check is None) == (code == "E000") and rule.scope in ("term", "entry", "file")


def test_lint_help_lists_every_rule_from_the_registry() -> None:
    from click.testing import CliRunner

    from dragoman.cli import cli

    result = CliRunner().invoke(cli, ["glossary", "lint", "--help"])
    assert result.exit_code == 0
    for rule in RULES.values():
        assert f"{rule.code} {rule.name}" in result.output
        assert f"{rule.severity}: {rule.help}" in result.output


def test_the_docs_rule_table_is_the_registry() -> None:
    from dragoman.glossary.lint import rules_table

    doc = Path(__file__).resolve().parents[2] / "docs" / "glossary-interchange.md"
    assert rules_table() in doc.read_text(encoding="utf-8"), "regenerate it: dragoman.glossary.lint.rules_table()"


def test_lint_and_fix_do_not_import_each_other() -> None:
    """lint imports lint_fix only inside fix_glossary; lint_fix imports only the shared walker and fixes."""
    import dragoman.glossary.lint_fix as lint_fix

    source = Path(lint_fix.__file__).read_text(encoding="utf-8")
    assert "glossary.lint import" not in source and "from dragoman.glossary import lint" not in source


def test_findings_exact(tmp_path: Path) -> None:
    path = _write(tmp_path, MESSY)
    report = lint_glossary(path)
    assert report.counts() == {"error": 2, "warning": 9, "info": 2}
    lines = [str(f).replace(str(path), "desk.yaml") for f in report.findings]
    assert lines == [
        "desk.yaml:7:11: warning W004 whitespace: entry 'tehran' en term ' Tehran' has leading or trailing space/NBSP/ZWNJ — trim it to single spaces (--fix does it)",
        "desk.yaml:9:11: warning W002 arabic-letters-in-persian: entry 'tehran' fa term 'تهران يك' has Arabic letters (ك U+0643, ي U+064A) — write Persian ی U+06CC / ک U+06A9 (--fix does it)",
        "desk.yaml:10:5: warning W005 missing-language: entry 'tehran-province' has no ms term — add ms=... (or mark it dnt: true if it is never translated)",
        "desk.yaml:12:11: warning W001 source-term-conflict: en term 'Tehran' is in entries 'tehran' (line 7) and 'tehran-province', which render it in fa as 'تهران يك' and 'استان تهران' — make one entry, or make the terms differ (a short form is its own entry with its own term)",
        "desk.yaml:15:21: error E003 forbidden-equals-preferred: entry 'tehran-province' fa forbidden term 'استان  تهران' equals its term 'استان تهران' — remove one of them",
        "desk.yaml:15:21: warning W004 whitespace: entry 'tehran-province' fa forbidden term 'استان  تهران' has double space — trim it to single spaces (not by --fix: the result would equal another form of this entry)",
        "desk.yaml:17:17: warning W003 mixed-scripts: entry 'paris' en term 'Pаris' mixes scripts (Latin + Cyrillic: lookalike а U+0430) — retype the term in one script",
        "desk.yaml:17:35: warning W003 mixed-scripts: entry 'paris' fa term 'Paris پاریس' mixes scripts (Latin + Arabic) — retype the term in one script",
        "desk.yaml:18:5: info I001 draft: entry 'bell' is a draft — review it and set status: approved",
        "desk.yaml:19:17: error E004 control-character: entry 'bell' en term 'bell\\x07' contains control character U+0007 — remove it",
        "desk.yaml:19:35: warning W006 not-nfc: entry 'bell' ms term 'cafe\u0301' is not in Unicode NFC — normalise it (--fix does it)",
        "desk.yaml:21:5: warning W005 missing-language: entry 'kl' has no ms term — add ms=... (or mark it dnt: true if it is never translated)",
        "desk.yaml:26:20: info I002 redundant-variant: entry 'kl' fa variant 'كوالالامپور' is the same as 'کوالالامپور' when matching — remove the variant (matching treats them alike)",
    ]


def test_shipped_test_glossary_is_clean_of_errors() -> None:
    report = lint_glossary(DATA / "basic.yaml")
    assert [(f.code, f.entry) for f in report.findings] == [
        ("I002", "masoud-pezeshkian"),
        ("I001", "un"),
    ]
    assert not report.has_errors


def test_duplicate_ids_are_findings_and_the_rest_is_still_linted(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "languages: [en, fa]\nentries:\n  - id: a\n    terms: {en: A, fa: الف}\n  - id: a\n    terms: {en: 'B  b', fa: ب}\n",
    )
    report = lint_glossary(path)
    assert [(f.code, f.line) for f in report.findings] == [("E001", 5), ("W004", 6)]
    assert report.findings[0].message == "duplicate id 'a' (first on line 3)"


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "entries:\n  - id: a\n    terms: {en: '  '}\n",
            "E002",
            "the en term of entry 'a' is empty",
        ),
        (
            "entries:\n  - id: a\n    trems: {en: A}\n",
            "E000",
            "unknown key 'trems' in an entry",
        ),
        (
            "entries: [\n",
            "E000",
            "malformed YAML: did not find expected node content (while parsing a flow node)",
        ),
    ],
)
def test_loader_errors_become_findings(tmp_path: Path, text: str, code: str, message: str) -> None:
    report = lint_glossary(_write(tmp_path, text))
    assert [(f.code, f.message) for f in report.findings] == [(code, message)]
    assert report.has_errors


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as err:
        lint_glossary(tmp_path / "nope.yaml")
    assert str(err.value) == f"{tmp_path / 'nope.yaml'}: glossary file not found — check the path"


def test_dnt_entries_need_no_other_language(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "languages: [en, fa]\nentries:\n  - id: un\n    dnt: true\n    terms: {en: UN}\n",
    )
    assert lint_glossary(path).findings == []


@pytest.mark.parametrize(
    ("text", "lang", "fixed"),
    [
        ("  Tehran\u00a0", "en", "Tehran"),
        ("\u200cتهران\u200c", "fa", "تهران"),
        ("Kuala   Lumpur", "ms", "Kuala Lumpur"),
        ("يك ى", "fa", "یک ی"),
        ("يك", "ar", "يك"),
        ("cafe\u0301", "fr", "café"),
        ("می\u200cروم", "fa", "می\u200cروم"),
    ],
)
def test_fix_term(text: str, lang: str, fixed: str) -> None:
    assert fix_term(text, lang) == fixed


def test_fix_keeps_comments_and_order_and_reports_changes(tmp_path: Path) -> None:
    path = _write(tmp_path, MESSY)
    report = lint_and_fix(path, fix=True)
    assert [(c["entry"], c["lang"], c["kind"], c["before"], c["after"], c["line"]) for c in report.fixed] == [
        ("tehran", "en", "preferred", " Tehran", "Tehran", 7),
        ("tehran", "fa", "preferred", "تهران يك", "تهران یک", 9),
        ("bell", "ms", "preferred", "cafe\u0301", "café", 19),
    ]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# desk glossary: comments must survive --fix\n")
    assert "  - id: tehran   # the city\n" in text
    assert "      fa: تهران یک\n" in text
    # The forbidden double-spaced form would become equal to the preferred term: left for a person.
    assert "forbidden: [استان  تهران]" in text
    # The Arabic-kaf variant would equal the preferred term: left alone (I002 reports it).
    assert "variants: [كوالالامپور]" in text
    assert list(load_glossary(path).entries) == [
        "tehran",
        "tehran-province",
        "paris",
        "bell",
        "kl",
    ]
    assert [f.code for f in report.findings].count("W002") == 0
    assert [(f.code, f.line) for f in report.findings if f.code == "W004"] == [("W004", 15)]


def test_fix_with_nothing_to_do_does_not_rewrite(tmp_path: Path) -> None:
    path = _write(tmp_path, "# c\nentries:\n  - id: a\n    terms: {en: A}\n")
    before = path.stat().st_mtime_ns
    assert fix_glossary(path) == []
    assert path.stat().st_mtime_ns == before
    assert path.read_text(encoding="utf-8") == "# c\nentries:\n  - id: a\n    terms: {en: A}\n"


def test_fix_refuses_an_invalid_glossary_and_leaves_it(tmp_path: Path) -> None:
    text = "entries:\n  - id: a\n    terms: {en: ' A'}\n  - id: a\n    terms: {en: B}\n"
    path = _write(tmp_path, text)
    with pytest.raises(GlossaryError) as err:
        fix_glossary(path)
    assert (
        str(err.value)
        == f"{path}:4:5: duplicate id 'a' (first on line 2) — fix this first; --fix only applies safe normalisations to a valid glossary"
    )
    assert path.read_text(encoding="utf-8") == text


def test_json_shape(tmp_path: Path) -> None:
    path = _write(tmp_path, "entries:\n  - id: a\n    status: draft\n    terms: {en: A}\n")
    assert lint_glossary(path).to_dict() == {
        "file": str(path),
        "summary": {"error": 0, "warning": 0, "info": 1},
        "findings": [
            {
                "code": "I001",
                "name": "draft",
                "severity": "info",
                "message": "entry 'a' is a draft",
                "path": str(path),
                "line": 2,
                "column": 5,
                "entry": "a",
                "lang": None,
                "term": None,
                "fix": "review it and set status: approved",
                "fixable": False,
            }
        ],
        "fixed": [],
    }


def test_fix_keeps_bom_crlf_and_quoting_styles(tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    raw = (
        "\ufeff# c\r\nlanguages: [en, fa]\r\nentries:\r\n  - id: a  # x\r\n"
        "    terms: {en: ' Tehran,  city', fa: \"تهران يك\"}\r\n"
        "  - id: b\r\n    terms:\r\n      en: Iran   \r\n      fa:\r\n        term: ايران\r\n"
        "        variants: [ ' ایرانی ' , x]\r\n"
        "  - id: c\r\n    terms: {en: 'null ', fa: \"it's\u00a0\"}\r\n"
    )
    path.write_bytes(raw.encode("utf-8"))
    changes = fix_glossary(path)
    assert [(c["entry"], c["kind"], c["after"], c["line"]) for c in changes] == [
        ("a", "preferred", "Tehran, city", 5),
        ("a", "preferred", "تهران یک", 5),
        ("b", "preferred", "ایران", 10),
        ("b", "variant", "ایرانی", 11),
        ("c", "preferred", "null", 13),
        ("c", "preferred", "it's", 13),
    ]
    assert path.read_bytes().decode("utf-8") == (
        "\ufeff# c\r\nlanguages: [en, fa]\r\nentries:\r\n  - id: a  # x\r\n"
        "    terms: {en: 'Tehran, city', fa: \"تهران یک\"}\r\n"
        "  - id: b\r\n    terms:\r\n      en: Iran   \r\n      fa:\r\n        term: ایران\r\n"
        "        variants: [ 'ایرانی' , x]\r\n"
        "  - id: c\r\n    terms: {en: 'null', fa: \"it's\"}\r\n"
    )
    assert lint_glossary(path).findings == []


@pytest.mark.parametrize(
    ("value", "style", "flow", "written"),
    [
        ("Tehran city", "", False, "Tehran city"),
        ("a, b", "", True, '"a, b"'),
        ("a, b", "", False, "a, b"),
        ("yes", "", False, '"yes"'),
        ("-nya", "", False, '"-nya"'),
        ("key: value", "", False, '"key: value"'),
        ("it's", "'", False, "'it''s'"),
        ('say "hi"', '"', False, '"say \\"hi\\""'),
        ("x", "|", False, None),
    ],
)
def test_scalar_rendering(value: str, style: str, flow: bool, written: str | None) -> None:
    ref = TermRef("e", "en", "preferred", 0, "old", 1, 1, style=style, flow=flow)
    assert _scalar(value, ref) == written
