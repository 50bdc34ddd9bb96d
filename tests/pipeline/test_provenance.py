"""Provenance: reports and memory records name the glossary files, entry versions and model package; a re-run
after a glossary edit names the outputs that changed and the entries why. The tiny real model, end to end."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE

from dragoman import config, packages
from dragoman.cli import cli
from dragoman.glossary.layers import load_glossaries
from dragoman.pipeline.provenance import changes_since, entry_version

BASE = """\
version: 1
languages: [en, zz]
entries:
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, zz: Anwar Ibrahim}
  - id: kuala-lumpur
    type: place
    terms: {en: Kuala Lumpur, zz: Kuala Lumpur}
  - id: unused
    terms: {en: Putrajaya, zz: Putrajaya}
"""
DESK = """\
version: 1
entries:
  - id: government
    terms: {en: government, zz: pentadbiran}
"""
FIRST = "Prime Minister Anwar Ibrahim spoke in Kuala Lumpur.\n"
SECOND = "The new government met.\n"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def desk(tmp_path: Path) -> dict[str, Path]:
    packages.install_file(TOY_PACKAGE)
    paths = {
        "base": tmp_path / "base.yaml",
        "desk": tmp_path / "desk.yaml",
        "first": tmp_path / "first.en.txt",
        "second": tmp_path / "second.en.txt",
        "report": tmp_path / "report.json",
    }
    for name, text in (("base", BASE), ("desk", DESK), ("first", FIRST), ("second", SECOND)):
        paths[name].write_text(text, encoding="utf-8")
    return paths


def translate(paths: dict[str, Path]) -> Any:
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            str(paths["first"]),
            str(paths["second"]),
            "--to",
            "zz",
            "-g",
            str(paths["base"]),
            "-g",
            str(paths["desk"]),
            "--report",
            str(paths["report"]),
        ],
    )
    assert result.exit_code == 0, result.output
    return result


def toy_package() -> dict[str, Any]:
    (pkg,) = packages.scan_installed().packages
    return {"name": pkg.code, "version": pkg.package_version, "sha256": sha(TOY_PACKAGE), "pair": "en->zz"}


@pytest.mark.slow
def test_report_memory_and_rerun_carry_provenance(desk: dict[str, Path]) -> None:
    translate(desk)
    report = json.loads(desk["report"].read_text(encoding="utf-8"))
    assert next(iter(report)) == "provenance"  # at the top
    prov = report["provenance"]
    assert prov["glossaries"] == [
        {"path": str(desk["base"]), "sha256": sha(desk["base"])},
        {"path": str(desk["desk"]), "sha256": sha(desk["desk"])},
    ]
    glossary = load_glossaries([desk["base"], desk["desk"]])
    used = {e["id"]: e for e in prov["entries"]}
    assert set(used) == {"anwar-ibrahim", "kuala-lumpur", "government"}  # "unused" is not in the articles
    for entry_id, record in used.items():
        assert record["version"] == entry_version(glossary.get(entry_id))  # type: ignore[arg-type]
    assert used["government"]["file"] == str(desk["desk"])
    assert prov["models"] == [toy_package()]
    outputs = {Path(o["input"]).name: o for o in prov["outputs"]}
    assert set(outputs["first.en.txt"]["entries"]) == {"anwar-ibrahim", "kuala-lumpur"}
    assert set(outputs["second.en.txt"]["entries"]) == {"government"}
    written = Path(outputs["first.en.txt"]["output"]).read_text(encoding="utf-8")
    assert outputs["first.en.txt"]["sha256"] == hashlib.sha256(written.encode()).hexdigest()

    # Every translation memory record says what produced it.
    with sqlite3.connect(config.cache_path()) as conn:
        rows = [json.loads(raw) for (raw,) in conn.execute("SELECT provenance FROM entries")]
    assert len(rows) == 2
    for row in rows:
        assert row["glossaries"] == prov["glossaries"]
        assert row["models"] == [toy_package()]
        (signature,) = row["signatures"]
        assert signature.startswith("engine=argos") and f"package={toy_package()['name']}@" in signature
    by_entries = sorted(sorted(e["id"] for e in row["entries"]) for row in rows)
    assert by_entries == [["anwar-ibrahim", "kuala-lumpur"], ["government"]]

    # Edit one entry of the desk layer: the re-run names the output that changed and the entry why.
    desk["desk"].write_text(DESK.replace("pentadbiran", "kerajaan"), encoding="utf-8")
    rerun = translate(desk)
    again = json.loads(desk["report"].read_text(encoding="utf-8"))["provenance"]
    (change,) = again["changes_since_last_report"]
    assert Path(change["input"]).name == "second.en.txt"
    assert [e["id"] for e in change["entries"]] == ["government"]
    assert change["entries"][0]["before"] == outputs["second.en.txt"]["entries"]["government"]
    assert change["glossaries"] == [str(desk["desk"])]
    assert (
        f"note: {change['output']} (zz) changed since the last report, because of government (edited)" in rerun.stderr
    )
    assert "first.zz.txt" not in "".join(line for line in rerun.stderr.splitlines() if "changed since" in line)


def test_models_list_json_has_name_version_and_sha256() -> None:
    packages.install_file(TOY_PACKAGE)
    result = CliRunner().invoke(cli, ["models", "list", "--json"])
    assert result.exit_code == 0, result.output
    (record,) = [r for r in json.loads(result.stdout) if r["engine"] == "argos"]
    expected = toy_package()
    assert (record["code"], record["package_version"], record["sha256"]) == (
        expected["name"],
        expected["version"],
        expected["sha256"],
    )


def test_changes_since_names_entries_models_and_files() -> None:
    before = {
        "glossaries": [{"path": "a.yaml", "sha256": "1"}],
        "models": [{"name": "m", "version": "1.0", "sha256": "x", "pair": "en->zz"}],
        "outputs": [
            {"input": "a", "target": "zz", "output": "a.zz", "sha256": "t1", "entries": {"iran": "v1", "un": "u1"}},
            {"input": "b", "target": "zz", "output": "b.zz", "sha256": "t2", "entries": {"un": "u1"}},
        ],
    }
    after = {
        "glossaries": [{"path": "a.yaml", "sha256": "2"}],
        "models": [{"name": "m", "version": "1.1", "sha256": "y", "pair": "en->zz"}],
        "outputs": [
            {"input": "a", "target": "zz", "output": "a.zz", "sha256": "t9", "entries": {"iran": "v2", "fresh": "f1"}},
            {"input": "b", "target": "zz", "output": "b.zz", "sha256": "t2", "entries": {"un": "u1"}},
        ],
    }
    (change,) = changes_since(before, after)
    assert change["entries"] == [
        {"id": "iran", "before": "v1", "after": "v2"},
        {"id": "fresh", "before": None, "after": "f1"},
        {"id": "un", "before": "u1", "after": None},
    ]
    assert change["glossaries"] == ["a.yaml"] and change["models"] == ["m"]


def test_entry_version_changes_with_content_not_with_origin() -> None:
    from dragoman.glossary.model import Entry, LangTerms, Origin

    a = Entry("iran", {"en": LangTerms("Iran")}, origin=Origin("a.yaml", 3))
    b = Entry("iran", {"en": LangTerms("Iran")}, origin=Origin("b.yaml", 9))
    c = Entry("iran", {"en": LangTerms("Iran", ["Persia"])})
    assert entry_version(a) == entry_version(b) != entry_version(c)
    assert len(entry_version(a)) == 12


def test_memory_records_carry_the_provenance_set_on_the_memory(tmp_path: Path) -> None:
    from dragoman.cache import TranslationMemory

    class Fixed:
        def record(self, metadata: Any) -> dict[str, Any]:
            ids = [o["entry_id"] for o in (metadata or {}).get("occurrences", [])]
            return {"glossaries": [{"path": "g.yaml", "sha256": "abc"}], "entries": ids}

    path = tmp_path / "tm.sqlite3"
    with TranslationMemory(path) as memory:
        memory.put_many({"before": "x"})
        memory.provenance = Fixed()
        memory.put_many({"k": "t"}, {"k": {"occurrences": [{"entry_id": "iran"}]}})
        assert memory.get_provenance("k") == {"glossaries": [{"path": "g.yaml", "sha256": "abc"}], "entries": ["iran"]}
        assert memory.get_provenance("before") is None  # written without provenance
        assert memory.get_provenance("missing") is None
