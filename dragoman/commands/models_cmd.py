"""`dragoman models ...`: the group; sub-commands live in models_pkg_cmd (packages) and probe_cmd (calibration)."""

from __future__ import annotations

import click

from dragoman.commands import models_pkg_cmd, probe_cmd


@click.group()
def models() -> None:
    """List, find, install, remove and calibrate translation models.

    \b
    Examples:
      dragoman models available --from en
      dragoman models install en fa
      dragoman models install translate-en_fa-1_9.argosmodel
      dragoman models list
      dragoman models probe en fa
    """


for _module in (models_pkg_cmd, probe_cmd):
    for _command in _module.COMMANDS:
        models.add_command(_command)
