"""Issue 15 items 3, 4, 10, 12: no command writes over its inputs, its other outputs or a file of another
kind; symlinks stay links; long names work; killed writers' temporaries are cleaned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers.toy import TOY_PACKAGE, toy_cases

from dragoman import packages
from dragoman.cli import cli
from dragoman.fsutil import (
    WriteGuard,
    WriteRefused,
    atomic_write_text,
    clean_stale_temporaries,
    file_kind,
    file_lock,
    same_file,
)

DATA = Path(__file__).parent / "data"
DESK = DATA / "glossaries" / "desk.yaml"


@pytest.fixture
def toy() -> list[tuple[str, str]]:
    packages.install_file(TOY_PACKAGE)
    return toy_cases()


def invoke(*args: Any) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _article(path: Path, toy: list[tuple[str, str]]) -> str:
    text = "\n".join(s for s, _ in toy[:2]) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


# -- item 3: --report over an input or a translation, exports and merges over their input


def test_report_over_the_input_is_refused(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "t.txt"
    text = _article(src, toy)
    result = invoke("translate", src, "--to", "zz", "--report", src, "-q")
    assert result.exit_code == 2
    assert "is an input of this command; writing the report there would replace it" in result.output
    assert src.read_text(encoding="utf-8") == text
    assert not (tmp_path / "t.zz.txt").exists()  # refused before any work


def test_report_over_the_translation_is_refused(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "t.txt"
    _article(src, toy)
    result = invoke("translate", src, "--to", "zz", "--report", tmp_path / "t.zz.txt", "-q")
    assert result.exit_code == 2
    assert "the report would overwrite the translation" in result.output
    result = invoke("translate", src, "--to", "zz", "-q")  # the translation itself is untouched by a report
    assert result.exit_code == 0
    assert not (tmp_path / "t.zz.txt").read_text(encoding="utf-8").lstrip().startswith("{")


def test_report_over_another_article_needs_force(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "t.txt"
    _article(src, toy)
    other = tmp_path / "notes.txt"
    other.write_text("my notes\n", encoding="utf-8")
    result = invoke("translate", src, "--to", "zz", "--report", other, "-q")
    assert result.exit_code == 2
    assert "holds an article; refusing to replace it with the report" in result.output
    assert "--force" in result.output
    assert other.read_text(encoding="utf-8") == "my notes\n"
    report = tmp_path / "run.json"
    assert invoke("translate", src, "--to", "zz", "--report", report, "-q").exit_code == 0
    # a report replaces an earlier report without --force; an article only with it
    assert invoke("translate", src, "--to", "zz", "--report", report, "-q").exit_code == 0
    result = invoke("translate", src, "--to", "zz", "--report", other, "-q", "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(other.read_text(encoding="utf-8"))["dragoman"]


def test_export_over_its_input_is_refused(tmp_path: Path) -> None:
    desk = tmp_path / "desk.yaml"
    desk.write_bytes(DESK.read_bytes())
    result = invoke("glossary", "export", desk, "--format", "tbx", "-o", desk)
    assert result.exit_code == 1
    assert f"{desk}: is an input of this command; writing the TBX export there would replace it" in result.output
    assert desk.read_bytes() == DESK.read_bytes()
    # over a file of another kind only with --force
    notes = tmp_path / "notes.tbx.txt"
    notes.write_text("notes\n", encoding="utf-8")
    assert invoke("glossary", "export", desk, "--format", "tbx", "-o", notes).exit_code == 1
    assert notes.read_text(encoding="utf-8") == "notes\n"
    assert invoke("glossary", "export", desk, "--format", "tbx", "-o", notes, "--force").exit_code == 0
    assert "<tbx" in notes.read_text(encoding="utf-8")


def test_merge_into_an_input_keeps_its_comments(tmp_path: Path) -> None:
    desk = tmp_path / "desk.yaml"
    original = "# the desk's own notes\n" + DESK.read_text(encoding="utf-8")
    desk.write_text(original, encoding="utf-8")
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "version: 1\nlanguages: [en, zz]\nentries:\n  - id: x\n    terms: {en: X, zz: Y}\n", encoding="utf-8"
    )
    result = invoke("glossary", "merge", desk, extra, "-o", desk)
    assert result.exit_code == 1
    assert "is an input of this command" in result.output
    assert desk.read_text(encoding="utf-8") == original
    # the same file reached through '..' is still the input
    result = invoke("glossary", "merge", desk, extra, "-o", tmp_path / ".." / tmp_path.name / "extra.yaml")
    assert result.exit_code == 1
    assert "is an input of this command" in result.output


def test_import_over_its_input_is_refused_even_with_force(tmp_path: Path) -> None:
    tbx = tmp_path / "desk.tbx"
    assert invoke("glossary", "export", DESK, "-o", tbx).exit_code == 0
    before = tbx.read_bytes()
    result = invoke("glossary", "import", tbx, "-o", tbx, "--force")
    assert result.exit_code == 1
    assert "is an input of this command" in result.output
    assert tbx.read_bytes() == before


# -- item 4: collisions compared by the file, not the name


def test_two_inputs_with_one_output_through_dotdot(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    folder = tmp_path / "w"
    _article(folder / "a.en.txt", toy)
    (folder / "a.txt").write_text(toy[3][0] + "\n", encoding="utf-8")
    result = invoke("translate", folder / "a.en.txt", folder / ".." / "w" / "a.txt", "--to", "zz", "-q")
    assert result.exit_code == 1
    assert "would overwrite the zz translation of" in result.output
    written = (folder / "a.zz.txt").read_text(encoding="utf-8")
    assert written == "\n".join(t for _, t in toy[:2]) + "\n"  # the first one's, not replaced by the second


def test_two_inputs_with_one_output_through_a_symlinked_folder(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    folder = tmp_path / "w"
    _article(folder / "a.en.txt", toy)
    (folder / "a.txt").write_text(toy[3][0] + "\n", encoding="utf-8")
    (tmp_path / "v").symlink_to(folder, target_is_directory=True)
    result = invoke("translate", folder / "a.en.txt", tmp_path / "v" / "a.txt", "--to", "zz", "-q")
    assert result.exit_code == 1
    assert "would overwrite" in result.output


def test_an_output_that_is_another_input_is_refused(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "p" / "a.txt"
    _article(src, toy)
    other = tmp_path / "p" / "OUT" / "a.zz.txt"
    other.parent.mkdir()
    other.write_text(toy[3][0] + "\n", encoding="utf-8")
    result = invoke("translate", src, other, "--to", "zz", "-o", tmp_path / "p" / "OUT", "-q")
    assert result.exit_code == 1
    assert f"{other}: is an input of this command" in result.output
    assert other.read_text(encoding="utf-8") == toy[3][0] + "\n"


def test_hard_link_is_the_same_file(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text("x\n", encoding="utf-8")
    os.link(a, tmp_path / "b.txt")
    assert same_file(a, tmp_path / "b.txt")
    guard = WriteGuard([a])
    with pytest.raises(WriteRefused, match="is an input of this command"):
        guard.check(tmp_path / "b.txt", None, "the output")


def test_translation_over_a_glossary_needs_force(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    src = tmp_path / "a.txt"
    _article(src, toy)
    out = tmp_path / "a.zz.txt"
    out.write_text("\x00binary\x00", encoding="utf-8")
    result = invoke("translate", src, "--to", "zz", "-q")
    assert result.exit_code == 1
    assert "holds binary data; refusing to replace it" in result.output
    assert invoke("translate", src, "--to", "zz", "-q", "--force").exit_code == 0


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.txt", "hello\n", "document"),
        ("g.yaml", "version: 1\nentries: []\n", "glossary"),
        ("c.yaml", "key: value\n", "yaml"),
        ("g.tbx", "<?xml version='1.0'?><tbx></tbx>", "glossary"),
        ("g.csv", "en,fa\n", "glossary"),
        ("r.json", json.dumps({"dragoman": "1", "stats": {}}), "report"),
        ("d.json", json.dumps({"a": 1}), "json"),
        ("b.bin", "\x00\x01", "binary"),
        # The keys are the top level's (read as a stream), late ones too; the whole text must be JSON.
        ("r.json", '{"documents": [{"dragoman": 1}], "stats": {}}', "json"),
        ("r.json", '{"documents": [{"a": "\\udc80"}], "stats": {}, "dragoman": "1"}', "report"),
        ("r.json", '{"dragoman": "1", "stats": {}', "document"),
        ("r.json", '{"dragoman": "1", "stats": {}} {}', "document"),
        ("r.json", '{"dragoman": "1", "stats": {"n": 1e400}}', "report"),
    ],
)
def test_file_kind(tmp_path: Path, name: str, content: str, kind: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert file_kind(path) == kind


def test_a_large_report_is_recognised_in_flat_memory(tmp_path: Path) -> None:
    import tracemalloc

    from dragoman.fsutil import json_text

    path = tmp_path / "r.json"
    documents = [{"path": f"in/{i:06d}.en.txt", "occurrences": [], "note": "x" * 500} for i in range(6000)]
    path.write_text(json_text({"documents": documents, "dragoman": {"version": "1"}, "stats": {}}), encoding="utf-8")
    assert file_kind(path) == "report"  # imports done
    tracemalloc.start()
    try:
        assert file_kind(path) == "report"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # json.loads held the whole report (several times its size); the stream holds one read's parse events.
    assert peak < path.stat().st_size / 3, (peak, path.stat().st_size)


# -- item 10: a symlink stays a link, its target is written


def test_editing_a_glossary_through_a_symlink(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "desk.yaml"
    real.write_text("# shared desk\n" + DESK.read_text(encoding="utf-8"), encoding="utf-8")
    link = tmp_path / "desk.yaml"
    link.symlink_to(real)
    result = invoke("glossary", "add", link, "--id", "kl", "--term", "en=Kuala Lumpur", "--term", "fa=کوالالامپور")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    text = real.read_text(encoding="utf-8")
    assert text.startswith("# shared desk\n") and "Kuala Lumpur" in text
    assert not (tmp_path / "desk.yaml.lock").exists()  # the lock sits with the real file


def test_symlinked_output_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    atomic_write_text(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
    assert os.stat(real).st_mode & 0o777 == 0o640


# -- item 12: long names, stale temporaries


def test_output_names_up_to_name_max(tmp_path: Path, toy: list[tuple[str, str]]) -> None:
    for length in (242, 255):
        name = "x" * (length - len(".zz.txt")) + ".txt"
        src = tmp_path / name
        _article(src, toy)
        result = invoke("translate", src, "--to", "zz", "-q", "--no-memory")
        assert result.exit_code == 0, result.output
        out = tmp_path / (name[: -len(".txt")] + ".zz.txt")
        assert len(out.name) == length and out.exists()
    atomic_write_text(tmp_path / ("é" * 126 + ".tx"), "x")  # 255 bytes, two-byte characters
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporaries_are_cleaned(tmp_path: Path) -> None:
    dead = tmp_path / f".out.txt.dragoman-{_dead_pid()}-abc123_x.tmp"
    live = tmp_path / f".out.txt.dragoman-{os.getpid()}-zzz999.tmp"
    legacy = tmp_path / ".out.txt.k2j4h5g6.tmp"
    recent_legacy = tmp_path / ".out.txt.a1b2c3d4.tmp"
    foreign = tmp_path / ".someone-else.tmp"
    (tmp_path / "out.txt").write_text("old\n", encoding="utf-8")
    for path in (dead, live, legacy, recent_legacy, foreign):
        path.write_text("partial", encoding="utf-8")
    hour_ago = time.time() - 7200
    os.utime(legacy, (hour_ago, hour_ago))
    removed = clean_stale_temporaries(tmp_path)
    assert sorted(removed) == sorted([dead, legacy])
    assert live.exists() and recent_legacy.exists() and foreign.exists()


def test_a_write_cleans_the_folder_once(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    folder.mkdir()
    dead = folder / f".a.yaml.dragoman-{_dead_pid()}-q1w2e3.tmp"
    dead.write_text("partial", encoding="utf-8")
    atomic_write_text(folder / "a.yaml", "x: 1\n")
    assert not dead.exists()


def test_kill_9_during_writes_leaves_nothing_after_the_next_write(tmp_path: Path) -> None:
    # A writer killed between creating its temporary file and renaming it: a real process, a real SIGKILL.
    script = (
        "import os, sys, time\n"
        "from dragoman import fsutil\n"
        "def slow_replace(src, dst):\n"
        "    print('ready', flush=True); time.sleep(60)\n"
        "fsutil.os.replace = slow_replace\n"
        "fsutil.atomic_write_text(sys.argv[1], 'x' * 1000)\n"
    )
    target = tmp_path / "k" / "g.yaml"
    target.parent.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.kill()
    proc.wait()
    proc.stdout.close()
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]  # the litter
    with file_lock(tmp_path / "other"):
        pass
    from dragoman import fsutil

    fsutil._cleaned_dirs.clear()  # a new process
    atomic_write_text(target, "y\n")
    assert sorted(p.name for p in target.parent.iterdir()) == ["g.yaml"]
