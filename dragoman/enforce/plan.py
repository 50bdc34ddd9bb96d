"""Which occurrences a segment holds, what each must become, and which strategy to try first (with why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from dragoman.enforce.model import IN_CONTEXT, PLACEHOLDER, EnforceOptions, PlannedTerm
from dragoman.enforce.placeholders import PlaceholderForm
from dragoman.enforce.terms import find_source_terms
from dragoman.engines.base import Engine
from dragoman.glossary.model import Entry, Glossary

NAME_TYPES = frozenset({"person", "place", "organization"})
# Stands in for a glossary entry behind verbatim spans (dnt, exact case).
_VERBATIM = Entry(id="", dnt=True, case="sensitive")
# Below this calibrated copy rate placeholders are tried only after term-in-context.
TRUSTED_RATE = 0.5


@dataclass
class OccurrencePlan:
    """One source occurrence being enforced: what it must become and the strategies left to try."""

    index: int
    start: int
    end: int
    text: str
    entry: Entry
    required: str
    variants: list[str]
    forbidden: list[str]
    plan: list[str]
    keep_case: bool
    step: int = 0
    tried: list[str] = field(default_factory=list)
    origin: PlannedTerm | None = None
    # Text the caller wants copied as is (inline code): not a glossary occurrence, never in the report.
    verbatim: bool = False

    @property
    def strategy(self) -> str:
        return self.plan[min(self.step, len(self.plan) - 1)]

    def advance(self) -> bool:
        """Move to the next strategy; False when none is left."""
        if self.step + 1 < len(self.plan):
            self.step += 1
            return True
        return False


def is_name_like(entry: Entry, source: str) -> bool:
    """Names, places, organisations and do-not-translate terms: no inflection to get right around them,
    and models respell or transliterate them inconsistently, so copying an opaque token is the most reliable."""
    if entry.dnt or entry.type in NAME_TYPES:
        return True
    if entry.type is None:
        term = entry.term(source) or ""
        words = [w for w in term.split() if w[:1].isalpha()]
        return bool(words) and all(w[:1].isupper() for w in words)
    return False


def strategy_order(entry: Entry, source: str, engine: Engine, options: EnforceOptions, collides: bool) -> list[str]:
    """The order strategies are tried in, chosen by evidence.

    - Term in context first for ordinary terms when we can find their rendering (attention or the model's
      own renderings of the term alone): grammar around the term (agreement, word order, possessives) stays
      the model's, and placeholders are known to freeze word order and break agreement (measured on
      Apertium, issue 4).
    - Placeholders first for names and do-not-translate terms, unless calibration showed this model does
      not copy the form (rate below TRUSTED_RATE): names do not inflect, and models respell them.
    - A placeholder form already present in the segment cannot be told apart, and one glued to the next
      word would be misread: in-context only.
    """
    if collides or not options.placeholders:
        return [IN_CONTEXT]
    trusted = options.placeholder_rate is None or options.placeholder_rate >= TRUSTED_RATE
    if is_name_like(entry, source) and trusted:
        return [PLACEHOLDER, IN_CONTEXT]
    if options.placeholder_rate is not None and options.placeholder_rate <= 0.0:
        return [IN_CONTEXT]  # measured: the model never copies it, a placeholder round would be wasted
    return [IN_CONTEXT, PLACEHOLDER]


def plan_segment(
    text: str,
    glossary: Glossary | None,
    source: str,
    target: str,
    engine: Engine,
    options: EnforceOptions,
    form: PlaceholderForm,
    planned: Sequence[PlannedTerm] | None = None,
    keep: Sequence[tuple[int, int]] = (),
) -> list[OccurrencePlan]:
    """The occurrences to enforce in one segment, in text order (entries with no target rendering are left out).

    ``glossary`` is the job's, restricted once to what it enforces (Glossary.for_job: drafts only when asked
    for): every entry in it counts here.

    ``keep`` spans (inline code and the like) are enforced as verbatim copies, placeholders first; glossary
    terms inside them are left alone.
    """
    collides = form.collides(text)
    kept = sorted((s, e) for s, e in keep if 0 <= s < e <= len(text))
    found: list[tuple[int, int, list[str], PlannedTerm | None]] = []
    if glossary is not None and (len(glossary) or planned is not None):
        if planned is not None:
            # Pivot second leg: the first leg's enforced spans, plus terms the pivot text holds elsewhere.
            found = [(p.start, p.end, [p.entry_id], p) for p in planned]
        for hit in find_source_terms(glossary, source, text):
            if not any(hit.start < end and start < hit.end for start, end, _, _ in found):
                found.append((hit.start, hit.end, list(hit.entry_ids), None))
    found = [f for f in found if not any(f[0] < e and s < f[1] for s, e in kept)]
    occs: list[OccurrencePlan] = []
    merged: list[tuple[int, int, list[str], PlannedTerm | None]] = found + [(s, e, [], None) for s, e in kept]
    for start, end, entry_ids, origin in sorted(merged, key=lambda f: f[0]):
        if not entry_ids:
            fits = not collides and form.fits(text, start, end)
            occs.append(
                OccurrencePlan(
                    index=len(occs),
                    start=start,
                    end=end,
                    text=text[start:end],
                    entry=_VERBATIM,
                    required=text[start:end],
                    variants=[],
                    forbidden=[],
                    plan=[PLACEHOLDER, IN_CONTEXT] if fits and options.placeholders else [IN_CONTEXT],
                    keep_case=True,
                    verbatim=True,
                )
            )
            continue
        assert glossary is not None
        for entry_id in entry_ids:
            entry = glossary.get(entry_id)
            if entry is None:
                continue
            required = entry.render_for(target, source)
            if not required:
                continue
            occs.append(
                OccurrencePlan(
                    index=len(occs),
                    start=start,
                    end=end,
                    text=text[start:end],
                    entry=entry,
                    required=required,
                    variants=[v for v in entry.variants_for(target) if v and v != required],
                    forbidden=[f for f in entry.forbidden_for(target) if f],
                    plan=strategy_order(entry, source, engine, options, collides or not form.fits(text, start, end)),
                    keep_case=entry.dnt or entry.case == "sensitive",
                    origin=origin,
                )
            )
            break  # several entries share this source form: the first with a rendering wins
    return occs
