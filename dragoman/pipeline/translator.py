"""Translating the segments of one route: translation-memory lookup, engine calls in length-sorted chunks, enforcement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dragoman.cache import TranslationMemory, make_key
from dragoman.engines.base import BatchOptions, Engine, Hypothesis
from dragoman.pipeline.routes import Route

if TYPE_CHECKING:
    from dragoman.glossary.model import Glossary
    from dragoman.packages import InstalledPackage

# Segments per engine call. The whole set of misses is sorted by length first, so each call still gets
# tightly packed batches; chunks exist so that the translation memory commits as work finishes (a
# killed run keeps it) and the progress bar moves. Large enough that batching efficiency is unaffected.
CHUNK_SEGMENTS = 2048

Progress = Callable[[int, int], None]  # (segments done, segments to translate)
Marks = tuple[tuple[int, int, bool], ...]  # inline markup of a segment: (start, end, verbatim) spans


@dataclass
class RunStats:
    segments: int = 0  # segments in all documents x targets
    unique: int = 0  # distinct segments per route
    memory_hits: int = 0
    translated: int = 0
    engine_calls: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


class CountingEngine(Engine):
    """Delegates to an engine and counts translate_batch calls (the figure tests and benchmarks read)."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.calls = 0
        self.segments = 0
        self.name = inner.name  # type: ignore[misc]
        self.supports_nbest = inner.supports_nbest  # type: ignore[misc]
        self.supports_attention = inner.supports_attention  # type: ignore[misc]
        self.supports_suppress = inner.supports_suppress  # type: ignore[misc]
        marked = getattr(inner, "translate_marked", None)
        if marked is not None:
            # The markup strategy (engines such as Apertium) is an optional capability found by name:
            # expose it only when the inner engine has it, and count its calls like translate_batch.
            def translate_marked(*args: Any, **kwargs: Any) -> Any:
                self.calls += 1
                return marked(*args, **kwargs)

            self.translate_marked = translate_marked

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def pairs(self) -> list[tuple[str, str]]:
        return self.inner.pairs()

    def supports(self, source: str, target: str) -> bool:
        return self.inner.supports(source, target)

    def signature(self, source: str, target: str) -> str:
        return self.inner.signature(source, target)

    def missing_hint(self, source: str, target: str) -> str | None:
        return self.inner.missing_hint(source, target)

    def calibration_package(self, source: str, target: str) -> InstalledPackage | None:
        return self.inner.calibration_package(source, target)

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        self.calls += 1
        self.segments += len(segments)
        return self.inner.translate_batch(segments, source, target, options)

    def close(self) -> None:
        self.inner.close()


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
    options: Any,
    marks: list[list[tuple[int, int]]] | None = None,
    keep: list[list[tuple[int, int]]] | None = None,
) -> list[Any]:
    """SegmentResults through every leg of the route, the glossary enforced in each.

    Through a pivot, the first leg's enforced spans are forced occurrences of the second. With inline markup
    (``marks``; ``keep``: verbatim spans), each leg aligns its own marks: the first leg's target spans are the
    second leg's marks, so a bold name stays bold in ms -> en -> fa, and the results' ``mark_spans`` /
    ``kept_spans`` locate every source span in the final text (None where a leg lost it).
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
    marks2 = [[span for span in (r.mark_spans or []) if span is not None] for r in leg1] if marks is not None else None
    keep2 = [[span for span in (r.kept_spans or []) if span is not None] for r in leg1] if keep is not None else None
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
    for first, second, result in zip(leg1, leg2, merged):
        if marks is not None:
            result.mark_spans = _through(first.mark_spans, second.mark_spans)
        if keep is not None:
            result.kept_spans = _through(first.kept_spans, second.kept_spans)
    return list(merged)


def _through(
    first: list[tuple[int, int] | None] | None, second: list[tuple[int, int] | None] | None
) -> list[tuple[int, int] | None]:
    """Compose two legs' span lists: the second leg saw only the spans the first one located, in order."""
    later = iter(second or [])
    return [None if span is None else next(later, None) for span in (first or [])]


@dataclass
class Chunk:
    """One engine job: length-sorted texts of one route and, for marked segments, their mark and verbatim spans."""

    texts: list[str]
    marks: list[list[tuple[int, int]]] | None = None
    keep: list[list[tuple[int, int]]] | None = None


def translate_chunk(
    engine: Engine, chunk: Chunk, route: Route, glossary: Glossary | None, options: Any, enforced: bool
) -> list[Any]:
    """The work a chunk is: plain translations (str) without enforcement, SegmentResults with it.

    The one function both a local run and a cluster worker (dragoman.cluster) call, so both produce the same
    output from the same segments.
    """
    if not enforced:
        return _plain_translate(engine, chunk.texts, route)
    return _enforced_translate(engine, chunk.texts, route, glossary, options, marks=chunk.marks, keep=chunk.keep)


class ChunkRunner:
    """Runs a route's chunks and yields ``(chunk index, results)`` as each finishes; this one, in this process,
    in order. dragoman.cluster's runner ships them to Dask workers and yields them in completion order."""

    # Engine calls made elsewhere (on cluster workers): the run's statistics add them to its own count.
    engine_calls = 0

    def prepare(self, engine: Engine, routes: Sequence[Route]) -> None:
        """Called once the routes are planned, before any chunk: a cluster checks its workers can do them."""

    def chunk_size(self, total: int) -> int:
        return CHUNK_SEGMENTS

    def run(
        self,
        translator: Translator,
        chunks: Sequence[Chunk],
        route: Route,
        options: Any,
        enforced: bool,
    ) -> Iterator[tuple[int, list[Any]]]:
        engine = translator.engine
        set_progress = getattr(engine, "set_progress", None) if translator.progress else None
        total = sum(len(chunk.texts) for chunk in chunks)
        start = 0
        for index, chunk in enumerate(chunks):
            if set_progress is not None:
                set_progress(_ChunkProgress(translator._report, start, len(chunk.texts), total, len(route.legs)))
            try:
                results = translate_chunk(engine, chunk, route, translator.glossary, options, enforced)
            finally:
                if set_progress is not None:
                    set_progress(None)
            start += len(chunk.texts)
            yield index, results

    def report(self) -> dict[str, Any] | None:
        """What the run's --report says about where chunks ran (a cluster: per-worker counts); None here."""
        return None

    def close(self) -> None:
        """Release what the runner holds (a cluster connection); a local runner holds nothing."""


def _result_from_memory(text: str, metadata: dict[str, Any] | None) -> Any:
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


def _stored_spans(value: Any) -> list[tuple[int, int] | None] | None:
    if value is None:
        return None
    return [(int(span[0]), int(span[1])) if span else None for span in value]


def _result_metadata(result: Any) -> dict[str, Any]:
    data = dict(result.to_dict())
    data.pop("text", None)
    data.pop("engine_calls", None)
    return data


class _ChunkProgress:
    """Turns an engine's "n segments finished in this call" into overall progress for one chunk.

    A pivot (or an enforcement round) calls the engine several times per chunk; each call counts
    from zero again, so finished calls are accumulated and the total is spread over the legs.
    """

    def __init__(self, report: Callable[[int, int], None], start: int, size: int, total: int, legs: int) -> None:
        self.report, self.start, self.size, self.total, self.legs = report, start, size, total, legs
        self.base = 0
        self.last = 0

    def __call__(self, finished: int) -> None:
        if finished < self.last:
            self.base += self.last
        self.last = finished
        units = (self.base + finished) // self.legs
        self.report(self.start + min(units, self.size), self.total)


class Translator:
    """Translates the segments of one route, through the translation memory, in a few engine calls."""

    def __init__(
        self,
        engine: Engine,
        memory: TranslationMemory | None,
        glossary: Glossary | None = None,
        progress: Progress | None = None,
        include_drafts: bool = False,
        runner: ChunkRunner | None = None,
    ) -> None:
        self.engine = engine
        # Where chunks are translated: here (default) or on a cluster (dragoman.cluster.ClusterRunner).
        self.runner = runner or ChunkRunner()
        self.include_drafts = include_drafts  # `translate --use-drafts`: draft glossary entries are enforced too
        self.memory = memory
        self.glossary = glossary if glossary is not None and len(glossary) else None
        self.progress = progress
        self.stats = RunStats()
        self._reported = 0
        self._enforce_options: dict[tuple[str, str], Any] = {}

    def enforce_options(self, route: Route) -> Any:
        key = (route.source, route.target)
        if key not in self._enforce_options:
            from dragoman import calibration

            # Calibration belongs to the package of the leg that carries the placeholders into the target.
            options = calibration.options_for_package(self.engine.calibration_package(*route.legs[-1]))
            if self.include_drafts:
                options.include_drafts = True
            self._enforce_options[key] = options
        return self._enforce_options[key]

    def translate(self, texts: Sequence[str], route: Route) -> list[Any]:
        """Texts -> translations (str) without a glossary, SegmentResult with one; order kept."""
        unique = list(dict.fromkeys(texts))
        self.stats.segments += len(texts)
        self.stats.unique += len(unique)
        signature = route_signature(self.engine, route)
        keys = [make_key(signature, text, self._key_material(text, route)) for text in unique]
        done: dict[str, Any] = {}
        misses: list[tuple[str, str]] = []
        if self.glossary is None:
            found = self.memory.get_many(keys) if self.memory else {}
            for text, key in zip(unique, keys):
                if key in found:
                    done[text] = found[key]
                else:
                    misses.append((text, key))
        else:
            entries = self.memory.get_entries(keys) if self.memory else {}
            for text, key in zip(unique, keys):
                result = _result_from_memory(*entries[key]) if key in entries else None
                if result is not None:
                    done[text] = result
                else:
                    misses.append((text, key))
        self.stats.memory_hits += len(unique) - len(misses)
        # Length-sorted before chunking so that every call gets sentences of similar length.
        misses.sort(key=lambda item: len(item[0]))
        total = len(misses)
        finished = 0
        self._reported = 0
        if self.progress and total:
            self.progress(0, total)
        size = self.runner.chunk_size(total)
        chunks = [misses[start : start + size] for start in range(0, total, size)]
        enforced = self.glossary is not None
        options = self.enforce_options(route) if enforced else None
        work = [Chunk([text for text, _ in chunk]) for chunk in chunks]
        for index, translated in self.runner.run(self, work, route, options, enforced):
            chunk = chunks[index]
            if enforced:
                stored = {key: result.text for (_, key), result in zip(chunk, translated)}
                metadata: dict[str, Any] | None = {
                    key: _result_metadata(result) for (_, key), result in zip(chunk, translated)
                }
            else:
                stored = {key: text for (_, key), text in zip(chunk, translated)}
                metadata = None
            if self.memory is not None:
                self.memory.put_many(stored, metadata)
            for (text, _), value in zip(chunk, translated):
                done[text] = value
            finished += len(chunk)
            self.stats.translated += len(chunk)
            self._report(finished, total)
        self._scan_forbidden(done.values(), route)
        return [done[text] for text in texts]

    def translate_with_markup(self, texts: Sequence[str], marks: Sequence[Marks], route: Route) -> list[Any]:
        """Segments with inline markup: SegmentResults whose ``mark_spans`` say where each translatable mark's
        words landed and ``kept_spans`` where each verbatim span (inline code, translate="no") was copied.

        ``marks[i]`` lists (start, end, verbatim) over ``texts[i]``. The memory key includes the marks (the
        verbatim spans change what is sent), and the spans are stored with the text, so a re-run renders
        exactly as the first. Through a pivot each leg aligns the marks the previous one located.
        """
        from dragoman.enforce.model import EnforceOptions

        items = list(dict.fromkeys(zip(texts, (tuple(m) for m in marks))))
        self.stats.segments += len(texts)
        self.stats.unique += len(items)
        signature = route_signature(self.engine, route)
        keys = [
            make_key(signature, text, self._key_material(text, route) + "\x1fmarks:" + repr(list(item_marks)))
            for text, item_marks in items
        ]
        entries = self.memory.get_entries(keys) if self.memory else {}
        done: dict[tuple[str, Marks], Any] = {}
        misses: list[tuple[tuple[str, Marks], str]] = []
        for item, key in zip(items, keys):
            result = _result_from_memory(*entries[key]) if key in entries else None
            if result is not None and result.mark_spans is not None and result.kept_spans is not None:
                done[item] = result
            else:
                misses.append((item, key))
        self.stats.memory_hits += len(items) - len(misses)
        misses.sort(key=lambda miss: len(miss[0][0]))
        options = self.enforce_options(route) if self.glossary is not None else None
        options = options or EnforceOptions()
        total, finished = len(misses), 0
        self._reported = 0
        if self.progress and total:
            self.progress(0, total)
        size = self.runner.chunk_size(total)
        chunks = [misses[start : start + size] for start in range(0, total, size)]
        work = [
            Chunk(
                [text for (text, _), _ in chunk],
                marks=[[(s, e) for s, e, verbatim in item_marks if not verbatim] for (_, item_marks), _ in chunk],
                keep=[[(s, e) for s, e, verbatim in item_marks if verbatim] for (_, item_marks), _ in chunk],
            )
            for chunk in chunks
        ]
        for index, results in self.runner.run(self, work, route, options, True):
            chunk = chunks[index]
            if self.memory is not None:
                self.memory.put_many(
                    {key: result.text for (_, key), result in zip(chunk, results)},
                    {key: _result_metadata(result) for (_, key), result in zip(chunk, results)},
                )
            for (item, _), result in zip(chunk, results):
                done[item] = result
            finished += len(chunk)
            self.stats.translated += len(chunk)
            self._report(finished, total)
        self._scan_forbidden(done.values(), route)
        return [done[(text, tuple(item_marks))] for text, item_marks in zip(texts, marks)]

    def _scan_forbidden(self, values: Iterable[Any], route: Route) -> None:
        """After the memory, against this run's glossary: record forbidden forms no source term asked for."""
        if self.glossary is None:
            return
        from dragoman.enforce.stray import ForbiddenScanner

        scanner = ForbiddenScanner(self.glossary, route.target, include_drafts=self.include_drafts)
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

        return str(enforce.tm_key_material(text, self.glossary, route.source, route.target, self.enforce_options(route)))


__all__ = ["CHUNK_SEGMENTS", "Chunk", "ChunkRunner", "CountingEngine", "RunStats", "Translator", "route_signature", "translate_chunk"]
