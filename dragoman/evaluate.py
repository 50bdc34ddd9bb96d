"""Score a translation against a reference: chrF and BLEU (sacrebleu), term success, consistency, integrity."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.check import CheckReport, align_lines, check_alignment
from dragoman.errors import DragomanError, InputError
from dragoman.glossary.model import Glossary
from dragoman.languages import validate_code

INSTALL_HINT = "run: pip install 'dragoman[eval]' (or pip install sacrebleu)"


@dataclass
class MetricScore:
    """A corpus score from sacrebleu, with the signature that makes it comparable."""

    name: str  # "chrF2", "BLEU"
    score: float
    signature: str
    text: str  # sacrebleu's own line: "BLEU|nrefs:1|...|version:2.6.0 = 20.31 55.1/27.0/14.6/8.3 (BP = ...)"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "score": round(self.score, 4), "signature": self.signature, "text": self.text}


@dataclass
class TermScore:
    """Term success rate, WMT terminology-task style: source occurrences of glossary terms whose
    translation holds the rendering the glossary gives, over all such occurrences."""

    occurrences: int
    rendered: int
    variants: int  # rendered with an admitted variant: not a success, counted apart

    @property
    def rate(self) -> float | None:
        return self.rendered / self.occurrences if self.occurrences else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "occurrences": self.occurrences,
            "rendered": self.rendered,
            "variants": self.variants,
            "success_rate": _round(self.rate),
        }


@dataclass
class Consistency:
    """Document consistency: of the glossary terms rendered two or more times, how many were
    rendered the same way every time (forms the glossary knows: preferred or variant)."""

    repeated: int
    consistent: int
    inconsistent_terms: list[str]  # entry ids

    @property
    def rate(self) -> float | None:
        return self.consistent / self.repeated if self.repeated else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "repeated_terms": self.repeated,
            "consistent_terms": self.consistent,
            "rate": _round(self.rate),
            "inconsistent": self.inconsistent_terms,
        }


@dataclass
class Evaluation:
    """Everything `dragoman evaluate` measures; the parts that need a source or a glossary are None without one."""

    hypothesis: str
    reference: str
    source: str | None
    source_lang: str
    target_lang: str
    lines: int
    chrf: MetricScore
    bleu: MetricScore
    terms: TermScore | None = None
    consistency: Consistency | None = None
    integrity: dict[str, int] | None = None  # check code -> findings; None without a source

    def to_dict(self) -> dict[str, Any]:
        return {
            "hypothesis": self.hypothesis,
            "reference": self.reference,
            "source": self.source,
            "from": self.source_lang,
            "to": self.target_lang,
            "lines": self.lines,
            "chrf": self.chrf.to_dict(),
            "bleu": self.bleu.to_dict(),
            "terms": self.terms.to_dict() if self.terms else None,
            "consistency": self.consistency.to_dict() if self.consistency else None,
            "integrity": self.integrity,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def read_lines(path: str | Path, role: str) -> list[str]:
    """The lines of a line-aligned file (one segment a line); an InputError that says the fix if it cannot be used."""
    from dragoman.inputs import read_text_file

    try:
        text = read_text_file(path)
    except InputError as err:
        if _is_blank(path):
            raise InputError(
                f"is empty: nothing to evaluate as the {role}", path, hint=f"give the {role} file, one segment a line"
            ) from None
        raise err from None
    # Lines as sacrebleu reads a file (universal newlines), not str.splitlines, which also breaks at \x0c or \u2028.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def _is_blank(path: str | Path) -> bool:
    try:
        return not Path(path).read_bytes().removeprefix(b"\xef\xbb\xbf").strip()
    except OSError:
        return False


def corpus_scores(hypothesis: list[str], reference: list[str], target_lang: str) -> tuple[MetricScore, MetricScore]:
    """chrF and BLEU of ``hypothesis`` against ``reference`` with sacrebleu's defaults for the target language."""
    try:
        from sacrebleu.metrics import BLEU, CHRF
    except ImportError:
        raise DragomanError("evaluate needs sacrebleu, which is not installed", INSTALL_HINT) from None
    try:
        # trg_lang picks sacrebleu's tokenizer for the language (zh, ja, ko; 13a otherwise).
        bleu = BLEU(trg_lang=target_lang)
    except RuntimeError:
        # sacrebleu's Japanese and Korean tokenizers need its extras (MeCab).
        raise DragomanError(
            f"BLEU for '{target_lang}' needs sacrebleu's tokenizer for that language",
            f"run: pip install 'sacrebleu[{target_lang}]'",
        ) from None
    chrf = CHRF()
    scores = []
    for metric in (chrf, bleu):
        result = metric.corpus_score(hypothesis, [reference])
        signature = str(metric.get_signature())
        scores.append(MetricScore(result.name, result.score, signature, result.format(signature=signature)))
    return scores[0], scores[1]


def evaluate_lines(
    hypothesis: list[str],
    reference: list[str],
    source: list[str] | None,
    source_lang: str,
    target_lang: str,
    glossary: Glossary | None = None,
    *,
    include_drafts: bool = False,
    hypothesis_path: str = "<hypothesis>",
    reference_path: str = "<reference>",
    source_path: str | None = None,
) -> Evaluation:
    """Score line-aligned texts. Term success and consistency need ``source`` and ``glossary``;
    integrity counts need ``source``. The same checks as `dragoman check` count them."""
    validate_code(source_lang)
    validate_code(target_lang)
    chrf, bleu = corpus_scores(hypothesis, reference, target_lang)
    evaluation = Evaluation(
        hypothesis_path, reference_path, source_path, source_lang, target_lang, len(hypothesis), chrf, bleu
    )
    if source is None:
        return evaluation
    report = check_alignment(
        align_lines(source, hypothesis),
        glossary if glossary is not None else Glossary(),
        source_lang,
        target_lang,
        source_path=source_path,
        target_path=hypothesis_path,
        include_drafts=include_drafts,
    )
    evaluation.integrity = report.integrity_counts()
    if glossary is not None:
        evaluation.terms = TermScore(report.terms_found, report.applied, report.variants)
        evaluation.consistency = _consistency(report)
    return evaluation


def _consistency(report: CheckReport) -> Consistency:
    repeated = {entry_id: forms for entry_id, forms in report.renderings.items() if sum(forms.values()) >= 2}
    inconsistent = sorted(entry_id for entry_id, forms in repeated.items() if len(forms) > 1)
    return Consistency(len(repeated), len(repeated) - len(inconsistent), inconsistent)


def evaluate_files(
    hypothesis_path: str | Path,
    reference_path: str | Path,
    source_path: str | Path | None,
    source_lang: str,
    target_lang: str,
    glossary: Glossary | None = None,
    *,
    include_drafts: bool = False,
) -> Evaluation:
    """Read the line-aligned files (the same number of lines each) and :func:`evaluate_lines` them."""
    hypothesis = read_lines(hypothesis_path, "hypothesis")
    reference = read_lines(reference_path, "reference")
    _same_length(hypothesis_path, hypothesis, reference_path, reference, "reference")
    source = None
    if source_path is not None:
        source = read_lines(source_path, "source")
        _same_length(hypothesis_path, hypothesis, source_path, source, "source")
    return evaluate_lines(
        hypothesis,
        reference,
        source,
        source_lang,
        target_lang,
        glossary,
        include_drafts=include_drafts,
        hypothesis_path=str(hypothesis_path),
        reference_path=str(reference_path),
        source_path=str(source_path) if source_path is not None else None,
    )


def _same_length(hyp_path: str | Path, hyp: list[str], other_path: str | Path, other: list[str], role: str) -> None:
    if len(hyp) == len(other):
        return
    raise InputError(
        f"has {len(other):,} lines but the hypothesis {hyp_path} has {len(hyp):,}",
        other_path,
        line=min(len(hyp), len(other)) + 1,
        hint=f"evaluate compares line N with line N: give a {role} with one line per hypothesis line",
    )
