"""The translation memory: keys, batches, WAL, corruption, locking, migrations, `dragoman cache`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman import config
from dragoman.cache import SCHEMA_VERSION, TranslationMemory, make_key, normalize_segment
from dragoman.cli import cli


def test_normalize_segment_folds_whitespace_and_unicode_forms() -> None:
    assert normalize_segment("  The  talks\n went\twell. ") == "The talks went well."
    assert normalize_segment("Cafe\u0301") == "Caf\u00e9"


def test_key_depends_on_signature_segment_and_extra() -> None:
    base = make_key("sig-a", "Hello there.")
    assert base == make_key("sig-a", " Hello  there. ")
    assert (
        len(
            {
                base,
                make_key("sig-b", "Hello there."),
                make_key("sig-a", "Hello there!"),
                make_key("sig-a", "Hello there.", "e1:abc"),
            }
        )
        == 4
    )
    # Field boundaries matter: moving text between fields changes the key.
    assert make_key("ab", "c") != make_key("a", "bc")


def test_put_and_get_many_round_trip_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    with TranslationMemory(path) as memory:
        items = {make_key("s", f"sentence {i}"): f"ayat {i}" for i in range(3000)}
        memory.put_many(items, {make_key("s", "sentence 7"): {"strategy": "placeholder"}})
        found = memory.get_many(list(items) + ["missing"])
        assert found == items
        assert memory.get_metadata(make_key("s", "sentence 7")) == {"strategy": "placeholder"}
        assert memory.get_metadata(make_key("s", "sentence 8")) is None
        assert memory.stats().entries == 3000
    with TranslationMemory(path) as again:
        assert again.get_many([make_key("s", "sentence 2999")]) == {make_key("s", "sentence 2999"): "ayat 2999"}


def test_default_path_is_under_dragoman_home_and_uses_wal(isolated_home: Path) -> None:
    with TranslationMemory() as memory:
        memory.put_many({"k": "v"})
        assert memory.path == isolated_home / "cache.sqlite3" == config.cache_path()
        assert not memory.in_memory
    conn = sqlite3.connect(str(isolated_home / "cache.sqlite3"))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_corrupt_file_is_moved_aside_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    path.write_bytes(b"this is not a database at all \x00\xff" * 200)
    warnings: list[str] = []
    with TranslationMemory(path, warn=warnings.append) as memory:
        assert not memory.in_memory
        memory.put_many({"k": "v"})
        assert memory.get_many(["k"]) == {"k": "v"}
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("tm.sqlite3.corrupt-")]
    assert len(aside) == 1
    # Not a database at all: nothing to recover, and the message says so and where the file went.
    assert len(warnings) == 1 and "was damaged" in warnings[0] and str(aside[0]) in warnings[0]
    assert "nothing could be recovered" in warnings[0]
    assert aside[0].read_bytes().startswith(b"this is not a database")


def test_unwritable_location_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    warnings: list[str] = []
    with TranslationMemory(blocker / "sub" / "tm.sqlite3", warn=warnings.append) as memory:
        assert memory.in_memory
        memory.put_many({"k": "v"})
        assert memory.get_many(["k"]) == {"k": "v"}
        assert memory.stats().path == ":memory:"
    assert len(warnings) == 1 and "temporary" in warnings[0]


def test_locked_database_degrades_to_memory_without_losing_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dragoman.cache as cache_module

    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT_S", 0.05)
    path = tmp_path / "tm.sqlite3"
    warnings: list[str] = []
    memory = TranslationMemory(path, warn=warnings.append)
    memory._conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        memory.put_many({"k": "v"})
        assert memory.in_memory
        assert memory.get_many(["k"]) == {"k": "v"}
        assert len(warnings) == 1 and "temporary" in warnings[0]
    finally:
        other.execute("ROLLBACK")
        other.close()
        memory.close()


def test_two_connections_see_each_others_commits(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    first = TranslationMemory(path)
    second = TranslationMemory(path)
    first.put_many({"a": "1"})
    second.put_many({"b": "2"})
    assert first.get_many(["a", "b"]) == {"a": "1", "b": "2"}
    assert second.get_many(["a", "b"]) == {"a": "1", "b": "2"}
    # A reader in the middle of a transaction does not block a writer (WAL).
    reader = sqlite3.connect(str(path), isolation_level=None)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == 2
    first.put_many({"c": "3"})
    reader.execute("COMMIT")
    assert second.get_many(["c"]) == {"c": "3"}
    reader.close()
    first.close()
    second.close()


def test_committed_entries_survive_a_connection_that_is_never_closed(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    memory = TranslationMemory(path)
    memory.put_many({"a": "1"})
    # No close(): as if the process were killed after the commit.
    with TranslationMemory(path) as fresh:
        assert fresh.get_many(["a"]) == {"a": "1"}
    memory.close()


def test_migrates_a_version_1_database(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    conn.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, translation TEXT NOT NULL)")
    conn.execute("INSERT INTO entries VALUES ('old', 'kept')")
    conn.commit()
    conn.close()
    with TranslationMemory(path) as memory:
        assert memory.get_many(["old"]) == {"old": "kept"}
        memory.put_many({"new": "x"}, {"new": {"a": 1}})
        assert memory.get_metadata("new") == {"a": 1}
    conn = sqlite3.connect(str(path))
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)")]
    assert columns == ["key", "translation", "metadata", "created", "provenance"]
    conn.close()


def test_newer_schema_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite3"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (99)")
    conn.commit()
    conn.close()
    warnings: list[str] = []
    with TranslationMemory(path, warn=warnings.append) as memory:
        assert memory.in_memory
    assert "newer" in warnings[0]
    conn = sqlite3.connect(str(path))
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(99,)]
    conn.close()


def test_cache_stats_and_clear_commands(isolated_home: Path) -> None:
    with TranslationMemory() as memory:
        memory.put_many({"a": "1", "b": "2"})
    runner = CliRunner()
    result = runner.invoke(cli, ["cache", "stats", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["entries"] == 2
    assert data["path"] == str(isolated_home / "cache.sqlite3")
    assert data["size_bytes"] > 0
    text = runner.invoke(cli, ["cache", "stats"])
    assert "entries: 2" in text.output

    refused = runner.invoke(cli, ["cache", "clear"], input="n\n")
    assert refused.exit_code == 1
    cleared = runner.invoke(cli, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 0
    assert cleared.output == f"removed 2 entries from {isolated_home / 'cache.sqlite3'}\n"
    assert json.loads(runner.invoke(cli, ["cache", "stats", "--json"]).output)["entries"] == 0


def test_cache_stats_and_clear_cover_the_glossary_store(isolated_home: Path, tmp_path: Path) -> None:
    from dragoman.glossary import store
    from dragoman.glossary.layers import load_glossary_file

    big = tmp_path / "big.yaml"
    lines = ["version: 1", "languages: [en, fa]", "entries:"]
    lines += [f"  - id: e{i}\n    terms: {{en: Name{i:05d} Surname{i:05d}, fa: نام{i}}}" for i in range(2000)]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert big.stat().st_size >= store.MIN_BYTES
    load_glossary_file(big)
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["cache", "stats", "--json"]).output)
    folder = isolated_home / "glossary-store"
    assert data["glossary_store"]["path"] == str(folder)
    assert data["glossary_store"]["glossaries"] == 1
    assert data["glossary_store"]["size_bytes"] == sum(f.stat().st_size for f in folder.iterdir())
    assert "glossary store: 1 parsed glossary, " in runner.invoke(cli, ["cache", "stats"]).output
    cleared = runner.invoke(cli, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 0, cleared.output
    assert cleared.output.splitlines()[1] == f"removed 1 parsed glossary from {folder}"
    assert list(folder.iterdir()) == []
    assert len(load_glossary_file(big)) == 2000  # parsed again, and stored again
    assert len(list(folder.iterdir())) == 1


def test_nothing_is_created_until_the_memory_is_used(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "tm.sqlite3"
    memory = TranslationMemory(path)
    memory.close()
    assert not (tmp_path / "sub").exists()
    with TranslationMemory(path) as used:
        assert used.get_many(["k"]) == {}
    assert path.exists()


def test_commit_cadence_commits_every_few_seconds_or_few_hundred_segments() -> None:
    from dragoman.cache import COMMIT_MAX_SEGMENTS, COMMIT_MIN_SEGMENTS, CommitCadence

    cadence = CommitCadence(ceiling=2048, seconds=2.0)
    assert cadence.next_size() == 64  # nothing measured yet: a small first run
    cadence.record(64, 0.01)  # fast engine: capped at a few hundred segments
    assert cadence.next_size() == COMMIT_MAX_SEGMENTS == 256
    cadence.record(256, 4.0)  # 1/64 s a segment: 2 s is 128 segments
    assert cadence.next_size() == 128
    cadence.record(10, 10.0)  # very slow: never below what fills a batch
    assert cadence.next_size() == COMMIT_MIN_SEGMENTS
    assert CommitCadence(ceiling=2).next_size() == 2  # a smaller ceiling wins
    items = list(range(1000))
    runs = list(CommitCadence().runs(items))
    assert [x for _, run in runs for x in run] == items
    assert all(start == sum(len(r) for _, r in runs[:i]) for i, (start, _) in enumerate(runs))
    assert max(len(run) for _, run in runs) <= 256
