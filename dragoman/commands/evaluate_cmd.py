"""`dragoman evaluate`: score a translation against a reference (chrF, BLEU, terms, consistency, integrity)."""

from __future__ import annotations

from pathlib import Path

import click

from dragoman.commands.common import echo_json
from dragoman.commands.options import from_option, glossary_option, load_cli_glossaries, to_option, validate_lang


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


@click.command()
@click.argument("hypothesis", type=click.Path(dir_okay=True))
@click.option(
    "--ref",
    "reference",
    required=True,
    type=click.Path(dir_okay=True),
    help="Reference translation, line-aligned with HYPOTHESIS.",
)
@click.option(
    "--src",
    "source",
    type=click.Path(dir_okay=True),
    help="Source text, line-aligned: needed for term success, consistency and integrity counts.",
)
@from_option("source_lang", help="Language of the source.", callback=validate_lang)
@to_option(
    "target_lang", help="Language of HYPOTHESIS and the reference (picks BLEU's tokenizer).", callback=validate_lang
)
@glossary_option
@click.option("--use-drafts", is_flag=True, help="Count draft glossary entries too (default: approved entries only).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable scores on stdout.")
def evaluate(
    hypothesis: str,
    reference: str,
    source: str | None,
    source_lang: str,
    target_lang: str,
    glossaries: tuple[Path, ...],
    use_drafts: bool,
    as_json: bool,
) -> None:
    """Score HYPOTHESIS (a translation, one segment a line) against a reference translation.

    Prints chrF and BLEU computed by sacrebleu, each with sacrebleu's signature. With --src: the
    integrity findings of `dragoman check` per check (numbers, empty, untranslated, ...). With
    --src and a glossary: term success rate (source occurrences of glossary terms rendered as the
    glossary says, over all occurrences, as in the WMT terminology task) and document consistency
    (glossary terms used twice or more that were rendered one way throughout). All files must have
    the same number of lines. Needs sacrebleu: pip install 'dragoman[eval]'.

    \b
    Examples:
      dragoman evaluate news.fa.txt --ref news.ref.fa.txt -t fa
      dragoman evaluate news.fa.txt --ref news.ref.fa.txt --src news.en.txt -f en -t fa -g glossaries/news.yaml
      dragoman evaluate news.ms.txt --ref ref.ms.txt --src news.en.txt -t ms -g news.yaml --json
    """
    from dragoman.evaluate import evaluate_files

    if glossaries and source is None:
        ctx = click.get_current_context()
        if ctx.get_parameter_source("glossaries") == click.core.ParameterSource.ENVIRONMENT:
            glossaries = ()  # DRAGOMAN_GLOSSARY set once for every command: without --src, scores only
        else:
            raise click.BadParameter("term success needs the source: add --src SRC (line-aligned)", param_hint="-g")
    glossary = load_cli_glossaries(glossaries, source_lang, target_lang) if glossaries else None
    result = evaluate_files(
        hypothesis, reference, source, source_lang, target_lang, glossary, include_drafts=use_drafts
    )
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(result.chrf.text)
    click.echo(result.bleu.text)
    if result.terms is not None:
        terms = result.terms
        click.echo(
            f"terms: {terms.rendered:,} of {terms.occurrences:,} source occurrences rendered as the glossary says "
            f"({_percent(terms.rate)}); {terms.variants:,} with an admitted variant"
        )
    if result.consistency is not None:
        consistency = result.consistency
        listed = f": {', '.join(consistency.inconsistent_terms)} vary" if consistency.inconsistent_terms else ""
        click.echo(
            f"consistency: {consistency.consistent:,} of {consistency.repeated:,} repeated terms rendered one way "
            f"throughout ({_percent(consistency.rate)}){listed}"
        )
    if result.integrity is not None:
        total = sum(result.integrity.values())
        per_check = ", ".join(f"{code} {count}" for code, count in result.integrity.items() if count)
        click.echo(
            f"integrity: {total:,} findings in {result.lines:,} lines from {len(result.integrity)} checks"
            + (f" ({per_check})" if per_check else "")
        )
