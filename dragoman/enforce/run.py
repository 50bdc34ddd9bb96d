"""translate_segments: translate a batch of segments with every glossary term enforced, in a few batched rounds."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

from dragoman.enforce import markup
from dragoman.enforce.align import attention_span, shift_through
from dragoman.enforce.model import (
    IN_CONTEXT,
    NO_STRATEGY,
    PLACEHOLDER,
    VIOLATED,
    EnforceOptions,
    Occurrence,
    PlannedTerm,
    SegmentResult,
)
from dragoman.enforce.placeholders import Edit, PlaceholderForm, apply_edits
from dragoman.enforce.plan import OccurrencePlan, plan_segment
from dragoman.enforce.realize import Candidate, SentInput, clean_rendering, realize
from dragoman.engines.base import BatchOptions, Engine, Hypothesis
from dragoman.glossary.model import Glossary

DEFAULT_FORM = "ZXQ{n}"


@dataclass
class _Segment:
    index: int
    text: str
    occs: list[OccurrencePlan]
    best: Candidate | None = None
    done: bool = False
    calls: int = 0
    tried: list[str] = field(default_factory=list)
    best_hyp: Hypothesis | None = None
    best_sent: SentInput | None = None
    marks: list[tuple[int, int]] = field(default_factory=list)
    # Decoded with the forbidden forms of its entries suppressed (after one came out without the ban).
    ban: bool = False


def translate_segments(
    engine: Engine,
    segments: Sequence[str],
    source: str,
    target: str,
    glossary: Glossary | None,
    options: EnforceOptions | None = None,
    *,
    planned: Sequence[Sequence[PlannedTerm]] | None = None,
    marks: Sequence[Sequence[tuple[int, int]] | None] | None = None,
    keep: Sequence[Sequence[tuple[int, int]] | None] | None = None,
) -> list[SegmentResult]:
    """Translate ``segments`` (source -> target) so every glossary occurrence is rendered as required.

    Segments with no term go through one plain engine call. Segments with terms go through at most
    ``options.max_rounds`` rounds; each round is ONE engine call over every segment still failing (plus
    the terms on their own, for finding their renderings), so the cost grows with rounds, not sentences.
    Every occurrence ends applied, variant or violated; forbidden forms left in the output are recorded.

    ``marks`` (optional, parallel to ``segments``): source spans of inline markup (bold, links); each result's
    ``mark_spans`` then gives the target span that renders each one, aligned by attention (None where unknown).
    ``keep`` (optional, parallel): source spans to copy verbatim (inline code); enforced like do-not-translate
    terms, left out of the occurrences; ``kept_spans`` gives where each landed (None where it was lost).
    A None in either list: that segment carries no markup and its result is what a call without the list
    gives (plain and marked segments of a document share the engine calls, pipeline/translator.py).
    """
    options = options or EnforceOptions()
    form = PlaceholderForm(options.placeholder_form or DEFAULT_FORM)
    states: list[_Segment] = []
    for i, text in enumerate(segments):
        kept = (keep[i] or ()) if keep is not None else ()
        # Without a glossary only verbatim spans are enforced: a segment with none has nothing to plan (plain
        # segments riding with marked ones cost no more than in a call of their own).
        if glossary is None and planned is None and not kept:
            occs: list[OccurrencePlan] = []
        else:
            occs = plan_segment(
                text,
                glossary,
                source,
                target,
                engine,
                options,
                form,
                planned[i] if planned is not None else None,
                kept,
            )
        if occs and markup.markup_translator(engine) is not None:
            markup.prefer_in_context(occs)
        states.append(_Segment(i, text, occs, marks=list(marks[i] or ()) if marks is not None else []))

    results: list[SegmentResult | None] = [None] * len(states)
    repeated: frozenset[str] = frozenset()
    if glossary is not None or any(s.occs for s in states):  # else no result records name renderings
        # A name seen once in the whole batch cannot come out two ways in one document: skip it (cheap regex pass).
        seen = Counter(m.group(0) for text in segments for m in _NAME.finditer(text))
        repeated = frozenset(name for name, count in seen.items() if count > 1)
    plain = [s for s in states if not s.occs]
    # Segments without terms ride in the first round's engine call (same batches as a run without a glossary;
    # BatchOptions.detail keeps their output what a plain call gives), unless the engine translates marked text.
    ride = plain if markup.markup_translator(engine) is None else []
    plain_hyps: list[list[Hypothesis]] | None = None
    alone: dict[str, list[str]] = {}
    for round_no in range(max(1, options.max_rounds)):
        active = [s for s in states if s.occs and not s.done]
        if not active:
            break
        riders = ride if round_no == 0 else []
        rider_hyps = _run_round(engine, active, source, target, form, alone, options, round_no, riders)
        if round_no == 0 and ride:
            plain_hyps = rider_hyps
    if plain and plain_hyps is None:
        # Attention never changes the decoded text, so plain output stays equal to the no-glossary translation.
        want_attention = engine.supports_attention and any(s.marks for s in plain)
        # Attention is built only for the segments with marks to place (plain ones ride along).
        detail = [bool(s.marks) for s in plain] if want_attention and not all(s.marks for s in plain) else None
        plain_hyps = engine.translate_batch(
            [s.text for s in plain],
            source,
            target,
            BatchOptions(num_hypotheses=1, return_attention=want_attention, detail=detail),
        )
    for state, alternatives in zip(plain, plain_hyps or []):
        alternatives = alternatives or [Hypothesis(text="")]
        results[state.index] = SegmentResult(
            text=alternatives[0].text,
            strategy=NO_STRATEGY,
            engine_calls=1,
            score=alternatives[0].score,
            name_renderings=name_renderings(state.text, [], alternatives[0].text, only=repeated)
            if glossary is not None
            else {},
        )
        if keep is not None and keep[state.index] is not None:
            results[state.index].kept_spans = []  # type: ignore[union-attr]
        if marks is not None and marks[state.index] is not None:
            results[state.index].mark_spans = _mark_spans(  # type: ignore[union-attr]
                state.marks, alternatives[0], SentInput(state.text, {}, {}), form, []
            )

    for state in states:
        if state.occs:
            result = _finish(state, form, repeated)
            if result.kept_spans is None and keep is not None and keep[state.index] is not None:
                result.kept_spans = []  # given none to keep: none lost (the memory takes the record as complete)
            results[state.index] = result
    return [r for r in results if r is not None]


def _sent_input(state: _Segment, form: PlaceholderForm) -> SentInput:
    """The segment as sent this round: placeholder-strategy occurrences swapped for numbered placeholders."""
    edits: list[Edit] = []
    numbers: dict[int, OccurrencePlan] = {}
    number = 0
    for occ in state.occs:
        if occ.strategy == PLACEHOLDER:
            number += 1
            numbers[number] = occ
            edits.append(Edit(occ.start, occ.end, form.render(number), ("ph", number)))
        else:
            edits.append(Edit(occ.start, occ.end, state.text[occ.start : occ.end], ("occ", occ.index)))
    text, spans = apply_edits(state.text, edits)
    occ_spans = {key[1]: span for key, span in spans.items() if isinstance(key, tuple) and key[0] == "occ"}
    return SentInput(text, numbers, occ_spans)


def _run_round(
    engine: Engine,
    active: list[_Segment],
    source: str,
    target: str,
    form: PlaceholderForm,
    alone: dict[str, list[str]],
    options: EnforceOptions,
    round_no: int,
    riders: Sequence[_Segment] = (),
) -> list[list[Hypothesis]]:
    """One round over the ``active`` segments; ``riders`` (segments without terms) are translated in the same
    engine call and their hypotheses returned."""
    sents = [_sent_input(s, form) for s in active]
    in_context = [o for s in active for o in s.occs if o.strategy == IN_CONTEXT]
    # The terms on their own ride in the same call: the model's renderings of them, to find in its output.
    new_alone = sorted({o.text for o in in_context if o.text not in alone and not o.verbatim})
    suppress = _bannable(active) if options.suppress_forbidden else ()
    n = max(1, options.num_hypotheses) if engine.supports_nbest else 1
    batch = BatchOptions(
        num_hypotheses=n,
        return_attention=engine.supports_attention
        and (any(s.marks for s in active) or (bool(in_context) and (round_no > 0 or options.attention_first_round))),
        suppress=suppress,
    )
    translate_marked = markup.markup_translator(engine)
    replaced: list[dict[int, str]] = [{} for _ in sents]
    rider_hyps: list[list[Hypothesis]] = []
    if translate_marked is not None:
        # Engines that carry inline tags (Apertium): in-context terms are marked and their spans replaced.
        marked = markup.translate_round(
            engine, translate_marked, [s.occs for s in active], sents, new_alone, alone, source, target, batch
        )
        outputs, replaced = marked.outputs, marked.replaced
    else:
        outputs, rider_hyps = _decode(engine, active, sents, new_alone, riders, source, target, batch)
    for term, hyps in zip(new_alone, outputs[len(sents) :]):
        renderings: list[str] = []
        for hyp in hyps:
            rendering = clean_rendering(hyp.text)
            if rendering and rendering not in renderings:
                renderings.append(rendering)
        alone[term] = renderings

    for state, sent, hyps, swapped in zip(active, sents, outputs[: len(sents)], replaced):
        state.calls += 1
        best: Candidate | None = None
        best_hyp: Hypothesis | None = None
        for rank, hyp in enumerate(hyps or [Hypothesis(text="")]):
            candidate = realize(hyp, state.occs, sent, form, alone, options, round_no, rank, target)
            if swapped:
                markup.relabel(candidate, swapped)
            if best is None or candidate.key() > best.key():
                best, best_hyp = candidate, hyp
            if candidate.clean:
                break  # hypotheses come best first: the first clean one is the most fluent
        assert best is not None
        if state.best is None or best.key() > state.best.key():
            state.best, state.best_hyp, state.best_sent = best, best_hyp, sent
        if best.clean:
            state.done = True
            continue
        retry_banned = (
            bool(best.forbidden)
            and not state.ban
            and options.suppress_forbidden
            and engine.supports_suppress
            and bool(_bannable([state]))
        )
        if retry_banned:
            # A forbidden form came out: decode again with the entry's forbidden forms suppressed. Banning
            # lazily keeps the ban's separate (small-batch) call for the segments that need it; occurrences
            # that failed for another reason move on to their next strategy meanwhile.
            state.ban = True
        # Next round: only the occurrences that failed change strategy.
        advanced = retry_banned
        for index in best.failed:
            if retry_banned and best.outcomes[index].status != VIOLATED:
                continue
            occ = state.occs[index]
            occ.tried.append(occ.strategy)
            advanced = occ.advance() or advanced
        if not advanced:
            state.done = True
    return rider_hyps


def _decode(
    engine: Engine,
    active: Sequence[_Segment],
    sents: Sequence[SentInput],
    alone_terms: Sequence[str],
    riders: Sequence[_Segment],
    source: str,
    target: str,
    batch: BatchOptions,
) -> tuple[list[list[Hypothesis]], list[list[Hypothesis]]]:
    """The round's engine calls: (the segments' hypotheses then the terms alone, the riders' hypotheses).

    Everything shares one call, so a glossary run decodes in the same large batches as a run without one,
    except the segments to decode under a ban: CTranslate2 takes suppressed sequences per call (and a ban on
    the whole batch would make term-free outputs depend on the whole glossary, with memory keys that do not
    say so; a form forbidden for one concept can be right for another: "صدراعظم" is wrong for a prime
    minister and right for a chancellor), so they go in a call of their own.
    """
    banned = [i for i, state in enumerate(active) if state.ban]
    free = [i for i, state in enumerate(active) if not state.ban]
    texts = [r.text for r in riders] + [sents[i].text for i in free] + list(alone_terms)
    # Riders need the best hypothesis only (and attention only to place their inline marks).
    detail = [bool(r.marks) for r in riders] + [True] * (len(free) + len(alone_terms)) if riders else None
    hyps: list[list[Hypothesis]] = [[] for _ in range(len(active))]
    shared = dataclasses.replace(batch, suppress=(), detail=detail)
    common = engine.translate_batch(texts, source, target, shared) if texts else []
    rider_hyps = common[: len(riders)]
    for i, out in zip(free, common[len(riders) : len(riders) + len(free)]):
        hyps[i] = out
    if banned:
        ruled = dataclasses.replace(batch, suppress=_bannable([active[i] for i in banned]))
        for i, out in zip(banned, engine.translate_batch([sents[i].text for i in banned], source, target, ruled)):
            hyps[i] = out
    return hyps + common[len(riders) + len(free) :], rider_hyps


def _bannable(states: Sequence[_Segment]) -> tuple[str, ...]:
    """The forbidden forms of these segments' entries, less any that is part of one of their required renderings
    (entries may overlap)."""
    forbidden = sorted({f for s in states for o in s.occs for f in o.forbidden})
    required = [o.required.casefold() for s in states for o in s.occs]
    return tuple(f for f in forbidden if not any(f.casefold() in r for r in required))


def _finish(state: _Segment, form: PlaceholderForm, repeated: frozenset[str] | None = None) -> SegmentResult:
    best = state.best
    assert best is not None
    occurrences: list[Occurrence] = []
    kept_spans: list[tuple[int, int] | None] = []
    for occ in state.occs:
        record = best.outcomes[occ.index]
        if occ.verbatim:
            ok = record.status != VIOLATED and record.target_start is not None and record.target_end is not None
            kept_spans.append((record.target_start, record.target_end) if ok else None)  # type: ignore[arg-type]
            continue
        if record.status == VIOLATED:
            tried = list(dict.fromkeys(occ.tried + [occ.strategy]))
            record.note = (record.note or "not rendered") + f" (tried: {', '.join(tried)})"
        occurrences.append(record)
    occurrences.extend(best.forbidden)
    strategies = [o.strategy for o in occurrences if o.status != VIOLATED]
    # The most used strategy (ties: the first occurrence's), deterministic across runs.
    main = Counter(strategies).most_common(1)[0][0] if strategies else IN_CONTEXT
    result = SegmentResult(
        text=best.text, occurrences=occurrences, strategy=main, engine_calls=state.calls, score=best.score
    )
    if any(o.verbatim for o in state.occs):
        result.kept_spans = kept_spans
    covered = [(o.start, o.end) for o in state.occs]
    result.name_renderings = name_renderings(state.text, covered, best.text, state.best_hyp, state.best_sent, repeated)
    if state.best_hyp is not None and state.best_sent is not None:
        result.mark_spans = (
            _mark_spans(state.marks, state.best_hyp, state.best_sent, form, best.edits) if state.marks else []
        )
    return result


def _mark_spans(
    marks: Sequence[tuple[int, int]],
    hyp: Hypothesis,
    sent: SentInput,
    form: PlaceholderForm,
    edits: Sequence[tuple[int, int, int]],
) -> list[tuple[int, int] | None]:
    """Target spans (in the final text) of source mark spans, through the placeholders sent and the edits made.

    A placeholder that came back once is an exact anchor: a mark edge on a term's edge lands on the term's edge
    in the output, and a mark made of terms alone (a bold name) is exactly those terms. Attention, which moves
    with the other sentences of a batch, places only the rest.
    """
    # Placeholders changed the lengths of what was sent: move the source spans accordingly.
    sent_edits = [(o.start, o.end, len(form.render(n))) for n, o in sent.placeholders.items()]
    hits: dict[int, list[tuple[int, int]]] = {}
    for hit in form.find(hyp.text) if sent.placeholders else []:
        hits.setdefault(hit.number, []).append((hit.start, hit.end))
    # (source start, source end, what was sent, output span) of each placeholder that came back exactly once
    anchors = [
        (o.start, o.end, form.render(n), hits[n][0]) for n, o in sent.placeholders.items() if len(hits.get(n, ())) == 1
    ]
    attention, source_tokens, target_tokens = hyp.attention, hyp.source_tokens, hyp.target_tokens
    spans: list[tuple[int, int] | None] = []
    for start, end in marks:
        inside = [(s, e, where) for s, e, _, where in anchors if start <= s and e <= end]
        span = (shift_through(start, sent_edits), shift_through(end, sent_edits))
        rest = sent.text[span[0] : span[1]]
        for s, e, sent_as, _ in anchors:
            if start <= s and e <= end:
                rest = rest.replace(sent_as, "", 1)
        t_span: tuple[int, int] | None = None
        if inside and not any(ch.isalnum() for ch in rest):
            t_span = (min(where[0] for _, _, where in inside), max(where[1] for _, _, where in inside))
        elif attention and source_tokens and target_tokens:
            aligned = attention_span(attention, source_tokens, sent.text, target_tokens, hyp.text, span, union=True)
            if aligned is not None:
                t_start, t_end = aligned[0]
                for s, e, (a_start, a_end) in inside:
                    if s == start and a_start < t_end:
                        t_start = a_start
                    if e == end and a_end > t_start:
                        t_end = a_end
                t_span = (t_start, t_end)
        spans.append(None if t_span is None else (shift_through(t_span[0], edits), shift_through(t_span[1], edits)))
    return spans


_NAME = re.compile(r"(?<![\w-])[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][\w'’-]*")


def name_renderings(
    source_text: str,
    covered: Sequence[tuple[int, int]],
    output: str,
    hyp: Hypothesis | None = None,
    sent: SentInput | None = None,
    only: frozenset[str] | None = None,
) -> dict[str, str]:
    """Capitalised source words no entry covers -> how they came out: copied as is, located by confident
    attention, or (cased scripts) the most similar capitalised output word.

    Feeds the report's consistency hints: a name that comes out two ways in one document is worth an entry.
    """
    out: dict[str, str] = {}
    for match in _NAME.finditer(source_text):
        start, end = match.span()
        name = match.group(0)
        if only is not None and name not in only:
            continue
        if any(start < e and s < end for s, e in covered) or _sentence_start(source_text, start):
            continue
        if _has_word(output, name):
            out[name] = name
            continue
        if hyp is not None and sent is not None and hyp.attention and hyp.source_tokens and hyp.target_tokens:
            if not sent.placeholders and hyp.text == output:
                aligned = attention_span(
                    hyp.attention, hyp.source_tokens, sent.text, hyp.target_tokens, hyp.text, (start, end)
                )
                if aligned is not None and aligned[1]:
                    out[name] = hyp.text[aligned[0][0] : aligned[0][1]]
                    continue
        similar = _most_similar(name, output)
        if similar is not None:
            out[name] = similar
    return out


def _has_word(text: str, word: str) -> bool:
    """``word`` occurs in ``text`` as a whole word (no regex: this runs for every name of every segment)."""
    i = text.find(word)
    while i >= 0:
        j = i + len(word)
        if (i == 0 or not text[i - 1].isalnum()) and (j >= len(text) or not text[j].isalnum()):
            return True
        i = text.find(word, i + 1)
    return False


def _most_similar(name: str, output: str) -> str | None:
    """The capitalised word (run of as many words as the name has) in ``output`` most like ``name``."""
    words = list(_CAPITALISED.finditer(output))
    size = len(name.split())
    matcher = difflib.SequenceMatcher(None, "", name.casefold())  # the name is seq2: its index is built once
    best: tuple[float, str] | None = None
    for i in range(len(words) - size + 1):
        group = words[i : i + size]
        candidate = output[group[0].start() : group[-1].end()]
        matcher.set_seq1(candidate.casefold())
        if matcher.real_quick_ratio() < 0.6 or matcher.quick_ratio() < 0.6:
            continue
        ratio = matcher.ratio()
        if ratio >= 0.6 and (best is None or ratio > best[0]):
            best = (ratio, candidate)
    return best[1] if best else None


def _sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \"'“‘(«")
    return not before or before[-1] in ".!?"
