"""`dragoman models probe`: measure which placeholder forms a model copies intact and store the calibration."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from dragoman.commands.common import echo_json
from dragoman.errors import LanguageError

if TYPE_CHECKING:
    from dragoman.engines.base import Engine
    from dragoman.packages import InstalledPackage


def _code(value: str, param: str) -> str:
    from dragoman.languages import validate_code

    try:
        return validate_code(value)
    except LanguageError as err:
        raise click.BadParameter(str(err), param_hint=param) from None


def _form(value: str) -> str:
    from dragoman.enforce.placeholders import PlaceholderForm

    try:
        PlaceholderForm(value)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--form") from None
    return value


def make_engine(engine_name: str, pkg: InstalledPackage) -> Engine:
    """The engine to probe with, pinned to exactly the package being calibrated (Engine.for_package)."""
    from dragoman.engines import engine_class

    return engine_class(engine_name).for_package(pkg)


@click.command("probe", short_help="Calibrate placeholders for a model.")
@click.argument("source")
@click.argument("target")
@click.option("--engine", "-e", "engine_name", default="argos", show_default=True, help="Engine to probe.")
@click.option(
    "--num-hypotheses",
    type=click.IntRange(1, 16),
    default=4,
    show_default=True,
    help="n-best hypotheses per probe sentence (enforcement picks among these).",
)
@click.option(
    "--form",
    "forms",
    multiple=True,
    metavar="TEMPLATE",
    help="A placeholder form to try, with {n} for the number (repeatable; default: the built-in candidates).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the calibration as JSON.")
def probe(
    source: str, target: str, engine_name: str, num_hypotheses: int, forms: tuple[str, ...], as_json: bool
) -> None:
    """Find which placeholder forms a model copies intact and store the best one.

    Translates probe sentences with each candidate form (ZXQ1, XTERM1X, __T1__, ⟦1⟧, [[1]], #1#,
    <1>, 9471) in one batch, measures how often every placeholder comes back exactly once, and saves
    the rates next to the package. Translation then protects names with the calibrated form.

    \b
    Examples:
      dragoman models probe en fa
      dragoman models probe en ms --json
      dragoman models probe en fa --form 'ZXQ{n}' --form '⟦{n}⟧'
    """
    from dragoman import calibration, packages

    source = _code(source, "SOURCE")
    target = _code(target, "TARGET")
    candidates = [_form(f) for f in forms] or list(calibration.CANDIDATE_FORMS)
    pkg = packages.require_installed(source, target)
    engine = make_engine(engine_name, pkg)
    try:
        result, path = calibration.calibrate_package(engine, pkg, forms=candidates, num_hypotheses=num_hypotheses)
    finally:
        engine.close()
    if as_json:
        data = result.to_dict()
        data["path"] = str(path)
        echo_json(data)
        return
    probes = result.rates[0].probes if result.rates else 0
    click.echo(
        f"Probed {source}->{target} ({pkg.code} {pkg.package_version}) with {len(result.rates)} placeholder "
        f"forms on {probes} sentences, {result.num_hypotheses}-best:"
    )
    width = max(len("form"), *(len(r.form) for r in result.rates))
    click.echo(f"  {'form'.ljust(width)}  exact  recognised  n-best")
    for rate in result.rates:
        mark = "  <- chosen" if rate.form == result.form else ""
        click.echo(f"  {rate.form.ljust(width)}  {rate.exact:>5.0%}  {rate.tolerant:>10.0%}  {rate.nbest:>6.0%}{mark}")
    if result.rate < 0.5:
        click.echo("No form survives reliably: names will be enforced in context (placeholders tried last).")
    click.echo(f"Saved {path}")


COMMANDS: list[click.Command] = [probe]
