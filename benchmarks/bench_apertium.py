"""Apertium eng-spa sentences/s on the NTREX English text, with and without a glossary, measured in one run.

    .venv/bin/python benchmarks/bench_apertium.py                 # all 1,997 sentences
    .venv/bin/python benchmarks/bench_apertium.py --limit 500     # a quick subset

Rows: (a) `apertium -u eng-spa` on the whole file, one process (the batch ceiling; sentences that share
a line context are not isolated there); (b) dragoman's engine, one long-lived null-flushing pipeline,
every sentence a segment; (c) the same through translate_segments with no glossary; (d) with a glossary
of the text's own frequent capitalised names (do-not-translate) plus common news nouns with required
Spanish renderings, verified per occurrence. Pipeline start-up is measured apart and not in the rates.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from dragoman.enforce import translate_segments
from dragoman.engines.apertium import ApertiumEngine
from dragoman.glossary.model import Entry, Glossary, LangTerms

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "ntrex" / "newstest2019-src.eng.txt"
# Common news nouns and the rendering a Spanish desk might require (some differ from Apertium's own).
NOUNS = {
    "government": "Gobierno",
    "police": "policía",
    "president": "presidente",
    "minister": "ministro",
    "election": "elecciones",
    "company": "empresa",
    "court": "tribunal",
    "army": "Ejército",
    "people": "personas",
    "country": "país",
    "city": "ciudad",
    "report": "informe",
}
_NAME = re.compile(r"(?<![\w-])[A-Z][a-z]+(?: [A-Z][a-z]+)+")


def build_glossary(lines: list[str], names: int) -> Glossary:
    glossary = Glossary(languages=["en", "es"])
    counts = Counter(m.group(0) for line in lines for m in _NAME.finditer(line))
    for i, (name, _) in enumerate(counts.most_common(names)):
        glossary.add(Entry(f"name-{i}", {"en": LangTerms(name)}, dnt=True, type="person"))
    for noun, spanish in NOUNS.items():
        glossary.add(Entry(noun, {"en": LangTerms(noun), "es": LangTerms(spanish)}))
    return glossary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="Only the first N sentences.")
    parser.add_argument("--names", type=int, default=100, help="Names in the generated glossary.")
    args = parser.parse_args()
    lines = [line for line in NTREX.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        lines = lines[: args.limit]
    n = len(lines)
    rows: list[tuple[str, float, str]] = []

    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
        handle.flush()
        start = time.perf_counter()
        subprocess.run(["apertium", "-u", "eng-spa", handle.name], check=True, capture_output=True)
        rows.append(("(a) apertium -u eng-spa, one batch process", time.perf_counter() - start, ""))

    with ApertiumEngine() as engine:
        start = time.perf_counter()
        engine.translate_batch(["Hello."], "en", "es")
        startup = time.perf_counter() - start
        start = time.perf_counter()
        plain = [h[0].text for h in engine.translate_batch(lines, "en", "es")]
        rows.append(("(b) dragoman engine, translate_batch", time.perf_counter() - start, ""))

        start = time.perf_counter()
        results = translate_segments(engine, lines, "en", "es", None)
        rows.append(("(c) translate_segments, no glossary", time.perf_counter() - start, ""))
        # The same sentences a second time through the same pipeline: no segment may depend on the ones before.
        differing = sum(1 for r, t in zip(results, plain) if r.text != t)
        restarts = engine.tagger_restarts

        glossary = build_glossary(lines, args.names)
        start = time.perf_counter()
        results = translate_segments(engine, lines, "en", "es", glossary)
        seconds = time.perf_counter() - start
        occurrences = [o for r in results for o in r.occurrences if o.status != "forbidden-found"]
        statuses = Counter(o.status for o in occurrences)
        strategies = Counter(o.strategy for o in occurrences if o.status == "applied")
        touched = sum(1 for r in results if r.occurrences)
        detail = (
            f"{len(glossary)} entries, {touched} segments with terms, {len(occurrences)} occurrences: "
            + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
            + " (applied by "
            + ", ".join(f"{k} {v}" for k, v in sorted(strategies.items()))
            + ")"
        )
        rows.append(("(d) translate_segments, glossary", seconds, detail))

    base = rows[2][1]
    print(
        f"Apertium eng-spa on NTREX English: {n} sentences; pipeline start-up {startup * 1000:.0f} ms (not in the rates)"
    )
    print(f"{'system':46} {'seconds':>8} {'sent/s':>8} {'vs (c)':>7}")
    for label, secs, _ in rows:
        print(f"{label:46} {secs:8.2f} {n / secs:8.0f} {secs / base:6.2f}x")
    print(f"glossary: {rows[3][2]}")
    print(f"(c) vs (b): {differing} of {n} sentences differ (must be 0); tagger replaced {restarts} times in (b)+(c)")


if __name__ == "__main__":
    main()
