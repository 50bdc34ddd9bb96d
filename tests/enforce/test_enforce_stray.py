"""Forbidden target forms that no source term asked for are found after the memory, against the run's glossary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_engine import FakeEngine, Fault

from dragoman.cache import TranslationMemory
from dragoman.enforce.model import FORBIDDEN_FOUND, Occurrence, SegmentResult
from dragoman.enforce.stray import ForbiddenScanner
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.pipeline.run import TranslateJob, run


def news() -> Glossary:
    g = Glossary(languages=["en", "ms"])
    g.add(Entry("anwar-ibrahim", {"en": LangTerms("Anwar Ibrahim"), "ms": LangTerms("Anwar Ibrahim")}))
    g.add(Entry("ibrahim", {"en": LangTerms("Ibrahim"), "ms": LangTerms("Anwar", forbidden=["Ibrahim"])}))
    g.add(Entry("gov", {"en": LangTerms("government"), "ms": LangTerms("kerajaan", forbidden=["rejim"])}))
    g.add(Entry("draft", {"en": LangTerms("regime"), "ms": LangTerms("rejim", forbidden=["regim"])}, status="draft"))
    return g


def test_forbidden_form_inside_an_accepted_term_is_not_a_slip() -> None:
    result = SegmentResult(text="Anwar Ibrahim bertemu Ibrahim dan rejim; regim.")
    assert ForbiddenScanner(news().for_job(["ms"]), "ms").record(result) == 2
    assert [(o.entry_id, o.found, o.target_start, o.status, o.source_start) for o in result.occurrences] == [
        ("ibrahim", "Ibrahim", 22, FORBIDDEN_FOUND, None),
        ("gov", "rejim", 34, FORBIDDEN_FOUND, None),
    ]
    assert result.occurrences[1].note == "no source term asked for it; use 'kerajaan'"
    # Idempotent, and drafts count only when asked for.
    assert ForbiddenScanner(news().for_job(["ms"]), "ms").record(result) == 0
    assert ForbiddenScanner(news().for_job(["ms"], include_drafts=True), "ms").record(result) == 1
    assert result.occurrences[-1].found == "regim"


def test_the_matcher_of_every_accepted_form_is_built_only_for_a_text_with_a_forbidden_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dragoman.enforce import stray

    sizes: list[int] = []
    real = stray.TermMatcher

    def counting(patterns: list[Any], lang: str) -> Any:
        sizes.append(len(patterns))
        return real(patterns, lang)

    monkeypatch.setattr(stray, "TermMatcher", counting)
    scanner = ForbiddenScanner(news().for_job(["ms"]), "ms")
    clean = [SegmentResult(text="Perdana Menteri bertemu kerajaan."), SegmentResult(text="Rejimen baru.")]
    assert [scanner.record(r) for r in clean] == [0, 0]
    assert sizes == [2]  # the two approved forbidden forms only
    # "Ibrahim" alone is a slip, inside "Anwar Ibrahim" it is not: that takes the accepted forms too.
    slips = [SegmentResult(text="Anwar Ibrahim dan Ibrahim."), SegmentResult(text="Anwar Ibrahim.")]
    assert [scanner.record(r) for r in slips] == [1, 0]
    assert sizes == [2, 2 + 3]  # built once, for the first text that held a forbidden form


def test_span_already_recorded_by_enforcement_is_not_counted_twice() -> None:
    known = Occurrence(0, 10, "government", "gov", "kerajaan", "in-context", FORBIDDEN_FOUND, 0, 5, "Rejim")
    result = SegmentResult(text="Rejim baru.", occurrences=[known])
    assert ForbiddenScanner(news().for_job(["ms"]), "ms").record(result) == 0
    assert result.occurrences == [known]


def test_memory_hits_are_checked_against_the_glossary_of_this_run(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("The country said today.\n", encoding="utf-8")
    engine = FakeEngine(faults=[Fault("forbidden", "today", to="rejim")], language_pairs=[("en", "ms")])
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    without = Glossary(languages=["en", "ms"])
    without.add(Entry("anwar", {"en": LangTerms("Anwar"), "ms": LangTerms("Anwar")}))
    first = run(TranslateJob([src], "en", ["ms"], glossary=without), engine, memory=memory)
    assert first.report["summary"]["forbidden_found"] == 0
    # Same segment, no entry touches it: a memory hit, and the new glossary's forbidden term is still found.
    second = run(TranslateJob([src], "en", ["ms"], glossary=news()), engine, memory=memory)
    assert second.stats.memory_hits == 1 and second.stats.translated == 0
    assert (tmp_path / "a.ms.txt").read_text(encoding="utf-8") == "Negara berkata rejim.\n"
    assert second.report["summary"]["forbidden_found"] == 1
    # And back: the record does not stick to the memory.
    third = run(TranslateJob([src], "en", ["ms"], glossary=without), engine, memory=memory)
    assert third.report["summary"]["forbidden_found"] == 0
    memory.close()
