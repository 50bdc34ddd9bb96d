"""`dragoman translate` end to end on the tiny real Argos package (en -> zz), sockets blocked."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.package_server import PackageServer
from helpers.toy import TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.cli import cli


@pytest.fixture
def toy() -> list[tuple[str, str]]:
    """The toy package installed in this test's DRAGOMAN_HOME; returns (source, exact output) cases."""
    packages.install_file(TOY_PACKAGE)
    return toy_cases()


def invoke(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["translate", *args], input=input)


def test_txt_file_exact_output(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "story.en.txt"
    src.write_text("\n".join(s for s, _ in toy[:3]) + "\n\n" + toy[3][0] + "\n", encoding="utf-8")
    result = invoke(str(src), "--to", "zz", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    expected = "\n".join(t for _, t in toy[:3]) + "\n\n" + toy[3][1] + "\n"
    assert (tmp_path / "story.zz.txt").read_text(encoding="utf-8") == expected


def test_workers_reach_the_engine_and_keep_the_output(
    tmp_path: Path, toy: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dragoman.engines.argos import ArgosEngine

    seen: list[int] = []
    original = ArgosEngine.__init__

    def spy(self: ArgosEngine, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        seen.append(self.inter_threads)

    monkeypatch.setattr(ArgosEngine, "__init__", spy)
    src = tmp_path / "story.en.txt"
    src.write_text("\n".join(s for s, _ in toy[:4]) + "\n", encoding="utf-8")
    result = invoke(str(src), "--to", "zz", "-q", "--workers", "2", "--no-memory")
    assert result.exit_code == 0, result.output
    assert seen == [2]
    assert (tmp_path / "story.zz.txt").read_text(encoding="utf-8") == "\n".join(t for _, t in toy[:4]) + "\n"
    other = invoke(str(src), "--to", "es", "--engine", "apertium", "--workers", "2")
    assert other.exit_code == 2
    assert "--workers apply to the argos engine only" in other.output


def test_markdown_file_keeps_structure(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    (s0, t0), (s1, t1), (s2, t2) = toy[:3]
    src = tmp_path / "post.md"
    src.write_text(f"# {s0}\n\n- {s1}\n- {s2}\n\n```\ncode stays\n```\n", encoding="utf-8")
    result = invoke(str(src), "--to", "zz", "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "post.zz.md").read_text(encoding="utf-8") == (
        f"# {t0}\n\n- {t1}\n- {t2}\n\n```\ncode stays\n```\n"
    )


def test_html_file_keeps_tags_and_sets_lang(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    (s0, t0), (s1, t1) = toy[:2]
    src = tmp_path / "page.html"
    src.write_text(
        f'<html lang="en"><body><h1>{s0}</h1><p class="x">{s1}</p><script>var a = 1;</script></body></html>\n',
        encoding="utf-8",
    )
    result = invoke(str(src), "--to", "zz", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "page.zz.html").read_text(encoding="utf-8") == (
        f'<html lang="zz"><body><h1>{t0}</h1><p class="x">{t1}</p><script>var a = 1;</script></body></html>\n'
    )


def test_stdin_to_stdout(toy: list[tuple[str, str]]) -> None:
    (s0, t0), (s1, t1) = toy[:2]
    result = invoke("--to", "zz", input=f"{s0}\n{s1}\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{t0}\n{t1}\n"


def test_stdin_with_two_targets_is_a_usage_error() -> None:
    result = invoke("--to", "zz,ms", input="Hello.\n")
    assert result.exit_code == 2
    assert "give one --to language" in result.output


def test_several_files_one_bad_exit_1_with_summary(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    (s0, t0), (s1, t1) = toy[:2]
    (tmp_path / "a.txt").write_text(s0 + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(s1 + "\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    result = invoke(str(tmp_path / "a.txt"), str(tmp_path / "bad.txt"), str(tmp_path / "b.txt"), "--to", "zz", "-q")
    assert result.exit_code == 1
    assert (tmp_path / "a.zz.txt").read_text(encoding="utf-8") == t0 + "\n"
    assert (tmp_path / "b.zz.txt").read_text(encoding="utf-8") == t1 + "\n"
    assert not (tmp_path / "bad.zz.txt").exists()
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {tmp_path / 'bad.txt'}")
    assert lines[-1] == "error: 1 of 3 inputs could not be translated; the others were written"


def test_rerun_is_served_by_the_memory(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(" ".join(s for s, _ in toy[:4]) + "\n", encoding="utf-8")
    first = invoke(str(src), "--to", "zz", "--json")
    assert first.exit_code == 0, first.output
    stats = json.loads(first.stdout)["stats"]
    assert stats["engine_calls"] == 1 and stats["translated"] == 4 and stats["memory_hits"] == 0
    output = (tmp_path / "a.zz.txt").read_text(encoding="utf-8")
    second = invoke(str(src), "--to", "zz", "--json")
    stats = json.loads(second.stdout)["stats"]
    assert stats["engine_calls"] == 0 and stats["memory_hits"] == 4 and stats["translated"] == 0
    assert (tmp_path / "a.zz.txt").read_text(encoding="utf-8") == output
    # A different beam is a different signature: translated again.
    third = invoke(str(src), "--to", "zz", "--beam", "1", "--json")
    assert json.loads(third.stdout)["stats"]["engine_calls"] == 1


def test_an_unchanged_output_file_is_not_rewritten(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(toy[0][0] + "\n", encoding="utf-8")
    out = tmp_path / "a.zz.txt"
    assert invoke(str(src), "--to", "zz", "-q").exit_code == 0
    old = (1_000_000_000, 1_000_000_000)
    os.utime(out, old)
    inode = out.stat().st_ino
    assert invoke(str(src), "--to", "zz", "-q").exit_code == 0
    assert (out.stat().st_mtime, out.stat().st_ino) == (old[1], inode)  # left alone: make and rsync see no change
    # A changed output (edited by hand, or a new translation) is written again.
    out.write_text("edited\n", encoding="utf-8")
    os.utime(out, old)
    assert invoke(str(src), "--to", "zz", "-q").exit_code == 0
    assert out.read_text(encoding="utf-8") == toy[0][1] + "\n"
    assert out.stat().st_mtime != old[1]


def test_report_file(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(toy[0][0] + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = invoke(str(src), "--to", "zz", "--report", str(report), "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["routes"] == {"en->zz": "en->zz"}
    assert data["outputs"] == [
        {"input": str(src), "target": "zz", "route": "en->zz", "output": str(tmp_path / "a.zz.txt"), "segments": 1}
    ]


def test_missing_model_is_one_line_naming_the_install_command(tmp_path: Path, isolated_home: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Hello there.\n", encoding="utf-8")
    result = invoke(str(src), "--to", "fa")
    assert result.exit_code == 1
    assert result.output == (
        "Error: no en->fa model installed — run 'dragoman models install en fa' "
        "or 'dragoman models install FILE.argosmodel' (installed: none)\n"
    )
    # The run stopped before translating: no translation memory was created on the way.
    assert not isolated_home.exists() or not any(isolated_home.rglob("*.sqlite3"))


def test_unsupported_pair_lists_the_installed_pairs(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Hello there.\n", encoding="utf-8")
    result = invoke(str(src), "--to", "qq")
    assert result.exit_code == 1
    assert result.output.endswith("(installed: en->zz)\n")
    assert result.output.count("\n") == 1


def test_install_missing_fetches_the_model_from_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with PackageServer() as server:
        body = TOY_PACKAGE.read_bytes()
        url = server.add("/translate-en_zz-1_0.argosmodel", body)
        meta = {
            "type": "translate",
            "code": "translate-en_zz",
            "name": "English - Toy",
            "from_code": "en",
            "to_code": "zz",
            "from_name": "English",
            "to_name": "Toy",
            "package_version": "1.0",
            "argos_version": "1.9",
            "links": [url],
        }
        monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([meta]))
        src = tmp_path / "a.txt"
        (s0, t0) = toy_cases()[0]
        src.write_text(s0 + "\n", encoding="utf-8")
        refused = invoke(str(src), "--to", "zz")
        assert refused.exit_code == 1 and "dragoman models install en zz" in refused.output
        result = invoke(str(src), "--to", "zz", "--install-missing")
        assert result.exit_code == 0, result.output
        assert "installing en->zz from the package index" in result.stderr
        assert (tmp_path / "a.zz.txt").read_text(encoding="utf-8") == t0 + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--beam", "0"], "Invalid value for '--beam'"),
        (["--compute-type", "int3"], "Invalid value for '--compute-type'"),
        (["--to", "not a code"], "Invalid value for '--to'"),
        (["--from", "zz"], "Invalid value for '--to'"),
        (["--engine", "nope"], "Invalid value for '--engine': unknown engine 'nope'"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], message: str) -> None:
    full = ["--to", "zz", *args] if "--to" not in args else args
    result = invoke(*full, input="Hello.\n")
    assert result.exit_code == 2
    assert message in result.output


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "a.txt"
    src.write_text(toy[0][0] + "\n", encoding="utf-8")
    result = invoke(str(src), "--to", "zz")
    assert result.exit_code == 0
    assert "translating" not in result.stderr
    assert result.stderr.splitlines()[0] == f"wrote {tmp_path / 'a.zz.txt'} (en->zz, 1 segment)"


def test_missing_glossary_from_the_environment_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in every command (docs/cli.md): "FILE: glossary file not found", exit 1 (issue 16 made translate's
    click "does not exist", exit 2, the same as check's and glossary's)."""
    missing = tmp_path / "nope.yaml"
    monkeypatch.setenv("DRAGOMAN_GLOSSARY", str(missing))
    result = invoke("--to", "zz", input="Hello.\n")
    assert result.exit_code == 1
    assert f"{missing}: glossary file not found" in result.output


GLOSSARY = """\
version: 1
languages: [en, ms]
entries:
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, ms: Anwar Ibrahim}
  - id: policy
    terms:
      en: policy
      ms: {term: dasar, forbidden: [polisi]}
"""


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--engine fake`: the word-by-word fake engine of tests/fake_engine.py, through the registry."""
    import dragoman.engines as engines

    monkeypatch.setitem(engines.BUILTIN_ENGINES, "fake", "fake_engine:FakeEngine")


def test_glossary_summary_report_and_strict(tmp_path: Path, fake_engine: None) -> None:
    glossary = tmp_path / "g.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("The president met Anwar Ibrahim today. The government announced a new policy.\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = invoke(
        str(src), "--to", "ms", "--engine", "fake", "-g", str(glossary), "--report", str(report), "--strict"
    )
    assert result.exit_code == 0, result.output
    out = (tmp_path / "a.ms.txt").read_text(encoding="utf-8")
    assert "Anwar Ibrahim" in out and "dasar" in out
    assert result.stderr.splitlines()[0] == "glossary: 2 terms, 2 applied, 0 violations"
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {
        "terms_found": 2,
        "applied": 2,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
    assert [o["entry_id"] for o in data["documents"][0]["occurrences"]] == ["anwar-ibrahim", "policy"]


def test_glossary_in_csv_tsv_or_tbx(tmp_path: Path, fake_engine: None) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Anwar Ibrahim announced a new policy.\n", encoding="utf-8")
    with_header = tmp_path / "terms.csv"
    with_header.write_text("en,ms\nAnwar Ibrahim,Anwar Ibrahim\npolicy,dasar\n", encoding="utf-8")
    result = invoke(str(src), "--to", "ms", "--engine", "fake", "-g", str(with_header), "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "glossary: 2 terms, 2 applied, 0 violations"
    # A two-column file without a header (DeepL's export): --from (default en) and --to say which is which, as
    # with `glossary import`; with two targets nothing says it, and the error names the file, the line and the fix.
    deepl = tmp_path / "deepl.tsv"
    deepl.write_text("policy\tdasar\n", encoding="utf-8")
    result = invoke(str(src), "--to", "ms,fa", "--engine", "fake", "-g", str(deepl))
    assert result.exit_code != 0
    assert result.stderr.strip().splitlines()[-1].startswith(f"Error: {deepl}:1: no header row of language codes — ")
    result = invoke(str(src), "--to", "ms", "--engine", "fake", "-g", str(deepl), "--strict")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.ms.txt").read_text(
        encoding="utf-8"
    ) == "Anwar Ibrohim mengumumkan dasar baru.\n"  # only "policy" is in this glossary


def test_glossary_from_the_environment(tmp_path: Path, fake_engine: None, monkeypatch: pytest.MonkeyPatch) -> None:
    glossary = tmp_path / "g.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    monkeypatch.setenv("DRAGOMAN_GLOSSARY", str(glossary))
    result = invoke("--to", "ms", "--engine", "fake", input="Anwar Ibrahim announced a policy.\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Anwar Ibrahim ") and "dasar" in result.stdout
    assert "glossary: 2 terms, 2 applied, 0 violations" in result.stderr
