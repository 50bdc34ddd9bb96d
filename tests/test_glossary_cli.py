"""`dragoman glossary new|add|remove|list|show|search|stats` through the real CLI entry point."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from dragoman.cli import cli
from dragoman.commands.glossary_edit_cmd import derive_id
from dragoman.commands.options import glossary_option, load_cli_glossaries
from dragoman.glossary.yamlio import load_glossary

DATA = Path(__file__).parent / "data" / "glossaries"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["glossary", *args])


@pytest.fixture()
def basic(tmp_path: Path) -> Path:
    path = tmp_path / "basic.yaml"
    shutil.copyfile(DATA / "basic.yaml", path)
    return path


def test_new_then_add_then_show(tmp_path: Path) -> None:
    path = tmp_path / "desk.yaml"
    result = run("new", str(path), "--langs", "en,ms,fa")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"created {path} (en, ms, fa)\n"
    result = run(
        "add",
        str(path),
        "--type",
        "person",
        "--term",
        "en=Masoud Pezeshkian",
        "--term",
        "ms=Masoud Pezeshkian",
        "--term",
        "fa=مسعود پزشکیان",
        "--variant",
        "fa=مسعود پزشکيان",
        "--forbidden",
        "fa=پزشکیان مسعود",
        "--note",
        "President of Iran",
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == f"added masoud-pezeshkian in {path}\n"
    result = run("show", str(path), "masoud-pezeshkian")
    assert result.exit_code == 0
    assert result.stdout == (
        "id: masoud-pezeshkian\n"
        "type: person\n"
        "status: approved\n"
        "en: Masoud Pezeshkian\n"
        "ms: Masoud Pezeshkian\n"
        "fa: مسعود پزشکیان  (variants: مسعود پزشکيان)  (forbidden: پزشکیان مسعود)\n"
        "note: President of Iran\n"
        f"defined at: {path}:5:5\n"
    )


def test_new_refuses_to_overwrite(basic: Path) -> None:
    before = basic.read_bytes()
    result = run("new", str(basic), "--langs", "en")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {basic}: already exists — choose another file name, or edit it with 'dragoman glossary add'\n"
    )
    assert basic.read_bytes() == before


def test_new_bad_language(tmp_path: Path) -> None:
    result = run("new", str(tmp_path / "x.yaml"), "--langs", "en,persian")
    assert result.exit_code == 2
    assert "Invalid value for --langs: 'persian' is not a language code" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_add_with_options_and_derived_id(basic: Path) -> None:
    result = run(
        "add",
        str(basic),
        "--term",
        "en=UNICEF",
        "--dnt",
        "--case",
        "sensitive",
        "--status",
        "draft",
        "--type",
        "organization",
        "--source",
        "desk",
    )
    assert result.exit_code == 0, result.output
    entry = load_glossary(basic).get("unicef")
    assert entry is not None
    assert (entry.dnt, entry.case, entry.status, entry.type, entry.source) == (
        True,
        "sensitive",
        "draft",
        "organization",
        "desk",
    )


def test_add_duplicate_refused_unless_replace(basic: Path) -> None:
    before = basic.read_bytes()
    result = run("add", str(basic), "--id", "iran", "--term", "en=Persia")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {basic}: an entry with id 'iran' already exists — choose another --id, or pass --replace to overwrite it\n"
    )
    assert basic.read_bytes() == before
    result = run("add", str(basic), "--id", "iran", "--term", "en=Persia", "--replace")
    assert result.exit_code == 0
    assert result.stderr.endswith(f"replaced iran in {basic}\n")
    assert "W005 missing-language: entry 'iran' has no ms, fa term" in result.stderr  # linted as it is written
    assert load_glossary(basic).get("iran").term("en") == "Persia"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--term", "en"], "Invalid value for --term: 'en' is not LANG=TEXT"),
        (["--term", "english=Iran"], "Invalid value for --term: 'english' is not a language code"),
        (["--term", "en= "], "Invalid value for --term: the en text is empty"),
        (["--term", "fa=ایران"], "Invalid value for --id: cannot derive an id from these terms"),
        (["--id", "Bad Id", "--term", "en=X"], "Invalid value for --id: 'Bad Id': use lowercase letters"),
        (["--term", "en=X", "--term", "en=Y"], "Invalid value for --term: two terms for en"),
        (["--term", "en=X", "--type", "planet"], "Invalid value for '--type': 'planet' is not one of"),
    ],
)
def test_add_bad_arguments(basic: Path, args: list[str], message: str) -> None:
    before = basic.read_bytes()
    result = run("add", str(basic), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert basic.read_bytes() == before


def test_add_undeclared_language(basic: Path) -> None:
    before = basic.read_bytes()
    result = run("add", str(basic), "--term", "de=Berlin")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {basic}: language 'de' is not in the glossary's languages (en, ms, fa) — "
        "add de to 'languages:' in the file first, or fix the code\n"
    )
    assert basic.read_bytes() == before


def test_remove(basic: Path) -> None:
    result = run("remove", str(basic), "iran", "malaysia")
    assert result.exit_code == 0
    assert result.stderr == f"removed iran, malaysia from {basic}\n"
    assert list(load_glossary(basic).entries) == ["masoud-pezeshkian", "pezeshkian", "anwar-ibrahim", "un"]


def test_remove_unknown_changes_nothing(basic: Path) -> None:
    before = basic.read_bytes()
    result = run("remove", str(basic), "iran", "nope")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {basic}: no entry with id 'nope' — see the ids with 'dragoman glossary list'\n"
    assert basic.read_bytes() == before


def test_list(basic: Path) -> None:
    result = run("list", str(basic), "--type", "place")
    assert result.exit_code == 0
    assert result.stdout == (
        "iran\tplace\tapproved\ten: Iran; ms: Iran; fa: ایران\n"
        "malaysia\tplace\tapproved\ten: Malaysia; ms: Malaysia; fa: مالزی\n"
    )
    result = run("list", str(basic), "--lang", "fa", "--type", "person")
    assert result.stdout == (
        "masoud-pezeshkian\tperson\tapproved\tfa: مسعود پزشکیان\n"
        "pezeshkian\tperson\tapproved\tfa: پزشکیان\n"
        "anwar-ibrahim\tperson\tapproved\tfa: انور ابراهیم\n"
    )
    result = run("list", str(basic), "--status", "draft", "--json")
    data = json.loads(result.stdout)
    assert [e["id"] for e in data] == ["un"]
    assert data[0]["terms"] == {"en": {"term": "UN", "variants": [], "forbidden": []}}
    assert data[0]["origin"] == f"{basic}:31:5"


def test_show_json_and_unknown(basic: Path) -> None:
    result = run("show", str(basic), "pezeshkian", "--json")
    data = json.loads(result.stdout)
    assert data["terms"]["fa"] == {"term": "پزشکیان", "variants": [], "forbidden": []}
    assert (data["status"], data["dnt"], data["case"], data["type"]) == ("approved", False, "smart", "person")
    result = run("show", str(basic), "pezeshkain")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {basic}: no entry with id 'pezeshkain' — did you mean 'pezeshkian'?\n"


def test_search_is_normalised(basic: Path) -> None:
    result = run("search", str(basic), "پزشکيان")  # Arabic yeh in the query
    assert result.exit_code == 0
    assert result.stdout == (
        "masoud-pezeshkian\tfa\tpreferred\tمسعود پزشکیان\n"
        "masoud-pezeshkian\tfa\tvariant\tمسعود پزشکيان\n"
        "masoud-pezeshkian\tfa\tforbidden\tپزشکیان مسعود\n"
        "pezeshkian\tfa\tpreferred\tپزشکیان\n"
    )
    result = run("search", str(basic), "PEZESH", "--lang", "ms", "--json")
    assert json.loads(result.stdout) == [
        {"id": "masoud-pezeshkian", "lang": "ms", "kind": "preferred", "term": "Masoud Pezeshkian"},
        {"id": "pezeshkian", "lang": "ms", "kind": "preferred", "term": "Pezeshkian"},
    ]
    result = run("search", str(basic), "zzz")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no term contains 'zzz'\n")


def test_stats(basic: Path) -> None:
    result = run("stats", str(basic), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "entries": 6,
        "languages": {
            "en": {"terms": 6, "coverage": 1.0, "variants": 0, "forbidden": 0},
            "ms": {"terms": 5, "coverage": 0.8333, "variants": 0, "forbidden": 0},
            "fa": {"terms": 5, "coverage": 0.8333, "variants": 1, "forbidden": 1},
        },
        "types": {"person": 3, "place": 2, "untyped": 1},
        "statuses": {"approved": 5, "draft": 1},
        "dnt": 1,
    }
    result = run("stats", str(basic))
    assert result.stdout.splitlines()[:4] == [
        "entries: 6",
        "approved: 5  draft: 1  dnt: 1",
        "coverage:",
        "  en: 6/6 (100%)  variants: 0  forbidden: 0",
    ]


# ------------------------------------------------------------ bad input: one line, exit != 0, file unchanged


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"version: 1\nentries:\n  - id: x\n    trems: {en: X}\n",
            ":4:5: unknown key 'trems' in an entry — did you mean 'terms'?",
        ),
        (b"version: 1\nentries: [\n", ":3:1: malformed YAML: "),
        (
            b"version: 1\nentries:\n  - id: x\n    terms: {en: caf\xe9}\n",
            ":4:20: not valid UTF-8 (byte 0xe9) — save the file as UTF-8",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00", ":3: this is a binary file, not a YAML glossary — give a UTF-8 YAML file"),
        (b"", ": the glossary file is empty — "),
        (
            b"entries:\n  - id: x\n    terms: {english: X}\n",
            ":3:13: bad language code 'english' in the terms of entry 'x' — ",
        ),
        (
            b"entries:\n  - id: x\n    terms: {en: X}\n  - id: x\n    terms: {en: Y}\n",
            ":4:5: duplicate id 'x' (first on line 2) — give each concept its own id, or merge the two entries",
        ),
    ],
)
@pytest.mark.parametrize(
    "command", [["list"], ["stats"], ["show", "x"], ["search", "x"], ["add", "--term", "en=Y"], ["remove", "x"]]
)
def test_bad_files(tmp_path: Path, content: bytes, expected: str, command: list[str]) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes(content)
    result = run(command[0], str(path), *command[1:])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}{expected}")
    assert "Traceback" not in result.output
    assert path.read_bytes() == content


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "none.yaml"
    for command in (["list"], ["add", "--term", "en=X"], ["remove", "x"]):
        result = run(command[0], str(path), *command[1:])
        assert result.exit_code == 1
        assert (
            result.stderr
            == f"Error: {path}: glossary file not found — check the path, or create it with 'dragoman glossary new'\n"
        )
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["list", "{g}"],
        ["show", "{g}", "x"],
        ["search", "{g}", "x"],
        ["stats", "{g}"],
        ["add", "{g}", "--term", "en=X"],
        ["remove", "{g}", "x"],
        ["lint", "{g}"],
        ["merge", "{g}", "-o", "{out}"],
        ["export", "{g}", "--format", "csv", "-o", "{out}"],
        ["review", "{g}"],
        ["approve", "{g}", "x"],
        ["suggest", "{text}", "-g", "{g}"],
    ],
)
def test_directory_given_as_glossary(tmp_path: Path, command: list[str]) -> None:
    folder = tmp_path / "desk.yaml"
    folder.mkdir()
    text = tmp_path / "a.txt"
    text.write_text("Gaza. Gaza.\n", encoding="utf-8")
    args = [a.format(g=folder, out=tmp_path / "out.csv", text=text) for a in command]
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {folder}: is a directory, not a glossary file — give the path of a .yaml file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "desk.yaml"]


def test_check_with_a_directory_as_glossary(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    folder.mkdir()
    text = tmp_path / "a.txt"
    text.write_text("Gaza\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(text), str(text), "--from", "en", "--to", "fa", "-g", str(folder)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {folder}: is a directory, not a glossary file — give the path of a .yaml file\n"


def test_bad_lang_option(basic: Path) -> None:
    result = run("list", str(basic), "--lang", "persian")
    assert result.exit_code == 2
    assert "Invalid value for --lang: 'persian' is not a language code" in result.stderr


# ------------------------------------------------------------ helpers for other commands


def test_derive_id() -> None:
    assert derive_id([("fa", "مسعود"), ("en", "Masoud Pezeshkian")]) == "masoud-pezeshkian"
    assert derive_id([("ms", "Kuala Lumpur’s Menara")]) == "kuala-lumpurs-menara"
    assert derive_id([("en", "Zürich")]) == "zurich"
    assert derive_id([("fa", "ایران")]) is None


def test_glossary_option_layers_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command()
    @glossary_option
    def probe(glossaries: tuple[Path, ...]) -> None:
        g = load_cli_glossaries(glossaries)
        click.echo(f"{len(g)} {','.join(map(str, glossaries))}")

    base, desk = str(DATA / "basic.yaml"), str(DATA / "desk.yaml")
    result = CliRunner().invoke(probe, ["-g", base, "--glossary", desk])
    assert result.exit_code == 0
    assert result.stdout == f"8 {base},{desk}\n"
    assert result.stderr.splitlines()[0] == (
        f"warning: {desk}:4:5: entry 'anwar-ibrahim' redefined: ms 'Anwar Ibrahim' -> 'Datuk Seri Anwar Ibrahim' "
        f"(overrides {base}:19:5)"
    )
    assert len(result.stderr.splitlines()) == 2
    monkeypatch.setenv("DRAGOMAN_GLOSSARY", f"{base}:{desk}")
    result = CliRunner().invoke(probe, [])
    assert result.stdout == f"8 {base},{desk}\n"


def test_lazy_glossary_group_lists_every_command_of_its_modules() -> None:
    from dragoman.commands.glossary_cmd import LAZY_COMMANDS

    modules = [
        "dragoman.commands.glossary_edit_cmd",
        "dragoman.commands.glossary_io_cmd",
        "dragoman.commands.glossary_grow_cmd",
        "dragoman.commands.glossary_desk_cmd",
    ]
    declared = {c.name: c for m in modules for c in importlib.import_module(m).COMMANDS}
    assert sorted(LAZY_COMMANDS) == sorted(declared)
    for name, target in LAZY_COMMANDS.items():
        module, attr = target.split(":")
        assert getattr(importlib.import_module(module), attr) is declared[name]


def test_glossary_lint_does_not_import_the_editor_commands() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from dragoman.cli import cli; "
        "r = CliRunner().invoke(cli, ['glossary', 'lint', '--help']); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m.startswith('dragoman.commands.glossary_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['dragoman.commands.glossary_cmd', 'dragoman.commands.glossary_io_cmd']"


NEWS = Path(__file__).resolve().parents[1] / "glossaries" / "news.yaml"


def test_glossary_lint_loads_only_what_linting_needs() -> None:
    """Start-up (issue 5): linting a glossary loads neither the matcher, nor the interchange formats, nor
    difflib/json (needed only for a typo hint or --json), nor anything of translation."""
    code = (
        "import sys; from click.testing import CliRunner; from dragoman.cli import cli; "
        f"r = CliRunner().invoke(cli, ['glossary', 'lint', {str(NEWS)!r}]); "
        "assert r.exit_code == 0, r.output; "
        "heavy = ['dragoman.glossary.match', 'ahocorasick_rs', 'dragoman.glossary.interchange', 'csv', 'difflib', "
        "'json', 'sqlite3', 'numpy', 'ctranslate2', 'dragoman.enforce', 'dragoman.pipeline']; "
        "print([m for m in heavy if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
