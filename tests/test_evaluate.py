"""`dragoman evaluate`: sacrebleu scores on the real NTREX references, term success and consistency by hand, bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import cli
from dragoman.evaluate import evaluate_lines
from dragoman.glossary.yamlio import load_glossary_text

NTREX = Path(__file__).resolve().parent / "data" / "ntrex"
SRC = NTREX / "newstest2019-src.eng.txt"
FA = NTREX / "newstest2019-ref.fas.txt"
MS = NTREX / "newstest2019-ref.msa.txt"

GLOSSARY = """\
version: 1
languages: [en, fa]
entries:
  - id: president
    terms:
      en: President
      fa: {term: رئیس‌جمهور, variants: [رییس‌جمهور]}
  - id: malaysia
    terms: {en: Malaysia, fa: مالزی}
  - id: tehran
    terms: {en: Tehran, fa: تهران}
"""


def run(*args: object):
    return CliRunner().invoke(cli, ["evaluate", *[str(a) for a in args]])


@pytest.fixture(scope="module")
def fa_against_itself() -> dict:
    result = run(FA, "--ref", FA, "--src", SRC, "-f", "en", "-t", "fa", "-g", NTREX / "glossary.yaml", "--json")
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.stdout)
    return data


def test_a_reference_against_itself_scores_100(fa_against_itself: dict) -> None:
    data = fa_against_itself
    assert data["lines"] == 1997
    assert data["chrf"]["score"] == pytest.approx(100.0)
    assert data["bleu"]["score"] == pytest.approx(100.0)
    # sacrebleu's signatures, so that the figures can be compared with anyone's.
    assert data["chrf"]["signature"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:")
    assert data["bleu"]["signature"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:")
    assert data["chrf"]["name"] == "chrF2" and data["bleu"]["name"] == "BLEU"


def test_term_figures_on_the_reference_are_check_s(fa_against_itself: dict) -> None:
    from dragoman.check import check_translation
    from dragoman.glossary.yamlio import load_glossary

    report = check_translation(
        SRC.read_text(encoding="utf-8"),
        FA.read_text(encoding="utf-8"),
        load_glossary(NTREX / "glossary.yaml"),
        "en",
        "fa",
    )
    terms = fa_against_itself["terms"]
    assert (terms["occurrences"], terms["rendered"], terms["variants"]) == (
        report.terms_found,
        report.applied,
        report.variants,
    )
    assert terms["success_rate"] == pytest.approx(report.applied / report.terms_found, abs=1e-4)
    # The same integrity findings as check's (the reference's slips and the judged false alarms).
    assert fa_against_itself["integrity"] == report.integrity_counts()
    assert fa_against_itself["integrity"]["numbers"] > 0
    consistency = fa_against_itself["consistency"]
    # The reference writes Kavanaugh both in Latin letters and as کاوانو: not one way throughout.
    assert "kavanaugh" in consistency["inconsistent"]
    warned = {f.entry_id for f in report.warnings if f.code == "inconsistent"}
    assert set(consistency["inconsistent"]) == warned
    assert 0 < consistency["consistent_terms"] < consistency["repeated_terms"]


def test_a_damaged_copy_scores_lower(tmp_path: Path) -> None:
    # The first 500 lines (the first 25 documents), to keep the suite fast.
    lines = FA.read_text(encoding="utf-8").splitlines()[:500]
    ref = tmp_path / "ref.fa.txt"
    ref.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Every third line loses its second half.
    damaged = [line[: len(line) // 2] if n % 3 == 0 else line for n, line in enumerate(lines)]
    hyp = tmp_path / "damaged.fa.txt"
    hyp.write_text("\n".join(damaged) + "\n", encoding="utf-8")
    data = json.loads(run(hyp, "--ref", ref, "-t", "fa", "--json").stdout)
    assert 50 < data["chrf"]["score"] < 95
    assert 30 < data["bleu"]["score"] < 95
    assert data["terms"] is None and data["consistency"] is None and data["integrity"] is None
    # Another language altogether is far lower still.
    other = tmp_path / "other.ms.txt"
    other.write_text("\n".join(MS.read_text(encoding="utf-8").splitlines()[:500]) + "\n", encoding="utf-8")
    scores = json.loads(run(other, "--ref", ref, "-t", "fa", "--json").stdout)
    assert scores["chrf"]["score"] < 10 and scores["bleu"]["score"] < 2


def test_term_success_on_a_hand_made_case() -> None:
    glossary = load_glossary_text(GLOSSARY, "g.yaml")
    source = ["The President met the President of Malaysia.", "Tehran and Malaysia agreed.", "No terms here."]
    hypothesis = [
        "رئیس‌جمهور با رییس‌جمهور مالزی دیدار کرد.",  # President: preferred + variant; Malaysia: yes
        "تهران موافقت کرد.",  # Tehran yes, Malaysia missing
        "اینجا اصطلاحی نیست.",
    ]
    result = evaluate_lines(hypothesis, hypothesis, source, "en", "fa", glossary)
    assert result.terms is not None and result.consistency is not None
    # 5 source occurrences: President x2, Malaysia x2, Tehran x1; rendered: President 1, Malaysia 1, Tehran 1.
    assert (result.terms.occurrences, result.terms.rendered, result.terms.variants) == (5, 3, 1)
    assert result.terms.rate == pytest.approx(0.6)
    # President was rendered twice, two ways; Malaysia only once (the other is missing): not repeated.
    assert (result.consistency.repeated, result.consistency.consistent) == (1, 0)
    assert result.consistency.inconsistent_terms == ["president"]
    fixed = [hypothesis[0].replace("رییس‌جمهور", "رئیس‌جمهور"), "تهران و مالزی موافقت کردند.", hypothesis[2]]
    best = evaluate_lines(fixed, fixed, source, "en", "fa", glossary)
    assert best.terms is not None and best.consistency is not None
    assert (best.terms.rendered, best.terms.rate) == (5, 1.0)
    assert (best.consistency.repeated, best.consistency.consistent, best.consistency.rate) == (2, 2, 1.0)
    nothing = evaluate_lines(["x"], ["x"], ["No terms."], "en", "fa", glossary)
    assert nothing.terms is not None and nothing.terms.rate is None


def test_human_output(tmp_path: Path) -> None:
    g = tmp_path / "g.yaml"
    g.write_text(GLOSSARY, encoding="utf-8")
    src, hyp = tmp_path / "src.txt", tmp_path / "hyp.txt"
    src.write_text("The President met the President of Malaysia.\nTehran agreed.\n", encoding="utf-8")
    hyp.write_text("رئیس‌جمهور با رییس‌جمهور مالزی دیدار کرد.\nتهران موافقت کرد.\n", encoding="utf-8")
    result = run(hyp, "--ref", hyp, "--src", src, "-f", "en", "-t", "fa", "-g", g)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("chrF2|nrefs:1|") and lines[0].endswith("= 100.00")
    assert lines[1].startswith("BLEU|nrefs:1|") and "= 100.00" in lines[1]
    assert lines[2] == (
        "terms: 3 of 4 source occurrences rendered as the glossary says (75.0 %); 1 with an admitted variant"
    )
    assert lines[3] == "consistency: 0 of 1 repeated terms rendered one way throughout (0.0 %): president vary"
    assert lines[4].startswith("integrity: 0 findings in 2 lines from ")
    # A changed number and a line left in English are counted by check's integrity checks.
    hyp.write_text(
        "رئیس‌جمهور با رییس‌جمهور مالزی در ۱۲ دیدار کرد.\nTehran agreed to meet them in May.\n", encoding="utf-8"
    )
    src.write_text(
        "The President met the President of Malaysia.\nTehran agreed to meet them in May.\n", encoding="utf-8"
    )
    data = json.loads(run(hyp, "--ref", hyp, "--src", src, "-f", "en", "-t", "fa", "--json").stdout)
    assert data["integrity"]["numbers"] == 1 and data["integrity"]["untranslated"] == 1
    assert sum(data["integrity"].values()) == 2
    assert data["terms"] is None and data["consistency"] is None


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_text("one\ntwo\n", encoding="utf-8"), "ref.txt:2: has 2 lines but the hypothesis"),
        (
            lambda p: p.write_text("\n\n", encoding="utf-8"),
            "ref.txt: is empty: nothing to evaluate as the reference — give the reference file, one segment a line",
        ),
        (
            lambda p: p.write_bytes("caf\xe9\n".encode("latin-1")),
            "ref.txt:1:4: is not valid UTF-8 (byte 0xe9) — convert it to UTF-8 first",
        ),
        (lambda p: None, "ref.txt: file not found — check the path"),
    ],
)
def test_bad_reference_is_one_line(tmp_path: Path, make, message: str) -> None:
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("one\n", encoding="utf-8")
    make(tmp_path / "ref.txt")
    result = run(hyp, "--ref", tmp_path / "ref.txt", "-t", "fa")
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_line_count_mismatch_names_the_file_and_the_fix(tmp_path: Path) -> None:
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("one\ntwo\nthree\n", encoding="utf-8")
    result = run(hyp, "--ref", hyp, "--src", SRC, "-t", "fa")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {SRC}:4: has 1,997 lines but the hypothesis {hyp} has 3 — evaluate compares line N with line N: "
        "give a source with one line per hypothesis line"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = run(empty, "--ref", hyp, "-t", "fa")
    assert result.exit_code == 1 and "empty.txt: is empty: nothing to evaluate as the hypothesis" in result.stderr


def test_bad_options(tmp_path: Path) -> None:
    g = tmp_path / "g.yaml"
    g.write_text(GLOSSARY, encoding="utf-8")
    result = run(FA, "--ref", FA, "-t", "fa", "-g", g)
    assert result.exit_code == 2 and "term success needs the source: add --src SRC" in result.stderr
    # A glossary set once in the environment does not stop a plain score.
    env = CliRunner().invoke(
        cli, ["evaluate", str(FA), "--ref", str(FA), "-t", "fa", "--json"], env={"DRAGOMAN_GLOSSARY": str(g)}
    )
    assert env.exit_code == 0, env.output
    assert json.loads(env.stdout)["terms"] is None
    result = run(FA, "--ref", FA, "-t", "farsi")
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = run(FA, "-t", "fa")
    assert result.exit_code == 2 and "--ref" in result.stderr


def test_without_sacrebleu_the_error_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sacrebleu", None)
    monkeypatch.setitem(sys.modules, "sacrebleu.metrics", None)
    result = run(FA, "--ref", FA, "-t", "fa")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: evaluate needs sacrebleu, which is not installed — run: pip install 'dragoman[eval]' "
        "(or pip install sacrebleu)"
    )


def test_lines_are_read_as_sacrebleu_reads_them(tmp_path: Path) -> None:
    from dragoman.evaluate import read_lines

    path = tmp_path / "h.txt"
    path.write_bytes("one\u2028still one\r\ntwo\rthree\n".encode())
    assert read_lines(path, "hypothesis") == ["one\u2028still one", "two", "three"]
    path.write_bytes(b"no final newline\nlast")
    assert read_lines(path, "hypothesis") == ["no final newline", "last"]
