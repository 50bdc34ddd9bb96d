"""The Python API: translate a text with an enforced glossary, and check an existing translation.

The CLI is a thin layer over the same pipeline; these functions give scripts and notebooks the same
behaviour (translation memory, enforcement, the report) without click. Nothing heavy is imported until
a function is called.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from dragoman.engines.base import Engine
    from dragoman.glossary.model import Glossary

__all__ = ["GlossaryWarning", "Translation", "load_glossaries", "translate"]


class GlossaryWarning(UserWarning):
    """A glossary that will enforce less than it seems to: no terms for the target, or layers that conflict."""


@dataclass
class Translation:
    """A translated text and its report (the same JSON-shaped dict as ``dragoman translate --report``)."""

    text: str
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, int]:
        """``{terms_found, applied, variants, violations, forbidden_found, integrity}`` (the term counts are zeros
        without a glossary; ``integrity`` counts flagged integrity findings)."""
        return dict(self.report.get("summary") or {})

    @property
    def violations(self) -> list[dict[str, Any]]:
        """Every occurrence whose required rendering is not in the output (or whose forbidden term is)."""
        return [
            occ
            for doc in self.report.get("documents", [])
            for occ in doc.get("occurrences", [])
            if occ.get("status") not in ("applied", "variant")
        ]

    @property
    def integrity(self) -> list[dict[str, Any]]:
        """Every integrity finding, ``{segment, line, column, check, detail, action}`` (docs/report.md)."""
        return [item for doc in self.report.get("documents", []) for item in doc.get("integrity", [])]


def load_glossaries(
    paths: str | Path | Sequence[str | Path],
    *,
    source: str | None = None,
    target: str | None = None,
    layers: str = "fields",
) -> Glossary:
    """Load and layer glossaries (YAML, CSV, TSV, TBX), conflicts in ``.conflicts``.

    ``paths`` is one path (a str or a Path) or several; ``source``/``target`` say which languages a two-column
    CSV/TSV without a header holds (as ``--from``/``--to`` do on the command line). ``layers="fields"`` (as
    ``-g``): a later file overrides only the languages and fields it states; ``layers="replace"``: a later
    file's entry replaces the whole entry."""
    from dragoman.glossary.layers import load_glossaries as _load
    from dragoman.pipeline.job import check_layers, glossary_paths

    return _load(glossary_paths(paths), source=source, target=target, layers=check_layers(layers))


def translate(
    text: str,
    *,
    source: str,
    target: str,
    glossary: Glossary | str | Path | Sequence[str | Path] | None = None,
    engine: Engine | str = "argos",
    engine_options: Mapping[str, object] | None = None,
    format: str = "txt",
    use_memory: bool = True,
    digits: str = "keep",
    use_drafts: bool = False,
    layers: str = "fields",
) -> Translation:
    """Translate ``text`` from ``source`` into ``target``, enforcing ``glossary``.

    ``glossary`` is a loaded :class:`~dragoman.glossary.model.Glossary`, a path (str or Path) or a list of
    paths, read as ``dragoman translate -g`` reads them (a two-column CSV/TSV holds ``source`` and ``target``);
    ``engine`` an engine name (``argos``, ``argostranslate``, ``apertium``), built with ``engine_options``
    (what ``--engine-option KEY=VALUE`` sets, e.g. ``{"beam_size": 2}``), or an engine instance; ``format``
    one of ``txt``, ``markdown``, ``html``; ``use_drafts`` also applies entries with ``status: draft`` (as
    ``dragoman translate --use-drafts``); ``layers`` as in :func:`load_glossaries`. Warnings (a glossary without ``target`` terms, layering conflicts)
    go to the ``warnings`` module. Raises :class:`dragoman.errors.DragomanError` subclasses with a one-line
    message (a missing model names the command that installs it, a missing glossary file says so).
    """
    import warnings

    from dragoman.cache import TranslationMemory
    from dragoman.errors import DragomanError
    from dragoman.pipeline.job import prepare_job
    from dragoman.pipeline.run import InputDoc, translate_job

    prepared = prepare_job(
        source=source,
        targets=[target],
        stdin_text=text,
        glossary=glossary,
        engine=engine,
        engine_options=engine_options,
        format_name=format,
        write=False,
        use_memory=use_memory,
        digits=digits,
        include_drafts=use_drafts,
        warn=lambda message: warnings.warn(message, GlossaryWarning, stacklevel=3),
        layers=layers,
    )

    def refuse_bad_input(docs: Sequence[InputDoc]) -> None:
        for doc in docs:
            if doc.error is not None:
                raise DragomanError(str(doc.error))

    memory = TranslationMemory() if use_memory else None
    try:
        _, result = translate_job(prepared.job, prepared.engine, memory, on_inputs=refuse_bad_input)
    finally:
        if memory is not None:
            memory.close()
        prepared.close()
    if result.errors:
        raise DragomanError(str(result.errors[0]))
    return Translation(text=result.outputs[0].text, report=result.report)
