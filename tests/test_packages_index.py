"""Tests for dragoman.packages: the package index and downloads over a loopback HTTP server."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.package_server import (
    PackageServer,
    build_package_bytes,
    corrupt_package_bytes,
    index_entry,
    installed_dirs,
    snapshot,
    tree,
    written_outside_packages,
)

from dragoman import config, packages
from dragoman.errors import LanguageError, PackageError
from dragoman.packages import DownloadPolicy, download

REAL_PACKAGE = Path(__file__).parent / "data" / "translate-en_zz-1_0.argosmodel"


@pytest.fixture
def server() -> Iterator[PackageServer]:
    with PackageServer() as running:
        yield running


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff delays requested by downloads (recorded, not slept)."""
    recorded: list[float] = []
    monkeypatch.setattr(download, "_sleep", recorded.append)
    return recorded


# --- the index -----------------------------------------------------------------------------


def _serve_package(
    server: PackageServer, from_code: str = "en", to_code: str = "zz", version: str = "1.0", **route: Any
) -> tuple[str, bytes]:
    body = build_package_bytes(from_code, to_code, version)
    path = f"/v1/translate-{from_code}_{to_code}-{version.replace('.', '_')}.argosmodel"
    return server.add(path, body, **route), body


def test_fetch_index_parses_caches_and_updates(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    entries: list[Any] = [
        index_entry("en", "zz", "1.0", ["https://example.org/a.argosmodel"]),
        index_entry("en", "zz", "1.2", ["https://example.org/b.argosmodel", "ipfs://Qm"]),
        index_entry("en", "fa", "1.5", ["https://example.org/c.argosmodel"], to_name="Persian"),
        {"type": "sbd", "code": "stanza-en", "package_version": "1.0"},
        {"from_code": "en", "to_code": "Not a code!", "package_version": "1.0"},
        "garbage",
    ]
    url = server.add_index(entries)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    index = packages.fetch_index()
    assert [(e.pair, e.package_version) for e in index] == [
        (("en", "fa"), "1.5"),
        (("en", "zz"), "1.2"),
        (("en", "zz"), "1.0"),
    ]
    assert index[1].links == ("https://example.org/b.argosmodel", "ipfs://Qm")
    assert index[0].to_name == "Persian" and index[0].code == "translate-en_fa"
    cached = json.loads(config.index_cache_path().read_text())
    assert cached["url"] == url and cached["packages"] == entries
    # Cached: no second request.
    assert packages.fetch_index() == index
    assert server.hits("/index.json") == 1
    server.add_index(entries[:1])
    assert [e.package_version for e in packages.fetch_index(update=True)] == ["1.0"]
    assert server.hits("/index.json") == 1  # the route was replaced; its counter starts again
    assert packages.available(to_code="zz") == packages.fetch_index()
    assert packages.available(from_code="fa") == []
    with pytest.raises(LanguageError):
        packages.available(from_code="English")


def test_index_cache_of_another_url_is_not_used(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = server.add_index([index_entry("en", "zz", "1.0", ["x.argosmodel"])])
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    packages.fetch_index()
    other = server.add_index([index_entry("en", "fa", "1.5", ["y.argosmodel"])], path="/other.json")
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", other)
    assert [e.pair for e in packages.fetch_index()] == [("en", "fa")]


def test_offline_without_cache_says_how_to_install_a_file(monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> None:
    server = PackageServer().start()
    url = server.url("/index.json")
    server.stop()  # nothing listens on that port any more
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    with pytest.raises(PackageError) as err:
        packages.fetch_index()
    text = str(err.value)
    assert text.startswith(f"cannot download the package index from {url} (")
    assert text.endswith(") — offline? install a model file with 'dragoman models install FILE.argosmodel'")
    assert "refused" in text.lower()
    assert sleeps == []  # a refused connection is not retried
    assert not config.index_cache_path().exists()


def test_index_that_is_not_json(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = server.add("/index.json", b"<html>rate limited</html>")
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    with pytest.raises(PackageError) as err:
        packages.fetch_index()
    assert str(err.value).startswith(f"the package index at {url} is not valid JSON (")
    assert not config.index_cache_path().exists()


def test_file_url_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = build_package_bytes("en", "zz", "1.0")
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "pkg.argosmodel").write_bytes(body)
    (tmp_path / "mirror" / "index.json").write_text(json.dumps([index_entry("en", "zz", "1.0", ["pkg.argosmodel"])]))
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", (tmp_path / "mirror" / "index.json").as_uri())
    pkg = packages.install_from_index("en", "zz")
    assert pkg.path == config.packages_dir() / "translate-en_zz-1_0"


# --- downloads -----------------------------------------------------------------------------


def test_install_from_index_with_progress(
    tmp_path: Path, server: PackageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    link, body = _serve_package(server)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", [link])]))
    calls: list[tuple[int, int | None]] = []
    before = snapshot(tmp_path)
    pkg = packages.install_from_index("en", "zz", progress=lambda done, total: calls.append((done, total)))
    assert pkg.pair == ("en", "zz") and pkg.package_version == "1.0"
    assert pkg.install_record["origin"] == link
    assert pkg.install_record["archive_sha256"] == hashlib.sha256(body).hexdigest()
    assert calls[0] == (0, len(body))
    assert calls[-1] == (len(body), len(body))
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert written_outside_packages(tmp_path, before) == ["dragoman-home/index.json"]
    assert installed_dirs() == ["translate-en_zz-1_0"]


def test_retry_after_server_error(server: PackageServer, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]) -> None:
    link, _ = _serve_package(server, fail_first=1, fail_status=500)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", [link])]))
    pkg = packages.install_from_index("en", "zz")
    assert pkg.package_version == "1.0"
    assert server.hits("/v1/translate-en_zz-1_0.argosmodel") == 2
    assert sleeps == [1.0]  # the default policy's first backoff


def test_backoff_doubles_and_gives_up(
    server: PackageServer, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    link, _ = _serve_package(server, fail_first=99, fail_status=503)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", [link])]))
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "zz")
    assert str(err.value) == (
        f"could not download translate-en_zz 1.0 ({link}: HTTP 503 Service Unavailable) — check the connection "
        "and retry, or download the file yourself and run 'dragoman models install FILE.argosmodel'"
    )
    assert sleeps == [1.0, 2.0, 4.0]
    assert server.hits("/v1/translate-en_zz-1_0.argosmodel") == 4
    assert tree(config.packages_dir()) == []


def test_policy_sets_attempts_and_backoff(
    server: PackageServer, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    link, _ = _serve_package(server, fail_first=99, fail_status=429)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", [link])]))
    policy = DownloadPolicy(retries=2, backoff_s=0.25, timeout_s=10.0)
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "zz", policy=policy)
    assert f"({link}: HTTP 429 Too Many Requests)" in str(err.value)
    assert sleeps == [0.25, 0.5]
    assert server.hits("/v1/translate-en_zz-1_0.argosmodel") == 3


def test_next_link_after_404_and_unsupported_schemes(
    server: PackageServer, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    _serve_package(server)
    links = ["ipfs://QmSomething", server.url("/missing.argosmodel"), "/v1/translate-en_zz-1_0.argosmodel"]
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", links)]))
    pkg = packages.install_from_index("en", "zz")
    assert pkg.pair == ("en", "zz")
    assert server.requests[-2:] == ["/missing.argosmodel", "/v1/translate-en_zz-1_0.argosmodel"]
    assert sleeps == []


def test_every_failed_link_is_named(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = server.url("/a.argosmodel"), server.url("/b.argosmodel")
    server.add("/b.argosmodel", b"not a zip at all")
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", [first, second])]))
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "zz", policy=DownloadPolicy(retries=0))
    assert str(err.value).startswith(
        f"could not download translate-en_zz 1.0 ({first}: HTTP 404 Not Found; "
        f"{second}: the download is not a zip archive) — "
    )


def test_only_unsupported_links(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", ["ipfs://Qm"])]))
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "zz")
    assert str(err.value) == (
        "translate-en_zz 1.0: the index gives no http(s) link to download it — download the .argosmodel file "
        "yourself and run 'dragoman models install FILE.argosmodel'"
    )


@pytest.mark.parametrize(
    "route, entry_extra, reason",
    [
        ({"truncate_to": 100}, {}, "truncated: got 100 of {size} bytes"),
        ({"no_length": True, "truncate_to": 100}, {}, "the download is not a zip archive"),
        ({}, {"size": 12345}, "server sends {size} bytes, the index says 12345"),
        ({}, {"sha256": "0" * 64}, "SHA-256 checksum does not match the index"),
    ],
    ids=["truncated", "truncated-no-length", "size-mismatch", "checksum"],
)
def test_bad_downloads_are_refused(
    tmp_path: Path,
    server: PackageServer,
    monkeypatch: pytest.MonkeyPatch,
    sleeps: list[float],
    route: dict[str, Any],
    entry_extra: dict[str, Any],
    reason: str,
) -> None:
    link, body = _serve_package(server, **route)
    entry = index_entry("en", "zz", "1.0", [link], **entry_extra)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([entry]))
    before = snapshot(tmp_path)
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "zz")
    assert str(err.value).startswith(
        f"could not download translate-en_zz 1.0 ({link}: {reason.format(size=len(body))})"
    )
    assert tree(config.packages_dir()) == []
    assert written_outside_packages(tmp_path, before) == ["dragoman-home/index.json"]


def test_corrupt_download_is_refused(
    server: PackageServer, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    body = corrupt_package_bytes()
    link = server.add("/bad.argosmodel", body)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "zz", "1.0", [link])]))
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "zz")
    assert f"({link}: corrupt zip (" in str(err.value)
    assert server.hits("/bad.argosmodel") == 4  # retried: a mirror may serve a good copy next time
    assert tree(config.packages_dir()) == []


def test_checksum_and_size_match(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    link, body = _serve_package(server)
    entry = index_entry("en", "zz", "1.0", [link], body=body)
    assert entry["sha256"] == hashlib.sha256(body).hexdigest()
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([entry]))
    assert packages.install_from_index("en", "zz").package_version == "1.0"


def test_downloaded_package_for_another_pair_is_refused(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    link, _ = _serve_package(server, "en", "zz")
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([index_entry("en", "fa", "1.0", [link])]))
    with pytest.raises(PackageError) as err:
        packages.install_from_index("en", "fa")
    assert str(err.value) == (
        "translate-en_fa-1_0.argosmodel: is a en->zz package, not en->fa — the package index points at the "
        "wrong file; report it to the index maintainer"
    )
    assert tree(config.packages_dir()) == []


def test_pair_missing_refreshes_stale_cache_once(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = server.add_index([])
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    assert packages.fetch_index() == []
    link, _ = _serve_package(server)
    server.add_index([index_entry("en", "zz", "1.0", [link])])
    assert packages.install_from_index("en", "zz").pair == ("en", "zz")


def test_pair_not_in_index_suggests_pivot(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = server.add_index([index_entry("ms", "en", "1.9", ["a"]), index_entry("en", "fa", "1.5", ["b"])])
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    with pytest.raises(PackageError) as err:
        packages.install_from_index("ms", "fa")
    assert str(err.value) == (
        f"no ms->fa package in the index at {url} — install ms->en and en->fa instead "
        "('dragoman models install ms en' and 'dragoman models install en fa'); translate pivots through English"
    )
    with pytest.raises(PackageError) as err:
        packages.install_from_index("de", "fa")
    assert str(err.value).endswith("— 'dragoman models available --from de' lists what the index offers")


# --- the real tiny package (built by tools/build_test_model.py) -----------------------------


def test_real_package_installs_from_file() -> None:
    pkg = packages.install_file(REAL_PACKAGE)
    assert pkg.pair == ("en", "zz")
    assert (pkg.model_dir / "model.bin").stat().st_size > 0
    assert pkg.sp_model_path.is_file()


def test_real_package_installs_over_loopback(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    body = REAL_PACKAGE.read_bytes()
    link = server.add("/v1/" + REAL_PACKAGE.name, body)
    with zipfile.ZipFile(REAL_PACKAGE) as archive:
        meta_name = next(n for n in archive.namelist() if n.endswith("metadata.json"))
        meta = json.loads(archive.read(meta_name))
    entry = index_entry(meta["from_code"], meta["to_code"], meta["package_version"], [link], body=body)
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", server.add_index([entry]))
    pkg = packages.install_from_index(meta["from_code"], meta["to_code"])
    assert pkg.package_version == meta["package_version"]
    assert (pkg.model_dir / "model.bin").is_file()
    assert packages.find_installed(meta["from_code"], meta["to_code"]) == pkg
