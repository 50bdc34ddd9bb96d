"""A batch with files no reader takes, or files that are not what their extension says: one line each, the rest written."""

from __future__ import annotations

from pathlib import Path

import pytest
from engines.fake import TaggingEngine

from dragoman.pipeline.run import TranslateJob, run


def test_unknown_extension_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    rst = tmp_path / "notes.rst"
    rst.write_text("Title\n=====\n\nSome text.\n", encoding="utf-8")
    good = tmp_path / "a.txt"
    good.write_text("Hello there.\n", encoding="utf-8")
    result = run(TranslateJob(inputs=[rst, good], source="en", targets=["ms"]), TaggingEngine([("en", "ms")]))
    assert result.errors == [
        f"{rst}: no reader for this extension (.rst) — choose one with --format (" + result.errors[0].split("(", 2)[2]
    ]
    assert "txt" in result.errors[0] and "\n" not in result.errors[0]
    assert (tmp_path / "a.ms.txt").read_text(encoding="utf-8") == "ms:Hello there.\n"
    assert not (tmp_path / "notes.ms.rst").exists()


def test_explicit_format_reads_an_unknown_extension(tmp_path: Path) -> None:
    rst = tmp_path / "notes.rst"
    rst.write_text("Some text.\n", encoding="utf-8")
    result = run(
        TranslateJob(inputs=[rst], source="en", targets=["ms"], format_name="txt"), TaggingEngine([("en", "ms")])
    )
    assert result.errors == []
    assert (tmp_path / "notes.ms.rst").read_text(encoding="utf-8") == "ms:Some text.\n"


# -- DOCX through the pipeline ----------------------------------------------------------------


def _story_docx(paragraphs: int, runs_per_sentence: int = 1) -> bytes:
    """``paragraphs`` copies of one two-sentence paragraph; the noun is bold, the rest cut into many runs."""
    import docx
    from formats.office import docx_bytes

    document = docx.Document()
    for _ in range(paragraphs):
        paragraph = document.add_paragraph("The new ")
        paragraph.add_run("government").bold = True
        rest = " discussed the difficult talks. President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur."
        size = max(1, len(rest) // runs_per_sentence)
        for start in range(0, len(rest), size):
            paragraph.add_run(rest[start : start + size])
    return docx_bytes(document)


def test_bad_docx_is_one_line_and_the_batch_is_written(tmp_path: Path) -> None:
    fake = tmp_path / "draft.docx"
    fake.write_text("I am a text file with the wrong name.\n", encoding="utf-8")
    real = tmp_path / "story.docx"
    real.write_bytes(_story_docx(1))
    good = tmp_path / "a.txt"
    good.write_text("Hello there.\n", encoding="utf-8")
    result = run(TranslateJob(inputs=[fake, real, good], source="en", targets=["ms"]), TaggingEngine([("en", "ms")]))
    assert result.errors == [
        f"{fake}: is not a DOCX file (not a zip archive) — save it again as .docx from the word processor, "
        "or choose the right --format"
    ]
    assert (tmp_path / "a.ms.txt").exists() and (tmp_path / "story.ms.docx").exists()


def test_engine_calls_do_not_grow_with_runs_or_paragraphs(tmp_path: Path) -> None:
    calls = []
    for paragraphs, runs in ((2, 1), (30, 12)):
        path = tmp_path / f"s{paragraphs}.docx"
        path.write_bytes(_story_docx(paragraphs, runs))
        engine = TaggingEngine([("en", "ms")])
        result = run(TranslateJob(inputs=[path], source="en", targets=["ms"], use_memory=False), engine)
        assert result.errors == []
        calls.append(result.stats.engine_calls)
    # The same sentences as Markdown (bold as **...**) take as many calls: one, plain and marked sentences together.
    md = tmp_path / "s.md"
    md.write_text(
        "The new **government** discussed the difficult talks. "
        "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur.\n",
        encoding="utf-8",
    )
    markdown = run(
        TranslateJob(inputs=[md], source="en", targets=["ms"], use_memory=False), TaggingEngine([("en", "ms")])
    )
    assert calls == [markdown.stats.engine_calls] * 2 and calls[0] == 1


def test_xliff_unit_with_an_unenforced_term_needs_review_with_the_finding_as_note(tmp_path: Path) -> None:
    from fake_engine import FakeEngine, Fault
    from lxml import etree

    from dragoman.glossary.layers import load_glossaries

    glossary_file = tmp_path / "g.yaml"
    glossary_file.write_text(
        "version: 1\nlanguages: [en, zz]\nentries:\n  - id: gov\n    terms:\n      en: government\n"
        "      zz: {term: pemerintah, forbidden: [rejim]}\n",
        encoding="utf-8",
    )
    job_file = tmp_path / "job.xlf"
    job_file.write_text(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" '
        'datatype="plaintext"><body><trans-unit id="1"><source>The new government met.</source></trans-unit>'
        '<trans-unit id="2"><source>The house.</source></trans-unit></body></file></xliff>',
        encoding="utf-8",
    )
    engine = FakeEngine(
        faults=[Fault("paraphrase", "government", to="pentadbiran", alone=False), Fault("drop", "#1")], attention=False
    )
    glossary = load_glossaries([glossary_file], source="en", target="zz")
    result = run(
        TranslateJob(inputs=[job_file], source="en", targets=["zz"], glossary=glossary, use_memory=False), engine
    )
    assert result.errors == []
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    units = etree.parse(str(tmp_path / "job.zz.xlf")).getroot().findall(".//x:trans-unit", ns)
    assert [u.find("x:target", ns).get("state") for u in units] == ["needs-review-translation", "translated"]
    notes = [n.text for n in units[0].findall("x:note", ns)]
    assert len(notes) == 1 and notes[0].startswith("glossary gov: violated (government -> pemerintah)")
    assert units[1].findall("x:note", ns) == []


# -- folders ----------------------------------------------------------------------------------


def test_folder_walk_mirrors_the_tree_under_the_output_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dragoman import engines
    from dragoman.cli import cli

    desk = tmp_path / "desk"
    (desk / "world" / "asia").mkdir(parents=True)
    (desk / ".git").mkdir()
    (desk / "a.txt").write_text("Hello there.\n", encoding="utf-8")
    (desk / "world" / "b.md").write_text("# Title\n", encoding="utf-8")
    (desk / "world" / "asia" / "c.docx").write_bytes(_story_docx(1))
    (desk / "world" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (desk / ".git" / "x.txt").write_text("Hidden.\n", encoding="utf-8")
    engine = TaggingEngine([("en", "ms")])
    import pytest

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engines, "create_engine", lambda name, **options: engine)
        out = tmp_path / "out"
        result = CliRunner().invoke(
            cli, ["translate", str(desk), "-r", "--to", "ms", "-o", str(out), "-q", "--no-memory"]
        )
        assert result.exit_code == 0, result.output
        written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert written == ["a.ms.txt", "world/asia/c.ms.docx", "world/b.ms.md"]
        assert (out / "a.ms.txt").read_text(encoding="utf-8") == "ms:Hello there.\n"
        assert len(engine.calls) <= 2  # every file of the tree in the same batch

        only = tmp_path / "only"
        docx_only = CliRunner().invoke(
            cli,
            ["translate", str(desk), "-r", "--include", "*.docx", "--to", "ms", "-o", str(only), "-q", "--no-memory"],
        )
        assert docx_only.exit_code == 0, docx_only.output
        assert [p.relative_to(only).as_posix() for p in only.rglob("*") if p.is_file()] == ["world/asia/c.ms.docx"]

        no_r = CliRunner().invoke(cli, ["translate", str(desk), "--to", "ms", "-q"])
        assert no_r.exit_code == 1 and f"{desk}: is a directory, not a file" in no_r.output


def test_cli_refuses_a_binary_format_on_stdin_and_names_unknown_extensions(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dragoman.cli import cli

    stdin = CliRunner().invoke(cli, ["translate", "--to", "ms", "--format", "docx"], input="text")
    assert stdin.exit_code == 2 and "docx is read from a file, not stdin; give the file" in stdin.output
    rst = tmp_path / "notes.rst"
    rst.write_text("Some text.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", str(rst), "--to", "ms"])
    assert result.exit_code == 1
    assert f"error: {rst}: no reader for this extension (.rst) — choose one with --format (" in result.output


def test_a_re_run_replaces_its_earlier_docx_translation(tmp_path: Path) -> None:
    # A DOCX translation is a zip (binary) but still a document: a re-run replaces it without --force, as for .txt.
    from click.testing import CliRunner

    from dragoman import engines
    from dragoman.cli import cli

    src = tmp_path / "a.docx"
    src.write_bytes(_story_docx(2))
    engine = TaggingEngine([("en", "ms")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engines, "create_engine", lambda name, **options: engine)
        first = CliRunner().invoke(cli, ["translate", str(src), "--to", "ms", "--no-memory"])
        assert first.exit_code == 0, first.output
        written = (tmp_path / "a.ms.docx").read_bytes()
        assert written.startswith(b"PK\x03\x04")
        again = CliRunner().invoke(cli, ["translate", str(src), "--to", "ms", "--no-memory"])
        assert again.exit_code == 0, again.output
        assert "refusing" not in again.output
        # Binary data under a .docx name that is not a zip container is still refused.
        (tmp_path / "a.ms.docx").write_bytes(b"\x00\x01 not a zip")
        refused = CliRunner().invoke(cli, ["translate", str(src), "--to", "ms", "--no-memory"])
        assert refused.exit_code == 1 and "holds binary data" in refused.output
