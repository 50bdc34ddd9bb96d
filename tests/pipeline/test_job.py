"""pipeline/job.py: one constructor prepares a translation job for the CLI and the Python API alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE

from dragoman import api, packages
from dragoman.cli import cli
from dragoman.engines import build_engine
from dragoman.engines.apertium import ApertiumEngine
from dragoman.engines.argos import ArgosEngine
from dragoman.errors import EngineError, GlossaryError
from dragoman.pipeline import run as run_module
from dragoman.pipeline.job import glossary_paths, prepare_job
from dragoman.pipeline.run import TranslateJob, translate_job

TEXT = "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."
PLAIN = "Presiden Pizishkion bertemu Perdana Menteri Onwor Ibrohim di Kuolo Lumpur."
ENFORCED = "Presiden Pezeshkian bertemu Perdana Menteri Onwor Ibrohim di Kuala Lumpur."
DESK = """\
version: 1
languages: [en, zz]
entries:
  - id: pezeshkian
    dnt: true
    terms:
      en: Pezeshkian
  - id: kuala-lumpur
    terms:
      en: Kuala Lumpur
      zz: Kuala Lumpur
"""


@pytest.fixture
def toy_installed(isolated_home: Path) -> None:
    packages.install_file(TOY_PACKAGE)


def test_glossary_paths_take_a_str_a_path_or_several() -> None:
    assert glossary_paths("desk.yaml") == [Path("desk.yaml")]
    assert glossary_paths(Path("a.csv")) == [Path("a.csv")]
    assert glossary_paths(["a.yaml", Path("b.tbx")]) == [Path("a.yaml"), Path("b.tbx")]
    assert glossary_paths(None) == []


def test_api_reads_a_glossary_given_as_one_str(
    toy_installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "desk.yaml").write_text(DESK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = api.translate(TEXT, source="en", target="zz", glossary="desk.yaml")
    assert result.text == ENFORCED
    assert result.summary["applied"] == 2


def test_api_reads_a_two_column_csv_by_source_and_target(toy_installed: None, tmp_path: Path) -> None:
    """No header row: the columns are the job's source and target, as `translate -f en -t zz -g` reads them."""
    csv = tmp_path / "x.en-zz.csv"
    csv.write_text("Kuala Lumpur,Kuala Lumpur\nPezeshkian,Pezeshkian\n", encoding="utf-8")
    result = api.translate(TEXT, source="en", target="zz", glossary=[str(csv)])
    assert result.text == ENFORCED
    cli_run = CliRunner().invoke(cli, ["translate", "-f", "en", "-t", "zz", "-g", str(csv), "-q"], input=TEXT + "\n")
    assert cli_run.exit_code == 0, cli_run.output
    assert cli_run.stdout == ENFORCED + "\n"


def test_a_missing_glossary_is_the_same_error_in_the_api_and_the_cli(toy_installed: None, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(GlossaryError, match="nope.yaml: glossary file not found"):
        api.translate(TEXT, source="en", target="zz", glossary=str(missing))
    result = CliRunner().invoke(cli, ["translate", "-t", "zz", "-g", str(missing)], input=TEXT + "\n")
    assert result.exit_code == 1
    assert f"Error: {missing}: glossary file not found" in result.output


def test_a_glossary_without_target_terms_warns_in_the_api_too(toy_installed: None, tmp_path: Path) -> None:
    desk = tmp_path / "fa.yaml"
    desk.write_text(
        "version: 1\nlanguages: [en, fa]\nentries:\n  - id: gaza\n    terms:\n      en: Gaza\n      fa: غزه\n"
    )
    with pytest.warns(api.GlossaryWarning, match="has no zz terms; nothing will be enforced in the zz translation"):
        result = api.translate(TEXT, source="en", target="zz", glossary=desk)
    assert result.text == PLAIN


def test_routes_are_planned_once(toy_installed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    planned: list[object] = []
    real = run_module.plan_routes

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        planned.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(run_module, "plan_routes", spy)
    assert api.translate(TEXT, source="en", target="zz", use_memory=False).text == PLAIN
    assert len(planned) == 1


def test_engine_is_built_from_the_options_it_declares(toy_installed: None) -> None:
    with prepare_job(
        source="en", targets=["zz"], stdin_text=TEXT, engine="argos", engine_options={"beam_size": "1"}
    ) as job:
        assert isinstance(job.engine, ArgosEngine) and job.engine.beam_size == 1
    # Greedy and beam 4 agree on this sentence: the option reaches the engine, the output is the model's.
    assert api.translate(TEXT, source="en", target="zz", engine_options={"beam_size": 1}).text == PLAIN
    with pytest.raises(
        EngineError, match="the argos engine has no option 'beam' — its options: beam_size, compute_type"
    ):
        prepare_job(source="en", targets=["zz"], stdin_text=TEXT, engine_options={"beam": "2"})


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"timeout": "5"}, (5.0, None, False)),
        ({"modes_dir": "/opt/modes", "unknown_marks": "yes"}, (30.0, Path("/opt/modes"), True)),
        ({"modes-dir": "/opt/modes", "unknown_marks": "false"}, (30.0, Path("/opt/modes"), False)),
    ],
)
def test_apertium_timeout_and_modes_dir_are_settable(options: dict[str, str], expected: tuple[object, ...]) -> None:
    engine = build_engine("apertium", options)
    assert isinstance(engine, ApertiumEngine)
    timeout, modes_dir, marks = expected
    assert (engine.timeout, engine.modes_dir, engine.unknown_marks) == (
        timeout if "timeout" in options else ApertiumEngine.Options.timeout,
        modes_dir,
        marks,
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": "soon"}, "the apertium engine's option timeout takes a number, not 'soon'"),
        ({"unknown_marks": "maybe"}, "option unknown_marks takes a true or false, not 'maybe'"),
        ({"timeout": "0"}, "timeout must be positive"),
        (
            {"beam_size": "2"},
            "the apertium engine has no option 'beam_size' — its options: modes_dir, timeout, unknown_marks",
        ),
    ],
)
def test_bad_engine_options_are_one_line_errors(options: dict[str, str], message: str) -> None:
    with pytest.raises(EngineError, match=message.replace("(", r"\(")):
        build_engine("apertium", options)


def test_engine_option_on_the_command_line(toy_installed: None) -> None:
    runner = CliRunner()
    same = runner.invoke(
        cli, ["translate", "-t", "zz", "--engine-option", "beam_size=1", "--no-memory", "-q"], input=TEXT + "\n"
    )
    assert same.exit_code == 0, same.output
    assert same.stdout == PLAIN + "\n"
    bad = runner.invoke(cli, ["translate", "-t", "zz", "--engine-option", "beam=1"], input=TEXT + "\n")
    assert bad.exit_code == 2
    assert "Invalid value for '--engine-option': the argos engine has no option 'beam'" in bad.output
    shape = runner.invoke(cli, ["translate", "-t", "zz", "--engine-option", "beam_size"], input=TEXT + "\n")
    assert shape.exit_code == 2 and "'beam_size' is not KEY=VALUE" in shape.output
    timeout = runner.invoke(
        cli, ["translate", "-e", "apertium", "-t", "es", "--engine-option", "timeout=-1"], input="Hello.\n"
    )
    assert timeout.exit_code == 2 and "timeout must be positive" in timeout.output


def test_json_report_is_unchanged_by_the_job_constructor(toy_installed: None, tmp_path: Path) -> None:
    desk = tmp_path / "desk.yaml"
    desk.write_text(DESK, encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", "-t", "zz", "-g", str(desk), "--json"], input=TEXT + "\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["outputs"][0]["text"] == ENFORCED + "\n"
    assert data["summary"]["applied"] == 2


def test_an_engine_instance_keeps_its_own_options(toy_installed: None) -> None:
    engine = ArgosEngine()
    with pytest.raises(EngineError, match="engine options apply to an engine given by name"):
        prepare_job(source="en", targets=["zz"], stdin_text=TEXT, engine=engine, engine_options={"beam_size": 1})
    with prepare_job(source="en", targets=["zz"], stdin_text=TEXT, engine=engine) as job:
        assert job.engine is engine and not job.owns_engine
    engine.close()


# An approved entry with a zz rendering, a draft one, and one without zz: only the first is the job's.
MIXED = """\
version: 1
languages: [en, zz, fa]
entries:
  - id: kuala-lumpur
    terms:
      en: Kuala Lumpur
      zz: Kuala Lumpur
  - id: pezeshkian
    dnt: true
    status: draft
    terms:
      en: Pezeshkian
  - id: anwar-ibrahim
    terms:
      en: Anwar Ibrahim
      fa: انور ابراهیم
"""
# Nothing this glossary holds is enforceable in zz without --use-drafts.
NOTHING_FOR_ZZ = """\
version: 1
languages: [en, zz, fa]
entries:
  - id: pezeshkian
    dnt: true
    status: draft
    terms:
      en: Pezeshkian
  - id: anwar-ibrahim
    terms:
      en: Anwar Ibrahim
      fa: انور ابراهیم
"""


def used_entries(report: dict[str, object]) -> list[str]:
    provenance = report["provenance"]
    assert isinstance(provenance, dict)
    return [entry["id"] for entry in provenance["entries"]]


def test_the_job_glossary_is_restricted_once_to_what_the_job_enforces(toy_installed: None, tmp_path: Path) -> None:
    desk = tmp_path / "mixed.yaml"
    desk.write_text(MIXED, encoding="utf-8")
    with prepare_job(source="en", targets=["zz"], stdin_text=TEXT, glossary=desk, use_memory=False) as prepared:
        glossary = prepared.job.glossary
        assert glossary is not None and list(glossary.entries) == ["kuala-lumpur"]
        assert prepared.warnings == []
        # Made once: the job keeps that object, and asking again for the same job gives it back unfiltered.
        assert glossary.for_job(["zz"]) is glossary
        assert TranslateJob(inputs=[], source="en", targets=["zz"], glossary=glossary).glossary is glossary
        _, result = translate_job(prepared.job, prepared.engine, None)
    [output] = result.outputs
    assert [o.entry_id for value in output.results for o in value.occurrences] == ["kuala-lumpur"]
    assert "Kuala Lumpur" in output.text and "Pezeshkian" not in output.text
    assert used_entries(result.report) == ["kuala-lumpur"]
    # --use-drafts: the draft is the job's too, and the model's respelling gives way to it.
    with prepare_job(
        source="en", targets=["zz"], stdin_text=TEXT, glossary=desk, use_memory=False, include_drafts=True
    ) as prepared:
        assert prepared.job.glossary is not None
        assert list(prepared.job.glossary.entries) == ["kuala-lumpur", "pezeshkian"]
        _, drafted = translate_job(prepared.job, prepared.engine, None)
    assert "Pezeshkian" in drafted.outputs[0].text
    assert sorted(used_entries(drafted.report)) == ["kuala-lumpur", "pezeshkian"]


def test_a_job_built_without_prepare_job_gets_the_same_restriction() -> None:
    """The server and tests build TranslateJob directly: its glossary is restricted the same way, once."""
    from dragoman.glossary.yamlio import load_glossary_text

    full = load_glossary_text(MIXED, "mixed.yaml")
    job = TranslateJob(inputs=[], source="en", targets=["zz"], glossary=full)
    assert job.glossary is not None and list(job.glossary.entries) == ["kuala-lumpur"]
    again = TranslateJob(inputs=[], source="en", targets=["zz"], glossary=full)
    assert again.glossary is job.glossary  # one restricted object per glossary and setting: matchers built once
    assert list(full.for_job(["fa"]).entries) == ["anwar-ibrahim"]
    assert list(full.for_job(["zz", "fa"], include_drafts=True).entries) == list(full.entries)
    # A restricted glossary narrows, but cannot give back what it left out.
    assert list(full.for_job(["zz", "fa"]).for_job(["fa"]).entries) == ["anwar-ibrahim"]
    with pytest.raises(ValueError, match="use the full one"):
        job.glossary.for_job(["fa"])


def test_a_glossary_with_nothing_for_the_target_warns_once(toy_installed: None, tmp_path: Path) -> None:
    desk = tmp_path / "nothing.yaml"
    desk.write_text(NOTHING_FOR_ZZ, encoding="utf-8")
    message = f"{desk} has no zz terms; nothing will be enforced in the zz translation"
    with prepare_job(source="en", targets=["zz"], stdin_text=TEXT, glossary=desk) as prepared:
        assert prepared.warnings == [message]
        assert prepared.job.glossary is not None and len(prepared.job.glossary) == 0
    cli_run = CliRunner().invoke(cli, ["translate", "-t", "zz", "-g", str(desk), "--no-memory"], input=TEXT + "\n")
    assert cli_run.exit_code == 0, cli_run.output
    assert cli_run.stderr.count("has no zz terms") == 1
    assert "Pezeshkian" not in cli_run.stdout
    with pytest.warns(api.GlossaryWarning) as caught:
        api.translate(TEXT, source="en", target="zz", glossary=desk, use_memory=False)
    assert [str(w.message) for w in caught] == [message]
    # With the drafts the dnt entry is enforceable in zz: no warning.
    with prepare_job(source="en", targets=["zz"], stdin_text=TEXT, glossary=desk, include_drafts=True) as prepared:
        assert prepared.warnings == []


def test_the_api_and_the_cli_enforce_the_same_glossary(toy_installed: None, tmp_path: Path) -> None:
    desk = tmp_path / "mixed.yaml"
    desk.write_text(MIXED, encoding="utf-8")
    from_api = api.translate(TEXT, source="en", target="zz", glossary=str(desk), use_memory=False)
    report_path = tmp_path / "report.json"
    cli_run = CliRunner().invoke(
        cli, ["translate", "-t", "zz", "-g", str(desk), "--report", str(report_path), "--no-memory", "-q"], TEXT
    )
    assert cli_run.exit_code == 0, cli_run.output
    from_cli = json.loads(report_path.read_text(encoding="utf-8"))
    for report in (from_api.report, from_cli):
        assert used_entries(report) == ["kuala-lumpur"]
    assert from_api.report["provenance"]["glossaries"] == from_cli["provenance"]["glossaries"]
    assert from_api.report["provenance"]["entries"] == from_cli["provenance"]["entries"]
    assert from_api.text == cli_run.stdout
