"""The `argos` engine: Argos Translate model packages run directly on CTranslate2 + SentencePiece, batched by tokens."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from dragoman import __version__
from dragoman.engines.base import COMPUTE_TYPES, BatchOptions, Engine, EngineOptions, Hypothesis
from dragoman.errors import DragomanError, EngineError, ModelError, one_line

if TYPE_CHECKING:  # ctranslate2 and sentencepiece load only when a model is used
    import ctranslate2
    import sentencepiece

    from dragoman.packages import InstalledPackage

# Argos Translate's own decoding settings (argostranslate/translate.py): kept so that the same
# package gives the same text through dragoman as through argostranslate.
ARGOS_LENGTH_PENALTY = 0.2

DEVICES = ("cpu", "cuda", "auto")

# Sentence pieces per CTranslate2 batch (batch_type="tokens"). Argos batches 32 *examples* per call
# with one sentence per call in practice; a token budget keeps batches full however long the sentences are.
DEFAULT_MAX_BATCH_TOKENS = 2048
# How many token batches go into one CTranslate2 call: few calls keep Python overhead negligible,
# but each call is also when progress is reported. With inter_threads workers a call needs many
# batches per worker, or workers idle while the last batch of the call finishes.
BATCHES_PER_CALL = 4
BATCHES_PER_CALL_PER_WORKER = 8
# Every call's maximum decoding length: this many target steps per source piece of its longest segment, plus
# DECODING_MARGIN. A sound translation is far inside the bound (the integrity check calls an output of more than
# 3 x + 10 tokens a loop); a degenerate segment stops there instead of decoding on. Past 256 steps (CTranslate2's
# default, where a degenerate segment stopped before) the bound is LONG_DECODING_RATIO x the source + the
# margin: still proportional, so a long source's translation is never cut (token ratios between languages stay
# well under 2), without decoding a loop three times as long as a long source.
DECODING_LENGTH_RATIO = 3
DECODING_MARGIN = 10
SHORT_DECODING_CAP = 256
LONG_DECODING_RATIO = 2
# CTranslate2 cuts a source at max_input_length pieces without a word (its default: 1,024). dragoman passes the
# limit explicitly and never lets a source reach it: a segment longer than the limit less INPUT_LENGTH_MARGIN
# (the end-of-sentence token CTranslate2 appends, and room for a model that adds more) is split at piece
# boundaries into parts translated on their own and joined (split_pieces).
DEFAULT_MAX_INPUT_LENGTH = 1024
INPUT_LENGTH_MARGIN = 8
# Where a segment over the limit is best cut: after a piece that ends a sentence or clause, before a word.
_CLAUSE_END = frozenset(",;:.!?،؛)]")
# CTranslate2 keeps a call's attention in float32 and builds nested Python lists of floats (~32 bytes a value
# once in a list) each time a result's attention is read: x n-best x source x target pieces per segment, for
# every segment of the call, held until the enforcement round ends. _hypotheses reads each result's once and
# packs it into float32 arrays (4 bytes a value) before the next. Calls keep the composition they have without
# attention: batch composition can change int8 outputs in their last digits, and segments riding along in an
# enforcement call must come out as a plain call gives them.


@dataclass(frozen=True)
class LoadedModel:
    """A package's translator and tokenizer, shared by every engine object in the process."""

    translator: ctranslate2.Translator
    tokenizer: sentencepiece.SentencePieceProcessor
    target_prefix: str | None


_MODELS: dict[tuple[str, str, str, int, int], LoadedModel] = {}
_MODELS_LOCK = threading.Lock()


def clear_model_cache() -> None:
    """Forget every loaded model (tests; long-lived processes that swap packages)."""
    with _MODELS_LOCK:
        _MODELS.clear()


def loaded_model_count() -> int:
    return len(_MODELS)


def argos_detokenize(tokens: Sequence[str], target_prefix: str | None = None) -> str:
    """Turn target pieces into text exactly as Argos Translate does.

    Argos joins the pieces and replaces every U+2581 with a space (tokenizer.py), drops the target
    prefix, then removes the one space the first piece brings. SentencePieceProcessor.decode would
    also apply byte fallback and unknown-token rendering, which Argos does not: dragoman's output must
    equal argostranslate's for the same package, so its rule is used, not sentencepiece's.
    """
    pieces = list(tokens)
    if target_prefix and pieces and pieces[0] == target_prefix:
        pieces = pieces[1:]
    text = "".join(pieces).replace("\u2581", " ")
    if target_prefix and text.startswith(target_prefix):
        text = text[len(target_prefix) :]
    text = text.removeprefix(" ")
    return text


def fixed_decoding_length(source_tokens: int, ratio: float, step: int) -> int:
    """The decoding length used when ``decoding_length_ratio`` is set (benchmarks on random weights).

    Random weights never emit end-of-sentence, so every system measured decodes exactly this many
    steps: ``ratio`` times the source length, rounded up to a multiple of ``step`` (so that sentences
    of similar length share a value and can share a batch). Benchmarks import this function so that
    raw CTranslate2 and dragoman use the same rule.
    """
    return max(step, step * math.ceil(ratio * source_tokens / step))


@dataclass(frozen=True)
class ArgosOptions(EngineOptions):
    """What `--engine-option KEY=VALUE` can set on the argos engine (--beam, --threads, --workers,
    --compute-type and --device are shortcuts for five of them)."""

    beam_size: int = field(default=4, metadata={"help": "beam size (Argos uses 4); --beam"})
    compute_type: str = field(
        default="int8", metadata={"help": f"CTranslate2 compute type: {', '.join(COMPUTE_TYPES)}; --compute-type"}
    )
    device: str = field(default="cpu", metadata={"help": f"{', '.join(DEVICES)}; --device"})
    inter_threads: int = field(default=1, metadata={"help": "batches translated in parallel; --workers"})
    intra_threads: int = field(
        default=0, metadata={"help": "CPU threads per batch (0: CTranslate2 chooses); --threads"}
    )
    max_batch_tokens: int = field(default=DEFAULT_MAX_BATCH_TOKENS, metadata={"help": "sentence pieces per batch"})
    length_penalty: float = field(
        default=ARGOS_LENGTH_PENALTY, metadata={"help": "CTranslate2 length penalty (Argos: 0.2)"}
    )
    decoding_length_ratio: float | None = field(
        default=None, metadata={"help": "fixed-length decoding for benchmarks: target steps per source token"}
    )
    decoding_length_step: int = field(
        default=8, metadata={"help": "fixed-length decoding rounds up to a multiple of this"}
    )
    max_input_length: int = field(
        default=DEFAULT_MAX_INPUT_LENGTH,
        metadata={
            "help": "source pieces CTranslate2 takes per segment; a longer segment is split between words "
            "and translated in parts, never cut"
        },
    )


def default_decoding_bound(source_tokens: int) -> int:
    """The maximum decoding length of a call whose longest source has ``source_tokens`` pieces."""
    return min(
        DECODING_LENGTH_RATIO * source_tokens + DECODING_MARGIN,
        max(SHORT_DECODING_CAP, LONG_DECODING_RATIO * source_tokens + DECODING_MARGIN),
    )


def split_pieces(pieces: Sequence[str], limit: int) -> list[tuple[int, int]]:
    """(start, end) ranges cutting ``pieces`` (SentencePiece tokens) into parts of at most ``limit`` tokens.

    Each cut falls, by preference, after a piece that ends a sentence or clause (a full stop, comma, semicolon,
    colon) and before a word, in the last two thirds of the part (no tiny parts); else before the last word that
    fits; else (a run of pieces with no word start, e.g. digits) at the limit. SentencePiece marks a word start
    with U+2581, so cutting before such a piece keeps every word whole. A source within the limit is one range.
    """
    limit = max(1, limit)
    ranges: list[tuple[int, int]] = []
    start, total = 0, len(pieces)
    while total - start > limit:
        end = start + limit
        cut = -1
        for i in range(end, start + limit // 3, -1):  # a cut at i: pieces[start:i] | pieces[i:]
            if pieces[i].startswith("\u2581") and pieces[i - 1] and pieces[i - 1][-1] in _CLAUSE_END:
                cut = i
                break
        if cut < 0:
            for i in range(end, start, -1):
                if pieces[i].startswith("\u2581"):
                    cut = i
                    break
        if cut < 0:
            cut = end
        ranges.append((start, cut))
        start = cut
    if start < total or not ranges:
        ranges.append((start, total))
    return ranges


class PaddedRow(Sequence[float]):
    """One attention row of a part of a split segment, seen over the whole segment's source pieces: the part's
    values at its own columns, 0.0 elsewhere (the part never saw the other pieces). Holds only the part's values."""

    __slots__ = ("_offset", "_values", "_width")

    def __init__(self, values: Sequence[float], offset: int, width: int) -> None:
        self._values = values
        self._offset = offset
        self._width = width

    def __len__(self) -> int:
        return self._width

    @overload
    def __getitem__(self, index: int) -> float: ...

    @overload
    def __getitem__(self, index: slice) -> list[float]: ...

    def __getitem__(self, index: int | slice) -> float | list[float]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._width))]
        if index < 0:
            index += self._width
        if not 0 <= index < self._width:
            raise IndexError(index)
        inner = index - self._offset
        return float(self._values[inner]) if 0 <= inner < len(self._values) else 0.0


class ArgosEngine(Engine):
    """Argos model packages on CTranslate2: n-best with scores, attention, suppressed sequences.

    Options: ``beam_size`` (Argos uses 4), ``compute_type`` (int8 by default), ``device`` (cpu; cuda
    when asked), ``inter_threads`` (parallel batches), ``intra_threads`` (threads per batch; 0 lets
    CTranslate2 choose), ``max_batch_tokens`` (token budget per batch), ``decoding_length_ratio`` /
    ``decoding_length_step`` (fixed-length decoding for benchmarks, see fixed_decoding_length),
    ``max_input_length`` (CTranslate2's input limit; longer segments are split, see split_pieces), and
    ``packages`` (pair -> package directory, bypassing the installed-package lookup).
    """

    name = "argos"
    Options = ArgosOptions
    supports_nbest = True
    supports_attention = True
    supports_suppress = True
    installs_missing_pairs = True  # from the Argos package index: `dragoman models install SRC TGT`
    supports_decoding_controls = True

    def __init__(
        self,
        beam_size: int = ArgosOptions.beam_size,
        compute_type: str = ArgosOptions.compute_type,
        device: str = ArgosOptions.device,
        inter_threads: int = ArgosOptions.inter_threads,
        intra_threads: int = ArgosOptions.intra_threads,
        max_batch_tokens: int = ArgosOptions.max_batch_tokens,
        length_penalty: float = ArgosOptions.length_penalty,
        decoding_length_ratio: float | None = ArgosOptions.decoding_length_ratio,
        decoding_length_step: int = ArgosOptions.decoding_length_step,
        max_input_length: int = ArgosOptions.max_input_length,
        packages: Mapping[tuple[str, str], str | Path] | None = None,
    ) -> None:
        _check_int("beam_size", beam_size, 1)
        _check_int("inter_threads", inter_threads, 1)
        _check_int("intra_threads", intra_threads, 0)
        _check_int("max_batch_tokens", max_batch_tokens, 1)
        _check_int("decoding_length_step", decoding_length_step, 1)
        _check_int("max_input_length", max_input_length, INPUT_LENGTH_MARGIN + 1)
        if compute_type not in COMPUTE_TYPES:
            raise EngineError(f"unknown compute type {compute_type!r}", f"choose one of: {', '.join(COMPUTE_TYPES)}")
        if device not in DEVICES:
            raise EngineError(f"unknown device {device!r}", f"choose one of: {', '.join(DEVICES)}")
        if decoding_length_ratio is not None and not decoding_length_ratio > 0:
            raise EngineError(f"decoding_length_ratio must be positive, not {decoding_length_ratio!r}")
        self.beam_size = beam_size
        self.compute_type = compute_type
        self.device = device
        self.inter_threads = inter_threads
        self.intra_threads = intra_threads
        self.max_batch_tokens = max_batch_tokens
        self.length_penalty = float(length_penalty)
        self.decoding_length_ratio = decoding_length_ratio
        self.decoding_length_step = decoding_length_step
        self.max_input_length = max_input_length
        self._explicit: dict[tuple[str, str], Path] = {pair: Path(path) for pair, path in (packages or {}).items()}
        self._packages: dict[tuple[str, str], InstalledPackage] = {}
        self._signatures: dict[tuple[str, str], str] = {}

    @classmethod
    def for_package(cls, package: InstalledPackage) -> ArgosEngine:
        """Pinned to ``package`` for its pair, whatever else is installed."""
        return cls(packages={package.pair: package.path})

    # -- packages -------------------------------------------------------------------------------

    def pairs(self) -> list[tuple[str, str]]:
        from dragoman.packages import list_installed

        found = {pkg.pair for pkg in list_installed()}
        found.update(self._explicit)
        return sorted(found)

    def package(self, source: str, target: str) -> InstalledPackage:
        """The package that translates source -> target (ModelError naming the install command if none)."""
        pair = (source, target)
        pkg = self._packages.get(pair)
        if pkg is None:
            from dragoman import packages

            explicit = self._explicit.get(pair)
            if explicit is not None:
                pkg = packages.load_package_dir(explicit, readonly=True)
            else:
                pkg = packages.require_installed(source, target)
            self._packages[pair] = pkg
        return pkg

    def calibration_package(self, source: str, target: str) -> InstalledPackage | None:
        try:
            return self.package(source, target)
        except DragomanError:
            return None

    def _model(self, source: str, target: str) -> LoadedModel:
        pkg = self.package(source, target)
        key = (
            str(pkg.model_dir.resolve()),
            self.device,
            self.compute_type,
            self.inter_threads,
            self.intra_threads,
        )
        with _MODELS_LOCK:
            model = _MODELS.get(key)
            if model is None:
                model = self._load(pkg)
                _MODELS[key] = model
        return model

    def _load(self, pkg: InstalledPackage) -> LoadedModel:
        import ctranslate2
        import sentencepiece

        if self.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise EngineError("--device cuda was asked for but CTranslate2 sees no CUDA device", "use --device cpu")
        try:
            translator = ctranslate2.Translator(
                str(pkg.model_dir),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.intra_threads,
            )
        except ValueError as err:
            message = one_line(err)
            if "compute type" not in message.lower():  # a broken model (config.json), not the compute type
                raise ModelError(
                    f"cannot load the model in {pkg.model_dir}: {message}",
                    f"reinstall it with 'dragoman models install {pkg.from_code} {pkg.to_code}'",
                ) from None
            # CTranslate2 refuses compute types the device cannot run (float16 on most CPUs): suggest the others.
            others = [kind for kind in ("int8", "float32") if kind != self.compute_type]
            raise EngineError(
                f"cannot run {pkg.code} with compute type {self.compute_type!r} on {self.device}: {message}",
                "try " + " or ".join(f"--compute-type {kind}" for kind in others),
            ) from None
        except RuntimeError as err:
            raise ModelError(
                f"cannot load the model in {pkg.model_dir}: {one_line(err)}",
                f"reinstall it with 'dragoman models install {pkg.from_code} {pkg.to_code}'",
            ) from None
        try:
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(pkg.sp_model_path))
        except (OSError, RuntimeError) as err:
            raise ModelError(
                f"cannot load {pkg.sp_model_path}: {one_line(err)}",
                f"reinstall it with 'dragoman models install {pkg.from_code} {pkg.to_code}'",
            ) from None
        return LoadedModel(translator=translator, tokenizer=tokenizer, target_prefix=pkg.target_prefix)

    # -- signature ------------------------------------------------------------------------------

    def signature(self, source: str, target: str) -> str:
        pair = (source, target)
        cached = self._signatures.get(pair)
        if cached is not None:
            return cached
        pkg = self.package(source, target)
        parts = [
            f"engine={self.name}",
            f"dragoman={__version__}",
            f"ctranslate2={_ctranslate2_version()}",
            f"package={pkg.code}@{pkg.package_version}",
            f"pair={source}-{target}",
            f"model={_package_fingerprint(pkg)}",
            f"beam={self.beam_size}",
            f"compute={self.compute_type}",
            f"device={self.device}",
            f"length_penalty={self.length_penalty}",
        ]
        if self.max_input_length != DEFAULT_MAX_INPUT_LENGTH:  # splits long segments elsewhere: other outputs
            parts.append(f"max_input={self.max_input_length}")
        if self.decoding_length_ratio is not None:
            parts.append(f"fixed_length={self.decoding_length_ratio}/{self.decoding_length_step}")
        signature = "|".join(parts)
        self._signatures[pair] = signature
        return signature

    # -- translation ----------------------------------------------------------------------------

    def tokenize(self, source: str, target: str, texts: Sequence[str]) -> list[list[str]]:
        """Source pieces as the package's SentencePiece model cuts them."""
        model = self._model(source, target)
        return [list(t) for t in model.tokenizer.encode(list(texts), out_type=str)]

    def translate_batch(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        options: BatchOptions | None = None,
    ) -> list[list[Hypothesis]]:
        options = options or BatchOptions()
        n_best = max(1, int(options.num_hypotheses))
        if options.detail is not None and not all(options.detail):
            # Segments ride along (BatchOptions.detail): they must come out as with num_hypotheses=1, so the
            # call keeps the user's beam (n-best would widen it for the whole batch) and n-best is what it holds.
            n_best = min(n_best, self.beam_size)
        results: list[list[Hypothesis]] = [[] for _ in segments]
        if not segments:
            return results
        model = self._model(source, target)
        tokens: list[list[str]] = model.tokenizer.encode(list(segments), out_type=str)
        suppress = _suppress_sequences(model, options.suppress)

        # What CTranslate2 gets: each segment whole, or (longer than the input limit) in parts cut between
        # words; parts[k] is (segment index, first piece, end piece).
        limit = self.max_input_length - INPUT_LENGTH_MARGIN
        parts: list[tuple[int, int, int]] = []
        for i, toks in enumerate(tokens):
            if not toks:
                # Empty segments never reach CTranslate2 (it would invent text for them).
                results[i] = [Hypothesis(text="", score=0.0) for _ in range(n_best)]
                continue
            parts.extend((i, begin, end) for begin, end in split_pieces(toks, limit))
        sources = [tokens[i] if end - begin == len(tokens[i]) else tokens[i][begin:end] for i, begin, end in parts]
        part_hyps: list[list[Hypothesis]] = [[] for _ in parts]
        # Length-sorted across the whole input (CTranslate2 sorts only within one call); the
        # original order is restored through the index.
        todo = sorted(range(len(parts)), key=lambda k: len(sources[k]))
        for chunk, length in self._chunks(todo, sources, options):
            batch = [sources[k] for k in chunk]
            kwargs: dict[str, Any] = {
                "max_batch_size": self.max_batch_tokens,
                "batch_type": "tokens",
                "beam_size": max(self.beam_size, n_best),
                "num_hypotheses": n_best,
                "length_penalty": self.length_penalty,
                "replace_unknowns": True,
                "return_scores": True,
                "return_attention": bool(options.return_attention),
                "max_input_length": self.max_input_length,
            }
            if model.target_prefix:
                kwargs["target_prefix"] = [[model.target_prefix]] * len(batch)
            if suppress:
                kwargs["suppress_sequences"] = suppress
            if self.decoding_length_ratio is not None and length is not None:
                kwargs["min_decoding_length"] = length
                kwargs["max_decoding_length"] = length
            elif length is not None:
                kwargs["max_decoding_length"] = length
            if options.no_repeat_ngram_size > 0:
                kwargs["no_repeat_ngram_size"] = int(options.no_repeat_ngram_size)
            if options.repetition_penalty != 1.0:
                kwargs["repetition_penalty"] = float(options.repetition_penalty)
            outputs = self._run(model, batch, kwargs, source, target)
            for position, k in enumerate(chunk):
                index = parts[k][0]
                detail = options.detail is None or options.detail[index]
                part_hyps[k] = self._hypotheses(
                    outputs[position], sources[k], model, options.return_attention and detail, None if detail else 1
                )
                outputs[position] = None  # its attention lists are packed: let them go now
            del outputs
        k = 0
        while k < len(parts):
            index = parts[k][0]
            end = k + 1
            while end < len(parts) and parts[end][0] == index:
                end += 1
            if end - k == 1:
                results[index] = part_hyps[k]
            else:
                results[index] = _join_parts(part_hyps[k:end], [sources[j] for j in range(k, end)], tokens[index])
            k = end
        return results

    def _run(self, model: LoadedModel, batch: list[list[str]], kwargs: dict[str, Any], source: str, target: str) -> Any:
        while True:
            try:
                return model.translator.translate_batch(batch, **kwargs)
            except (RuntimeError, ValueError) as err:
                # With separate vocabularies a SentencePiece piece may be missing from the target side:
                # a suppressed sequence the model cannot emit is dropped, not an error.
                match = re.search(r"Token (\S+) is not in the vocabulary", str(err))
                sequences = kwargs.get("suppress_sequences") or []
                if match and any(match.group(1) in seq for seq in sequences):
                    kwargs["suppress_sequences"] = [seq for seq in sequences if match.group(1) not in seq] or None
                    continue
                raise EngineError(f"CTranslate2 failed on {source}->{target}: {one_line(err)}") from None

    def _chunks(
        self, order: list[int], tokens: list[list[str]], options: BatchOptions | None = None
    ) -> list[tuple[list[int], int | None]]:
        """Split the length-sorted indices into translate_batch calls, each with its decoding length: the
        fixed length of benchmarks, else the maximum one (from the call's longest source; with
        ``options.max_length_ratio`` each segment's own bound, so a call holds segments of one bound)."""
        batches = BATCHES_PER_CALL if self.inter_threads == 1 else BATCHES_PER_CALL_PER_WORKER * self.inter_threads
        budget = self.max_batch_tokens * batches
        chunks: list[tuple[list[int], int | None]] = []
        current: list[int] = []
        current_tokens = 0
        current_length: int | None = None
        ratio = options.max_length_ratio if options is not None else None
        for i in order:
            if self.decoding_length_ratio is not None:
                length: int | None = fixed_decoding_length(
                    len(tokens[i]), self.decoding_length_ratio, self.decoding_length_step
                )
            elif ratio is not None:
                margin = options.max_length_margin if options is not None else DECODING_MARGIN
                length = max(1, math.ceil(ratio * len(tokens[i])) + margin)
            else:
                length = None  # the call's bound, from its longest segment (below)
            if current and (length != current_length or current_tokens + len(tokens[i]) > budget):
                chunks.append((current, current_length))
                current, current_tokens = [], 0
            current.append(i)
            current_tokens += len(tokens[i])
            current_length = length
        if current:
            chunks.append((current, current_length))
        return [
            (chunk, length if length is not None else default_decoding_bound(max(len(tokens[i]) for i in chunk)))
            for chunk, length in chunks
        ]

    def _hypotheses(
        self, output: Any, source_tokens: list[str], model: LoadedModel, with_attention: bool, limit: int | None = None
    ) -> list[Hypothesis]:
        hypotheses: list[Hypothesis] = []
        scores = list(output.scores) if output.scores else []
        # Read once (each read of output.attention builds its nested lists again), packed row by row into
        # float32 arrays (4 bytes a value against ~32 in a list), then dropped.
        attentions = output.attention if with_attention and output.attention else []
        for rank, pieces in enumerate(output.hypotheses[:limit]):
            pieces = list(pieces)
            attention = [array("f", row) for row in attentions[rank]] if rank < len(attentions) else None
            if model.target_prefix and pieces and pieces[0] == model.target_prefix:
                pieces = pieces[1:]
                if attention is not None and len(attention) == len(pieces) + 1:
                    attention = attention[1:]
            hypotheses.append(
                Hypothesis(
                    text=argos_detokenize(pieces, model.target_prefix),
                    score=float(scores[rank]) if rank < len(scores) else 0.0,
                    target_tokens=pieces if with_attention else None,
                    # One list shared by the n-best (nobody changes it), not a copy per hypothesis.
                    source_tokens=source_tokens if with_attention else None,
                    attention=attention,
                )
            )
        return hypotheses

    def close(self) -> None:
        # Models stay in the process-wide cache (loaded once per process); drop this engine's view.
        self._packages.clear()


def _join_parts(
    part_hyps: Sequence[list[Hypothesis]], part_sources: Sequence[list[str]], source_tokens: list[str]
) -> list[Hypothesis]:
    """A split segment's hypotheses from its parts': the k-th joins every part's k-th (or its last, when a part
    has fewer), scores added. Parts cut before a word are joined with a space, parts cut inside one without.
    Attention, when the parts have it, spans the whole segment: each part's rows over its own source columns."""
    joined: list[Hypothesis] = []
    width = len(source_tokens)
    for rank in range(max(len(hyps) for hyps in part_hyps)):
        picks = [hyps[min(rank, len(hyps) - 1)] for hyps in part_hyps if hyps]
        text = ""
        for hyp, part in zip(picks, part_sources):
            if text and hyp.text:
                text += " " if part[0].startswith("\u2581") else ""
            text += hyp.text
        with_attention = all(h.attention is not None and h.target_tokens is not None for h in picks)
        target_tokens: list[str] | None = None
        attention: list[Sequence[float]] | None = None
        if with_attention:
            target_tokens, attention = [], []
            offset = 0
            for hyp, part in zip(picks, part_sources):
                assert hyp.target_tokens is not None and hyp.attention is not None
                target_tokens.extend(hyp.target_tokens)
                attention.extend(PaddedRow(row, offset, width) for row in hyp.attention)
                offset += len(part)
        joined.append(
            Hypothesis(
                text=text,
                score=sum(h.score for h in picks),
                target_tokens=target_tokens,
                source_tokens=source_tokens if with_attention else None,
                attention=attention,
            )
        )
    return joined


def _suppress_sequences(model: LoadedModel, strings: Sequence[str]) -> list[list[str]]:
    """Forbidden target strings as target pieces, deduplicated (CTranslate2 suppress_sequences)."""
    seen: set[tuple[str, ...]] = set()
    sequences: list[list[str]] = []
    for text in strings:
        if not text or not text.strip():
            continue
        ids = model.tokenizer.encode(text)
        # A piece the vocabulary lacks cannot be emitted anyway, and CTranslate2 rejects it.
        if not ids or model.tokenizer.unk_id() in ids:
            continue
        pieces = tuple(model.tokenizer.id_to_piece(i) for i in ids)
        if pieces not in seen:
            seen.add(pieces)
            sequences.append(list(pieces))
    return sequences


def _package_fingerprint(pkg: InstalledPackage) -> str:
    """Short hash of what identifies the model's bytes without reading 100 MB: metadata, sizes, mtimes."""
    digest = hashlib.sha256()
    digest.update(json.dumps(pkg.metadata, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for path in (pkg.model_dir / "model.bin", pkg.sp_model_path):
        try:
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"{path.name}:missing".encode())
    return digest.hexdigest()[:16]


def _ctranslate2_version() -> str:
    """CTranslate2's version without importing it: a re-run served by the translation memory needs the
    signature but no model, and importing ctranslate2 costs ~0.2 s of its start-up. Its ``version.py``
    (one assignment) is read where the import system would find the package; importlib.metadata (~40 ms to
    import, then a scan of the installed distributions) only when that file is not there."""
    import importlib.util

    spec = importlib.util.find_spec("ctranslate2")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            text = (Path(folder) / "version.py").read_text(encoding="utf-8")
        except OSError:
            continue
        found = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
        if found:
            return found.group(1)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ctranslate2")
    except PackageNotFoundError:  # not installed as a distribution (a source build on sys.path)
        import ctranslate2

        return str(ctranslate2.__version__)


def _check_int(name: str, value: Any, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise EngineError(f"{name} must be an integer >= {minimum}, not {value!r}")


__all__ = [
    "ArgosEngine",
    "argos_detokenize",
    "clear_model_cache",
    "default_decoding_bound",
    "fixed_decoding_length",
    "split_pieces",
]
