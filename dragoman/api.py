"""The Python API: translate a text with an enforced glossary, and check an existing translation.

The CLI is a thin layer over the same pipeline; these functions give scripts and notebooks the same
behaviour (translation memory, enforcement, the report) without click. Nothing heavy is imported until
a function is called.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from dragoman.engines.base import Engine
    from dragoman.glossary.model import Glossary

__all__ = ["Translation", "load_glossaries", "translate"]


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


def load_glossaries(paths: Sequence[str | Path]) -> Glossary:
    """Load and layer glossaries (YAML, CSV, TSV, TBX): later files win, conflicts are in ``.conflicts``."""
    from dragoman.glossary.layers import load_glossaries as _load

    return _load(list(paths))


def translate(
    text: str,
    *,
    source: str,
    target: str,
    glossary: Glossary | Sequence[str | Path] | None = None,
    engine: Engine | str = "argos",
    format: str = "txt",
    use_memory: bool = True,
    digits: str = "keep",
    use_drafts: bool = False,
) -> Translation:
    """Translate ``text`` from ``source`` into ``target``, enforcing ``glossary``.

    ``glossary`` is a loaded :class:`~dragoman.glossary.model.Glossary` or a list of paths; ``engine`` an
    engine name (``argos``, ``argostranslate``, ``apertium``) or an engine instance; ``format`` one of
    ``txt``, ``markdown``, ``html``; ``use_drafts`` also applies entries with ``status: draft`` (as
    ``dragoman translate --use-drafts``). Raises :class:`dragoman.errors.DragomanError` subclasses with a
    one-line message (a missing model names the command that installs it).
    """
    from dragoman.cache import TranslationMemory
    from dragoman.engines import create_engine
    from dragoman.errors import DragomanError
    from dragoman.pipeline.run import InputDoc, TranslateJob, translate_job

    if glossary is not None and not hasattr(glossary, "entries"):
        glossary = load_glossaries(glossary)  # type: ignore[arg-type]
    owned = isinstance(engine, str)
    instance: Any = create_engine(engine) if isinstance(engine, str) else engine
    job = TranslateJob(
        inputs=[],
        source=source,
        targets=[target],
        stdin_text=text,
        glossary=glossary,  # type: ignore[arg-type]
        format_name=format,
        write=False,
        use_memory=use_memory,
        digits=digits,
        include_drafts=use_drafts,
    )

    def refuse_bad_input(docs: Sequence[InputDoc]) -> None:
        for doc in docs:
            if doc.error is not None:
                raise DragomanError(str(doc.error))

    memory = TranslationMemory() if use_memory else None
    try:
        _, result = translate_job(job, instance, memory, on_inputs=refuse_bad_input)
    finally:
        if memory is not None:
            memory.close()
        if owned:
            instance.close()
    if result.errors:
        raise DragomanError(str(result.errors[0]))
    return Translation(text=result.outputs[0].text, report=result.report)
