"""`dragoman glossary ...`: the group; its sub-commands live in the glossary_*_cmd modules."""

from __future__ import annotations

import click

from dragoman.cli import LazyGroup

# Each sub-command loads its module only when it runs (`glossary lint` never imports the editor).
_MODULES = {
    "dragoman.commands.glossary_edit_cmd": {
        "new": "new",
        "add": "add",
        "remove": "remove",
        "list": "list_entries",
        "show": "show",
        "search": "search",
        "stats": "stats",
    },
    "dragoman.commands.glossary_io_cmd": {"lint": "lint", "merge": "merge", "import": "import_cmd", "export": "export"},
    "dragoman.commands.glossary_grow_cmd": {
        "suggest": "suggest",
        "seed": "seed",
        "review": "review",
        "approve": "approve",
    },
    "dragoman.commands.glossary_desk_cmd": {"set": "set_cmd", "unset": "unset", "diff": "diff"},
}
LAZY_COMMANDS = {name: f"{module}:{attr}" for module, names in _MODULES.items() for name, attr in names.items()}


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS)
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
