"""The glossary checks of `dragoman check`: missing, variant, forbidden, inconsistent and altered dnt terms."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from dragoman.check.align import Unit
from dragoman.check.report import ERROR, WARNING, CheckReport, Finding
from dragoman.glossary.match import Pattern, TermMatch, TermMatcher, count_form
from dragoman.glossary.model import Entry, Glossary


@dataclass
class _Required:
    """One source occurrence that needs a rendering in the translation."""

    match: TermMatch
    entry: Entry
    rendering: str
    line: int


class TermChecker:
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
        # entry id -> Counter of the forms that rendered it, for the consistency check
        self.used_forms: dict[str, Counter[str]] = defaultdict(Counter)
        self.source_terms: dict[str, str] = {}
        self.first_line: dict[str, int] = {}

    # -- one unit ------------------------------------------------------------------------------

    def _required(self, unit: Unit) -> list[_Required]:
        out: list[_Required] = []
        for m in self.source_matcher.find(unit.source.text):
            for entry_id in m.entry_ids:
                rendering = self.rendering.get(entry_id)
                entry = self.glossary.get(entry_id)
                if rendering and entry is not None:
                    line = unit.source_lines.line_at(m.start)
                    out.append(_Required(m, entry, rendering, line))
                    break
        return out

    def check_unit(self, unit: Unit, report: CheckReport) -> list[tuple[int, int]]:
        """Check one pair; returns where terms were found in its source (the integrity checks skip them)."""
        required = self._required(unit)
        targets = self.target_matcher.find(unit.target.text)
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
        return [(req.match.start, req.match.end) for req in required]

    def _settle(
        self,
        reqs: list[_Required],
        applied: int,
        targets: list[TermMatch],
        variant_pool: dict[str, list[int]],
        used: set[int],
        unit: Unit,
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
                    line=unit.target_lines.line_at(m.start),
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

    def _dnt(self, reqs: list[_Required], found: list[TermMatch], unit: Unit, report: CheckReport) -> None:
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
                        line=unit.target_lines.line_at(m.start),
                        file=self.target_path,
                        source_term=dnt[0].match.text,
                        expected=rendering,
                        found=m.text,
                    )
                )

    def _forbidden(self, m: TermMatch, unit: Unit, report: CheckReport, required: list[_Required]) -> None:
        entry_id = next(i for i, k in zip(m.entry_ids, m.entry_kinds) if k == "forbidden")
        preferred = self.rendering.get(entry_id)
        report.forbidden_found += 1
        fix = f"; use '{preferred}'" if preferred else ""
        if not any(req.entry.id == entry_id for req in required):
            # The forbidden form is a fragment of a longer term the source holds ("Ibrahim" of a mistyped
            # "Anuar Ibrahim" where the source says "Anwar Ibrahim"): name that term's whole rendering.
            from dragoman.glossary.normalize import fold_case, normalize_term

            key = fold_case(normalize_term(m.text))
            whole = next((req for req in required if key and key in fold_case(normalize_term(req.rendering))), None)
            if whole is not None:
                preferred = whole.rendering
                fix = f"; use '{whole.rendering}' for the source's '{whole.match.text}' ({whole.entry.id})"
        report.findings.append(
            Finding(
                ERROR,
                "forbidden",
                entry_id,
                f"forbidden term '{m.text}' ({entry_id}){fix}",
                line=unit.target_lines.line_at(m.start),
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
        report.renderings = {entry_id: Counter(forms) for entry_id, forms in self.used_forms.items()}
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
