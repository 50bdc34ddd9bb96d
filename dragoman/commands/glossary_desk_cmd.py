"""`dragoman glossary set|unset|diff`: change one language or field of an entry in place, and review changes."""

from __future__ import annotations

from typing import Any

import click

from dragoman.commands.common import echo_json, warn
from dragoman.commands.glossary_edit_cmd import refuse_edge_space
from dragoman.commands.options import to_option, validate_lang
from dragoman.glossary.model import CASE_MODES, ENTRY_TYPES, STATUSES


def lint_edit(editor: Any, file: str, entry_id: str) -> None:
    """Lint the entry as the editor would write it: an error refuses the edit, a warning is printed."""
    from dragoman.glossary.edit_check import lint_entry_text, refuse_errors

    findings = lint_entry_text(editor.text.lstrip("\ufeff"), file, entry_id)
    refuse_errors(findings, file)
    for finding in findings:
        hint = f" — {finding.fix}" if finding.fix else ""
        if finding.fixable:
            hint += "; pass --fix to normalise what is written"
        warn(f"{finding.location()}: {finding.code} {finding.name}: {finding.message}{hint}")


@click.command("set")
@click.argument("file", type=click.Path(dir_okay=True))
@click.argument("entry_id", metavar="ID")
@to_option("lang", help="The language whose forms are set.", required=False, callback=validate_lang)
@click.option("--term", help="The preferred term in LANG.")
@click.option(
    "--variant",
    "variants",
    multiple=True,
    help="An admitted variant in LANG; repeat for several (replaces LANG's variants).",
)
@click.option(
    "--forbidden",
    "forbidden",
    multiple=True,
    help="A forbidden form in LANG; repeat for several (replaces LANG's forbidden forms).",
)
@click.option("--no-variants", is_flag=True, help="Remove LANG's variants.")
@click.option("--no-forbidden", is_flag=True, help="Remove LANG's forbidden forms.")
@click.option("--note", help="A note for translators ('' removes it).")
@click.option("--type", "entry_type", type=click.Choice(ENTRY_TYPES), help="What the entry names.")
@click.option("--case", type=click.Choice(CASE_MODES), help="How case is matched.")
@click.option("--dnt/--no-dnt", default=None, help="Do not translate (keep the source form in every language).")
@click.option("--status", type=click.Choice(STATUSES), help="approved or draft.")
@click.option(
    "--fix",
    is_flag=True,
    help="Normalise what is written as 'glossary lint --fix' would (spaces, NFC, Persian letters in fa).",
)
def set_cmd(
    file: str,
    entry_id: str,
    lang: str | None,
    term: str | None,
    variants: tuple[str, ...],
    forbidden: tuple[str, ...],
    no_variants: bool,
    no_forbidden: bool,
    note: str | None,
    entry_type: str | None,
    case: str | None,
    dnt: bool | None,
    status: str | None,
    fix: bool,
) -> None:
    """Add or change one language or field of entry ID in FILE, keeping the rest of the entry, the other
    entries, comments and order. An ID not in FILE is added (it needs --to and --term), so a desk file can
    hold just the languages it adds to a shared glossary.

    What is written is linted as 'glossary lint' does: an error refuses the edit, a warning is printed.

    \b
    Examples:
      dragoman glossary set desk.yaml iran --to zz --term Irana
      dragoman glossary set news.yaml anwar-ibrahim -t ms --term "Datuk Seri Anwar Ibrahim" --variant "Anwar"
      dragoman glossary set news.yaml iran -t fa --term "ايران" --fix
      dragoman glossary set news.yaml un --note "United Nations; keep the acronym" --case sensitive
    """
    from dragoman.glossary.edit_check import normalise_form
    from dragoman.glossary.editor import GlossaryEditor
    from dragoman.glossary.model import Entry, LangTerms
    from dragoman.glossary.yamlio import ID_RE

    per_lang = term is not None or variants or forbidden or no_variants or no_forbidden
    if per_lang and lang is None:
        raise click.BadParameter("say which language with --to LANG (e.g. --to ms)", param_hint="'--to'")
    if variants and no_variants:
        raise click.BadParameter("give --variant or --no-variants, not both", param_hint="'--no-variants'")
    if forbidden and no_forbidden:
        raise click.BadParameter("give --forbidden or --no-forbidden, not both", param_hint="'--no-forbidden'")
    settings = {"note": note, "type": entry_type, "case": case, "dnt": dnt, "status": status}
    if not per_lang and all(value is None for value in settings.values()):
        raise click.UsageError(
            "nothing to set: give --to LANG with --term/--variant/--forbidden, or a field such as --note"
        )
    for name, values in (
        ("--term", [term] if term is not None else []),
        ("--variant", variants),
        ("--forbidden", forbidden),
    ):
        if any(not value.strip() for value in values):
            raise click.BadParameter("the text is empty", param_hint=f"'{name}'")
        if not fix:
            for text in values:
                refuse_edge_space(text, lang or "", f"'{name}'")
    if fix and lang is not None:
        term = normalise_form(term, lang, "term") if term is not None else None
        variants = tuple(normalise_form(v, lang, "variant") for v in variants)
        forbidden = tuple(normalise_form(v, lang, "forbidden") for v in forbidden)
    with GlossaryEditor(file) as editor:
        existed = editor.has(entry_id)
        if not existed:
            if not ID_RE.match(entry_id):
                raise click.BadParameter(
                    f"{entry_id!r}: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit",
                    param_hint="ID",
                )
            if lang is None or term is None:
                raise click.UsageError(
                    f"{file} has no entry {entry_id!r}; to add it give --to LANG and --term TEXT "
                    "(or see the ids with 'dragoman glossary list')"
                )
            editor.add_entry(Entry(entry_id, {lang: LangTerms(term)}))
        if per_lang:
            assert lang is not None
            editor.set_terms(
                entry_id,
                lang,
                term=term,
                variants=[] if no_variants else (list(variants) or None),
                forbidden=[] if no_forbidden else (list(forbidden) or None),
            )
        for key, value in settings.items():
            if value is not None:
                editor.set_field(entry_id, key, value if value != "" else None)
        lint_edit(editor, file, entry_id)
        changed = editor.changed
    what = f"{lang} of {entry_id}" if per_lang else entry_id
    verb = "added" if not existed else ("set" if changed else "unchanged:")
    click.echo(f"{verb} {what} in {file}", err=True)


@click.command("unset")
@click.argument("file", type=click.Path(dir_okay=True))
@click.argument("entry_id", metavar="ID")
@click.argument("lang", metavar="LANG", callback=validate_lang)
def unset(file: str, entry_id: str, lang: str) -> None:
    """Remove language LANG from entry ID in FILE; the other languages, the entry's settings, comments and
    the rest of the file stay.

    \b
    Example:
      dragoman glossary unset desk.yaml iran zz
    """
    from dragoman.glossary.editor import GlossaryEditor

    with GlossaryEditor(file) as editor:
        editor.unset_language(entry_id, lang)
    click.echo(f"removed {lang} from {entry_id} in {file}", err=True)


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=True))
@click.argument("new", required=False, type=click.Path(dir_okay=True))
@click.option(
    "--rev",
    "revs",
    multiple=True,
    metavar="REV",
    help="Compare OLD as it was at this git revision (e.g. HEAD~1) with the file as it is now; "
    "give --rev twice to compare two revisions.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def diff(old: str, new: str | None, revs: tuple[str, ...], as_json: bool) -> None:
    """Show what changed between two glossaries: entries added and removed, and per entry each changed
    language and field with its before and after.

    \b
    Examples:
      dragoman glossary diff news.yaml news-desk.yaml
      dragoman glossary diff news.yaml --rev HEAD~1
      dragoman glossary diff news.yaml --rev v1.0 --rev v1.1 --json
    """
    from dragoman.glossary.diff import diff_glossaries, load_revision
    from dragoman.glossary.layers import load_glossary_file

    if revs:
        if new is not None:
            raise click.UsageError("give FILE --rev REV (against the file as it is now), or OLD NEW, not both")
        if len(revs) > 2:
            raise click.BadParameter("give --rev once or twice", param_hint="'--rev'")
        before = load_revision(old, revs[0])
        after = load_revision(old, revs[1]) if len(revs) == 2 else load_glossary_file(old, use_store=False)
        labels = (f"{old}@{revs[0]}", f"{old}@{revs[1]}" if len(revs) == 2 else old)
    else:
        if new is None:
            raise click.UsageError("give two glossaries (OLD NEW), or one with --rev REV")
        before, after = load_glossary_file(old, use_store=False), load_glossary_file(new, use_store=False)
        labels = (old, new)
    result = diff_glossaries(before, after)
    if as_json:
        data = result.to_dict()
        data["old"], data["new"] = labels
        echo_json(data)
        return
    for line in result.lines():
        click.echo(line)
    counts = result.counts()
    click.echo(
        f"{labels[0]} -> {labels[1]}: {counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed",
        err=True,
    )


COMMANDS: list[click.Command] = [set_cmd, unset, diff]
