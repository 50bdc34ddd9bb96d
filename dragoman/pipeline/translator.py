"""Translating the segments of one route: translation-memory lookup, engine calls in length-sorted chunks, enforcement."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dragoman.cache import CommitCadence, TranslationMemory, make_key
from dragoman.enforce.model import EnforceOptions, SegmentResult
from dragoman.engines.base import BatchOptions, Engine, EngineWrapper, Hypothesis, Span
from dragoman.integrity.model import (
    CHECKS_VERSION,
    FLAGGED,
    Finding,
    Outcome,
    SegmentPair,
)
from dragoman.pipeline.routes import Route

if TYPE_CHECKING:
    from dragoman.glossary.model import Glossary

# At most this many segments per engine call. The whole set of misses is sorted by length first, so each
# call still gets tightly packed batches; chunks exist so that the translation memory commits as work
# finishes (a killed run keeps it) and the progress bar moves. cache.CommitCadence cuts them smaller:
# every few seconds or few hundred segments.
CHUNK_SEGMENTS = 2048

Progress = Callable[[int, int], None]  # (segments done, segments to translate)
Marks = tuple[tuple[int, int, bool], ...]  # inline markup of a segment: (start, end, verbatim) spans
# A segment to translate: its text and marks (the unit of deduplication and memory); no marks: a plain segment.
Item = tuple[str, Marks]


@dataclass
class RunStats:
    segments: int = 0  # segments in all documents x targets
    unique: int = 0  # distinct segments per route
    memory_hits: int = 0
    translated: int = 0
    engine_calls: int = 0
    seconds: float = 0.0
    retried: int = 0  # segments translated again because their output failed an integrity check
    repaired: int = 0  # unique segments whose output was repaired (it passes every check now)
    flagged: int = 0  # unique segments whose output still fails a check (reported)

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class CountingEngine(EngineWrapper):
    """Forwards to an engine (EngineWrapper: the contract, explicitly) and counts translate_batch and
    translate_marked calls (the figure tests and benchmarks read)."""

    def __init__(self, inner: Engine) -> None:
        super().__init__(inner)
        self.calls = 0
        self.segments = 0

    def translate_marked(
        self, segments: Sequence[str], marks: Sequence[Sequence[Span]], source: str, target: str
    ) -> list[tuple[str, list[Span | None]]]:
        self.calls += 1  # the markup strategy's calls count like translate_batch's
        return self.inner.translate_marked(segments, marks, source, target)

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        self.calls += 1
        self.segments += len(segments)
        return self.inner.translate_batch(segments, source, target, options)


def route_signature(engine: Engine, route: Route) -> str:
    return " >> ".join(engine.signature(s, t) for s, t in route.legs)


def _plain_translate(engine: Engine, texts: list[str], route: Route) -> list[str]:
    """One engine call per leg for all texts (no glossary)."""
    current = texts
    for source, target in route.legs:
        hyps = engine.translate_batch(current, source, target, BatchOptions(num_hypotheses=1))
        current = [h[0].text if h else "" for h in hyps]
    return current


def _enforced_translate(
    engine: Engine,
    texts: list[str],
    route: Route,
    glossary: Glossary | None,
    options: EnforceOptions,
    marks: list[list[tuple[int, int]] | None] | None = None,
    keep: list[list[tuple[int, int]] | None] | None = None,
) -> list[SegmentResult]:
    """SegmentResults through every leg of the route, the glossary enforced in each.

    Through a pivot, the first leg's enforced spans are forced occurrences of the second. With inline markup
    (``marks``; ``keep``: verbatim spans; None for a segment without markup), each leg aligns its own marks: the
    first leg's target spans are the second leg's marks, so a bold name stays bold in ms -> en -> fa, and the
    results' ``mark_spans`` / ``kept_spans`` locate every source span in the final text (None where a leg lost it).
    """
    from dragoman import enforce

    if route.via is None:
        return list(
            enforce.translate_segments(
                engine, texts, route.source, route.target, glossary, options, marks=marks, keep=keep
            )
        )
    (s1, t1), (s2, t2) = route.legs
    leg1 = enforce.translate_segments(engine, texts, s1, t1, glossary, options, marks=marks, keep=keep)
    marks2 = _located(marks, [r.mark_spans for r in leg1])
    keep2 = _located(keep, [r.kept_spans for r in leg1])
    leg2 = enforce.translate_segments(
        engine,
        [r.text for r in leg1],
        s2,
        t2,
        glossary,
        options,
        planned=enforce.carry_for_pivot(leg1),
        marks=marks2,
        keep=keep2,
    )
    merged = enforce.merge_pivot(leg1, leg2)
    for i, (first, second, result) in enumerate(zip(leg1, leg2, merged)):
        if marks is not None and marks[i] is not None:
            result.mark_spans = _through(first.mark_spans, second.mark_spans)
        if keep is not None and keep[i] is not None:
            result.kept_spans = _through(first.kept_spans, second.kept_spans)
    return list(merged)


def _located(
    given: list[list[tuple[int, int]] | None] | None, found: list[list[tuple[int, int] | None] | None]
) -> list[list[tuple[int, int]] | None] | None:
    """The spans a leg located, as the next leg's input (None for a segment given none)."""
    if given is None:
        return None
    return [None if g is None else [span for span in (f or []) if span is not None] for g, f in zip(given, found)]


def _through(
    first: list[tuple[int, int] | None] | None, second: list[tuple[int, int] | None] | None
) -> list[tuple[int, int] | None]:
    """Compose two legs' span lists: the second leg saw only the spans the first one located, in order."""
    later = iter(second or [])
    return [None if span is None else next(later, None) for span in (first or [])]


def _result_from_memory(text: str, metadata: dict[str, Any] | None) -> SegmentResult | None:
    """A SegmentResult rebuilt from the memory, or None when the stored record cannot be read (then the
    segment is simply translated again)."""
    from dragoman import enforce

    data = metadata or {}
    try:
        occurrences = [enforce.Occurrence(**o) for o in data.get("occurrences", [])]
        return enforce.SegmentResult(
            text=text,
            occurrences=occurrences,
            strategy=str(data.get("strategy", "none")),
            engine_calls=0,
            name_renderings=dict(data.get("name_renderings", {})),
            mark_spans=_stored_spans(data.get("mark_spans")),
            kept_spans=_stored_spans(data.get("kept_spans")),
        )
    except (TypeError, ValueError, AttributeError):
        return None


def _stored_outcomes(value: Any) -> list[Outcome]:
    """The integrity outcomes of a flagged record ([] when it cannot be read: the segment is checked again)."""
    if not isinstance(value, list):
        return []
    try:
        return [
            Outcome(
                Finding(
                    check=str(item["check"]),
                    detail=str(item["detail"]),
                    severity=str(item["severity"]),
                    start=item.get("start"),
                    end=item.get("end"),
                    source_start=item.get("source_start"),
                    source_end=item.get("source_end"),
                ),
                str(item["action"]),
            )
            for item in value
        ]
    except (TypeError, KeyError, AttributeError):
        return []


def _stored_spans(value: Any) -> list[tuple[int, int] | None] | None:
    if value is None:
        return None
    return [(int(span[0]), int(span[1])) if span else None for span in value]


def _result_metadata(result: SegmentResult) -> dict[str, Any]:
    data = dict(result.to_dict())
    data.pop("text", None)
    data.pop("engine_calls", None)
    return data


def _plain_results(engine: Engine, texts: list[str], route: Route) -> list[SegmentResult]:
    return [SegmentResult(text=text, engine_calls=len(route.legs)) for text in _plain_translate(engine, texts, route)]


class _SaferEngine(EngineWrapper):
    """The engine with the decoding controls of a safer re-translation added to every call (only for engines that
    declare supports_decoding_controls; calls are counted by the engine it wraps)."""

    def __init__(self, inner: Engine, retry: Retry) -> None:
        super().__init__(inner)
        self.retry = retry

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        controlled = dataclasses.replace(
            options or BatchOptions(),
            no_repeat_ngram_size=self.retry.no_repeat_ngram_size,
            repetition_penalty=self.retry.repetition_penalty,
            max_length_ratio=self.retry.max_length_ratio,
            max_length_margin=self.retry.max_length_margin,
        )
        return self.inner.translate_batch(segments, source, target, controlled)


class ChunkRunner:
    """Runs a route's misses through Translator.work, chunk by chunk, yielding ``(chunk, results)`` as each is
    done; the translator stores each in the memory before asking for the next. This one works in this process,
    in runs of a few seconds (CommitCadence), so a killed run keeps all but its last chunk. dragoman.cluster's
    runner ships shards to Dask workers and yields them as they come back."""

    # Engine calls made elsewhere (on cluster workers): the run's statistics add them to its own count.
    engine_calls = 0

    def prepare(self, engine: Engine, routes: Sequence[Route]) -> None:
        """Called once the routes are planned, before any chunk (a cluster checks its workers then)."""

    def runs(
        self, translator: Translator, misses: Sequence[Item], route: Route
    ) -> Iterator[tuple[Sequence[Item], list[SegmentResult]]]:
        for _, chunk in CommitCadence(CHUNK_SEGMENTS).runs(misses):
            yield chunk, translator.work(chunk, route)

    def report(self) -> dict[str, Any] | None:
        """What the run's --report says about where chunks ran (a cluster: per-worker counts); None here."""
        return None

    def close(self) -> None:
        """Release what the runner holds (a cluster connection); this one holds nothing."""


@dataclass(frozen=True)
class Retry:
    """The settings of one safer re-translation of segments that failed an integrity check."""

    no_repeat_ngram_size: int
    repetition_penalty: float
    max_length_ratio: float
    max_length_margin: int = 5


INTEGRITY_MODES = ("repair", "check", "off")
# Tried in order on what still fails: every term in context (no placeholders) and loops blocked, then harder.
RETRIES = (Retry(3, 1.2, 2.0, 8), Retry(2, 1.5, 1.5, 4))
# Stored with a flagged record: the repairs that failed on it; other settings try again.
REPAIRS = repr(RETRIES)


class Translator:
    """Translates the segments of one route, through the translation memory, in a few engine calls; checks every
    result's integrity, re-translates what fails with safer settings and records what still fails."""

    def __init__(
        self,
        engine: Engine,
        memory: TranslationMemory | None,
        glossary: Glossary | None = None,
        progress: Progress | None = None,
        include_drafts: bool = False,
        integrity: str = "repair",
        runner: ChunkRunner | None = None,
    ) -> None:
        self.engine = engine
        # Where chunks are translated: in this process (default) or on a cluster (dragoman.cluster.ClusterRunner).
        self.runner = runner or ChunkRunner()
        self.include_drafts = include_drafts  # `translate --use-drafts`: draft glossary entries are enforced too
        self.memory = memory
        self.glossary = glossary if glossary is not None and len(glossary) else None
        self.progress = progress
        if integrity not in INTEGRITY_MODES:
            raise ValueError(f"integrity must be one of {', '.join(INTEGRITY_MODES)}, not {integrity!r}")
        # "repair": check every segment and repair what fails; "check": only report (what a clean run costs, for
        # benchmarks on random weights, where every output fails); "off": neither.
        self.integrity = integrity
        self.stats = RunStats()
        self._reported = 0
        self._enforce_options: dict[tuple[str, str], EnforceOptions] = {}

    def enforce_options(self, route: Route) -> EnforceOptions:
        key = (route.source, route.target)
        if key not in self._enforce_options:
            from dragoman import calibration

            # Calibration belongs to the package of the leg that carries the placeholders into the target.
            options = calibration.options_for_package(self.engine.calibration_package(*route.legs[-1]))
            if self.include_drafts:
                options.include_drafts = True
            self._enforce_options[key] = options
        return self._enforce_options[key]

    def set_enforce_options(self, route: Route, options: EnforceOptions) -> None:
        """Use ``options`` for the route instead of this machine's calibration (a cluster worker takes the
        client's, so that both translate alike)."""
        self._enforce_options[(route.source, route.target)] = options

    def translate(
        self, texts: Sequence[str], route: Route, marks: Sequence[Marks] | None = None
    ) -> list[SegmentResult]:
        """One SegmentResult per text, order kept; the same text (with the same marks) is translated once.

        ``marks[i]`` (optional) lists (start, end, verbatim) spans of inline markup over ``texts[i]``: the results'
        ``mark_spans`` then say where each translatable mark's words landed and ``kept_spans`` where each verbatim
        span (inline code, translate="no") was copied. The memory key includes the marks (the verbatim spans change
        what is sent), and the spans are stored with the text, so a re-run renders exactly as the first. Through a
        pivot each leg aligns the marks the previous one located. A text without marks is a plain segment (no
        spans in its result); plain and marked segments share the engine calls.
        """
        keyed = list(zip(texts, (tuple(m) for m in marks) if marks is not None else ((),) * len(texts)))
        items: list[Item] = list(dict.fromkeys(keyed))
        self.stats.segments += len(texts)
        self.stats.unique += len(items)
        signature = route_signature(self.engine, route)
        keys = {item: self._key(signature, item, route) for item in items}
        done: dict[Item, SegmentResult] = {}
        # Memory hits whose text these checks judged when it was stored (clean, or flagged after repairs failed
        # with these settings): checking them again would find the same.
        known: set[Item] = set()
        misses: list[Item] = []
        entries = self.memory.get_entries(list(keys.values())) if self.memory else {}
        for item in items:
            key = keys[item]
            if key not in entries:
                misses.append(item)
                continue
            text, metadata = entries[key]
            result = _result_from_memory(text, metadata) if self._rich(item) else SegmentResult(text=text)
            if result is None or (item[1] and (result.mark_spans is None or result.kept_spans is None)):
                misses.append(item)
                continue
            done[item] = result
            if self.integrity != "off" and self._restore_checks(result, metadata):
                known.add(item)
        self.stats.memory_hits += len(items) - len(misses)
        if self.integrity != "off":
            unchecked = {item: result for item, result in done.items() if item not in known}
            if unchecked:
                self._verify(unchecked, route)
                done.update(unchecked)
                # Recorded as checked (repaired ones replaced, flagged ones with their findings), so that the next
                # run need not check them again.
                self._store({keys[item]: (item, result) for item, result in unchecked.items()})
        # Length-sorted before chunking so that every call gets sentences of similar length.
        misses.sort(key=lambda item: len(item[0]))
        total = len(misses)
        finished = 0
        self._reported = 0
        if self.progress and total:
            self.progress(0, total)
        # The progress bar moves as chunks are stored: what it shows done survives a kill.
        for chunk, chunk_results in self.runner.runs(self, misses, route):
            results = dict(zip(chunk, chunk_results))
            self._store({keys[item]: (item, result) for item, result in results.items()})
            done.update(results)
            finished += len(chunk)
            self.stats.translated += len(chunk)
            self._report(finished, total)
        self._scan_forbidden(done.values(), route)
        return [done[item] for item in keyed]

    def work(self, chunk: Sequence[Item], route: Route) -> list[SegmentResult]:
        """One chunk translated, checked and repaired: what a run does with each chunk of its misses, here or on
        a cluster worker (dragoman.cluster), so both give the same results. Plain and marked segments go to the
        engine together: one call per leg (and per enforcement round)."""
        results = self._translate_chunk(self.engine, chunk, route)
        if self.integrity == "off":
            return results
        by_item = dict(zip(chunk, results))
        self._verify(by_item, route)
        return [by_item[item] for item in chunk]

    def _rich(self, item: Item) -> bool:
        """Whether the item's result carries more than its text (term metadata, mark spans) in the memory."""
        return self.glossary is not None or bool(item[1])

    def _restore_checks(self, result: SegmentResult, metadata: dict[str, Any] | None) -> bool:
        """Whether a stored record says these checks already judged its text: clean ("checked"), or flagged
        ("flagged": its findings, restored on ``result``) by a run that could do at least what this one does
        (a "check" run's flags do not spare a "repair" run its repairs)."""
        if metadata is None:
            return False
        if metadata.get("checked") == CHECKS_VERSION:
            return True
        flagged = metadata.get("flagged")
        if not isinstance(flagged, dict) or flagged.get("checks") != CHECKS_VERSION:
            return False
        if self.integrity == "repair" and flagged.get("repairs") != REPAIRS:
            return False
        outcomes = _stored_outcomes(flagged.get("findings"))
        if not outcomes:
            return False
        result.integrity = outcomes
        self.stats.flagged += 1
        return True

    def _key(self, signature: str, item: Item, route: Route) -> str:
        text, item_marks = item
        material = self._key_material(text, route)
        if item_marks:
            material += "\x1fmarks:" + repr(list(item_marks))
        return make_key(signature, text, material)

    def _translate_chunk(
        self, engine: Engine, chunk: Sequence[Item], route: Route, options: EnforceOptions | None = None
    ) -> list[SegmentResult]:
        texts = [text for text, _ in chunk]
        marked = any(item_marks for _, item_marks in chunk)
        if self.glossary is None and not marked and options is None:
            return _plain_results(engine, texts, route)
        enforced = options is not None or self.glossary is not None
        if options is None:
            options = self.enforce_options(route) if self.glossary is not None else EnforceOptions()
        results = _enforced_translate(
            engine,
            texts,
            route,
            self.glossary,
            options,
            marks=[[(s, e) for s, e, verbatim in m if not verbatim] if m else None for _, m in chunk]
            if marked
            else None,
            keep=[[(s, e) for s, e, verbatim in m if verbatim] if m else None for _, m in chunk] if marked else None,
        )
        if enforced:
            return results
        # Plain segments that rode in a marked chunk: the result a plain call gives (its text alone).
        return [
            result if item_marks else SegmentResult(text=result.text, engine_calls=len(route.legs))
            for (_, item_marks), result in zip(chunk, results)
        ]

    def _store(self, results: dict[str, tuple[Item, SegmentResult]]) -> None:
        """Into the memory: the text, the term metadata (rich results) and what the integrity checks made of it
        ("checked": clean; "flagged": the findings that remain after repairs)."""
        if self.memory is None or not results:
            return
        texts = {key: result.text for key, (_, result) in results.items()}
        metadata: dict[str, dict[str, Any]] = {}
        for key, (item, result) in results.items():
            data = _result_metadata(result) if self._rich(item) else {}
            if self.integrity != "off":
                if _clean(result):
                    data["checked"] = CHECKS_VERSION
                else:
                    # A key of its own: a dragoman that knows only "checked" checks such a record again.
                    data["flagged"] = {
                        "checks": CHECKS_VERSION,
                        "repairs": REPAIRS if self.integrity == "repair" else None,
                        "findings": [
                            {**outcome.finding.to_dict(), "action": outcome.action} for outcome in result.integrity
                        ],
                    }
            if data:
                metadata[key] = data
        self.memory.put_many(texts, metadata or None)

    # -- integrity --------------------------------------------------------------------------------------------

    def _pair(self, item: Item, result: SegmentResult, route: Route) -> SegmentPair:
        from dragoman.enforce import DEFAULT_FORM
        from dragoman.integrity import SegmentPair

        text, item_marks = item
        exclude = [(o.source_start, o.source_end) for o in result.occurrences
                   if o.source_start is not None and o.source_end is not None]  # fmt: skip
        verbatim = [text[s:e] for s, e, keep in item_marks if keep]
        exclude += [(s, e) for s, e, keep in item_marks if keep]
        # The family placeholders were (or would have been) sent in: pieces of it are never right in an output.
        form = (self.enforce_options(route).placeholder_form if self.glossary is not None else None) or DEFAULT_FORM
        return SegmentPair(
            source=text,
            output=result.text,
            source_lang=route.source,
            target_lang=route.target,
            placeholder_forms=(form,),
            exclude=tuple(exclude),
            verbatim=tuple(verbatim),
        )

    def _verify(self, done: dict[Item, SegmentResult], route: Route) -> list[Item]:
        """Check every result; repair what fails (debris removed, else translated again with safer settings);
        record on each result what was found and done (``done`` is updated in place). Returns the items whose
        result was replaced."""
        from dragoman.integrity import FLAGGED, check_pair

        found: dict[Item, list[Finding]] = {}
        for item, result in done.items():
            findings = check_pair(self._pair(item, result, route))
            result.integrity = [Outcome(f, FLAGGED) for f in findings]
            if findings:
                found[item] = findings
        if not found or self.integrity == "check":
            self.stats.flagged += len(found)
            return []
        repaired: list[Item] = []
        for item in list(found):
            cleaned = self._without_debris(item, done[item], route)
            if cleaned is not None:
                self._accept(done, item, cleaned, found.pop(item), [])
                repaired.append(item)
        for retry in RETRIES:
            candidates = [item for item in found if self._can_retry(done[item])]
            if not candidates:
                break
            engine: Engine = _SaferEngine(self.engine, retry) if self.engine.supports_decoding_controls else self.engine
            options = dataclasses.replace(
                self.enforce_options(route) if self.glossary is not None else EnforceOptions(), placeholders=False
            )
            results = self._translate_chunk(engine, candidates, route, options)
            for item, result in zip(candidates, results):
                self.stats.retried += 1
                findings = check_pair(self._pair(item, result, route))
                if not findings and len(result.violations) <= len(done[item].violations):
                    self._accept(done, item, result, found.pop(item), findings)
                    repaired.append(item)
            if not self.engine.supports_decoding_controls:
                break  # the same settings again would give the same output
        self.stats.repaired += len(repaired)
        self.stats.flagged += len(found)
        return repaired

    @staticmethod
    def _accept(
        done: dict[Item, SegmentResult], item: Item, result: SegmentResult, before: list[Finding], after: list[Finding]
    ) -> None:
        from dragoman.integrity import FLAGGED, REPAIRED

        result.integrity = [Outcome(f, REPAIRED) for f in before] + [Outcome(f, FLAGGED) for f in after]
        done[item] = result

    def _can_retry(self, result: SegmentResult) -> bool:
        """Whether a safer re-translation can come out differently: the engine takes decoding controls, or the
        first translation sent placeholders (the retry sends none)."""
        from dragoman.enforce import PLACEHOLDER

        return self.engine.supports_decoding_controls or any(o.strategy == PLACEHOLDER for o in result.occurrences)

    def _without_debris(self, item: Item, result: SegmentResult, route: Route) -> SegmentResult | None:
        """The result with its placeholder debris cut out (spans moved accordingly) when what is left passes every
        check; None when it holds no debris or the rest is not sound."""
        from dragoman.enforce.align import shift_through
        from dragoman.integrity import check_pair, debris_spans

        pair = self._pair(item, result, route)
        spans = debris_spans(pair)
        if not spans:
            return None
        edits = [(start, end, 0) for start, end in _widen(result.text, spans)]
        text = result.text
        for start, end, _ in reversed(edits):
            text = text[:start] + text[end:]
        if check_pair(dataclasses.replace(pair, output=text)):
            return None

        def move(span: tuple[int, int] | None) -> tuple[int, int] | None:
            return None if span is None else (shift_through(span[0], edits), shift_through(span[1], edits))

        occurrences = [
            dataclasses.replace(
                o,
                target_start=None if o.target_start is None else shift_through(o.target_start, edits),
                target_end=None if o.target_end is None else shift_through(o.target_end, edits),
            )
            for o in result.occurrences
        ]
        return dataclasses.replace(
            result,
            text=text,
            occurrences=occurrences,
            mark_spans=None if result.mark_spans is None else [move(s) for s in result.mark_spans],
            kept_spans=None if result.kept_spans is None else [move(s) for s in result.kept_spans],
        )

    def _scan_forbidden(self, values: Iterable[SegmentResult], route: Route) -> None:
        """After the memory, against this run's glossary: record forbidden forms no source term asked for."""
        if self.glossary is None:
            return
        from dragoman.enforce.stray import ForbiddenScanner

        scanner = ForbiddenScanner(self.glossary, route.target)
        for value in values:
            scanner.record(value)

    def _report(self, done: int, total: int) -> None:
        # Monotonic: engine-side estimates and chunk ends interleave, the bar only moves forward.
        if self.progress and done > self._reported:
            self._reported = done
            self.progress(done, total)

    def _key_material(self, text: str, route: Route) -> str:
        if self.glossary is None:
            return ""
        from dragoman import enforce

        return str(
            enforce.tm_key_material(text, self.glossary, route.source, route.target, self.enforce_options(route))
        )


def _clean(result: SegmentResult) -> bool:
    """The result passes every integrity check (as it came or once repaired)."""
    return not any(outcome.action == FLAGGED for outcome in result.integrity)


_SOFT_PUNCT = ",،;؛"
_END_PUNCT = ".!?؟…"


def _widen(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Debris spans widened so that cutting them leaves a tidy sentence: the space before (or after, at the start)
    goes too, and a comma stranded before another mark ("Pezeshkian, ZXQ,." -> "Pezeshkian.")."""
    widened: list[tuple[int, int]] = []
    for start, end in spans:
        if start > 0 and text[start - 1].isspace():
            start -= 1
        elif end < len(text) and text[end].isspace():
            end += 1
        while (
            start > 0 and text[start - 1] in _SOFT_PUNCT and end < len(text) and text[end] in _SOFT_PUNCT + _END_PUNCT
        ):
            start -= 1
        while end < len(text) - 1 and text[end] in _SOFT_PUNCT and text[end + 1] in _END_PUNCT:
            end += 1
        if widened and start <= widened[-1][1]:
            widened[-1] = (widened[-1][0], max(end, widened[-1][1]))
        else:
            widened.append((start, end))
    return widened


__all__ = [
    "CHUNK_SEGMENTS",
    "INTEGRITY_MODES",
    "RETRIES",
    "ChunkRunner",
    "CountingEngine",
    "Item",
    "Marks",
    "Retry",
    "RunStats",
    "Translator",
    "route_signature",
]
