"""The data of the integrity checks: a segment pair to check, a finding, a registered check, the registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Changes whenever a check could judge the same pair differently: the translation memory records which version
# found a stored translation clean, and only such records skip the checks on a re-run.
CHECKS_VERSION = 1

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class LengthBand:
    """Allowed output/source length ratio (characters without spaces) for segments long enough to judge."""

    low: float
    high: float


@dataclass(frozen=True)
class SegmentPair:
    """One source segment and its translation, with what the checks need to know about them.

    ``exclude``: source spans (start, end) that are not counted by `untranslated` (glossary terms,
    do-not-translate spans: copying them is right). ``verbatim``: source texts that must reach the output
    unchanged (inline code, ``translate="no"`` content); `markup` reports each one missing.
    ``placeholder_forms``: the placeholder families ("ZXQ{n}") whose pieces are debris in the output
    (None: every family dragoman may use). ``digits``: the run's ``--digits`` mode.
    ``length_band``: overrides the per-pair default band of `length`.
    """

    source: str
    output: str
    source_lang: str
    target_lang: str
    digits: str = "keep"
    placeholder_forms: Sequence[str] | None = None
    exclude: Sequence[tuple[int, int]] = ()
    verbatim: Sequence[str] = ()
    length_band: LengthBand | None = None


@dataclass(frozen=True)
class Finding:
    """One problem in one segment's output.

    ``check``: the stable code of the check (``numbers``, ``repetition``, ...); ``detail``: one line for a
    person; ``start``/``end``: the span in the output it is about (None: the whole segment or something
    missing from it); ``source_start``/``source_end``: the span in the source (a missing number), or None.
    """

    check: str
    detail: str
    severity: str = ERROR
    start: int | None = None
    end: int | None = None
    source_start: int | None = None
    source_end: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "check": self.check,
            "detail": self.detail,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "source_start": self.source_start,
            "source_end": self.source_end,
        }


REPAIRED = "repaired"
FLAGGED = "flagged"
ACTIONS = (REPAIRED, FLAGGED)


@dataclass(frozen=True)
class Outcome:
    """A finding in a translated segment and what the pipeline did about it: ``repaired`` (the output written
    passes the check) or ``flagged`` (the output written still fails it)."""

    finding: Finding
    action: str


CheckFunction = Callable[[SegmentPair], list[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered check: its code, severity, one-paragraph help, and the function."""

    code: str
    severity: str
    help: str
    function: CheckFunction = field(repr=False)

    def __call__(self, pair: SegmentPair) -> list[Finding]:
        return self.function(pair)


# code -> Check, in registration order (the order checks run and are documented in).
REGISTRY: dict[str, Check] = {}


def register(code: str, severity: str, help: str) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator: register ``function`` as the check ``code`` (translate-toolkit's checks, as a registry)."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def decorate(function: CheckFunction) -> CheckFunction:
        if code in REGISTRY:
            raise ValueError(f"integrity check {code!r} is registered twice")
        REGISTRY[code] = Check(code, severity, " ".join(help.split()), function)
        return function

    return decorate
