"""`dragoman translate` without the CLI: read every input, translate all their segments in few engine calls, write outputs."""

from __future__ import annotations

import dataclasses
import os
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from dragoman import __version__
from dragoman.cache import TranslationMemory
from dragoman.enforce.model import SegmentResult
from dragoman.engines.base import Engine
from dragoman.errors import DragomanError, InputError
from dragoman.pipeline import provenance
from dragoman.pipeline.chunked import ChunkedText, PieceReport
from dragoman.pipeline.routes import MissingModelError, Route, plan_route
from dragoman.pipeline.translator import (
    CHUNK_SEGMENTS,
    ChunkRunner,
    CountingEngine,
    Marks,
    Progress,
    RunStats,
    Translator,
)

if TYPE_CHECKING:
    from dragoman.formats import Document, Segment, SegmentOutput
    from dragoman.glossary.model import Glossary
    from dragoman.pipeline.folders import FolderWalk


# Inputs per step of a run over many files (an archive): memory stays flat in the number of files, and each
# step still sends thousands of segments per engine call.
ARCHIVE_WINDOW = 1000


@dataclass
class InputDoc:
    """One input: a file or stdin, read and parsed (or refused with ``error``)."""

    name: str
    path: Path | None
    text: str | None = None
    format_name: str = "txt"
    data: bytes | None = None  # the file's bytes for a binary format (DOCX, ODT); text stays None
    source: str | None = None
    document: Document | None = None
    error: str | None = None
    # A large JSON lines or plain-text file (pipeline/chunked.py), checked but left in its file: ``text`` stays
    # None, and it is read a piece at a time (language detection reads its head).
    streamed: bool = False


@dataclass
class Output:
    """One translated document."""

    input: str
    target: str
    route: str
    path: Path | None
    text: str
    segments: int
    # One per segment, in document order; of a document translated piece by piece, only what the provenance
    # reads (``piece_report`` holds its report).
    results: list[SegmentResult] = field(default_factory=list)
    changed: bool = True  # False: the file already held exactly this text and was left alone
    data: bytes | None = None  # a binary format's rebuilt file (DOCX, ODT) when it was written to no file
    piece_report: PieceReport | None = None  # a document translated piece by piece: its report, built as it went


@dataclass
class RunResult:
    # A run done in windows (translate_job with ``window``) reads its outputs back from disk as they are
    # iterated (report.SpoolView): their texts are in the files, and the list is not kept in memory.
    outputs: Sequence[Output]
    errors: list[str]
    routes: dict[str, str]
    stats: RunStats
    report: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    inputs: int = 0  # how many inputs the run was given (a windowed run returns only the docs that failed)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


@dataclass
class TranslateJob:
    """What to translate: files (or ``stdin_text``), languages, glossary, where outputs go."""

    inputs: Sequence[Path]
    source: str
    targets: Sequence[str]
    stdin_text: str | None = None
    glossary: Glossary | None = None
    outdir: Path | None = None
    format_name: str | None = None
    write: bool = True
    use_memory: bool = True
    digits: str = "keep"  # keep | native | latin (dragoman.digits.DIGIT_MODES)
    include_drafts: bool = False  # enforce draft glossary entries too (`--use-drafts`)
    # Integrity checks on every segment: "repair" (check, repair what fails, report the rest), "check" (report
    # only), "off" (benchmarks measure what the checks cost).
    integrity: str = "repair"
    force: bool = False  # replace an existing file of another kind (a glossary, a report) with a translation
    format_options: dict[str, Any] = field(default_factory=dict)  # formats.FORMAT_OPTIONS (cue width, fields)
    # The folders walked with -r: an input one of them gave keeps its folder under outdir (FolderWalk.folder_of).
    walk: FolderWalk | None = None
    # A window of a larger run (translate_job ``window``): files of the other windows that this one's writes must
    # not replace, as one run's WriteGuard would refuse (their inputs; the outputs of earlier ones, with what).
    guard_inputs: Sequence[Path] = ()
    guard_outputs: Sequence[tuple[Path, str]] = ()

    def __post_init__(self) -> None:
        # The glossary a job enforces is restricted once, here, to its targets and draft setting; a glossary that
        # pipeline.job.prepare_job restricted already is kept as it is (Glossary.for_job returns it).
        if self.glossary is not None:
            self.glossary = self.glossary.for_job(self.targets, include_drafts=self.include_drafts)


# -- reading ------------------------------------------------------------------------------------


def read_inputs(job: TranslateJob) -> list[InputDoc]:
    """Read and check every input before any translation starts; bad ones carry a one-line error."""
    from dragoman.formats import format_for_path, is_binary
    from dragoman.inputs import read_input_bytes, read_text_file
    from dragoman.pipeline.chunked import is_large_file

    docs: list[InputDoc] = []
    if not job.inputs:
        doc = InputDoc(name="<stdin>", path=None, text=job.stdin_text or "")
        doc.format_name = format_for_path(None, job.format_name)
        docs.append(doc)
        return docs
    for path in job.inputs:
        doc = InputDoc(name=str(path), path=Path(path))
        try:
            doc.format_name = format_for_path(path, job.format_name)
            if is_binary(doc.format_name):
                doc.data = read_input_bytes(path)
            elif job.write and is_large_file(Path(path), doc.format_name):
                doc.streamed = True  # checked whole, read a piece at a time when translated
            else:
                doc.text = read_text_file(path)
        except DragomanError as err:
            doc.error = str(err)
        docs.append(doc)
    return docs


def detect_sources(docs: Sequence[InputDoc], source: str, engine: Engine) -> None:
    """Fill each document's source language: the given code, or detected offline for `auto`."""
    candidates: set[str] | None = None
    for doc in docs:
        if doc.error is not None:
            continue
        if source != "auto":
            doc.source = source
            continue
        if candidates is None:
            candidates = {s for s, _ in engine.pairs()}
        from dragoman.pipeline.langdetect import detect_language

        try:
            sample = doc.text or ""
            if doc.streamed and doc.path is not None:
                from dragoman.pipeline.langdetect import SAMPLE_CHARS

                sample = ChunkedText(doc.source or "", doc.path).head(2 * SAMPLE_CHARS)  # all it reads of a text
            if doc.data is not None:
                from dragoman.formats import plain_text

                sample = plain_text(doc.data, doc.format_name, doc.name)
            doc.source = detect_language(sample, candidates, doc.name).language
        except DragomanError as err:
            doc.error = str(err)


def parse_inputs(docs: Sequence[InputDoc], format_options: dict[str, Any] | None = None) -> None:
    """Parse every readable input; a large JSON lines or plain-text file (``streamed``, read_inputs decides,
    when the run writes files) is left to be parsed piece by piece while it is translated (pipeline/chunked.py:
    memory does not grow with its size)."""
    from dragoman.formats import parse
    from dragoman.pipeline.chunked import check as check_chunked

    for doc in docs:
        if doc.error is not None or doc.source is None:
            continue
        if doc.data is None and not doc.streamed and not (doc.text or "").strip():
            doc.error = InputError("the input is empty", doc.path or doc.name).format()
            continue
        if doc.streamed and doc.path is not None:
            chunked = ChunkedText(doc.source, doc.path, doc.format_name, doc.name, format_options)
            try:
                check_chunked(chunked)  # what a whole parse would refuse, before any work
            except InputError as err:
                doc.error = str(err)
                continue
            doc.document = chunked
            continue
        try:
            data = doc.data if doc.data is not None else doc.text or ""
            doc.document = parse(data, doc.format_name, doc.source, doc.name, format_options)
        except InputError as err:
            if err.path is None:  # a format knows the line, not the file (Markdown nested too deep)
                err = InputError(err.message, doc.path or doc.name, err.line, err.column, hint=err.hint)
            doc.error = str(err)
        except DragomanError as err:
            doc.error = f"{doc.name}: {err}"


# -- translating --------------------------------------------------------------------------------


# -- writing ------------------------------------------------------------------------------------


def output_path(doc: InputDoc, target: str, outdir: Path | None) -> Path:
    """``{stem}.{lang}{ext}`` next to the input or in ``outdir``; a trailing ``.{source}`` in the stem is
    dropped, so article.en.txt becomes article.ms.txt rather than article.en.ms.txt."""
    assert doc.path is not None
    stem, ext = doc.path.stem, doc.path.suffix
    if doc.source and stem.endswith(f".{doc.source}") and len(stem) > len(doc.source) + 1:
        stem = stem[: -len(doc.source) - 1]
    folder = outdir if outdir is not None else doc.path.parent
    return folder / f"{stem}.{target}{ext}"


def outdir_for(job: TranslateJob, path: Path) -> Path | None:
    """Where the translations of the input ``path`` go: outdir, in the input's folder under a walked root (-r)."""
    if job.outdir is None or job.walk is None:
        return job.outdir
    folder = job.walk.folder_of(Path(path))
    return job.outdir / folder if folder is not None else job.outdir


def possible_output_paths(
    inputs: Sequence[Path], source: str, targets: Sequence[str], outdir: Path | None
) -> list[Path]:
    """Every name a translation may be written to, known before the run (with ``auto``, a stem's trailing
    ``.CODE`` may or may not be dropped, so both names count): a --report there is refused up front."""
    paths: list[Path] = []
    for path in inputs:
        parts = Path(path).stem.rsplit(".", 1)
        sources = [source] if source != "auto" else [None, parts[-1] if len(parts) == 2 else None]
        for code in dict.fromkeys(sources):
            for target in targets:
                paths.append(output_path(InputDoc(name=str(path), path=Path(path), source=code), target, outdir))
    return paths


def write_atomic(path: Path, text: str | bytes) -> bool:
    """Write a translation or report so that readers never see half a file (temp file + rename).

    A file that already holds exactly ``text`` is left alone: a re-run rewrites nothing, keeps the
    files' times (make and rsync see no change) and skips an fsync per file.
    """
    from dragoman.fsutil import atomic_write_text, atomic_writer

    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False  # unchanged (the CLI says "unchanged PATH", not "wrote")
    except OSError:
        pass  # missing, a directory or unreadable: the write below says what is wrong
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):  # a container (DOCX, ODT)
        with atomic_writer(path) as handle:
            handle.write(text)
        return True
    atomic_write_text(path, text)
    return True


# -- the whole run ------------------------------------------------------------------------------


def plan_routes(engine: Engine, sources: Sequence[str], targets: Sequence[str]) -> dict[tuple[str, str], Route]:
    """Routes for every (source, target) needed; MissingModelError/EngineError before any work."""
    pairs = engine.pairs()
    return {
        (source, target): plan_route(engine, source, target, pairs)
        for source in dict.fromkeys(sources)
        for target in targets
        if source != target
    }


def prepare(job: TranslateJob, engine: Engine) -> list[InputDoc]:
    """Read, detect and parse every input (no translation)."""
    docs = read_inputs(job)
    detect_sources(docs, job.source, engine)
    parse_inputs(docs, format_options=job.format_options)
    return docs


def translate_job(
    job: TranslateJob,
    engine: Engine,
    memory: TranslationMemory | None = None,
    *,
    progress: Progress | None = None,
    on_inputs: Callable[[Sequence[InputDoc]], None] | None = None,
    install_missing: Callable[[MissingModelError], None] | None = None,
    runner: ChunkRunner | None = None,
    window: int | None = None,
) -> tuple[list[InputDoc], RunResult]:
    """`dragoman translate` between its options and its printing, shared by the CLI and the Python API.

    Reads and parses every input (``on_inputs`` sees them before any model is touched: the CLI prints the
    bad ones, the API raises), plans the routes (a missing model goes to ``install_missing``, which installs
    it or raises; without one, or when it keeps missing, MissingModelError), then translates and writes.

    With ``window`` (inputs per step), an archive of many files is done ``window`` files at a time: each step
    reads, translates and writes its files, and its report goes to disk (report.ReportStream), so memory stays
    flat in the number of files (the translation memory still deduplicates across steps). The report is the
    one a single run would have built; the docs returned are then only the inputs that failed (``RunResult.inputs``
    counts them all).
    """
    if window is not None and len(job.inputs) > window:
        return _translate_windows(job, engine, memory, window, progress, on_inputs, install_missing, runner)
    counting = CountingEngine(engine)
    docs = prepare(job, counting)
    if on_inputs is not None:
        on_inputs(docs)
    sources = [doc.source for doc in docs if doc.document is not None and doc.source]
    for attempt in range(3):
        try:
            routes = plan_routes(counting, sources, job.targets)
            break
        except MissingModelError as err:
            if install_missing is None or attempt == 2:
                raise
            install_missing(err)
    return docs, run(job, counting, memory=memory, progress=progress, docs=docs, routes=routes, runner=runner)


def run(
    job: TranslateJob,
    engine: Engine,
    memory: TranslationMemory | None = None,
    progress: Progress | None = None,
    docs: list[InputDoc] | None = None,
    routes: dict[tuple[str, str], Route] | None = None,
    runner: ChunkRunner | None = None,
) -> RunResult:
    """Translate every good input into every target; collect one-line errors for the bad ones.

    All segments of all documents that share a route go to the engine together (deduplicated, minus
    the translation memory's hits), so a run makes a handful of engine calls however many files it has.
    """
    started = time.perf_counter()
    counting = engine if isinstance(engine, CountingEngine) else CountingEngine(engine)
    if docs is None:
        docs = prepare(job, counting)
    good = [doc for doc in docs if doc.document is not None and doc.source is not None]
    errors = [doc.error for doc in docs if doc.error is not None]
    if routes is None:  # translate_job planned them already (once, before any work)
        routes = plan_routes(counting, [doc.source for doc in good if doc.source], job.targets)
    if runner is not None:
        runner.prepare(counting, list(routes.values()))
    translator = Translator(
        counting,
        memory if job.use_memory else None,
        job.glossary,
        progress,
        include_drafts=job.include_drafts,
        integrity=job.integrity,
        runner=runner,
    )

    notes = [
        f"{doc.name} is already in {doc.source}; not translated into {doc.source}"
        for doc in good
        for target in job.targets
        if doc.source == target
    ]
    outputs: list[Output] = []
    from dragoman.fsutil import WriteGuard

    guard = WriteGuard([*job.inputs, *job.guard_inputs], force=job.force)
    for written, what in job.guard_outputs:
        guard.add_output(written, what)
    versions = provenance.EntryVersions(job.glossary)
    for (source, target), route in routes.items():
        group = [doc for doc in good if doc.source == source]
        segments = [segment for doc in group if doc.document is not None for segment in doc.document.segments]
        if translator.memory is not None:  # every record this route stores says what produced it
            translator.memory.provenance = provenance.RecordProvenance(job.glossary, versions, counting, route.label)
        translated = _translate_route(translator, segments, route)
        position = 0
        for doc in group:
            assert doc.document is not None
            if isinstance(doc.document, ChunkedText):
                chunked_output = _translate_chunked(doc, doc.document, target, route, translator, job, guard, errors)
                if chunked_output is not None:
                    outputs.append(chunked_output)
                continue
            count = len(doc.document.segments)
            values = translated[position : position + count]
            position += count
            if job.digits != "keep":
                values = [_with_digits(v, target, job.digits) for v in values]
            segment_outputs = [_segment_output(v, segment) for v, segment in zip(values, doc.document.segments)]
            rendered = doc.document.render(segment_outputs, target)
            payload: str | bytes = rendered
            if doc.document.binary:
                try:
                    payload = doc.document.render_bytes(segment_outputs, target)
                except DragomanError as err:
                    errors.append(str(err))
                    continue
            path = output_path(doc, target, outdir_for(job, doc.path)) if doc.path is not None else None
            changed = True
            if path is not None and job.write:
                try:  # never over an input or an earlier output (by inode and resolved path), nor another kind
                    guard.claim(path, "translation", f"the {target} translation of {doc.name}")
                except DragomanError as err:
                    errors.append(str(err))
                    continue
                try:
                    changed = write_atomic(path, payload)
                except DragomanError as err:
                    errors.append(str(err))
                    continue
                except OSError as err:
                    errors.append(f"{path}: cannot write the translation ({err.strerror or err})")
                    continue
            outputs.append(
                Output(
                    input=doc.name,
                    target=target,
                    route=route.label,
                    path=path,
                    text=rendered,
                    segments=count,
                    results=values,
                    changed=changed if path is not None else True,
                    # Kept only when it went to no file: an archive of DOCX files must not hold them all in memory.
                    data=payload if isinstance(payload, bytes) and (path is None or not job.write) else None,
                )
            )
    translator.stats.engine_calls = counting.calls + (runner.engine_calls if runner is not None else 0)
    translator.stats.seconds = round(time.perf_counter() - started, 3)
    # (A piecewise output's results hold the first occurrence of each entry it used: PieceReport.used.)
    enforced = any(value.occurrences for out in outputs for value in out.results)
    if job.glossary is not None and translator.stats.translated and enforced:
        for route in routes.values():
            s, t = route.legs[-1]
            # Calibration is per Argos package: engines without one (Apertium) have nothing to probe.
            pkg = counting.calibration_package(s, t)
            if pkg is not None and not translator.enforce_options(route).calibrated:
                from dragoman.calibration import status_for_package

                # A broken or stale calibration file is named, not passed over as "not calibrated".
                notes.append(
                    status_for_package(pkg).problem
                    or f"the {s}->{t} model's placeholder form is not calibrated: 'dragoman models probe {s} {t}' "
                    "(once) measures which form it copies, so that enforcement needs fewer retries"
                )
    route_labels = {f"{s}->{t}": r.label for (s, t), r in routes.items()}
    # The glossary files, entry versions and model packages behind the outputs: first in the report.
    origin = provenance.run_provenance(job.glossary, versions, counting, route_labels, outputs)
    report = build_report(job, docs, outputs, errors, route_labels, translator.stats, notes, origin)
    where = runner.report() if runner is not None else None
    if where is not None:
        report["cluster"] = where
    return RunResult(
        outputs=outputs,
        errors=errors,
        routes=route_labels,
        stats=translator.stats,
        report=report,
        notes=notes,
        inputs=len(docs),
    )


def _translate_windows(
    job: TranslateJob,
    engine: Engine,
    memory: TranslationMemory | None,
    window: int,
    progress: Progress | None,
    on_inputs: Callable[[Sequence[InputDoc]], None] | None,
    install_missing: Callable[[MissingModelError], None] | None,
    runner: ChunkRunner | None,
) -> tuple[list[InputDoc], RunResult]:
    """translate_job ``window`` inputs at a time, with memory flat in the number of inputs.

    Each window is a whole run (read, translate, write); its report then goes to a report.ReportStream, which
    keeps the per-output records on disk and only counts and small sets in memory, and everything else of the
    window is dropped. What comes back is the report one run over every input would have built; the outputs
    are read back from disk when iterated; of the inputs, only those that failed (with their errors).
    """
    from dragoman.pipeline.report import ReportStream

    stream = ReportStream()
    stats = RunStats()
    failed: list[InputDoc] = []
    guards = _cross_window_guards(job, window)
    for start in range(0, len(job.inputs), window):
        guard_inputs, guard_outputs = guards.get(start // window, ([], []))
        part = dataclasses.replace(
            job,
            inputs=list(job.inputs[start : start + window]),
            guard_inputs=guard_inputs,
            guard_outputs=guard_outputs,
        )
        docs, result = translate_job(
            part,
            engine,
            memory,
            progress=progress,
            on_inputs=on_inputs,
            install_missing=install_missing,
            runner=runner,
        )
        bad = [doc for doc in docs if doc.error is not None]
        for doc in bad:
            doc.text = doc.data = None
            doc.document = None
        failed.extend(bad)
        # A single run lists the notes about inputs ("already in ...") before those about the run.
        already = sum(1 for doc in docs if doc.document is not None for target in job.targets if doc.source == target)
        stream.add(result.report, [_spooled(out) for out in result.outputs], len(bad), already)
        for name, value in vars(result.stats).items():
            setattr(stats, name, getattr(stats, name) + value)
        del docs, result
    stats.seconds = round(stats.seconds, 3)
    report = stream.report(stats.to_dict())
    result = RunResult(
        outputs=stream.extras(_unspooled),
        errors=stream.errors,
        routes=dict(report["routes"]),
        stats=stats,
        report=report,
        notes=stream.notes,
        inputs=len(job.inputs),
    )
    return failed, result


def _cross_window_guards(job: TranslateJob, window: int) -> dict[int, tuple[list[Path], list[tuple[Path, str]]]]:
    """What each window's WriteGuard must know of the other windows, as one run's guard would (usually nothing).

    One guard for the whole run would hold every input and output (hundreds of bytes each); instead every output
    name an input may get is compared once, before any work, with every input and every other output name (by
    resolved path and inode, as WriteGuard does), and a window is told only the few files of other windows it
    could reach: an input (refused whatever the source language turns out to be), or an earlier window's output
    (with a known source language only: with ``auto`` the name is not known yet, and a guess could refuse a
    write one run would make).
    """
    if not job.write:
        return {}

    def keys(path: Path) -> list[int]:
        """Hashes of the resolved path and the inode: a collision only tells a window's guard of one more file,
        which it then compares exactly, so hashes (not names) are kept, tens of bytes an input."""
        real = os.path.realpath(path)
        try:
            st = os.stat(real)
        except OSError:
            return [hash(real)]
        return [hash(real), hash((st.st_dev, st.st_ino))]

    def output(number: int) -> tuple[Path, str]:
        index, target = divmod(number, len(job.targets))
        name = Path(job.inputs[index])
        path = possible_output_paths([name], job.source, [job.targets[target]], outdir_for(job, name))[0]
        return path, f"the {job.targets[target]} translation of {name}"

    # Compared through bit filters and flat arrays rather than dicts of every key (a Python int and a dict slot
    # are ~100 bytes, tens of megabytes for an archive): a filter tells the few keys that may be shared, which are
    # then compared exactly, so the guards are the ones dicts would give.
    input_keys, input_index = array("q"), array("q")  # each input's keys, and its index
    for index, path in enumerate(job.inputs):
        for key in keys(path):
            input_keys.append(key)
            input_index.append(index)
    of_inputs = _KeyFilter(input_keys)
    hit_keys, hit_steps = array("q"), array("q")  # a possible output name's key that may be an input's, its window
    output_keys, output_numbers = array("q"), array("q")  # a known output name, input index * targets + target
    of_outputs = _KeyFilter(())
    shared: set[int] = set()  # output keys that may have been seen before
    for index, path in enumerate(job.inputs):
        outdir = outdir_for(job, path)
        for number, target in enumerate(job.targets):
            names = possible_output_paths([path], job.source, [target], outdir)
            for out in names:
                found = keys(out)
                for key in found:
                    if key in of_inputs:
                        hit_keys.append(key)
                        hit_steps.append(index // window)
                if len(names) == 1:
                    output_keys.append(found[0])
                    output_numbers.append(index * len(job.targets) + number)
                    if not of_outputs.add(found[0]):
                        shared.add(found[0])
    guards: dict[int, tuple[list[Path], list[tuple[Path, str]]]] = {}
    last: dict[int, int] = {}  # a key of several inputs names the last of them
    candidates = set(hit_keys)
    for key, index in zip(input_keys, input_index):
        if key in candidates:
            last[key] = index
    for key, step in zip(hit_keys, hit_steps):
        hit = last.get(key)
        if hit is not None and hit // window != step:
            guards.setdefault(step, ([], []))[0].append(Path(job.inputs[hit]))
    first: dict[int, int] = {}  # an output name is the first input's (and target's) that gets it
    for key, number in zip(output_keys, output_numbers):
        if key not in shared:
            continue
        earlier = first.setdefault(key, number)
        step = number // len(job.targets) // window
        if earlier // len(job.targets) // window != step:
            guards.setdefault(step, ([], []))[1].append(output(earlier))
    return guards


class _KeyFilter:
    """A Bloom filter of 64-bit hashes, 16 bits and 3 probes a key (a false positive under 0.5 %): whether a key
    may have been added. Hand-written: the exact comparison behind it needs no library, and numpy (the one at
    hand) adds ~15 MB to the process, more than the dicts it would replace."""

    def __init__(self, keys: Sequence[int]) -> None:
        self._bits = bytearray(max(2 * len(keys), 1 << 12))
        self._size = 8 * len(self._bits)
        for key in keys:
            self.add(key)

    def _probes(self, key: int) -> tuple[int, int, int]:
        step = ((key * 0x9E3779B97F4A7C15) >> 17) | 1  # double hashing from the key and a mix of it
        return key % self._size, (key + step) % self._size, (key + 2 * step) % self._size

    def add(self, key: int) -> bool:
        """Add ``key``; whether it is new (False: it, or a key sharing its bits, was added before)."""
        new = False
        for bit in self._probes(key):
            byte, mask = bit >> 3, 1 << (bit & 7)
            if not self._bits[byte] & mask:
                self._bits[byte] |= mask
                new = True
        return new

    def __contains__(self, key: int) -> bool:
        return all(self._bits[bit >> 3] & (1 << (bit & 7)) for bit in self._probes(key))


def _spooled(out: Output) -> dict[str, Any]:
    """What a windowed run keeps of an output (on disk): where it went and the counts the CLI prints."""
    record = {"input": out.input, "target": out.target, "route": out.route, "segments": out.segments}
    record.update(path=str(out.path) if out.path is not None else None, changed=out.changed)
    if out.path is None:
        record["text"] = out.text  # not in a file (a run that does not write)
    return record


def _unspooled(record: dict[str, Any]) -> Output:
    path = record["path"]
    return Output(
        input=record["input"],
        target=record["target"],
        route=record["route"],
        path=Path(path) if path is not None else None,
        text=record.get("text", ""),
        segments=record["segments"],
        changed=record["changed"],
    )


def _translate_chunked(
    doc: InputDoc,
    document: ChunkedText,
    target: str,
    route: Route,
    translator: Translator,
    job: TranslateJob,
    guard: Any,
    errors: list[str],
) -> Output | None:
    """A large plain-text or JSON lines input: piece by piece from its file into the output's temporary file, its
    report built as it goes (pipeline/chunked.py)."""
    from dragoman.fsutil import atomic_writer
    from dragoman.pipeline.chunked import translate_pieces

    assert doc.path is not None
    path = output_path(doc, target, outdir_for(job, doc.path))
    try:
        guard.claim(path, "translation", f"the {target} translation of {doc.name}")
    except DragomanError as err:
        errors.append(str(err))
        return None

    def translate(segments: list[Any]) -> list[Any]:
        values = _translate_route(translator, segments, route)
        if job.digits != "keep":
            values = [_with_digits(v, target, job.digits) for v in values]
        return values

    def render(part: Document, values: list[Any]) -> str:
        return part.render([_segment_output(v, segment) for v, segment in zip(values, part.segments)], target)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        report = PieceReport()
        with atomic_writer(path) as handle:
            count = translate_pieces(
                document, translate, render, lambda text: handle.write(text.encode("utf-8")), report
            )
    except DragomanError as err:
        errors.append(str(err))
        return None
    except (OSError, UnicodeEncodeError) as err:
        errors.append(f"{path}: cannot write the translation ({getattr(err, 'strerror', None) or err})")
        return None
    # text is left empty: the translation is in the file, never whole in memory.
    return Output(
        input=doc.name,
        target=target,
        route=route.label,
        path=path,
        text="",
        segments=count,
        results=report.used(),
        piece_report=report,
    )


def _with_digits(value: SegmentResult, target: str, mode: str) -> SegmentResult:
    """``--digits``: after enforcement, before rendering; digits map one to one, so spans stay valid."""
    from dragoman.digits import apply_digit_mode

    return dataclasses.replace(value, text=apply_digit_mode(value.text, target, mode))


def _inline_marks(segment: Segment) -> Marks:
    """(start, end, verbatim) of each inline mark that covers words; atoms (images, <br>) are placed by the format."""
    return tuple((mark.start, mark.end, not mark.translate) for mark in segment.inline if mark.start < mark.end)


def _translate_route(translator: Translator, segments: Sequence[Segment], route: Route) -> list[SegmentResult]:
    """Every segment in one batch: plain ones as they are, those with inline markup through enforcement, which
    finds where each mark's words landed and copies inline code verbatim (else the format would have to guess
    the place). They share the engine calls: one per leg of the route (and per enforcement round)."""
    return translator.translate([segment.text for segment in segments], route, [_inline_marks(s) for s in segments])


def _segment_output(value: SegmentResult, segment: Segment) -> SegmentOutput:
    """What the format renders: the text and, per inline mark, where its words are (None: the format guesses)."""
    from dragoman.formats import SegmentOutput

    if value.mark_spans is None and value.kept_spans is None:
        return SegmentOutput(value.text, None)
    mark_spans = iter(value.mark_spans or [])
    kept_spans = iter(value.kept_spans or [])
    spans: list[tuple[int, int] | None] = []
    for mark in segment.inline:
        if mark.start >= mark.end:
            spans.append(None)
        else:
            spans.append(next(kept_spans if not mark.translate else mark_spans, None))
    findings = [
        f"glossary {o.entry_id}: {o.status} ({o.source_text or o.found!s} -> {o.required or 'not ' + str(o.found)})"
        for o in value.violations
    ]
    return SegmentOutput(value.text, spans, findings)


def segment_offsets(doc: InputDoc) -> Sequence[int]:
    """Where each segment starts in the source text (for line:column in the report).

    Uses the format's own offset when the segment carries one; otherwise finds the segment text in
    order (exact for plain text; for markup that splits a sentence it falls back to the previous position).
    """
    assert doc.document is not None
    if isinstance(doc.document, ChunkedText):
        return []  # its report was built piece by piece (chunked.PieceReport)
    text = doc.text or ""
    offsets: list[int] = []
    position = 0
    for segment in doc.document.segments:
        start = segment.start
        if start is None:
            found = text.find(segment.text, position)
            if found < 0:
                head = segment.text.split(" ", 1)[0]
                found = text.find(head, position) if head else -1
            start = found if found >= 0 else position
        offsets.append(start)
        position = max(position, start)
    return offsets


def build_report(
    job: TranslateJob,
    docs: Sequence[InputDoc],
    outputs: Sequence[Output],
    errors: Sequence[str],
    routes: dict[str, str],
    stats: RunStats,
    notes: Sequence[str] = (),
    origin: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The --report JSON (docs/report.md, dragoman/schemas/report-v1.json): per document every glossary occurrence
    and every integrity finding, plus the run's facts."""
    from dragoman.pipeline import report as term_report

    records = []
    by_name = {doc.name: doc for doc in docs}
    for out in outputs:
        doc = by_name[out.input]
        label = routes.get(f"{doc.source}->{out.target}")
        offsets = segment_offsets(doc)
        records.append(
            term_report.DocumentRecord(
                path=out.input,
                source=doc.source or "",
                target=out.target,
                segments=zip(offsets, out.results),  # read once, by report.document_report
                pivot=label.split("->")[1] if label and label.count("->") > 1 else None,
                source_text=doc.text,
                output=str(out.path) if out.path else None,
            )
        )
    report: dict[str, Any] = {"provenance": origin} if origin is not None else {}  # provenance.run_provenance
    built = term_report.build_report(records)
    for out, document in zip(outputs, built["documents"]):
        if out.piece_report is not None:  # its record was made without segments: its findings go in now
            out.piece_report.fill(document)
            for key in term_report.SUMMARY_KEYS:
                built["summary"][key] += document["summary"][key]
    report.update(built)
    report["dragoman"] = __version__
    report["routes"] = routes
    report["pivots"] = {pair: label for pair, label in routes.items() if label.count("->") > 1}
    report["outputs"] = [
        {
            "input": o.input,
            "target": o.target,
            "route": o.route,
            "output": str(o.path) if o.path else None,
            "segments": o.segments,
        }
        for o in outputs
    ]
    report["errors"] = list(errors)
    report["stats"] = stats.to_dict()
    report["notes"] = list(notes)
    return report


__all__ = [
    "ARCHIVE_WINDOW",
    "CHUNK_SEGMENTS",
    "CountingEngine",
    "InputDoc",
    "Output",
    "RunResult",
    "RunStats",
    "Progress",
    "TranslateJob",
    "Translator",
    "output_path",
    "plan_routes",
    "possible_output_paths",
    "prepare",
    "run",
    "translate_job",
    "write_atomic",
]
