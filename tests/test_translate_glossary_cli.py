"""`dragoman translate -g` from the command line: the tiny real model end to end, drafts, strict, model install prompts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fake_engine import FakeEngine, Fault
from helpers.package_server import PackageServer
from helpers.toy import TOY_PACKAGE

from dragoman import packages
from dragoman.cli import cli
from dragoman.commands import translate_cmd

GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: pezeshkian
    type: person
    dnt: true
    terms:
      en: Pezeshkian
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, zz: Anwar Ibrahim}
  - id: kuala-lumpur
    type: place
    terms:
      en: Kuala Lumpur
      zz: {term: Kuala Lumpur, forbidden: [Kuolo Lumpur]}
  - id: government
    terms:
      en: government
      zz: {term: pentadbiran, variants: [kerajaan]}
  - id: talks
    terms:
      en: talks
      zz: {term: perbincangan, forbidden: [rundingan]}
  - id: tehran
    status: draft
    terms: {en: Tehran, zz: Teheran}
"""

ARTICLE = (
    "The new government discussed the difficult talks. "
    "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur.\n"
    "\n"
    "The big Malaysian delegation visited Tehran on Monday. "
    "Anwar called President Pezeshkian about the new economic agreement.\n"
)
# What the toy model says by itself (names respelled, adjectives after their nouns):
#   Kerajaan baru membincangkan rundingan sukar. Presiden Pizishkion bertemu Perdana Menteri Onwor Ibrohim
#   di Kuolo Lumpur. / Delegasi Malaysia besar melawat Tihron pada Isnin. Onwor menelefon Presiden Pizishkion ...
# With the glossary: the names as written, the preferred terms (capitalised at the sentence start and still
# before the adjective that follows the noun), the draft entry (Tehran) left alone.
ENFORCED = (
    "Pentadbiran baru membincangkan perbincangan sukar. "
    "Presiden Pezeshkian bertemu Perdana Menteri Anwar Ibrahim di Kuala Lumpur.\n"
    "\n"
    "Delegasi Malaysia besar melawat Tihron pada Isnin. "
    "Onwor menelefon Presiden Pezeshkian tentang perjanjian ekonomi baru.\n"
)


def invoke(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["translate", *args], input=input)


@pytest.fixture
def article(tmp_path: Path) -> tuple[Path, Path]:
    """The toy package installed, an article and its glossary written; returns (article, glossary)."""
    packages.install_file(TOY_PACKAGE)
    src = tmp_path / "call.en.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    glossary = tmp_path / "desk.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    return src, glossary


@pytest.mark.slow
def test_real_model_glossary_run_output_summary_report_and_memory(tmp_path: Path, article: tuple[Path, Path]) -> None:
    src, glossary = article
    report = tmp_path / "report.json"
    first = invoke(str(src), "--to", "zz", "-g", str(glossary), "--report", str(report), "--strict")
    assert first.exit_code == 0, first.output
    assert (tmp_path / "call.zz.txt").read_text(encoding="utf-8") == ENFORCED
    lines = first.stderr.splitlines()
    assert lines[:3] == [
        "glossary: 6 terms, 6 applied, 0 violations",
        f"  {src} (en->zz): 6 terms, 6 applied, 0 violations",
        f"wrote {tmp_path / 'call.zz.txt'} (en->zz, 4 segments)",
    ]
    # Not probed yet: the run says how to calibrate (and works without it).
    assert lines[3] == (
        "note: the en->zz model's placeholder form is not calibrated: 'dragoman models probe en zz' (once) "
        "measures which form it copies, so that enforcement needs fewer retries"
    )
    assert lines[4].startswith("4 unique segments: 0 from the translation memory, 4 translated in ")

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {
        "terms_found": 6,
        "applied": 6,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
    (doc,) = data["documents"]
    assert (doc["path"], doc["source"], doc["target"], doc["output"]) == (
        str(src),
        "en",
        "zz",
        str(tmp_path / "call.zz.txt"),
    )
    found = [
        (o["entry_id"], o["source_text"], o["line"], o["column"], o["required"], o["target_text"], o["status"])
        for o in doc["occurrences"]
    ]
    assert found == [
        ("government", "government", 1, 9, "pentadbiran", "Pentadbiran", "applied"),
        ("talks", "talks", 1, 44, "perbincangan", "perbincangan", "applied"),
        ("pezeshkian", "Pezeshkian", 1, 61, "Pezeshkian", "Pezeshkian", "applied"),
        ("anwar-ibrahim", "Anwar Ibrahim", 1, 91, "Anwar Ibrahim", "Anwar Ibrahim", "applied"),
        ("kuala-lumpur", "Kuala Lumpur", 1, 108, "Kuala Lumpur", "Kuala Lumpur", "applied"),
        ("pezeshkian", "Pezeshkian", 3, 79, "Pezeshkian", "Pezeshkian", "applied"),
    ]
    for occ in doc["occurrences"]:
        assert set(occ) >= {"source_start", "source_end", "entry_id", "required", "strategy", "status"}
        assert occ["strategy"] in {"model", "placeholder", "in-context"}
        assert ARTICLE.splitlines()[occ["line"] - 1][occ["column"] - 1 :].startswith(occ["source_text"])

    # Unchanged article: everything from the translation memory, same output and report.
    again = invoke(str(src), "--to", "zz", "-g", str(glossary), "--report", str(report))
    assert again.exit_code == 0, again.output
    assert "4 unique segments: 4 from the translation memory, 0 translated in 0 engine calls" in again.stderr
    assert (tmp_path / "call.zz.txt").read_text(encoding="utf-8") == ENFORCED
    assert json.loads(report.read_text(encoding="utf-8"))["summary"] == data["summary"]

    # One entry edited: only the one segment it touches goes to the engine again.
    glossary.write_text(GLOSSARY.replace("term: perbincangan", "term: diskusi"), encoding="utf-8")
    edited = invoke(str(src), "--to", "zz", "-g", str(glossary))
    assert edited.exit_code == 0, edited.output
    assert "4 unique segments: 3 from the translation memory, 1 translated in " in edited.stderr
    assert (tmp_path / "call.zz.txt").read_text(encoding="utf-8") == ENFORCED.replace("perbincangan", "diskusi")


@pytest.mark.slow
def test_drafts_are_enforced_only_with_use_drafts(tmp_path: Path, article: tuple[Path, Path]) -> None:
    src, glossary = article
    src.write_text("The big Malaysian delegation visited Tehran on Monday.\n", encoding="utf-8")
    plain = invoke(str(src), "--to", "zz", "-g", str(glossary), "-q")
    assert plain.exit_code == 0, plain.output
    assert (tmp_path / "call.zz.txt").read_text(
        encoding="utf-8"
    ) == "Delegasi Malaysia besar melawat Tihron pada Isnin.\n"
    drafts = invoke(str(src), "--to", "zz", "-g", str(glossary), "--use-drafts")
    assert drafts.exit_code == 0, drafts.output
    assert (tmp_path / "call.zz.txt").read_text(
        encoding="utf-8"
    ) == "Delegasi Malaysia besar melawat Teheran pada Isnin.\n"
    assert drafts.stderr.splitlines()[0] == "glossary: 1 term, 1 applied, 0 violations"
    # The memory keeps the two apart: without --use-drafts the draft is left alone again, from the memory.
    back = invoke(str(src), "--to", "zz", "-g", str(glossary))
    assert "0 translated in 0 engine calls" in back.stderr
    assert (tmp_path / "call.zz.txt").read_text(
        encoding="utf-8"
    ) == "Delegasi Malaysia besar melawat Tihron pada Isnin.\n"


def test_glossary_without_the_target_language_warns(tmp_path: Path, article: tuple[Path, Path]) -> None:
    _, glossary = article
    # A do-not-translate entry would hold in every language: this glossary has none.
    glossary.write_text(
        "version: 1\nlanguages: [en, fa]\nentries:\n  - id: gov\n    terms: {en: government, fa: دولت}\n",
        encoding="utf-8",
    )
    result = invoke("--to", "zz", "-g", str(glossary), input="The new government discussed the difficult talks.\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Kerajaan baru membincangkan rundingan sukar.\n"
    assert result.stderr.splitlines()[0] == (
        f"warning: {glossary} has no zz terms; nothing will be enforced in the zz translation"
    )


# --- faults the enforcement cannot repair: reported on stderr and in the exit status with --strict ---------------

FAULT_GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: gov
    terms:
      en: government
      zz: {term: pemerintah, forbidden: [rejim]}
  - id: anwar
    type: person
    terms: {en: Anwar, zz: Anwar}
"""


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--engine` gets a fake model that paraphrases "government" in sentences (not alone), drops the first
    placeholder, emits the forbidden "rejim" for "today" and has no attention: every strategy fails."""
    from dragoman import engines

    faults = [
        Fault("paraphrase", "government", to="pentadbiran", alone=False),
        Fault("drop", "#1"),
        Fault("forbidden", "today", to="rejim"),
    ]
    monkeypatch.setattr(engines, "create_engine", lambda name, **options: FakeEngine(faults=faults, attention=False))


def test_violation_and_forbidden_term_are_reported_and_strict_exits_1(tmp_path: Path, faulty: None) -> None:
    glossary = tmp_path / "g.yaml"
    glossary.write_text(FAULT_GLOSSARY, encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("The new government met.\nAnwar visited the country today.\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = invoke(str(src), "--to", "zz", "-g", str(glossary), "--report", str(report), "--strict")
    assert result.exit_code == 1
    assert (tmp_path / "a.zz.txt").read_text(
        encoding="utf-8"
    ) == "Pentadbiran baru bertemu.\nAnwar melawat negara rejim.\n"
    assert result.stderr.splitlines()[:4] == [
        "glossary: 2 terms, 1 applied, 1 violation, 1 forbidden found",
        f"  {src} (en->zz): 2 terms, 1 applied, 1 violation, 1 forbidden found",
        (
            f"    violated: {src}:1:9: 'government' should be 'pemerintah' [gov] — rendering of the term not found "
            "in the output (tried: in-context, placeholder)"
        ),
        (
            f"    forbidden-found: {src}:2: forbidden 'rejim' in the sentence [gov] — no source term asked for it; "
            "use 'pemerintah'"
        ),
    ]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {
        "terms_found": 2,
        "applied": 1,
        "variants": 0,
        "violations": 1,
        "forbidden_found": 1,
        "integrity": 0,
    }
    stray = data["documents"][0]["occurrences"][-1]
    assert {
        k: stray[k] for k in ("segment", "source_start", "line", "entry_id", "required", "status", "target_text")
    } == {
        "segment": 1,
        "source_start": None,
        "line": 2,
        "entry_id": "gov",
        "required": "pemerintah",
        "status": "forbidden-found",
        "target_text": "rejim",
    }
    # `dragoman check` on the same files counts the same forbidden term.
    checked = CliRunner().invoke(
        cli,
        ["check", str(src), str(tmp_path / "a.zz.txt"), "--from", "en", "--to", "zz", "-g", str(glossary), "--json"],
    )
    assert json.loads(checked.stdout)["summary"]["forbidden_found"] == 1
    # Without --strict the same run succeeds (the problems are still reported).
    relaxed = invoke(str(src), "--to", "zz", "-g", str(glossary))
    assert relaxed.exit_code == 0
    assert "violated:" in relaxed.stderr


# --- a missing model: asked on a terminal, installed with --install-missing, one line when offline ---------------


def _index(server: PackageServer) -> str:
    url = server.add("/translate-en_zz-1_0.argosmodel", TOY_PACKAGE.read_bytes())
    entry = {
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
    return server.add_index([entry])


@pytest.mark.parametrize(("answer", "installed"), [("y\n", True), ("n\n", False)])
def test_on_a_terminal_the_missing_model_is_offered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, installed: bool
) -> None:
    src = tmp_path / "a.txt"
    src.write_text("The new government discussed the difficult talks.\n", encoding="utf-8")
    monkeypatch.setattr(translate_cmd, "_interactive", lambda: True)
    with PackageServer() as server:
        monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", _index(server))
        result = invoke(str(src), "--to", "zz", input=answer)
    assert result.stderr.startswith(
        "no en->zz model installed. Download and install en->zz from the package index? [y/N]: "
    )
    if installed:
        assert result.exit_code == 0, result.output
        assert "installed English - Zedish (toy test model) 1.0" in result.stderr
        assert (tmp_path / "a.zz.txt").read_text(encoding="utf-8") == "Kerajaan baru membincangkan rundingan sukar.\n"
    else:
        assert result.exit_code == 1
        assert result.stderr.splitlines()[-1] == (
            "Error: no en->zz model installed — run 'dragoman models install en zz' "
            "or 'dragoman models install FILE.argosmodel' (installed: none)"
        )
        assert packages.list_installed() == []


def test_install_missing_offline_says_in_one_line_how_to_install_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = PackageServer().start()
    url = closed.url("/index.json")
    closed.stop()  # nothing listens there: as good as offline
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    src = tmp_path / "a.txt"
    src.write_text("The new government discussed the difficult talks.\n", encoding="utf-8")
    result = invoke(str(src), "--to", "ms", "--install-missing")
    assert result.exit_code == 1
    first, error = result.stderr.splitlines()
    assert first == "installing en->ms from the package index ..."
    assert error.startswith(f"Error: cannot download the package index from {url} (")
    assert error.endswith(") — offline? install a model file with 'dragoman models install FILE.argosmodel'")
    assert not (tmp_path / "a.ms.txt").exists()


def test_calibrated_model_needs_no_note_and_gives_the_same_output(tmp_path: Path, article: tuple[Path, Path]) -> None:
    src, glossary = article
    probed = CliRunner().invoke(cli, ["models", "probe", "en", "zz"])
    assert probed.exit_code == 0, probed.output
    result = invoke(str(src), "--to", "zz", "-g", str(glossary), "--no-memory")
    assert result.exit_code == 0, result.output
    assert "not calibrated" not in result.stderr
    assert (tmp_path / "call.zz.txt").read_text(encoding="utf-8") == ENFORCED


def test_no_calibration_note_when_nothing_was_enforced(tmp_path: Path, article: tuple[Path, Path]) -> None:
    _, glossary = article
    result = invoke("--to", "zz", "-g", str(glossary), "--no-memory", input="The war killed 37 soldiers.\n")
    assert result.exit_code == 0, result.output
    assert "glossary: 0 terms" in result.stderr
    assert "not calibrated" not in result.stderr


def test_a_broken_calibration_is_named_not_passed_over(tmp_path: Path, article: tuple[Path, Path]) -> None:
    """The run uses the default placeholder form and says which calibration file is broken and what to do."""
    src, glossary = article
    pkg = packages.find_installed("en", "zz")
    assert pkg is not None
    calibration = pkg.path / "dragoman-calibration.json"
    calibration.write_text('{"form": "ZXQ{n}", "rates": [', encoding="utf-8")
    result = invoke(str(src), "--to", "zz", "-g", str(glossary))
    assert result.exit_code == 0, result.output
    (note,) = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert note.startswith(f"note: {calibration}: cannot read calibration (")
    assert note.endswith(
        "it is ignored and the default placeholder form is used - run 'dragoman models probe en zz' to measure it again"
    )
