"""`dragoman glossary suggest | seed | review | approve`: grow a glossary from articles and CLDR, review drafts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dragoman.commands.common import echo_json, parse_lang_list, warn
from dragoman.commands.options import from_option, glossary_option, load_cli_glossaries, to_option

if TYPE_CHECKING:
    from dragoman.glossary.model import Glossary
    from dragoman.glossary.suggest import Candidate


def _langs(value: str | None, option: str) -> list[str]:
    from dragoman.errors import LanguageError
    from dragoman.languages import validate_code

    langs = parse_lang_list(value)
    try:
        for lang in langs:
            validate_code(lang)
    except LanguageError as err:
        raise click.BadParameter(str(err), param_hint=option) from None
    return langs


def _read_articles(paths: tuple[str, ...]) -> list[tuple[str, str]]:
    from dragoman.check import read_document

    docs: list[tuple[str, str]] = []
    for path in paths:
        if path == "-":
            from dragoman.inputs import read_stdin

            docs.append(("<stdin>", read_stdin()))
        else:
            docs.append((path, read_document(path)))
    return docs


@click.command()
@click.argument("articles", nargs=-1, required=True)
@glossary_option
@from_option(help="Language of the articles.")
@to_option(
    "targets",
    help="Pre-fill renderings in these languages (ms,fa) from an installed model.",
    required=False,
    metavar="LANG[,LANG...]",
)
@click.option(
    "--min-count",
    "-n",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Keep names seen at least N times (lower-case phrases: N+1), counting all articles.",
)
@click.option(
    "--phrases/--no-phrases", default=True, show_default=True, help="Also suggest recurring lower-case noun phrases."
)
@click.option("--json", "as_json", is_flag=True, help="Candidates as JSON on stdout.")
@click.option(
    "--draft",
    "draft",
    type=click.Path(dir_okay=True),
    default=None,
    help="Write the candidates as draft entries into this YAML (created or extended).",
)
def suggest(
    articles: tuple[str, ...],
    glossaries: tuple[Path, ...],
    source: str,
    targets: str | None,
    min_count: int,
    phrases: bool,
    as_json: bool,
    draft: str | None,
) -> None:
    """Suggest names and terms from ARTICLES that the glossary does not have yet.

    Capitalised names, acronyms, titles split from names, and recurring noun phrases, with how
    often and in how many articles they occur. Short forms are grouped under the full name
    ("Ibrahim" under "Anwar Ibrahim"); sentence-initial common words are skipped.
    With --draft the candidates become `status: draft` entries to review; with --to they get
    renderings from an installed model (still drafts: check them).

    \b
    Examples:
      dragoman glossary suggest today/*.txt -g glossaries/news.yaml
      dragoman glossary suggest article.txt -g news.yaml --to ms,fa --draft new.yaml
      dragoman glossary review new.yaml
    """
    from dragoman.glossary import suggest as suggest_mod

    (source,) = _langs(source, "--from") or ["en"]
    target_langs = _langs(targets, "--to")
    single = target_langs[0] if target_langs and len(target_langs) == 1 else None
    glossary = load_cli_glossaries(glossaries, source, single)
    docs = _read_articles(articles)
    candidates = suggest_mod.suggest(docs, glossary, source, min_count=min_count, phrases=phrases)
    if target_langs and candidates:
        _prefill(candidates, source, target_langs)
    if draft:
        written = _write_drafts(Path(draft), candidates, source, target_langs, glossary)
        click.echo(f"{draft}: {written} draft entries added; review with: dragoman glossary review {draft}", err=True)
    if as_json:
        echo_json({"candidates": [c.to_dict() for c in candidates]})
    elif not draft:
        if candidates:
            # The column names go to stderr so that `| sort -n` or `| cut` see only candidates.
            click.echo(f"{'count':>5s} {'docs':>4s}  {'kind':8s} {'type':13s} term", err=True)
        for cand in candidates:
            also = ", ".join(f"{form} {count}x" for form, count in cand.variants.items())
            extra = f"  (also: {also})" if cand.variants else ""
            rendered = "".join(f"  {lang}: {text}" for lang, text in cand.renderings.items())
            click.echo(
                f"{cand.count:5d} {cand.documents:4d}  {cand.kind:8s} {cand.type or '-':13s} "
                f"{cand.text}{extra}{rendered}"
            )
        if not candidates:
            click.echo("no new terms found", err=True)


def _prefill(candidates: list[Candidate], source: str, targets: list[str]) -> None:
    """Ask the Argos engine for renderings; without it (or a model) the drafts just stay empty."""
    from dragoman.engines import create_engine
    from dragoman.errors import DragomanError
    from dragoman.glossary.suggest import prefill

    try:
        engine = create_engine("argos")
    except DragomanError as err:
        warn(f"renderings not pre-filled: {err}")
        return
    with engine:
        try:
            missing = prefill(candidates, engine, source, targets)
        except DragomanError as err:
            warn(f"renderings not pre-filled: {err}")
            return
    for target in missing:
        warn(
            f"no {source}->{target} model installed, {target} renderings left empty; "
            f"run 'dragoman models install {source} {target}'"
        )


def _write_drafts(path: Path, candidates: list[Candidate], source: str, targets: list[str], glossary: Glossary) -> int:
    from dragoman.glossary.editor import GlossaryEditor, create_glossary
    from dragoman.glossary.suggest import draft_entries

    taken: set[str] = set(glossary.entries)
    if not path.exists():
        create_glossary(path, [source, *[t for t in targets if t != source]])
    with GlossaryEditor(path) as editor:
        taken |= set(editor.glossary.entries)
        entries = draft_entries(candidates, source, targets, taken)
        for entry in entries:
            editor.add_entry(entry)
    return len(entries)


@click.command()
@click.option("--cldr", is_flag=True, required=True, help="Take names from CLDR (through Babel).")
@click.option("--lang", "--langs", "-l", "langs", required=True, help="Languages to write, e.g. en,ms,fa.")
@click.option("--what", "-w", default="territories,cities,languages", show_default=True, help="Which CLDR name sets.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=True), help="Glossary to create or update.")
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Summary as JSON on stdout.")
def seed(cldr: bool, langs: str, what: str, output: str, dry_run: bool, as_json: bool) -> None:
    """Seed a glossary with the agreed names of countries, cities and languages from CLDR.

    Ids are stable (cldr-territory-my, cldr-city-asia-kuala-lumpur, cldr-language-fa) and each
    entry says `source: cldr`. Running it again updates what CLDR changed, never duplicates, and
    keeps every entry you edited since (and concepts the glossary already has under another id).
    Needs Babel: pip install 'dragoman[cldr]'.

    \b
    Examples:
      dragoman glossary seed --cldr --langs en,ms,fa -o places.yaml
      dragoman glossary seed --cldr --langs en,ms,fa --what territories,cities -o glossaries/news.yaml
    """
    from dragoman.glossary.seed import WHAT, seed_glossary

    lang_list = _langs(langs, "--langs")
    if not lang_list:
        raise click.BadParameter("give at least one language", param_hint="--langs")
    sets = parse_lang_list(what)
    unknown = [w for w in sets if w not in WHAT]
    if unknown or not sets:
        raise click.BadParameter(f"choose from: {', '.join(WHAT)}", param_hint="--what")
    plan = seed_glossary(output, lang_list, sets, dry_run=dry_run)
    summary = plan.summary()
    if as_json:
        echo_json(
            {
                "output": output,
                "dry_run": dry_run,
                "summary": summary,
                "kept_edited": plan.kept_edited,
                "kept_duplicate": [{"id": a, "existing": b} for a, b in plan.kept_duplicate],
            }
        )
        return
    for entry_id in plan.kept_edited:
        click.echo(f"kept {entry_id}: edited since it was seeded (or not from CLDR)", err=True)
    verb = "would add" if dry_run else "added"
    click.echo(
        f"{output}: {verb} {summary['added']}, updated {summary['updated']}, unchanged {summary['unchanged']}, "
        f"kept {summary['kept_edited']} edited, skipped {summary['kept_duplicate']} already present under another id"
    )


@click.command()
@click.argument("glossary_file", type=click.Path(dir_okay=True))
@click.option(
    "--status",
    type=click.Choice(["draft", "approved"]),
    default="draft",
    show_default=True,
    help="Which entries to list.",
)
@click.option("--json", "as_json", is_flag=True, help="Entries as JSON on stdout.")
def review(glossary_file: str, status: str, as_json: bool) -> None:
    """List the entries of GLOSSARY_FILE waiting for review (status: draft).

    \b
    Examples:
      dragoman glossary review new.yaml
      dragoman glossary approve new.yaml anwar-ibrahim pezeshkian
    """
    from dragoman.glossary.yamlio import entry_to_data, load_glossary

    glossary = load_glossary(glossary_file)
    entries = [e for e in glossary if e.status == status]
    if as_json:
        echo_json({"glossary": glossary_file, "status": status, "entries": [entry_to_data(e) for e in entries]})
        return
    for entry in entries:
        terms = "  ".join(f"{lang}: {side.preferred}" for lang, side in entry.terms.items() if side.preferred)
        click.echo(f"{entry.id}  [{entry.type or '-'}]  {terms}")
        if entry.note:
            click.echo(f"    {entry.note}")
    click.echo(f"{len(entries)} {status} entr{'y' if len(entries) == 1 else 'ies'} in {glossary_file}", err=True)


@click.command()
@click.argument("glossary_file", type=click.Path(dir_okay=True))
@click.argument("ids", nargs=-1)
@click.option("--all", "approve_all", is_flag=True, help="Approve every draft entry.")
def approve(glossary_file: str, ids: tuple[str, ...], approve_all: bool) -> None:
    """Approve draft entries of GLOSSARY_FILE (atomic; comments and formatting kept).

    \b
    Examples:
      dragoman glossary approve new.yaml anwar-ibrahim pezeshkian
      dragoman glossary approve new.yaml --all
    """
    from dragoman.errors import GlossaryError
    from dragoman.glossary.editor import GlossaryEditor

    if not ids and not approve_all:
        raise click.BadParameter("give entry ids, or --all", param_hint="IDS")
    already: list[str] = []
    with GlossaryEditor(glossary_file) as editor:
        targets = list(dict.fromkeys(ids)) or [e.id for e in editor.glossary if e.status == "draft"]
        # Every id is checked before anything changes, so a typo leaves the file untouched.
        for entry_id in targets:
            if not editor.has(entry_id):
                raise GlossaryError(
                    f"no entry {entry_id!r}", glossary_file, hint="list drafts with 'dragoman glossary review'"
                )
        drafts = {e.id for e in editor.glossary if e.status == "draft"}
        for entry_id in targets:
            if entry_id in drafts:
                editor.set_status(entry_id, "approved")
            else:
                already.append(entry_id)
    approved = len(targets) - len(already)
    message = f"{glossary_file}: approved {approved}"
    if already:
        message += f" (already approved: {', '.join(already)})"
    click.echo(message, err=True)


COMMANDS: list[click.Command] = [suggest, seed, review, approve]
