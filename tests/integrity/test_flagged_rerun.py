"""A segment whose output still fails a check after its repairs is recorded as judged, findings and all: a re-run of
the same inputs makes no engine call and reports the same findings; records that cannot say so are checked again."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dragoman.cache import TranslationMemory
from dragoman.engines.base import Engine
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.integrity import FLAGGED
from dragoman.pipeline import translator as translator_module
from dragoman.pipeline.run import RunResult, TranslateJob, run

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
# The budget sentence keeps a wrong number whatever the decoding settings ("!"); the others come out clean.
FAULTS = {"budget": "numbers!", "committee": "loop"}
ARTICLE = "The weather was calm all day.\n\nThe budget grew by 12 percent in 2019.\n\nThe committee met on Tuesday.\n"
PAGE = "<p>The <b>budget</b> of the city grew by 30 percent.</p>\n<p>President Masoud Pezeshkian arrived.</p>\n"


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> type[Engine]:
    monkeypatch.syspath_prepend(str(PLUGINS))
    from dragoman_faulty import FaultyEngine

    return FaultyEngine


def _glossary() -> Glossary:
    g = Glossary(languages=["en", "zz"])
    g.add(Entry("pezeshkian", {"en": LangTerms("Masoud Pezeshkian"), "zz": LangTerms("Masoud Pezeshkian")}))
    return g


def _job(tmp_path: Path, glossary: Glossary | None, integrity: str = "repair") -> TranslateJob:
    article = tmp_path / "news.en.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    return TranslateJob([article, page], "en", ["zz"], glossary=glossary, integrity=integrity)


def _run(faulty: type[Engine], job: TranslateJob, memory: TranslationMemory) -> tuple[RunResult, Any]:
    engine = faulty(FAULTS)  # type: ignore[call-arg]
    result = run(job, engine, memory=memory)
    assert result.errors == []
    return result, engine


def _flagged(result: RunResult) -> list[Any]:
    """Per document: its summary and its flagged findings (what is still wrong in the files written)."""
    return [
        (doc["path"], doc["summary"], [item for item in doc["integrity"] if item["action"] == FLAGGED])
        for doc in result.report["documents"]
    ]


@pytest.mark.parametrize("with_glossary", [False, True], ids=["plain", "glossary"])
def test_rerun_makes_no_engine_call_and_reports_the_same_findings(
    faulty: type[Engine], tmp_path: Path, with_glossary: bool
) -> None:
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    job = _job(tmp_path, _glossary() if with_glossary else None)
    first, _ = _run(faulty, job, memory)
    flagged = _flagged(first)
    # The budget sentence of each file (the txt's second segment, the page's first), for its numbers.
    assert [{(item["segment"], item["check"]) for item in found} for _, _, found in flagged] == [
        {(1, "numbers")},
        {(0, "numbers")},
    ]
    assert first.stats.flagged == 2 and first.stats.retried > 0 and first.stats.repaired == 1  # and the loop
    second, engine = _run(faulty, job, memory)
    assert engine.calls == [] and second.stats.engine_calls == 0 and second.stats.retried == 0
    assert second.stats.memory_hits == second.stats.unique
    assert _flagged(second) == flagged and second.stats.flagged == first.stats.flagged
    assert second.report["summary"]["integrity"] == first.report["summary"]["integrity"] > 0
    # The repair of the loop is not repeated (nor reported again): its record was stored as checked.
    assert [item["action"] for doc in second.report["documents"] for item in doc["integrity"]] == [FLAGGED] * 4
    assert [out.text for out in second.outputs] == [out.text for out in first.outputs]
    memory.close()


def test_a_check_only_flag_does_not_spare_a_repair_run_its_repairs(faulty: type[Engine], tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    checked, engine = _run(faulty, _job(tmp_path, None, integrity="check"), memory)
    assert checked.stats.retried == 0 and checked.stats.flagged == 3  # budget twice, the loop once
    again, engine = _run(faulty, _job(tmp_path, None, integrity="check"), memory)
    assert engine.calls == [] and _flagged(again) == _flagged(checked)
    repaired, engine = _run(faulty, _job(tmp_path, None), memory)
    # The loop goes away with the safer settings; the budget sentences stay flagged.
    assert engine.calls and repaired.stats.repaired == 1 and repaired.stats.flagged == 2
    last, engine = _run(faulty, _job(tmp_path, None), memory)
    assert engine.calls == [] and last.stats.flagged == 2
    memory.close()


def test_records_that_do_not_say_what_was_found_are_checked_again(
    faulty: type[Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tm.sqlite3"
    memory = TranslationMemory(path)
    first, _ = _run(faulty, _job(tmp_path, None), memory)
    memory.close()
    # As an earlier dragoman stored them: flagged translations without their findings.
    with sqlite3.connect(path) as conn:
        for key, metadata in conn.execute("SELECT key, metadata FROM entries").fetchall():
            data = json.loads(metadata) if metadata else {}
            if data.pop("flagged", None) is not None:
                conn.execute("UPDATE entries SET metadata = ? WHERE key = ?", (json.dumps(data) or None, key))
    conn.close()
    memory = TranslationMemory(path)
    older, engine = _run(faulty, _job(tmp_path, None), memory)
    assert engine.calls and _flagged(older) == _flagged(first)
    newer, engine = _run(faulty, _job(tmp_path, None), memory)
    assert engine.calls == []
    # Checks of another version may judge differently: everything is checked again.
    monkeypatch.setattr(translator_module, "CHECKS_VERSION", translator_module.CHECKS_VERSION + 1)
    bumped, engine = _run(faulty, _job(tmp_path, None), memory)
    assert engine.calls and _flagged(bumped) == _flagged(first)
    memory.close()
