"""The translation memory in unlucky places: a full disk, a read-only home, bad pages; and `dragoman cache` there."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import places
from helpers.places import ReadOnlyHome, fill

from dragoman import cache_health
from dragoman.cache import TranslationMemory, make_key
from dragoman.cli import cli

ENTRIES = {make_key("sig", f"sentence number {i}"): f"ayat nombor {i} " * 3 for i in range(3000)}


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    yield from places.small_disk(tmp_path)


@pytest.fixture
def read_only_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadOnlyHome]:
    yield from places.read_only_home(tmp_path, monkeypatch)


def fill_memory(path: Path, entries: dict[str, str] = ENTRIES) -> None:
    with TranslationMemory(path) as memory:
        memory.put_many(entries)


def stored(path: Path) -> int:
    conn = sqlite3.connect(str(path))
    try:
        return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
    finally:
        conn.close()


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm")))


# -- item 1: a full disk is a full disk, not corruption ------------------------------------------


def test_a_full_disk_leaves_a_healthy_memory_in_place_and_says_so(small_disk: Path) -> None:
    path = small_disk / "home" / "cache.sqlite3"
    some = dict(list(ENTRIES.items())[:500])
    fill_memory(path, some)
    filler = fill(small_disk)
    warnings: list[str] = []
    with TranslationMemory(path, warn=warnings.append) as memory:
        memory.put_many({"new": "baru"})
        assert memory.in_memory and memory.get_many(["new"]) == {"new": "baru"}  # this run goes on, in memory
        assert memory.get_many(list(some)) == some  # and still gets what the file holds
    assert len(warnings) == 1 and "disk is full" in warnings[0] and "left as it was" in warnings[0]
    assert "the entries it holds are still used" in warnings[0]
    assert "corrupt" not in warnings[0] and aside_files(path.parent) == []
    filler.unlink()  # space freed: every entry is still there, and used
    warnings.clear()
    with TranslationMemory(path, warn=warnings.append) as memory:
        assert memory.get_many(list(some)) == some
        assert not memory.in_memory
    assert warnings == []


def test_the_disk_filling_during_a_run_reports_the_real_cause(tmp_path: Path) -> None:
    """SQLite's own size limit (max_page_count) gives the SQLITE_FULL a filling disk gives."""
    path = tmp_path / "tm.sqlite3"
    warnings: list[str] = []
    memory = TranslationMemory(path, warn=warnings.append)
    memory.put_many({"first": "pertama"})
    pages = memory._conn.execute("PRAGMA page_count").fetchone()[0]
    memory._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    memory.put_many(ENTRIES)  # needs far more pages than one: SQLITE_FULL inside the transaction
    assert memory.in_memory and memory.get_many(list(ENTRIES)[:3]) == dict(list(ENTRIES.items())[:3])
    assert memory.get_many(["first"]) == {"first": "pertama"}  # stored before the disk filled: still used
    memory.close()
    assert len(warnings) == 1
    assert "disk is full" in warnings[0] and "database or disk is full" in warnings[0]
    assert "rollback" not in warnings[0]
    assert stored(path) == 1 and aside_files(tmp_path) == []


def test_cache_commands_on_a_full_disk(small_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAGOMAN_HOME", str(small_disk / "home"))
    fill_memory(small_disk / "home" / "cache.sqlite3", dict(list(ENTRIES.items())[:200]))
    fill(small_disk)
    shown = CliRunner().invoke(cli, ["cache", "stats", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["entries"] == 200 and data["state"] == "full" and "free some space" in data["problem"]
    cleared = CliRunner().invoke(cli, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 0, cleared.output
    assert cleared.output.startswith(("removed 200 entries from", "removed the translation memory"))
    assert json.loads(CliRunner().invoke(cli, ["cache", "stats", "--json"]).output)["entries"] == 0


# -- item 1 / 12: a read-only home --------------------------------------------------------------


def test_a_read_only_home_is_not_called_corrupt(
    read_only_home: ReadOnlyHome,
) -> None:
    home, writable = read_only_home
    path = home / "cache.sqlite3"
    with writable():
        fill_memory(path, dict(list(ENTRIES.items())[:100]))
    warnings: list[str] = []
    some = dict(list(ENTRIES.items())[:100])
    with TranslationMemory(path, warn=warnings.append) as memory:
        memory.put_many({"new": "baru"})
        assert memory.in_memory and memory.get_many(["new"]) == {"new": "baru"}
        assert memory.get_many(list(some)) == some  # what the file holds is still used
        key = next(iter(some))
        memory.put_many({key: "this run's own"})
        assert memory.get_many([key]) == {key: "this run's own"}  # and this run's entries win
    assert len(warnings) == 1 and "cannot be written" in warnings[0] and "DRAGOMAN_HOME" in warnings[0]
    assert aside_files(home) == []


def test_cache_stats_and_clear_on_a_read_only_home_tell_the_truth(
    read_only_home: ReadOnlyHome,
) -> None:
    home, writable = read_only_home
    path = home / "cache.sqlite3"
    with writable():
        fill_memory(path, dict(list(ENTRIES.items())[:100]))
    runner = CliRunner()
    shown = runner.invoke(cli, ["cache", "stats", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["path"] == str(path) and data["entries"] == 100 and data["state"] == "read-only"
    text = runner.invoke(cli, ["cache", "stats"])
    assert text.exit_code == 0 and ":memory:" not in text.output and "state:   read-only" in text.output
    cleared = runner.invoke(cli, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 1 and cleared.exc_info is not None and cleared.exc_info[0] is SystemExit
    assert "cannot clear the translation memory" in cleared.output and "read-only" in cleared.output
    assert "removed" not in cleared.output and len(cleared.output.strip().splitlines()) == 1
    with writable():
        assert stored(path) == 100


# -- item 5: bad pages are recovered once, and `cache` works on them ----------------------------


def damage(path: Path) -> None:
    """Overwrite a stretch of pages in the middle of a closed memory (its WAL already checkpointed)."""
    size = path.stat().st_size
    page = 4096
    assert size > 40 * page
    with open(path, "r+b") as handle:
        handle.seek((size // page // 2) * page)
        handle.write(b"\xa5" * (3 * page))


@pytest.fixture(
    params=[
        "row scan",
        pytest.param(
            "sqlite3 .recover",
            marks=pytest.mark.skipif(
                cache_health.sqlite3_cli() is None, reason="no sqlite3 command-line tool with a working .recover"
            ),
        ),
    ]
)
def recovery(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of salvaging: the Python row scan (the sqlite3 tool hidden) and the tool's .recover."""
    if request.param == "row scan":
        monkeypatch.setattr(cache_health, "sqlite3_cli", lambda: None)
    return str(request.param)


def test_a_memory_with_bad_pages_is_recovered_once(tmp_path: Path, recovery: str) -> None:
    path = tmp_path / "tm.sqlite3"
    fill_memory(path)
    damage(path)
    litter = tmp_path / ".tm.sqlite3.999999.recover.tmp"  # a recovery killed with -9 left this
    litter.write_bytes(b"half a database")
    warnings: list[str] = []
    with TranslationMemory(path, warn=warnings.append) as memory:
        found = memory.get_many(list(ENTRIES))
        assert not memory.in_memory
    assert not litter.exists()
    (aside,) = aside_files(tmp_path)
    assert len(warnings) == 1 and "was damaged" in warnings[0] and str(aside) in warnings[0]
    assert f"({recovery})" in warnings[0]
    # Three pages of a few hundred lost at most a few hundred rows; what came back is right.
    assert len(found) >= 0.8 * len(ENTRIES)
    assert all(ENTRIES[key] == text for key, text in found.items())
    # The next run finds a healthy memory: no warning ever again.
    warnings.clear()
    with TranslationMemory(path, warn=warnings.append) as memory:
        assert memory.get_many(list(ENTRIES)) == found
        memory.put_many({"new": "baru"})
    assert warnings == []
    assert cache_health.integrity_problem(path, 1.0) is None


def test_cache_stats_and_clear_on_a_damaged_memory(isolated_home: Path) -> None:
    path = isolated_home / "cache.sqlite3"
    fill_memory(path)
    damage(path)
    runner = CliRunner()
    shown = runner.invoke(cli, ["cache", "stats", "--json"])
    assert shown.exit_code == 0 and shown.exc_info is not None and shown.exc_info[0] is SystemExit, shown.output
    data = json.loads(shown.output)
    assert data["state"] == "damaged" and data["path"] == str(path) and "cache clear --yes" in data["problem"]
    text = runner.invoke(cli, ["cache", "stats"])
    assert text.exit_code == 0 and "state:   damaged" in text.output
    assert aside_files(isolated_home) == []  # stats only looks
    cleared = runner.invoke(cli, ["cache", "clear", "--yes"])
    assert cleared.exit_code == 0 and cleared.exc_info is not None and cleared.exc_info[0] is SystemExit
    assert cleared.output.startswith(f"removed the translation memory {path}: the file was damaged")
    after = json.loads(runner.invoke(cli, ["cache", "stats", "--json"]).output)
    assert after["state"] == "missing" and after["entries"] == 0


def test_an_intact_file_that_reports_corruption_is_not_moved(tmp_path: Path) -> None:
    """Only a failed integrity check moves a file aside."""
    path = tmp_path / "tm.sqlite3"
    fill_memory(path, {"a": "1"})
    warnings: list[str] = []
    memory = TranslationMemory(path, warn=warnings.append)
    recovered = memory._recover(sqlite3.DatabaseError("database disk image is malformed"))
    assert recovered is not None and warnings == [] and aside_files(tmp_path) == []
    recovered.close()
    assert stored(path) == 1
