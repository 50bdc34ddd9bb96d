"""`dragoman check`: check an existing translation against the glossary."""

from __future__ import annotations

from pathlib import Path

import click
from click.core import ParameterSource

from dragoman.commands.common import echo_json, use_color
from dragoman.commands.options import from_option, glossary_option, load_cli_glossaries, to_option, validate_lang
from dragoman.formats import format_choices


class _CheckCommand(click.Command):
    """`check`, whose help ends with the integrity checks, generated from their registry when help is asked for."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from dragoman.integrity import CHECKS

        with formatter.section("Integrity checks (--skip CHECK)"):
            formatter.write_dl([(f"{c.code} ({c.severity})", c.help) for c in CHECKS.values()])


def _split_codes(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code.strip() for item in value for code in item.split(",") if code.strip())


@click.command(cls=_CheckCommand)
@click.argument("source", type=click.Path(dir_okay=True))
@click.argument("translation", type=click.Path(dir_okay=True), required=False)
@from_option(
    "source_lang",
    help="Language of SOURCE (as in translate); for an XLIFF job, the language it states unless given.",
    callback=validate_lang,
)
@to_option(
    "target_lang",
    help="Language of TRANSLATION (fa); required but for an XLIFF job that states it.",
    callback=validate_lang,
    required=False,
)
@glossary_option
@click.option(
    "--format",
    "format_name",
    type=click.Choice(format_choices()),
    help="Format of both files (default: from each file's extension; txt otherwise).",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME[,NAME...]",
    help="JSON lines: the fields of each record to check (comma-separated or repeated).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report on stdout.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (variants, inconsistencies, length).")
@click.option("--use-drafts", is_flag=True, help="Check draft entries too (default: approved entries only).")
@click.option(
    "--skip",
    "skip_checks",
    multiple=True,
    metavar="CHECK[,CHECK...]",
    callback=_split_codes,
    help="Leave out these integrity checks (listed below); repeatable.",
)
def check(
    source: str,
    translation: str | None,
    source_lang: str,
    target_lang: str | None,
    glossaries: tuple[Path, ...],
    format_name: str | None,
    fields: tuple[str, ...],
    as_json: bool,
    strict: bool,
    use_drafts: bool,
    skip_checks: tuple[str, ...],
) -> None:
    """Check TRANSLATION (a human or machine translation of SOURCE): glossary and integrity.

    Every glossary term in SOURCE needs its preferred rendering in TRANSLATION as often as
    SOURCE uses it. Errors: a rendering missing, a forbidden term, a do-not-translate term
    altered. Warnings: an admitted variant, one term rendered in several ways. Next to them,
    every pair of segments goes through the integrity checks that `translate` runs on its own
    output (listed below): numbers, empty, untranslated, repetition, markup, length, ...
    Without a glossary only the integrity checks run.

    Both files are read by the same format readers as `translate` (by extension, or --format):
    txt, Markdown, HTML, DOCX, ODT, SRT, WebVTT, JSON lines; markup, scripts and styles are not
    text. They are compared segment by segment when their structure is the same, line by line
    (DOCX/ODT: paragraph by paragraph) when they have as many lines, else as whole documents;
    the summary line says which. Findings name the line, and the cue, record or paragraph.

    An XLIFF job (1.2 or 2.0) holds both sides: give it alone (SOURCE, no TRANSLATION) to check
    each unit's target against its source; a unit without a target is an error (no-target), and
    the languages default to those the job states. Exit status 1 on errors (with --strict also
    on warnings).

    \b
    Examples:
      dragoman check article.txt article.fa.txt --from en --to fa -g glossaries/news.yaml
      dragoman check article.txt article.ms.txt -f en -t ms -g news.yaml -g desk.yaml --json
      dragoman check page.html page.fa.html -f en -t fa -g news.yaml
      dragoman check article.txt article.fa.txt -f en -t fa --skip length
      dragoman check story.docx story.fa.docx -f en -t fa -g news.yaml
      dragoman check job.xlf -g news.yaml
    """
    from dragoman.check import check_files, check_job, job_languages
    from dragoman.formats import format_for_path

    if translation is None:
        if format_for_path(source, format_name) != "xliff":
            raise click.UsageError(
                "Missing argument 'TRANSLATION' (only an XLIFF job, which holds both sides, is checked alone)."
            )
        stated_source, stated_target = job_languages(source)
        from_default = click.get_current_context().get_parameter_source("source_lang") == ParameterSource.DEFAULT
        source_lang = (stated_source or source_lang) if from_default else source_lang
        target_lang = target_lang or stated_target
        if target_lang is None:
            raise click.UsageError(f"{source} states no target language: give it with -t/--to.")
        from dragoman.languages import validate_code

        # The job's own codes are checked here as the options are (a DragomanError: one line, exit 1).
        source_lang, target_lang = validate_code(source_lang), validate_code(target_lang)
        glossary = load_cli_glossaries(glossaries, source_lang, target_lang)
        report = check_job(
            source, glossary, source_lang, target_lang, include_drafts=use_drafts, skip_checks=skip_checks
        )
    else:
        if target_lang is None:
            raise click.UsageError("Missing option '-t' / '--to'.")
        glossary = load_cli_glossaries(glossaries, source_lang, target_lang)
        report = check_files(
            source,
            translation,
            glossary,
            source_lang,
            target_lang,
            include_drafts=use_drafts,
            format_name=format_name,
            skip_checks=skip_checks,
            options={"fields": [name.strip() for item in fields for name in item.split(",") if name.strip()]},
        )
    if as_json:
        echo_json(report.to_dict())
    else:
        color = use_color()
        for finding in report.findings:
            line = finding.format()
            if color:
                line = line.replace(
                    f": {finding.severity}:",
                    ": " + click.style(finding.severity, fg="red" if finding.severity == "error" else "yellow") + ":",
                    1,
                )
            click.echo(line)
        summary = report.summary()
        terms = (
            f"{summary['terms_found']} terms, {summary['applied']} applied, "
            f"{summary['variants']} variants, {summary['violations']} violations, "
            f"{summary['forbidden_found']} forbidden, "
            if glossaries
            else "no glossary, "
        )
        flagged = ", ".join(f"{code} {n}" for code, n in report.integrity_counts().items() if n)
        if report.untranslated_units is not None:
            terms = f"{report.untranslated_units} units without a target, {terms}"
        click.echo(
            f"{report.alignment_note()}: {terms}{summary['integrity']} integrity findings"
            f"{f' ({flagged})' if flagged else ''}; {len(report.errors)} errors, {len(report.warnings)} warnings",
            err=True,
        )
    code = report.exit_code(strict)
    if code:
        raise click.exceptions.Exit(code)
