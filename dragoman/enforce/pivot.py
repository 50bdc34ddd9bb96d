"""Pivot translation (ms -> en -> fa): carry enforced spans from the first leg into the second, map results back."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from dragoman.enforce.model import (
    APPLIED,
    FORBIDDEN_FOUND,
    PIVOT,
    VARIANT,
    VIOLATED,
    Occurrence,
    PlannedTerm,
    SegmentResult,
)


def carry_for_pivot(leg1: Sequence[SegmentResult]) -> list[list[PlannedTerm]]:
    """The first leg's enforced target spans, as forced occurrences for the second leg.

    The second leg then enforces the same entries on exactly those spans (the pivot-language rendering
    the first leg put there), so the terms hold in the final output even when the pivot text says them
    in a way the matcher would not find on its own.
    """
    planned: list[list[PlannedTerm]] = []
    for result in leg1:
        terms: list[PlannedTerm] = []
        for occ in result.occurrences:
            if occ.status not in (APPLIED, VARIANT) or occ.target_start is None or occ.target_end is None:
                continue
            terms.append(
                PlannedTerm(
                    start=occ.target_start,
                    end=occ.target_end,
                    entry_id=occ.entry_id,
                    origin_start=occ.source_start,
                    origin_end=occ.source_end,
                    origin_text=occ.source_text,
                )
            )
        planned.append(terms)
    return planned


def merge_pivot(leg1: Sequence[SegmentResult], leg2: Sequence[SegmentResult]) -> list[SegmentResult]:
    """Final results: leg-2 text and statuses, source spans pointing into the ORIGINAL (leg-1) source.

    Occurrences the first leg already lost stay violated (they cannot come back in the second leg);
    forbidden forms found in the pivot text are dropped (only the final language counts).
    """
    merged: list[SegmentResult] = []
    for planned, first, second in zip(carry_for_pivot(leg1), leg1, leg2):
        origin = {(p.start, p.end, p.entry_id): p for p in planned}
        occurrences: list[Occurrence] = []
        for occ in second.occurrences:
            key = (occ.source_start, occ.source_end, occ.entry_id)
            plan = origin.get(key)  # type: ignore[arg-type]
            if plan is not None:
                occ = replace(
                    occ,
                    source_start=plan.origin_start,
                    source_end=plan.origin_end,
                    source_text=plan.origin_text,
                    note=_join(occ.note, f"via pivot span {occ.source_text!r}"),
                )
            else:
                occ = replace(
                    occ, source_start=None, source_end=None, note=_join(occ.note, "found in the pivot text only")
                )
            occurrences.append(occ)
        for occ in first.occurrences:
            if occ.status == VIOLATED:
                occurrences.append(
                    Occurrence(
                        source_start=occ.source_start,
                        source_end=occ.source_end,
                        source_text=occ.source_text,
                        entry_id=occ.entry_id,
                        required=None,
                        strategy=PIVOT,
                        status=VIOLATED,
                        note=_join(occ.note, "lost in the first leg of the pivot"),
                    )
                )
        occurrences.sort(key=lambda o: (o.source_start is None, o.source_start or 0, o.status == FORBIDDEN_FOUND))
        merged.append(
            SegmentResult(
                text=second.text,
                occurrences=occurrences,
                strategy=second.strategy,
                engine_calls=first.engine_calls + second.engine_calls,
                name_renderings=dict(second.name_renderings),
                score=second.score,
            )
        )
    return merged


def _join(note: str | None, extra: str) -> str:
    return f"{note}; {extra}" if note else extra
