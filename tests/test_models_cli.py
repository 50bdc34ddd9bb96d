"""Tests for `dragoman models list|available|install|remove` through the real CLI group."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from helpers import places
from helpers.package_server import (
    PackageServer,
    build_package,
    build_package_bytes,
    index_entry,
    installed_dirs,
    package_files,
    tree,
    zip_bytes,
)
from helpers.places import ReadOnlyHome

from dragoman import config, packages
from dragoman.cli import cli
from dragoman.commands import models_pkg_cmd
from dragoman.packages import download


@pytest.fixture(autouse=True)
def no_apertium_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about Argos packages: hide the machine's Apertium pairs (tests/engines/test_apertium.py
    covers those, and `models list` showing both)."""
    monkeypatch.setenv("APERTIUM_DATADIR", str(tmp_path / "no-apertium"))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[PackageServer]:
    """A loopback index (en->zz 1.0 and 1.1, en->fa 1.5) that DRAGOMAN_PACKAGE_INDEX points at."""
    with PackageServer() as running:
        links = {}
        for pair, version in ((("en", "zz"), "1.0"), (("en", "zz"), "1.1"), (("en", "fa"), "1.5")):
            name = f"/v1/translate-{pair[0]}_{pair[1]}-{version.replace('.', '_')}.argosmodel"
            links[(pair, version)] = running.add(name, build_package_bytes(*pair, version))
        running.add_index(
            [
                index_entry("en", "zz", "1.0", [links[(("en", "zz"), "1.0")]]),
                index_entry("en", "fa", "1.5", [links[(("en", "fa"), "1.5")]], to_name="Persian"),
            ]
        )
        monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", running.url("/index.json"))
        monkeypatch.setattr(download, "_sleep", lambda seconds: None)
        yield running


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["models", *args], input=input)


def argos_dir(name: str, from_code: str, to_code: str, version: str) -> Path:
    root = config.argos_packages_dirs()[0] / name
    for rel, data in package_files(from_code, to_code, version).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


# --- list ------------------------------------------------------------------------------------


def test_list_when_nothing_is_installed() -> None:
    result = run("list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no models installed; 'dragoman models available' lists what can be installed\n"
    result = run("list", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_list_table(tmp_path: Path) -> None:
    assert run("install", str(build_package(tmp_path / "dl", "en", "zz", "1.0"))).exit_code == 0
    shadowed = argos_dir("en_zz", "en", "zz", "1.1")
    fa_en = argos_dir("translate-fa_en-1_5", "fa", "en", "1.5")
    calibration = config.home_dir() / "calibration" / "translate-fa_en-1_5.json"
    save_calibration(calibration, "fa", "en", "1.5")
    own = config.packages_dir() / "translate-en_zz-1_0"
    result = run("list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "PAIR    VERSION  CALIBRATED  SOURCE                              PATH",
        f"en->zz  1.0      no          dragoman                            {own}",
        f"en->zz  1.1      no          argostranslate (read-only), unused  {shadowed}",
        f"fa->en  1.5      yes         argostranslate (read-only)          {fa_en}",
    ]
    assert result.stderr == ""


def test_list_json_and_warnings(tmp_path: Path) -> None:
    own = config.packages_dir() / "translate-en_zz-1_0"
    assert run("install", str(build_package(tmp_path / "dl"))).exit_code == 0
    (own / "dragoman-calibration.json").write_text("{}")
    problem = (
        f"{own / 'dragoman-calibration.json'}: not a dragoman calibration file ('rates'); it is ignored and the "
        "default placeholder form is used - run 'dragoman models probe en zz' to measure it again"
    )
    broken = argos_dir("broken", "en", "fa", "1.0")
    (broken / "metadata.json").write_text("[]")
    result = run("list", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "engine": "argos",
            "from_code": "en",
            "to_code": "zz",
            "from_name": "English",
            "to_name": "Toy",
            "code": "translate-en_zz",
            "package_version": "1.0",
            "argos_version": "1.9.0",
            "path": str(own),
            "readonly": False,
            "target_prefix": None,
            "fingerprint": "sha256:"
            + hashlib.sha256((tmp_path / "dl" / "translate-en_zz-1_0.argosmodel").read_bytes()).hexdigest()[:16],
            "sha256": hashlib.sha256((tmp_path / "dl" / "translate-en_zz-1_0.argosmodel").read_bytes()).hexdigest(),
            "active": True,
            "calibrated": False,
            "calibration": "broken",
            "calibration_path": str(own / "dragoman-calibration.json"),
            "calibration_problem": problem,
        }
    ]
    assert result.stderr == (
        f"warning: skipped {broken}: metadata.json is not a JSON object — is this an Argos package?\n"
        f"warning: {problem}\n"
    )


def save_calibration(path: Path, source: str, target: str, version: str) -> None:
    from dragoman.calibration import Calibration, FormRate, save

    save(
        Calibration(source, target, "ZXQ{n}", 1.0, [FormRate("ZXQ{n}", 1.0, 1.0, 1.0, 10)], package_version=version),
        path,
    )


@pytest.mark.parametrize(
    "content, state, says",
    [
        ("{not json", "broken", "cannot read calibration"),
        ('{"source": "en"}', "broken", "not a dragoman calibration file"),
        (None, "stale", "made for version 0.9, not the installed 1.0"),
    ],
)
def test_list_tells_a_broken_or_stale_calibration_apart(
    tmp_path: Path, content: str | None, state: str, says: str
) -> None:
    """A calibration that is not used is never listed as CALIBRATED yes: the table says why and what to do."""
    own = config.packages_dir() / "translate-en_zz-1_0"
    assert run("install", str(build_package(tmp_path / "dl"))).exit_code == 0
    path = own / "dragoman-calibration.json"
    if content is None:
        save_calibration(path, "en", "zz", "0.9")
    else:
        path.write_text(content, encoding="utf-8")
    result = run("list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split()[:3] == ["en->zz", "1.0", state]
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"warning: {path}: ") and says in line
    assert line.endswith("run 'dragoman models probe en zz' to measure it again")
    data = json.loads(run("list", "--json").stdout)
    assert data[0]["calibrated"] is False and data[0]["calibration"] == state
    from dragoman import calibration, packages

    pkg = packages.find_installed("en", "zz")
    assert pkg is not None and not calibration.options_for_package(pkg).calibrated
    save_calibration(path, "en", "zz", "1.0")
    assert run("list").stdout.splitlines()[1].split()[:3] == ["en->zz", "1.0", "yes"]


# --- available -------------------------------------------------------------------------------


def test_available_table_filters_and_json(server: PackageServer, tmp_path: Path) -> None:
    result = run("available")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "PAIR    VERSION  LANGUAGES          INSTALLED",
        "en->fa  1.5      English → Persian  -",
        "en->zz  1.0      English → Toy      -",
    ]
    argos_dir("en_fa", "en", "fa", "1.0")
    result = run("available", "--to", "fa")
    assert result.stdout.splitlines() == [
        "PAIR    VERSION  LANGUAGES          INSTALLED",
        "en->fa  1.5      English → Persian  1.0 (update: dragoman models install en fa)",
    ]
    result = run("available", "--from", "en", "--to", "fa", "--json")
    data = json.loads(result.stdout)
    assert [(d["from_code"], d["to_code"], d["package_version"], d["installed_version"]) for d in data] == [
        ("en", "fa", "1.5", "1.0")
    ]
    assert data[0]["links"] == [server.url("/v1/translate-en_fa-1_5.argosmodel")]
    result = run("available", "--from", "de")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no de->* packages in the index; --update refreshes it\n"
    assert server.hits("/index.json") == 1


def test_available_update_refetches(server: PackageServer) -> None:
    assert run("available").exit_code == 0
    server.add_index([index_entry("en", "ms", "1.9", ["x.argosmodel"], to_name="Malay")])
    assert "en->ms" not in run("available").stdout
    result = run("available", "--update")
    assert result.stdout.splitlines()[1:] == ["en->ms  1.9      English → Malay  -"]


def test_available_bad_code_is_a_usage_error() -> None:
    result = run("available", "--from", "English")
    assert result.exit_code == 2
    assert "Invalid value for --from: 'English' is not a language code" in result.stderr


def test_available_offline_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = PackageServer().start()
    url = closed.url("/index.json")
    closed.stop()
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    result = run("available")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: cannot download the package index from {url} (")
    assert lines[0].endswith("offline? install a model file with 'dragoman models install FILE.argosmodel'")


# --- install ---------------------------------------------------------------------------------


def test_install_file(tmp_path: Path) -> None:
    path = build_package(tmp_path / "dl", "en", "fa", "1.5")
    result = run("install", str(path))
    target = config.packages_dir() / "translate-en_fa-1_5"
    assert result.exit_code == 0, result.output
    assert result.stdout == f"installed en->fa 1.5 (translate-en_fa) in {target}\n"
    result = run("install", str(path), "--yes", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["path"] == str(target)


def test_install_file_over_an_installed_version_asks(tmp_path: Path) -> None:
    assert run("install", str(build_package(tmp_path / "a", version="1.0"))).exit_code == 0
    newer = build_package(tmp_path / "b", version="1.1")
    result = run("install", str(newer), input="n\n")
    assert result.exit_code == 1
    assert result.stderr == (
        "replace the installed en->zz 1.0 with translate-en_zz-1_1.argosmodel (1.1)? [Y/n]: n\n"
        "Error: nothing installed: replace the installed en->zz 1.0 with translate-en_zz-1_1.argosmodel (1.1) "
        "needs a yes (or --yes)\n"
    )
    assert installed_dirs() == ["translate-en_zz-1_0"]
    result = run("install", str(newer))  # no input at all: a script without --yes
    assert result.exit_code == 1
    result = run("install", str(newer), input="y\n")
    assert result.exit_code == 0
    assert installed_dirs() == ["translate-en_zz-1_1"]


def test_install_hostile_file_is_one_line_error(tmp_path: Path) -> None:
    files = {f"pkg/{k}": v for k, v in package_files().items()}
    files["pkg/../../evil.txt"] = b"x"
    source = tmp_path / "hostile.argosmodel"
    source.write_bytes(zip_bytes(files))
    result = run("install", str(source))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: hostile.argosmodel: entry 'pkg/../../evil.txt' points outside the package ('..') "
        "— refusing to install it\n"
    )
    assert not (tmp_path / "evil.txt").exists()
    assert tree(config.packages_dir()) == []


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["en", "fa", "ms"], 2, "give FROM TO (for example 'en fa') or the path of one .argosmodel file"),
        (["nonsense"], 2, "nonsense is not a file; give FROM TO (for example 'en fa') or a .argosmodel file"),
        (["en", "Farsi"], 2, "Invalid value for TO: 'Farsi' is not a language code"),
        (
            ["missing.argosmodel"],
            1,
            "Error: missing.argosmodel: model file not found — give the path of a .argosmodel file",
        ),
    ],
)
def test_install_bad_arguments(args: list[str], code: int, message: str) -> None:
    result = run("install", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_install_pair_from_index(server: PackageServer) -> None:
    result = run("install", "en", "fa")
    target = config.packages_dir() / "translate-en_fa-1_5"
    assert result.exit_code == 0, result.output
    assert result.stdout == f"installed en->fa 1.5 (translate-en_fa) in {target}\n"
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert server.hits("/v1/translate-en_fa-1_5.argosmodel") == 1
    result = run("install", "en", "fa")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (f"en->fa 1.5 is already installed (dragoman, {target}); --force reinstalls it\n")
    result = run("install", "en", "fa", "--force", "-q")
    assert result.exit_code == 0
    assert server.hits("/v1/translate-en_fa-1_5.argosmodel") == 2


def test_install_upgrade_asks_unless_yes(server: PackageServer, tmp_path: Path) -> None:
    assert run("install", "en", "zz").exit_code == 0
    server.add_index([index_entry("en", "zz", "1.1", [server.url("/v1/translate-en_zz-1_1.argosmodel")])])
    assert run("available", "--update").exit_code == 0
    result = run("install", "en", "zz", input="n\n")
    assert result.exit_code == 1
    assert "replace the installed en->zz 1.0 with 1.1? [Y/n]: n" in result.stderr
    result = run("install", "en", "zz", "--yes")
    assert result.exit_code == 0, result.output
    assert installed_dirs() == ["translate-en_zz-1_1"]


def test_install_newer_than_argostranslate_copy_needs_no_question(server: PackageServer) -> None:
    old = argos_dir("en_fa", "en", "fa", "1.0")
    result = run("install", "en", "fa")
    assert result.exit_code == 0, result.output
    assert (old / "metadata.json").is_file()  # argostranslate's copy is left alone


def test_install_from_url(server: PackageServer) -> None:
    url = server.url("/v1/translate-en_zz-1_1.argosmodel")
    result = run("install", url)
    target = config.packages_dir() / "translate-en_zz-1_1"
    assert result.exit_code == 0, result.output
    assert result.stdout == f"installed en->zz 1.1 (translate-en_zz) in {target}\n"
    record = json.loads((target / "dragoman-package.json").read_text())
    assert record["origin"] == url
    assert record["archive"] == "translate-en_zz-1_1.argosmodel"
    assert installed_dirs() == ["translate-en_zz-1_1"]
    result = run("install", server.url("/v1/missing.argosmodel"))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: could not download {server.url('/v1/missing.argosmodel')} "
        f"({server.url('/v1/missing.argosmodel')}: HTTP 404 Not Found)"
    )
    assert installed_dirs() == ["translate-en_zz-1_1"]
    # No work directory (.download-*) is left behind.
    assert sorted(p.name for p in config.packages_dir().iterdir()) == [".lock", "translate-en_zz-1_1"]


def test_install_pair_missing_from_index(server: PackageServer) -> None:
    result = run("install", "en", "de")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: no en->de package in the index at {server.url('/index.json')} — "
        "'dragoman models available --from en' lists what the index offers\n"
    )


def test_install_when_installed_and_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("install", str(build_package(tmp_path / "dl", "en", "fa", "1.5"))).exit_code == 0
    closed = PackageServer().start()
    url = closed.url("/index.json")
    closed.stop()
    monkeypatch.setenv("DRAGOMAN_PACKAGE_INDEX", url)
    result = run("install", "en", "fa")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"en->fa 1.5 is already installed ({config.packages_dir() / 'translate-en_fa-1_5'}); "
        f"could not check for a newer one: cannot download the package index from {url} ("
    )


def test_install_shows_progress_bar_on_a_terminal(server: PackageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import click._termui_impl

    monkeypatch.setattr(models_pkg_cmd, "_stderr_is_tty", lambda: True)
    monkeypatch.setattr(click._termui_impl, "isatty", lambda stream: True)
    result = run("install", "en", "zz")
    assert result.exit_code == 0, result.output
    assert "translate-en_zz 1.0" in result.stderr
    assert "100%" in result.stderr
    result = run("install", "en", "zz", "--force", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""


# --- remove ----------------------------------------------------------------------------------


def test_remove(tmp_path: Path) -> None:
    assert run("install", str(build_package(tmp_path / "dl"))).exit_code == 0
    target = config.packages_dir() / "translate-en_zz-1_0"
    result = run("remove", "en", "zz")
    assert result.exit_code == 0
    assert result.stdout == f"removed en->zz 1.0 ({target})\n"
    assert not target.exists()
    result = run("remove", "en", "zz")
    assert result.exit_code == 1
    assert result.stderr == "Error: no en->zz model installed — 'dragoman models list' shows the installed ones\n"


def test_remove_argostranslate_package_is_refused() -> None:
    root = argos_dir("en_fa", "en", "fa", "1.5")
    result = run("remove", "en", "fa")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the en->fa model at {root} belongs to argostranslate and is read-only for dragoman — "
        "remove it with 'argospm remove translate-en_fa'\n"
    )
    assert root.is_dir()


def test_remove_json(tmp_path: Path) -> None:
    assert run("install", str(build_package(tmp_path / "dl"))).exit_code == 0
    result = run("remove", "en", "zz", "--json")
    assert json.loads(result.stdout)["code"] == "translate-en_zz"


def test_commands_are_registered() -> None:
    names = {c.name for c in models_pkg_cmd.COMMANDS}
    assert names == {"list", "available", "install", "remove"}
    assert all(isinstance(c, click.Command) for c in models_pkg_cmd.COMMANDS)


@pytest.fixture
def read_only_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadOnlyHome]:
    yield from places.read_only_home(tmp_path, monkeypatch)


def test_remove_on_a_read_only_home_is_one_line(tmp_path: Path, read_only_home: ReadOnlyHome) -> None:
    package = build_package(tmp_path / "dl")
    _home, writable = read_only_home
    with writable():
        assert run("install", str(package)).exit_code == 0
    result = run("remove", "en", "zz")
    assert result.exit_code == 1 and result.exc_info is not None and result.exc_info[0] is SystemExit
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot change the models in {config.packages_dir()}: ")
    assert line.endswith("make that folder writable, or set DRAGOMAN_HOME to a writable folder")
    assert "Traceback" not in result.output
    assert [p.pair for p in packages.list_installed()] == [("en", "zz")]
