"""Argos model packages: index, download, safe install, list and remove (dragoman's own and argostranslate's)."""

from __future__ import annotations

from dragoman.packages.archive import inspect_file, install_file
from dragoman.packages.index import (
    available,
    downloaded,
    fetch_index,
    find_available,
    install_from_index,
    parse_index,
)
from dragoman.packages.installed import (
    ScanResult,
    calibration_candidates,
    calibration_path,
    find_calibration,
    find_installed,
    install_hint,
    list_installed,
    load_package_dir,
    remove,
    require_installed,
    scan_installed,
)
from dragoman.packages.model import (
    DownloadPolicy,
    IndexEntry,
    InstalledPackage,
    Limits,
    ProgressCallback,
    package_dirname,
    version_key,
)

__all__ = [
    "DownloadPolicy",
    "IndexEntry",
    "InstalledPackage",
    "Limits",
    "ProgressCallback",
    "ScanResult",
    "available",
    "calibration_candidates",
    "calibration_path",
    "downloaded",
    "fetch_index",
    "find_available",
    "find_calibration",
    "find_installed",
    "inspect_file",
    "install_file",
    "install_from_index",
    "install_hint",
    "list_installed",
    "load_package_dir",
    "package_dirname",
    "parse_index",
    "remove",
    "require_installed",
    "scan_installed",
    "version_key",
]
