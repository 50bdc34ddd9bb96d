"""What `dragoman check` found: one Finding per problem, and the CheckReport that counts them."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"

# Glossary finding codes, with their severity. The integrity checks' codes and severities come
# from their registry (dragoman.integrity).
CODES: dict[str, str] = {
    "missing": ERROR,  # the source needs the preferred rendering more often than the translation has it
    "forbidden": ERROR,  # a forbidden term is in the translation
    "dnt-altered": ERROR,  # a do-not-translate term is there, but not verbatim
    "variant": WARNING,  # an admitted variant stands where the preferred rendering belongs
    "inconsistent": WARNING,  # one source term rendered in more than one way in the document
    "no-target": ERROR,  # an XLIFF job's unit the translator left without a translation
}


@dataclass
class Finding:
    """One problem. ``line`` is 1-based, in the source for term findings and in the translation for
    forbidden terms and integrity findings; ``file`` says which. ``entry_id`` is None for an
    integrity finding (it is about the segment, not a glossary entry)."""

    severity: str
    code: str
    entry_id: str | None
    message: str
    line: int | None = None
    file: str | None = None
    source_term: str | None = None
    expected: str | None = None
    found: str | None = None
    required_count: int | None = None
    found_count: int | None = None
    source_line: int | None = None  # integrity findings: the line of the source segment
    # Where in the file, for formats with such places: "cue 3", "record 7", "paragraph 12", "unit u4"
    # (DOCX, ODT and XLIFF jobs have no lines: there ``line`` and ``source_line`` are None).
    location: str | None = None
    source_location: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def format(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        if self.location:
            where = f"{where} ({self.location})"
        return f"{where}: {self.severity}: [{self.code}] {self.message}"


@dataclass
class CheckReport:
    """The result of a check: counts, findings and how the two texts were aligned."""

    source_path: str | None
    target_path: str | None
    source_lang: str
    target_lang: str
    alignment: str  # "segment", "line" or "document" (dragoman.check.align)
    source_lines: int
    target_lines: int
    source_segments: int = 0
    target_segments: int = 0
    units: int = 0  # pairs compared
    format_name: str = "txt"
    terms_found: int = 0
    applied: int = 0
    variants: int = 0
    violations: int = 0
    forbidden_found: int = 0
    integrity_checks: list[str] = field(default_factory=list)  # the integrity checks that ran
    block_noun: str = "line"  # what the pairing by lines pairs: "paragraph" for DOCX/ODT, "unit" for XLIFF jobs
    untranslated_units: int | None = None  # an XLIFF job: units without a target (None: not a job)
    findings: list[Finding] = field(default_factory=list)
    # entry id -> the forms that rendered it (preferred or variant) and how often: document consistency
    renderings: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def integrity_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.entry_id is None and f.code not in CODES]

    def integrity_counts(self) -> dict[str, int]:
        """Integrity findings per check, every check that ran included (0 when clean)."""
        counts = dict.fromkeys(self.integrity_checks, 0)
        for finding in self.integrity_findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        return counts

    def summary(self) -> dict[str, int]:
        out = {
            "terms_found": self.terms_found,
            "applied": self.applied,
            "variants": self.variants,
            "violations": self.violations,
            "forbidden_found": self.forbidden_found,
            "integrity": len(self.integrity_findings),
        }
        if self.untranslated_units is not None:
            out["no_target"] = self.untranslated_units
        return out

    def exit_code(self, strict: bool = False) -> int:
        """1 when there are errors (or, with ``strict``, any finding), else 0."""
        if self.errors or (strict and self.findings):
            return 1
        return 0

    def alignment_note(self) -> str:
        def count(n: int, noun: str) -> str:
            return f"{n:,} {noun}{'' if n == 1 else 's'}"

        if self.alignment == "segment":
            return f"checked segment by segment ({count(self.units, 'segment')})"
        if self.alignment == "line":
            if self.source_segments == self.target_segments:
                why = "its segments are not in the same places as the source's"
            else:
                why = (
                    f"the source has {count(self.source_segments, 'segment')} and the translation "
                    f"{self.target_segments:,}"
                )
            noun = self.block_noun
            return f"checked {noun} by {noun} ({count(self.source_lines, noun)}): {why}, so segments cannot be paired"
        return (
            f"checked as one document: the source has {count(self.source_lines, self.block_noun)} and the translation "
            f"{self.target_lines:,}, and their segments differ, so neither can be paired"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source_path,
            "translation": self.target_path,
            "from": self.source_lang,
            "to": self.target_lang,
            "format": self.format_name,
            "alignment": self.alignment,
            "pairs": self.units,
            "summary": self.summary(),
            "integrity_counts": self.integrity_counts(),
            "findings": [f.to_dict() for f in self.findings],
        }
