"""Turning one engine hypothesis into a candidate output: restore placeholders, replace located spans, verify."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from dragoman.enforce.align import attention_span
from dragoman.enforce.casing import fit_case
from dragoman.enforce.model import (
    APPLIED,
    FORBIDDEN_FOUND,
    IN_CONTEXT,
    MODEL,
    PLACEHOLDER,
    VARIANT,
    VIOLATED,
    EnforceOptions,
    Occurrence,
)
from dragoman.enforce.placeholders import Edit, PlaceholderForm, PlaceholderHit, apply_edits
from dragoman.enforce.plan import OccurrencePlan
from dragoman.enforce.terms import find_form_spans, free_spans, spans_overlap
from dragoman.engines.base import Hypothesis

# Grades per occurrence: a clean result, a result with visible damage repaired, a failure.
CLEAN, REPAIRED, FAILED = 2, 1, 0
_EDGE_PUNCT = " \t\n.,;:!?\"'“”‘’«»()[]{}،؛؟。"


@dataclass
class OccOutcome:
    status: str
    strategy: str
    grade: int
    edit: Edit | None = None
    span: tuple[int, int] | None = None  # span in the hypothesis text when nothing is replaced
    found: str | None = None
    note: str | None = None


@dataclass
class Candidate:
    """A finished output for one segment from one hypothesis, with per-occurrence outcomes."""

    text: str
    outcomes: dict[int, Occurrence]
    grade: int
    forbidden: list[Occurrence]
    score: float
    round: int
    rank: int
    failed: list[int] = field(default_factory=list)
    # Failed placeholder occurrences: their words are gone from this output (an in-context failure
    # at least leaves the model's own rendering in place, so it is the better output to keep).
    lost: int = 0
    # The edits that turned the hypothesis into ``text`` as (start, end, new length), to map spans across.
    edits: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """Every occurrence right without visible damage, and no forbidden form left."""
        return not self.failed and not self.forbidden

    def key(self) -> tuple[int, int, int, int, int]:
        """Higher is better: more occurrences right, fewer forbidden forms, fewer lost words, earlier round, rank."""
        return (self.grade, -len(self.forbidden), -self.lost, -self.round, -self.rank)


@dataclass
class SentInput:
    """What was sent to the engine for one segment: the text and where each occurrence sits in it."""

    text: str
    placeholders: dict[int, OccurrencePlan]  # number -> occurrence
    spans: dict[int, tuple[int, int]]  # occurrence index -> span in ``text`` (in-context ones)


def clean_rendering(text: str) -> str:
    return text.strip(_EDGE_PUNCT)


def realize(
    hyp: Hypothesis,
    occs: Sequence[OccurrencePlan],
    sent: SentInput,
    form: PlaceholderForm,
    alone: dict[str, list[str]],
    options: EnforceOptions,
    round_no: int,
    rank: int,
    lang: str,
) -> Candidate:
    text = hyp.text
    outcomes: dict[int, OccOutcome] = {}
    taken: list[tuple[int, int]] = []
    edits: list[Edit] = []

    # 1. Placeholders: each number must come back exactly once. (Only when some were sent: otherwise a
    # placeholder-like token in the output is the source's own text, e.g. a room number 9471.)
    hits = form.find(text) if sent.placeholders else []
    by_number: dict[int, list[PlaceholderHit]] = {}
    for hit in hits:
        by_number.setdefault(hit.number, []).append(hit)
    unknown = [h for h in hits if h.number not in sent.placeholders]
    missing = [n for n in sent.placeholders if n not in by_number]
    for hit in hits:
        taken.append((hit.start, hit.end))
    for number, occ in sent.placeholders.items():
        found = by_number.get(number, [])
        if len(found) == 1:
            hit = found[0]
            note = None if hit.exact else f"placeholder came back as {text[hit.start : hit.end]!r}"
            outcomes[occ.index] = OccOutcome(
                APPLIED,
                PLACEHOLDER,
                CLEAN,
                Edit(
                    hit.start,
                    hit.end,
                    fit_case(occ.required, text, hit.start, keep_as_written=occ.keep_case),
                    occ.index,
                ),
                note=note,
            )
        elif len(found) > 1:
            # Duplicated: keep the first, drop the others (damage: the sentence had the term twice).
            first, *rest = found
            outcomes[occ.index] = OccOutcome(
                APPLIED,
                PLACEHOLDER,
                REPAIRED,
                Edit(
                    first.start,
                    first.end,
                    fit_case(occ.required, text, first.start, keep_as_written=occ.keep_case),
                    occ.index,
                ),
                note=f"placeholder duplicated {len(found)} times; extra copies removed",
            )
            for extra in rest:
                edits.append(_deletion(text, extra.start, extra.end))
        elif len(missing) == 1 and len(unknown) == 1 and number == missing[0]:
            # One number missing and one unknown number present: the model respelled the number.
            hit = unknown.pop()
            outcomes[occ.index] = OccOutcome(
                APPLIED,
                PLACEHOLDER,
                REPAIRED,
                Edit(
                    hit.start,
                    hit.end,
                    fit_case(occ.required, text, hit.start, keep_as_written=occ.keep_case),
                    occ.index,
                ),
                note=f"placeholder number respelled as {text[hit.start : hit.end]!r}",
            )
        else:
            outcomes[occ.index] = OccOutcome(
                VIOLATED, PLACEHOLDER, FAILED, note="placeholder dropped or mangled by the model"
            )
    for hit in unknown:
        # Placeholder-like junk must never reach the output.
        edits.append(_deletion(text, hit.start, hit.end))

    # 2. Term in context: claim spans in passes, most certain first, so one span serves one occurrence.
    pending = [o for o in occs if o.index not in outcomes]
    for o in pending:
        # 2a. The model rendered it as required by itself.
        spans = free_spans(_spans_of(text, o, lang), taken)
        if spans:
            taken.append(spans[0])
            outcomes[o.index] = OccOutcome(APPLIED, MODEL, CLEAN, span=spans[0])
    for o in pending:
        if o.index in outcomes:
            continue
        located = None if o.verbatim else _locate_known(text, o, taken, alone, options, lang)
        if located is not None:
            outcomes[o.index] = located
            where = (located.edit.start, located.edit.end) if located.edit else located.span
            assert where is not None
            taken.append(where)
    for o in pending:
        if o.index in outcomes:
            continue
        aligned = None
        if hyp.attention and hyp.source_tokens and hyp.target_tokens and o.index in sent.spans:
            aligned = attention_span(
                hyp.attention, hyp.source_tokens, sent.text, hyp.target_tokens, text, sent.spans[o.index]
            )
        if aligned is not None and not any(spans_overlap(aligned[0], t) for t in taken):
            (start, end), confident = aligned
            taken.append((start, end))
            outcomes[o.index] = OccOutcome(
                APPLIED,
                IN_CONTEXT,
                CLEAN if confident else REPAIRED,
                Edit(start, end, fit_case(o.required, text, start, keep_as_written=o.keep_case), o.index),
                found=text[start:end],
                note=f"located by attention{'' if confident else ' (one-way)'}: {text[start:end]!r} replaced",
            )
        else:
            outcomes[o.index] = OccOutcome(
                VIOLATED, IN_CONTEXT, FAILED, note="rendering of the term not found in the output"
            )

    # 3. Apply edits.
    all_edits = [oc.edit for oc in outcomes.values() if oc.edit is not None] + edits
    all_edits = _drop_overlaps(all_edits)
    final, new_spans = apply_edits(text, all_edits)
    occurrences: dict[int, Occurrence] = {}
    for o in occs:
        oc = outcomes[o.index]
        span: tuple[int, int] | None = None
        if oc.edit is not None and o.index in new_spans:
            span = new_spans[o.index]
        elif oc.span is not None:
            span = _shift(oc.span, all_edits, text)
        occurrences[o.index] = Occurrence(
            source_start=o.start,
            source_end=o.end,
            source_text=o.text,
            entry_id=o.entry.id,
            required=o.required,
            strategy=oc.strategy,
            status=oc.status,
            target_start=span[0] if span else None,
            target_end=span[1] if span else None,
            found=oc.found,
            note=oc.note,
        )

    # 4. Verify independently of how we got here: count each required rendering in the final text.
    _verify_counts(final, occs, occurrences, lang)
    forbidden = _scan_forbidden(final, occs, occurrences, lang)
    grades = {o.index: outcomes[o.index].grade if occurrences[o.index].status != VIOLATED else FAILED for o in occs}
    # Repaired ones count as failed for choosing the next strategy, but keep their (applied) status.
    failed = [i for i, g in grades.items() if g < CLEAN]
    if forbidden:
        # A forbidden form left over: the occurrences of that entry try their next strategy.
        failed = sorted(set(failed) | {o.index for o in occs if any(f.entry_id == o.entry.id for f in forbidden)})
    grade = sum(grades.values())
    lost = sum(1 for o in occs if occurrences[o.index].status == VIOLATED and outcomes[o.index].strategy == PLACEHOLDER)
    applied = [(e.start, e.end, len(e.replacement)) for e in all_edits]
    return Candidate(final, occurrences, grade, forbidden, hyp.score, round_no, rank, failed, lost, applied)


def _locate_known(
    text: str,
    o: OccurrencePlan,
    taken: list[tuple[int, int]],
    alone: dict[str, list[str]],
    options: EnforceOptions,
    lang: str,
) -> OccOutcome | None:
    """Find a rendering we can name: an admitted variant (the concept, said another accepted way), then what
    the model makes of the term on its own (its n-best), then a forbidden form of this entry. Forbidden forms
    come last: the model may have used one for another word, and the scan after flags what is left."""
    for variant in o.variants:
        spans = free_spans(find_form_spans(text, variant, lang, o.entry.case), taken)
        if spans:
            start, end = spans[0]
            if not options.replace_variants:
                return OccOutcome(
                    VARIANT, MODEL, CLEAN, span=(start, end), found=text[start:end], note="admitted variant kept"
                )
            return OccOutcome(
                APPLIED,
                IN_CONTEXT,
                CLEAN,
                Edit(start, end, fit_case(o.required, text, start, keep_as_written=o.keep_case), o.index),
                found=text[start:end],
                note=f"variant {text[start:end]!r} replaced",
            )
    for rendering in alone.get(o.text, []):
        spans = free_spans(find_form_spans(text, rendering, lang, "insensitive"), taken)
        if spans:
            start, end = spans[0]
            return OccOutcome(
                APPLIED,
                IN_CONTEXT,
                CLEAN,
                Edit(start, end, fit_case(o.required, text, start, keep_as_written=o.keep_case), o.index),
                found=text[start:end],
                note=f"model rendering {text[start:end]!r} replaced",
            )
    for bad in o.forbidden:
        spans = free_spans(find_form_spans(text, bad, lang, "insensitive"), taken)
        if spans:
            start, end = spans[0]
            return OccOutcome(
                APPLIED,
                IN_CONTEXT,
                CLEAN,
                Edit(start, end, fit_case(o.required, text, start, keep_as_written=o.keep_case), o.index),
                found=text[start:end],
                note=f"forbidden {text[start:end]!r} replaced",
            )
    return None


def _spans_of(text: str, o: OccurrencePlan, lang: str) -> list[tuple[int, int]]:
    """Where the required rendering already stands in ``text``: matcher rules for terms, exact text for verbatim."""
    if not o.verbatim:
        return find_form_spans(text, o.required, lang, o.entry.case)
    spans = []
    i = text.find(o.required)
    while i >= 0 and o.required:
        spans.append((i, i + len(o.required)))
        i = text.find(o.required, i + len(o.required))
    return spans


def _count_exact(text: str, needle: str) -> int:
    return text.count(needle) if needle else 0


def _deletion(text: str, start: int, end: int) -> Edit:
    """Delete a token and one adjacent space so no double space is left."""
    if end < len(text) and text[end] == " ":
        end += 1
    elif start > 0 and text[start - 1] == " ":
        start -= 1
    return Edit(start, end, "", ("delete", start))


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    kept: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, -(e.end - e.start))):
        if kept and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    return kept


def _shift(span: tuple[int, int], edits: Sequence[Edit], text: str) -> tuple[int, int]:
    """Where an untouched span of the hypothesis lands after the edits."""
    delta = sum(len(e.replacement) - (e.end - e.start) for e in edits if e.end <= span[0])
    return span[0] + delta, span[1] + delta


def _verify_counts(final: str, occs: Sequence[OccurrencePlan], occurrences: dict[int, Occurrence], lang: str) -> None:
    """Each required rendering must be present as many times as occurrences claim it.

    Counted per rendering across entries (two entries may share one). Any shortfall turns the last claims
    into violations: a miss is never silent, whatever step above went wrong.
    """
    claims: dict[tuple[str, str], list[OccurrencePlan]] = {}
    for o in occs:
        occ = occurrences[o.index]
        if occ.status == APPLIED:
            # Verbatim copies are counted apart from glossary renderings (exact text, not matcher rules).
            claims.setdefault((o.required, "verbatim" if o.verbatim else o.entry.case), []).append(o)
        elif occ.status == VARIANT and occ.found:
            claims.setdefault((occ.found, o.entry.case), []).append(o)
    present: Counter[tuple[str, str]] = Counter()
    for (form, case), claimants in claims.items():
        if claimants[0].verbatim:
            present[(form, case)] = _count_exact(final, form)
        else:
            present[(form, case)] = len(find_form_spans(final, form, lang, case))
        shortfall = len(claimants) - present[(form, case)]
        for o in reversed(claimants):
            if shortfall <= 0:
                break
            occ = occurrences[o.index]
            occ.status = VIOLATED
            occ.note = (occ.note + "; " if occ.note else "") + f"verification: {form!r} missing from the output"
            occ.target_start = occ.target_end = None
            shortfall -= 1


def _scan_forbidden(
    final: str, occs: Sequence[OccurrencePlan], occurrences: dict[int, Occurrence], lang: str
) -> list[Occurrence]:
    """Forbidden target forms of the entries this segment touches, left anywhere in the output."""
    found: list[Occurrence] = []
    seen: set[tuple[str, int]] = set()
    protected = [
        (o.target_start, o.target_end)
        for o in occurrences.values()
        if o.target_start is not None and o.target_end is not None
    ]
    for o in occs:
        for bad in o.forbidden:
            for start, end in find_form_spans(final, bad, lang, "insensitive"):
                if (bad, start) in seen or any(spans_overlap((start, end), p) for p in protected):
                    continue
                seen.add((bad, start))
                found.append(
                    Occurrence(
                        source_start=o.start,
                        source_end=o.end,
                        source_text=o.text,
                        entry_id=o.entry.id,
                        required=o.required,
                        strategy=occurrences[o.index].strategy,
                        status=FORBIDDEN_FOUND,
                        target_start=start,
                        target_end=end,
                        found=final[start:end],
                        note=f"forbidden term {bad!r} in the output",
                    )
                )
    return found
