"""`dragoman glossary ...`: the group; its sub-commands live in the glossary_*_cmd modules."""

from __future__ import annotations

import click

from dragoman.commands import glossary_edit_cmd, glossary_grow_cmd, glossary_io_cmd


@click.group()
def glossary() -> None:
    """Create, edit, lint, import and export glossaries (YAML is the home format).

    \b
    Examples:
      dragoman glossary new desk.yaml --langs en,ms,fa
      dragoman glossary add desk.yaml --id anwar-ibrahim --type person \\
          --term en="Anwar Ibrahim" --term ms="Anwar Ibrahim" --term fa="انور ابراهیم"
      dragoman glossary lint desk.yaml --fix
      dragoman glossary export desk.yaml --format tbx -o desk.tbx
    """


for _module in (glossary_edit_cmd, glossary_io_cmd, glossary_grow_cmd):
    for _command in _module.COMMANDS:
        glossary.add_command(_command)
