"""`dragoman translate`: translate files (or stdin) into one or more languages, offline, with the glossary enforced."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from dragoman.commands.common import parse_lang_list, warn
from dragoman.commands.layering import layers_mode
from dragoman.commands.options import (
    engine_errors,
    engine_option_group,
    engine_options,
    format_option,
    from_option,
    glossary_option,
    no_memory_option,
    option_errors,
    to_option,
    use_drafts_option,
)
from dragoman.integrity import CODES as INTEGRITY_CODES


def _targets(value: tuple[str, ...]) -> list[str]:
    from dragoman.errors import LanguageError
    from dragoman.languages import validate_code

    targets: list[str] = []
    for item in value:
        for code in parse_lang_list(item):
            with option_errors("'--to'", LanguageError):
                validate_code(code)
            if code not in targets:
                targets.append(code)
    if not targets:
        raise click.BadParameter("give at least one target language, e.g. --to ms,fa", param_hint="'--to'")
    return targets


def _size(value: str | None) -> int | None:
    if value is None:
        return None
    from dragoman.inputs import parse_size

    with option_errors("'--max-input-size'", ValueError):
        return parse_size(value)


def _interactive() -> bool:
    """Whether a question can be asked: someone is at a terminal (a pipe or a script gets the error instead)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _install_missing(err: Any, install: bool, quiet: bool) -> None:
    """Install the packages a MissingModelError names, after asking on a terminal; else re-raise it."""
    from dragoman import packages

    labels = " and ".join(f"{s}->{t}" for s, t in err.missing)
    if not install:
        if not _interactive():
            raise err
        if not click.confirm(f"{err.message}. Download and install {labels} from the package index?", err=True):
            raise err
    for source, target in err.missing:
        if not quiet:
            click.echo(f"installing {source}->{target} from the package index ...", err=True)
        bar_state: dict[str, Any] = {}

        def progress(
            done: int, total: int | None, _state: dict[str, Any] = bar_state, _label: str = f"{source}->{target}"
        ) -> None:
            if quiet or not sys.stderr.isatty() or not total:
                return
            bar = _state.get("bar")
            if bar is None:
                bar = click.progressbar(length=total, label=_label, file=sys.stderr)
                bar.__enter__()
                _state["bar"], _state["done"] = bar, 0
            bar.update(done - _state["done"])
            _state["done"] = done

        try:
            pkg = packages.install_from_index(source, target, progress=progress)
        finally:
            if "bar" in bar_state:
                bar_state["bar"].__exit__(None, None, None)
        if not quiet:
            click.echo(f"installed {pkg.name} {pkg.package_version}", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class _Bar:
    """Progress on stderr, only on a terminal and without -q."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if done == 0 or self._bar is None:  # a new route starts (the pipeline's progress only moves forward)
            self.close()
            self._bar = click.progressbar(length=total, label="translating", file=sys.stderr, show_pos=True)
            self._bar.__enter__()
            self._done = 0
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


# Names a WriteGuard holds at a time when the report is checked against an archive's inputs and outputs.
_GUARD_BATCH = 1000


def _refuse_report_over(
    report_path: Path, inputs: Sequence[Path], outputs: Iterable[tuple[Path, str]], force: bool
) -> None:
    """Raise what ``WriteGuard(inputs, force=force)``, with every (path, what) of ``outputs`` added, would raise
    for writing the report (an input, a translation, another kind of file), holding _GUARD_BATCH names at a time:
    a guard costs hundreds of bytes a name, and an archive has tens of thousands (outputs may be read from disk)."""
    from dragoman.fsutil import WriteGuard

    for start in range(0, len(inputs), _GUARD_BATCH):
        WriteGuard(inputs[start : start + _GUARD_BATCH]).check(report_path, None, "the report")
    guard, held = WriteGuard(), 0
    for path, what in outputs:
        guard.add_output(path, what)
        held += 1
        if held == _GUARD_BATCH:
            guard.check(report_path, None, "the report")
            guard, held = WriteGuard(), 0
    guard.check(report_path, None, "the report")
    WriteGuard(force=force).check(report_path, "report", "the report")


@click.command()
# FILE arguments stay str (click.Path(path_type=Path) would build a Path object per argument, and an archive's
# command line has tens of thousands); they are packed into an InputList below.
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True))
@from_option(help="Source language code, or 'auto' to detect it offline.")
@to_option("targets", help="Target language(s), comma-separated or repeated.", multiple=True, metavar="LANG[,LANG...]")
@glossary_option
@click.option(
    "--outdir",
    "-o",
    type=click.Path(path_type=Path, file_okay=False),
    help="Directory for the translations (default: next to each input).",
)
@format_option()
@click.option(
    "--cue-width",
    type=click.IntRange(10, 200),
    default=42,
    show_default=True,
    help="Subtitles (SRT, WebVTT): most characters on a line of a translated cue.",
)
@click.option(
    "--cue-lines",
    type=click.IntRange(1, 10),
    default=2,
    show_default=True,
    help="Subtitles: lines a translated cue is reflowed to (more only when the words cannot fit).",
)
@click.option(
    "--recursive", "-r", is_flag=True, help="Translate the files of each FILE that is a folder, and of its subfolders."
)
@click.option(
    "--files-from",
    "files_from",
    metavar="LIST",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Also translate the files listed in LIST, one path a line ('-': stdin), as tar -T and rsync "
    "--files-from read it: for archives whose paths do not fit on a command line.",
)
@click.option(
    "--include",
    "include",
    multiple=True,
    metavar="PATTERN",
    help="With -r: only files matching PATTERN ('*.docx', 'news/*.md'); repeat for several. "
    "Default: every file a reader knows.",
)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME[,NAME...]",
    help="JSON lines: the fields of each record to translate (comma-separated or repeated).",
)
@engine_option_group("--beam", "--threads", "--compute-type", "--device", "--workers")
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Translate on a Dask cluster: a scheduler address (tcp://HOST:8786) or local:N for N local "
    "worker processes. Needs dragoman[dask].",
)
@click.option(
    "--digits",
    type=click.Choice(("keep", "native", "latin")),
    default="keep",
    show_default=True,
    help="Digits in the output: as the model wrote them, the target's native digits (Persian ۱۲۳), or 0-9.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a JSON report (routes, terms, statistics) to this file.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing file of another kind (a glossary, an article) with the report or a translation.",
)
@click.option(
    "--max-input-size",
    "max_input_size",
    metavar="SIZE",
    envvar="DRAGOMAN_MAX_INPUT_SIZE",
    callback=lambda _ctx, _param, value: _size(value),
    help="Refuse an article, glossary or stdin larger than this (e.g. 500M, 2G; default 100M). "
    "Env: DRAGOMAN_MAX_INPUT_SIZE.",
)
@click.option("--install-missing", is_flag=True, help="Install missing models from the package index without asking.")
@no_memory_option
@use_drafts_option
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 when a glossary term could not be enforced or an integrity check still fails "
    f"after repair ({', '.join(INTEGRITY_CODES)}; docs/report.md).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary of the run on stdout.")
def translate(
    files: tuple[str, ...],
    source: str,
    targets: tuple[str, ...],
    glossaries: tuple[Path, ...],
    outdir: Path | None,
    format_name: str | None,
    cue_width: int,
    cue_lines: int,
    fields: tuple[str, ...],
    recursive: bool,
    files_from: str | None,
    include: tuple[str, ...],
    engine_name: str,
    engine_option_pairs: tuple[str, ...],
    cluster: str | None,
    digits: str,
    report_path: Path | None,
    force: bool,
    max_input_size: int | None,
    install_missing: bool,
    no_memory: bool,
    use_drafts: bool,
    strict: bool,
    quiet: bool,
    as_json: bool,
) -> None:
    """Translate articles offline, enforcing the glossary.

    Each FILE is written as STEM.LANG.EXT next to it (or in --outdir); with no FILE, stdin is
    translated to stdout. Formats (by extension or --format): plain text, Markdown, HTML, DOCX, ODT,
    SRT, WebVTT, XLIFF and JSON lines keep their structure; see docs/formats.md.

    \b
    Examples:
      dragoman translate article.txt --from en --to ms,fa -g glossaries/news.yaml
      dragoman translate news/*.md --to ms -o out/ --report report.json
      cat article.md | dragoman translate --to ms --format markdown > article.ms.md
      dragoman translate article.ms.txt --from ms --to fa      # pivots through English
      dragoman translate article.txt --from auto --to fa --install-missing
      dragoman translate desk/ -r --include '*.docx' --to fa -o out/
      find archive -name '*.txt' | dragoman translate --files-from - --to ms -o out/
      dragoman translate archive.jsonl --field title,text --to ms
      dragoman translate -r archive/ --to ms,fa -o out/ --cluster tcp://scheduler:8786
    """
    from dragoman.errors import LanguageError
    from dragoman.inputs import input_size_limit
    from dragoman.languages import validate_code

    click.get_current_context().with_resource(input_size_limit(max_input_size))

    target_list = _targets(targets)
    if source != "auto":
        with option_errors("'--from'", LanguageError):
            validate_code(source)
        if source in target_list:
            raise click.BadParameter(
                f"{source} is the source language; translate into another one", param_hint="'--to'"
            )

    options = engine_options(engine_name, engine_option_pairs)
    from dragoman.pipeline.inputlist import InputList

    given = InputList(files)
    if files_from is not None:
        from dragoman.pipeline.inputlist import read_path_list

        read_path_list(files_from, into=given)  # a missing or bad list: one line naming it (and the line), exit 1
    # Checked before any work: the report must not replace an input, a translation of this run, or
    # (without --force) a file that is not a report.
    if report_path is not None:
        from dragoman.pipeline.run import possible_output_paths

        names = (
            (path, f"the translation {path}")
            for start in range(0, len(given), _GUARD_BATCH)
            for path in possible_output_paths(given[start : start + _GUARD_BATCH], source, target_list, outdir)
        )
        with option_errors("'--report'"):
            _refuse_report_over(report_path, given, names, force)
    stdin_text: str | None = None
    if not given:
        if len(target_list) > 1:
            raise click.BadParameter(
                "stdin is translated to stdout, so give one --to language (or translate a file)", param_hint="'--to'"
            )
        if sys.stdin.isatty():
            raise click.UsageError("no input: give FILE... or pipe text into dragoman translate")
        from dragoman.formats import is_binary

        if format_name and is_binary(format_name):
            raise click.BadParameter(
                f"{format_name} is read from a file, not stdin; give the file", param_hint="'--format'"
            )
        from dragoman.inputs import read_stdin

        stdin_text = read_stdin()

    from dragoman.cache import TranslationMemory
    from dragoman.pipeline.folders import expand_inputs
    from dragoman.pipeline.job import prepare_job
    from dragoman.pipeline.run import ARCHIVE_WINDOW, InputDoc, translate_job

    if include and not recursive:
        raise click.BadParameter("--include selects files of folders walked with -r; add -r", param_hint="'--include'")
    walked = expand_inputs(given, recursive, include, outdir)
    if given and not walked.files:
        raise click.UsageError("no file to translate in the folders given (check --include)")
    with engine_errors(engine_option_pairs):
        prepared = prepare_job(
            source=source,
            targets=target_list,
            inputs=walked.files,
            stdin_text=stdin_text,
            glossary=list(glossaries),
            engine=engine_name,
            engine_options=options,
            outdir=outdir,
            format_name=format_name,
            use_memory=not no_memory,
            digits=digits,
            include_drafts=use_drafts,
            warn=warn,
            keep_for_process=True,
            force=force,
            layers=layers_mode(),
        )
    job, engine, glossary = prepared.job, prepared.engine, prepared.job.glossary
    job.walk = walked.walk
    job.format_options = {
        "line_length": cue_width,
        "lines": cue_lines,
        "fields": [name.strip() for item in fields for name in item.split(",") if name.strip()],
    }

    def print_bad_inputs(docs: Sequence[InputDoc]) -> None:
        for doc in docs:
            if doc.error is not None:
                click.echo(f"error: {doc.error}", err=True)

    runner = None
    if cluster is not None:
        from dragoman.cluster import ClusterRunner

        # The workers build their engine from the same name and options as this one.
        runner = ClusterRunner(cluster, engine_name, options)
    bar = _Bar(enabled=not quiet and not as_json and sys.stderr.isatty())
    memory = None if no_memory else TranslationMemory(warn=warn)
    try:
        docs, result = translate_job(
            job,
            engine,
            memory,
            progress=bar,
            on_inputs=print_bad_inputs,
            install_missing=lambda err: _install_missing(err, install_missing, quiet),
            runner=runner,
            window=ARCHIVE_WINDOW,
        )
    finally:
        bar.close()
        if runner is not None:
            runner.close()
        if memory is not None:
            memory.close()
        engine.close()

    for message in result.errors:
        if message not in (doc.error for doc in docs):
            click.echo(f"error: {message}", err=True)
    if stdin_text is not None and not as_json:
        for out in result.outputs:
            click.echo(out.text, nl=False)
    from dragoman.pipeline import report as term_report

    if report_path is not None:
        from dragoman.pipeline.provenance import changes_since_report, describe_change

        # A re-run that writes over an earlier report names the outputs that changed and the entries why.
        changes = changes_since_report(report_path, result.report)
        if changes is not None:
            result.report["provenance"]["changes_since_last_report"] = changes
            if not quiet and not as_json:
                for change in changes:
                    click.echo(f"note: {describe_change(change)}", err=True)
        written = (
            (out.path, f"the {out.target} translation of {out.input}") for out in result.outputs if out.path is not None
        )
        _refuse_report_over(report_path, given, written, force)
        term_report.write_report(report_path, result.report)  # streamed: memory flat however long the report

    if not quiet and not as_json:
        if glossary is not None:
            click.echo(term_report.format_summary(result.report), err=True)
        if any(doc["integrity"] for doc in result.report["documents"]):
            click.echo(term_report.format_integrity(result.report), err=True)
    term_exit = term_report.exit_code(result.report, strict)
    if as_json:
        keys = ("routes", "pivots", "outputs", "errors", "stats", "summary", "cluster")
        data = {k: result.report[k] for k in keys if k in result.report}
        if stdin_text is not None:
            data["outputs"] = [dict(item, text=out.text) for item, out in zip(data["outputs"], result.outputs)]
        # As echo_json prints it, an archive's outputs read back from disk one at a time.
        term_report.dump_json(data, lambda text: click.echo(text, nl=False))
        click.echo()
    elif not quiet:
        for out in result.outputs:
            if out.path is not None:
                noun = "segment" if out.segments == 1 else "segments"
                verb = "wrote" if out.changed else "unchanged"
                click.echo(f"{verb} {out.path} ({out.route}, {out.segments} {noun})", err=True)
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        for pair, label in result.routes.items():
            if label.count("->") > 1:
                click.echo(f"note: {pair} has no direct model; translated through English ({label})", err=True)
        s = result.stats
        if s.unique:
            cluster_workers: dict[str, Any] = result.report.get("cluster", {}).get("workers", {})
            where = f" on {_count(len(cluster_workers), 'cluster worker')}" if cluster_workers else ""
            click.echo(
                f"{_count(s.unique, 'unique segment')}: {s.memory_hits} from the translation memory, "
                f"{s.translated} translated in {_count(s.engine_calls, 'engine call')}{where} ({s.seconds:.1f} s)",
                err=True,
            )
    failed = len([doc for doc in docs if doc.error is not None])
    if result.errors:
        total = result.inputs  # a windowed run returns only the docs that failed
        if failed == total:
            summary = "nothing was translated" if total == 1 else f"none of the {total} inputs could be translated"
        elif failed:
            summary = f"{failed} of {total} inputs could not be translated; the others were written"
        else:
            summary = f"{len(result.errors)} problem(s) while writing the translations"
        click.echo(f"error: {summary}", err=True)
        sys.exit(1)
    if term_exit:
        if quiet and not as_json:
            # -q hides the summary, but an exit status needs its reason (the summary says it otherwise).
            counts = result.report.get("summary") or {}
            reasons = [
                f"{counts.get('violations', 0)} glossary violation(s)",
                f"{counts.get('forbidden_found', 0)} forbidden term(s) left",
            ]
            if counts.get("integrity"):
                reasons.append(f"{counts['integrity']} integrity finding(s)")
            click.echo(f"error: --strict: {', '.join(reasons)}", err=True)
        sys.exit(term_exit)
