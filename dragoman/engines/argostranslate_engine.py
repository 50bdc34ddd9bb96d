"""The `argostranslate` engine: Argos Translate's own Python API (optional extra), the reference the benchmarks compare with."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from dragoman import __version__
from dragoman.engines.base import BatchOptions, Engine, EngineUnavailable, Hypothesis
from dragoman.errors import DragomanError, ModelError

if TYPE_CHECKING:
    from dragoman.packages import InstalledPackage

INSTALL_COMMAND = "pip install 'dragoman[argos]'"


def _import_argostranslate() -> tuple[Any, Any, str]:
    try:
        import argostranslate.package as argos_package
        import argostranslate.translate as argos_translate
    except ImportError:
        raise EngineUnavailable(
            "the argostranslate engine needs the argostranslate package, which is not installed",
            f"install it with: {INSTALL_COMMAND}",
        ) from None
    from importlib.metadata import PackageNotFoundError, version

    try:
        argos_version = version("argostranslate")
    except PackageNotFoundError:  # pragma: no cover - imported from a source tree
        argos_version = "unknown"
    return argos_package, argos_translate, argos_version


class ArgosTranslateEngine(Engine):
    """Translates through ``argostranslate.translate`` exactly as Argos Translate does (its sentence
    splitting, its 32-example batches, its hypotheses and scores), with argostranslate's own packages.

    It sees the packages argostranslate sees (ARGOS_PACKAGES_DIR or its default directory), not the
    ones dragoman installs elsewhere. Attention and suppressed sequences are not available through its API.
    """

    name = "argostranslate"
    install_command = INSTALL_COMMAND
    supports_nbest = True
    supports_attention = False

    def __init__(self) -> None:
        self._package_api, self._translate_api, self._argos_version = _import_argostranslate()
        self._translations: dict[tuple[str, str], Any] = {}

    def _installed(self) -> list[Any]:
        return list(self._package_api.get_installed_packages())

    def pairs(self) -> list[tuple[str, str]]:
        return sorted({(pkg.from_code, pkg.to_code) for pkg in self._installed()})

    def _package(self, source: str, target: str) -> Any:
        for pkg in self._installed():
            if (pkg.from_code, pkg.to_code) == (source, target):
                return pkg
        raise ModelError(
            f"argostranslate has no {source}->{target} package installed",
            f"install one with 'argospm install translate-{source}_{target}' or use --engine argos",
        )

    def calibration_package(self, source: str, target: str) -> InstalledPackage | None:
        """argostranslate's own package for the pair, read-only (its calibration lives in DRAGOMAN_HOME)."""
        from dragoman import packages

        try:
            path = getattr(self._package(source, target), "package_path", None)
            return packages.load_package_dir(Path(path), readonly=True) if path is not None else None
        except DragomanError:
            return None

    def signature(self, source: str, target: str) -> str:
        pkg = self._package(source, target)
        return "|".join(
            [
                f"engine={self.name}",
                f"dragoman={__version__}",
                f"argostranslate={self._argos_version}",
                f"package={getattr(pkg, 'code', '')}@{getattr(pkg, 'package_version', '')}",
                f"pair={source}-{target}",
            ]
        )

    def _translation(self, source: str, target: str) -> Any:
        pair = (source, target)
        if pair not in self._translations:
            self._package(source, target)
            translation = self._translate_api.get_translation_from_codes(source, target)
            if translation is None:
                raise ModelError(f"argostranslate cannot translate {source}->{target}")
            self._translations[pair] = translation
        return self._translations[pair]

    def translate_batch(
        self,
        segments: Sequence[str],
        source: str,
        target: str,
        options: BatchOptions | None = None,
    ) -> list[list[Hypothesis]]:
        options = options or BatchOptions()
        n_best = max(1, int(options.num_hypotheses))
        if not segments:
            return []
        translation = self._translation(source, target)
        results: list[list[Hypothesis]] = []
        # argostranslate's API takes one text at a time (it splits and batches inside). Its n-best is its beam:
        # a segment riding along (BatchOptions.detail) asks for one hypothesis, as a plain translation does.
        for index, text in enumerate(segments):
            n = n_best if options.detail is None or options.detail[index] else 1
            if not text.strip():
                results.append([Hypothesis(text="", score=0.0) for _ in range(n)])
                continue
            hyps = translation.hypotheses(text, num_hypotheses=n)
            results.append([Hypothesis(text=h.value, score=float(h.score)) for h in hyps])
        return results


__all__ = ["ArgosTranslateEngine", "EngineUnavailable", "INSTALL_COMMAND"]
