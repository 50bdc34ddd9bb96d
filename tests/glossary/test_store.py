"""The glossary store: a large glossary is parsed once, read back identical, and never served stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dragoman.errors import GlossaryError
from dragoman.glossary import store, yamlio
from dragoman.glossary.layers import load_glossaries, load_glossary_file
from dragoman.glossary.model import Conflict, Entry, Glossary, LangTerms, Origin

EVERY_FIELD = """\
version: 1
name: desk
languages: [en, ms, fa]
entries:
  - id: anwar-ibrahim
    type: person
    case: sensitive
    status: draft
    note: PM since 2022
    source: desk
    terms:
      en: {term: Anwar Ibrahim, variants: [Anwar], forbidden: [Anuar Ibrahim]}
      ms: Anwar Ibrahim
      fa: انور ابراهیم
  - id: pezeshkian
    dnt: true
    terms:
      en: Pezeshkian
"""


def big_glossary(entries: int = 1500, *, first: str = "Gaza") -> str:
    """A glossary over store.MIN_BYTES: the first entry's English term is ``first``."""
    lines = ["version: 1", "languages: [en, ms, fa]", "entries:"]
    for i in range(entries):
        name = first if i == 0 else f"Name{i:05d} Surname{i:05d}"
        lines += [
            f"  - id: e{i}",
            "    type: person",
            "    terms:",
            f"      en: {name}",
            f"      ms: {name}",
            "      fa: غزه",
        ]
    text = "\n".join(lines) + "\n"
    assert len(text.encode()) >= store.MIN_BYTES
    return text


def stored_files(home: Path) -> list[Path]:
    folder = home / "glossary-store"
    return sorted(folder.glob("*.glossary")) if folder.exists() else []


def test_plain_data_round_trip_keeps_every_field_and_origin() -> None:
    glossary = yamlio.load_glossary_text(EVERY_FIELD, "desk.yaml")
    glossary.conflicts.append(
        Conflict("x", "ms", "a", "b", Origin("two.yaml", 3, 5), Origin("one.yaml", 7, 5), "entry 'x' redefined")
    )
    back = store.from_data(store.to_data(glossary))
    assert back == glossary
    # Origins do not take part in ==: compare them on their own.
    assert (
        [e.origin for e in back]
        == [e.origin for e in glossary]
        == [Origin("desk.yaml", 5, 5), Origin("desk.yaml", 15, 5)]
    )
    entry = back.get("anwar-ibrahim")
    assert entry is not None
    assert (entry.type, entry.case, entry.status, entry.note, entry.source) == (
        "person",
        "sensitive",
        "draft",
        "PM since 2022",
        "desk",
    )
    assert entry.terms["en"] == LangTerms("Anwar Ibrahim", ["Anwar"], ["Anuar Ibrahim"])
    assert back.get("pezeshkian") == Entry("pezeshkian", {"en": LangTerms("Pezeshkian")}, dnt=True)
    assert (back.languages, back.version, back.path) == (["en", "ms", "fa"], 1, "desk.yaml")
    assert [str(c) for c in back.conflicts] == [str(c) for c in glossary.conflicts]


def test_a_large_glossary_is_parsed_once_then_read_from_the_store(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_glossary(), encoding="utf-8")
    first = load_glossary_file(path)
    assert len(stored_files(isolated_home)) == 1

    def no_parsing(*args: object, **kwargs: object) -> Glossary:
        raise AssertionError("parsed again although the file did not change")

    monkeypatch.setattr(yamlio, "load_glossary_bytes", no_parsing)
    second = load_glossary_file(path)
    assert second == first
    assert [e.origin for e in second] == [e.origin for e in first]
    assert second.path == str(path)


def test_an_edited_file_is_parsed_again(tmp_path: Path, isolated_home: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_glossary(), encoding="utf-8")
    assert load_glossary_file(path).get("e0").term("en") == "Gaza"  # type: ignore[union-attr]
    # Same size, same time stamp: only the bytes tell the two apart.
    stat = path.stat()
    path.write_text(big_glossary(first="Gazo"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert load_glossary_file(path).get("e0").term("en") == "Gazo"  # type: ignore[union-attr]
    assert len(stored_files(isolated_home)) == 2


def test_the_same_bytes_at_another_path_name_their_own_file(tmp_path: Path) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(big_glossary(), encoding="utf-8")
    two.write_text(big_glossary(), encoding="utf-8")
    load_glossary_file(one)
    g = load_glossary_file(two)
    assert g.path == str(two)
    assert {e.origin.path for e in g} == {str(two)}


def test_a_damaged_store_file_is_a_miss_and_is_replaced(tmp_path: Path, isolated_home: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(big_glossary(), encoding="utf-8")
    expected = load_glossary_file(path)
    (stored,) = stored_files(isolated_home)
    good = stored.read_bytes()
    for damage in (good[: len(good) // 2], b"", b"\x00garbage"):
        stored.write_bytes(damage)
        assert load_glossary_file(path) == expected
        assert stored.read_bytes() == good


def test_an_unwritable_store_is_not_an_error(tmp_path: Path, isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "glossary-store").write_text("a file where the folder should be", encoding="utf-8")
    path = tmp_path / "big.yaml"
    path.write_text(big_glossary(), encoding="utf-8")
    assert len(load_glossary_file(path)) == 1500
    assert len(load_glossary_file(path)) == 1500


def test_small_files_errors_and_use_store_false_write_nothing(tmp_path: Path, isolated_home: Path) -> None:
    small = tmp_path / "small.yaml"
    small.write_text(EVERY_FIELD, encoding="utf-8")
    load_glossaries([small])
    big = tmp_path / "big.yaml"
    big.write_text(big_glossary(), encoding="utf-8")
    load_glossary_file(big, use_store=False)
    broken = tmp_path / "broken.yaml"
    broken.write_text(big_glossary().replace("  - id: e7\n", "  - id: E7\n"), encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"broken\.yaml:\d+:\d+: bad id 'E7'"):
        load_glossary_file(broken)
    with pytest.raises(GlossaryError, match="bad id 'E7'"):  # the error again, not a stored result
        load_glossary_file(broken)
    assert stored_files(isolated_home) == []
    assert not (isolated_home / "glossary-store").exists() or not any((isolated_home / "glossary-store").iterdir())


def test_only_the_most_recently_used_files_are_kept(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "KEEP", 2)
    paths = []
    for i in range(3):
        path = tmp_path / f"g{i}.yaml"
        path.write_text(big_glossary(), encoding="utf-8")
        paths.append(path)
    load_glossary_file(paths[0])
    load_glossary_file(paths[1])
    folder = isolated_home / "glossary-store"
    # Make the store's files look old, then use g0 again: it becomes the most recent one.
    for file in folder.iterdir():
        os.utime(file, (1_000_000, 1_000_000))
    load_glossary_file(paths[0])
    leftover = folder / ".abandoned.glossary.123.tmp"
    leftover.write_bytes(b"half")
    os.utime(leftover, (1_000_000, 1_000_000))
    load_glossary_file(paths[2])
    kept = stored_files(isolated_home)
    assert len(kept) == 2
    assert not leftover.exists()
    # g1 (least recently used) went; g0 and g2 are still served from the store.
    monkeypatch.setattr(yamlio, "load_glossary_bytes", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed")))
    load_glossary_file(paths[0])
    load_glossary_file(paths[2])
    with pytest.raises(AssertionError, match="parsed"):
        load_glossary_file(paths[1])


def test_csv_tsv_and_tbx_files_load_by_their_extension(tmp_path: Path) -> None:
    with_header = tmp_path / "terms.csv"
    with_header.write_text("en,fa\nGaza,غزه\n", encoding="utf-8")
    g = load_glossaries([with_header])
    assert [(e.term("en"), e.term("fa"), e.origin) for e in g] == [("Gaza", "غزه", Origin(str(with_header), 2))]
    two_columns = tmp_path / "deepl.tsv"
    two_columns.write_text("Gaza\tغزه\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"deepl\.tsv:1: no header row of language codes"):
        load_glossaries([two_columns])
    g = load_glossaries([two_columns], source="en", target="fa")
    assert [(e.term("en"), e.term("fa")) for e in g] == [("Gaza", "غزه")]
    # A missing or unreadable file gets the same one line whatever its format.
    with pytest.raises(GlossaryError, match=r"nope\.csv: glossary file not found — check the path$"):
        load_glossaries([tmp_path / "nope.csv"])
    with pytest.raises(GlossaryError, match=r"nope\.yaml: glossary file not found — check the path, or create it"):
        load_glossaries([tmp_path / "nope.yaml"])
    tbx = Path(__file__).parent.parent / "data" / "interchange" / "source.tbx"
    from_tbx = load_glossaries([tbx])
    assert len(from_tbx) > 0
    assert {e.origin.path for e in from_tbx} == {str(tbx)}
    assert all(e.origin.line for e in from_tbx)  # each concept's line, for layering messages


def test_a_glossary_from_the_store_needs_no_yaml_parser(tmp_path: Path, isolated_home: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "big.yaml"
    path.write_text(big_glossary(), encoding="utf-8")
    code = (
        "import sys; from dragoman.glossary.layers import load_glossaries; "
        f"g = load_glossaries([{str(path)!r}]); print(len(g), 'yaml' in sys.modules)"
    )
    env = {**os.environ, "DRAGOMAN_HOME": str(isolated_home)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert first.stdout.split() == ["1500", "True"]  # parsed, then stored
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert again.stdout.split() == ["1500", "False"]


def test_a_term_changed_inside_a_store_file_is_a_miss_and_the_right_term_is_enforced(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One term's bytes flipped in DRAGOMAN_HOME/glossary-store/*.glossary: the checksum no longer matches,
    so the glossary is parsed again (and the file rebuilt) instead of enforcing the changed term."""
    import json

    from click.testing import CliRunner

    import dragoman.engines as engines
    from dragoman.cli import cli

    monkeypatch.setitem(engines.BUILTIN_ENGINES, "fake", "fake_engine:FakeEngine")
    path = tmp_path / "big.yaml"
    path.write_text(big_glossary().replace("      ms: Gaza\n", "      ms: Semenanjung Gaza\n", 1), encoding="utf-8")
    assert load_glossary_file(path).get("e0").term("ms") == "Semenanjung Gaza"  # type: ignore[union-attr]
    (stored,) = stored_files(isolated_home)
    good = stored.read_bytes()
    assert good.count(b"Semenanjung") == 1
    stored.write_bytes(good.replace(b"Semenanjung", b"Semenanjunx"))  # same length: still valid marshal data

    article = tmp_path / "a.txt"
    article.write_text("The president visited Gaza today.\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["translate", str(article), "--to", "ms", "--engine", "fake", "-g", str(path), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    translated = (tmp_path / "a.ms.txt").read_text(encoding="utf-8")
    assert "Semenanjung Gaza" in translated and "Semenanjunx" not in translated
    occurrences = json.loads(report.read_text(encoding="utf-8"))["documents"][0]["occurrences"]
    assert [(o["entry_id"], o["target_text"], o["status"]) for o in occurrences] == [
        ("e0", "Semenanjung Gaza", "applied")
    ]
    assert stored.read_bytes() == good  # rebuilt


def test_temporary_files_of_a_killed_writer_are_cleaned(tmp_path: Path, isolated_home: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "big.yaml"
    path.write_text(big_glossary(), encoding="utf-8")
    load_glossary_file(path)
    folder = isolated_home / "glossary-store"
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    litter = folder / f".{stored_files(isolated_home)[0].name}.{int(ended.stdout)}.tmp"
    litter.write_bytes(b"half a glossary")  # what kill -9 during a write leaves: fresh, its writer gone
    mine = folder / f".other.glossary.{os.getpid()}.tmp"  # a write in progress in a live process
    mine.write_bytes(b"in progress")
    load_glossary_file(path)  # served from the store
    assert not litter.exists() and mine.exists()
