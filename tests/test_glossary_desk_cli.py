"""`glossary set|unset|diff` and the lint of what `add`/`set` write: in-place edits keep comments and order."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dragoman.cli import cli
from dragoman.glossary.yamlio import load_glossary

NEWS = """\
# Shared news glossary: reviewed by the desk chiefs
version: 1
languages: [en, ms, fa, zz]
entries:
  # --- places ---
  - id: iran
    type: place
    terms:
      en: {term: Iran, variants: [Iranian]}   # adjective too
      ms: Iran
      fa: ایران
    note: the country

  # --- people ---
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, ms: Anwar Ibrahim, fa: انور ابراهیم}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["glossary", *args])


@pytest.fixture()
def news(tmp_path: Path) -> Path:
    path = tmp_path / "news.yaml"
    path.write_text(NEWS, encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    import difflib

    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_set_changes_one_language_and_keeps_everything_else(news: Path) -> None:
    result = run("set", str(news), "iran", "--to", "ms", "--term", "Republik Islam Iran")
    assert result.exit_code == 0, result.output
    text = news.read_text(encoding="utf-8")
    assert changed_lines(NEWS, text) == (["      ms: Iran"], ["      ms: Republik Islam Iran"])
    entry = load_glossary(news).get("iran")
    assert entry is not None
    assert (entry.term("ms"), entry.variants_for("en"), entry.note) == (
        "Republik Islam Iran",
        ["Iranian"],
        "the country",
    )


def test_set_adds_a_language_variants_and_forbidden_forms(news: Path) -> None:
    assert run("set", str(news), "iran", "-t", "zz", "--term", "Irana", "--variant", "Iranaa").exit_code == 0
    assert run("set", str(news), "anwar-ibrahim", "-t", "ms", "--forbidden", "Anuar Ibrahim").exit_code == 0
    text = news.read_text(encoding="utf-8")
    for comment in ("# Shared news glossary", "# --- places ---", "# adjective too", "# --- people ---"):
        assert comment in text
    glossary = load_glossary(news)
    iran, anwar = glossary.get("iran"), glossary.get("anwar-ibrahim")
    assert iran is not None and anwar is not None
    assert iran.languages() == ["en", "ms", "fa", "zz"]
    assert (iran.term("zz"), iran.variants_for("zz")) == ("Irana", ["Iranaa"])
    assert (anwar.term("ms"), anwar.forbidden_for("ms")) == ("Anwar Ibrahim", ["Anuar Ibrahim"])
    assert list(glossary.entries) == ["iran", "anwar-ibrahim"]


def test_set_fields_and_removing_the_last_field_keeps_the_next_heading(news: Path) -> None:
    assert run("set", str(news), "iran", "--case", "sensitive", "--type", "organization").exit_code == 0
    assert run("set", str(news), "iran", "--note", "").exit_code == 0
    text = news.read_text(encoding="utf-8")
    assert "note:" not in text and "\n\n  # --- people ---\n" in text
    entry = load_glossary(news).get("iran")
    assert entry is not None
    assert (entry.case, entry.type, entry.note, entry.term("fa")) == ("sensitive", "organization", None, "ایران")
    assert run("set", str(news), "iran", "-t", "en", "--no-variants").exit_code == 0
    assert load_glossary(news).get("iran").variants_for("en") == []  # type: ignore[union-attr]
    assert "# adjective too" in news.read_text(encoding="utf-8")


def test_set_an_id_the_file_lacks_adds_it(news: Path) -> None:
    result = run("set", str(news), "putrajaya", "--to", "zz", "--term", "Putrajaya")
    assert result.exit_code == 0, result.output
    assert "added zz of putrajaya" in result.stderr
    entry = load_glossary(news).get("putrajaya")
    assert entry is not None and entry.languages() == ["zz"]
    assert news.read_text(encoding="utf-8").startswith(NEWS)
    refused = run("set", str(news), "tehran", "--note", "capital")
    assert refused.exit_code == 2 and "has no entry 'tehran'" in refused.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--term", "Iran"], "say which language with --to LANG"),
        (["-t", "ms"], "nothing to set"),
        (["-t", "ms", "--term", "  "], "the text is empty"),
        (["-t", "ms", "--variant", "a", "--no-variants"], "not both"),
    ],
)
def test_set_usage_errors(news: Path, args: list[str], message: str) -> None:
    result = run("set", str(news), "iran", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert news.read_text(encoding="utf-8") == NEWS


def test_unset_drops_one_language(news: Path) -> None:
    result = run("unset", str(news), "iran", "fa")
    assert result.exit_code == 0, result.output
    assert changed_lines(NEWS, news.read_text(encoding="utf-8")) == (["      fa: ایران"], [])
    assert load_glossary(news).get("iran").languages() == ["en", "ms"]  # type: ignore[union-attr]
    missing = run("unset", str(news), "iran", "fa")
    assert missing.exit_code == 1 and "entry 'iran' has no fa term" in missing.output
    assert "Traceback" not in missing.output


def test_unset_refuses_the_only_language(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("version: 1\nentries:\n  - id: un\n    terms: {en: UN}\n", encoding="utf-8")
    result = run("unset", str(path), "un", "en")
    assert result.exit_code == 1
    assert "en is the only language of entry 'un'" in result.output and "glossary remove" in result.output


# ---------------------------------------------------------------- add/set lint what they write


def test_add_refuses_a_trailing_space_naming_fix_and_fix_normalises(news: Path) -> None:
    args = [
        "add",
        str(news),
        "--id",
        "palestine",
        "--term",
        "en=Palestine",
        "--term",
        "fa=فلسطین ",
        "--term",
        "ms=Palestin",
        "--term",
        "zz=Palestina",
    ]
    before = news.read_bytes()
    refused = run(*args)  # lint's W004, and export would refuse the term: not written
    assert refused.exit_code == 2, refused.output
    assert "leading or trailing space" in refused.output and "--fix" in refused.output
    assert news.read_bytes() == before
    fixed = run(*args, "--fix")
    assert fixed.exit_code == 0 and "warning" not in fixed.stderr
    assert load_glossary(news).get("palestine").term("fa") == "فلسطین"  # type: ignore[union-attr]


def test_set_fix_writes_persian_yeh(news: Path) -> None:
    warned = run("set", str(news), "iran", "-t", "fa", "--term", "ايران")
    assert warned.exit_code == 0 and "W002 arabic-letters-in-persian" in warned.stderr
    fixed = run("set", str(news), "iran", "-t", "fa", "--term", "ايران", "--fix")
    assert fixed.exit_code == 0 and "W002" not in fixed.stderr
    assert load_glossary(news).get("iran").term("fa") == "ایران"  # type: ignore[union-attr]


def test_lint_errors_refuse_the_edit_naming_the_fix(news: Path) -> None:
    result = run("set", str(news), "iran", "-t", "ms", "--forbidden", "Iran")
    assert result.exit_code == 1
    assert "E003 forbidden-equals-preferred" in result.output and "nothing written" in result.output
    assert "remove one of them" in result.output
    assert news.read_text(encoding="utf-8") == NEWS
    added = run("add", str(news), "--id", "x", "--term", "en=X", "--forbidden", "en=X")
    assert added.exit_code == 1 and "E003" in added.output
    assert news.read_text(encoding="utf-8") == NEWS


# ---------------------------------------------------------------- diff

OLD = """\
version: 1
entries:
  - id: iran
    type: place
    terms:
      en: {term: Iran, variants: [Iranian]}
      ms: Iran
  - id: gone
    terms: {en: Gone}
  - id: same
    terms: {en: Same}
"""

NEW = """\
version: 1
entries:
  - id: same
    terms: {en: Same}
  - id: iran
    type: place
    note: the country
    terms:
      en: Iran
      ms: {term: Republik Islam Iran, forbidden: [Parsi]}
      zz: Irana
  - id: fresh
    terms: {en: Fresh, ms: Baru}
"""


def test_diff_of_two_files(tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    result = run("diff", str(old), str(new))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "+ fresh: en 'Fresh', ms 'Baru'",
        "- gone: en 'Gone'",
        "~ iran: en variants ['Iranian'] -> (removed)",
        "~ iran: ms 'Iran' -> 'Republik Islam Iran'",
        "~ iran: ms forbidden (none) -> ['Parsi']",
        "~ iran: zz (none) -> 'Irana'",
        "~ iran: note (none) -> 'the country'",
    ]
    assert f"{old} -> {new}: 1 added, 1 removed, 1 changed" in result.stderr
    data = json.loads(run("diff", str(old), str(new), "--json").stdout)
    assert data["summary"] == {"added": 1, "removed": 1, "changed": 1}
    assert [e["id"] for e in data["added"]] == ["fresh"] and [e["id"] for e in data["removed"]] == ["gone"]
    (changed,) = data["changed"]
    assert changed["id"] == "iran"
    assert changed["changes"][1] == {"lang": "ms", "field": "term", "before": "Iran", "after": "Republik Islam Iran"}
    same = run("diff", str(old), str(old))
    assert same.stdout == "" and "0 added, 0 removed, 0 changed" in same.stderr


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent)}
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Desk",
            "-c",
            "user.email=desk@example.org",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
        env=env,
    )


def test_diff_between_git_revisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / "glossaries").mkdir(parents=True)
    path = repo / "glossaries" / "news.yaml"
    _git(repo, "init", "-q")
    path.write_text(OLD, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "old")
    path.write_text(NEW, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "new")
    path.write_text(NEW.replace("Irana", "Iranaa"), encoding="utf-8")  # not committed
    two_revs = run("diff", str(path), "--rev", "HEAD~1", "--rev", "HEAD", "--json")
    assert two_revs.exit_code == 0, two_revs.output
    assert json.loads(two_revs.stdout)["summary"] == {"added": 1, "removed": 1, "changed": 1}
    against_now = run("diff", str(path), "--rev", "HEAD")
    assert against_now.stdout.splitlines() == ["~ iran: zz 'Irana' -> 'Iranaa'"]
    monkeypatch.chdir(repo / "glossaries")  # a relative path from inside the work tree
    relative = run("diff", "news.yaml", "--rev", "HEAD~1")
    assert relative.exit_code == 0 and "~ iran: zz (none) -> 'Iranaa'" in relative.stdout
    bad = run("diff", "news.yaml", "--rev", "no-such-rev")
    assert bad.exit_code == 1 and "cannot read revision 'no-such-rev'" in bad.output
    assert len(bad.output.strip().splitlines()) == 1


def test_diff_rev_outside_a_git_repository_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "news.yaml"
    path.write_text(OLD, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["glossary", "diff", str(path), "--rev", "HEAD~1"], env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    )
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {path}: not in a git repository — --rev needs a file in a git work tree; compare two files: OLD NEW"
    )


def test_set_edits_one_entry_of_a_long_file_by_its_lines_only(tmp_path: Path) -> None:
    from dragoman.glossary.editor import GlossaryEditor

    lines = ["version: 1", "languages: [en, ms]", "entries:"]
    for i in range(300):
        lines += [f"  # entry {i}", f"  - id: e{i}", f"    terms: {{en: 'Term {i}', ms: \"Istilah {i}\"}}", ""]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    with GlossaryEditor(path) as editor:
        editor.set_terms("e150", "ms", term="Istilah seratus lima puluh")
        editor.set_field("e7", "note", "seventh")
        assert editor._data is None  # the whole file was never round-tripped
    after = path.read_text(encoding="utf-8")
    assert changed_lines(text, after) == (
        ["    terms: {en: 'Term 150', ms: \"Istilah 150\"}"],
        ["    note: seventh", "    terms: {en: 'Term 150', ms: \"Istilah seratus lima puluh\"}"],
    )
    glossary = load_glossary(path)
    assert glossary.get("e150").term("ms") == "Istilah seratus lima puluh"  # type: ignore[union-attr]
    assert glossary.get("e7").note == "seventh" and len(glossary) == 300  # type: ignore[union-attr]


def test_set_in_a_flow_list_of_entries_edits_the_whole_tree(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("version: 1\nentries: [{id: x, terms: {en: X}}, {id: y, terms: {en: Y}}]\n", encoding="utf-8")
    assert run("set", str(path), "y", "-t", "ms", "--term", "Ye").exit_code == 0
    glossary = load_glossary(path)
    assert glossary.get("y").term("ms") == "Ye" and glossary.get("x").term("en") == "X"  # type: ignore[union-attr]
