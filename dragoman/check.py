"""QA of an existing translation against the glossary: missing, variant, forbidden, inconsistent, altered dnt terms."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dragoman.glossary.match import Pattern, TermMatch, TermMatcher, count_form
from dragoman.glossary.model import Entry, Glossary
from dragoman.languages import validate_code

ERROR = "error"
WARNING = "warning"

# Finding codes, with their severity.
CODES: dict[str, str] = {
    "missing": ERROR,  # the source needs the preferred rendering more often than the translation has it
    "forbidden": ERROR,  # a forbidden term is in the translation
    "dnt-altered": ERROR,  # a do-not-translate term is there, but not verbatim
    "variant": WARNING,  # an admitted variant stands where the preferred rendering belongs
    "inconsistent": WARNING,  # one source term rendered in more than one way in the document
}


@dataclass
class Finding:
    """One problem. ``line`` is 1-based, in the source for term findings and in the translation for forbidden ones."""

    severity: str
    code: str
    entry_id: str
    message: str
    line: int | None = None
    file: str | None = None
    source_term: str | None = None
    expected: str | None = None
    found: str | None = None
    required_count: int | None = None
    found_count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def format(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity}: [{self.code}] {self.message}"


@dataclass
class CheckReport:
    """The result of :func:`check_translation`: counts, findings and how the two texts were aligned."""

    source_path: str | None
    target_path: str | None
    source_lang: str
    target_lang: str
    alignment: str  # "line" (same number of lines: checked line by line) or "document"
    source_lines: int
    target_lines: int
    terms_found: int = 0
    applied: int = 0
    variants: int = 0
    violations: int = 0
    forbidden_found: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def summary(self) -> dict[str, int]:
        return {
            "terms_found": self.terms_found,
            "applied": self.applied,
            "variants": self.variants,
            "violations": self.violations,
            "forbidden_found": self.forbidden_found,
        }

    def exit_code(self, strict: bool = False) -> int:
        """1 when there are errors (or, with ``strict``, any finding), else 0."""
        if self.errors or (strict and self.findings):
            return 1
        return 0

    def alignment_note(self) -> str:
        if self.alignment == "line":
            plural = "line" if self.source_lines == 1 else "lines"
            return f"checked line by line ({self.source_lines} {plural})"
        return (
            f"checked as one document: the source has {self.source_lines} lines and the translation "
            f"{self.target_lines}, so lines cannot be paired"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source_path,
            "translation": self.target_path,
            "from": self.source_lang,
            "to": self.target_lang,
            "alignment": self.alignment,
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.findings],
        }


@dataclass
class _Required:
    """One source occurrence that needs a rendering in the translation."""

    match: TermMatch
    entry: Entry
    rendering: str
    line: int


@dataclass
class _Unit:
    """A piece of source and the translation it must correspond to (a line pair or the whole document)."""

    source: str
    target: str
    source_line_starts: list[int]  # offsets where each line starts, for line numbers in document mode
    target_line_starts: list[int]
    first_line: int  # 1-based number of the unit's first line


def read_document(path: str | Path) -> str:
    """Read a text to check, with the project's input checks (missing, binary, not UTF-8, empty)."""
    from dragoman.inputs import read_text_file

    return read_text_file(path)


def check_files(
    source_path: str | Path,
    target_path: str | Path,
    glossary: Glossary,
    source: str,
    target: str,
    *,
    include_drafts: bool = False,
) -> CheckReport:
    """Read both files and check the translation (see :func:`check_translation`)."""
    source_text = read_document(source_path)
    target_text = read_document(target_path)
    return check_translation(
        source_text,
        target_text,
        glossary,
        source,
        target,
        source_path=str(source_path),
        target_path=str(target_path),
        include_drafts=include_drafts,
    )


def check_translation(
    source_text: str,
    target_text: str,
    glossary: Glossary,
    source: str,
    target: str,
    *,
    source_path: str | None = None,
    target_path: str | None = None,
    include_drafts: bool = False,
) -> CheckReport:
    """Check ``target_text`` (a translation of ``source_text``) against ``glossary``.

    When both texts have the same number of lines they are checked line by line; otherwise
    as one document. For every glossary term found in the source, the translation must hold
    the required rendering (preferred, or the source form of a ``dnt`` entry verbatim) as many
    times as the source needs it; renderings shared by several entries are counted together.
    Draft entries are ignored unless ``include_drafts``.
    """
    validate_code(source)
    validate_code(target)
    checker = _Checker(glossary, source, target, include_drafts, source_path, target_path)
    src_lines = source_text.splitlines()
    tgt_lines = target_text.splitlines()
    # Trailing blank lines do not make two files misaligned.
    while src_lines and not src_lines[-1].strip():
        src_lines.pop()
    while tgt_lines and not tgt_lines[-1].strip():
        tgt_lines.pop()
    report = CheckReport(
        source_path=source_path,
        target_path=target_path,
        source_lang=source,
        target_lang=target,
        alignment="line" if len(src_lines) == len(tgt_lines) else "document",
        source_lines=len(src_lines),
        target_lines=len(tgt_lines),
    )
    if report.alignment == "line":
        units = [_Unit(s, t, [0], [0], i + 1) for i, (s, t) in enumerate(zip(src_lines, tgt_lines))]
    else:
        units = [_Unit(source_text, target_text, _line_starts(source_text), _line_starts(target_text), 1)]
    for unit in units:
        checker.check_unit(unit, report)
    checker.finish(report)
    return report


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, char in enumerate(text):
        if char == "\n":
            starts.append(i + 1)
    return starts


def _line_of(starts: list[int], offset: int, first_line: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return first_line + lo


class _Checker:
    """Matchers and per-document state for one check run."""

    def __init__(
        self,
        glossary: Glossary,
        source: str,
        target: str,
        include_drafts: bool,
        source_path: str | None,
        target_path: str | None,
    ) -> None:
        self.glossary = glossary
        self.source = source
        self.target = target
        self.source_path = source_path
        self.target_path = target_path
        self.source_matcher = TermMatcher.from_glossary(
            glossary, source, kinds=("preferred", "variant"), approved_only=not include_drafts
        )
        patterns: list[Pattern] = []
        self.rendering: dict[str, str] = {}
        for entry in glossary:
            if not include_drafts and not entry.approved:
                continue
            rendering = entry.render_for(target, source)
            if rendering:
                self.rendering[entry.id] = rendering
                patterns.append(Pattern(rendering, entry.case, entry.id, "preferred"))
            if not entry.dnt:
                for form in entry.variants_for(target):
                    patterns.append(Pattern(form, entry.case, entry.id, "variant"))
            for form in entry.forbidden_for(target):
                patterns.append(Pattern(form, entry.case, entry.id, "forbidden"))
        self.target_matcher = TermMatcher(patterns, target)
        # Entries whose renderings are the same once normalised are one rendering: the
        # translation holds it once per source occurrence of any of them.
        self.rendering_class: dict[str, frozenset[str]] = {}
        for entry_id, rendering in self.rendering.items():
            ids = {entry_id}
            for m in self.target_matcher.find(rendering):
                if m.start == 0 and m.end == len(rendering):
                    ids.update(i for i, k in zip(m.entry_ids, m.entry_kinds) if k == "preferred")
            self.rendering_class[entry_id] = frozenset(ids)
        # entry id -> Counter of the forms that rendered it, per unit, for the consistency check
        self.used_forms: dict[str, Counter[str]] = defaultdict(Counter)
        self.source_terms: dict[str, str] = {}
        self.first_line: dict[str, int] = {}

    # -- one unit ------------------------------------------------------------------------------

    def _required(self, unit: _Unit) -> list[_Required]:
        out: list[_Required] = []
        for m in self.source_matcher.find(unit.source):
            for entry_id in m.entry_ids:
                rendering = self.rendering.get(entry_id)
                entry = self.glossary.get(entry_id)
                if rendering and entry is not None:
                    line = _line_of(unit.source_line_starts, m.start, unit.first_line)
                    out.append(_Required(m, entry, rendering, line))
                    break
        return out

    def check_unit(self, unit: _Unit, report: CheckReport) -> None:
        required = self._required(unit)
        targets = self.target_matcher.find(unit.target)
        need: dict[frozenset[str], list[_Required]] = defaultdict(list)
        for req in required:
            need[self.rendering_class[req.entry.id]].append(req)
        report.terms_found += len(required)

        # Indexes into `targets`; each target match serves at most one source occurrence.
        have: dict[frozenset[str], list[int]] = defaultdict(list)
        variant_pool: dict[str, list[int]] = defaultdict(list)
        for index, m in enumerate(targets):
            preferred = [i for i, k in zip(m.entry_ids, m.entry_kinds) if k == "preferred"]
            if preferred:
                have[self.rendering_class.get(preferred[0], frozenset(preferred))].append(index)
            for entry_id, kind in zip(m.entry_ids, m.entry_kinds):
                if kind == "variant":
                    variant_pool[entry_id].append(index)
            if m.kind == "forbidden":
                self._forbidden(m, unit, report, required)

        used: set[int] = set()
        satisfied: dict[frozenset[str], int] = {}
        for key, reqs in need.items():
            take = have.get(key, [])[: len(reqs)]
            used.update(take)
            satisfied[key] = len(take)
            self._dnt(reqs, [targets[i] for i in take], unit, report)
        # A target match of a longer term this unit does not need may hold a needed rendering
        # inside it ("دولت مالزی" holds "مالزی"): count those occurrences too.
        spare = [i for i in range(len(targets)) if i not in used and targets[i].kind == "preferred"]
        for key, reqs in need.items():
            if satisfied[key] < len(reqs) and spare:
                rendering, case = reqs[0].rendering, reqs[0].entry.case
                for i in spare:
                    if key != self.rendering_class.get(targets[i].entry_id):
                        satisfied[key] += count_form(targets[i].text, rendering, self.target, case)
        for key, reqs in need.items():
            self._settle(reqs, min(satisfied[key], len(reqs)), targets, variant_pool, used, unit, report)

    def _settle(
        self,
        reqs: list[_Required],
        applied: int,
        targets: list[TermMatch],
        variant_pool: dict[str, list[int]],
        used: set[int],
        unit: _Unit,
        report: CheckReport,
    ) -> None:
        """Match the source occurrences needing one rendering to what the translation holds."""
        report.applied += applied
        for req in reqs[:applied]:
            self._used(req, req.rendering)
        missing: list[_Required] = []
        for req in reqs[applied:]:
            pool = [i for i in variant_pool.get(req.entry.id, []) if i not in used]
            if not pool:
                missing.append(req)
                continue
            used.add(pool[0])
            m = targets[pool[0]]
            report.variants += 1
            self._used(req, m.text)
            report.findings.append(
                Finding(
                    WARNING,
                    "variant",
                    req.entry.id,
                    f"'{req.match.text}' ({req.entry.id}) is rendered with the variant '{m.text}'; "
                    f"the preferred rendering is '{req.rendering}'",
                    line=_line_of(unit.target_line_starts, m.start, unit.first_line),
                    file=self.target_path,
                    source_term=req.match.text,
                    expected=req.rendering,
                    found=m.text,
                )
            )
        if missing:
            report.violations += len(missing)
            first = missing[0]
            total = len(reqs)
            have = total - len(missing)
            report.findings.append(
                Finding(
                    ERROR,
                    "missing",
                    first.entry.id,
                    f"'{first.match.text}' ({first.entry.id}) needs '{first.rendering}' in the translation "
                    f"{total} time{'s' if total != 1 else ''}, found {have}",
                    line=first.line,
                    file=self.source_path,
                    source_term=first.match.text,
                    expected=first.rendering,
                    required_count=total,
                    found_count=have,
                )
            )

    def _dnt(self, reqs: list[_Required], found: list[TermMatch], unit: _Unit, report: CheckReport) -> None:
        """A do-not-translate term must stand in the translation exactly as in the glossary."""
        dnt = [r for r in reqs if r.entry.dnt]
        if not dnt:
            return
        rendering = dnt[0].rendering
        for m in found:
            if m.text != rendering:
                report.violations += 1
                report.findings.append(
                    Finding(
                        ERROR,
                        "dnt-altered",
                        dnt[0].entry.id,
                        f"'{rendering}' must not be translated or altered, found '{m.text}'",
                        line=_line_of(unit.target_line_starts, m.start, unit.first_line),
                        file=self.target_path,
                        source_term=dnt[0].match.text,
                        expected=rendering,
                        found=m.text,
                    )
                )

    def _forbidden(self, m: TermMatch, unit: _Unit, report: CheckReport, required: list[_Required]) -> None:
        entry_id = next(i for i, k in zip(m.entry_ids, m.entry_kinds) if k == "forbidden")
        preferred = self.rendering.get(entry_id)
        report.forbidden_found += 1
        fix = f"; use '{preferred}'" if preferred else ""
        if not any(req.entry.id == entry_id for req in required):
            # The forbidden form is a fragment of a longer term the source holds ("Ibrahim" of a mistyped
            # "Anuar Ibrahim" where the source says "Anwar Ibrahim"): name that term's whole rendering.
            from dragoman.glossary.normalize import fold_case, normalize_term

            key = fold_case(normalize_term(m.text))
            whole = next(
                (req for req in required if key and key in fold_case(normalize_term(req.rendering))), None
            )
            if whole is not None:
                preferred = whole.rendering
                fix = f"; use '{whole.rendering}' for the source's '{whole.match.text}' ({whole.entry.id})"
        report.findings.append(
            Finding(
                ERROR,
                "forbidden",
                entry_id,
                f"forbidden term '{m.text}' ({entry_id}){fix}",
                line=_line_of(unit.target_line_starts, m.start, unit.first_line),
                file=self.target_path,
                expected=preferred,
                found=m.text,
            )
        )

    def _used(self, req: _Required, form: str) -> None:
        entry_id = req.entry.id
        self.used_forms[entry_id][form] += 1
        self.source_terms.setdefault(entry_id, req.match.text)
        self.first_line.setdefault(entry_id, req.line)

    # -- the whole document --------------------------------------------------------------------

    def finish(self, report: CheckReport) -> None:
        for entry_id, forms in self.used_forms.items():
            if len(forms) < 2:
                continue
            listed = ", ".join(f"'{form}' ({count}x)" for form, count in forms.most_common())
            report.findings.append(
                Finding(
                    WARNING,
                    "inconsistent",
                    entry_id,
                    f"'{self.source_terms[entry_id]}' ({entry_id}) is rendered inconsistently: {listed}",
                    line=self.first_line[entry_id],
                    file=self.source_path,
                    source_term=self.source_terms[entry_id],
                    expected=self.rendering.get(entry_id),
                )
            )
        report.findings.sort(key=lambda f: (f.line or 0, f.code != "missing", f.entry_id))
