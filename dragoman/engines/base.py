"""The Engine contract: what every translation engine (Argos/CTranslate2, argostranslate, Apertium, ...) provides."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Sequence

if TYPE_CHECKING:
    from dragoman.packages import InstalledPackage

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
    attention: list[list[float]] | None = None


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


class Engine(ABC):
    """A translation engine.

    Engines load models lazily and keep them for the life of the object, so one
    process translating many files and targets loads each model once.
    """

    name: ClassVar[str] = "engine"
    # True when the engine can return several scored hypotheses per segment.
    supports_nbest: ClassVar[bool] = False
    supports_attention: ClassVar[bool] = False
    # True when BatchOptions.suppress is honoured (the forms are banned during decoding).
    supports_suppress: ClassVar[bool] = False
    # True when BatchOptions' decoding controls (no_repeat_ngram_size, repetition_penalty, max_length_ratio) are
    # honoured: the pipeline then re-translates a segment that failed an integrity check with them.
    supports_decoding_controls: ClassVar[bool] = False

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

    def set_progress(self, callback: Callable[[int], None] | None) -> None:
        """Engines that report progress inside one long translate_batch call call ``callback(segments finished
        so far in this call)``; None turns it off. The default reports nothing."""

    def close(self) -> None:
        """Release models, processes and threads. Safe to call twice."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
