"""The data types of Argos model packages: installed packages, index entries, metadata checks, limits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dragoman.errors import LanguageError, PackageError
from dragoman.languages import name_of, validate_code

# progress(done_bytes, total_bytes or None): called while a package downloads.
ProgressCallback = Callable[[int, "int | None"], None]

# Package versions end up in directory names, so only harmless characters pass.
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$")

METADATA_FILE = "metadata.json"
MODEL_DIR = "model"
SP_MODEL_FILE = "sentencepiece.model"
# Calibration data another module writes next to the model (or under DRAGOMAN_HOME for read-only packages).
CALIBRATION_FILE = "dragoman-calibration.json"
# Written by dragoman when it installs a package: where it came from and the archive's SHA-256.
INSTALL_RECORD_FILE = "dragoman-package.json"


@dataclass(frozen=True)
class Limits:
    """Caps that stop a hostile or broken archive before it fills the disk."""

    max_total_bytes: int = 2 * 1024**3
    max_files: int = 10_000


@dataclass(frozen=True)
class DownloadPolicy:
    """How hard a download tries: attempts per link, exponential backoff, socket timeout."""

    retries: int = 3
    backoff_s: float = 1.0
    timeout_s: float = 60.0


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for package versions: numeric parts compare as numbers ("1.10" > "1.9")."""
    parts = re.split(r"[._+-]", version)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def pair_label(from_code: str, to_code: str) -> str:
    return f"{from_code}->{to_code}"


def package_dirname(from_code: str, to_code: str, version: str) -> str:
    """Directory name for a package dragoman installs: Argos's file naming, e.g. translate-en_fa-1_5."""
    return f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"


@dataclass(frozen=True)
class InstalledPackage:
    """A package on disk: dragoman's own (writable) or argostranslate's (read-only)."""

    from_code: str
    to_code: str
    package_version: str
    argos_version: str
    path: Path
    readonly: bool
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def model_dir(self) -> Path:
        return self.path / MODEL_DIR

    @property
    def sp_model_path(self) -> Path:
        return self.path / SP_MODEL_FILE

    @property
    def target_prefix(self) -> str | None:
        prefix = self.metadata.get("target_prefix")
        return prefix if isinstance(prefix, str) and prefix else None

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_code, self.to_code)

    @property
    def code(self) -> str:
        code = self.metadata.get("code")
        return code if isinstance(code, str) and code else f"translate-{self.from_code}_{self.to_code}"

    @property
    def from_name(self) -> str:
        return _str_field(self.metadata, "from_name") or name_of(self.from_code)

    @property
    def to_name(self) -> str:
        return _str_field(self.metadata, "to_name") or name_of(self.to_code)

    @property
    def name(self) -> str:
        return _str_field(self.metadata, "name") or f"{self.from_name} → {self.to_name}"

    @property
    def version_key(self) -> tuple[tuple[int, int | str], ...]:
        return version_key(self.package_version)

    @property
    def install_record(self) -> dict[str, Any]:
        """What dragoman noted when it installed the package ({} for argostranslate's packages)."""
        try:
            data = json.loads((self.path / INSTALL_RECORD_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def fingerprint(self) -> str:
        """Identifies the exact model files, for engine signatures and caches: the SHA-256 of the
        archive dragoman installed, else (argostranslate's packages) model.bin's size and mtime."""
        digest = self.install_record.get("archive_sha256")
        if isinstance(digest, str) and digest:
            return f"sha256:{digest[:16]}"
        try:
            info = (self.model_dir / "model.bin").stat()
        except OSError:
            return "unknown"
        return f"stat:{info.st_size}-{info.st_mtime_ns}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (what `dragoman models list --json` prints)."""
        return {
            "from_code": self.from_code,
            "to_code": self.to_code,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "code": self.code,
            "package_version": self.package_version,
            "argos_version": self.argos_version,
            "path": str(self.path),
            "readonly": self.readonly,
            "target_prefix": self.target_prefix,
            "fingerprint": self.fingerprint,
            # Provenance: the SHA-256 of the archive dragoman installed (None for argostranslate's packages).
            "sha256": self.archive_sha256,
        }

    @property
    def archive_sha256(self) -> str | None:
        digest = self.install_record.get("archive_sha256")
        return digest if isinstance(digest, str) and digest else None


@dataclass(frozen=True)
class IndexEntry:
    """One package listed in an Argos-format package index."""

    from_code: str
    to_code: str
    package_version: str
    argos_version: str
    from_name: str
    to_name: str
    code: str
    name: str
    type: str
    links: tuple[str, ...]
    # Not in Argos's index; honoured when a (self-hosted) index gives them.
    size: int | None = None
    sha256: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_code, self.to_code)

    @property
    def version_key(self) -> tuple[tuple[int, int | str], ...]:
        return version_key(self.package_version)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_code": self.from_code,
            "to_code": self.to_code,
            "from_name": self.from_name,
            "to_name": self.to_name,
            "code": self.code,
            "name": self.name,
            "package_version": self.package_version,
            "argos_version": self.argos_version,
            "links": list(self.links),
            "size": self.size,
            "sha256": self.sha256,
        }


def _str_field(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def check_pair_codes(data: dict[str, Any], where: str) -> tuple[str, str]:
    """from_code/to_code of a metadata or index object, validated; PackageError names `where`."""
    codes = []
    for key in ("from_code", "to_code"):
        value = data.get(key)
        if value is None or value == "":
            raise PackageError(f"{where}: missing {key!r}", "is this an Argos translation package?")
        if not isinstance(value, str):
            raise PackageError(
                f'{where}: {key} must be a language code string such as "en", not {type(value).__name__} {value!r}',
                "the package metadata is broken; get the package again from its publisher",
            )
        try:
            codes.append(validate_code(value))
        except LanguageError:
            raise PackageError(
                f"{where}: {key} {value!r} is not a language code",
                "the package metadata is broken; get the package again from its publisher",
            ) from None
    return codes[0], codes[1]


def check_version(value: Any, where: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _VERSION_RE.match(value):
        raise PackageError(
            f"{where}: package_version {value!r} is missing or not a version such as '1.9'",
            "the package metadata is broken; get the package again from its publisher",
        )
    return value


def check_metadata(data: Any, where: str) -> tuple[str, str, str, str]:
    """Validate a package's metadata.json object; return (from_code, to_code, package_version, argos_version)."""
    if not isinstance(data, dict):
        raise PackageError(f"{where}: metadata.json is not a JSON object", "is this an Argos package?")
    kind = data.get("type", "translate")
    if kind != "translate":
        raise PackageError(
            f"{where}: package type {kind!r} is not a translation package",
            "dragoman installs translation packages (type 'translate') only",
        )
    from_code, to_code = check_pair_codes(data, where)
    version = check_version(data.get("package_version"), where)
    argos_version = data.get("argos_version", "")
    if not isinstance(argos_version, str):
        argos_version = str(argos_version)
    prefix = data.get("target_prefix")
    if prefix is not None and not isinstance(prefix, str):
        raise PackageError(f"{where}: target_prefix must be a string, not {type(prefix).__name__}")
    return from_code, to_code, version, argos_version


def check_package_dir(root: Path, where: str) -> None:
    """The files an Argos CTranslate2 package needs, present before the package is used or activated."""
    model = root / MODEL_DIR
    if not (model / "model.bin").is_file():
        raise PackageError(
            f"{where}: no model/model.bin (a CTranslate2 model directory)",
            "the package is incomplete; get it again from its publisher",
        )
    vocab_names = {p.name.rsplit(".", 1)[0] for p in model.iterdir() if p.is_file()}
    if (
        "shared_vocabulary" not in vocab_names
        and not {
            "source_vocabulary",
            "target_vocabulary",
        }
        <= vocab_names
    ):
        raise PackageError(
            f"{where}: model/ has no vocabulary file (shared_vocabulary or source_/target_vocabulary)",
            "the package is incomplete; get it again from its publisher",
        )
    if not (root / SP_MODEL_FILE).is_file():
        if (root / "bpe.model").is_file():
            raise PackageError(
                f"{where}: the package uses a BPE tokenizer (bpe.model)",
                "dragoman supports SentencePiece packages only; use --engine argostranslate for this one",
            )
        raise PackageError(
            f"{where}: no sentencepiece.model",
            "the package is incomplete; get it again from its publisher",
        )
