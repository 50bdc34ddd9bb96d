"""Finding installed packages (dragoman's own and argostranslate's, read-only), their calibration files, removal."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dragoman import config
from dragoman.errors import DragomanError, ModelError, PackageError, one_line
from dragoman.packages.model import (
    CALIBRATION_FILE,
    METADATA_FILE,
    InstalledPackage,
    check_metadata,
    check_package_dir,
    pair_label,
)


@dataclass
class ScanResult:
    """Installed packages in preference order, and one line per directory that was skipped."""

    packages: list[InstalledPackage] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Pairs whose package directory says what it translates but cannot be used (no model.bin, ...): a missing
    # model is then reported as broken, not as "not installed".
    broken: dict[tuple[str, str], str] = field(default_factory=dict)


def load_package_dir(path: Path, readonly: bool) -> InstalledPackage:
    """Read and check one package directory; PackageError when it is not a usable package."""
    where = str(path)
    meta_path = path / METADATA_FILE
    try:
        data = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{where}: no metadata.json", "not an Argos package directory") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PackageError(f"{where}: metadata.json cannot be read ({one_line(err)})") from None
    from_code, to_code, version, argos_version = check_metadata(data, where)
    check_package_dir(path, where)
    return InstalledPackage(
        from_code=from_code,
        to_code=to_code,
        package_version=version,
        argos_version=argos_version,
        path=path,
        readonly=readonly,
        metadata=data,
    )


def _scan_dir(root: Path, readonly: bool, result: ScanResult) -> None:
    try:
        children = sorted(root.iterdir())
    except FileNotFoundError:
        return
    except OSError as err:
        result.problems.append(f"{root}: cannot list packages ({one_line(err)})")
        return
    found: list[InstalledPackage] = []
    for child in children:
        # Dot-directories are dragoman's own work in progress (.tmp-*, .trash-*, .download-*).
        if child.name.startswith(".") or not child.is_dir():
            continue
        try:
            found.append(load_package_dir(child, readonly))
        except PackageError as err:
            if _is_foreign_type(child):
                # argostranslate also keeps non-translation packages (e.g. sentence boundary models).
                continue
            result.problems.append(f"skipped {err}")
            pair = _declared_pair(child)
            if pair is not None:
                result.broken.setdefault(pair, err.message)
        except (DragomanError, OSError) as err:  # never let one unreadable dir break the listing
            result.problems.append(f"skipped {child}: {one_line(err)}")
    # Highest version first within a pair (two stable sorts keep pairs alphabetical).
    found.sort(key=lambda p: p.version_key, reverse=True)
    found.sort(key=lambda p: p.pair)
    result.packages.extend(found)


def _declared_pair(path: Path) -> tuple[str, str] | None:
    """The (from_code, to_code) a package directory's metadata names, valid or not as a package."""
    try:
        data = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    codes = data.get("from_code"), data.get("to_code")
    if isinstance(codes[0], str) and isinstance(codes[1], str):
        return codes[0], codes[1]
    return None


def _is_foreign_type(path: Path) -> bool:
    try:
        data = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("type", "translate") != "translate"


def scan_installed() -> ScanResult:
    """All installed packages, dragoman's first, then argostranslate's, with the skipped directories."""
    result = ScanResult()
    _scan_dir(config.packages_dir(), readonly=False, result=result)
    own = config.packages_dir().resolve()
    for argos_dir in config.argos_packages_dirs():
        if argos_dir.resolve() == own:
            continue
        _scan_dir(argos_dir, readonly=True, result=result)
    return result


def list_installed() -> list[InstalledPackage]:
    """Installed packages in preference order; broken directories are skipped (see scan_installed)."""
    return scan_installed().packages


def find_installed(from_code: str, to_code: str) -> InstalledPackage | None:
    """The package to use for a pair: dragoman's own highest version, else argostranslate's."""
    for pkg in list_installed():
        if pkg.pair == (from_code, to_code):
            return pkg
    return None


def install_hint(from_code: str, to_code: str) -> str:
    return f"run 'dragoman models install {from_code} {to_code}' or 'dragoman models install FILE.argosmodel'"


def require_installed(from_code: str, to_code: str) -> InstalledPackage:
    """Like find_installed, but a missing model is a ModelError that says how to install it."""
    pkg = find_installed(from_code, to_code)
    if pkg is None:
        raise ModelError(f"no {pair_label(from_code, to_code)} model installed", install_hint(from_code, to_code))
    return pkg


def calibration_path(pkg: InstalledPackage) -> Path:
    """Where calibration data for this package is written: inside dragoman's own package directory,
    under DRAGOMAN_HOME/calibration/ for read-only (argostranslate) packages."""
    if pkg.readonly:
        return config.home_dir() / "calibration" / f"{pkg.path.name}.json"
    return pkg.path / CALIBRATION_FILE


def calibration_candidates(pkg: InstalledPackage) -> list[Path]:
    """Every place calibration for this package may be, in the order to read them."""
    return [pkg.path / CALIBRATION_FILE, config.home_dir() / "calibration" / f"{pkg.path.name}.json"]


def find_calibration(pkg: InstalledPackage) -> Path | None:
    for path in calibration_candidates(pkg):
        if path.is_file():
            return path
    return None


@contextmanager
def packages_lock(timeout_s: float = 120.0) -> Iterator[None]:
    """Serialise activations and removals between dragoman processes (extraction runs outside it).

    Without it, two installs of different versions of one pair could each delete the other's copy.
    """
    from filelock import FileLock, Timeout

    root = config.packages_dir()
    lock = FileLock(str(root / ".lock"), timeout=timeout_s)
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise PackageError(
            f"another dragoman process has been installing or removing packages in {root} for {timeout_s:g} s",
            f"wait for it to finish; if none is running, delete {root / '.lock'}",
        ) from None
    except OSError as err:
        # A read-only home (or a full disk): nothing was changed.
        raise PackageError(
            f"cannot change the models in {root}: {err.strerror or one_line(err)}",
            "make that folder writable, or set DRAGOMAN_HOME to a writable folder",
        ) from None
    try:
        yield
    finally:
        lock.release()


def remove(from_code: str, to_code: str) -> InstalledPackage:
    """Remove dragoman's package for a pair (all its versions); argostranslate's packages are left alone."""
    label = pair_label(from_code, to_code)
    matches = [p for p in list_installed() if p.pair == (from_code, to_code)]
    own = [p for p in matches if not p.readonly]
    if not own:
        if matches:
            pkg = matches[0]
            raise PackageError(
                f"the {label} model at {pkg.path} belongs to argostranslate and is read-only for dragoman",
                f"remove it with 'argospm remove {pkg.code}'",
            )
        raise PackageError(f"no {label} model installed", "'dragoman models list' shows the installed ones")
    with packages_lock():
        for pkg in own:
            delete_package_dir(pkg.path)
            stale = config.home_dir() / "calibration" / f"{pkg.path.name}.json"
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass  # the package is gone; a calibration left for it is never read for another version
    return own[0]


def delete_package_dir(path: Path) -> None:
    """Remove a package directory so that it disappears in one step (rename first, then delete)."""
    trash = path.parent / f".trash-{uuid.uuid4().hex[:12]}"
    try:
        os.replace(path, trash)
    except OSError as err:
        raise PackageError(f"cannot remove {path}: {one_line(err)}", "check the directory's permissions") from None
    shutil.rmtree(trash, ignore_errors=True)
