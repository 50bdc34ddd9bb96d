"""The data enforcement works on and hands back: options, per-occurrence results, per-segment results."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dragoman.integrity import Outcome

# Occurrence.status values. The report and `dragoman check` count them under the same names.
APPLIED = "applied"
VARIANT = "variant"
VIOLATED = "violated"
FORBIDDEN_FOUND = "forbidden-found"
STATUSES = (APPLIED, VARIANT, VIOLATED, FORBIDDEN_FOUND)

# Occurrence.strategy values.
PLACEHOLDER = "placeholder"  # term swapped for an opaque token the model copies, glossary term put back
IN_CONTEXT = "in-context"  # term translated in the sentence, its rendering located and replaced
MODEL = "model"  # the model produced the required rendering by itself (in-context, nothing replaced)
PIVOT = "pivot"  # carried through a pivot language (set by merge_pivot on the first leg)
NO_STRATEGY = "none"
STRATEGIES = (PLACEHOLDER, IN_CONTEXT)


@dataclass
class EnforceOptions:
    """How enforcement runs; `dragoman.calibration.options_for` fills the placeholder fields from a probe."""

    # n-best size asked for in enforcement rounds. 4 matches the usual Argos beam, so asking for it
    # costs almost nothing extra (the beam is searched anyway).
    num_hypotheses: int = 4
    # Template with "{n}" for the placeholder number; None -> calibration.DEFAULT_FORM.
    placeholder_form: str | None = None
    calibrated: bool = False
    # Share of probe sentences in which the model copied the form intact (None when uncalibrated).
    placeholder_rate: float | None = None
    # A variant in the output is replaced by the preferred term (False: kept, reported as "variant").
    replace_variants: bool = True
    # Ban forbidden target terms during decoding (BatchOptions.suppress) where one came out: such a segment is
    # decoded again with its entries' forbidden forms suppressed. They are checked after either way.
    suppress_forbidden: bool = True
    # Whether the run enforces draft entries (`--use-drafts`). The glossary given to enforcement is already
    # restricted to them or not (Glossary.for_job); this only keeps the memory keys of the two kinds of run apart.
    include_drafts: bool = False
    # Rounds of (re)translation per segment with terms; each round is one engine call over all such segments.
    max_rounds: int = 3
    # Ask for attention already in the first round (finds paraphrased terms without a second round; costs
    # CTranslate2 some time on the segments with terms). False: attention only from the second round on.
    attention_first_round: bool = True
    # False: no placeholders at all, every term in context (the safer re-translation of a segment whose output
    # failed an integrity check: a model that loops or leaves debris on placeholders gets plain text).
    placeholders: bool = True


@dataclass(frozen=True)
class PlannedTerm:
    """A term occurrence decided by the caller instead of the matcher (pivot second leg)."""

    start: int
    end: int
    entry_id: str
    # Offsets of the occurrence in the original (first-leg) source, carried for the report.
    origin_start: int | None = None
    origin_end: int | None = None
    origin_text: str | None = None


@dataclass
class Occurrence:
    """One glossary term occurrence in a source segment and what became of it in the translation.

    Offsets are character offsets in the segment (source side) and in SegmentResult.text (target side).
    A ``forbidden-found`` record marks a forbidden target form left in the output; it carries the entry
    and the target span, and the source span of the occurrence it belongs to when there is one.
    """

    source_start: int | None
    source_end: int | None
    source_text: str | None
    entry_id: str
    required: str | None
    strategy: str
    status: str
    target_start: int | None = None
    target_end: int | None = None
    found: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SegmentResult:
    """The translation of one segment with the fate of every term occurrence in it."""

    text: str
    occurrences: list[Occurrence] = field(default_factory=list)
    strategy: str = NO_STRATEGY
    engine_calls: int = 0
    # Capitalised source words that no glossary entry covers -> how they came out (for consistency hints).
    name_renderings: dict[str, str] = field(default_factory=dict)
    score: float | None = None
    # One target span (offsets in ``text``) per inline mark passed in, None where it could not be aligned.
    mark_spans: list[tuple[int, int] | None] | None = None
    # One target span per verbatim span passed in (translate_segments keep=), None where it was lost.
    kept_spans: list[tuple[int, int] | None] | None = None
    # What the integrity checks found in this segment and what became of it (repaired or flagged); set by the
    # pipeline after translation. The memory keeps only the verdict (pipeline/translator.py: "checked", or
    # "flagged" with these findings); a hit without one is checked again.
    integrity: list[Outcome] = field(default_factory=list)

    @property
    def violations(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.status in (VIOLATED, FORBIDDEN_FOUND)]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "strategy": self.strategy,
            "engine_calls": self.engine_calls,
            "occurrences": [o.to_dict() for o in self.occurrences],
            "name_renderings": dict(self.name_renderings),
        }
        if self.mark_spans is not None:
            data["mark_spans"] = [list(span) if span else None for span in self.mark_spans]
        if self.kept_spans is not None:
            data["kept_spans"] = [list(span) if span else None for span in self.kept_spans]
        return data
