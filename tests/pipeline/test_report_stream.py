"""Issue 20, archive scale: a run done a window of inputs at a time keeps its report on disk (report.ReportStream),
not in memory, and writes the same report, byte for byte, as one run over every input; a JSON lines archive is
translated a window of records at a time with the output and report of a whole parse."""

from __future__ import annotations

import dataclasses
import inspect
import json
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from engines.fake import TaggingEngine
from fake_engine import FakeEngine
from helpers.glossaries import EN_MS_GLOSSARY
from helpers.toy import KL_GLOSSARY, TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.cli import cli
from dragoman.engines.base import BatchOptions, Hypothesis
from dragoman.fsutil import json_text
from dragoman.glossary.yamlio import load_glossary_text
from dragoman.pipeline import chunked
from dragoman.pipeline import run as run_module
from dragoman.pipeline.report import ReportStream, SpoolView, write_report
from dragoman.pipeline.run import TranslateJob, run, translate_job
from dragoman.schemas import load_schema

TEXTS = [
    "The president met Anwar Ibrahim today.\n",
    "The government announced a new policy.\n",
    "",  # refused (empty): an input error among the windows
    "Anwar Ibrahim said the policy is new. The 12 ministers met.\n",
]


def _files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"a{i}.en.txt"
        path.write_text(TEXTS[i % len(TEXTS)], encoding="utf-8")
        paths.append(path)
    return paths


def test_windowed_report_is_the_whole_runs_report_byte_for_byte(tmp_path: Path) -> None:
    """Two targets (the report lists documents route by route), entries used in several windows, a bad input in
    one of them: the streamed report is the report of one run, schema-valid, the same bytes once written."""
    paths = _files(tmp_path, 7)
    glossary = load_glossary_text(EN_MS_GLOSSARY, "g.yaml")

    def job() -> TranslateJob:
        return TranslateJob(
            inputs=paths,
            source="en",
            targets=["ms", "fa"],
            glossary=glossary,
            outdir=tmp_path / "out",
            use_memory=False,
        )

    whole = run(job(), FakeEngine())
    failed, stepped = translate_job(job(), FakeEngine(), window=2)
    assert isinstance(stepped.report["documents"], SpoolView)  # on disk, not a list in memory
    assert [doc.name for doc in failed] == [str(paths[2]), str(paths[6])] and stepped.inputs == 7
    assert stepped.errors == whole.errors and len(stepped.errors) == 2
    assert [(o.input, o.target, o.path, o.segments) for o in stepped.outputs] == [
        (o.input, o.target, o.path, o.segments) for o in whole.outputs
    ]
    assert stepped.report["summary"] == whole.report["summary"] and whole.report["summary"]["terms_found"] > 2
    assert [e["id"] for e in stepped.report["provenance"]["entries"]] == ["anwar-ibrahim", "policy"]
    for report in (whole.report, stepped.report):
        report["stats"] = {}  # engine calls and timings differ (one call per window), the rest must not
    write_report(tmp_path / "whole.json", whole.report)
    write_report(tmp_path / "stepped.json", stepped.report)
    streamed = (tmp_path / "stepped.json").read_text(encoding="utf-8")
    assert streamed == (tmp_path / "whole.json").read_text(encoding="utf-8") == json_text(whole.report) + "\n"
    loaded = json.loads(streamed)
    assert [d["target"] for d in loaded["documents"]] == ["ms"] * 5 + ["fa"] * 5
    loaded["stats"] = run(job(), FakeEngine()).stats.to_dict()
    jsonschema.validate(loaded, load_schema())


def test_a_window_never_writes_over_a_file_of_another_window(tmp_path: Path) -> None:
    """One run's WriteGuard refuses an output over an input or over an earlier output; a run in windows of one
    file refuses the same, with the same messages, though the files are in different windows."""
    files = {"x.en.txt": "Hello there.\n", "x.ms.txt": "Keep me.\n", "y.txt": "One.\n", "y.en.txt": "Two.\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [tmp_path / name for name in files]

    def job() -> TranslateJob:
        return TranslateJob(inputs=paths, source="en", targets=["ms"], use_memory=False)

    whole = run(job(), TaggingEngine([("en", "ms")]))
    assert (tmp_path / "x.ms.txt").read_text(encoding="utf-8") == "Keep me.\n"
    assert (tmp_path / "y.ms.txt").read_text(encoding="utf-8") == "ms:One.\n"
    (tmp_path / "y.ms.txt").unlink()
    _, stepped = translate_job(job(), TaggingEngine([("en", "ms")]), window=1)
    assert stepped.errors == whole.errors and len(whole.errors) == 2
    assert "is an input of this command" in whole.errors[0] and "would overwrite" in whole.errors[1]
    assert (tmp_path / "x.ms.txt").read_text(encoding="utf-8") == "Keep me.\n"
    assert (tmp_path / "y.ms.txt").read_text(encoding="utf-8") == "ms:One.\n"


def test_stream_spools_survive_odd_names_and_nested_iteration(tmp_path: Path) -> None:
    """A file name that is not UTF-8 (a lone surrogate) is written as json_text writes it; two readers of the
    same spool at once each see every item."""
    stream = ReportStream()
    name = "bad\udcff.txt"
    for target in ("ms", "fa"):
        stream.add(
            {
                "version": 1,
                "summary": {},
                "documents": [{"path": name, "source": "en", "target": target, "integrity": []}],
                "routes": {f"en->{target}": f"en->{target}"},
                "outputs": [{"input": name, "target": target}],
                "errors": [],
                "notes": [],
            },
            [{"n": target}],
        )
    report = stream.report()
    assert [d["target"] for d in report["documents"]] == ["ms", "fa"]
    assert [(a["n"], b["n"]) for a in stream.extras() for b in stream.extras()] == [
        ("ms", "ms"),
        ("ms", "fa"),
        ("fa", "ms"),
        ("fa", "fa"),
    ]
    write_report(tmp_path / "r.json", report)
    expected = {**report, "documents": list(report["documents"]), "outputs": list(report["outputs"])}
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == json_text(expected) + "\n"
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["outputs"][0]["input"] == name
    stream.close()


class _Tagger(TaggingEngine):
    """TaggingEngine without its call log (which keeps every segment: it would be what grows)."""

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        return [[Hypothesis(f"{target}:{text}")] for text in segments]


def _peak(job: TranslateJob, window: int) -> int:
    tracemalloc.start()
    try:
        _, result = translate_job(job, _Tagger([("en", "ms")]), window=window)
        write_report(job.inputs[0].parent / "report.json", result.report)
        assert sum(1 for out in result.outputs if out.path is not None) == len(job.inputs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_of_a_windowed_run_does_not_grow_with_the_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Peak traced memory of a run of 200 tiny documents against 20, 10 a window: it grows by far less than a
    document's records (before the report was streamed: ~6.7 KB a document, 8.7x the peak for 10x the documents,
    per-document records kept for the whole run)."""
    # Each read allocates up to the input size limit (virtual memory, not resident, but traced): keep it small.
    monkeypatch.setenv("DRAGOMAN_MAX_INPUT_SIZE", "64k")
    # conftest.py validates every window's report against the schema: here that would be most of the time (the
    # streamed report is validated by the test above).
    unchecked = inspect.getclosurevars(run_module.build_report).nonlocals.get("build", run_module.build_report)
    monkeypatch.setattr(run_module, "build_report", unchecked)
    peaks = []
    for count in (20, 200):
        folder = tmp_path / str(count)
        folder.mkdir()
        paths = []
        for i in range(count):
            path = folder / f"n{i:05d}.en.txt"
            path.write_text(f"Story {i} begins. It ends here.\n", encoding="utf-8")
            paths.append(path)
        job = TranslateJob(inputs=paths, source="en", targets=["ms"], use_memory=False, write=False, integrity="off")
        # Warm: first-use caches (the schema validator, segmenter tables) are not the run's own memory.
        translate_job(dataclasses.replace(job, inputs=paths[:11]), _Tagger([("en", "ms")]), window=10)
        peaks.append(_peak(job, window=10))
    # What is left is caches and allocator slack (~330 B a document here), not records: they cost ~6.7 KB each.
    assert (peaks[1] - peaks[0]) / 180 < 1000, peaks


def _records(count: int, bad_line: int | None = None) -> str:
    sources = [source for source, _ in toy_cases()[:5]]
    lines = []
    for i in range(count):
        text = f"{sources[i % len(sources)]} In Kuala Lumpur."
        line = json.dumps({"id": i, "text": text, "n": 1.50}, ensure_ascii=False)
        lines.append(line if i + 1 != bad_line else line[:-1])
    return "\n".join(lines) + "\n"


def _translate(*args: str) -> Any:
    return CliRunner().invoke(cli, ["translate", "--to", "zz", "--no-memory", "-q", "--field", "text", *args])


def test_jsonl_archive_is_translated_a_window_of_records_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packages.install_file(TOY_PACKAGE)
    src = tmp_path / "archive.jsonl"
    src.write_text(_records(23), encoding="utf-8")
    (tmp_path / "desk.yaml").write_text(KL_GLOSSARY, encoding="utf-8")
    common = ["-g", str(tmp_path / "desk.yaml"), str(src)]
    whole = _translate("-o", str(tmp_path / "whole"), "--report", str(tmp_path / "whole.json"), *common)
    assert whole.exit_code == 0, whole.output

    monkeypatch.setattr(chunked, "RECORD_WINDOW", 4)
    pieces: list[int] = []
    original = chunked.parse_piece

    def spy(document: chunked.ChunkedText, offset: int, piece: str) -> Any:
        pieces.append(piece.count("\n"))
        return original(document, offset, piece)

    monkeypatch.setattr(chunked, "parse_piece", spy)
    stepped = _translate("-o", str(tmp_path / "stepped"), "--report", str(tmp_path / "stepped.json"), *common)
    assert stepped.exit_code == 0, stepped.output
    assert pieces == [4, 4, 4, 4, 4, 3]  # really a window of records at a time
    assert (tmp_path / "stepped" / "archive.zz.jsonl").read_bytes() == (
        tmp_path / "whole" / "archive.zz.jsonl"
    ).read_bytes()
    reports = []
    for name in ("whole.json", "stepped.json"):
        report = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        report.pop("stats")
        for item in [*report["outputs"], *report["documents"], *report["provenance"]["outputs"]]:
            item.pop("output")  # the folder differs; the content's SHA-256 must not
        reports.append(report)
    assert reports[0]["documents"][0]["occurrences"]  # terms found, with their lines
    assert reports[1] == reports[0]

    # A bad record is refused before any work, with its line in the whole file, and nothing is written.
    src.write_text(_records(23, bad_line=22), encoding="utf-8")
    pieces.clear()
    bad = _translate("-o", str(tmp_path / "bad"), *common)
    assert bad.exit_code == 1 and f"{src}:22:" in bad.output and "is not a JSON object" in bad.output
    assert pieces == [] and not (tmp_path / "bad" / "archive.zz.jsonl").exists()


def test_cli_archive_in_windows_prints_and_writes_what_one_run_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI over more inputs than a window: the same report file and the same --json as one window."""
    packages.install_file(TOY_PACKAGE)
    sources = [source for source, _ in toy_cases()[:5]]
    inputs = []
    for i, text in enumerate(sources):
        path = tmp_path / "in" / f"s{i}.en.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8")
        inputs.append(str(path))
    outputs = []
    for window in (100, 2):
        monkeypatch.setattr(run_module, "ARCHIVE_WINDOW", window)
        report = tmp_path / f"report-{window}.json"
        result = CliRunner().invoke(
            cli, ["translate", "--to", "zz", "--no-memory", "--json", "--report", str(report), *inputs]
        )
        assert result.exit_code == 0, result.output
        printed = json.loads(result.stdout)
        written = json.loads(report.read_text(encoding="utf-8"))
        for data in (printed, written):
            data.pop("stats")
        outputs.append((printed, written))
    assert outputs[1] == outputs[0]
    assert [item["input"] for item in outputs[1][0]["outputs"]] == inputs
