"""A batch with files no reader takes, or files that are not what their extension says: one line each, the rest written."""

from __future__ import annotations

from pathlib import Path

from dragoman.pipeline.run import TranslateJob, run

from engines.fake import TaggingEngine


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
    result = run(TranslateJob(inputs=[rst], source="en", targets=["ms"], format_name="txt"), TaggingEngine([("en", "ms")]))
    assert result.errors == []
    assert (tmp_path / "notes.ms.rst").read_text(encoding="utf-8") == "ms:Some text.\n"
