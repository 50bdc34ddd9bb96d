"""The `apertium` engine: Apertium's rule-based pairs run as long-lived null-flushing pipelines, one per pair."""

from __future__ import annotations

import hashlib
import os
import re
import select
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from dragoman import __version__
from dragoman.engines.apertium_stream import (  # noqa: F401  (re-exported: tests and markup use them)
    _blank,
    _escape_blank,
    _keep_edges,
    _read_blank,
    from_stream,
    mark_spans,
    to_stream,
)
from dragoman.engines.base import BatchOptions, Engine, EngineOptions, Hypothesis
from dragoman.errors import EngineError, ModelError

# Apertium names languages with ISO 639-3 codes; dragoman uses ISO 639-1 where one exists. Written by hand:
# no maintained library is installed for it, and only the languages Apertium has pairs for matter.
ISO3_TO_ISO1: dict[str, str] = {
    "afr": "af",
    "arg": "an",
    "ast": "ast",
    "bel": "be",
    "bre": "br",
    "bul": "bg",
    "cat": "ca",
    "ces": "cs",
    "cym": "cy",
    "dan": "da",
    "deu": "de",
    "ell": "el",
    "eng": "en",
    "epo": "eo",
    "est": "et",
    "eus": "eu",
    "fin": "fi",
    "fra": "fr",
    "gle": "ga",
    "glg": "gl",
    "hin": "hi",
    "ind": "id",
    "isl": "is",
    "ita": "it",
    "kaz": "kk",
    "mkd": "mk",
    "mlt": "mt",
    "nld": "nl",
    "nno": "nn",
    "nob": "nb",
    "nor": "no",
    "oci": "oc",
    "pol": "pl",
    "por": "pt",
    "ron": "ro",
    "rus": "ru",
    "slv": "sl",
    "spa": "es",
    "srd": "sc",
    "swe": "sv",
    "tat": "tt",
    "tur": "tr",
    "ukr": "uk",
    "urd": "ur",
    "zlm": "ms",
    "msa": "ms",
}
ISO1_TO_ISO3: dict[str, str] = {two: three for three, two in ISO3_TO_ISO1.items() if three != "msa"}

# Debian package names of the pairs (one package serves both directions), for the install hint.
DEBIAN_PAIR_PACKAGES = frozenset(
    {
        "afr-nld",
        "arg-cat",
        "bel-rus",
        "cat-ita",
        "cat-srd",
        "dan-nor",
        "eng-cat",
        "eng-spa",
        "fra-cat",
        "fra-frp",
        "hbs-eng",
        "hbs-mkd",
        "hbs-slv",
        "ind-zlm",
        "isl-eng",
        "isl-swe",
        "mkd-bul",
        "mkd-eng",
        "nno-nob",
        "oci-fra",
        "pol-szl",
        "por-cat",
        "rus-ukr",
        "spa-arg",
        "spa-ast",
        "spa-cat",
        "spa-ita",
        "srd-ita",
        "swe-dan",
        "swe-nor",
        "urd-hin",
    }
)

_MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})(?:_([A-Z]{2}))?$")
# Characters with a meaning in Apertium's stream format; text carries them backslash-escaped.
# Seconds without any output before a pipeline counts as hung (a sentence takes milliseconds).
DEFAULT_TIMEOUT = 30.0


def datadir() -> Path:
    """Where Apertium keeps its modes, as the `apertium` script finds it (APERTIUM_DATADIR or /usr/share)."""
    return Path(os.environ.get("APERTIUM_DATADIR") or "/usr/share/apertium")


def mode_to_pair(mode: str) -> tuple[str, str] | None:
    """``eng-spa`` -> ("en", "es"); ``spa-eng_US`` -> ("es", "en-US"); None for modes dragoman cannot name."""
    match = _MODE_NAME.match(mode)
    if not match:
        return None
    source, target, region = match.groups()
    target_code = ISO3_TO_ISO1.get(target, target) + (f"-{region}" if region else "")
    return ISO3_TO_ISO1.get(source, source), target_code


def install_hint(source: str, target: str, with_apertium: bool = False) -> str:
    """The apt-get command that installs the Apertium pair for source -> target."""
    s = ISO1_TO_ISO3.get(source.split("-")[0], source.split("-")[0])
    t = ISO1_TO_ISO3.get(target.split("-")[0], target.split("-")[0])
    if f"{t}-{s}" in DEBIAN_PAIR_PACKAGES:
        s, t = t, s
    package = ("apertium " if with_apertium else "") + f"apertium-{s}-{t}"
    if f"{s}-{t}" in DEBIAN_PAIR_PACKAGES:
        return f"install it with 'sudo apt-get install {package}'"
    return f"install it with 'sudo apt-get install {package}' if Debian has it ('apt-cache search apertium' lists the pairs)"


# -- the pipeline ---------------------------------------------------------------------------------


def parse_mode(mode_file: Path, unknown_marks: bool = False) -> list[list[str]]:
    """The stages of a pair's .mode file as argument lists, each in null-flush mode (``-z``).

    The file is a shell pipeline whose ``$1`` is the generator's unknown-word option (``-n`` drops the
    ``*`` marks, like ``apertium -u``) and ``$2`` the tagger's optional ``-m``.
    """
    try:
        text = mode_file.read_text(encoding="utf-8")
    except OSError as err:
        raise ModelError(f"cannot read the Apertium mode file {mode_file}: {err.strerror}") from None
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|")
    lexer.whitespace_split = True
    stages: list[list[str]] = [[]]
    for token in lexer:
        if token == "|":
            stages.append([])
            continue
        if token == "$1":
            token = "-g" if unknown_marks else "-n"
        elif token == "$2":
            continue
        stages[-1].append(token)
    stages = [stage for stage in stages if stage]
    if not stages:
        raise ModelError(f"the Apertium mode file {mode_file} names no programs")
    for stage in stages:
        if "-z" not in stage and "--null-flush" not in stage:
            stage.insert(1, "-z")
    return stages


class PipelineDied(Exception):
    """A stage exited or closed its output while segments were still owed."""


class Pipeline:
    """The stages of one pair as processes connected by pipes; segments in, NUL-separated translations out.

    Segments are written by a thread while the caller reads, so every stage works on a different sentence
    at once and no pipe buffer can fill up and deadlock a long segment.
    """

    def __init__(self, stages: list[list[str]], timeout: float = DEFAULT_TIMEOUT) -> None:
        self.stages = stages
        self.timeout = timeout
        self.processes: list[subprocess.Popen[bytes]] = []
        self._stderr: IO[bytes] | None = None
        self._buffer = b""
        self.start()

    def start(self) -> None:
        # Kept open for the pipeline's life (every stage writes its errors there); closed in close().
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        previous: IO[bytes] | None = None
        try:
            for index, argv in enumerate(self.stages):
                process = subprocess.Popen(
                    argv,
                    stdin=subprocess.PIPE if index == 0 else previous,
                    stdout=subprocess.PIPE,
                    stderr=self._stderr,
                    # Its own process group: Ctrl-C reaches dragoman, which then closes the pipeline itself.
                    start_new_session=True,
                )
                if previous is not None:
                    previous.close()  # the next stage holds it now; only the stages keep the pipe open
                previous = process.stdout
                self.processes.append(process)
        except OSError as err:
            self.close()
            raise EngineError(f"cannot start {self.stages[len(self.processes)][0]}: {err.strerror}") from None
        self._buffer = b""

    def alive(self) -> bool:
        return bool(self.processes) and all(p.poll() is None for p in self.processes)

    def stderr_size(self) -> int:
        """Bytes the stages have written to stderr so far."""
        if self._stderr is None:
            return 0
        try:
            return os.fstat(self._stderr.fileno()).st_size
        except (OSError, ValueError):
            return 0

    def stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read()[-400:].decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        return " ".join(text.split())

    def run(self, streams: Iterable[str], count: int | None = None) -> list[str]:
        """Send every stream-format segment, return their outputs in order (PipelineDied, EngineError on a hang).

        ``streams`` may be a generator (then ``count`` says how many it yields): it runs in the writer
        thread, so whatever produces the segments works while this pipeline translates the ones before.
        An exception it raises is raised here.
        """
        if count is None:
            streams = list(streams)
            count = len(streams)
        if not count:
            return []
        first, last = self.processes[0], self.processes[-1]
        assert first.stdin is not None and last.stdout is not None
        failure: list[BaseException] = []
        producer: list[Exception] = []

        def write() -> None:
            iterator = iter(streams)
            while True:
                try:
                    stream = next(iterator)
                except StopIteration:
                    break
                except Exception as err:  # noqa: BLE001 - the generator's error, raised again by run()
                    producer.append(err)
                    # The stages then end on end of input, and the reader below stops at the end of output.
                    try:
                        first.stdin.close()  # type: ignore[union-attr]
                    except OSError:
                        pass
                    return
                try:
                    first.stdin.write(stream.encode("utf-8") + b"\x00")  # type: ignore[union-attr]
                except (BrokenPipeError, OSError, ValueError) as err:
                    failure.append(err)  # a stage died: the reader meets the end of output
                    return
            try:
                first.stdin.flush()  # type: ignore[union-attr]
            except (BrokenPipeError, OSError, ValueError) as err:
                failure.append(err)

        writer = threading.Thread(target=write, name="apertium-writer", daemon=True)
        writer.start()
        outputs: list[str] = []
        fd = last.stdout.fileno()
        try:
            while len(outputs) < count:
                while b"\x00" in self._buffer and len(outputs) < count:
                    chunk, self._buffer = self._buffer.split(b"\x00", 1)
                    outputs.append(chunk.decode("utf-8", "replace"))
                if len(outputs) >= count:
                    break
                ready, _, _ = select.select([fd], [], [], self.timeout)
                if producer:
                    raise producer[0]
                if not ready:
                    self.close(kill=True)
                    raise EngineError(
                        f"Apertium gave no output for {self.timeout:g} s; the pipeline was stopped",
                        "report the sentence that hangs it; the next call starts a fresh pipeline",
                    )
                data = os.read(fd, 65536)
                if not data:
                    writer.join(timeout=self.timeout)
                    if producer:
                        raise producer[0]
                    raise PipelineDied(self.stderr_tail())
                self._buffer += data
        finally:
            writer.join(timeout=self.timeout)
        return outputs

    def run_one(self, stream: str) -> str:
        """The output of one segment, written from this thread (no writer thread) when it fits a pipe buffer."""
        data = stream.encode("utf-8") + b"\x00"
        if len(data) > 16384:
            # A longer one could fill both pipes at once and deadlock a single thread.
            return self.run([stream])[0]
        first, last = self.processes[0], self.processes[-1]
        assert first.stdin is not None and last.stdout is not None
        try:
            first.stdin.write(data)
            first.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise PipelineDied(self.stderr_tail()) from None
        fd = last.stdout.fileno()
        while b"\x00" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], self.timeout)
            if not ready:
                self.close(kill=True)
                raise EngineError(
                    f"Apertium gave no output for {self.timeout:g} s; the pipeline was stopped",
                    "report the sentence that hangs it; the next call starts a fresh pipeline",
                )
            chunk = os.read(fd, 65536)
            if not chunk:
                raise PipelineDied(self.stderr_tail())
            self._buffer += chunk
        output, self._buffer = self._buffer.split(b"\x00", 1)
        return output.decode("utf-8", "replace")

    def close(self, kill: bool = False) -> None:
        """Stop every stage (closing stdin ends them; a stage that does not end, or every stage with
        ``kill``, is killed)."""
        processes, self.processes = self.processes, []
        if kill:
            for process in processes:
                process.kill()
        if processes and processes[0].stdin is not None:
            try:
                processes[0].stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + 1.0
        for process in processes:
            try:
                process.wait(timeout=max(0.01, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None


def split_at_tagger(stages: list[list[str]]) -> tuple[list[list[str]], list[str] | None, list[list[str]]]:
    """The stages before the HMM tagger, the tagger (with ``-d``, so that it reports what corrupts it), and after.

    (stages, None, []) when the pair has no apertium-tagger -g stage.
    """
    for index, argv in enumerate(stages):
        if Path(argv[0]).name == "apertium-tagger" and "-g" in argv:
            tagger = list(argv)
            if "-d" not in tagger and "--debug" not in tagger:
                tagger.insert(1, "-d")
            return stages[:index], tagger, stages[index + 1 :]
    return stages, None, []


class PairPipeline:
    """A pair's pipeline split around its HMM tagger, which gets a fresh process whenever its state changed.

    apertium-tagger (3.8) keeps state across NUL flushes: when a word's ambiguity class is missing from the
    model, find_similar_ambiguity_class() assigns the closest known class to a reference to the model's open
    class, so from then on every unknown word in the process is tagged with that class (measured: after
    NTREX line 233, "... C-SPAN ...", whose "SPAN" is {INF,PRES,PAST}, "Kavanaugh's" and "said" tag
    differently in later sentences). Run with ``-d`` it writes a message to stderr exactly then, before the
    segment's NUL. So segments go through the tagger one at a time and a tagger that wrote to stderr is
    replaced (12 ms) before the next: every segment is tagged by a tagger in its start state, and the
    translation of a segment no longer depends on what this pipeline translated before it. The stages
    before and after the tagger are stateless between flushes and stay long-lived, each run as one batch.
    """

    def __init__(self, stages: list[list[str]], timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        head, self.tagger_stage, tail = split_at_tagger(stages)
        self.parts: list[Pipeline] = []
        self.head: Pipeline | None = None
        self.tagger: Pipeline | None = None
        self.tail: Pipeline | None = None
        self._spare: Pipeline | None = None  # a tagger started ahead, to replace one whose state changed
        self.tagger_restarts = 0
        try:
            if head:
                self.head = self._add(Pipeline(head, timeout))
            if self.tagger_stage is not None:
                self.tagger = self._add(Pipeline([self.tagger_stage], timeout))
            if tail:
                self.tail = self._add(Pipeline(tail, timeout))
        except EngineError:
            self.close()
            raise

    def _add(self, pipeline: Pipeline) -> Pipeline:
        self.parts.append(pipeline)
        return pipeline

    @property
    def processes(self) -> list[subprocess.Popen[bytes]]:
        """Every stage's process, in pipeline order."""
        ordered = [self.head, self.tagger, self.tail]
        return [process for part in ordered if part is not None for process in part.processes]

    def alive(self) -> bool:
        return bool(self.parts) and all(part.alive() for part in self.parts)

    def stderr_tail(self) -> str:
        return " ".join(tail for tail in (part.stderr_tail() for part in self.parts) if tail)[-400:]

    def run(self, streams: Sequence[str]) -> list[str]:
        """Outputs of stream-format segments, each tagged by a tagger in its start state (PipelineDied, EngineError)."""
        try:
            outputs = self.head.run(streams) if self.head is not None else list(streams)
            if self.tagger is not None:
                # Tagged one by one in the tail's writer thread, so the tail translates while the tagger tags.
                tagged = (self._tag(stream) for stream in outputs)
                if self.tail is None:
                    return list(tagged)
                return self.tail.run(tagged, len(outputs))
            return self.tail.run(outputs) if self.tail is not None else outputs
        except BaseException:
            self.close(kill=True)  # a part may be left mid-segment: alive() is now False and the next call restarts
            raise

    def _tag(self, stream: str) -> str:
        assert self.tagger is not None and self.tagger_stage is not None
        before = self.tagger.stderr_size()
        tagged = self.tagger.run_one(stream)
        # Any message counts, not just the one about ambiguity classes: a needless restart costs little,
        # a missed one the promise that a segment's translation does not depend on the segments before it.
        if self.tagger.stderr_size() != before:
            fresh = self._spare if self._spare is not None else Pipeline([self.tagger_stage], self.timeout)
            # Started now so that it has loaded its model by the time it is needed.
            self._spare = Pipeline([self.tagger_stage], self.timeout)
            self.parts[self.parts.index(self.tagger)] = fresh
            self.tagger.close(kill=True)  # its output is all read; waiting for it to end on its own costs time
            self.tagger = fresh
            self.tagger_restarts += 1
        return tagged

    def close(self, kill: bool = False) -> None:
        parts, self.parts = self.parts, []
        spare, self._spare = self._spare, None
        for part in parts + ([spare] if spare is not None else []):
            part.close(kill=kill)


@dataclass(frozen=True)
class PairInfo:
    mode: str
    mode_file: Path


@dataclass(frozen=True)
class ApertiumOptions(EngineOptions):
    """What `--engine-option KEY=VALUE` can set on the apertium engine."""

    unknown_marks: bool = field(default=False, metadata={"help": "keep Apertium's * before unknown words"})
    timeout: float = field(
        default=DEFAULT_TIMEOUT, metadata={"help": "seconds without output before a pipeline counts as hung"}
    )
    modes_dir: Path | None = field(
        default=None, metadata={"help": "where the .mode files are (default: APERTIUM_DATADIR/modes)"}
    )


class ApertiumEngine(Engine):
    """Apertium pairs installed on the system (`apertium -l`), one long-lived pipeline per pair.

    Deterministic and unscored: one hypothesis per segment (score 0.0), no attention, no n-best. Forbidden
    forms cannot be banned while translating; enforcement finds and replaces them after. Options:
    ``unknown_marks`` (keep Apertium's ``*`` before unknown words; off, as with ``apertium -u``),
    ``timeout`` (seconds without output before a pipeline counts as hung), ``modes_dir`` (where the .mode
    files are; default APERTIUM_DATADIR/modes or /usr/share/apertium/modes).

    A segment's translation does not depend on what the pipeline translated before it: it equals the
    output of a fresh `apertium -u` pipeline for that segment alone (see PairPipeline for the tagger's state).
    """

    name = "apertium"
    Options = ApertiumOptions
    supports_nbest = False
    supports_attention = False
    supports_markup = True  # terms are marked in context with Apertium's inline format blocks
    install_command = "apt-get install apertium"

    def __init__(
        self,
        unknown_marks: bool = ApertiumOptions.unknown_marks,
        timeout: float = ApertiumOptions.timeout,
        modes_dir: str | Path | None = ApertiumOptions.modes_dir,
    ) -> None:
        if not timeout > 0:
            raise EngineError(f"timeout must be positive, not {timeout!r}")
        self.unknown_marks = bool(unknown_marks)
        self.timeout = float(timeout)
        self.modes_dir = Path(modes_dir) if modes_dir is not None else None
        self._pairs: dict[tuple[str, str], PairInfo] | None = None
        self._pipelines: dict[tuple[str, str], PairPipeline] = {}
        self._signatures: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self.restarts = 0
        self._tagger_restarts = 0  # of pipelines closed; tagger_restarts adds the live ones

    # -- pairs ------------------------------------------------------------------------------------

    def _modes_dir(self) -> Path:
        return self.modes_dir if self.modes_dir is not None else datadir() / "modes"

    def installed(self) -> dict[tuple[str, str], PairInfo]:
        """(source, target) -> its mode, from the .mode files `apertium -l` lists (read once per engine)."""
        if self._pairs is None:
            found: dict[tuple[str, str], PairInfo] = {}
            directory = self._modes_dir()
            if shutil.which("lt-proc") is not None and directory.is_dir():
                for mode_file in sorted(directory.glob("*.mode")):
                    pair = mode_to_pair(mode_file.stem)
                    if pair is not None:
                        found.setdefault(pair, PairInfo(mode_file.stem, mode_file))
            self._pairs = found
        return self._pairs

    def pairs(self) -> list[tuple[str, str]]:
        return sorted(self.installed())

    def pair_info(self, source: str, target: str) -> PairInfo:
        """The installed mode for source -> target, or a one-line error naming the apt-get command."""
        info = self.installed().get((source, target))
        if info is not None:
            return info
        if shutil.which("lt-proc") is None or shutil.which("apertium") is None:
            raise EngineError("Apertium is not installed", install_hint(source, target, with_apertium=True))
        raise ModelError(f"no Apertium {source}->{target} pair installed", install_hint(source, target))

    def describe_pairs(self) -> list[dict[str, str]]:
        """One record per installed pair (for `dragoman models list --engine apertium`)."""
        records = []
        for (source, target), info in sorted(self.installed().items()):
            package = _owning_package(info.mode_file)
            name, _, version = package.partition("@")
            records.append(
                {
                    "engine": self.name,
                    "from_code": source,
                    "to_code": target,
                    "mode": info.mode,
                    "package": name,
                    "package_version": version or "unknown",
                    "path": str(info.mode_file),
                }
            )
        return records

    def missing_hint(self, source: str, target: str) -> str:
        """What to run when source -> target is missing (the apt-get command)."""
        return install_hint(source, target, with_apertium=shutil.which("apertium") is None)

    # -- signature --------------------------------------------------------------------------------

    def signature(self, source: str, target: str) -> str:
        pair = (source, target)
        cached = self._signatures.get(pair)
        if cached is not None:
            return cached
        info = self.pair_info(source, target)
        stages = parse_mode(info.mode_file, self.unknown_marks)
        signature = "|".join(
            [
                f"engine={self.name}",
                f"dragoman={__version__}",
                f"apertium={_package_version('apertium')}",
                f"package={_owning_package(info.mode_file)}",
                f"mode={info.mode}",
                f"data={_data_fingerprint(info.mode_file, stages)}",
                f"unknown_marks={'yes' if self.unknown_marks else 'no'}",
                # Translations made before the tagger was isolated per segment may carry its state: not reused.
                "segments=isolated",
            ]
        )
        self._signatures[pair] = signature
        return signature

    # -- translation ------------------------------------------------------------------------------

    @property
    def tagger_restarts(self) -> int:
        """How many times a tagger was replaced because its state changed (see PairPipeline)."""
        return self._tagger_restarts + sum(p.tagger_restarts for p in self._pipelines.values())

    def _drop(self, pair: tuple[str, str]) -> None:
        pipeline = self._pipelines.pop(pair, None)
        if pipeline is not None:
            self._tagger_restarts += pipeline.tagger_restarts
            pipeline.close()

    def _pipeline(self, source: str, target: str) -> PairPipeline:
        pair = (source, target)
        pipeline = self._pipelines.get(pair)
        if pipeline is not None and not pipeline.alive():
            self._drop(pair)
            pipeline = None
            self.restarts += 1
        if pipeline is None:
            info = self.pair_info(source, target)
            pipeline = PairPipeline(parse_mode(info.mode_file, self.unknown_marks), self.timeout)
            self._pipelines[pair] = pipeline
        return pipeline

    def _run(self, streams: list[str], source: str, target: str) -> list[str]:
        """Outputs for stream-format segments; a pipeline that dies is restarted once and the segments resent
        (no segment depends on another, so sending them again gives the same outputs)."""
        with self._lock:
            for attempt in range(2):
                pipeline = self._pipeline(source, target)
                try:
                    return pipeline.run(streams)
                except PipelineDied as died:
                    self._drop((source, target))
                    self.restarts += 1
                    if attempt == 1:
                        detail = f": {died}" if str(died) else ""
                        raise EngineError(
                            f"the Apertium {source}->{target} pipeline stopped twice{detail}",
                            "check the pair with 'apertium -l' and reinstall its package",
                        ) from None
            return []

    def translate_batch(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        options: BatchOptions | None = None,
    ) -> list[list[Hypothesis]]:
        return [
            [Hypothesis(text=text)] for text, _ in self.translate_marked(segments, [()] * len(segments), source, target)
        ]

    def translate_marked(
        self,
        segments: Sequence[str],
        marks: Sequence[Sequence[tuple[int, int]]],
        source: str,
        target: str,
    ) -> list[tuple[str, list[tuple[int, int] | None]]]:
        """Translate segments with source spans marked; return each translation and the target span of each mark.

        A mark travels as a superblank (Apertium's HTML-tag handling), so the words inside are translated in
        their sentence: agreement and word order around them stay Apertium's. None where a mark was lost.
        """
        if len(marks) != len(segments):
            raise EngineError(f"translate_marked got {len(marks)} mark lists for {len(segments)} segments")
        results: list[tuple[str, list[tuple[int, int] | None]]] = [("", []) for _ in segments]
        todo = [i for i, text in enumerate(segments) if text.strip()]
        for i, text in enumerate(segments):
            if not text.strip():
                results[i] = (text, [None for _ in marks[i]])
        if not todo:
            return results
        streams = [to_stream(segments[i], marks[i]) for i in todo]
        for i, output in zip(todo, self._run(streams, source, target)):
            text, tags = from_stream(output)
            text, tags = _keep_edges(segments[i], text, tags)
            results[i] = (text, mark_spans(text, tags, len(marks[i])))
        return results

    def close(self) -> None:
        with self._lock:
            pipelines, self._pipelines = self._pipelines, {}
        for pipeline in pipelines.values():
            self._tagger_restarts += pipeline.tagger_restarts
            pipeline.close()


def _package_version(package: str) -> str:
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def _owning_package(path: Path) -> str:
    """``apertium-eng-spa@0.8.1-2`` for a Debian-installed mode file; ``unknown`` elsewhere (the data hash still counts)."""
    try:
        done = subprocess.run(["dpkg-query", "-S", str(path)], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if done.returncode != 0 or ":" not in done.stdout:
        return "unknown"
    package = done.stdout.split(":", 1)[0].strip()
    return f"{package}@{_package_version(package)}"


def _data_fingerprint(mode_file: Path, stages: list[list[str]]) -> str:
    """Hash of the mode file and of the size and mtime of every data file it names (no need to read them)."""
    digest = hashlib.sha256()
    digest.update(mode_file.read_bytes())
    for stage in stages:
        for arg in stage[1:]:
            if arg.startswith("/"):
                try:
                    stat = os.stat(arg)
                    digest.update(f"{arg}:{stat.st_size}:{stat.st_mtime_ns}".encode())
                except OSError:
                    digest.update(f"{arg}:missing".encode())
    return digest.hexdigest()[:16]


__all__ = [
    "ApertiumEngine",
    "PairPipeline",
    "Pipeline",
    "from_stream",
    "install_hint",
    "mark_spans",
    "mode_to_pair",
    "parse_mode",
    "split_at_tagger",
    "to_stream",
]
