"""`dragoman cache stats|clear`: look at or empty the translation memory (and the glossary store)."""

from __future__ import annotations

import click

from dragoman.commands.common import echo_json
from dragoman.fsutil import human_size


@click.group()
def cache() -> None:
    """Inspect or clear the translation memory and the glossary store.

    Every translated segment is remembered (keyed by the engine, the model, its options and the
    glossary entries that touch the segment), so translating an unchanged article again is instant.
    Large glossaries are kept parsed in the glossary store (keyed by their bytes), so the next run
    loads them faster. Both only save time: clearing them loses no work.

    \b
    Examples:
      dragoman cache stats
      dragoman cache stats --json
      dragoman cache clear --yes
    """


@cache.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats(as_json: bool) -> None:
    """Show the entries, size, path and state of the translation memory, and what the glossary store holds.

    The memory is only read: a damaged, locked or read-only one is reported as such (STATE), never
    repaired or replaced here.
    """
    from dragoman.cache import inspect_memory
    from dragoman.glossary.store import store_usage

    info = inspect_memory()
    folder, glossaries, glossary_bytes = store_usage()
    if as_json:
        data = info.to_dict()
        data["glossary_store"] = {"path": str(folder), "glossaries": glossaries, "size_bytes": glossary_bytes}
        echo_json(data)
        return
    click.echo(f"path:    {info.path}")
    if info.problem:
        click.echo(f"state:   {info.state}: {info.problem}")
    click.echo(f"entries: {info.entries if info.entries is not None else 'unknown'}")
    click.echo(f"size:    {human_size(info.size_bytes)}")
    noun = "glossary" if glossaries == 1 else "glossaries"
    click.echo(f"glossary store: {glossaries} parsed {noun}, {human_size(glossary_bytes)} in {folder}")


@cache.command()
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def clear(yes: bool) -> None:
    """Delete every entry of the translation memory, and the glossary store.

    A damaged memory is deleted (a new one is made when next needed); a locked or
    read-only one is an error that says so, and nothing is changed.
    """
    from dragoman import config
    from dragoman.cache import clear_memory
    from dragoman.glossary.store import clear_store, store_dir

    path = config.cache_path()
    if not yes:
        click.confirm(f"Delete every entry in {path}?", abort=True, err=True)
    removed, note = clear_memory(path)
    if removed is None:
        click.echo(f"removed the translation memory {path}: {note}")
    else:
        click.echo(f"removed {removed} entries from {path}")
    stored = clear_store()
    if stored:
        click.echo(f"removed {stored} parsed {'glossary' if stored == 1 else 'glossaries'} from {store_dir()}")
