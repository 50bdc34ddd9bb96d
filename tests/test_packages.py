"""Tests for dragoman.packages: safe install of local files, discovery (own and argostranslate's), removal."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers.package_server import (
    build_package,
    build_package_bytes,
    corrupt_package_bytes,
    installed_dirs,
    package_files,
    package_metadata,
    snapshot,
    tree,
    written_outside_packages,
    zip_bytes,
)

from dragoman import config, packages
from dragoman.errors import ModelError, PackageError
from dragoman.packages import Limits


def install_argos_dir(name: str, files: dict[str, bytes]) -> Path:
    """Lay out a package the way argostranslate leaves it in its packages directory."""
    root = config.argos_packages_dirs()[0] / name
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


# --- installing a local file -------------------------------------------------------------


def test_install_file_layout_and_fields(tmp_path: Path) -> None:
    path = build_package(tmp_path / "dl", "en", "zz", "1.0")
    pkg = packages.install_file(path)
    assert pkg.path == config.packages_dir() / "translate-en_zz-1_0"
    assert (pkg.from_code, pkg.to_code, pkg.package_version, pkg.argos_version) == (
        "en",
        "zz",
        "1.0",
        "1.9.0",
    )
    assert pkg.readonly is False
    assert pkg.model_dir == pkg.path / "model"
    assert (pkg.model_dir / "model.bin").is_file()
    assert pkg.sp_model_path.read_bytes() == b"\x0afake-sentencepiece"
    assert pkg.target_prefix is None
    assert pkg.code == "translate-en_zz"
    assert pkg.name == "English → Toy"
    assert pkg.metadata["from_name"] == "English"
    assert tree(config.packages_dir()) == [
        ".lock",
        "translate-en_zz-1_0",
        "translate-en_zz-1_0/README.md",
        "translate-en_zz-1_0/dragoman-package.json",
        "translate-en_zz-1_0/metadata.json",
        "translate-en_zz-1_0/model",
        "translate-en_zz-1_0/model/config.json",
        "translate-en_zz-1_0/model/model.bin",
        "translate-en_zz-1_0/model/shared_vocabulary.json",
        "translate-en_zz-1_0/sentencepiece.model",
    ]


def test_install_record_and_fingerprint(tmp_path: Path) -> None:
    path = build_package(tmp_path / "dl")
    pkg = packages.install_file(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    record = pkg.install_record
    assert record["archive"] == "translate-en_zz-1_0.argosmodel"
    assert record["archive_sha256"] == digest
    assert record["origin"] == str(path.resolve())
    assert pkg.fingerprint == f"sha256:{digest[:16]}"
    argos = packages.load_package_dir(install_argos_dir("en_fa", package_files("en", "fa")), readonly=True)
    model_bin = argos.model_dir / "model.bin"
    assert argos.install_record == {}
    assert argos.fingerprint == f"stat:{model_bin.stat().st_size}-{model_bin.stat().st_mtime_ns}"


def test_target_prefix_from_metadata(tmp_path: Path) -> None:
    body = build_package_bytes(metadata=package_metadata(target_prefix="__zz__"))
    (tmp_path / "p.argosmodel").write_bytes(body)
    pkg = packages.install_file(tmp_path / "p.argosmodel")
    assert pkg.target_prefix == "__zz__"


def test_files_at_archive_root_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "flat.argosmodel").write_bytes(zip_bytes(package_files("en", "fa", "1.5")))
    pkg = packages.install_file(tmp_path / "flat.argosmodel")
    assert pkg.path.name == "translate-en_fa-1_5"
    assert pkg.pair == ("en", "fa")


def test_newer_version_replaces_older(tmp_path: Path) -> None:
    packages.install_file(build_package(tmp_path / "a", version="1.9"))
    pkg = packages.install_file(build_package(tmp_path / "b", version="1.10"))
    assert pkg.package_version == "1.10"
    assert installed_dirs() == ["translate-en_zz-1_10"]


def test_reinstall_same_version_swaps_contents(tmp_path: Path) -> None:
    first = packages.install_file(build_package(tmp_path / "a"))
    (first.path / "dragoman-calibration.json").write_text("{}")
    files = package_files()
    files["README.md"] = b"second copy\n"
    (tmp_path / "b.argosmodel").write_bytes(zip_bytes(files, top="whatever-name"))
    pkg = packages.install_file(tmp_path / "b.argosmodel")
    assert pkg.path == first.path
    assert (pkg.path / "README.md").read_bytes() == b"second copy\n"
    assert not (pkg.path / "dragoman-calibration.json").exists()
    assert installed_dirs() == ["translate-en_zz-1_0"]


def test_missing_file_and_not_a_zip(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as err:
        packages.install_file(tmp_path / "nope.argosmodel")
    assert (
        str(err.value) == f"{tmp_path / 'nope.argosmodel'}: model file not found — give the path of a .argosmodel file"
    )
    (tmp_path / "text.argosmodel").write_text("hello")
    with pytest.raises(PackageError) as err:
        packages.install_file(tmp_path / "text.argosmodel")
    assert str(err.value) == (
        "text.argosmodel: not a zip archive — an .argosmodel file is a zip; the download may be incomplete"
    )


# --- hostile and broken archives ---------------------------------------------------------


def _zip_with(entries: list[tuple[zipfile.ZipInfo | str, bytes]], *, base: bool = True) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate entry the test wants
        if base:
            for name, data in package_files().items():
                archive.writestr(f"pkg/{name}", data)
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _fifo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    return info


def _without(name: str) -> bytes:
    files = package_files()
    del files[name]
    return zip_bytes(files, top="pkg")


def _bpe_only() -> bytes:
    files = package_files()
    del files["sentencepiece.model"]
    files["bpe.model"] = b"bpe"
    return zip_bytes(files, top="pkg")


HOSTILE: list[tuple[str, Any, str]] = [
    ("absolute", lambda t: _zip_with([(f"{t}/evil.txt", b"x")]), "has an absolute path"),
    (
        "traversal",
        lambda t: _zip_with([("pkg/../../evil.txt", b"x")]),
        "entry 'pkg/../../evil.txt' points outside",
    ),
    ("backslash", lambda t: _zip_with([("pkg\\..\\evil.txt", b"x")]), "has a backslash or control character"),
    ("drive", lambda t: _zip_with([("C:/evil.txt", b"x")]), "entry 'C:/evil.txt' has a drive letter"),
    (
        "symlink",
        lambda t: _zip_with([_link("pkg/model/link", "/etc/passwd")]),
        "'pkg/model/link' is a symbolic link",
    ),
    ("fifo", lambda t: _zip_with([(_fifo("pkg/pipe"), b"")]), "entry 'pkg/pipe' is a special file"),
    ("duplicate", lambda t: _zip_with([("pkg/README.md", b"again")]), "entry 'pkg/README.md' appears twice"),
    ("no-metadata", lambda t: _without("metadata.json"), "no metadata.json in the package"),
    ("no-model", lambda t: _without("model/model.bin"), "no model/model.bin (a CTranslate2 model directory)"),
    ("no-vocab", lambda t: _without("model/shared_vocabulary.json"), "model/ has no vocabulary file"),
    ("no-sp", lambda t: _without("sentencepiece.model"), "no sentencepiece.model"),
    ("bpe", lambda t: _bpe_only(), "the package uses a BPE tokenizer (bpe.model)"),
    (
        "bad-code",
        lambda t: build_package_bytes(metadata=package_metadata(to_code="Klingon!")),
        "to_code 'Klingon!' is not a language code",
    ),
    (
        "no-version",
        lambda t: build_package_bytes(metadata={k: v for k, v in package_metadata().items() if k != "package_version"}),
        "package_version None is missing or not a version",
    ),
    (
        "path-version",
        lambda t: build_package_bytes(metadata=package_metadata(version="../1")),
        "package_version '../1' is missing or not a version",
    ),
    (
        "not-translate",
        lambda t: build_package_bytes(metadata=package_metadata(type="sbd")),
        "package type 'sbd' is not a translation package",
    ),
    ("metadata-list", lambda t: build_package_bytes(metadata=[1, 2]), "metadata.json is not a JSON object"),
    (
        "metadata-garbage",
        lambda t: zip_bytes({**package_files(), "metadata.json": b"{nope"}, top="pkg"),
        "metadata.json is not valid JSON",
    ),
    ("corrupt", lambda t: corrupt_package_bytes(), "the archive is corrupt"),
    ("empty", lambda t: _zip_with([], base=False), "the archive is empty"),
]


@pytest.mark.parametrize("build, message", [(b, m) for _, b, m in HOSTILE], ids=[i for i, _, _ in HOSTILE])
def test_hostile_archive_is_refused_and_nothing_written(tmp_path: Path, build: Any, message: str) -> None:
    source = tmp_path / "incoming" / "hostile.argosmodel"
    source.parent.mkdir()
    source.write_bytes(build(tmp_path))
    before = snapshot(tmp_path)
    with pytest.raises(PackageError) as err:
        packages.install_file(source)
    text = str(err.value)
    assert text.startswith("hostile.argosmodel: ")
    assert message in text
    assert "\n" not in text
    assert written_outside_packages(tmp_path, before) == []
    assert tree(config.packages_dir()) == []
    assert not (tmp_path / "evil.txt").exists()


def test_zip_bomb_past_the_cap_is_refused(tmp_path: Path) -> None:
    files = package_files()
    files["model/model.bin"] = b"\0" * (3 * 1024 * 1024)  # compresses to a few KB
    source = tmp_path / "bomb.argosmodel"
    source.write_bytes(zip_bytes(files, top="pkg"))
    assert source.stat().st_size < 64 * 1024
    before = snapshot(tmp_path)
    with pytest.raises(PackageError) as err:
        packages.install_file(source, limits=Limits(max_total_bytes=1024 * 1024))
    assert str(err.value) == (
        "bomb.argosmodel: would unpack to more than 1.0 MiB — refusing it (a zip bomb or not a model package)"
    )
    assert written_outside_packages(tmp_path, before) == []
    assert tree(config.packages_dir()) == []


def test_lying_sizes_are_caught_while_extracting(tmp_path: Path) -> None:
    files = package_files()
    files["model/model.bin"] = b"\0" * 200_000
    body = bytearray(zip_bytes(files, top="pkg"))
    # Patch model.bin's declared size (local header and central directory) down to 10 bytes.
    name = b"pkg/model/model.bin"
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := bytes(body).find(header, pos)) != -1:
            name_at = pos + (30 if header == b"PK\x03\x04" else 46)
            if bytes(body[name_at : name_at + len(name)]) == name:
                body[pos + offset : pos + offset + 4] = (10).to_bytes(4, "little")
            pos += 4
    source = tmp_path / "liar.argosmodel"
    source.write_bytes(bytes(body))
    with pytest.raises(PackageError) as err:
        packages.install_file(source)
    assert "liar.argosmodel: the archive is corrupt" in str(err.value)
    assert tree(config.packages_dir()) == []


def test_too_many_files(tmp_path: Path) -> None:
    source = tmp_path / "many.argosmodel"
    source.write_bytes(build_package_bytes())
    with pytest.raises(PackageError) as err:
        packages.install_file(source, limits=Limits(max_files=5))
    assert str(err.value) == (
        "many.argosmodel: has 7 entries, more than the limit of 5 — this is not an Argos model package"
    )


def test_failed_install_keeps_the_installed_version(tmp_path: Path) -> None:
    good = packages.install_file(build_package(tmp_path / "a"))
    source = tmp_path / "broken.argosmodel"
    source.write_bytes(_without("model/model.bin"))
    with pytest.raises(PackageError):
        packages.install_file(source)
    assert packages.find_installed("en", "zz") == good
    assert installed_dirs() == ["translate-en_zz-1_0"]


def test_inspect_file_reads_metadata_without_writing(tmp_path: Path) -> None:
    path = build_package(tmp_path / "dl", "en", "fa", "1.5")
    assert packages.inspect_file(path) == ("en", "fa", "1.5")
    assert not config.packages_dir().exists()


# --- discovery: dragoman's own and argostranslate's (read-only) ---------------------------


def test_list_installed_dragoman_first_then_argos_readonly(tmp_path: Path) -> None:
    install_argos_dir("en_zz", package_files("en", "zz", "1.1"))
    install_argos_dir("translate-fa_en-1_5", package_files("fa", "en", "1.5"))
    own = packages.install_file(build_package(tmp_path / "dl", "en", "zz", "1.0"))
    found = packages.list_installed()
    assert [(p.pair, p.package_version, p.readonly) for p in found] == [
        (("en", "zz"), "1.0", False),
        (("en", "zz"), "1.1", True),
        (("fa", "en"), "1.5", True),
    ]
    assert found[1].path == tmp_path / "argos-packages" / "en_zz"
    # dragoman's own copy wins even when argostranslate's is newer.
    assert packages.find_installed("en", "zz") == own
    packages.remove("en", "zz")
    fallback = packages.find_installed("en", "zz")
    assert fallback is not None and fallback.readonly and fallback.package_version == "1.1"


def test_broken_directories_are_skipped_with_problems(tmp_path: Path) -> None:
    install_argos_dir("en_fa", package_files("en", "fa", "1.5"))
    install_argos_dir("broken", {"metadata.json": b"{not json"})
    install_argos_dir("no-model", {k: v for k, v in package_files("en", "de").items() if not k.startswith("model/")})
    install_argos_dir("sbd", {"metadata.json": json.dumps({"type": "sbd", "package_version": "1"}).encode()})
    (config.packages_dir() / "empty-dir").mkdir(parents=True)
    (config.packages_dir() / ".tmp-leftover").mkdir()
    (config.packages_dir() / "stray-file.txt").write_text("x")
    scan = packages.scan_installed()
    assert [p.pair for p in scan.packages] == [("en", "fa")]
    argos = tmp_path / "argos-packages"
    assert scan.problems == [
        f"skipped {config.packages_dir() / 'empty-dir'}: no metadata.json — not an Argos package directory",
        (
            f"skipped {argos / 'broken'}: metadata.json cannot be read "
            "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"
        ),
        (
            f"skipped {argos / 'no-model'}: no model/model.bin (a CTranslate2 model directory) — "
            "the package is incomplete; get it again from its publisher"
        ),
    ]
    assert packages.list_installed() == scan.packages


def test_argos_dir_from_xdg_data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    root = tmp_path / "xdg-data" / "argos-translate" / "packages" / "en_ms"
    for rel, data in package_files("en", "ms", "1.9").items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    pkg = packages.find_installed("en", "ms")
    assert pkg is not None and pkg.readonly and pkg.path == root


def test_require_installed_names_the_fix() -> None:
    with pytest.raises(ModelError) as err:
        packages.require_installed("en", "fa")
    assert str(err.value) == (
        "no en->fa model installed — run 'dragoman models install en fa' or 'dragoman models install FILE.argosmodel'"
    )


def test_remove(tmp_path: Path) -> None:
    pkg = packages.install_file(build_package(tmp_path / "dl"))
    stale = config.home_dir() / "calibration" / "translate-en_zz-1_0.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    removed = packages.remove("en", "zz")
    assert removed.path == pkg.path
    assert not pkg.path.exists()
    assert not stale.exists()
    assert installed_dirs() == []
    with pytest.raises(PackageError) as err:
        packages.remove("en", "zz")
    assert str(err.value) == "no en->zz model installed — 'dragoman models list' shows the installed ones"


def test_remove_refuses_argostranslate_package() -> None:
    root = install_argos_dir("en_fa", package_files("en", "fa", "1.5"))
    with pytest.raises(PackageError) as err:
        packages.remove("en", "fa")
    assert str(err.value) == (
        f"the en->fa model at {root} belongs to argostranslate and is read-only for dragoman — "
        "remove it with 'argospm remove translate-en_fa'"
    )
    assert (root / "model" / "model.bin").is_file()


def test_calibration_paths(tmp_path: Path) -> None:
    own = packages.install_file(build_package(tmp_path / "dl"))
    argos = packages.load_package_dir(install_argos_dir("en_fa", package_files("en", "fa")), readonly=True)
    assert packages.calibration_path(own) == own.path / "dragoman-calibration.json"
    assert packages.calibration_path(argos) == config.home_dir() / "calibration" / "en_fa.json"
    assert packages.find_calibration(own) is None
    assert packages.find_calibration(argos) is None
    packages.calibration_path(own).write_text("{}")
    home_copy = packages.calibration_path(argos)
    home_copy.parent.mkdir(parents=True)
    home_copy.write_text("{}")
    assert packages.find_calibration(own) == own.path / "dragoman-calibration.json"
    assert packages.find_calibration(argos) == home_copy


def test_version_key_orders_numerically() -> None:
    versions = ["1.9", "1.10", "1.0", "1.9.1", "2"]
    assert sorted(versions, key=packages.version_key) == ["1.0", "1.9", "1.9.1", "1.10", "2"]


def test_packages_lock_refuses_a_second_holder() -> None:
    from dragoman.packages.installed import packages_lock

    root = config.packages_dir()
    with packages_lock(), pytest.raises(PackageError) as err, packages_lock(timeout_s=0.05):
        pass
    assert str(err.value) == (
        f"another dragoman process has been installing or removing packages in {root} for 0.05 s — "
        f"wait for it to finish; if none is running, delete {root / '.lock'}"
    )
    with packages_lock(timeout_s=0.05):  # released again
        pass


def test_unreadable_model_dir_is_a_problem_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    root = install_argos_dir("en_fa", package_files("en", "fa", "1.5"))
    real_iterdir = Path.iterdir

    def iterdir(self: Path) -> Any:
        if self == root / "model":
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    scan = packages.scan_installed()
    assert scan.packages == []
    assert scan.problems == [f"skipped {root}: [Errno 13] Permission denied: '{root / 'model'}'"]
