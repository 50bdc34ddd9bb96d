"""Forbidden target terms anywhere in a translation, also where no source term called for them (as `dragoman check` sees them)."""

from __future__ import annotations

from dragoman.enforce.model import FORBIDDEN_FOUND, Occurrence, SegmentResult
from dragoman.enforce.terms import spans_overlap
from dragoman.glossary.match import Pattern, TermMatcher
from dragoman.glossary.model import Glossary
from dragoman.glossary.normalize import normalize

STRAY_STRATEGY = "none"


class ForbiddenScanner:
    """Finds forbidden forms of every entry in translated segments and records the ones enforcement did not.

    Enforcement checks the forbidden forms of the entries a segment's source touches; a model can still
    write a forbidden form elsewhere (a paraphrase of another word). This runs after the translation memory,
    against the glossary of this run, so a memory hit never carries a record of another glossary, and
    `translate --report` counts what `dragoman check` would count. ``glossary`` is the run's, restricted once
    to what it enforces (Glossary.for_job: drafts only when asked for); every entry in it counts.
    """

    def __init__(self, glossary: Glossary, target: str) -> None:
        forbidden_patterns: list[Pattern] = []
        self.preferred: dict[str, str] = {}
        self._glossary, self._target = glossary, target
        for entry in glossary:
            forbidden = [form for form in entry.forbidden_for(target) if form and form.strip()]
            if not forbidden:
                continue
            rendering = entry.render_for(target)
            if rendering:
                self.preferred[entry.id] = rendering
            forbidden_patterns.extend(Pattern(form, entry.case, entry.id, "forbidden") for form in forbidden)
        self._forbidden_patterns = forbidden_patterns
        # Forbidden forms alone: a text where none occurs needs nothing more. Most texts are like that, and
        # the matcher of every accepted form (10,000 entries: ~0.15 s to build) is only built for the others.
        self._forbidden = TermMatcher(forbidden_patterns, target) if forbidden_patterns else None
        self._full: TermMatcher | None = None

    @property
    def matcher(self) -> TermMatcher | None:
        """Forbidden forms and, so that a forbidden form inside a longer accepted term ("Ibrahim" inside
        "Anwar Ibrahim") is not taken for a slip, every accepted form: longest match wins."""
        if self._forbidden is None:
            return None
        if self._full is None:
            patterns = list(self._forbidden_patterns)
            for entry in self._glossary:
                for form in [entry.render_for(self._target) or "", *entry.variants_for(self._target)]:
                    if form.strip():
                        patterns.append(Pattern(form, entry.case, entry.id, "preferred"))
            self._full = TermMatcher(patterns, self._target)
        return self._full

    def record(self, result: SegmentResult) -> int:
        """Add a forbidden-found record for each forbidden form in ``result.text`` not recorded yet; returns how many."""
        if self._forbidden is None or not result.text:
            return 0
        normalized = normalize(result.text)
        if not self._forbidden.find_normalized(normalized):
            return 0  # no forbidden form anywhere in it: the full matcher could not find one either
        matcher = self.matcher
        assert matcher is not None
        recorded = [
            (o.target_start, o.target_end)
            for o in result.occurrences
            if o.target_start is not None and o.target_end is not None
        ]
        added = 0
        for match in matcher.find_normalized(normalized):
            if match.kind != "forbidden":
                continue
            span = (match.start, match.end)
            if any(spans_overlap(span, other) for other in recorded):
                continue
            entry_id = next(i for i, k in zip(match.entry_ids, match.entry_kinds) if k == "forbidden")
            preferred = self.preferred.get(entry_id)
            fix = f"; use {preferred!r}" if preferred else ""
            result.occurrences.append(
                Occurrence(
                    source_start=None,
                    source_end=None,
                    source_text=None,
                    entry_id=entry_id,
                    required=preferred,
                    strategy=STRAY_STRATEGY,
                    status=FORBIDDEN_FOUND,
                    target_start=match.start,
                    target_end=match.end,
                    found=match.text,
                    note=f"no source term asked for it{fix}",
                )
            )
            recorded.append(span)
            added += 1
        return added


__all__ = ["ForbiddenScanner"]
