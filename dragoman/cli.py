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
    "evaluate": "dragoman.commands.evaluate_cmd:evaluate",
    "glossary": "dragoman.commands.glossary_cmd:glossary",
    "models": "dragoman.commands.models_cmd:models",
    "cache": "dragoman.commands.cache_cmd:cache",
    "serve": "dragoman.commands.serve_cmd:serve",
    "xliff": "dragoman.commands.xliff_cmd:xliff",
}

SHORT_HELP: dict[str, str] = {
    "translate": "Translate articles offline, enforcing the glossary.",
    "check": "Check an existing translation: glossary and integrity checks.",
    "evaluate": "Score a translation against a reference (chrF, BLEU, terms).",
    "glossary": "Create, edit, lint, import and export glossaries.",
    "models": "List, find, install and remove translation models.",
    "cache": "Inspect or clear the translation memory.",
    "serve": "Serve a LibreTranslate-compatible HTTP API and web page.",
    "xliff": "Hand documents to a translator as XLIFF and merge the translations back.",
}


class LazyGroup(click.Group):
    """A group that imports a sub-command's module only when it is used.

    ``lazy_commands`` maps a name to "module:attribute"; ``short_help`` (optional) lets ``--help`` list the
    commands without importing them (without it, help imports each module for its short help).
    """

    def __init__(
        self,
        *args: Any,
        lazy_commands: dict[str, str] | None = None,
        short_help: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})
        self.short_help_table = dict(short_help or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.lazy_commands) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self.short_help_table:
            super().format_commands(ctx, formatter)
            return
        rows = [(name, self.short_help_table.get(name, "")) for name in self.list_commands(ctx)]
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


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    short_help=SHORT_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
