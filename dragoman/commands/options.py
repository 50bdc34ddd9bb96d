"""The options several commands share, each defined once with one help text (docs/cli.md), and the one place
where an error of the core about an option's value becomes a one-line usage error that names the option."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dragoman.commands.common import warn
from dragoman.commands.layering import layers_mode, layers_option
from dragoman.engines.base import COMPUTE_TYPES
from dragoman.formats import format_choices

if TYPE_CHECKING:
    from dragoman.glossary.model import Glossary

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]

# ---------------------------------------------------------------- errors


@contextmanager
def option_errors(param_hint: str, *kinds: type[Exception]) -> Iterator[None]:
    """Inside, an exception of ``kinds`` (default: any DragomanError) is a bad value of the option ``param_hint``:
    click's one-line usage error, exit 2. A missing optional extra (EngineUnavailable) is not the user's value:
    it stays the one-line error with the install command (exit 1)."""
    from dragoman.engines.base import EngineUnavailable
    from dragoman.errors import DragomanError

    caught = kinds or (DragomanError,)
    try:
        yield
    except EngineUnavailable:
        raise
    except caught as err:
        raise click.BadParameter(str(err), param_hint=param_hint) from None


def engine_errors(engine_option_pairs: Sequence[str]) -> AbstractContextManager[None]:
    """:func:`option_errors` around building an engine: the error names --engine-option when any was given."""
    from dragoman.errors import EngineError

    return option_errors("'--engine-option'" if engine_option_pairs else "'--engine'", EngineError)


def validate_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A click callback: the language code checked (a usage error naming the option when it is not one)."""
    from dragoman.errors import LanguageError
    from dragoman.languages import validate_code

    if value is None:
        return None
    try:
        return validate_code(value)
    except LanguageError as err:
        raise click.BadParameter(str(err)) from None


# ---------------------------------------------------------------- languages


def from_option(dest: str = "source", help: str = "Source language.", **attrs: Any) -> Decorator:
    """``-f/--from LANG`` (default en)."""
    attrs = {"default": "en", "show_default": True, "metavar": "LANG", **attrs}
    return click.option("--from", "-f", dest, help=help, **attrs)


def to_option(dest: str = "target", help: str = "Target language.", **attrs: Any) -> Decorator:
    """``-t/--to LANG`` (required)."""
    attrs = {"required": True, "metavar": "LANG", **attrs}
    return click.option("--to", "-t", dest, help=help, **attrs)


# ---------------------------------------------------------------- glossaries

GLOSSARY_HELP = "Glossary file (YAML, CSV, TSV, TBX); repeat to layer (later wins){use}. Env: DRAGOMAN_GLOSSARY."


def glossary_option(func: Callable[..., Any] | None = None, *, use: str = "", layered: bool = True) -> Any:
    """``-g/--glossary FILE`` into the parameter ``glossaries`` (repeatable, layered in order; env DRAGOMAN_GLOSSARY,
    paths separated by ':'), with ``--layers`` where ``layered`` (read it with :func:`load_cli_glossaries`).

    Used bare (``@glossary_option``) or with arguments: ``use`` says what the command does with the glossary."""
    if func is None:
        return lambda f: glossary_option(f, use=use, layered=layered)
    if layered:
        func = layers_option(func)
    return click.option(
        "--glossary",
        "-g",
        "glossaries",
        multiple=True,
        envvar="DRAGOMAN_GLOSSARY",
        # Not exists=True: a missing file is the one-line "glossary file not found" (exit 1) of every command
        # (docs/cli.md), raised where the glossary is loaded.
        type=click.Path(path_type=Path),
        help=GLOSSARY_HELP.format(use=use),
    )(func)


def load_cli_glossaries(paths: Sequence[str | Path], source: str | None = None, target: str | None = None) -> Glossary:
    """Load and layer glossaries (YAML, CSV, TSV, TBX) for a command; every layering conflict is printed to
    stderr as a warning. ``source``/``target`` read a two-column CSV/TSV without a header."""
    from dragoman.glossary.layers import load_glossaries
    from dragoman.glossary.model import Glossary

    glossary = load_glossaries(list(paths), source=source, target=target, layers=layers_mode()) if paths else Glossary()
    for conflict in glossary.conflicts:
        warn(str(conflict))
    return glossary


# ---------------------------------------------------------------- formats


def format_option(help: str = "Input format (default: from the file extension; stdin: txt).") -> Decorator:
    """``--format NAME`` into ``format_name``: one of the registered readers."""
    return click.option("--format", "format_name", type=click.Choice(format_choices()), help=help)


# ---------------------------------------------------------------- engines


class EngineName(click.ParamType):
    """An engine from the registry (built-in ones listed in --help and completed by the shell; a plugin's
    entry point is looked up only when its name is given)."""

    name = "engine"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # type: ignore[override]
        from dragoman.engines import builtin_engine_names

        return "[" + "|".join(builtin_engine_names()) + "|PLUGIN]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from dragoman.engines import engine_class
        from dragoman.errors import EngineError

        try:
            engine_class(str(value))
        except EngineError as err:
            raise click.BadParameter(str(err), ctx, param_hint="'--engine'") from None
        return str(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from dragoman.engines import available_engines

        return [CompletionItem(name) for name in available_engines() if name.startswith(incomplete)]


# The per-engine flags kept as shortcuts for the argos engine's declared options (see ArgosOptions):
# flag -> (option key, click type, help).
SHORTCUTS: dict[str, tuple[str, click.ParamType, str]] = {
    "--beam": ("beam_size", click.IntRange(1, 64), "Beam size (argos; default 4, as Argos)."),
    "--threads": ("intra_threads", click.IntRange(0, 256), "CPU threads per engine call (argos; 0 = automatic)."),
    "--compute-type": ("compute_type", click.Choice(COMPUTE_TYPES), "CTranslate2 compute type (argos; default int8)."),
    "--device": ("device", click.Choice(("cpu", "cuda", "auto")), "Device (argos; default cpu)."),
    "--workers": (
        "inter_threads",
        click.IntRange(1, 64),
        "Batches translated in parallel (argos, CTranslate2 inter_threads; default 1). Each worker uses --threads.",
    ),
}
_SHORTCUTS_KEY = "dragoman.engine_shortcuts"


def engine_option_group(*shortcuts: str) -> Decorator:
    """``-e/--engine NAME`` (into ``engine_name``), ``--engine-option KEY=VALUE`` (into ``engine_option_pairs``) and
    the ``shortcuts`` named (flags of :data:`SHORTCUTS`); read them together with :func:`engine_options`.

    The shortcut values go to the command's context rather than to parameters (as ``--layers`` does), so that a
    command lists them once, here."""

    def remember(ctx: click.Context, param: click.Parameter, value: object) -> object:
        ctx.meta.setdefault(_SHORTCUTS_KEY, {})[param.opts[0]] = value
        return value

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for flag in reversed(shortcuts):
            _key, kind, help_text = SHORTCUTS[flag]
            func = click.option(flag, type=kind, expose_value=False, callback=remember, help=help_text)(func)
        func = click.option(
            "--engine-option",
            "engine_option_pairs",
            multiple=True,
            metavar="KEY=VALUE",
            help="An option the engine declares (argos: beam_size, intra_threads, ...; apertium: timeout, "
            "modes_dir, unknown_marks); repeat for several. See docs/engines.md.",
        )(func)
        return click.option(
            "--engine",
            "-e",
            "engine_name",
            type=EngineName(),
            default="argos",
            show_default=True,
            help="Translation engine.",
        )(func)

    return decorate


def engine_options(engine_name: str, pairs: Sequence[str]) -> dict[str, object]:
    """KEY -> value for the engine: the shortcut flags given, then every ``--engine-option KEY=VALUE``.

    A shortcut the engine does not declare is a usage error that names the engines it applies to."""
    from dragoman.engines import engine_class, engines_with_option
    from dragoman.engines.base import option_fields
    from dragoman.errors import EngineError

    ctx = click.get_current_context(silent=True)
    shortcuts: dict[str, object] = ctx.meta.get(_SHORTCUTS_KEY, {}) if ctx is not None else {}
    options: dict[str, object] = {}
    given = {flag: shortcuts[flag] for flag in SHORTCUTS if shortcuts.get(flag) is not None}
    if given:
        with option_errors("'--engine'", EngineError):
            declared = option_fields(engine_class(engine_name).Options)
        foreign = [flag for flag in given if SHORTCUTS[flag][0] not in declared]
        if foreign:
            owners = sorted({name for flag in foreign for name in engines_with_option(SHORTCUTS[flag][0])})
            raise click.BadParameter(
                f"{', '.join(foreign)} apply to the {' and '.join(owners) or 'other'} engine only",
                param_hint="'--engine'",
            )
        options.update({SHORTCUTS[flag][0]: value for flag, value in given.items()})
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE (e.g. beam_size=2)", param_hint="'--engine-option'")
        options[key.strip()] = value
    return options


# ---------------------------------------------------------------- the translation memory and drafts

no_memory_option = click.option("--no-memory", is_flag=True, help="Neither read nor write the translation memory.")
use_drafts_option = click.option(
    "--use-drafts", is_flag=True, help="Enforce draft glossary entries too (default: approved entries only)."
)
