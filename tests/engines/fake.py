"""A deterministic fake Engine for orchestration tests: tags text with its route, counts calls, no model."""

from __future__ import annotations

from typing import Sequence

from dragoman.engines.base import BatchOptions, Engine, Hypothesis


class TaggingEngine(Engine):
    """Translates ``text`` from s to t as ``"t:text"``, so a pivot ms->en->fa shows as ``fa:en:text``
    (no markup characters, so every format renders the tag literally).

    Hypothesis k (0-based) appends ``"~k"`` for k > 0 and scores ``-k``; ``calls`` records every
    translate_batch call as (source, target, segments) so tests can assert how the pipeline batched.
    """

    name = "tagging"
    supports_nbest = True
    supports_attention = False

    def __init__(self, pairs: Sequence[tuple[str, str]], version: str = "1") -> None:
        self._pairs = list(pairs)
        self.version = version
        self.calls: list[tuple[str, str, list[str]]] = []

    def pairs(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def signature(self, source: str, target: str) -> str:
        return f"tagging|{source}-{target}|v{self.version}"

    def translate_batch(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        options: BatchOptions | None = None,
    ) -> list[list[Hypothesis]]:
        if (source, target) not in self._pairs:
            raise AssertionError(f"TaggingEngine asked for {source}->{target}")
        options = options or BatchOptions()
        self.calls.append((source, target, list(segments)))
        n = max(1, options.num_hypotheses)
        return [
            [Hypothesis(text=f"{target}:{text}" + (f"~{k}" if k else ""), score=-float(k)) for k in range(n)]
            for text in segments
        ]
