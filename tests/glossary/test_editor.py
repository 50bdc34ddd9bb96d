"""Round-trip editing: comments and untouched lines survive, edits are validated, locked and atomic."""

from __future__ import annotations

import difflib
import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import pytest

from dragoman.errors import GlossaryError
from dragoman.fsutil import atomic_write_text, file_lock, lock_path_for
from dragoman.glossary.editor import GlossaryEditor, create_glossary
from dragoman.glossary.model import Entry, LangTerms
from dragoman.glossary.yamlio import load_glossary

DATA = Path(__file__).parent.parent / "data" / "glossaries"


@pytest.fixture()
def basic(tmp_path: Path) -> Path:
    path = tmp_path / "basic.yaml"
    shutil.copyfile(DATA / "basic.yaml", path)
    return path


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a diff."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def tehran() -> Entry:
    return Entry("tehran", {"en": LangTerms("Tehran"), "fa": LangTerms("تهران", ["طهران"])}, type="place")


def test_add_keeps_every_other_line_byte_for_byte(basic: Path) -> None:
    before = basic.read_text(encoding="utf-8")
    with GlossaryEditor(basic) as editor:
        editor.add_entry(tehran())
    after = basic.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after[len(before) :] == (
        "  - id: tehran\n"
        "    type: place\n"
        "    terms:\n"
        "      en: Tehran\n"
        "      fa:\n"
        "        term: تهران\n"
        "        variants: [طهران]\n"
    )
    assert load_glossary(basic).get("tehran") == tehran()


def test_remove_touches_only_that_entry(basic: Path) -> None:
    before = basic.read_text(encoding="utf-8")
    with GlossaryEditor(basic) as editor:
        editor.remove_entry("iran")
    removed, added = changed_lines(before, basic.read_text(encoding="utf-8"))
    assert removed == ["  - id: iran", "    type: place", "    terms: {en: Iran, ms: Iran, fa: ایران}"]
    assert added == []


def test_comments_survive_edits_elsewhere(basic: Path) -> None:
    with GlossaryEditor(basic) as editor:
        editor.set_status("pezeshkian", "draft")
        editor.set_field("malaysia", "note", "A country")
        editor.set_terms("anwar-ibrahim", "fa", variants=["انور إبراهيم"])
    text = basic.read_text(encoding="utf-8")
    assert "# A small glossary used by the tests. Comments survive every edit." in text
    assert "  - id: pezeshkian            # a short form that renders differently is its own entry" in text
    assert "    dnt: true                  # kept as the source form in every language" in text
    removed, added = changed_lines((DATA / "basic.yaml").read_text(encoding="utf-8"), text)
    assert removed == ["      fa: انور ابراهیم"]
    assert added == [
        "    status: draft",
        "      fa:",
        "        term: انور ابراهیم",
        "        variants: [انور إبراهيم]",
        "    note: A country",
    ]
    g = load_glossary(basic)
    assert g.get("pezeshkian").status == "draft"  # type: ignore[union-attr]
    assert g.get("anwar-ibrahim").terms["fa"] == LangTerms("انور ابراهیم", ["انور إبراهيم"])  # type: ignore[union-attr]


def test_set_status_back_to_approved_removes_the_key(basic: Path) -> None:
    with GlossaryEditor(basic) as editor:
        editor.set_status("un", "approved")
    text = basic.read_text(encoding="utf-8")
    assert "status: draft" not in text
    assert load_glossary(basic).get("un").status == "approved"  # type: ignore[union-attr]


def test_set_terms_back_to_a_plain_string(basic: Path) -> None:
    with GlossaryEditor(basic) as editor:
        editor.set_terms("masoud-pezeshkian", "fa", variants=[], forbidden=[])
    assert "      fa: مسعود پزشکیان\n" in basic.read_text(encoding="utf-8")


def test_unchanged_edit_does_not_rewrite(basic: Path) -> None:
    mtime = basic.stat().st_mtime_ns
    with GlossaryEditor(basic) as editor:
        editor.set_status("iran", "approved")  # already approved
    assert basic.stat().st_mtime_ns == mtime


def test_duplicate_id_refused_then_replace(basic: Path) -> None:
    before = basic.read_bytes()
    with pytest.raises(GlossaryError) as info:
        with GlossaryEditor(basic) as editor:
            editor.add_entry(Entry("iran", {"en": LangTerms("Persia")}))
    assert str(info.value) == (
        f"{basic}: an entry with id 'iran' already exists — choose another --id, or pass --replace to overwrite it"
    )
    assert basic.read_bytes() == before
    with GlossaryEditor(basic) as editor:
        editor.add_entry(Entry("iran", {"en": LangTerms("Persia")}), replace=True)
    g = load_glossary(basic)
    assert g.get("iran").term("en") == "Persia"  # type: ignore[union-attr]
    assert list(g.entries).index("iran") == 3  # replaced in place


def test_undeclared_language_refused(basic: Path) -> None:
    with pytest.raises(GlossaryError, match="language 'de' is not in the glossary's languages"):
        with GlossaryEditor(basic) as editor:
            editor.add_entry(Entry("berlin", {"de": LangTerms("Berlin")}))


def test_remove_unknown_id(basic: Path) -> None:
    with pytest.raises(GlossaryError) as info:
        with GlossaryEditor(basic) as editor:
            editor.remove_entry("nope")
    assert str(info.value) == f"{basic}: no entry with id 'nope' — see the ids with 'dragoman glossary list'"


def test_exception_inside_block_leaves_file_untouched(basic: Path) -> None:
    before = basic.read_bytes()
    with pytest.raises(RuntimeError):
        with GlossaryEditor(basic) as editor:
            editor.add_entry(tehran())
            raise RuntimeError("stop")
    assert basic.read_bytes() == before


def test_invalid_result_is_never_written(basic: Path) -> None:
    before = basic.read_bytes()
    with pytest.raises(GlossaryError, match="unknown type 'planet'"):
        with GlossaryEditor(basic) as editor:
            editor._require("iran")["type"] = "planet"  # bypass the checks: the re-load catches it
            editor.changed = True
    assert basic.read_bytes() == before


def test_broken_file_is_not_edited(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nentries:\n  - id: x\n    trems: {en: X}\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"bad.yaml:4:5: unknown key 'trems'"):
        with GlossaryEditor(path) as editor:
            editor.add_entry(tehran())
    assert "tehran" not in path.read_text(encoding="utf-8")


def test_missing_file_leaves_no_lock_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="glossary file not found"):
        with GlossaryEditor(tmp_path / "nope.yaml"):
            pass
    assert list(tmp_path.iterdir()) == []


def test_other_indentation_styles_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    text = "version: 1\nentries:\n- id: a\n  terms:\n    en: \"A\"   # quoted on purpose\n- id: b\n  terms: {en: 'B'}\n"
    path.write_text(text, encoding="utf-8")
    with GlossaryEditor(path) as editor:
        editor.add_entry(Entry("c", {"en": LangTerms("C")}))
    assert path.read_text(encoding="utf-8") == text + "- id: c\n  terms:\n    en: C\n"


def test_first_entry_in_new_glossary(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    create_glossary(path, ["en", "ms", "fa"], name="Desk")
    with GlossaryEditor(path) as editor:
        editor.add_entry(Entry("yes", {"en": LangTerms("yes"), "fa": LangTerms("1984")}))
    assert path.read_text(encoding="utf-8") == (
        "# dragoman glossary — format: docs/glossary-format.md\n"
        "version: 1\n"
        'name: "Desk"\n'
        "languages: [en, ms, fa]\n"
        "entries:\n"
        '  - id: "yes"\n'
        "    terms:\n"
        '      en: "yes"\n'
        '      fa: "1984"\n'
    )
    with GlossaryEditor(path) as editor:
        editor.remove_entry("yes")
    assert len(load_glossary(path)) == 0


def test_create_refuses_to_overwrite(basic: Path) -> None:
    before = basic.read_bytes()
    with pytest.raises(GlossaryError, match="already exists"):
        create_glossary(basic, ["en"])
    assert basic.read_bytes() == before


# ------------------------------------------------------------ fsutil


def test_atomic_write_keeps_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o640)
    atomic_write_text(path, "new ایران")
    assert path.read_text(encoding="utf-8") == "new ایران"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_atomic_write_no_overwrite(tmp_path: Path) -> None:
    from dragoman.fsutil import FileWriteError

    path = tmp_path / "f.yaml"
    atomic_write_text(path, "first", overwrite=False)
    with pytest.raises(FileWriteError, match="already exists"):
        atomic_write_text(path, "second", overwrite=False)
    assert path.read_text(encoding="utf-8") == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_file_lock_excludes_threads(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    inside: list[int] = []
    overlaps: list[bool] = []

    def worker(n: int) -> None:
        for _ in range(20):
            with file_lock(path):
                inside.append(n)
                overlaps.append(len(inside) > 1)
                inside.remove(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [False] * 80
    assert lock_path_for(path).name == "f.yaml.lock"


# ------------------------------------------------------------ concurrent writers


def _add_many(path: str, prefix: str, count: int) -> None:
    for i in range(count):
        with GlossaryEditor(path) as editor:
            editor.add_entry(Entry(f"{prefix}-{i}", {"en": LangTerms(f"{prefix} {i}")}))


def test_concurrent_threads_lose_no_entry(basic: Path) -> None:
    threads = [threading.Thread(target=_add_many, args=(str(basic), p, 5)) for p in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = set(load_glossary(basic).entries)
    assert {f"{p}-{i}" for p in "ab" for i in range(5)} <= ids


def test_concurrent_processes_lose_no_entry(basic: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_add_many, args=(str(basic), p, 4)) for p in ("x", "y")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    g = load_glossary(basic)
    assert {f"{p}-{i}" for p in "xy" for i in range(4)} <= set(g.entries)
    assert len(g) == 6 + 8


@pytest.mark.parametrize(
    ("entry_id", "removed"),
    [
        ("anwar", ["  - id: anwar", "    terms: {en: Anwar, fa: انور}", ""]),
        ("pezeshkian", ["  - id: pezeshkian", "    terms: {en: Pezeshkian, fa: پزشکیان}", ""]),
        ("tehran", ["  - id: tehran", "    terms: {en: Tehran, fa: تهران}"]),
    ],
)
def test_remove_keeps_section_headings(tmp_path: Path, entry_id: str, removed: list[str]) -> None:
    path = tmp_path / "sections.yaml"
    shutil.copyfile(DATA / "sections.yaml", path)
    before = path.read_text(encoding="utf-8")
    with GlossaryEditor(path) as editor:
        editor.remove_entry(entry_id)
    after = path.read_text(encoding="utf-8")
    gone, added = changed_lines(before, after)
    assert (gone, added) == (removed, [])
    for heading in ("  # --- people ---", "  # --- places ---", "  # trailing comment of the list"):
        assert heading in after
    assert entry_id not in load_glossary(path)


def test_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "win.yaml"
    original = "\ufeff# Windows file\r\nversion: 1\r\nentries:\r\n  - id: a\r\n    terms: {en: A}\r\n"
    path.write_bytes(original.encode("utf-8"))
    with GlossaryEditor(path) as editor:
        editor.add_entry(Entry("b", {"en": LangTerms("B")}))
    assert path.read_bytes().decode("utf-8") == original + "  - id: b\r\n    terms:\r\n      en: B\r\n"
    assert list(load_glossary(path).entries) == ["a", "b"]


def test_added_entry_follows_blank_line_separation(tmp_path: Path) -> None:
    path = tmp_path / "spaced.yaml"
    shutil.copyfile(DATA / "spaced.yaml", path)
    before = path.read_text(encoding="utf-8")
    with GlossaryEditor(path) as editor:
        editor.add_entry(Entry("qom", {"en": LangTerms("Qom"), "fa": LangTerms("قم")}, type="place"))
        editor.add_entry(Entry("isfahan", {"en": LangTerms("Isfahan")}))
    assert path.read_text(encoding="utf-8") == before + (
        "\n  - id: qom\n    type: place\n    terms:\n      en: Qom\n      fa: قم\n"
        "\n  - id: isfahan\n    terms:\n      en: Isfahan\n"
    )


def test_mixed_edits_in_one_session(tmp_path: Path) -> None:
    path = tmp_path / "spaced.yaml"
    shutil.copyfile(DATA / "spaced.yaml", path)
    with GlossaryEditor(path) as editor:
        editor.add_entry(Entry("qom", {"en": LangTerms("Qom")}))
        editor.set_status("qom", "draft")  # in place: through the round trip
        editor.remove_entry("gaza")  # back to cutting lines
        editor.add_entry(Entry("yazd", {"en": LangTerms("Yazd")}))
        editor.remove_entry("qom")
        assert editor.has("yazd") and not editor.has("gaza")
    text = path.read_text(encoding="utf-8")
    assert text == (
        "# Entries separated by blank lines, as in glossaries/news.yaml.\n"
        "version: 1\n"
        "languages: [en, fa]\n"
        "entries:\n"
        "  - id: tehran\n"
        "    type: place\n"
        "    terms:\n"
        "      en: Tehran\n"
        "      fa: تهران\n"
        "    note: >-\n"
        "      Capital of Iran.\n"
        "\n"
        "  - id: yazd\n"
        "    terms:\n"
        "      en: Yazd\n"
    )


def test_atomic_write_to_a_directory_is_a_one_line_error(tmp_path: Path) -> None:
    from dragoman.fsutil import FileWriteError, atomic_write_text

    with pytest.raises(FileWriteError) as err:
        atomic_write_text(tmp_path, "text")
    assert str(err.value) == f"{tmp_path}: is a directory — give a file name to write to"
    assert list(tmp_path.iterdir()) == []
