"""`dragoman glossary lint|merge|import|export` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dragoman.cli import cli
from dragoman.glossary.yamlio import dump_glossary, load_glossary

DATA = Path(__file__).parent / "data"
BASIC = DATA / "glossaries" / "basic.yaml"
DESK = DATA / "glossaries" / "desk.yaml"
SOURCE = DATA / "interchange" / "source.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["glossary", *[str(a) for a in args]])


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "messy.yaml"
    path.write_text(
        "# keep me\nlanguages: [en, fa]\nentries:\n  - id: a\n    terms: {en: ' Tehran', fa: تهران}\n"
        "  - id: b\n    terms:\n      en: Iran\n      fa: {term: ايران, forbidden: [ایران]}\n",
        encoding="utf-8",
    )
    return path


# ---------------------------------------------------------------- lint


def test_lint_clean_glossary_exits_0() -> None:
    result = run("lint", BASIC)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{BASIC}:13:20: info I002 redundant-variant: entry 'masoud-pezeshkian' fa variant 'مسعود پزشکيان' is the same as "
        "'مسعود پزشکیان' when matching — remove the variant (matching treats them alike)\n"
        f"{BASIC}:31:5: info I001 draft: entry 'un' is a draft — review it and set status: approved\n"
        f"{BASIC}: 0 errors, 0 warnings, 2 info\n"
    )
    assert result.stderr == ""


def test_lint_errors_exit_1(messy: Path) -> None:
    result = run("lint", messy)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{messy}:5:17: warning W004 whitespace: entry 'a' en term ' Tehran' has leading or trailing space/NBSP/ZWNJ — trim it to single spaces (--fix does it)\n"
        f"{messy}:9:18: warning W002 arabic-letters-in-persian: entry 'b' fa term 'ايران' has Arabic letters (ي U+064A) — write Persian ی U+06CC / ک U+06A9 (not by --fix: the result would equal another form of this entry)\n"
        f"{messy}:9:37: error E003 forbidden-equals-preferred: entry 'b' fa forbidden term 'ایران' equals its term 'ايران' — remove one of them\n"
        f"{messy}: 1 error, 2 warnings, 0 info\n"
    )


def test_lint_json(messy: Path) -> None:
    result = run("lint", messy, "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"] == {"error": 1, "warning": 2, "info": 0}
    assert [(f["code"], f["name"], f["severity"], f["line"], f["fixable"]) for f in data["findings"]] == [
        ("W004", "whitespace", "warning", 5, True),
        ("W002", "arabic-letters-in-persian", "warning", 9, False),
        ("E003", "forbidden-equals-preferred", "error", 9, False),
    ]


def test_lint_fix(messy: Path) -> None:
    result = run("lint", messy, "--fix")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{messy}:5: fixed entry 'a' en: ' Tehran' -> 'Tehran'\n"
        f"{messy}:9:18: warning W002 arabic-letters-in-persian: entry 'b' fa term 'ايران' has Arabic letters (ي U+064A) — write Persian ی U+06CC / ک U+06A9 (not by --fix: the result would equal another form of this entry)\n"
        f"{messy}:9:37: error E003 forbidden-equals-preferred: entry 'b' fa forbidden term 'ایران' equals its term 'ايران' — remove one of them\n"
        f"{messy}: 1 error, 1 warning, 0 info, 1 fix applied\n"
    )
    assert messy.read_text(encoding="utf-8") == (
        "# keep me\nlanguages: [en, fa]\nentries:\n  - id: a\n    terms: {en: 'Tehran', fa: تهران}\n"
        "  - id: b\n    terms:\n      en: Iran\n      fa: {term: ايران, forbidden: [ایران]}\n"
    )


def test_lint_fix_on_broken_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    text = "entries:\n  - id: a\n    terms: {en: ' A'}\n  - id: a\n    terms: {en: B}\n"
    path.write_text(text, encoding="utf-8")
    result = run("lint", path, "--fix")
    assert result.exit_code == 1
    assert result.stderr == "warning: nothing fixed: the glossary does not load; fix the error below first\n"
    assert result.stdout == (
        f"{path}:3:17: warning W004 whitespace: entry 'a' en term ' A' has leading or trailing space/NBSP/ZWNJ — trim it to single spaces (--fix does it)\n"
        f"{path}:4:5: error E001 duplicate-id: duplicate id 'a' (first on line 2) — give each concept its own id, or merge the two entries\n"
        f"{path}: 1 error, 1 warning, 0 info, 0 fixes applied\n"
    )
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "glossary file not found — check the path"),
        (
            b"\x00\x01\x02",
            "1: this is a binary file, not a YAML glossary — give a UTF-8 YAML file",
        ),
        (
            b"entries:\n  - id: \xff\n",
            "2:9: not valid UTF-8 (byte 0xff) — save the file as UTF-8",
        ),
    ],
)
def test_lint_unreadable_file(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "g.yaml"
    if content is not None:
        path.write_bytes(content)
    result = run("lint", path, "--fix")
    assert result.exit_code == 1
    assert result.stdout == ""
    sep = ": " if content is None else ":"
    assert result.stderr == f"Error: {path}{sep}{message}\n"
    if content is not None:
        assert path.read_bytes() == content


def test_lint_reports_an_empty_file_as_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("", encoding="utf-8")
    result = run("lint", path)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}: error E000 invalid-glossary: the glossary file is empty — start one with 'dragoman glossary new FILE --langs en,ms,fa'\n"
        f"{path}: 1 error, 0 warnings, 0 info\n"
    )


# ---------------------------------------------------------------- merge


def test_merge_writes_and_reports_conflicts(tmp_path: Path) -> None:
    out = tmp_path / "merged.yaml"
    result = run("merge", BASIC, DESK, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"warning: {DESK}:4:5: entry 'anwar-ibrahim' redefined: ms 'Anwar Ibrahim' -> 'Datuk Seri Anwar Ibrahim' (overrides {BASIC}:19:5)",
        (
            f"warning: {DESK}:10:5: en term 'Iran' of entry 'iran-islamic-republic' is also in entry 'iran', "
            f"which renders it in ms as 'Iran'; 'iran-islamic-republic' ('Republik Islam Iran') wins (overrides {BASIC}:25:5)"
        ),
        f"warning: en term 'Iran' is in entries with different ids: 'iran-islamic-republic' ({DESK}:10:5), 'iran' ({BASIC}:25:5)",
        f"wrote {out}: 8 entries from 2 files, 2 conflicts, 1 shared term",
    ]
    merged = load_glossary(out)
    assert merged.get("anwar-ibrahim").term("ms") == "Datuk Seri Anwar Ibrahim"  # type: ignore[union-attr]
    assert list(merged.entries) == [
        "masoud-pezeshkian",
        "pezeshkian",
        "anwar-ibrahim",
        "malaysia",
        "un",
        "iran-islamic-republic",
        "iran",
        "putrajaya",
    ]


def test_merge_json(tmp_path: Path) -> None:
    out = tmp_path / "merged.yaml"
    result = run("merge", BASIC, DESK, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["output"] == str(out)
    assert data["inputs"] == [str(BASIC), str(DESK)]
    assert [c["entry"] for c in data["conflicts"]] == [
        "anwar-ibrahim",
        "iran-islamic-republic",
    ]
    assert data["entries"] == 8


def test_merge_strict_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "merged.yaml"
    result = run("merge", BASIC, DESK, "-o", out, "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: {out}: 2 conflicts between the glossaries; nothing written — resolve them (or drop --strict to let later files win)"
    )
    assert not out.exists()


def test_merge_bad_input_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "merged.yaml"
    out.write_text("old\n", encoding="utf-8")
    result = run("merge", BASIC, tmp_path / "missing.yaml", "-o", out)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {tmp_path / 'missing.yaml'}: glossary file not found — check the path, or create it with 'dragoman glossary new'\n"
    )
    assert out.read_text(encoding="utf-8") == "old\n"


# ---------------------------------------------------------------- import / export


@pytest.mark.parametrize(
    ("fmt", "pair"),
    [
        ("csv", ()),
        ("tsv", ()),
        ("csv", ("--from", "en", "--to", "fa")),
        ("tsv", ("--from", "fa", "--to", "ms")),
        ("tbx", ()),
    ],
)
def test_export_then_import(tmp_path: Path, fmt: str, pair: tuple[str, ...]) -> None:
    exported = tmp_path / f"out.{fmt}"
    result = run("export", SOURCE, "-o", exported, *pair)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    back = tmp_path / "back.yaml"
    result = run("import", exported, "-o", back, *pair)
    assert result.exit_code == 0, result.output
    glossary = load_glossary(back)
    if fmt == "tbx":
        assert dump_glossary(glossary) == dump_glossary(load_glossary(SOURCE))
    assert result.stderr.startswith(f"imported {len(glossary)} entries (")


def test_export_to_stdout_matches_golden() -> None:
    result = run("export", SOURCE, "--format", "csv", "--from", "en", "--to", "fa")
    assert result.exit_code == 0, result.output
    assert result.stdout == (DATA / "interchange" / "source.en-fa.csv").read_text(encoding="utf-8")
    assert result.stderr == "warning: left out 1 entry without both a en and a fa term: only-forbidden\n"


def test_export_refuses_deepl_violations(tmp_path: Path) -> None:
    glossary = tmp_path / "g.yaml"
    glossary.write_text(
        "languages: [en, fa]\nentries:\n  - id: a\n    terms: {en: Iran, fa: ایران}\n  - id: b\n    terms: {en: Iran, fa: ' ایرانی'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.csv"
    result = run("export", glossary, "--from", "en", "--to", "fa", "-o", out)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {glossary}:5:5: entry 'b': fa: leading or trailing whitespace in ' ایرانی'",
        f"error: {glossary}:5:5: entry 'b': duplicate source term 'Iran' (also in entry 'a'); DeepL allows one target per source",
        f"Error: {glossary}: 2 problems would make an invalid CSV glossary; nothing written — fix the entries listed above ('dragoman glossary lint --fix' trims whitespace)",
    ]
    assert not out.exists()


def test_import_bad_file_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('en,fa\n"Iran,x\n', encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = run("import", bad, "-o", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f'Error: {bad}:2: malformed CSV: unexpected end of data — quote cells that contain the delimiter, quotes or line breaks ("a ""quoted"" word")\n'
    )
    assert not out.exists()


def test_import_refuses_to_replace_without_force(tmp_path: Path) -> None:
    src = tmp_path / "g.tsv"
    src.write_text("Iran\tایران\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    out.write_text("# mine\n", encoding="utf-8")
    result = run("import", src, "--from", "en", "--to", "fa", "-o", out)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {out}: already exists — choose another name, or pass --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "# mine\n"
    result = run("import", src, "--from", "en", "--to", "fa", "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"imported 1 entry (en, fa) from {src} into {out}\n"
    assert load_glossary(out).get("iran").term("fa") == "ایران"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--from", "en"),
            "Invalid value for --from/--to: give both --from and --to (a two-column file holds one language pair)",
        ),
        (
            ("--from", "en", "--to", "en"),
            "Invalid value for --from/--to: --from and --to are both 'en'",
        ),
        (
            ("--from", "English", "--to", "fa"),
            "Invalid value for --from: 'English' is not a language code",
        ),
    ],
)
def test_bad_language_options_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run("export", SOURCE, "--format", "csv", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_export_unknown_pair_language_and_unknown_extension(tmp_path: Path) -> None:
    result = run("export", SOURCE, "--format", "csv", "--from", "en", "--to", "de")
    assert result.exit_code == 2
    assert "Invalid value for --from/--to: 'de' is not a language of" in result.stderr
    result = run("export", SOURCE, "-o", tmp_path / "x.txt")
    assert result.exit_code == 2
    assert "Invalid value for --format: cannot tell the format; pass --format csv|tsv|tbx" in result.stderr


def test_help_has_examples() -> None:
    for command in ("lint", "merge", "import", "export"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "  Examples:\n    dragoman glossary " + command + " " in result.stdout
