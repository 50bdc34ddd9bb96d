"""Engine registry: built-in engines by name (imported lazily) plus the `dragoman.engines` entry-point group."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from dragoman.engines.base import (
    BatchOptions,
    Engine,
    EngineOptions,
    EngineUnavailable,
    Hypothesis,
    option_fields,
    parse_options,
)
from dragoman.errors import EngineError

# Imported only when asked for: `import dragoman.engines` must not load ctranslate2.
BUILTIN_ENGINES: dict[str, str] = {
    "argos": "dragoman.engines.argos:ArgosEngine",
    "argostranslate": "dragoman.engines.argostranslate_engine:ArgosTranslateEngine",
    "apertium": "dragoman.engines.apertium:ApertiumEngine",
}


def _entry_points() -> Any:
    # importlib.metadata costs ~40 ms to import and scans every installed distribution: only looked at for a
    # name that is not built in (and for the list of engines), never on the way to `argos`.
    from importlib.metadata import entry_points

    return entry_points(group="dragoman.engines")


def available_engines() -> list[str]:
    names = set(BUILTIN_ENGINES)
    names.update(ep.name for ep in _entry_points())
    return sorted(names)


def engine_class(name: str) -> type[Engine]:
    """Resolve an engine name to its class, importing only that engine."""
    target = BUILTIN_ENGINES.get(name)
    if target is not None:
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as err:
            raise EngineError(f"engine {name!r} is not available: {err}") from None
        cls: type[Engine] = getattr(module, attr)
        return cls
    for ep in _entry_points():
        if ep.name == name:
            loaded: type[Engine] = ep.load()
            return loaded
    raise EngineError(
        f"unknown engine {name!r}",
        f"choose one of: {', '.join(available_engines())}",
    )


def builtin_engine_names() -> list[str]:
    """The engines that ship with dragoman (for --help and shell completion; no entry points read)."""
    return list(BUILTIN_ENGINES)


def create_engine(name: str, **options: Any) -> Engine:
    return engine_class(name)(**options)


def build_engine(name: str, options: Mapping[str, object] | None = None) -> Engine:
    """The engine ``name`` built from ``options`` (KEY -> value; strings are converted to the option's type),
    checked against the options the engine declares (``Engine.Options``); options not given keep the engine's
    defaults."""
    cls = engine_class(name)
    parsed = parse_options(name, cls.Options, options or {})
    given = {key.strip().replace("-", "_") for key in (options or {})}
    return create_engine(name, **{key: getattr(parsed, key) for key in given})


def engines_with_option(key: str) -> list[str]:
    """The built-in engines that declare option ``key`` (for the message when another engine is given it)."""
    found = []
    for name in BUILTIN_ENGINES:
        try:
            cls = engine_class(name)
        except EngineError:
            continue
        if key in option_fields(cls.Options):
            found.append(name)
    return found


def options_table(names: list[str] | None = None) -> str:
    """A Markdown table of every option the built-in engines declare (docs/engines.md is this, checked by a test)."""
    rows = [
        "| Engine | Option | Type | Default | What it sets |",
        "|--------|--------|------|---------|--------------|",
    ]
    for name in names or builtin_engine_names():
        cls = engine_class(name)
        for key, (kind, help_text) in option_fields(cls.Options).items():
            type_name = getattr(kind, "__name__", str(kind)).replace("pathlib.", "").replace(" | None", " or none")
            default = getattr(cls.Options, key)
            rows.append(f"| {name} | `{key}` | {type_name} | `{default}` | {help_text} |")
    return "\n".join(rows) + "\n"


__all__ = [
    "BatchOptions",
    "Engine",
    "EngineOptions",
    "EngineUnavailable",
    "Hypothesis",
    "available_engines",
    "build_engine",
    "builtin_engine_names",
    "create_engine",
    "engine_class",
    "engines_with_option",
    "options_table",
]
