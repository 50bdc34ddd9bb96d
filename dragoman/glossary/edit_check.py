"""Lint what `glossary add` and `glossary set` are about to write: the same checks as `glossary lint`, on one entry."""

from __future__ import annotations

import tempfile
from pathlib import Path

from dragoman.errors import GlossaryError
from dragoman.glossary.lint import ERROR, INFO, Finding, fix_term, lint_glossary


def normalise_form(text: str, lang: str, kind: str) -> str:
    """``--fix`` for one form being written: the safe normalisations of `glossary lint --fix`.

    Trimmed edges, single spaces and NFC for every form; a preferred term or variant in Persian also gets the
    Persian letters (Arabic yeh ي -> ی, kaf ك -> ک). A forbidden form keeps its letters: an Arabic spelling is
    often exactly what is forbidden.
    """
    return fix_term(text, lang if kind != "forbidden" else "und")


def lint_entry_text(text: str, path: str, entry_id: str) -> list[Finding]:
    """The findings (warnings and errors, not infos) that `glossary lint` reports for ``entry_id`` in ``text``.

    ``text`` is the glossary as it would be written; the findings name ``path`` and the lines of ``text``.
    The linter reads files, so the text is linted as a file of the same name in a private temporary folder.
    """
    with tempfile.TemporaryDirectory(prefix="dragoman-lint-") as folder:
        probe = Path(folder) / (Path(path).name or "glossary.yaml")
        probe.write_text(text, encoding="utf-8")
        report = lint_glossary(probe)
    found = []
    for finding in report.findings:
        if finding.entry == entry_id and finding.severity != INFO:
            finding.path = path
            found.append(finding)
    return found


def refuse_errors(findings: list[Finding], path: str) -> None:
    """Raise the first error finding as a one-line GlossaryError (nothing is written)."""
    for finding in findings:
        if finding.severity == ERROR:
            raise GlossaryError(
                f"{finding.code} {finding.name}: {finding.message}; nothing written",
                path,
                finding.line,
                finding.column,
                hint=finding.fix or "fix the value and run the command again",
            )
