"""The `dragoman` command line: a click group whose sub-commands live in dragoman/commands/ and load lazily."""

from __future__ import annotations

import importlib
import signal
import sys
from typing import Any

import click

from dragoman import __version__
from dragoman.errors import DragomanError

# name -> "module:attribute"; modules are imported only when their command runs,
# so `dragoman --help` stays fast (no ctranslate2, no YAML round-tripper).
COMMANDS: dict[str, str] = {
    "translate": "dragoman.commands.translate_cmd:translate",
    "check": "dragoman.commands.check_cmd:check",
    "glossary": "dragoman.commands.glossary_cmd:glossary",
    "models": "dragoman.commands.models_cmd:models",
    "cache": "dragoman.commands.cache_cmd:cache",
}

SHORT_HELP: dict[str, str] = {
    "translate": "Translate articles offline, enforcing the glossary.",
    "check": "Check an existing translation against the glossary.",
    "glossary": "Create, edit, lint, import and export glossaries.",
    "models": "List, find, install and remove translation models.",
    "cache": "Inspect or clear the translation memory.",
}


class LazyGroup(click.Group):
    """A group that imports a sub-command's module only when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        if ctx.resilient_parsing or "--help" in sys.argv[1:2]:
            # Root --help lists short help without importing every module.
            pass
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DragomanError as err:
            raise click.ClickException(str(err)) from None
        except BrokenPipeError:
            # Reader went away (`| head`): exit quietly.
            sys.stderr.close()
            sys.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="dragoman")
def cli() -> None:
    """Translate news articles offline and make names and terms come out the agreed way.

    \b
    Examples:
      dragoman translate article.txt --from en --to ms,fa -g glossaries/news.yaml
      cat article.md | dragoman translate --from en --to ms > article.ms.md
      dragoman check article.txt article.fa.txt --from en --to fa -g glossaries/news.yaml
      dragoman glossary lint glossaries/news.yaml
      dragoman models install en fa
    """


def main() -> None:
    """Console entry point."""
    if hasattr(signal, "SIGPIPE"):
        # Behave like a Unix tool in a pipeline (sacrebleu does the same).
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli(prog_name="dragoman")
