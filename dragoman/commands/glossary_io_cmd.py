"""`dragoman glossary lint|merge|import|export`: check, combine and convert glossaries (CSV, TSV, TBX)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dragoman.commands.common import echo_json, warn
from dragoman.commands.layering import layers_mode, layers_option
from dragoman.commands.options import from_option, to_option
from dragoman.errors import GlossaryError, LanguageError


class _InterchangeFormat(click.Choice):  # type: ignore[type-arg]
    """--format's choices, read from the interchange registry when click first needs them (not at start-up:
    `glossary lint` must not import the interchange formats)."""

    def __init__(self) -> None:
        self.case_sensitive = False

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        from dragoman.glossary.interchange import format_names

        return tuple(format_names())

    @choices.setter
    def choices(self, value: object) -> None:  # click's own __init__ would set it; the registry is the source
        pass


def _lang_option(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from dragoman.languages import validate_code

    try:
        return validate_code(value)
    except LanguageError as err:
        raise click.BadParameter(str(err), param_hint=option) from None


def _pair(source: str | None, target: str | None) -> tuple[str | None, str | None]:
    source = _lang_option(source, "--from")
    target = _lang_option(target, "--to")
    if (source is None) != (target is None):
        raise click.BadParameter(
            "give both --from and --to (a two-column file holds one language pair)",
            param_hint="--from/--to",
        )
    if source is not None and source == target:
        raise click.BadParameter(f"--from and --to are both {source!r}", param_hint="--from/--to")
    return source, target


def _format_name(fmt: str | None, path: str | None, option: str) -> str:
    from dragoman.glossary.interchange import guess_format

    if fmt:
        return fmt.lower()
    guessed = guess_format(path) if path else None
    if guessed is None:
        raise click.BadParameter(
            f"cannot tell the format; pass --format {'|'.join(_InterchangeFormat().choices)}",
            param_hint="--format",
        )
    return guessed


# ---------------------------------------------------------------- lint


class _LintCommand(click.Command):
    """`glossary lint`, whose help lists the rules from the lint registry (dragoman.glossary.lint.RULES).
    Importing the registry costs the YAML walker and the checks, so the list is built only when help is shown."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from dragoman.glossary.lint import rules_help

        # The docstring is indented by four spaces (click dedents it): the generated lines must be too.
        self.help = (self.help or "").replace("{codes}", rules_help().replace("\n", "\n    ").lstrip())
        super().format_help_text(ctx, formatter)


@click.command("lint", cls=_LintCommand)
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe fixes (NFC, spaces, Persian ی/ک) in place, keeping comments.",
)
def lint(file: str, as_json: bool, fix: bool) -> None:
    """Check a glossary for mistakes; exit 1 on any error-level finding.

    \b
    Rules (code, name, severity: what it finds):
      {codes}

    \b
    Examples:
      dragoman glossary lint desk.yaml
      dragoman glossary lint desk.yaml --fix
      dragoman glossary lint desk.yaml --json | jq '.findings[] | select(.severity == "error")'
    """
    from dragoman.glossary.lint import fix_glossary, lint_glossary

    report = lint_glossary(file)  # an unreadable file (missing, binary, not UTF-8) stops here
    fixed = []
    if fix:
        try:
            fixed = fix_glossary(file)
        except GlossaryError:
            warn("nothing fixed: the glossary does not load; fix the error below first")
        if fixed:
            report = lint_glossary(file)
    report.fixed = fixed
    if as_json:
        echo_json(report.to_dict())
    else:
        for change in fixed:
            where = f"{report.path}:{change['line']}" if change["line"] else report.path
            click.echo(
                f"{where}: fixed entry {change['entry']!r} {change['lang']}: {change['before']!r} -> {change['after']!r}"
            )
        for finding in report.findings:
            click.echo(str(finding))
        counts = report.counts()
        click.echo(
            f"{report.path}: {_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
            f"{counts['info']} info" + (f", {_plural(len(fixed), 'fix', 'fixes')} applied" if fix else "")
        )
    if report.has_errors:
        sys.exit(1)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


# ---------------------------------------------------------------- merge


@click.command("merge")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The merged YAML glossary to write.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result (conflicts included) as JSON.",
)
@click.option("--strict", is_flag=True, help="Fail (and write nothing) when the files conflict.")
@click.option("--force", is_flag=True, help="Replace OUTPUT even if it is not a glossary.")
@layers_option
def merge(files: tuple[str, ...], output: str, as_json: bool, strict: bool, force: bool) -> None:
    """Merge glossaries into one file, as -g layers them: a later file overrides the languages and fields it states.

    Every conflict (an id redefined differently, a term rendered differently by two entries)
    is printed on stderr, and terms shared by entries with different ids are flagged.

    \b
    Examples:
      dragoman glossary merge base.yaml desk.yaml -o combined.yaml
      dragoman glossary merge base.yaml desk.yaml -o combined.yaml --strict
      dragoman glossary merge base.yaml desk.yaml -o combined.yaml --json
    """
    from dragoman.fsutil import WriteGuard
    from dragoman.glossary.merge import merge_files
    from dragoman.glossary.yamlio import save_glossary

    # Before any work: merging into one of the inputs would rewrite it without its comments.
    WriteGuard(files, force=force).check(output, None, "the merged glossary")
    result = merge_files(list(files), layers=layers_mode())
    for conflict in result.conflicts:
        warn(str(conflict))
    for shared in result.shared_terms:
        warn(str(shared))
    if strict and result.conflicts:
        raise GlossaryError(
            f"{_plural(len(result.conflicts), 'conflict')} between the glossaries; nothing written",
            output,
            hint="resolve them (or drop --strict to let later files win)",
        )
    changed = save_glossary(result.glossary, output, inputs=files, force=force, what="the merged glossary")
    if as_json:
        data = result.to_dict()
        data["output"] = output
        data["inputs"] = list(files)
        echo_json(data)
    else:
        click.echo(
            f"{'wrote' if changed else 'unchanged'} {output}: "
            f"{_plural(len(result.glossary), 'entry', 'entries')} from {_plural(len(files), 'file')}, "
            f"{_plural(len(result.conflicts), 'conflict')}, {_plural(len(result.shared_terms), 'shared term')}",
            err=True,
        )


# ---------------------------------------------------------------- import / export


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--format",
    "fmt",
    type=_InterchangeFormat(),
    help="Input format (default: from the extension).",
)
@from_option(help="Source language of a two-column file without a header.", default=None)
@to_option(help="Target language of a two-column file without a header.", required=False)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The YAML glossary to write.",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
def import_cmd(
    file: str,
    fmt: str | None,
    source: str | None,
    target: str | None,
    output: str,
    force: bool,
) -> None:
    """Convert a CSV, TSV or TBX glossary into a YAML glossary.

    CSV/TSV: a header row of language codes (en,ms,fa: Google equivalent term sets, Amazon
    Translate) or, with --from/--to, two columns source,target without a header (DeepL).
    TBX: v3 (ISO 30042:2019, <tbx>) and v2 (<martif>).

    \b
    Examples:
      dragoman glossary import deepl.csv --format csv --from en --to fa -o desk.yaml
      dragoman glossary import terms.tsv --from en --to ms -o desk.yaml
      dragoman glossary import termbase.tbx -o desk.yaml
    """
    from dragoman.fsutil import WriteGuard
    from dragoman.glossary.files import read_file_bytes
    from dragoman.glossary.interchange import get_format
    from dragoman.glossary.yamlio import save_glossary

    source, target = _pair(source, target)
    name = _format_name(fmt, file, "--format")
    WriteGuard([file], force=force).check(output, None, "the imported glossary")
    if Path(output).exists() and not force:
        raise GlossaryError(
            "already exists",
            output,
            hint="choose another name, or pass --force to replace it",
        )
    glossary = get_format(name).read(read_file_bytes(file), file, source=source, target=target)
    save_glossary(glossary, output, inputs=[file], force=force, what="the imported glossary")
    click.echo(
        f"imported {_plural(len(glossary), 'entry', 'entries')} ({', '.join(glossary.languages)}) from {file} into {output}",
        err=True,
    )


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option(
    "--format",
    "fmt",
    type=_InterchangeFormat(),
    help="Output format (default: from the -o extension).",
)
@from_option(help="Source language: write a two-column file (CSV/TSV) or only this pair (TBX).", default=None)
@to_option(help="Target language (with --from).", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="File to write (default: stdout).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT even if it is not a glossary.")
def export(
    file: str,
    fmt: str | None,
    source: str | None,
    target: str | None,
    output: str | None,
    force: bool,
) -> None:
    """Convert a YAML glossary into CSV, TSV or TBX.

    Without --from/--to, CSV/TSV get a header row of language codes and one column per
    language (Google, Amazon). With --from/--to: two columns source,target without a header
    (DeepL); the entries are checked against DeepL's rules first (no duplicate source, no
    empty side, no control characters, no leading/trailing whitespace, at most 1024 bytes).
    Cells starting with = + - @ are escaped with a leading ' (undone by import).

    \b
    Examples:
      dragoman glossary export desk.yaml --format csv --from en --to fa -o deepl-en-fa.csv
      dragoman glossary export desk.yaml --format csv > amazon.csv
      dragoman glossary export desk.yaml --format tbx -o desk.tbx
    """
    from dragoman.fsutil import WriteGuard
    from dragoman.glossary.interchange import get_format
    from dragoman.glossary.interchange.csv_format import skipped_entries
    from dragoman.glossary.yamlio import load_glossary

    source, target = _pair(source, target)
    name = _format_name(fmt, output, "--format")
    guard = WriteGuard([file], force=force)
    what = f"the {name.upper()} export"
    if output:
        guard.check(output, None, what)  # an input: refused before any work (the kind is checked on writing)
    glossary = load_glossary(file)
    for code in (source, target):
        if code is not None and code not in glossary.languages:
            raise click.BadParameter(
                f"{code!r} is not a language of {file} ({', '.join(glossary.languages)})",
                param_hint="--from/--to",
            )
    fmt_obj = get_format(name)
    issues = fmt_obj.check(glossary, source=source, target=target)
    if issues:
        for issue in issues:
            entry = glossary.get(issue.entry_id)
            where = f"{entry.origin}: " if entry is not None else ""
            click.echo(f"error: {where}{issue}", err=True)
        raise GlossaryError(
            f"{_plural(len(issues), 'problem')} would make an invalid {name.upper()} glossary; nothing written",
            file,
            hint="fix the entries listed above ('dragoman glossary lint --fix' trims whitespace)",
        )
    if source and target and name in ("csv", "tsv"):
        skipped = skipped_entries(glossary, source, target)
        if skipped:
            shown = ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else "")
            warn(
                f"left out {_plural(len(skipped), 'entry', 'entries')} without both a {source} and a {target} term: {shown}"
            )
    text = fmt_obj.write(glossary, source=source, target=target)
    if output:
        changed = guard.write_text(output, text, "glossary", what)
        click.echo(f"{'wrote' if changed else 'unchanged'} {output}", err=True)
    else:
        click.echo(text, nl=False)


COMMANDS: list[click.Command] = [lint, merge, import_cmd, export]
