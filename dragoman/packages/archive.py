"""Safe installation of a .argosmodel zip: hostile entries refused, contents checked, then activated atomically."""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import shutil
import stat
import time
import uuid
import zipfile
import zlib
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from dragoman import __version__, config
from dragoman.errors import PackageError, one_line
from dragoman.fsutil import human_size
from dragoman.packages.installed import (
    delete_package_dir,
    list_installed,
    load_package_dir,
    packages_lock,
)
from dragoman.packages.model import (
    INSTALL_RECORD_FILE,
    METADATA_FILE,
    InstalledPackage,
    Limits,
    check_metadata,
    check_package_dir,
    package_dirname,
    pair_label,
)

_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1024 * 1024
_MAX_METADATA_BYTES = 1024 * 1024
# Work directories older than this are leftovers of a crashed install, not a concurrent one.
_STALE_WORKDIR_S = 24 * 3600


def install_file(
    path: str | Path,
    *,
    limits: Limits | None = None,
    expect_pair: tuple[str, str] | None = None,
    origin: str | None = None,
) -> InstalledPackage:
    """Install a local .argosmodel file into dragoman's packages directory (no network).

    Entries with absolute paths, '..', drive letters, symlinks or special files are refused, as are
    archives that would unpack past ``limits``. metadata.json, model/model.bin, the vocabularies and
    sentencepiece.model are checked before the package becomes visible; activation is one rename, and
    other versions of the same pair are removed afterwards.
    """
    limits = limits or Limits()
    source = Path(path)
    where = source.name
    _require_zip(source)
    root = config.packages_dir()
    staging = root / f".tmp-{uuid.uuid4().hex[:12]}"
    try:
        with zipfile.ZipFile(source) as archive:
            members, prefix = _check_entries(archive, limits, where)
            metadata = _read_metadata(archive, prefix, where)
            from_code, to_code, version, _ = check_metadata(metadata, where)
            if expect_pair is not None and (from_code, to_code) != expect_pair:
                raise PackageError(
                    f"{where}: is a {pair_label(from_code, to_code)} package, not {pair_label(*expect_pair)}",
                    "the package index points at the wrong file; report it to the index maintainer",
                )
            # Only now, with the entries and metadata checked, is anything written.
            root.mkdir(parents=True, exist_ok=True)
            _clean_workdirs(root)
            staging.mkdir()
            _extract(archive, members, prefix, staging, limits, where)
        check_package_dir(staging, where)
        _write_install_record(staging, source, origin)
        final = root / package_dirname(from_code, to_code, version)
        with packages_lock():
            _activate(staging, final)
            for other in list_installed():
                if other.pair == (from_code, to_code) and not other.readonly and other.path != final:
                    delete_package_dir(other.path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise PackageError(f"{where}: the archive is corrupt ({one_line(err)})", _REFETCH) from None
    except OSError as err:
        raise PackageError(
            f"cannot install {where} into {root}: {one_line(err)}",
            "check free disk space and the directory's permissions",
        ) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return load_package_dir(final, readonly=False)


def inspect_file(path: str | Path, *, limits: Limits | None = None) -> tuple[str, str, str]:
    """(from_code, to_code, package_version) of a .argosmodel file, after the same entry and metadata
    checks install_file makes; nothing is extracted or written."""
    source = Path(path)
    where = source.name
    _require_zip(source)
    try:
        with zipfile.ZipFile(source) as archive:
            _, prefix = _check_entries(archive, limits or Limits(), where)
            metadata = _read_metadata(archive, prefix, where)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise PackageError(f"{where}: the archive is corrupt ({one_line(err)})", _REFETCH) from None
    except OSError as err:
        raise PackageError(f"{source}: cannot read it ({one_line(err)})") from None
    from_code, to_code, version, _ = check_metadata(metadata, where)
    return from_code, to_code, version


def _require_zip(source: Path) -> None:
    if not source.is_file():
        raise PackageError(f"{source}: model file not found", "give the path of a .argosmodel file")
    if not zipfile.is_zipfile(source):
        raise PackageError(
            f"{source.name}: not a zip archive",
            "an .argosmodel file is a zip; the download may be incomplete",
        )


def _check_entries(
    archive: zipfile.ZipFile, limits: Limits, where: str
) -> tuple[list[tuple[zipfile.ZipInfo, PurePosixPath]], str]:
    """Refuse hostile entries; return (entry, relative path) pairs and the top folder holding the package."""
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise PackageError(
            f"{where}: has {len(infos)} entries, more than the limit of {limits.max_files}",
            "this is not an Argos model package",
        )
    total = 0
    seen: set[str] = set()
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    for info in infos:
        rel = _safe_name(info, where)
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise PackageError(f"{where}: entry {info.filename!r} is a symbolic link", "refusing to install it")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise PackageError(f"{where}: entry {info.filename!r} is a special file", "refusing to install it")
        key = rel.as_posix()
        if key in seen:
            raise PackageError(f"{where}: entry {key!r} appears twice", "refusing an ambiguous archive")
        seen.add(key)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageError(
                f"{where}: would unpack to more than {human_size(limits.max_total_bytes)}",
                "refusing it (a zip bomb or not a model package)",
            )
        members.append((info, rel))
    if not members:
        raise PackageError(f"{where}: the archive is empty", "get the package again from its publisher")
    return members, _package_prefix(members)


def _safe_name(info: zipfile.ZipInfo, where: str) -> PurePosixPath:
    for name in {info.filename, info.orig_filename}:
        problem = None
        if "\\" in name or any(ord(ch) < 32 for ch in name):
            problem = "has a backslash or control character in its name"
        elif name.startswith("/"):
            problem = "has an absolute path"
        elif _DRIVE_RE.match(name):
            problem = "has a drive letter"
        elif ".." in name.split("/"):
            problem = "points outside the package ('..')"
        if problem:
            raise PackageError(f"{where}: entry {name!r} {problem}", "refusing to install it")
    parts = [p for p in info.filename.split("/") if p not in ("", ".")]
    if not parts:
        raise PackageError(f"{where}: entry {info.filename!r} has an empty name", "refusing to install it")
    return PurePosixPath(*parts)


def _package_prefix(members: list[tuple[zipfile.ZipInfo, PurePosixPath]]) -> str:
    """The single top folder Argos packages have ('' when the files sit at the archive root)."""
    tops = {rel.parts[0] for _, rel in members}
    if len(tops) == 1:
        top = next(iter(tops))
        if all(len(rel.parts) > 1 or info.is_dir() for info, rel in members):
            return top
    return ""


def _relative(rel: PurePosixPath, prefix: str) -> PurePosixPath | None:
    if not prefix:
        return rel
    if len(rel.parts) == 1:
        return None  # the top folder itself
    return PurePosixPath(*rel.parts[1:])


def _read_metadata(archive: zipfile.ZipFile, prefix: str, where: str) -> object:
    name = f"{prefix}/{METADATA_FILE}" if prefix else METADATA_FILE
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise PackageError(f"{where}: no metadata.json in the package", "this is not an Argos model package") from None
    if info.file_size > _MAX_METADATA_BYTES:
        raise PackageError(f"{where}: metadata.json is implausibly large ({human_size(info.file_size)})")
    try:
        return json.loads(archive.read(info).decode("utf-8"))
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise PackageError(f"{where}: the archive is corrupt ({one_line(err)})", _REFETCH) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PackageError(f"{where}: metadata.json is not valid JSON ({one_line(err)})", _REFETCH) from None


_REFETCH = "get the package again from its publisher"


def _extract(
    archive: zipfile.ZipFile,
    members: list[tuple[zipfile.ZipInfo, PurePosixPath]],
    prefix: str,
    staging: Path,
    limits: Limits,
    where: str,
) -> None:
    """Write every member under `staging`, counting real bytes (declared sizes can lie).

    Reading through ZipFile verifies each member's CRC, so this pass is also the integrity check
    (zipfile.testzip would decompress everything a second time).
    """
    written = 0
    staging_abs = staging.resolve()
    for info, rel in members:
        inner = _relative(rel, prefix)
        if inner is None:
            continue
        target = staging.joinpath(*inner.parts)
        # Belt and braces: the name checks above already rule this out.
        if not target.resolve().is_relative_to(staging_abs):
            raise PackageError(f"{where}: entry {info.filename!r} points outside the package", "refusing it")
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as src, open(target, "xb") as dst:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > limits.max_total_bytes:
                        raise PackageError(
                            f"{where}: would unpack to more than {human_size(limits.max_total_bytes)}",
                            "refusing it (a zip bomb or not a model package)",
                        )
                    dst.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as err:
            raise PackageError(f"{where}: the archive is corrupt ({one_line(err)})", _REFETCH) from None
        except NotImplementedError as err:
            raise PackageError(f"{where}: unsupported zip feature ({one_line(err)})", _REFETCH) from None
        except FileExistsError:
            raise PackageError(f"{where}: entry {info.filename!r} appears twice", "refusing it") from None
        # The archive's own time, not the moment of unpacking: the engine's signature fingerprints the model by
        # size and mtime, so every machine that installs the same file gets the same signature (a cluster's
        # workers are checked against the client with it, and translation memories can be shared).
        stamp = calendar.timegm((*info.date_time, 0, 0, 0))
        os.utime(target, (stamp, stamp))


def _write_install_record(staging: Path, source: Path, origin: str | None) -> None:
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    record = {
        "archive": source.name,
        "archive_sha256": digest.hexdigest(),
        "origin": origin or str(source.resolve()),
        "installed": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "dragoman_version": __version__,
    }
    (staging / INSTALL_RECORD_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def _activate(staging: Path, final: Path) -> None:
    """Make the checked package visible in one rename; an existing copy is swapped out and deleted."""
    if not final.exists():
        os.replace(staging, final)
        return
    # POSIX cannot rename a directory over a non-empty one: move the old copy aside first.
    trash = final.parent / f".trash-{uuid.uuid4().hex[:12]}"
    os.replace(final, trash)
    try:
        os.replace(staging, final)
    except OSError:
        os.replace(trash, final)
        raise
    shutil.rmtree(trash, ignore_errors=True)


def _clean_workdirs(root: Path) -> None:
    now = time.time()
    for child in root.iterdir():
        if child.name.startswith(".trash-"):
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith((".tmp-", ".download-")):
            try:
                if now - child.stat().st_mtime > _STALE_WORKDIR_S:
                    shutil.rmtree(child, ignore_errors=True)
            except OSError:
                pass
