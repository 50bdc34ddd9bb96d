"""Helpers shared by the CLI command modules: output, JSON, colour."""

from __future__ import annotations

import os
import sys
from typing import Any

import click


def use_color() -> bool:
    """Colour only on a terminal and never when NO_COLOR is set (https://no-color.org)."""
    return "NO_COLOR" not in os.environ and sys.stderr.isatty()


def echo_json(data: Any) -> None:
    # json is imported inside json_text: commands that never print JSON do not pay for it.
    from dragoman.fsutil import json_text

    click.echo(json_text(data))


def warn(message: str) -> None:
    """A diagnostic line on stderr."""
    prefix = click.style("warning:", fg="yellow") if use_color() else "warning:"
    click.echo(f"{prefix} {message}", err=True)


def parse_lang_list(value: str | None) -> list[str]:
    """'ms,fa' -> ['ms', 'fa']."""
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]
