"""Which engine legs translate a language pair: directly, or through English when no direct model exists."""

from __future__ import annotations

from dataclasses import dataclass

from dragoman.engines.base import Engine
from dragoman.errors import EngineError, ModelError

PIVOT_LANGUAGE = "en"


@dataclass(frozen=True)
class Route:
    """One or two legs; two means a pivot through ``via``."""

    source: str
    target: str
    legs: tuple[tuple[str, str], ...]

    @property
    def via(self) -> str | None:
        return self.legs[0][1] if len(self.legs) > 1 else None

    @property
    def label(self) -> str:
        if self.via:
            return f"{self.source}->{self.via}->{self.target}"
        return f"{self.source}->{self.target}"


class MissingModelError(ModelError):
    """No installed package covers a pair; ``missing`` lists the pairs whose packages would fix it."""

    def __init__(self, message: str, hint: str, source: str, target: str, missing: list[tuple[str, str]]) -> None:
        self.source = source
        self.target = target
        self.missing = missing
        super().__init__(message, hint)


def _pairs_text(pairs: list[tuple[str, str]]) -> str:
    return ", ".join(f"{s}->{t}" for s, t in pairs) if pairs else "none"


def plan_route(engine: Engine, source: str, target: str, pairs: list[tuple[str, str]] | None = None) -> Route:
    """The route for source -> target with this engine: direct if it can, else through English.

    A missing Argos model raises MissingModelError naming the install command (and the pairs that
    are installed); another engine that cannot do the pair raises EngineError listing what it can do.
    """
    if source == target:
        raise EngineError(f"the source and target language are both {source!r}", "choose a different --to")
    available = sorted(set(pairs if pairs is not None else engine.pairs()))
    have = set(available)
    if (source, target) in have:
        return Route(source, target, ((source, target),))
    pivot = PIVOT_LANGUAGE
    if pivot not in (source, target) and (source, pivot) in have and (pivot, target) in have:
        return Route(source, target, ((source, pivot), (pivot, target)))
    if not engine.installs_missing_pairs:
        hint = engine.missing_hint(source, target)
        how = f"{hint}; " if hint else ""
        raise EngineError(
            f"the {engine.name} engine cannot translate {source}->{target}",
            f"{how}it supports: {_pairs_text(available)}",
        )
    return _missing(source, target, have, available)


def _missing(source: str, target: str, have: set[tuple[str, str]], available: list[tuple[str, str]]) -> Route:
    installed = f"installed: {_pairs_text(available)}"
    pivot = PIVOT_LANGUAGE
    if pivot in (source, target):
        missing = [(source, target)]
        command = f"run 'dragoman models install {source} {target}'"
    else:
        # Argos publishes pairs to and from English only, so the fix is the missing leg(s).
        missing = [leg for leg in ((source, pivot), (pivot, target)) if leg not in have]
        command = "run " + " and ".join(f"'dragoman models install {s} {t}'" for s, t in missing)
    raise MissingModelError(
        f"no {source}->{target} model installed",
        f"{command} or 'dragoman models install FILE.argosmodel' ({installed})",
        source,
        target,
        missing,
    )


__all__ = ["MissingModelError", "PIVOT_LANGUAGE", "Route", "plan_route"]
