"""`dragoman xliff extract|merge`: bilingual XLIFF jobs for human translators, and their translations written back."""

from __future__ import annotations

from pathlib import Path

import click

from dragoman.commands.options import format_option, from_option, glossary_option, to_option


@click.group()
def xliff() -> None:
    """Hand documents to a translator as XLIFF and write the translations back.

    \b
    Examples:
      dragoman xliff extract story.docx clip.srt -f en -t fa -g glossaries/news.yaml -o job.xlf
      dragoman check job.xlf -g glossaries/news.yaml      # QA the translator's work
      dragoman xliff merge job.xlf -o out/
    """


@xliff.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@from_option()
@to_option(help="Target language of the job.")
@glossary_option(use=", its terms attached to the units that use them", layered=False)
@click.option(
    "--output",
    "-o",
    "output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The XLIFF 1.2 job to write.",
)
@format_option(help="Format of every FILE (default: from each extension).")
@click.option("--field", "fields", multiple=True, metavar="NAME[,NAME...]", help="JSON lines: the fields to extract.")
@click.option("--quiet", "-q", is_flag=True, help="No summary on stderr.")
def extract(
    files: tuple[Path, ...],
    source: str,
    target: str,
    glossaries: tuple[Path, ...],
    output: Path,
    format_name: str | None,
    fields: tuple[str, ...],
    quiet: bool,
) -> None:
    """Write one bilingual XLIFF job for FILES (any format dragoman reads), one unit per sentence.

    Inline formatting becomes <g>/<x> codes; the glossary's terms used by a unit are attached as notes.
    """
    from dragoman.pipeline.run import write_atomic
    from dragoman.pipeline.xliff_job import extract as extract_job

    glossary = None
    if glossaries:
        from dragoman.glossary.layers import load_glossaries

        glossary = load_glossaries(list(glossaries), source=source, target=target)
    options = {"fields": [n.strip() for item in fields for n in item.split(",") if n.strip()]}
    text, units = extract_job(list(files), source, target, glossary, format_name, options)
    changed = write_atomic(output, text)
    if not quiet:
        verb = "wrote" if changed else "unchanged"
        click.echo(f"{verb} {output} ({len(files)} document{'s' if len(files) != 1 else ''}, {units} units)", err=True)


@xliff.command()
@click.argument("job", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    "-o",
    "outdir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory for the documents (default: next to each original).",
)
@click.option("--quiet", "-q", is_flag=True, help="No summary on stderr.")
def merge(job: Path, outdir: Path | None, quiet: bool) -> None:
    """Write each document of a translated JOB back in its own format (STEM.LANG.EXT).

    A unit without a target keeps its source text, and the summary says how many.
    """
    from dragoman.inputs import read_text_file
    from dragoman.pipeline.run import write_atomic
    from dragoman.pipeline.xliff_job import merge as merge_job

    for item in merge_job(job, read_text_file(job), outdir):
        changed = write_atomic(item.path, item.data)
        if not quiet:
            missing = f", {item.untranslated} without a target kept in the source language" if item.untranslated else ""
            click.echo(
                f"{'wrote' if changed else 'unchanged'} {item.path} ({item.translated} units translated{missing})",
                err=True,
            )
