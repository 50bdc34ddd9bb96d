"""`dragoman models list|available|install|remove`: Argos model packages from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dragoman.commands.common import echo_json, warn
from dragoman.commands.options import from_option, to_option
from dragoman.errors import DragomanError, LanguageError

if TYPE_CHECKING:
    from dragoman.packages import InstalledPackage


def _table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for line in [headers, *rows]:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())


def _code(value: str, param: str) -> str:
    from dragoman.languages import validate_code

    try:
        return validate_code(value)
    except LanguageError as err:
        raise click.BadParameter(str(err), param_hint=param) from None


@click.command("list", short_help="Show installed models.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
@click.option(
    "--engine",
    "-e",
    "engine_name",
    type=click.Choice(["all", "argos", "apertium"]),
    default="all",
    show_default=True,
    help="Whose models: Argos packages, the Apertium pairs installed on the system, or both.",
)
def list_cmd(as_json: bool, engine_name: str) -> None:
    """Show installed models: pair, version, calibration, and where they are.

    dragoman's own models come first; models installed by argostranslate are
    found too and used read-only. For each pair the first one listed is used.
    Apertium pairs (Debian packages) follow in a table of their own;
    --engine argos or --engine apertium shows one kind only.

    \b
    Examples:
      dragoman models list
      dragoman models list --json
      dragoman models list --engine apertium
    """
    if engine_name == "apertium":
        _list_apertium(as_json)
        return
    from dragoman import packages

    apertium = _apertium_records() if engine_name == "all" else []

    scan = packages.scan_installed()
    for problem in scan.problems:
        warn(problem)
    used: set[tuple[str, str]] = set()
    records: list[dict[str, Any]] = []
    from dragoman.calibration import status_for_package

    for pkg in scan.packages:
        calibration = status_for_package(pkg)
        # "engine" tells the records apart when Apertium's pairs follow in the same JSON list.
        record = {"engine": "argos", **pkg.to_dict()}
        record["active"] = pkg.pair not in used
        # True only when the calibration is read and used; "calibration" says why not (broken, stale).
        record["calibrated"] = calibration.calibrated
        record["calibration"] = calibration.state
        record["calibration_path"] = str(calibration.path) if calibration.path else None
        if calibration.problem:
            record["calibration_problem"] = calibration.problem
            warn(calibration.problem)
        used.add(pkg.pair)
        records.append(record)
    if as_json:
        echo_json(records + apertium)
        return
    if not records:
        click.echo("no models installed; 'dragoman models available' lists what can be installed", err=True)
    rows = []
    for r in records:
        source = "argostranslate (read-only)" if r["readonly"] else "dragoman"
        if not r["active"]:
            source += ", unused"
        rows.append(
            [
                f"{r['from_code']}->{r['to_code']}",
                r["package_version"],
                r["calibration"],
                source,
                r["path"],
            ]
        )
    if rows:
        _table(["PAIR", "VERSION", "CALIBRATED", "SOURCE", "PATH"], rows)
    if apertium:
        click.echo(("\n" if rows else "") + "Apertium pairs (dragoman translate --engine apertium):")
        _apertium_table(apertium)


def _apertium_records() -> list[dict[str, str]]:
    from dragoman.engines.apertium import ApertiumEngine

    engine = ApertiumEngine()
    try:
        return engine.describe_pairs()
    finally:
        engine.close()


def _apertium_table(records: list[dict[str, str]]) -> None:
    rows = [[f"{r['from_code']}->{r['to_code']}", r["package_version"], r["mode"], r["path"]] for r in records]
    _table(["PAIR", "VERSION", "MODE", "PATH"], rows)


def _list_apertium(as_json: bool) -> None:
    records = _apertium_records()
    if as_json:
        echo_json(records)
        return
    if not records:
        click.echo("no Apertium pairs installed; e.g. 'sudo apt-get install apertium apertium-eng-spa'", err=True)
        return
    _apertium_table(records)


@click.command("available", short_help="List the packages the index offers.")
@from_option("from_code", help="Only packages translating from LANG.", default=None)
@to_option("to_code", help="Only packages translating into LANG.", required=False)
@click.option("--update", is_flag=True, help="Download the index again instead of using the cached copy.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def available_cmd(from_code: str | None, to_code: str | None, update: bool, as_json: bool) -> None:
    """List the packages the package index offers.

    The index (Argos's by default; set DRAGOMAN_PACKAGE_INDEX to use another
    URL) is downloaded once and cached; --update refreshes it.

    \b
    Examples:
      dragoman models available --from en
      dragoman models available --from en --to fa --update
      DRAGOMAN_PACKAGE_INDEX=https://example.org/index.json dragoman models available
    """
    from dragoman import packages

    if from_code is not None:
        _code(from_code, "--from")
    if to_code is not None:
        _code(to_code, "--to")
    entries = packages.available(from_code, to_code, update=update)
    installed: dict[tuple[str, str], str] = {}
    for pkg in packages.list_installed():
        installed.setdefault(pkg.pair, pkg.package_version)
    if as_json:
        echo_json([{**e.to_dict(), "installed_version": installed.get(e.pair)} for e in entries])
        return
    if not entries:
        wanted = f"{from_code or '*'}->{to_code or '*'}"
        click.echo(f"no {wanted} packages in the index; --update refreshes it", err=True)
        return
    from dragoman.packages import version_key

    rows = []
    for e in entries:
        have = installed.get(e.pair)
        if have is None:
            status = "-"
        elif version_key(have) < e.version_key:
            status = f"{have} (update: dragoman models install {e.from_code} {e.to_code})"
        else:
            status = have
        rows.append([f"{e.from_code}->{e.to_code}", e.package_version, f"{e.from_name} → {e.to_name}", status])
    _table(["PAIR", "VERSION", "LANGUAGES", "INSTALLED"], rows)


class DownloadBar:
    """A click progress bar on stderr, created once the size is known; silent when stderr is not a terminal."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled or not total:
            return
        if self.bar is None or done < self.shown:  # a retry starts again from 0
            self.close()
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=False)
            self.bar.__enter__()
            self.shown = 0
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def install_with_progress(from_code: str, to_code: str, *, quiet: bool = False) -> InstalledPackage:
    """Install a pair from the index with the progress bar on stderr (for `translate --install-missing`)."""
    from dragoman import packages

    entry = packages.find_available(from_code, to_code)
    if entry is None:
        return packages.install_from_index(from_code, to_code)  # raises the worded error
    bar = DownloadBar(f"{entry.code} {entry.package_version}", enabled=not quiet and _stderr_is_tty())
    try:
        return packages.install_from_index(from_code, to_code, progress=bar, entry=entry)
    finally:
        bar.close()


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


def _confirm_replace(message: str, yes: bool) -> None:
    if yes:
        return
    try:
        ok = click.confirm(message + "?", default=True, err=True)
    except click.Abort:  # end of input (a script) or Ctrl-C
        ok = False
    if not ok:
        raise click.ClickException(f"nothing installed: {message} needs a yes (or --yes)")


@click.command("install", short_help="Install a model from the index or a .argosmodel file.")
@click.argument("target", nargs=-1, required=True, metavar="FROM TO | FILE.argosmodel | URL")
@click.option("-y", "--yes", is_flag=True, help="Replace an installed version without asking.")
@click.option("--force", is_flag=True, help="Reinstall even when this version is already installed (implies --yes).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the installed package as JSON.")
def install_cmd(target: tuple[str, ...], yes: bool, force: bool, quiet: bool, as_json: bool) -> None:
    """Install a model: FROM TO from the package index, or a .argosmodel file or URL.

    Downloads show a progress bar on stderr (none when piped or with -q), are
    retried, and are checked (size, zip integrity, checksum when the index has
    one). The package is unpacked safely, checked, and activated in one step.
    A local file needs no network.

    \b
    Examples:
      dragoman models install en fa
      dragoman models install en ms --yes -q
      dragoman models install ~/Downloads/translate-en_fa-1_5.argosmodel
      dragoman models install https://example.org/models/translate-en_ms-1_9.argosmodel
    """
    yes = yes or force  # --force means "replace it": it does not also ask (docs/cli.md)
    if len(target) == 1 and _is_url(target[0]):
        pkg = _install_url(target[0], yes=yes, quiet=quiet)
    elif len(target) == 1:
        pkg = _install_file(Path(target[0]), yes)
    elif len(target) == 2:
        from_code = _code(target[0], "FROM")
        to_code = _code(target[1], "TO")
        maybe = _install_pair(from_code, to_code, yes=yes, force=force, quiet=quiet)
        if maybe is None:
            return
        pkg = maybe
    else:
        raise click.BadParameter(
            "give FROM TO (for example 'en fa') or the path of one .argosmodel file",
            param_hint="FROM TO | FILE.argosmodel",
        )
    if as_json:
        echo_json(pkg.to_dict())
    else:
        click.echo(f"installed {pkg.from_code}->{pkg.to_code} {pkg.package_version} ({pkg.code}) in {pkg.path}")


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "file://"))


def _install_url(url: str, *, yes: bool, quiet: bool) -> InstalledPackage:
    from dragoman import packages

    bar = DownloadBar(url.rsplit("/", 1)[-1], enabled=not quiet and _stderr_is_tty())
    try:
        with packages.downloaded(url, progress=bar) as path:
            bar.close()
            return _install_file(path, yes, origin=url)
    finally:
        bar.close()


def _install_file(path: Path, yes: bool, origin: str | None = None) -> InstalledPackage:
    from dragoman import packages

    if not path.exists() and not path.name.endswith(".argosmodel"):
        raise click.BadParameter(
            f"{path} is not a file; give FROM TO (for example 'en fa') or a .argosmodel file",
            param_hint="FROM TO | FILE.argosmodel",
        )
    from_code, to_code, version = packages.inspect_file(path)
    current = packages.find_installed(from_code, to_code)
    if current is not None and not current.readonly:
        _confirm_replace(
            f"replace the installed {from_code}->{to_code} {current.package_version} with {path.name} ({version})",
            yes,
        )
    return packages.install_file(path, origin=origin)


def _install_pair(from_code: str, to_code: str, *, yes: bool, force: bool, quiet: bool) -> InstalledPackage | None:
    from dragoman import packages

    current = packages.find_installed(from_code, to_code)
    try:
        entry = packages.find_available(from_code, to_code)
    except DragomanError as err:
        if current is None or force:
            raise
        click.echo(
            f"{from_code}->{to_code} {current.package_version} is already installed ({current.path}); "
            f"could not check for a newer one: {err}",
            err=True,
        )
        return None
    if entry is None:
        # install_from_index words the error (with the pivot hint when there is one).
        return packages.install_from_index(from_code, to_code)
    if current is not None and not force and current.version_key >= entry.version_key:
        owner = "argostranslate" if current.readonly else "dragoman"
        click.echo(
            f"{from_code}->{to_code} {current.package_version} is already installed ({owner}, {current.path}); "
            "--force reinstalls it",
            err=True,
        )
        return None
    if current is not None and not current.readonly and not force:
        _confirm_replace(
            f"replace the installed {from_code}->{to_code} {current.package_version} with {entry.package_version}",
            yes,
        )
    return install_with_progress(from_code, to_code, quiet=quiet)


@click.command("remove", short_help="Remove an installed model.")
@click.argument("from_code", metavar="FROM")
@click.argument("to_code", metavar="TO")
@click.option("--json", "as_json", is_flag=True, help="Print the removed package as JSON.")
def remove_cmd(from_code: str, to_code: str, as_json: bool) -> None:
    """Remove dragoman's model for FROM TO (argostranslate's own stay untouched).

    \b
    Examples:
      dragoman models remove en fa
    """
    from dragoman import packages

    _code(from_code, "FROM")
    _code(to_code, "TO")
    pkg = packages.remove(from_code, to_code)
    if as_json:
        echo_json(pkg.to_dict())
    else:
        click.echo(f"removed {pkg.from_code}->{pkg.to_code} {pkg.package_version} ({pkg.path})")


COMMANDS: list[click.Command] = [list_cmd, available_cmd, install_cmd, remove_cmd]
