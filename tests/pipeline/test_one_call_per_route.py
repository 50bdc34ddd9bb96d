"""Engine calls per route: plain segments and segments with inline formatting (bold names, links) of every file of a
run share one engine call per leg, and come out byte for byte as when each kind had a call of its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fake_engine import FakeEngine
from helpers.toy import unpack_toy

from dragoman.cache import COMMIT_FIRST_SEGMENTS
from dragoman.enforce.model import SegmentResult
from dragoman.engines.argos import ArgosEngine
from dragoman.engines.base import Engine
from dragoman.formats import Segment
from dragoman.glossary.model import Entry, Glossary, LangTerms
from dragoman.pipeline import run as run_module
from dragoman.pipeline.routes import Route
from dragoman.pipeline.run import TranslateJob, run
from dragoman.pipeline.translator import Translator

HTML = (
    "<p>President <b>Pezeshkian</b> met the new prime minister in Tehran.</p>\n"
    "<p>The new government welcomed the agreement.</p>\n"
    '<p>Foreign Minister <a href="/people/araghchi">Araghchi</a> said the government visited Gaza.</p>\n'
    "<p>The talks ended on Monday.</p>\n"
)
MARKDOWN = "The **new government** met reporters in Gaza.\n\nThe minister spoke to reporters at noon.\n"


def _docx(path: Path) -> None:
    """Bold names in some paragraphs, plain text in others (written by python-docx, an independent writer)."""
    import docx
    from formats.office import docx_bytes

    document = docx.Document()
    paragraph = document.add_paragraph("Prime Minister ")
    paragraph.add_run("Anwar Ibrahim").bold = True
    paragraph.add_run(" met President Pezeshkian in Kuala Lumpur.")
    document.add_paragraph("The war killed 1,250 people in Gaza last year.")
    paragraph = document.add_paragraph("The ")
    paragraph.add_run("government").italic = True
    paragraph.add_run(" discussed the difficult talks.")
    document.add_paragraph("The weather was calm all day.")
    path.write_bytes(docx_bytes(document))


def _inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    _docx(folder / "story.docx")
    (folder / "page.html").write_text(HTML, encoding="utf-8")
    (folder / "post.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "other.html").write_text(
        "<p>The <i>council</i> met on Tuesday.</p>\n<p>The big Malaysian delegation visited Tehran on Monday.</p>\n",
        encoding="utf-8",
    )
    return sorted(folder.iterdir())


def _route_by_kind(translator: Translator, segments: Sequence[Segment], route: Route) -> list[SegmentResult]:
    """The way it was done before: plain segments in one translate call, marked ones in another (the golden)."""
    marks = [run_module._inline_marks(segment) for segment in segments]
    values: list[SegmentResult | None] = [None] * len(segments)
    for marked in (False, True):
        indexes = [i for i, m in enumerate(marks) if bool(m) == marked]
        if indexes:
            texts = [segments[i].text for i in indexes]
            out = translator.translate(texts, route, marks=[marks[i] for i in indexes] if marked else None)
            for i, value in zip(indexes, out):
                values[i] = value
    return [value for value in values if value is not None]


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(outdir.iterdir())}


def _glossary() -> Glossary:
    g = Glossary(languages=["en", "zz"])
    g.add(Entry("gov", {"en": LangTerms("government"), "zz": LangTerms("pemerintah", forbidden=["kerajaan"])}))
    g.add(Entry("pezeshkian", {"en": LangTerms("Pezeshkian")}, dnt=True, type="person"))
    g.add(Entry("tehran", {"en": LangTerms("Tehran"), "zz": LangTerms("Teheran")}, type="place"))
    g.add(Entry("gaza", {"en": LangTerms("Gaza"), "zz": LangTerms("Gaza")}, type="place"))
    return g


def _both_ways(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, engine: Engine, job: TranslateJob
) -> tuple[run_module.RunResult, run_module.RunResult]:
    """The run as it is, then again with one translate call per kind of segment; each into its own folder."""
    merged = run(dataclasses.replace(job, outdir=tmp_path / "merged"), engine)
    with monkeypatch.context() as patch:
        patch.setattr(run_module, "_translate_route", _route_by_kind)
        by_kind = run(dataclasses.replace(job, outdir=tmp_path / "by-kind"), engine)
    assert merged.errors == [] and by_kind.errors == []
    return merged, by_kind


@pytest.fixture(scope="module")
def toy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture
def toy(toy_dir: Path) -> Iterator[ArgosEngine]:
    engine = ArgosEngine(packages={("en", "zz"): toy_dir})
    yield engine
    engine.close()


def _texts(result: run_module.RunResult) -> list[list[str]]:
    return [[value.text for value in out.results] for out in result.outputs]


@pytest.mark.parametrize("with_glossary", [False, True], ids=["plain", "glossary"])
def test_real_model_one_call_per_round_for_every_file_and_kind_of_segment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, toy: ArgosEngine, with_glossary: bool
) -> None:
    inputs = _inputs(tmp_path / "in")
    glossary = _glossary() if with_glossary else None
    job = TranslateJob(inputs=inputs, source="en", targets=["zz"], use_memory=False, glossary=glossary)
    merged, by_kind = _both_ways(monkeypatch, tmp_path, toy, job)
    assert merged.stats.translated == by_kind.stats.translated > 10
    if with_glossary:
        # One call per enforcement round for both kinds together, instead of one per round per kind.
        assert merged.stats.engine_calls < by_kind.stats.engine_calls
        assert merged.report["summary"] == by_kind.report["summary"]
    else:
        # DOCX, HTML and Markdown with bold, italic and linked words, and plain paragraphs: one engine call.
        assert (merged.stats.engine_calls, by_kind.stats.engine_calls) == (1, 2)
    # The decoded text does not depend on the call's other segments. (CTranslate2's batched beam search returns
    # the first target token's attention differently with some companions, so where a mark starts may move by
    # a word; the fake engine below pins byte-identical files.)
    assert _texts(merged) == _texts(by_kind)
    for out in merged.outputs:
        for segment, value in zip(_segments(out.input), out.results):
            located = [span for span in value.mark_spans or [] if span is not None]
            assert len(located) == len(run_module._inline_marks(segment)), (segment.text, value)
            assert bool(value.mark_spans) == bool(segment.inline)


def _segments(name: str) -> list[Segment]:
    (doc,) = run_module.prepare(TranslateJob(inputs=[Path(name)], source="en", targets=["zz"]), FakeEngine())
    assert doc.document is not None
    return list(doc.document.segments)


@pytest.mark.parametrize("with_glossary", [False, True], ids=["plain", "glossary"])
def test_files_are_byte_identical_to_one_call_per_kind(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, with_glossary: bool
) -> None:
    inputs = _inputs(tmp_path / "in")
    glossary = _glossary() if with_glossary else None
    job = TranslateJob(inputs=inputs, source="en", targets=["zz"], use_memory=False, glossary=glossary)
    merged, by_kind = _both_ways(monkeypatch, tmp_path, FakeEngine(), job)
    assert merged.stats.engine_calls < by_kind.stats.engine_calls
    if not with_glossary:
        assert (merged.stats.engine_calls, by_kind.stats.engine_calls) == (1, 2)
    assert _outputs(tmp_path / "merged") == _outputs(tmp_path / "by-kind")
    assert [[r.to_dict() for r in out.results] for out in merged.outputs] == [
        [r.to_dict() for r in out.results] for out in by_kind.outputs
    ]
    assert _documents(merged) == _documents(by_kind)


def _documents(result: run_module.RunResult) -> list[dict[str, object]]:
    """The report's documents, less where each output was written."""
    return [{k: v for k, v in doc.items() if k != "output"} for doc in result.report["documents"]]


def test_one_call_per_leg_through_a_pivot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text(HTML, encoding="utf-8")
    (folder / "post.md").write_text(MARKDOWN, encoding="utf-8")
    engine = FakeEngine(language_pairs=[("ms", "en"), ("en", "zz")])
    job = TranslateJob(inputs=sorted(folder.iterdir()), source="ms", targets=["zz"], use_memory=False)
    merged, by_kind = _both_ways(monkeypatch, tmp_path, engine, job)
    assert merged.routes == {"ms->zz": "ms->en->zz"}
    assert (merged.stats.engine_calls, by_kind.stats.engine_calls) == (2, 4)
    assert _outputs(tmp_path / "merged") == _outputs(tmp_path / "by-kind")
    assert [[r.to_dict() for r in out.results] for out in merged.outputs] == [
        [r.to_dict() for r in out.results] for out in by_kind.outputs
    ]


def test_files_share_calls_up_to_the_chunk_size(tmp_path: Path) -> None:
    """Many files of one route: the misses go to the engine in chunks, never one call per file or per kind."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):
        (folder / f"a{n:02}.html").write_text(
            f"<p>The <b>council</b> met {n} times.</p>\n<p>It rained on day {n}.</p>\n", encoding="utf-8"
        )
    engine = FakeEngine()
    result = run(TranslateJob(inputs=sorted(folder.iterdir()), source="en", targets=["zz"], use_memory=False), engine)
    assert result.errors == [] and result.stats.translated == 80
    # 80 segments: the first commit chunk (a killed run keeps it) and the rest, plain and bold together.
    assert result.stats.engine_calls == len(engine.calls) == 2
    assert [len(segments) for segments, _ in engine.calls] == [COMMIT_FIRST_SEGMENTS, 80 - COMMIT_FIRST_SEGMENTS]


def test_a_memory_filled_one_call_per_kind_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The memory keys did not change: what runs with one call per kind stored is found again, nothing translated."""
    from dragoman.cache import TranslationMemory

    inputs = _inputs(tmp_path / "in")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    # force: a DOCX output of an earlier run is replaced only when asked (fsutil.WriteGuard).
    job = TranslateJob(inputs=inputs, source="en", targets=["zz"], outdir=tmp_path / "out", force=True)
    with monkeypatch.context() as patch:
        patch.setattr(run_module, "_translate_route", _route_by_kind)
        before = run(job, FakeEngine(), memory=memory)
    engine = FakeEngine()
    after = run(job, engine, memory=memory)
    assert after.errors == []
    assert engine.calls == [] and after.stats.memory_hits == after.stats.unique == before.stats.translated
    assert [out.changed for out in after.outputs] == [False] * len(inputs)  # the files already hold it
    memory.close()


def test_marked_sentences_with_glossary_terms_are_found_in_the_memory(tmp_path: Path) -> None:
    """A bold name in a sentence with a glossary term: its record is complete, so a re-run translates nothing."""
    from dragoman.cache import TranslationMemory

    inputs = _inputs(tmp_path / "in")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    job = TranslateJob(inputs=inputs, source="en", targets=["zz"], glossary=_glossary(), force=True)
    first = run(job, FakeEngine(), memory=memory)
    assert first.report["summary"]["applied"] > 0
    engine = FakeEngine()
    again = run(job, engine, memory=memory)
    assert again.errors == []
    assert engine.calls == [] and again.stats.memory_hits == again.stats.unique
    assert [out.text for out in again.outputs] == [out.text for out in first.outputs]
    memory.close()
