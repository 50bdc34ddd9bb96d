"""The Argos-format package index: fetch, cache, look up, and install a package from it."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from dragoman import config
from dragoman.errors import DragomanError, PackageError
from dragoman.languages import validate_code
from dragoman.packages.archive import install_file
from dragoman.packages.download import download_to, fetch_bytes
from dragoman.packages.model import (
    DownloadPolicy,
    IndexEntry,
    InstalledPackage,
    Limits,
    ProgressCallback,
    check_pair_codes,
    check_version,
    pair_label,
)

# Argos's whole index is ~40 KB; anything near this is not an index.
_MAX_INDEX_BYTES = 32 * 1024 * 1024
OFFLINE_HINT = "offline? install a model file with 'dragoman models install FILE.argosmodel'"


def fetch_index(update: bool = False, *, policy: DownloadPolicy | None = None) -> list[IndexEntry]:
    """The package index: the cached copy, or a fresh one when there is none or `update` is true."""
    return _load(update, policy)[0]


def _load(update: bool, policy: DownloadPolicy | None) -> tuple[list[IndexEntry], bool]:
    """(entries, fresh): fresh is true when the index was downloaded by this call."""
    url = config.package_index_url()
    cache = config.index_cache_path()
    if not update:
        cached = _read_cache(cache, url)
        if cached is not None:
            return parse_index(cached), False
    try:
        raw = fetch_bytes(url, max_bytes=_MAX_INDEX_BYTES, policy=policy)
    except PackageError as err:
        raise PackageError(err.message, OFFLINE_HINT) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PackageError(
            f"the package index at {url} is not valid JSON ({' '.join(str(err).split())})",
            "check DRAGOMAN_PACKAGE_INDEX",
        ) from None
    if not isinstance(data, list):
        raise PackageError(f"the package index at {url} is not a JSON list of packages", "check DRAGOMAN_PACKAGE_INDEX")
    _write_cache(cache, url, data)
    return parse_index(data), True


def _read_cache(cache: Path, url: str) -> list[Any] | None:
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None  # missing or damaged: fetch again
    if isinstance(data, dict) and data.get("url") == url and isinstance(data.get("packages"), list):
        packages: list[Any] = data["packages"]
        return packages
    return None  # cached from another index URL


def _write_cache(cache: Path, url: str, packages: list[Any]) -> None:
    payload = {
        "url": url,
        "fetched": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "packages": packages,
    }
    from dragoman.fsutil import FileWriteError, atomic_write_text

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cache, json.dumps(payload, ensure_ascii=False, indent=1))
    except (OSError, FileWriteError):
        pass  # a read-only home only costs a download next time


def parse_index(data: list[Any]) -> list[IndexEntry]:
    """Translation packages of an Argos index; entries of other types or with broken fields are skipped."""
    entries: list[IndexEntry] = []
    for item in data:
        if not isinstance(item, dict) or item.get("type", "translate") != "translate":
            continue
        try:
            entries.append(_entry(item))
        except DragomanError:
            continue
    entries.sort(key=lambda e: e.version_key, reverse=True)
    entries.sort(key=lambda e: e.pair)
    return entries


def _entry(item: dict[str, Any]) -> IndexEntry:
    from_code, to_code = check_pair_codes(item, "package index")
    version = check_version(item.get("package_version"), "package index")
    links = item.get("links", [])
    if not isinstance(links, list):
        links = []
    size = item.get("size")
    sha256 = item.get("sha256")
    from_name = _text(item.get("from_name")) or from_code
    to_name = _text(item.get("to_name")) or to_code
    return IndexEntry(
        from_code=from_code,
        to_code=to_code,
        package_version=version,
        argos_version=_text(item.get("argos_version")),
        from_name=from_name,
        to_name=to_name,
        code=_text(item.get("code")) or f"translate-{from_code}_{to_code}",
        name=_text(item.get("name")) or f"{from_name} → {to_name}",
        type="translate",
        links=tuple(link for link in links if isinstance(link, str) and link),
        size=size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
        sha256=sha256 if isinstance(sha256, str) and sha256 else None,
        metadata=item,
    )


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def available(from_code: str | None = None, to_code: str | None = None, *, update: bool = False) -> list[IndexEntry]:
    """Index entries, optionally for one source and/or target language, sorted by pair."""
    if from_code is not None:
        validate_code(from_code)
    if to_code is not None:
        validate_code(to_code)
    return [
        e
        for e in fetch_index(update)
        if (from_code is None or e.from_code == from_code) and (to_code is None or e.to_code == to_code)
    ]


def find_available(from_code: str, to_code: str, *, update: bool = False) -> IndexEntry | None:
    """The newest index entry for a pair (the cached index is refreshed once when it lacks the pair)."""
    return _find(from_code, to_code, update, None)


def _find(from_code: str, to_code: str, update: bool, policy: DownloadPolicy | None) -> IndexEntry | None:
    validate_code(from_code)
    validate_code(to_code)
    entries, fresh = _load(update, policy)
    if not fresh and not any(e.pair == (from_code, to_code) for e in entries):
        try:
            entries, fresh = _load(True, policy)
        except PackageError:
            pass  # offline: the cached index is all there is
    for entry in entries:
        if entry.pair == (from_code, to_code):
            return entry
    return None


def install_from_index(
    from_code: str,
    to_code: str,
    *,
    progress: ProgressCallback | None = None,
    policy: DownloadPolicy | None = None,
    limits: Limits | None = None,
    entry: IndexEntry | None = None,
) -> InstalledPackage:
    """Download the pair's package named by the index and install it (see install_file)."""
    if entry is None:
        entry = _find(from_code, to_code, False, policy)
    if entry is None:
        raise PackageError(
            f"no {pair_label(from_code, to_code)} package in the index at {config.package_index_url()}",
            _missing_hint(from_code, to_code),
        )
    name = f"{entry.code}-{entry.package_version.replace('.', '_')}.argosmodel"
    with _workdir() as workdir:
        dest = workdir / name
        used = download_to(
            entry.links,
            dest,
            what=f"{entry.code} {entry.package_version}",
            base_url=config.package_index_url(),
            expected_size=entry.size,
            sha256=entry.sha256,
            limits=limits,
            policy=policy,
            progress=progress,
        )
        return install_file(dest, limits=limits, expect_pair=(from_code, to_code), origin=used)


@contextmanager
def downloaded(
    url: str,
    *,
    progress: ProgressCallback | None = None,
    policy: DownloadPolicy | None = None,
    limits: Limits | None = None,
) -> Iterator[Path]:
    """Download a .argosmodel from a URL into a work directory inside packages_dir(); yields the
    verified file, which is deleted afterwards (install it with install_file inside the block)."""
    name = PurePosixPath(urlsplit(url).path).name
    if not name.endswith(".argosmodel"):
        name = "package.argosmodel"
    with _workdir() as workdir:
        dest = workdir / name
        download_to([url], dest, what=url, limits=limits, policy=policy, progress=progress)
        yield dest


@contextmanager
def _workdir() -> Iterator[Path]:
    # Inside packages_dir() so that a download never writes anywhere else.
    root = config.packages_dir()
    workdir = root / f".download-{uuid.uuid4().hex[:12]}"
    try:
        workdir.mkdir(parents=True)
    except OSError as err:
        raise PackageError(f"cannot write to {root}: {' '.join(str(err).split())}") from None
    try:
        yield workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _missing_hint(from_code: str, to_code: str) -> str:
    try:
        entries = fetch_index()
    except DragomanError:
        entries = []
    pairs = {e.pair for e in entries}
    if (from_code, "en") in pairs and ("en", to_code) in pairs:
        return (
            f"install {from_code}->en and en->{to_code} instead "
            f"('dragoman models install {from_code} en' and 'dragoman models install en {to_code}'); "
            "translate pivots through English"
        )
    return f"'dragoman models available --from {from_code}' lists what the index offers"
