"""A re-run over an earlier --report compares with it streaming: the same changes as reading it whole (json.loads +
changes_since), in memory flat in the size of the old report; a report that cannot be read is no report."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from dragoman.fsutil import json_text
from dragoman.pipeline.provenance import changes_since, changes_since_report
from dragoman.pipeline.report import Spool, write_report


def output(i: int, sha: str = "s", entries: dict[str, str] | None = None, name: str = "") -> dict[str, Any]:
    return {
        "input": f"in/{name}{i:06d}.en.txt",
        "target": "zz",
        "output": f"out/{name}{i:06d}.zz.txt",
        "sha256": f"{sha}{i}",
        "entries": {"iran": "v1", "un": "u1"} if entries is None else entries,
    }


def provenance(outputs: list[dict[str, Any]], model: str = "1.0", glossary: str = "g1") -> dict[str, Any]:
    return {
        "glossaries": [{"path": "desk.yaml", "sha256": glossary}],
        "entries": [],
        "models": [{"name": "m", "version": model, "sha256": "x", "pair": "en->zz"}],
        "outputs": outputs,
    }


def read_whole(path: Path, current: dict[str, Any]) -> list[dict[str, Any]] | None:
    """What a re-run did before: the whole earlier report through json.loads."""
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    previous = earlier.get("provenance") if isinstance(earlier, dict) else None
    return changes_since(previous, current["provenance"]) if isinstance(previous, dict) else None


def streamed(path: Path, current: dict[str, Any]) -> list[dict[str, Any]] | None:
    changes = changes_since_report(path, current)
    return None if changes is None else list(changes)


def test_a_large_earlier_report_is_compared_in_flat_memory(tmp_path: Path) -> None:
    count = 4000
    earlier = {
        "provenance": provenance([output(i) for i in range(count)]),
        # The rest of an archive's report (documents, outputs) is read past, never kept.
        "documents": [{"path": f"in/{i:06d}.en.txt", "occurrences": [], "note": "x" * 1500} for i in range(count)],
    }
    path = tmp_path / "report.json"
    path.write_text(json_text(earlier), encoding="utf-8")
    size = path.stat().st_size
    assert size > 6_000_000
    # A new model and every other output changed (one with an entry no longer used); new inputs were added.
    outputs = [output(i, "t" if i % 2 else "s", {"iran": "v1"} if i % 4 == 1 else None) for i in range(count + 50)]
    current = {"provenance": provenance(outputs, model="1.1")}
    whole = read_whole(path, current)
    assert whole is not None and len(whole) == count // 2

    tracemalloc.start()
    try:
        changes = changes_since_report(path, current)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(changes, Spool) and changes.count == count // 2
    # json.loads held the whole report (several times its size); the stream holds an item and the parser's events
    # of one 64 kB read (~0.8 MB, whatever the size).
    assert peak < size / 5, (peak, size)
    assert list(changes) == whole
    assert whole[0]["models"] == ["m"] and whole[0]["entries"] == [{"id": "un", "before": "u1", "after": None}]

    # Written into the report, the spooled changes are the bytes the list was.
    written = tmp_path / "again.json"
    write_report(written, {"provenance": {**current["provenance"], "changes_since_last_report": changes}})
    expected = json_text({"provenance": {**current["provenance"], "changes_since_last_report": whole}}) + "\n"
    assert written.read_text(encoding="utf-8") == expected


def test_names_that_are_not_utf8_are_found_again(tmp_path: Path) -> None:
    # A file name that is not UTF-8 is written as a lone surrogate escape (fsutil.json_text), which the C parser
    # refuses: the comparison still finds it.
    odd = "\udcff-"
    path = tmp_path / "report.json"
    path.write_text(json_text({"provenance": provenance([output(1, name=odd), output(2)])}), encoding="utf-8")
    current = {"provenance": provenance([output(1, "t", name=odd), output(2, "t")], glossary="g2")}
    changes = streamed(path, current)
    assert changes == read_whole(path, current)
    assert changes is not None and [c["input"] for c in changes] == [f"in/{odd}000001.en.txt", "in/000002.en.txt"]
    assert changes[0]["glossaries"] == ["desk.yaml"]


def test_repeated_keys_keep_the_last_as_json_loads_does(tmp_path: Path) -> None:
    first = json.dumps({"input": "a", "target": "zz", "sha256": "1", "entries": {"x": "1"}})
    second = json.dumps({"input": "a", "target": "zz", "sha256": "2", "entries": {"y": "1"}})
    path = tmp_path / "report.json"
    path.write_text(f'{{"provenance": {{"outputs": [{first}, {second}, 5, "s"]}}}}', encoding="utf-8")
    current = {"provenance": provenance([{"input": "a", "target": "zz", "output": "o", "sha256": "3", "entries": {}}])}
    (change,) = streamed(path, current) or []
    assert change == read_whole(path, current)[0]  # type: ignore[index]
    assert change["entries"] == [{"id": "y", "before": "1", "after": None}]
    path.write_text(f'{{"provenance": {{"outputs": [{first}]}}, "provenance": {{"outputs": []}}}}', encoding="utf-8")
    assert streamed(path, current) == read_whole(path, current) == []


TEXT = json_text({"provenance": provenance([output(i) for i in range(50)]), "documents": []})


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(TEXT[: len(TEXT) // 2], id="truncated"),
        pytest.param(TEXT[:-2], id="last-brace-missing"),
        pytest.param(TEXT + "x", id="trailing-garbage"),
        pytest.param(TEXT + TEXT, id="two-documents"),
        pytest.param("", id="empty"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param('{"summary": {}}', id="no-provenance"),
        pytest.param('{"provenance": [{"outputs": []}]}', id="provenance-not-an-object"),
        pytest.param(b'{"provenance": {"outputs": [{"input": "\xff"}]}}', id="not-utf8"),
    ],
)
def test_a_report_that_cannot_be_read_is_no_report(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "report.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    current = {"provenance": provenance([output(i, "t") for i in range(50)])}
    assert read_whole(path, current) is None
    assert changes_since_report(path, current) is None


def test_no_report_there_is_no_report(tmp_path: Path) -> None:
    assert changes_since_report(tmp_path / "missing.json", {"provenance": provenance([])}) is None
    assert changes_since_report(tmp_path, {"provenance": provenance([])}) is None  # a folder
