"""Repair, then report: a third-party engine (entry point `dragoman.engines`) damages chosen segments each way the
checks know; every damaged segment comes out sound (repaired) or is reported (flagged), and --strict exits 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE

from dragoman import packages
from dragoman.cli import cli
from dragoman.engines import available_engines, create_engine, engine_class
from dragoman.integrity import FLAGGED, REPAIRED, check_pair
from dragoman.pipeline.routes import Route
from dragoman.pipeline.translator import Translator

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"

# One sentence per kind of damage; the marker word picks the segment the engine damages.
DAMAGED = {
    "loop": ("The committee met on Tuesday in the capital.", "committee", "repetition"),
    "numbers": ("The budget grew by 12 percent in 2019.", "budget", "numbers"),
    "empty": ("The minister spoke to reporters at noon.", "minister", "empty"),
    "untranslated": ("the workers said that the new rules were unfair to them.", "workers", "untranslated"),
    "length": ("The council approved the plan after a long and difficult debate.", "council", "length"),
    "markup": ("Read the full statement at https://example.org/statement today.", "statement", "markup"),
}
CLEAN = "The weather was calm all day."
GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: pezeshkian
    type: person
    terms: {en: Masoud Pezeshkian, zz: Masoud Pezeshkian}
"""
DEBRIS = "President Masoud Pezeshkian arrived in the city."


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test distribution (tests/plugins: a module and its .dist-info with entry_points.txt) on sys.path, as
    `pip install` would put it: dragoman finds its engines through importlib.metadata like any third party's."""
    monkeypatch.syspath_prepend(str(PLUGINS))


def faults(monkeypatch: pytest.MonkeyPatch, persistent: bool) -> None:
    mapping = {marker: kind + ("!" if persistent else "") for kind, (_, marker, _) in DAMAGED.items()}
    mapping["arrived"] = "debris!" if persistent else "debris"
    monkeypatch.setenv("DRAGOMAN_FAULTY_FAULTS", json.dumps(mapping))


def run_cli(tmp_path: Path, *extra: str) -> tuple[Any, dict[str, Any], str]:
    article = tmp_path / "news.en.txt"
    article.write_text("\n\n".join([CLEAN, *(s for s, _, _ in DAMAGED.values()), DEBRIS]) + "\n", encoding="utf-8")
    glossary = tmp_path / "g.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        ["translate", str(article), "-e", "faulty", "--to", "zz", "-g", str(glossary), "--report", str(report), *extra],
    )
    return (
        result,
        json.loads(report.read_text(encoding="utf-8")),
        (tmp_path / "news.zz.txt").read_text(encoding="utf-8"),
    )


def test_the_engine_is_registered_as_a_third_party_one(plugin: None) -> None:
    assert {"faulty", "ntrex-reference"} <= set(available_engines())
    assert engine_class("faulty").__module__ == "dragoman_faulty"


def test_damage_that_a_safer_retry_avoids_is_repaired(
    plugin: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults(monkeypatch, persistent=False)
    result, report, output = run_cli(tmp_path, "--strict")
    assert result.exit_code == 0, result.output
    (doc,) = report["documents"]
    found = {(item["check"], item["segment"]) for item in doc["integrity"]}
    for index, (_, _, check) in enumerate(DAMAGED.values(), start=1):
        assert (check, index) in found, (check, doc["integrity"])
    assert ("placeholder-debris", len(DAMAGED) + 1) in found
    assert {item["action"] for item in doc["integrity"]} == {REPAIRED}
    assert report["summary"]["integrity"] == 0 and report["stats"]["repaired"] == len(DAMAGED) + 1
    assert all(item["segment"] != 0 for item in doc["integrity"])  # the clean segment is not touched
    # The file holds sound translations: no loop, no debris, the number, the URL, a translation for each.
    assert "Iron Iron" not in output and "ZXQ" not in output
    assert "12" in output and "2019" in output and "https://example.org/statement" in output
    assert "Masoud Pezeshkian" in output and "the workers said" not in output
    assert len([line for line in output.splitlines() if line.strip()]) == len(DAMAGED) + 2
    assert "integrity: 0 flagged" in result.stderr
    # The term is still enforced and located in the repaired text (debris cut out, spans moved with it).
    (occurrence,) = doc["occurrences"]
    assert (occurrence["status"], occurrence["target_text"]) == ("applied", "Masoud Pezeshkian")
    # The repaired translations went into the translation memory: a re-run finds them sound, nothing to repair.
    again, second, rerun = run_cli(tmp_path, "--strict")
    assert again.exit_code == 0 and rerun == output
    assert second["stats"]["memory_hits"] == second["stats"]["unique"] and second["stats"]["retried"] == 0
    assert second["documents"][0]["integrity"] == []


def test_damage_that_persists_is_flagged_and_strict_fails(
    plugin: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults(monkeypatch, persistent=True)
    result, report, _ = run_cli(tmp_path, "--strict")
    assert result.exit_code == 1, result.output
    (doc,) = report["documents"]
    flagged = {item["check"] for item in doc["integrity"] if item["action"] == FLAGGED}
    assert flagged == {check for _, _, check in DAMAGED.values()}
    # Debris is cut out (what is left is a sound sentence), so it is repaired even when every call leaves it.
    assert [i["action"] for i in doc["integrity"] if i["check"] == "placeholder-debris"] == [REPAIRED]
    assert report["summary"]["integrity"] == len([i for i in doc["integrity"] if i["action"] == FLAGGED])
    lines = {item["check"]: item["line"] for item in doc["integrity"]}
    assert lines["repetition"] == 3 and lines["markup"] == 13  # where the segment is in the input file
    assert f"integrity: {report['summary']['integrity']} flagged" in result.stderr
    assert "repetition: " in result.stderr and "news.en.txt:3" in result.stderr
    # Without --strict the run succeeds: findings are reported, not errors.
    again, _, _ = run_cli(tmp_path, "--no-memory")
    assert again.exit_code == 0, again.output


def test_retries_use_the_declared_decoding_controls(plugin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    faults(monkeypatch, persistent=True)
    engine = create_engine("faulty")
    translator = Translator(engine, None)
    (result,) = translator.translate([DAMAGED["loop"][0]], Route("en", "zz", (("en", "zz"),)))
    assert {o.action for o in result.integrity} == {FLAGGED}
    assert "repetition" in {o.finding.check for o in result.integrity}
    first, *retries = engine.calls  # type: ignore[attr-defined]
    assert first[1].no_repeat_ngram_size == 0 and first[1].max_length_ratio is None
    assert retries and all(o.no_repeat_ngram_size > 0 and o.max_length_ratio for _, o in retries)
    assert translator.stats.flagged == 1 and translator.stats.retried == len(retries)


def test_clean_output_is_not_flagged_on_all_ntrex_lines(plugin: None) -> None:
    """A clean engine (the professional NTREX references) through the translator: at most 1 % of lines flagged."""
    lines = (
        (Path(__file__).resolve().parents[1] / "data" / "ntrex" / "newstest2019-src.eng.txt")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    engine = create_engine("ntrex-reference")
    for target in ("fa", "ms"):
        translator = Translator(engine, None)
        results = translator.translate(lines, Route("en", target, (("en", target),)))
        flagged = [r for r in results if any(o.action == FLAGGED for o in r.integrity)]
        assert len(flagged) <= len(lines) / 100, (target, len(flagged))


def test_the_table_cell_case_with_the_real_toy_model(tmp_path: Path) -> None:
    """The issue's case: a Markdown table cell holding only a glossary name came out as a loop of placeholder
    debris. Now the output has no debris and no loop, or the segment is reported."""
    packages.install_file(TOY_PACKAGE)
    article = tmp_path / "call-news.md"
    article.write_text("| Who | Where |\n|---|---|\n| Masoud Pezeshkian | Iran |\n", encoding="utf-8")
    glossary = tmp_path / "g.yaml"
    glossary.write_text(GLOSSARY + "  - id: iran\n    terms: {en: Iran, zz: Iran}\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["translate", str(article), "--to", "zz", "-g", str(glossary), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    flagged = {item["segment"] for doc in data["documents"] for item in doc["integrity"] if item["action"] == FLAGGED}
    cells = (tmp_path / "call-news.zz.md").read_text(encoding="utf-8").splitlines()[2].strip("|").split("|")
    from dragoman.integrity import SegmentPair

    for index, (source, cell) in enumerate(zip(("Masoud Pezeshkian", "Iran"), cells), start=2):
        sound = not check_pair(SegmentPair(source, cell.strip(), "en", "zz", placeholder_forms=("ZXQ{n}",)))
        assert sound or index in flagged, (source, cell)
    assert "ZXQ" not in cells[0] and "Masoud Pezeshkian" in cells[0]


def test_the_python_api_reports_the_findings(plugin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from dragoman.api import translate

    faults(monkeypatch, persistent=True)
    result = translate(
        DAMAGED["numbers"][0], source="en", target="zz", engine=create_engine("faulty"), use_memory=False
    )
    assert [(i["check"], i["action"]) for i in result.integrity] == [("numbers", FLAGGED), ("numbers", FLAGGED)]
    assert result.summary["integrity"] == 2
