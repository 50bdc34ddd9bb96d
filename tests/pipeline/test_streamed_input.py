"""Issue 20: a large JSON lines archive is never read whole: checked a block at a time (the errors of a whole read,
located in the whole file), then read a window of records at a time, with the output and report of a whole run."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import KL_GLOSSARY, TOY_PACKAGE, toy_cases

from dragoman import inputs, packages
from dragoman.cli import cli
from dragoman.enforce.model import APPLIED, FORBIDDEN_FOUND, VARIANT, VIOLATED, Occurrence, SegmentResult
from dragoman.errors import InputError
from dragoman.integrity.model import FLAGGED, Finding, Outcome
from dragoman.pipeline import chunked, langdetect
from dragoman.pipeline import run as run_module
from dragoman.pipeline.chunked import PieceReport
from dragoman.pipeline.report import DocumentRecord, document_report

GLOSSARY = KL_GLOSSARY

GOOD = '{"id": 1, "text": "Kuala Lumpur é 東京"}\n' * 9
# Each case: bytes whose whole read is refused; scanned 16 bytes a block, the error falls in a later block.
BAD = {
    "utf-16": "\ufeffhello\n".encode("utf-16"),
    "empty": b"",
    "blank": b" \n\t\r\n" * 20,
    "bom only": b"\xef\xbb\xbf",
    "nul": GOOD.encode() + b'{"id": 2, "text": "a\x00b"}\n',
    "bad byte": GOOD.encode() + b'{"id": 2, "text": "\xc3\xa9\xff"}\n',
    "truncated at the end": GOOD.encode() + b'{"id": 2, "text": "\xe6\x9d',
    "split over blocks, then bad": "é".encode() * 40 + b"\n\x80",
    "nul after a bad byte": GOOD.encode() + b"\xff\n" + GOOD.encode() + b"\x00\n",
    "bom, then a bad byte": b"\xef\xbb\xbf" + GOOD.encode() + b"x\xc0\n",
    "controls": b"\x01\x02\x03\x04 ab\n" * 30,
}


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "_READ_CHUNK", 16)


@pytest.mark.parametrize("name", BAD)
def test_a_scan_refuses_what_a_whole_read_refuses(tmp_path: Path, small_blocks: None, name: str) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_bytes(BAD[name])
    with pytest.raises(InputError) as whole:
        inputs.read_text_file(path)
    with pytest.raises(InputError) as scanned:
        inputs.scan_text_file(path)
    assert str(scanned.value) == str(whole.value)


@pytest.mark.parametrize(
    "data", [GOOD.encode(), b"\xef\xbb\xbf" + GOOD.encode() + b"no newline at the end \xe2\x82\xac"]
)
def test_a_scan_counts_what_a_whole_read_holds(tmp_path: Path, small_blocks: None, data: bytes) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_bytes(data)
    text = inputs.read_text_file(path)
    assert inputs.scan_text_file(path) == inputs.TextScan(text.count("\n"), len(text))


def test_a_scan_keeps_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "archive.jsonl"
    path.write_bytes(GOOD.encode())
    with inputs.input_size_limit(100), pytest.raises(InputError) as scanned:
        inputs.scan_text_file(path)
    with inputs.input_size_limit(100), pytest.raises(InputError) as whole:
        inputs.read_text_file(path)
    assert "is too large" in str(scanned.value) and str(scanned.value) == str(whole.value)


def _records(count: int) -> str:
    sources = [source for source, _ in toy_cases()[:5]]
    lines = [
        json.dumps({"id": i, "text": f"{sources[i % 5]} In Kuala Lumpur."}, ensure_ascii=False) for i in range(count)
    ]
    return "\n".join(lines) + "\n"


def _translate(*args: str) -> Any:
    return CliRunner().invoke(cli, ["translate", "--to", "zz", "--no-memory", "-q", "--field", "text", *args])


def _never_whole(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[int]:
    """Fail if ``path`` is read whole; the pieces read (their newlines) are recorded."""
    original_read = inputs.read_text_file

    def read_text_file(source: Any) -> str:
        assert Path(source) != path, "the archive was read whole"
        return original_read(source)

    monkeypatch.setattr(inputs, "read_text_file", read_text_file)
    monkeypatch.setattr(chunked, "RECORD_WINDOW", 4)
    pieces: list[int] = []
    original = chunked.parse_piece

    def spy(document: chunked.ChunkedText, offset: int, piece: str) -> Any:
        assert document.source == ""
        pieces.append(piece.count("\n"))
        return original(document, offset, piece)

    monkeypatch.setattr(chunked, "parse_piece", spy)
    return pieces


def test_an_archive_with_a_bom_and_auto_detection_is_streamed_with_a_whole_runs_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packages.install_file(TOY_PACKAGE)
    src = tmp_path / "archive.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + _records(120).encode())
    (tmp_path / "desk.yaml").write_text(GLOSSARY, encoding="utf-8")
    samples: list[str] = []
    detect = langdetect.detect_language

    def spy_detect(text: str, *args: Any) -> Any:
        samples.append(text)
        return detect(text, *args)

    monkeypatch.setattr(langdetect, "detect_language", spy_detect)
    common = ["--from", "auto", "-g", str(tmp_path / "desk.yaml"), str(src)]
    whole = _translate("-o", str(tmp_path / "whole"), "--report", str(tmp_path / "whole.json"), *common)
    assert whole.exit_code == 0, whole.output

    pieces = _never_whole(monkeypatch, src)
    streamed = _translate("-o", str(tmp_path / "streamed"), "--report", str(tmp_path / "streamed.json"), *common)
    assert streamed.exit_code == 0, streamed.output
    assert pieces == [4] * 30  # the check, then the translation: 15 windows each
    # What detection reads of a whole text (its head), read from the file.
    assert samples[0] == src.read_text(encoding="utf-8-sig")
    assert samples[1] == samples[0][: 2 * langdetect.SAMPLE_CHARS] and len(samples[1]) < len(samples[0])
    out = (tmp_path / "streamed" / "archive.zz.jsonl").read_bytes()
    assert out == (tmp_path / "whole" / "archive.zz.jsonl").read_bytes()
    reports = []
    for name in ("whole.json", "streamed.json"):
        report = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        report.pop("stats")
        for item in [*report["outputs"], *report["documents"], *report["provenance"]["outputs"]]:
            item.pop("output")
        reports.append(report)
    assert reports[0]["documents"][0]["occurrences"][-1]["line"] == 120
    assert reports[1] == reports[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"id": 1, "text": "caf\xc3\xa9 \xff"}', ":22:25: is not valid UTF-8 (byte 0xff)"),
        (b'{"id": 1, "text": "caf\xc3\xa9"', ":22: is not a JSON object"),
    ],
)
def test_a_bad_record_in_a_later_window_is_refused_with_its_line_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: bytes, expected: str
) -> None:
    packages.install_file(TOY_PACKAGE)
    src = tmp_path / "archive.jsonl"
    records = _records(23).encode().splitlines(keepends=True)
    records[21] = line + b"\n"
    src.write_bytes(b"".join(records))
    whole = _translate("-o", str(tmp_path / "whole"), str(src))
    assert whole.exit_code == 1 and f"{src}{expected}" in whole.output

    pieces = _never_whole(monkeypatch, src)
    monkeypatch.setattr(inputs, "_READ_CHUNK", 64)
    streamed = _translate("-o", str(tmp_path / "streamed"), str(src))
    assert streamed.exit_code == 1 and streamed.output == whole.output
    assert pieces == [] and not (tmp_path / "streamed").exists()


def test_a_run_that_writes_nothing_reads_the_archive_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API's write=False returns the text: it has to be whole (and small enough for --max-input-size)."""
    src = tmp_path / "archive.jsonl"
    src.write_text(_records(23), encoding="utf-8")
    monkeypatch.setattr(chunked, "RECORD_WINDOW", 4)
    job = run_module.TranslateJob(inputs=[src], source="en", targets=["zz"], write=False)
    job.format_options = {"fields": ["text"]}
    (doc,) = run_module.read_inputs(job)
    assert not doc.streamed and doc.text == src.read_text(encoding="utf-8")
    job.write = True
    (doc,) = run_module.read_inputs(job)
    assert doc.streamed and doc.text is None


def test_a_report_built_a_piece_at_a_time_is_the_whole_documents() -> None:
    """PieceReport against report.document_report over the whole text: renderings that differ only in case,
    forbidden forms, unplaced renderings, names across pieces, integrity findings, terms on a piece's first line."""
    rng = random.Random(3)
    lines, pairs = [], []
    for number in range(60):
        line = f"Kuala Lumpur and Anwar met, line {number}.\n"
        start = sum(len(text) for text in lines) + 4
        lines.append(line)
        rendering = rng.choice(["Kuala Lumpur", "kuala lumpur", "KL"])
        status = rng.choice([APPLIED, VARIANT, VIOLATED, FORBIDDEN_FOUND])
        occurrences = [
            Occurrence(0, 12, "Kuala Lumpur", "kl", "Kuala Lumpur", "placeholder", status, 0, len(rendering)),
            Occurrence(None, None, None, "anwar", None, "placeholder", rng.choice([FORBIDDEN_FOUND, VIOLATED])),
        ]
        result = SegmentResult(
            f"{rendering} dan Anwar",
            occurrences=occurrences if number % 4 else [],
            name_renderings={"Anwar": rng.choice(["Anwar", "Onwor"]), f"N{number % 3}": rng.choice("ab")},
            integrity=[Outcome(Finding("numbers", f"{number} is missing", source_start=2), FLAGGED)]
            if number % 5
            else [],
        )
        pairs.append((start, result))
    text = "".join(lines)
    whole = document_report(DocumentRecord(None, "en", "zz", list(pairs), source_text=text))

    pieces = PieceReport()
    cut = [0, 7, 8, 30, 60]  # pieces of lines, one of a single line
    for first, end in zip(cut, cut[1:]):
        offset = sum(len(line) for line in lines[:first])
        piece = "".join(lines[first:end])
        starts = [start - offset for start, _ in pairs[first:end]]
        pieces.add(offset, piece, starts, [result for _, result in pairs[first:end]])
    empty = document_report(DocumentRecord(None, "en", "zz", [], source_text=None))
    pieces.fill(empty)
    assert whole["consistency"]["terms"] and whole["consistency"]["names"] and whole["integrity"]
    assert json.dumps(empty) == json.dumps(whole)
    assert [o.entry_id for o in pieces.used()[0].occurrences] == ["kl", "anwar"]


def test_a_finding_in_a_later_window_is_reported_and_fails_a_strict_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing wrong ships silently when an archive is streamed: a segment damaged past repair in a later window is
    in the report, named by its line, and makes `--strict` exit 1, exactly as in a whole run."""
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "plugins"))  # the `faulty` engine
    monkeypatch.setenv("DRAGOMAN_FAULTY_FAULTS", json.dumps({"budget": "numbers!"}))
    texts = [f"The talks in Kuala Lumpur ended on day {i}." for i in range(14)]
    texts[11] = "The budget rose by 12 percent in Kuala Lumpur."
    src = tmp_path / "archive.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8")
    common = ["-e", "faulty", "--strict", str(src)]
    whole = _translate("-o", str(tmp_path / "whole"), "--report", str(tmp_path / "whole.json"), *common)
    pieces = _never_whole(monkeypatch, src)
    streamed = _translate("-o", str(tmp_path / "streamed"), "--report", str(tmp_path / "streamed.json"), *common)
    assert pieces == [4, 4, 4, 2]  # read and translated a window of 4 records at a time
    assert whole.exit_code == streamed.exit_code == 1, streamed.output
    reports = [json.loads((tmp_path / name).read_text(encoding="utf-8")) for name in ("whole.json", "streamed.json")]
    for report in reports:
        findings = report["documents"][0]["integrity"]
        assert {(f["line"], f["check"], f["action"]) for f in findings} == {(12, "numbers", "flagged")}, findings
    assert reports[1]["documents"][0]["integrity"] == reports[0]["documents"][0]["integrity"]
    assert reports[1]["summary"] == reports[0]["summary"] and reports[0]["summary"]["integrity"] == 2
