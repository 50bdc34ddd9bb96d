"""Small engines for tests that need a fixed translation per source segment."""

from __future__ import annotations

from collections.abc import Sequence

from dragoman.engines.base import BatchOptions, Engine, Hypothesis


class TableEngine(Engine):
    """Translates by looking each segment up in a table (a clean or a damaged "model" chosen by the test)."""

    name = "table"

    def __init__(self, table: dict[str, str], pairs: Sequence[tuple[str, str]] = (("en", "ms"),)) -> None:
        self.table = dict(table)
        self._pairs = list(pairs)

    def pairs(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def signature(self, source: str, target: str) -> str:
        return f"table:{source}-{target}:{sorted(self.table.items())}"

    def translate_batch(
        self, segments: Sequence[str], source: str, target: str, options: BatchOptions | None = None
    ) -> list[list[Hypothesis]]:
        return [[Hypothesis(text=self.table[segment])] for segment in segments]


def reference_engine(table: dict[str, str]) -> TableEngine:
    return TableEngine(table)
