"""Per-model placeholder calibration: which placeholder forms a model copies intact, measured and stored per package."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from dragoman.enforce.model import EnforceOptions
from dragoman.enforce.placeholders import PlaceholderForm
from dragoman.enforce.run import DEFAULT_FORM
from dragoman.engines.base import BatchOptions, Engine
from dragoman.errors import DragomanError

if TYPE_CHECKING:
    from dragoman.packages import InstalledPackage

CALIBRATION_VERSION = 1

# Families models are known to treat differently: Latin-letter codes (often copied, like product codes),
# underscore-wrapped (Argos decoders turn "_" into spaces), brackets that NFKC leaves alone or not,
# HTML-like tags (often dropped), digits only (copied, but Persian models may rewrite them as ۹۴۷۱).
CANDIDATE_FORMS: tuple[str, ...] = (
    "ZXQ{n}",
    "XTERM{n}X",
    "__T{n}__",
    "⟦{n}⟧",
    "[[{n}]]",
    "#{n}#",
    "<{n}>",
    "947{n}",
)

# Probe sentences per source language; "{1}", "{2}" mark where placeholders go (subject, object,
# after a preposition, before a possessive, two in one sentence), as terms sit in news text.
PROBES: dict[str, tuple[str, ...]] = {
    "en": (
        "{1} met the prime minister on Tuesday.",
        "The president of {1} arrived in the capital.",
        "Officials said {1} would visit next week.",
        "{1} and {2} signed the agreement.",
        "The talks between {1} and the government ended.",
        "She told reporters that {1} had agreed.",
        "The new policy of {1} was announced today.",
        "Thousands of people protested in {1} on Friday.",
        "{1} said the economy of {2} is growing.",
        "The minister thanked {1} for the support.",
    ),
    "ms": (
        "{1} bertemu perdana menteri pada hari Selasa.",
        "Presiden {1} tiba di ibu negara.",
        "Pegawai berkata {1} akan melawat minggu depan.",
        "{1} dan {2} menandatangani perjanjian itu.",
        "Rundingan antara {1} dan kerajaan telah tamat.",
        "Dia memberitahu pemberita bahawa {1} telah bersetuju.",
        "Dasar baharu {1} diumumkan hari ini.",
        "Ribuan orang berdemonstrasi di {1} pada hari Jumaat.",
    ),
    "fa": (
        "{1} روز سه‌شنبه با نخست‌وزیر دیدار کرد.",
        "رئیس‌جمهور {1} وارد پایتخت شد.",
        "مقامات گفتند {1} هفته آینده سفر می‌کند.",
        "{1} و {2} توافق‌نامه را امضا کردند.",
        "گفتگوها میان {1} و دولت پایان یافت.",
        "او به خبرنگاران گفت که {1} موافقت کرده است.",
        "سیاست جدید {1} امروز اعلام شد.",
        "هزاران نفر روز جمعه در {1} تظاهرات کردند.",
    ),
}


@dataclass
class FormRate:
    """How one placeholder form fared: shares of probe sentences where every placeholder came back once."""

    form: str
    exact: float  # byte for byte, in the best hypothesis
    tolerant: float  # recognisable (case, spaces, look-alike brackets, script digits), best hypothesis
    nbest: float  # recognisable in at least one of the n-best hypotheses (what enforcement uses)
    probes: int


@dataclass
class Calibration:
    source: str
    target: str
    form: str
    rate: float
    rates: list[FormRate]
    engine: str = ""
    package: str = ""
    package_version: str = ""
    num_hypotheses: int = 4
    created: str = ""
    version: int = CALIBRATION_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra", None)
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str = "<calibration>") -> Calibration:
        try:
            rates = [FormRate(**r) for r in data["rates"]]
            cal = cls(
                source=str(data["source"]),
                target=str(data["target"]),
                form=str(data["form"]),
                rate=float(data["rate"]),
                rates=rates,
                engine=str(data.get("engine", "")),
                package=str(data.get("package", "")),
                package_version=str(data.get("package_version", "")),
                num_hypotheses=int(data.get("num_hypotheses", 4)),
                created=str(data.get("created", "")),
                version=int(data.get("version", CALIBRATION_VERSION)),
            )
            PlaceholderForm(cal.form)
        except (KeyError, TypeError, ValueError) as err:
            raise DragomanError(
                f"{where}: not a dragoman calibration file ({err})", "run 'dragoman models probe' again"
            ) from None
        return cal


def probe_sentences(source: str) -> tuple[str, ...]:
    """Probe sentences for a source language (English ones for languages without their own)."""
    return PROBES.get(source.split("-")[0], PROBES["en"])


def _fill(sentence: str, form: PlaceholderForm) -> tuple[str, list[int]]:
    numbers = [n for n in (1, 2) if "{%d}" % n in sentence]
    text = sentence
    for n in numbers:
        text = text.replace("{%d}" % n, form.render(n))
    return text, numbers


def _survives(text: str, form: PlaceholderForm, numbers: list[int], exact: bool) -> bool:
    hits = form.find(text)
    if sorted(h.number for h in hits) != sorted(numbers):
        return False
    return all(h.exact for h in hits) if exact else True


def probe(
    engine: Engine,
    source: str,
    target: str,
    forms: Sequence[str] = CANDIDATE_FORMS,
    num_hypotheses: int = 4,
    sentences: Sequence[str] | None = None,
) -> Calibration:
    """Translate every probe sentence with every form in ONE engine call and measure what survives.

    The chosen form has the highest n-best rate (enforcement picks among n-best hypotheses), then the
    highest best-hypothesis rate, then byte-exact rate; ties keep CANDIDATE_FORMS order.
    """
    parsed = [PlaceholderForm(f) for f in forms]
    probes = list(sentences) if sentences is not None else list(probe_sentences(source))
    if not parsed or not probes:
        raise DragomanError("nothing to probe: no placeholder forms or no probe sentences")
    jobs: list[tuple[int, list[int]]] = []
    texts: list[str] = []
    for f_index, form in enumerate(parsed):
        for sentence in probes:
            text, numbers = _fill(sentence, form)
            texts.append(text)
            jobs.append((f_index, numbers))
    n = max(1, num_hypotheses) if engine.supports_nbest else 1
    outputs = engine.translate_batch(texts, source, target, BatchOptions(num_hypotheses=n))
    counts = [[0, 0, 0] for _ in parsed]
    for (f_index, numbers), hyps in zip(jobs, outputs):
        form = parsed[f_index]
        best = hyps[0].text if hyps else ""
        counts[f_index][0] += _survives(best, form, numbers, exact=True)
        counts[f_index][1] += _survives(best, form, numbers, exact=False)
        counts[f_index][2] += any(_survives(h.text, form, numbers, exact=False) for h in hyps)
    total = len(probes)
    rates = [
        FormRate(form.template, round(c[0] / total, 4), round(c[1] / total, 4), round(c[2] / total, 4), total)
        for form, c in zip(parsed, counts)
    ]
    order = sorted(range(len(rates)), key=lambda i: (-rates[i].nbest, -rates[i].tolerant, -rates[i].exact, i))
    chosen = rates[order[0]]
    try:
        signature = engine.signature(source, target)
    except DragomanError:
        signature = engine.name
    return Calibration(
        source=source,
        target=target,
        form=chosen.form,
        rate=chosen.nbest,
        rates=rates,
        engine=signature,
        num_hypotheses=n,
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    )


def save(calibration: Calibration, path: Path) -> None:
    from dragoman.fsutil import atomic_write_text

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(calibration.to_dict(), ensure_ascii=False, indent=2) + "\n")


def load(path: Path) -> Calibration:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DragomanError(f"{path}: cannot read calibration ({err})", "run 'dragoman models probe' again") from None
    return Calibration.from_dict(data, str(path))


def calibrate_package(engine: Engine, pkg: InstalledPackage, **kwargs: Any) -> tuple[Calibration, Path]:
    """Probe the package's pair and store the result where dragoman.packages says (returns it and the path)."""
    from dragoman import packages

    calibration = probe(engine, pkg.from_code, pkg.to_code, **kwargs)
    calibration.package = pkg.code
    calibration.package_version = pkg.package_version
    path = packages.calibration_path(pkg)
    save(calibration, path)
    return calibration, path


@dataclass(frozen=True)
class CalibrationStatus:
    """What is known about a package's calibration, for `models list` and the notes of `translate`."""

    state: str  # "yes" (used), "no" (none stored), "broken" (unreadable, ignored), "stale" (another version)
    path: Path | None = None
    calibration: Calibration | None = None
    problem: str | None = None  # for broken and stale: what is wrong and what to do

    @property
    def calibrated(self) -> bool:
        return self.state == "yes"


def status_for_package(pkg: InstalledPackage) -> CalibrationStatus:
    """The package's calibration and whether it is used; a broken or stale file is reported, never used."""
    from dragoman import packages

    path = packages.find_calibration(pkg)
    if path is None:
        return CalibrationStatus("no")
    try:
        calibration = load(path)
    except DragomanError as err:
        return CalibrationStatus(
            "broken",
            path,
            problem=(
                f"{err.message}; it is ignored and the default placeholder form is used - "
                f"run 'dragoman models probe {pkg.from_code} {pkg.to_code}' to measure it again"
            ),
        )
    if calibration.package_version and calibration.package_version != pkg.package_version:
        return CalibrationStatus(
            "stale",
            path,
            calibration,
            problem=(
                f"{path}: made for version {calibration.package_version}, not the installed {pkg.package_version}; "
                f"it is ignored - run 'dragoman models probe {pkg.from_code} {pkg.to_code}' to measure it again"
            ),
        )
    return CalibrationStatus("yes", path, calibration)


def load_for_package(pkg: InstalledPackage) -> Calibration | None:
    """The package's calibration; None when there is none, it is unreadable, or it was made for another version
    (status_for_package says which)."""
    status = status_for_package(pkg)
    return status.calibration if status.calibrated else None


def options_for(source: str, target: str, base: EnforceOptions | None = None) -> EnforceOptions:
    """Enforcement options for a pair: the calibrated placeholder form when the installed package has one,
    else the default form (and term-in-context does the rest). Never raises."""
    try:
        from dragoman import packages

        pkg = packages.find_installed(source, target)
    except DragomanError:
        pkg = None
    return options_for_package(pkg, base)


def options_for_package(pkg: InstalledPackage | None, base: EnforceOptions | None = None) -> EnforceOptions:
    """Enforcement options for the package an engine translates with (None: an engine without Argos
    packages, which gets the default placeholder form). Never raises."""
    options = base if base is not None else EnforceOptions()
    calibration = load_for_package(pkg) if pkg is not None else None
    if calibration is None:
        options.placeholder_form = options.placeholder_form or DEFAULT_FORM
        return options
    options.placeholder_form = calibration.form
    options.calibrated = True
    options.placeholder_rate = calibration.rate
    return options
