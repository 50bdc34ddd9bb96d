"""Precision and recall of `dragoman glossary suggest` on hand-labelled NTREX entities (tests/data/ntrex/entities.tsv).

Each labelled document is run through suggest on its own (min count 2, no glossary); a label is
recalled when a candidate or one of its grouped variants equals the entity or one of its aliases
(case-insensitive); a candidate is correct when it matches some label of its document.

    .venv/bin/python benchmarks/bench_suggest.py [--phrases] [-v]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dragoman.glossary.suggest import Candidate, suggest  # noqa: E402  (after the sys.path line above)

NTREX = REPO / "tests" / "data" / "ntrex"
LABELS = REPO / "tests" / "data" / "ntrex" / "entities.tsv"


def load_labels(path: Path = LABELS) -> dict[str, list[set[str]]]:
    """document -> list of label name sets (entity plus aliases, lower-cased)."""
    labels: dict[str, list[set[str]]] = defaultdict(list)
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        doc, entity, aliases, _type = row.split("\t")
        names = {entity.lower()} | {a.lower() for a in aliases.split(";") if a}
        labels[doc].append(names)
    return labels


def load_documents(ids: set[str]) -> dict[str, str]:
    doc_ids = (NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    lines = (NTREX / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    texts: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(doc_ids, lines):
        if doc in ids:
            texts[doc].append(line)
    return {doc: "\n".join(text) + "\n" for doc, text in texts.items()}


def _matches(candidate: Candidate, names: set[str]) -> bool:
    return any(form.lower() in names for form in candidate.forms())


def evaluate(phrases: bool = False) -> tuple[float, float, list[str]]:
    labels = load_labels()
    docs = load_documents(set(labels))
    found = total_labels = correct = total_candidates = titles = 0
    report: list[str] = []
    for doc, text in sorted(docs.items()):
        everything = suggest([(doc, text)], None, "en", min_count=2, phrases=phrases)
        # Titles split off names ("Judge", "Energy Secretary") are suggested too, but the labels
        # hold named entities only: they are counted apart.
        titles += sum(1 for c in everything if c.kind == "title")
        candidates = [c for c in everything if c.kind != "title"]
        total_candidates += len(candidates)
        for cand in candidates:
            ok = any(_matches(cand, names) for names in labels[doc])
            correct += ok
            if not ok:
                report.append(f"{doc}: extra   {cand.text} {sorted(cand.variants)}")
        for names in labels[doc]:
            total_labels += 1
            if any(_matches(c, names) for c in candidates):
                found += 1
            else:
                report.append(f"{doc}: missed  {sorted(names)}")
    report.append(f"titles suggested besides: {titles}")
    return correct / max(total_candidates, 1), found / max(total_labels, 1), report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phrases", action="store_true", help="also suggest lower-case noun phrases")
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args()
    precision, recall, report = evaluate(args.phrases)
    if args.verbose:
        print("\n".join(report))
    labelled = len(load_labels())
    print(f"suggest on {labelled} labelled NTREX documents: precision {precision:.2f}, recall {recall:.2f}")
    ids = set((NTREX / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").split())
    docs = sorted(load_documents(ids).items())
    start = time.perf_counter()
    candidates = suggest(docs, None, "en", min_count=3, phrases=args.phrases)
    elapsed = time.perf_counter() - start
    words = sum(len(text.split()) for _doc, text in docs)
    print(f"suggest on all {len(docs)} NTREX documents ({words} words): {len(candidates)} candidates, {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
