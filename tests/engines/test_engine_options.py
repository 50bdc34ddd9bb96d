"""Engines declare their options (one dataclass each) and capabilities on the Engine contract."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from dragoman.engines import BUILTIN_ENGINES, engine_class, engines_with_option
from dragoman.engines.base import Engine, option_fields


@pytest.mark.parametrize("name", list(BUILTIN_ENGINES))
def test_options_are_constructor_arguments_with_the_same_defaults(name: str) -> None:
    cls = engine_class(name)
    parameters = inspect.signature(cls.__init__).parameters
    for field in dataclasses.fields(cls.Options):
        assert field.name in parameters, f"{name}: option {field.name} is not an argument of the engine"
        assert parameters[field.name].default == field.default, field.name
        assert field.metadata.get("help"), f"{name}: option {field.name} has no help"


# argostranslate (an optional extra) declares no options; its construction is tested in test_argostranslate.py.
@pytest.mark.parametrize("name", ["argos", "apertium"])
def test_from_options_builds_the_engine_with_its_defaults(name: str) -> None:
    cls = engine_class(name)
    engine = cls.from_options({})
    try:
        for key in option_fields(cls.Options):
            assert getattr(engine, key) == getattr(cls.Options, key)
    finally:
        engine.close()


def test_capabilities_are_declared_not_detected() -> None:
    argos, apertium, reference = (engine_class(n) for n in ("argos", "apertium", "argostranslate"))
    assert (argos.installs_missing_pairs, apertium.installs_missing_pairs, reference.installs_missing_pairs) == (
        True,
        False,
        False,
    )
    assert (argos.supports_markup, apertium.supports_markup) == (False, True)
    assert reference.install_command == "pip install 'dragoman[argos]'"
    assert Engine.supports_markup is False and Engine.installs_missing_pairs is False
    assert engines_with_option("inter_threads") == ["argos"]
    assert engines_with_option("timeout") == ["apertium"]
