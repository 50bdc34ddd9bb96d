"""Glossary enforcement during translation: placeholders, term-in-context, verification, pivot support."""

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
    PlannedTerm,
    SegmentResult,
)
from dragoman.enforce.pivot import carry_for_pivot, merge_pivot
from dragoman.enforce.run import DEFAULT_FORM, translate_segments
from dragoman.enforce.tmkey import tm_key_material

__all__ = [
    "APPLIED",
    "DEFAULT_FORM",
    "FORBIDDEN_FOUND",
    "IN_CONTEXT",
    "MODEL",
    "PLACEHOLDER",
    "VARIANT",
    "VIOLATED",
    "EnforceOptions",
    "Occurrence",
    "PlannedTerm",
    "SegmentResult",
    "carry_for_pivot",
    "merge_pivot",
    "tm_key_material",
    "translate_segments",
]
