"""Term in context through markup: engines that carry inline tags (Apertium) mark each term's span, then replace it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dragoman.enforce.casing import fit_case
from dragoman.enforce.model import APPLIED, IN_CONTEXT, MODEL
from dragoman.enforce.placeholders import Edit, apply_edits
from dragoman.enforce.plan import OccurrencePlan
from dragoman.enforce.realize import Candidate, SentInput, clean_rendering
from dragoman.engines.base import BatchOptions, Engine, Hypothesis

Span = tuple[int, int]
# engine.translate_marked(segments, marks, source, target) -> [(translation, [target span of each mark | None])]
MarkedTranslate = Callable[[Sequence[str], Sequence[Sequence[Span]], str, str], list[tuple[str, list[Span | None]]]]

_WORD = re.compile(r"\w+")


def markup_translator(engine: Engine) -> MarkedTranslate | None:
    """The engine's ``translate_marked`` when it declares ``supports_markup``, else None."""
    return engine.translate_marked if engine.supports_markup else None


def prefer_in_context(occs: Sequence[OccurrencePlan]) -> None:
    """With markup, term in context goes first for every occurrence, names included.

    The marked term moves with reordering and the grammar around it (articles, agreement, "a la" for "al")
    stays the engine's; opaque placeholders freeze word order and break agreement (measured on Apertium
    eng-spa, issue 4). Placeholders stay as the fallback.
    """
    for occ in occs:
        if IN_CONTEXT in occ.plan and occ.plan[0] != IN_CONTEXT and not occ.verbatim:
            occ.plan = [IN_CONTEXT] + [s for s in occ.plan if s != IN_CONTEXT]
            occ.step = 0


@dataclass
class MarkedRound:
    """One round's engine output in translate_batch's shape (segments, then the terms alone), with what
    markup replaced: per segment, occurrence index -> the engine's own rendering that the term replaced."""

    outputs: list[list[Hypothesis]]
    replaced: list[dict[int, str]]


def translate_round(
    engine: Engine,
    translate_marked: MarkedTranslate,
    occs: Sequence[Sequence[OccurrencePlan]],
    sents: Sequence[SentInput],
    alone_terms: Sequence[str],
    alone: dict[str, list[str]],
    source: str,
    target: str,
    options: BatchOptions,
) -> MarkedRound:
    """Segments with in-context occurrences go through ``translate_marked`` with those occurrences marked;
    each marked target span that plausibly renders its term is replaced by the required term. The rest
    (segments with only placeholders, the terms alone) go through one ordinary ``translate_batch`` call."""
    marked: list[int] = []
    order: dict[int, list[OccurrencePlan]] = {}
    for k, (sent, seg_occs) in enumerate(zip(sents, occs)):
        in_context = [o for o in seg_occs if o.strategy == IN_CONTEXT and o.index in sent.spans]
        if in_context:
            marked.append(k)
            order[k] = in_context
    plain = [k for k in range(len(sents)) if k not in order]
    outputs: list[list[Hypothesis]] = [[] for _ in range(len(sents) + len(alone_terms))]
    replaced: list[dict[int, str]] = [{} for _ in sents]
    if plain or alone_terms:
        batch = engine.translate_batch([sents[k].text for k in plain] + list(alone_terms), source, target, options)
        for k, hyps in zip(plain, batch):
            outputs[k] = hyps
        for j, hyps in enumerate(batch[len(plain) :]):
            outputs[len(sents) + j] = hyps
    renderings = {term: list(found) for term, found in alone.items()}
    for term, hyps in zip(alone_terms, outputs[len(sents) :]):
        renderings[term] = [r for r in (clean_rendering(h.text) for h in hyps) if r]
    if marked:
        results = translate_marked(
            [sents[k].text for k in marked],
            [[sents[k].spans[o.index] for o in order[k]] for k in marked],
            source,
            target,
        )
        for k, (text, spans) in zip(marked, results):
            edits: list[Edit] = []
            for o, span in zip(order[k], spans):
                if span is None:
                    continue
                if any(span[0] < e.end and e.start < span[1] for e in edits):
                    continue  # two marks claim the same words: neither is certain enough for the later one
                found = text[span[0] : span[1]]
                if not (
                    _same_words(found, o.required) or any(_same_words(found, r) for r in renderings.get(o.text, []))
                ):
                    # Rules reorder words inside a chunk while tags keep their places ("new government" ->
                    # "gobierno nuevo" leaves "nuevo" in the span): a span that does not hold the term's
                    # rendering is not trusted; realize then looks for the rendering itself.
                    continue
                replacement = fit_case(o.required, text, span[0], keep_as_written=o.keep_case)
                edits.append(Edit(span[0], span[1], replacement, o.index))
                if found != replacement:
                    replaced[k][o.index] = found
            new_text, _ = apply_edits(text, edits)
            outputs[k] = [Hypothesis(text=new_text)]
    return MarkedRound(outputs, replaced)


def relabel(candidate: Candidate, replaced: dict[int, str]) -> None:
    """Occurrences that markup put right read as found by the engine (realize saw the term already there):
    record them as term in context, with the rendering that was replaced."""
    for index, found in replaced.items():
        occ = candidate.outcomes.get(index)
        if occ is not None and occ.status == APPLIED and occ.strategy == MODEL:
            occ.strategy = IN_CONTEXT
            occ.found = found
            occ.note = f"located by markup: {found!r} replaced"


def _same_words(found: str, rendering: str) -> bool:
    """The same content words, compared by their first four letters so inflection (gobierno/gobiernos,
    la/el agreement) does not matter but a different or extra word does."""
    return bool(rendering) and _keys(found) == _keys(rendering)


def _keys(text: str) -> list[str]:
    return sorted(w[:4] for w in _WORD.findall(text.casefold()) if len(w) >= 3)


__all__ = ["MarkedRound", "markup_translator", "prefer_in_context", "relabel", "translate_round"]
