"""Pipeline orchestration with a fake engine: batching across files, dedupe, memory, pivots, routes, bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from engines.contract import EngineContract
from engines.fake import TaggingEngine
from helpers.glossaries import EN_MS_GLOSSARY

from dragoman.cache import TranslationMemory
from dragoman.engines.argos import ArgosEngine
from dragoman.engines.base import BatchOptions, Hypothesis
from dragoman.errors import EngineError
from dragoman.pipeline import translator as translator_module
from dragoman.pipeline.routes import MissingModelError, plan_route
from dragoman.pipeline.run import CountingEngine, InputDoc, TranslateJob, output_path, run

EN_MS = [("en", "ms"), ("ms", "en"), ("en", "fa")]


class TestTaggingEngineContract(EngineContract):
    """The fake engine honours the contract too, so orchestration tests rely on real engine behaviour."""

    @pytest.fixture
    def engine(self) -> TaggingEngine:
        return TaggingEngine(EN_MS)

    @pytest.fixture
    def pair(self) -> tuple[str, str]:
        return ("en", "ms")

    @pytest.fixture
    def sentences(self) -> list[str]:
        return ["One.", "Two things.", "Three small things."]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def job(paths: list[Path], targets: list[str], source: str = "en", **kw: object) -> TranslateJob:
    return TranslateJob(inputs=paths, source=source, targets=targets, **kw)  # type: ignore[arg-type]


def test_all_files_go_to_the_engine_in_one_call_per_route(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "Hello there. How are you?\n\nSecond paragraph.\n")
    b = write(tmp_path / "b.en.txt", "Hello there.\nAnother line.\n")
    engine = TaggingEngine(EN_MS)
    result = run(job([a, b], ["ms", "fa"]), engine, memory=None)
    assert result.errors == [] and result.exit_code == 0
    assert (tmp_path / "a.ms.txt").read_text() == "ms:Hello there. ms:How are you?\n\nms:Second paragraph.\n"
    assert (tmp_path / "b.ms.txt").read_text() == "ms:Hello there.\nms:Another line.\n"
    assert (tmp_path / "b.fa.txt").read_text() == "fa:Hello there.\nfa:Another line.\n"
    # One call per target, each with the deduplicated segments of both files, shortest first.
    assert [(s, t, sorted(segs)) for s, t, segs in engine.calls] == [
        ("en", "ms", sorted(["Hello there.", "How are you?", "Second paragraph.", "Another line."])),
        ("en", "fa", sorted(["Hello there.", "How are you?", "Second paragraph.", "Another line."])),
    ]
    assert [len(s) for s in engine.calls[0][2]] == sorted(len(s) for s in engine.calls[0][2])
    assert result.stats.segments == 10 and result.stats.unique == 8 and result.stats.engine_calls == 2


def test_rerun_makes_no_engine_calls_and_signature_changes_retranslate(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "First sentence. Second sentence.\n")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    first = TaggingEngine(EN_MS)
    run(job([a], ["ms"]), first, memory=memory)
    assert len(first.calls) == 1

    again = CountingEngine(TaggingEngine(EN_MS))
    result = run(job([a], ["ms"]), again, memory=memory)
    assert again.calls == 0 and result.stats.memory_hits == 2 and result.stats.translated == 0
    assert (tmp_path / "a.ms.txt").read_text() == "ms:First sentence. ms:Second sentence.\n"

    write(tmp_path / "a.txt", "First sentence. A changed one.\n")
    edited = TaggingEngine(EN_MS)
    run(job([a], ["ms"]), edited, memory=memory)
    assert [segs for _, _, segs in edited.calls] == [["A changed one."]]

    upgraded = TaggingEngine(EN_MS, version="2")  # a new model version: nothing may come from the memory
    run(job([a], ["ms"]), upgraded, memory=memory)
    assert sorted(upgraded.calls[0][2]) == ["A changed one.", "First sentence."]
    memory.close()


def test_no_memory_option_translates_everything(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "Only one.\n")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    run(job([a], ["ms"]), TaggingEngine(EN_MS), memory=memory)
    engine = TaggingEngine(EN_MS)
    run(job([a], ["ms"], use_memory=False), engine, memory=memory)
    assert len(engine.calls) == 1
    memory.close()


def test_killed_run_keeps_the_chunks_already_committed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(translator_module, "CHUNK_SEGMENTS", 2)
    a = write(tmp_path / "a.txt", "A b. Cc dd. Eee fff. Gggg hhhh.\n")

    class DiesOnSecondCall(TaggingEngine):
        def translate_batch(self, segments, source, target, options=None):  # type: ignore[no-untyped-def]
            if self.calls:
                raise KeyboardInterrupt
            return super().translate_batch(segments, source, target, options)

    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    with pytest.raises(KeyboardInterrupt):
        run(job([a], ["ms"]), DiesOnSecondCall(EN_MS), memory=memory)
    assert not (tmp_path / "a.ms.txt").exists()
    resumed = TaggingEngine(EN_MS)
    run(job([a], ["ms"]), resumed, memory=memory)
    assert [sorted(segs) for _, _, segs in resumed.calls] == [["Eee fff.", "Gggg hhhh."]]
    memory.close()


def test_pivot_through_english_when_no_direct_model(tmp_path: Path) -> None:
    a = write(tmp_path / "berita.ms.txt", "Selamat pagi. Apa khabar?\n")
    engine = TaggingEngine(EN_MS)
    result = run(job([a], ["fa"], source="ms"), engine, memory=None)
    assert (tmp_path / "berita.fa.txt").read_text() == "fa:en:Selamat pagi. fa:en:Apa khabar?\n"
    assert [(s, t) for s, t, _ in engine.calls] == [("ms", "en"), ("en", "fa")]
    assert result.routes == {"ms->fa": "ms->en->fa"}
    assert result.report["pivots"] == {"ms->fa": "ms->en->fa"}
    assert result.outputs[0].route == "ms->en->fa"


def test_direct_model_is_preferred_to_a_pivot() -> None:
    engine = TaggingEngine([("ms", "en"), ("en", "fa"), ("ms", "fa")])
    assert plan_route(engine, "ms", "fa").legs == (("ms", "fa"),)


def test_one_bad_file_does_not_lose_the_others(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Fine text.\n")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    missing = tmp_path / "nowhere.txt"
    engine = TaggingEngine(EN_MS)
    result = run(job([binary, good, missing], ["ms"]), engine, memory=None)
    assert (tmp_path / "good.ms.txt").read_text() == "ms:Fine text.\n"
    assert result.exit_code == 1
    assert len(result.errors) == 2
    assert result.errors[0].startswith(str(binary)) and result.errors[1].startswith(str(missing))
    assert all("\n" not in message for message in result.errors)
    assert not (tmp_path / "image.ms.txt").exists()
    assert [o.input for o in result.outputs] == [str(good)]


def test_outdir_and_output_names(tmp_path: Path) -> None:
    a = write(tmp_path / "story.en.md", "# Title\n\nBody text.\n")
    out = tmp_path / "out"
    result = run(job([a], ["ms"], outdir=out), TaggingEngine(EN_MS), memory=None)
    assert result.outputs[0].path == out / "story.ms.md"
    assert (out / "story.ms.md").read_text() == "# ms:Title\n\nms:Body text.\n"
    doc = InputDoc(name="x", path=Path("dir/notes.txt"), source="en")
    assert output_path(doc, "fa", None) == Path("dir/notes.fa.txt")
    doc = InputDoc(name="x", path=Path("dir/.en.txt"), source="en")
    assert output_path(doc, "fa", None) == Path("dir/.en.fa.txt")


def test_stdin_text_is_translated_without_writing(tmp_path: Path) -> None:
    result = run(job([], ["ms"], stdin_text="From a pipe.\n"), TaggingEngine(EN_MS), memory=None)
    assert [o.text for o in result.outputs] == ["ms:From a pipe.\n"]
    assert result.outputs[0].path is None
    assert not any(p.name.endswith(".ms.txt") for p in tmp_path.rglob("*"))


def test_missing_argos_model_names_the_install_command() -> None:
    with pytest.raises(MissingModelError) as info:
        plan_route(ArgosEngine(), "en", "fa")
    assert str(info.value) == (
        "no en->fa model installed — run 'dragoman models install en fa' "
        "or 'dragoman models install FILE.argosmodel' (installed: none)"
    )
    assert info.value.missing == [("en", "fa")]


def test_missing_pivot_leg_names_only_that_leg() -> None:
    class HalfInstalled(ArgosEngine):
        def pairs(self) -> list[tuple[str, str]]:
            return [("en", "fa")]

    with pytest.raises(MissingModelError) as info:
        plan_route(HalfInstalled(), "ms", "fa")
    assert info.value.missing == [("ms", "en")]
    assert str(info.value) == (
        "no ms->fa model installed — run 'dragoman models install ms en' "
        "or 'dragoman models install FILE.argosmodel' (installed: en->fa)"
    )


def test_unsupported_pair_of_another_engine_lists_its_pairs() -> None:
    with pytest.raises(EngineError) as info:
        plan_route(TaggingEngine([("en", "ms")]), "en", "de")
    assert str(info.value) == "the tagging engine cannot translate en->de — it supports: en->ms"


def test_auto_source_detection_per_file(tmp_path: Path) -> None:
    en = write(tmp_path / "a.txt", "The president said on Tuesday that the talks had gone well.\n")
    ms = write(tmp_path / "b.txt", "Presiden berkata pada hari Selasa bahawa rundingan berjalan dengan baik.\n")
    short = write(tmp_path / "c.txt", "Ok.\n")
    engine = TaggingEngine([("en", "ms"), ("ms", "en")])
    result = run(job([en, ms, short], ["en", "ms"], source="auto"), engine, memory=None)
    assert sorted((o.input, o.target) for o in result.outputs) == [(str(en), "ms"), (str(ms), "en")]
    assert (tmp_path / "b.en.txt").read_text().startswith("en:Presiden")
    assert result.errors == [f"{short}: cannot detect the language of so little text (2 letters) — pass --from"]
    assert result.notes == [
        f"{en} is already in en; not translated into en",
        f"{ms} is already in ms; not translated into ms",
    ]


def test_counting_engine_forwards_the_engine_contract_and_nothing_else() -> None:
    inner = TaggingEngine(EN_MS)
    counting = CountingEngine(inner)
    assert counting.pairs() == EN_MS and counting.signature("en", "ms") == inner.signature("en", "ms")
    out = counting.translate_batch(["x"], "en", "ms", BatchOptions(num_hypotheses=2))
    assert out == [[Hypothesis("ms:x", 0.0), Hypothesis("ms:x~1", -1.0)]]
    assert counting.calls == 1 and counting.segments == 1
    # The name and capabilities are the wrapped engine's, declared on the contract (issue 16: no getattr probing).
    assert (counting.name, counting.supports_nbest, counting.supports_markup) == ("tagging", True, False)
    assert counting.installs_missing_pairs is inner.installs_missing_pairs
    # What is not on the contract is not reached through the wrapper: the wrapped engine is ``inner``.
    assert counting.inner.version == "1"
    with pytest.raises(AttributeError):
        counting.version  # type: ignore[attr-defined]  # noqa: B018


def test_glossary_run_memory_keeps_the_report_and_edits_retranslate_only_touched_segments(tmp_path: Path) -> None:
    from fake_engine import FakeEngine

    from dragoman.glossary.yamlio import load_glossary_text

    a = write(tmp_path / "a.txt", "The president met Anwar Ibrahim today. The government announced a new policy.\n")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    glossary = load_glossary_text(EN_MS_GLOSSARY, "g.yaml")

    first = run(job([a], ["ms"], glossary=glossary), FakeEngine(), memory=memory)
    output = (tmp_path / "a.ms.txt").read_text()
    assert "Anwar Ibrahim" in output and "Onwor" not in output
    assert first.report["summary"]["terms_found"] == 2 and first.report["summary"]["violations"] == 0
    occurrences = first.report["documents"][0]["occurrences"]
    assert [(o["entry_id"], o["line"], o["column"]) for o in occurrences] == [
        ("anwar-ibrahim", 1, 19),
        ("policy", 1, 71),
    ]

    again = CountingEngine(FakeEngine())
    second = run(job([a], ["ms"], glossary=glossary), again, memory=memory)
    assert again.calls == 0
    assert (tmp_path / "a.ms.txt").read_text() == output
    assert second.report["summary"] == first.report["summary"]
    assert second.report["documents"][0]["occurrences"] == occurrences

    edited = load_glossary_text(EN_MS_GLOSSARY.replace("ms: dasar", "ms: polisi"), "g.yaml")
    third_engine = FakeEngine()
    run(job([a], ["ms"], glossary=edited), third_engine, memory=memory)
    sent = [segment for segments, _ in third_engine.calls for segment in segments]
    assert all("Anwar" not in segment for segment in sent) and any("policy" in s or "ZXQ" in s for s in sent)
    assert "polisi" in (tmp_path / "a.ms.txt").read_text()
    memory.close()


def test_progress_shows_only_what_the_memory_holds(tmp_path: Path) -> None:
    """The bar moves as chunks are stored, so whatever it showed done survives a kill of the run."""
    lines = [f"Sentence number {i} is here." for i in range(300)]
    a = write(tmp_path / "a.txt", "\n".join(lines) + "\n")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    stored_when_shown: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        with TranslationMemory(tmp_path / "tm.sqlite3") as reader:
            stored = reader.stats().entries
        stored_when_shown.append((done, stored))

    run(job([a], ["ms"]), TaggingEngine(EN_MS), memory=memory, progress=progress)
    memory.close()
    assert stored_when_shown[-1][0] == 300 and len(stored_when_shown) > 2  # several chunks, each shown once stored
    assert all(stored >= done for done, stored in stored_when_shown)


def test_digits_native_after_translation(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "In 2024 there were 15 talks.\n")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    run(job([a], ["fa"], digits="native"), TaggingEngine(EN_MS), memory=memory)
    assert (tmp_path / "a.fa.txt").read_text() == "fa:In ۲۰۲۴ there were ۱۵ talks.\n"
    # The memory keeps the engine's text: another digit mode needs no engine call.
    again = TaggingEngine(EN_MS)
    run(job([a], ["fa"]), again, memory=memory)
    assert again.calls == [] and (tmp_path / "a.fa.txt").read_text() == "fa:In 2024 there were 15 talks.\n"
    memory.close()
