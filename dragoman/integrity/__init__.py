"""Segment integrity checks: is a translated segment sound as a whole (no loop, no debris, same numbers, ...)?

Every check is a small registered function with a stable code, a severity and a help text (translate-toolkit's
checks, as a registry); the help of `dragoman translate`, `dragoman check` and docs/report.md are generated from
the registry (``checks_help()``, ``checks_markdown()``).

The API, for the translate pipeline and for `dragoman check`:

    from dragoman.integrity import run_checks, Finding
    findings: list[Finding] = run_checks(source, output, source_lang="en", target_lang="fa")
    for f in findings:
        print(f.check, f.severity, f.detail, f.start, f.end, f.source_start, f.source_end)

``run_checks(source, output, *, source_lang, target_lang, digits="keep", placeholder_forms=None, exclude=(),
verbatim=(), length_band=None, checks=None)`` runs the checks named in ``checks`` (codes; None: all registered)
on one segment and its translation and returns their findings in registry order (empty: sound).
``exclude``: source (start, end) spans `untranslated` does not count (glossary terms, do-not-translate spans);
``verbatim``: source texts that must appear unchanged in the output (inline code); ``placeholder_forms``:
placeholder families ("ZXQ{n}") whose pieces are debris (None: all of calibration.CANDIDATE_FORMS).
``check_pair(SegmentPair)`` is the same with the arguments in one object. ``Finding`` offsets: ``start``/
``end`` in the output, ``source_start``/``source_end`` in the source; None where the finding is about the
whole segment. ``CHECKS`` is the registry (code -> Check with ``code``, ``severity``, ``help``);
``CODES`` the codes in order. ``Outcome(finding, action)`` is what the translate pipeline records per segment
(``action``: ``REPAIRED`` or ``FLAGGED``). ``remove_debris(pair)`` returns the output with placeholder pieces removed (or
None when there are none), for repairs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from dragoman.integrity import checks as _checks  # noqa: F401  (registers the built-in checks)
from dragoman.integrity.checks import debris_spans, length_band
from dragoman.integrity.model import (
    ACTIONS,
    CHECKS_VERSION,
    ERROR,
    FLAGGED,
    REGISTRY,
    REPAIRED,
    SEVERITIES,
    WARNING,
    Check,
    Finding,
    LengthBand,
    Outcome,
    SegmentPair,
    register,
)

CHECKS = REGISTRY
CODES: tuple[str, ...] = tuple(REGISTRY)


def check_pair(pair: SegmentPair, checks: Collection[str] | None = None) -> list[Finding]:
    """Run the registered checks (those in ``checks``, default all) on one segment pair."""
    if checks is not None:
        unknown = set(checks) - set(REGISTRY)
        if unknown:
            raise ValueError(f"unknown integrity check(s): {', '.join(sorted(unknown))}; known: {', '.join(REGISTRY)}")
    findings: list[Finding] = []
    for code, check in REGISTRY.items():
        if checks is None or code in checks:
            findings.extend(check(pair))
    return findings


def run_checks(
    source: str,
    output: str,
    *,
    source_lang: str,
    target_lang: str,
    digits: str = "keep",
    placeholder_forms: Sequence[str] | None = None,
    exclude: Sequence[tuple[int, int]] = (),
    verbatim: Sequence[str] = (),
    length_band: LengthBand | None = None,
    checks: Collection[str] | None = None,
) -> list[Finding]:
    """The findings of the integrity checks on one segment and its translation (see the module docstring)."""
    pair = SegmentPair(
        source=source,
        output=output,
        source_lang=source_lang,
        target_lang=target_lang,
        digits=digits,
        placeholder_forms=placeholder_forms,
        exclude=tuple(exclude),
        verbatim=tuple(verbatim),
        length_band=length_band,
    )
    return check_pair(pair, checks)


_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t\u00a0]+([.,;:!?،؛؟)\]])")


def remove_debris(pair: SegmentPair) -> str | None:
    """The output with every placeholder piece removed and the spacing around them tidied; None when the output
    holds no debris. The caller decides (by checking the result again) whether what is left is a sound sentence."""
    spans = debris_spans(pair)
    if not spans:
        return None
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        out.append(pair.output[cursor:start])
        cursor = end
    out.append(pair.output[cursor:])
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", "".join(out)))
    # A comma or a second full stop left where a piece stood: ", ." / ",." -> "."
    text = re.sub(r"\s*([,،])\s*([.!?؟])", r"\2", text)
    text = re.sub(r"([,،])(\s*[,،])+", r"\1", text)
    return text.strip()


def checks_help() -> str:
    """One line per check (code, severity, help), for command help texts."""
    return "\n".join(f"{c.code} ({c.severity}): {c.help}" for c in REGISTRY.values())


def checks_markdown() -> str:
    """The table of checks for docs/report.md (a test keeps the document equal to this)."""
    rows = ["| check | severity | what it finds |", "|---|---|---|"]
    for check in REGISTRY.values():
        text = check.help.replace("|", "\\|")
        rows.append(f"| `{check.code}` | {check.severity} | {text} |")
    return "\n".join(rows)


__all__ = [
    "ACTIONS",
    "CHECKS",
    "CHECKS_VERSION",
    "CODES",
    "ERROR",
    "FLAGGED",
    "REPAIRED",
    "SEVERITIES",
    "WARNING",
    "Check",
    "Finding",
    "LengthBand",
    "Outcome",
    "SegmentPair",
    "check_pair",
    "checks_help",
    "checks_markdown",
    "debris_spans",
    "length_band",
    "register",
    "remove_debris",
    "run_checks",
]
