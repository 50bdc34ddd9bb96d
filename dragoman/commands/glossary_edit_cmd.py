"""`dragoman glossary new|add|remove|list|show|search|stats`: create, edit and inspect YAML glossaries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import click

from dragoman.commands.common import echo_json
from dragoman.errors import LanguageError
from dragoman.glossary.model import (
    CASE_MODES,
    ENTRY_TYPES,
    STATUSES,
    Entry,
    Glossary,
    LangTerms,
)
from dragoman.languages import validate_code

# ---------------------------------------------------------------- helpers for every command


def _parse_pairs(values: Sequence[str], option: str, fix: bool = False) -> list[tuple[str, str]]:
    """LANG=TEXT values; a control character is refused, and so is edge whitespace unless ``fix`` (--fix trims it)."""
    pairs = []
    for value in values:
        lang, sep, text = value.partition("=")
        lang = lang.strip()
        if not sep or not lang:
            raise click.BadParameter(f'{value!r} is not LANG=TEXT (e.g. fa="مسعود پزشکیان")', param_hint=option)
        try:
            validate_code(lang)
        except LanguageError as err:
            raise click.BadParameter(str(err), param_hint=option) from None
        if not text.strip():
            raise click.BadParameter(f"the {lang} text is empty", param_hint=option)
        # Refused here rather than written and then flagged by lint (E004) and refused by export.
        from dragoman.glossary.normalize import control_characters

        controls = control_characters(text)
        if controls:
            raise click.BadParameter(
                f"the {lang} text {text!r} contains control character {', '.join(controls)} (lint: E004); "
                "retype it without",
                param_hint=option,
            )
        if not fix:
            refuse_edge_space(text, lang, option)
        pairs.append((lang, text))
    return pairs


def refuse_edge_space(text: str, lang: str, option: str) -> None:
    """Edge whitespace is lint's W004 and export refuses it: refused here rather than written, naming --fix."""
    from dragoman.glossary.termfix import EDGE_CHARS

    if text != text.strip(EDGE_CHARS):
        raise click.BadParameter(
            f"the {lang} text {text!r} has leading or trailing space (lint: W004; export refuses it); "
            "give it without, or pass --fix to trim it",
            param_hint=option,
        )


def derive_id(terms: Sequence[tuple[str, str]]) -> str | None:
    """An id from the first term that has Latin letters: 'Masoud Pezeshkian' -> 'masoud-pezeshkian'."""
    from dragoman.glossary.schema import id_from_terms

    return id_from_terms(terms)


def _entry_json(entry: Entry) -> dict[str, Any]:
    from dragoman.glossary.yamlio import entry_to_data

    data = entry_to_data(entry)
    data["terms"] = {
        code: {"term": side.preferred, "variants": list(side.variants), "forbidden": list(side.forbidden)}
        for code, side in entry.terms.items()
    }
    data.setdefault("status", entry.status)
    data.setdefault("case", entry.case)
    data.setdefault("dnt", entry.dnt)
    data["origin"] = str(entry.origin)
    return data


def _load_one(path: str) -> Glossary:
    from dragoman.glossary.yamlio import load_glossary

    return load_glossary(path)


_file_argument = click.argument("file", type=click.Path(dir_okay=True))


# ---------------------------------------------------------------- new / add / remove


@click.command("new")
@_file_argument
@click.option("--lang", "--langs", "-l", "langs", required=True, help="Comma-separated language codes, e.g. en,ms,fa.")
@click.option("--name", help="A name for the glossary.")
@click.option("--description", help="What the glossary is for.")
def new(file: str, langs: str, name: str | None, description: str | None) -> None:
    """Create an empty glossary FILE (refuses to overwrite an existing file).

    \b
    Examples:
      dragoman glossary new desk.yaml --langs en,ms,fa
      dragoman glossary new sport.yaml -l en,fa --name "Sport desk"
    """
    from dragoman.glossary.editor import create_glossary

    codes = [c.strip() for c in langs.split(",") if c.strip()]
    if not codes:
        raise click.BadParameter("give at least one language code, e.g. en,ms,fa", param_hint="--langs")
    for code in codes:
        try:
            validate_code(code)
        except LanguageError as err:
            raise click.BadParameter(str(err), param_hint="--langs") from None
    create_glossary(file, codes, name, description)
    click.echo(f"created {file} ({', '.join(codes)})", err=True)


@click.command("add")
@_file_argument
@click.option("--id", "entry_id", help="Entry id (default: derived from the first term, e.g. masoud-pezeshkian).")
@click.option(
    "--term", "terms", multiple=True, required=True, metavar="LANG=TEXT", help="Preferred term; repeat per language."
)
@click.option("--variant", "variants", multiple=True, metavar="LANG=TEXT", help="Admitted variant; repeatable.")
@click.option("--forbidden", "forbidden", multiple=True, metavar="LANG=TEXT", help="Forbidden term; repeatable.")
@click.option("--type", "entry_type", type=click.Choice(ENTRY_TYPES), help="What the entry names.")
@click.option("--note", help="A note for translators.")
@click.option("--dnt", is_flag=True, help="Do not translate: keep the source form in every language.")
@click.option(
    "--case", "case", type=click.Choice(CASE_MODES), default="smart", show_default=True, help="How case is matched."
)
@click.option("--status", type=click.Choice(STATUSES), default="approved", show_default=True)
@click.option("--source", help="Where the entry comes from (provenance).")
@click.option("--replace", is_flag=True, help="Replace an existing entry with the same id.")
@click.option(
    "--fix",
    is_flag=True,
    help="Normalise what is written as 'glossary lint --fix' would (spaces, NFC, Persian letters in fa).",
)
def add(
    file: str,
    entry_id: str | None,
    terms: tuple[str, ...],
    variants: tuple[str, ...],
    forbidden: tuple[str, ...],
    entry_type: str | None,
    note: str | None,
    dnt: bool,
    case: str,
    status: str,
    source: str | None,
    replace: bool,
    fix: bool,
) -> None:
    """Add an entry to FILE (comments and formatting of the rest of the file are kept).

    The entry is linted as 'glossary lint' does: an error refuses it, a warning is printed; --fix applies
    the safe normalisations to what is written. To change one language of an entry use 'glossary set'.

    \b
    Examples:
      dragoman glossary add desk.yaml --type person \\
          --term en="Masoud Pezeshkian" --term ms="Masoud Pezeshkian" --term fa="مسعود پزشکیان" \\
          --variant fa="دکتر مسعود پزشکیان" --forbidden fa="پزشکیان مسعود"
      dragoman glossary add desk.yaml --id un --term en=UN --dnt --case sensitive
    """
    from dragoman.glossary.editor import GlossaryEditor
    from dragoman.glossary.yamlio import ID_RE

    term_pairs = _parse_pairs(terms, "--term", fix)
    variant_pairs = _parse_pairs(variants, "--variant", fix)
    forbidden_pairs = _parse_pairs(forbidden, "--forbidden", fix)
    if fix:
        from dragoman.glossary.edit_check import normalise_form

        term_pairs = [(lang, normalise_form(text, lang, "term")) for lang, text in term_pairs]
        variant_pairs = [(lang, normalise_form(text, lang, "variant")) for lang, text in variant_pairs]
        forbidden_pairs = [(lang, normalise_form(text, lang, "forbidden")) for lang, text in forbidden_pairs]
    if entry_id is None:
        entry_id = derive_id(term_pairs)
        if entry_id is None:
            raise click.BadParameter(
                "cannot derive an id from these terms; pass one, e.g. --id masoud-pezeshkian", param_hint="--id"
            )
    elif not ID_RE.match(entry_id):
        raise click.BadParameter(
            f"{entry_id!r}: use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit",
            param_hint="--id",
        )
    entry = Entry(id=entry_id, type=entry_type, note=note, dnt=dnt, case=case, status=status, source=source)
    for lang, text in term_pairs:
        if lang in entry.terms:
            raise click.BadParameter(f"two terms for {lang}; give the other one with --variant", param_hint="--term")
        entry.terms[lang] = LangTerms(preferred=text)
    for pairs, attr in ((variant_pairs, "variants"), (forbidden_pairs, "forbidden")):
        for lang, text in pairs:
            side = entry.terms.setdefault(lang, LangTerms())
            getattr(side, attr).append(text)
    with GlossaryEditor(file) as editor:
        existed = editor.has(entry_id)
        editor.add_entry(entry, replace=replace)
        from dragoman.commands.glossary_desk_cmd import lint_edit

        lint_edit(editor, file, entry_id)
    click.echo(f"{'replaced' if existed else 'added'} {entry_id} in {file}", err=True)


@click.command("remove")
@_file_argument
@click.argument("entry_ids", metavar="ID...", nargs=-1, required=True)
def remove(file: str, entry_ids: tuple[str, ...]) -> None:
    """Remove the entries with these ids from FILE.

    \b
    Example:
      dragoman glossary remove desk.yaml pezeshkian
    """
    from dragoman.glossary.editor import GlossaryEditor

    with GlossaryEditor(file) as editor:
        for entry_id in entry_ids:
            editor.remove_entry(entry_id)
    click.echo(f"removed {', '.join(entry_ids)} from {file}", err=True)


# ---------------------------------------------------------------- list / show / search / stats


def _check_lang(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return validate_code(value)
    except LanguageError as err:
        raise click.BadParameter(str(err), param_hint="--lang") from None


@click.command("list")
@_file_argument
@click.option("--lang", "-l", help="Show only this language's terms (and only entries that have one).")
@click.option("--type", "entry_type", type=click.Choice(ENTRY_TYPES), help="Only entries of this type.")
@click.option("--status", type=click.Choice(STATUSES), help="Only entries with this status.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_entries(file: str, lang: str | None, entry_type: str | None, status: str | None, as_json: bool) -> None:
    """List the entries of FILE, one per line: id, type, status, then the terms.

    \b
    Examples:
      dragoman glossary list glossaries/news.yaml
      dragoman glossary list glossaries/news.yaml --lang fa --type person
      dragoman glossary list desk.yaml --status draft --json
    """
    lang = _check_lang(lang)
    glossary = _load_one(file)
    chosen = [
        e
        for e in glossary
        if (entry_type is None or e.type == entry_type)
        and (status is None or e.status == status)
        and (lang is None or lang in e.terms)
    ]
    if as_json:
        echo_json([_entry_json(e) for e in chosen])
        return
    for entry in chosen:
        codes = [lang] if lang else list(entry.terms)
        shown = "; ".join(f"{c}: {entry.terms[c].preferred or '-'}" for c in codes if c in entry.terms)
        click.echo(f"{entry.id}\t{entry.type or '-'}\t{entry.status}\t{shown}")


@click.command("show")
@_file_argument
@click.argument("entry_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(file: str, entry_id: str, as_json: bool) -> None:
    """Show one entry of FILE in full.

    \b
    Example:
      dragoman glossary show glossaries/news.yaml masoud-pezeshkian
    """
    glossary = _load_one(file)
    entry = glossary.get(entry_id)
    if entry is None:
        import difflib

        from dragoman.errors import GlossaryError

        close = difflib.get_close_matches(entry_id, list(glossary.entries), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "see the ids with 'dragoman glossary list'"
        raise GlossaryError(f"no entry with id {entry_id!r}", file, hint=hint)
    if as_json:
        echo_json(_entry_json(entry))
        return
    click.echo(f"id: {entry.id}")
    if entry.type:
        click.echo(f"type: {entry.type}")
    click.echo(f"status: {entry.status}")
    if entry.dnt:
        click.echo("dnt: true")
    if entry.case != "smart":
        click.echo(f"case: {entry.case}")
    for code, side in entry.terms.items():
        line = f"{code}: {side.preferred or '-'}"
        if side.variants:
            line += f"  (variants: {', '.join(side.variants)})"
        if side.forbidden:
            line += f"  (forbidden: {', '.join(side.forbidden)})"
        click.echo(line)
    if entry.note:
        click.echo(f"note: {entry.note}")
    if entry.source:
        click.echo(f"source: {entry.source}")
    click.echo(f"defined at: {entry.origin}")


@click.command("search")
@_file_argument
@click.argument("query")
@click.option("--lang", "-l", help="Search only this language's terms.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def search(file: str, query: str, lang: str | None, as_json: bool) -> None:
    """Find entries whose terms contain QUERY (after normalisation: case, Arabic/Persian letters, digits, ZWNJ).

    \b
    Examples:
      dragoman glossary search glossaries/news.yaml pezeshk
      dragoman glossary search glossaries/news.yaml "پزشکيان" --lang fa
    """
    from dragoman.glossary.normalize import fold_case, normalize_term

    lang = _check_lang(lang)
    needle = fold_case(normalize_term(query))
    if not needle:
        raise click.BadParameter("the query is empty after normalisation", param_hint="QUERY")
    glossary = _load_one(file)
    hits: list[dict[str, str]] = []
    for entry in glossary:
        for code, side in entry.terms.items():
            if lang is not None and code != lang:
                continue
            forms = [("preferred", side.preferred)] if side.preferred else []
            forms += [("variant", v) for v in side.variants] + [("forbidden", f) for f in side.forbidden]
            for kind, form in forms:
                if needle in fold_case(normalize_term(form)):
                    hits.append({"id": entry.id, "lang": code, "kind": kind, "term": form})
    if as_json:
        echo_json(hits)
        return
    for hit in hits:
        click.echo(f"{hit['id']}\t{hit['lang']}\t{hit['kind']}\t{hit['term']}")
    if not hits:
        click.echo(f"no term contains {query!r}", err=True)


@click.command("stats")
@_file_argument
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def stats(file: str, as_json: bool) -> None:
    """Count the entries of FILE: coverage per language, types, drafts.

    \b
    Example:
      dragoman glossary stats glossaries/news.yaml --json
    """
    glossary = _load_one(file)
    data = glossary_stats(glossary)
    if as_json:
        echo_json(data)
        return
    total = data["entries"]
    click.echo(f"entries: {total}")
    click.echo(f"approved: {data['statuses']['approved']}  draft: {data['statuses']['draft']}  dnt: {data['dnt']}")
    click.echo("coverage:")
    for code, info in data["languages"].items():
        click.echo(
            f"  {code}: {info['terms']}/{total} ({info['coverage']:.0%})"
            f"  variants: {info['variants']}  forbidden: {info['forbidden']}"
        )
    click.echo("types:")
    for name, count in data["types"].items():
        click.echo(f"  {name}: {count}")


def glossary_stats(glossary: Glossary) -> dict[str, Any]:
    """Counts for `stats`: entries, per-language coverage, types, statuses."""
    total = len(glossary)
    languages: dict[str, dict[str, Any]] = {}
    codes = list(glossary.languages)
    for entry in glossary:
        for code in entry.terms:
            if code not in codes:
                codes.append(code)
    for code in codes:
        sides = [e.terms[code] for e in glossary if code in e.terms]
        with_term = sum(1 for s in sides if s.preferred)
        languages[code] = {
            "terms": with_term,
            "coverage": round(with_term / total, 4) if total else 0.0,
            "variants": sum(len(s.variants) for s in sides),
            "forbidden": sum(len(s.forbidden) for s in sides),
        }
    types = Counter(e.type or "untyped" for e in glossary)
    statuses = Counter(e.status for e in glossary)
    return {
        "entries": total,
        "languages": languages,
        "types": dict(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        "statuses": {s: statuses.get(s, 0) for s in STATUSES},
        "dnt": sum(1 for e in glossary if e.dnt),
    }


COMMANDS: list[click.Command] = [new, add, remove, list_entries, show, search, stats]

__all__ = ["COMMANDS", "derive_id", "glossary_stats"]
