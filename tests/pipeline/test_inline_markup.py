"""Inline markup through `dragoman translate`: marks land on the words that render them, inline code is copied."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fake_engine import FakeEngine
from helpers.toy import TOY_PACKAGE

from dragoman import packages
from dragoman.cache import TranslationMemory
from dragoman.cli import cli
from dragoman.pipeline.run import TranslateJob, run

HTML = (
    '<p>President Pezeshkian met Prime Minister <a href="/people/anwar">Anwar Ibrahim</a> in Kuala Lumpur.</p>\n'
    "<p>The war killed 1,250 people in <i>Gaza</i> last year.</p>\n"
)
# Without alignment the format would guess by relative position: '... Perdana <a>Menteri Onwor Ibrohim</a> ...'.
HTML_ZZ = (
    '<p>Presiden Pizishkion bertemu Perdana Menteri <a href="/people/anwar">Onwor Ibrohim</a> di Kuolo Lumpur.</p>\n'
    "<p>Perang membunuh 1,250 orang di <i>Gozo</i> tahun lalu.</p>\n"
)
MARKDOWN = "The **new government** met `ZXQ1` in [Gaza](https://example.org/Gaza).\n"
# The adjective moves after the noun and the bold goes with both words; the code span is copied verbatim.
MARKDOWN_ZZ = "**Kerajaan baru** bertemu `ZXQ1` di [Gozo](https://example.org/Gaza).\n"


def test_real_model_marks_follow_their_words_and_rerun_is_identical(tmp_path: Path) -> None:
    packages.install_file(TOY_PACKAGE)
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "post.md").write_text(MARKDOWN, encoding="utf-8")
    args = ["translate", str(tmp_path / "page.html"), str(tmp_path / "post.md"), "--to", "zz"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "page.zz.html").read_text(encoding="utf-8") == HTML_ZZ
    assert (tmp_path / "post.zz.md").read_text(encoding="utf-8") == MARKDOWN_ZZ
    (tmp_path / "page.zz.html").unlink()
    (tmp_path / "post.zz.md").unlink()
    again = CliRunner().invoke(cli, args)
    assert "3 unique segments: 3 from the translation memory, 0 translated in 0 engine calls" in again.stderr
    assert (tmp_path / "page.zz.html").read_text(encoding="utf-8") == HTML_ZZ
    assert (tmp_path / "post.zz.md").read_text(encoding="utf-8") == MARKDOWN_ZZ


def test_same_sentence_with_and_without_markup_are_kept_apart(tmp_path: Path) -> None:
    plain = tmp_path / "a.md"
    plain.write_text("The new government met Anwar today.\n", encoding="utf-8")
    marked = tmp_path / "b.md"
    marked.write_text("The new government met `Anwar` today.\n", encoding="utf-8")
    memory = TranslationMemory(tmp_path / "tm.sqlite3")
    engine = FakeEngine()
    result = run(TranslateJob([plain, marked], "en", ["zz"]), engine, memory=memory)
    assert result.errors == []
    assert (tmp_path / "a.zz.md").read_text(encoding="utf-8") == "Kerajaan baru bertemu Onwor hari ini.\n"
    # Inline code is protected (sent as a placeholder the model copies) and written back verbatim.
    assert (tmp_path / "b.zz.md").read_text(encoding="utf-8") == "Kerajaan baru bertemu `Anwar` hari ini.\n"
    # One engine call for both: the plain sentence as it is, the marked one with its placeholder.
    assert [sorted(segments) for segments, _ in engine.calls] == [
        ["The new government met Anwar today.", "The new government met ZXQ1 today."]
    ]
    # A re-run of both is served by the memory, each with its own spans.
    again = FakeEngine()
    run(TranslateJob([plain, marked], "en", ["zz"]), again, memory=memory)
    assert again.calls == []
    assert (tmp_path / "b.zz.md").read_text(encoding="utf-8") == "Kerajaan baru bertemu `Anwar` hari ini.\n"
    memory.close()


def test_marks_follow_their_words_through_a_pivot(tmp_path: Path) -> None:
    """ms -> en -> zz: each leg aligns the marks the previous one located (the format's own guess by position
    would put the bold on 'Kerajaan baru bertemu'); inline code is copied through both legs."""
    from dragoman.glossary.model import Entry, Glossary, LangTerms

    post = tmp_path / "post.md"
    post.write_text(MARKDOWN, encoding="utf-8")
    engine = FakeEngine(language_pairs=[("ms", "en"), ("en", "zz")])
    result = run(TranslateJob([post], "ms", ["zz"]), engine, memory=None)
    assert result.errors == [] and result.routes == {"ms->zz": "ms->en->zz"}
    assert [segments for segments, _ in engine.calls] == [
        ["The new government met ZXQ1 in Gaza."],
        ["Kerajaan baru bertemu ZXQ1 di Gozo."],
    ]
    assert (tmp_path / "post.zz.md").read_text(encoding="utf-8") == MARKDOWN_ZZ

    # With a glossary: the terms hold in the final language and the marks still sit on their words.
    glossary = Glossary(languages=["ms", "en", "zz"])
    glossary.add(
        Entry("gov", {"ms": LangTerms("government"), "en": LangTerms("government"), "zz": LangTerms("pemerintah")})
    )
    glossary.add(
        Entry("gaza", {"ms": LangTerms("Gaza"), "en": LangTerms("Gaza"), "zz": LangTerms("Gaza")}, type="place")
    )
    engine = FakeEngine(language_pairs=[("ms", "en"), ("en", "zz")])
    result = run(TranslateJob([post], "ms", ["zz"], glossary=glossary), engine, memory=None)
    assert (tmp_path / "post.zz.md").read_text(encoding="utf-8") == (
        "**Pemerintah baru** bertemu `ZXQ1` di [Gaza](https://example.org/Gaza).\n"
    )
    assert result.report["summary"] == {
        "terms_found": 2,
        "applied": 2,
        "variants": 0,
        "violations": 0,
        "forbidden_found": 0,
        "integrity": 0,
    }
