"""Paths and settings, resolved when called: importing this module reads nothing and creates nothing."""

from __future__ import annotations

import os
from pathlib import Path


def home_dir() -> Path:
    """dragoman's data directory: $DRAGOMAN_HOME, else the platform's user data dir."""
    env = os.environ.get("DRAGOMAN_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("dragoman", appauthor=False))


def packages_dir() -> Path:
    """Where dragoman installs Argos model packages."""
    return home_dir() / "packages"


def cache_path() -> Path:
    """The translation memory database."""
    env = os.environ.get("DRAGOMAN_CACHE")
    if env:
        return Path(env).expanduser()
    return home_dir() / "cache.sqlite3"


def index_cache_path() -> Path:
    """Local copy of the package index."""
    return home_dir() / "index.json"


DEFAULT_PACKAGE_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


def package_index_url() -> str:
    return os.environ.get("DRAGOMAN_PACKAGE_INDEX", DEFAULT_PACKAGE_INDEX)


def argos_packages_dirs() -> list[Path]:
    """Directories where argostranslate keeps installed packages (used read-only).

    Mirrors argostranslate's own resolution: $ARGOS_PACKAGES_DIR, else
    $XDG_DATA_HOME/argos-translate/packages, else ~/.local/share/argos-translate/packages.
    """
    dirs: list[Path] = []
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        dirs.append(Path(env).expanduser())
    else:
        data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        dirs.append(Path(data_home) / "argos-translate" / "packages")
    return dirs
