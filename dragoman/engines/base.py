"""The Engine contract: what every translation engine (Argos/CTranslate2, argostranslate, Apertium, ...) provides."""

from __future__ import annotations

import dataclasses
import types
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Sequence

from dragoman.errors import EngineError

if TYPE_CHECKING:
    from dragoman.packages import InstalledPackage

__all__ = [
    "BatchOptions",
    "COMPUTE_TYPES",
    "Engine",
    "EngineOptions",
    "EngineUnavailable",
    "EngineWrapper",
    "Hypothesis",
    "Span",
    "option_fields",
    "parse_options",
]

# CTranslate2 compute types (here, not in argos.py, so `--help` can list them without importing ctranslate2).
COMPUTE_TYPES = (
    "default",
    "auto",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
    "float32",
)


@dataclass
class Hypothesis:
    """One candidate translation of one segment.

    ``score`` is a log-probability-like number: higher is better, comparable only
    between hypotheses of the same segment and engine. Engines that cannot score
    return 0.0. ``attention`` (when asked for and supported) has one row per
    target token in ``target_tokens`` and one column per token in ``source_tokens``.
    """

    text: str
    score: float = 0.0
    target_tokens: list[str] | None = None
    source_tokens: list[str] | None = None
    attention: Sequence[Sequence[float]] | None = None


@dataclass
class BatchOptions:
    """Per-call options every engine accepts (engines ignore what they cannot honour)."""

    num_hypotheses: int = 1
    return_attention: bool = False
    # Target-language strings the engine must not produce (CTranslate2 suppress_sequences).
    suppress: Sequence[str] = field(default_factory=tuple)
    # Per segment (parallel to the segments; None: every one): whether it needs the n-best and the attention
    # asked for. False: a segment riding along in a call made for others. The engine must translate it exactly
    # as a call with num_hypotheses=1 would (same beam, same output) and may skip building what nobody reads.
    detail: Sequence[bool] | None = None
    # Decoding controls for a safer re-translation of a damaged segment (honoured by engines that declare
    # supports_decoding_controls): block any repeated n-gram of this size (0: off), penalise repeated tokens
    # (1.0: off), and bound the decoding length by the source: at most ``max_length_ratio`` x source tokens
    # + ``max_length_margin`` steps (None: the engine's own bound).
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    max_length_ratio: float | None = None
    max_length_margin: int = 5


Span = tuple[int, int]


class EngineUnavailable(EngineError):
    """The engine's optional dependency is not installed (the message has the install command).

    Not a usage error: the CLI shows it as it is rather than as a bad ``--engine`` value."""


@dataclass(frozen=True)
class EngineOptions:
    """The options an engine declares (llm's ``Options``): each engine subclasses this with one field per
    setting a user may change, its default the engine's default and ``metadata={"help": ...}`` saying what
    it does. ``dragoman translate --engine-option KEY=VALUE`` sets them; :meth:`Engine.from_options` builds
    the engine from them. An engine without settings keeps this empty class."""


def option_fields(options_class: type[EngineOptions]) -> dict[str, tuple[object, str]]:
    """name -> (type, help) of each option an Options class declares."""
    hints = typing.get_type_hints(options_class)
    return {f.name: (hints[f.name], str(f.metadata.get("help", ""))) for f in dataclasses.fields(options_class)}


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _convert(engine: str, key: str, value: object, kind: object) -> object:
    """``value`` (a string from the command line, or already typed) as the option's declared type."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            if type(None) in args:
                return None
        kinds = [a for a in args if a is not type(None)]
        last: EngineError | None = None
        for one in kinds:
            try:
                return _convert(engine, key, value, one)
            except EngineError as err:
                last = err
        assert last is not None
        raise last
    if not isinstance(value, str):
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(kind, type) and isinstance(value, kind):
            return value
        raise EngineError(
            f"the {engine} engine's option {key} takes a {getattr(kind, '__name__', kind)}, not {value!r}"
        )
    text = value.strip()
    try:
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text)
        if kind is str:
            return text
    except ValueError:
        pass
    name = {bool: "true or false", int: "whole number", float: "number", Path: "path", str: "text"}.get(
        kind,
        str(kind),  # type: ignore[call-overload]
    )
    raise EngineError(f"the {engine} engine's option {key} takes a {name}, not {value!r}")


def parse_options(engine: str, options_class: type[EngineOptions], given: Mapping[str, object]) -> EngineOptions:
    """Check ``given`` (KEY -> value, strings from ``--engine-option`` or typed values) against the options
    the engine declares and convert each to its type; an unknown key names the ones there are."""
    fields = option_fields(options_class)
    values: dict[str, object] = {}
    for key, value in given.items():
        name = key.strip().replace("-", "_")
        if name not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise EngineError(f"the {engine} engine has no option {key!r}", f"its options: {known}")
        values[name] = _convert(engine, name, value, fields[name][0])
    return options_class(**values)


class Engine(ABC):
    """A translation engine.

    Engines load models lazily and keep them for the life of the object, so one
    process translating many files and targets loads each model once.
    """

    # The name and capabilities are class attributes each engine sets; they are instance attributes too (not
    # ClassVar) so that an EngineWrapper can take them from the engine it wraps, declared, not probed.
    name: str = "engine"
    # The settings a user may change (a dataclass; see EngineOptions). from_options builds the engine from them.
    Options: ClassVar[type[EngineOptions]] = EngineOptions
    # True when the engine can return several scored hypotheses per segment.
    supports_nbest: bool = False
    supports_attention: bool = False
    # True when BatchOptions.suppress is honoured (the forms are banned during decoding).
    supports_suppress: bool = False
    # True when translate_marked carries inline marks through translation (enforcement then marks each term
    # in context instead of locating it by attention).
    supports_markup: bool = False
    # True when a pair the engine lacks can be installed from the Argos package index (`dragoman models
    # install`): planning a route then raises MissingModelError, which --install-missing acts on. Otherwise
    # the error names missing_hint() and the pairs the engine has.
    installs_missing_pairs: bool = False
    # The command that installs what the engine itself needs (a pip extra, a Debian package), or None.
    install_command: str | None = None
    # True when BatchOptions' decoding controls (no_repeat_ngram_size, repetition_penalty, max_length_ratio) are
    # honoured: the pipeline then re-translates a segment that failed an integrity check with them.
    supports_decoding_controls: bool = False

    @classmethod
    def from_options(cls, options: Mapping[str, object] | EngineOptions | None = None) -> Engine:
        """The engine built from the options it declares (``KEY -> value``, checked by parse_options)."""
        if not isinstance(options, EngineOptions):
            options = parse_options(cls.name, cls.Options, options or {})
        return cls(**{f.name: getattr(options, f.name) for f in dataclasses.fields(options)})

    @abstractmethod
    def pairs(self) -> list[tuple[str, str]]:
        """The (source, target) language pairs this engine can translate directly."""

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in set(self.pairs())

    @abstractmethod
    def signature(self, source: str, target: str) -> str:
        """A string that changes whenever output for this pair could change:
        engine name and version, model id and version, and every option that affects output."""

    @abstractmethod
    def translate_batch(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        options: BatchOptions | None = None,
    ) -> list[list[Hypothesis]]:
        """Translate every segment; return, per segment, hypotheses best first
        (``options.num_hypotheses`` of them where the engine supports n-best, else one)."""

    def missing_hint(self, source: str, target: str) -> str | None:
        """What the user can run to get a pair this engine lacks (e.g. an apt-get command), or None."""
        return None

    def calibration_package(self, source: str, target: str) -> InstalledPackage | None:
        """The Argos package this engine translates the pair with, whose placeholder calibration
        (`dragoman models probe`) applies; None for engines without Argos packages or a missing pair."""
        return None

    @classmethod
    def for_package(cls, package: InstalledPackage) -> Engine:
        """An engine that translates the package's pair with exactly that package (what `models probe`
        calibrates). Engines that do not read Argos packages ignore it."""
        return cls.from_options({})

    def translate_marked(
        self, segments: Sequence[str], marks: Sequence[Sequence[Span]], source: str, target: str
    ) -> list[tuple[str, list[Span | None]]]:
        """Engines with ``supports_markup``: translate each segment with its ``marks`` (source character spans)
        carried through; per segment, the translation and the target span of each mark (None: lost)."""
        raise NotImplementedError(f"the {self.name} engine does not carry markup")

    def close(self) -> None:
        """Release models, processes and threads. Safe to call twice."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EngineWrapper(Engine):
    """An engine around another one: each method of the contract forwards to ``inner`` explicitly, and the name and
    capabilities are the inner engine's. A subclass overrides what it adds (pipeline.translator.CountingEngine
    counts calls); nothing is found by attribute lookup, so mypy checks every use."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.supports_nbest = inner.supports_nbest
        self.supports_attention = inner.supports_attention
        self.supports_suppress = inner.supports_suppress
        self.supports_markup = inner.supports_markup
        self.installs_missing_pairs = inner.installs_missing_pairs
        self.install_command = inner.install_command
        self.supports_decoding_controls = inner.supports_decoding_controls

    @classmethod
    def for_package(cls, package: InstalledPackage) -> Engine:
        raise TypeError(f"{cls.__name__} wraps an engine: wrap the one the engine's for_package() returns")

    def pairs(self) -> list[tuple[str, str]]:
        return self.inner.pairs()

    def supports(self, source: str, target: str) -> bool:
        return self.inner.supports(source, target)

    def signature(self, source: str, target: str) -> str:
        return self.inner.signature(source, target)

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        return self.inner.translate_batch(segments, source, target, options)

    def translate_marked(
        self, segments: Sequence[str], marks: Sequence[Sequence[Span]], source: str, target: str
    ) -> list[tuple[str, list[Span | None]]]:
        return self.inner.translate_marked(segments, marks, source, target)

    def missing_hint(self, source: str, target: str) -> str | None:
        return self.inner.missing_hint(source, target)

    def calibration_package(self, source: str, target: str) -> InstalledPackage | None:
        return self.inner.calibration_package(source, target)

    def close(self) -> None:
        self.inner.close()
