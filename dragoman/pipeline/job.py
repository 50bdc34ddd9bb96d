"""Preparing a translation job: glossaries read and checked, the engine built from its declared options.

`dragoman translate` and :func:`dragoman.api.translate` both go through :func:`prepare_job`, so a glossary the
CLI reads (a two-column CSV by --from/--to, TBX, YAML; a path given as a str) the API reads too, with the same
warnings and the same one-line errors.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dragoman.engines.base import Engine
from dragoman.pipeline.inputlist import InputList
from dragoman.pipeline.run import TranslateJob

if TYPE_CHECKING:
    from dragoman.glossary.fields import LayerMode
    from dragoman.glossary.model import Glossary

GlossaryPaths = str | Path | Sequence[str | Path]


def glossary_paths(value: GlossaryPaths | None) -> list[Path]:
    """One path (a str or a Path) or several, as a list of paths; a str is a path, never a sequence of letters."""
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [Path(value)]
    return [Path(item) for item in value]


def target_warnings(glossary: Glossary, targets: Sequence[str], names: str) -> list[str]:
    """A glossary without the target language enforces nothing: say so rather than report "0 terms".

    ``glossary`` is the job's, already restricted (:meth:`Glossary.for_job`): the entries left are the ones the
    job enforces, so a target none of them has something for gets the warning.
    """
    from dragoman.glossary.model import enforces

    return [
        f"{names} has no {target} terms; nothing will be enforced in the {target} translation"
        for target in targets
        if not any(enforces(entry, target, include_drafts=True) for entry in glossary)
    ]


def check_layers(layers: str) -> LayerMode:
    """``layers`` if it is a layering mode (fields, replace), else a one-line DragomanError."""
    from dragoman.glossary.fields import LAYER_MODES

    for mode in LAYER_MODES:
        if layers == mode:
            return mode
    from dragoman.errors import DragomanError

    raise DragomanError(f"unknown layers mode {layers!r}; use one of: {', '.join(LAYER_MODES)}")


def load_job_glossary(
    paths: GlossaryPaths | None,
    source: str,
    targets: Sequence[str],
    *,
    include_drafts: bool = False,
    warn: Callable[[str], None] | None = None,
    keep_for_process: bool = False,
    layers: str = "fields",
) -> Glossary | None:
    """The glossary of a translation job, layered and restricted to what the job enforces, or None without one.

    Every supported format is read (YAML; CSV, TSV, TBX by extension); a two-column CSV/TSV without a header
    holds ``source`` and the single target (the job's --from and --to). The result keeps only the entries with
    something for one of ``targets``, drafts only with ``include_drafts`` (:meth:`Glossary.for_job`, done here
    once for the whole run). Layering conflicts and targets the glossary has no terms for go to ``warn``. ``layers`` is how later files override earlier ones (fields or
    replace: :func:`dragoman.glossary.layers.merge_layers`). ``keep_for_process`` parks the glossary's objects outside the
    garbage collector (gc.freeze), for a command that ends with the job.
    """
    from dragoman.glossary.layers import load_glossaries

    files = glossary_paths(paths)
    if not files:
        return None
    glossary = load_glossaries(
        files,
        source=None if source == "auto" else source,
        target=targets[0] if len(targets) == 1 else None,
        layers=check_layers(layers),
    )
    glossary = glossary.for_job(targets, include_drafts=include_drafts)
    if keep_for_process:
        # The glossary lives as long as the command; a big one is hundreds of thousands of objects that every
        # later full collection would walk again (a 10k-entry glossary: ~0.3 s of a 2 s re-run). Park them.
        gc.freeze()
    if warn is not None:
        for conflict in glossary.conflicts:
            warn(str(conflict))
        names = ", ".join(str(path) for path in files)
        for message in target_warnings(glossary, targets, names):
            warn(message)
    return glossary


@dataclass
class PreparedJob:
    """A job ready to run: what to translate, the glossary read, and the engine (closed by :meth:`close`
    when the job built it)."""

    job: TranslateJob
    engine: Engine
    owns_engine: bool = True
    warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        if self.owns_engine:
            self.engine.close()

    def __enter__(self) -> PreparedJob:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prepare_job(
    *,
    source: str,
    targets: Sequence[str],
    inputs: Sequence[Path] = (),
    stdin_text: str | None = None,
    glossary: Glossary | GlossaryPaths | None = None,
    engine: Engine | str = "argos",
    engine_options: Mapping[str, object] | None = None,
    outdir: Path | None = None,
    format_name: str | None = None,
    write: bool = True,
    use_memory: bool = True,
    digits: str = "keep",
    include_drafts: bool = False,
    warn: Callable[[str], None] | None = None,
    keep_for_process: bool = False,
    force: bool = False,
    layers: str = "fields",
) -> PreparedJob:
    """Build the engine from the options it declares, read the glossaries, and describe the job.

    The job's glossary is restricted here, once, to the entries it enforces (a rendering or forbidden forms in a
    target; drafts only with ``include_drafts``): routes, the translator and the enforcement use it as it is.

    ``engine`` is a name (built with ``engine_options``, KEY -> value as ``--engine-option`` gives them) or an
    instance (the caller keeps it). Bad options raise EngineError, a bad glossary GlossaryError (one line
    naming the file); the engine is built first, so a wrong option fails before a large glossary is read.
    """
    from dragoman.engines import build_engine
    from dragoman.errors import EngineError
    from dragoman.glossary.model import Glossary as GlossaryType

    warnings: list[str] = []

    def note(message: str) -> None:
        warnings.append(message)
        if warn is not None:
            warn(message)

    if isinstance(engine, str):
        instance, owned = build_engine(engine, engine_options), True
    else:
        if engine_options:
            raise EngineError("engine options apply to an engine given by name", "set them on the engine instance")
        instance, owned = engine, False
    try:
        if isinstance(glossary, GlossaryType):
            loaded: Glossary | None = glossary.for_job(targets, include_drafts=include_drafts)
        else:
            loaded = load_job_glossary(
                glossary,
                source,
                targets,
                include_drafts=include_drafts,
                warn=note,
                keep_for_process=keep_for_process,
                layers=layers,
            )
    except BaseException:
        if owned:
            instance.close()
        raise
    job = TranslateJob(
        inputs=InputList.of(inputs),  # packed: an archive's paths cost their bytes, not a Path object each
        source=source,
        targets=list(targets),
        stdin_text=stdin_text,
        glossary=loaded,
        outdir=outdir,
        format_name=format_name,
        write=write,
        use_memory=use_memory,
        digits=digits,
        include_drafts=include_drafts,
        force=force,
    )
    return PreparedJob(job=job, engine=instance, owns_engine=owned, warnings=warnings)


__all__ = ["PreparedJob", "check_layers", "glossary_paths", "load_job_glossary", "prepare_job", "target_warnings"]
