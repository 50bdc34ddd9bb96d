"""`dragoman cache stats|clear`: look at or empty the translation memory."""

from __future__ import annotations

import click

from dragoman.commands.common import echo_json, warn
from dragoman.fsutil import human_size


@click.group()
def cache() -> None:
    """Inspect or clear the translation memory.

    Every translated segment is remembered (keyed by the engine, the model, its options and the
    glossary entries that touch the segment), so translating an unchanged article again is instant.

    \b
    Examples:
      dragoman cache stats
      dragoman cache stats --json
      dragoman cache clear --yes
    """


@cache.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats(as_json: bool) -> None:
    """Show the number of entries, the size and the path of the translation memory."""
    from dragoman.cache import TranslationMemory

    with TranslationMemory(warn=warn) as memory:
        info = memory.stats()
    if as_json:
        echo_json(info.to_dict())
        return
    click.echo(f"path:    {info.path}")
    click.echo(f"entries: {info.entries}")
    click.echo(f"size:    {human_size(info.size_bytes)}")


@cache.command()
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def clear(yes: bool) -> None:
    """Delete every entry of the translation memory."""
    from dragoman.cache import TranslationMemory

    with TranslationMemory(warn=warn) as memory:
        path = memory.stats().path
        if not yes:
            click.confirm(f"Delete every entry in {path}?", abort=True, err=True)
        removed = memory.clear()
    click.echo(f"removed {removed} entries from {path}")
