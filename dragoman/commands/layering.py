"""The ``--layers fields|replace`` option of every command that layers glossaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def layers_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--layers fields|replace``: how later glossaries override earlier ones (read with :func:`layers_mode`).

    The value goes to the command's context rather than to a parameter, so every command with ``-g`` gets it
    without a change to its signature.
    """

    def remember(ctx: click.Context, param: click.Parameter, value: str) -> str:
        ctx.meta["dragoman.layers"] = value
        return value

    return click.option(
        "--layers",
        type=click.Choice(("fields", "replace")),
        default="fields",
        show_default=True,
        expose_value=False,
        callback=remember,
        help="How a later glossary overrides an earlier one: only the languages and fields it states (fields), "
        "or whole entries (replace).",
    )(func)


def layers_mode() -> Any:
    """The current command's ``--layers`` value ("fields" outside a command or without the option)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get("dragoman.layers", "fields") if ctx is not None else "fields"
