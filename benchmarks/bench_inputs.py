"""Large and deep inputs (issue 15): peak RSS against article size, against the length of one huge line
translated with a glossary, and deep HTML against the same text flat.

    .venv/bin/python benchmarks/bench_inputs.py                       # every section, default sizes
    .venv/bin/python benchmarks/bench_inputs.py --sizes 1,5,50 --skip deep,line
    .venv/bin/python benchmarks/bench_inputs.py --depths 10000,100000 --skip large,line
    .venv/bin/python benchmarks/bench_inputs.py --lines 1,2 --skip large,deep,attention
    .venv/bin/python benchmarks/bench_inputs.py --skip large,deep,line    # the engine call alone

Every figure is one `dragoman translate` run in its own process (peak RSS from os.wait4), on the tiny real
toy model of tests/data (en->zz), with --no-memory. The articles are the toy sentences in random order, so the
engine translates a dozen unique segments and what is measured is dragoman's own reading, segmenting,
bookkeeping and writing per byte, not the model. Figures are printed side by side from one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOY_PACKAGE = REPO / "tests" / "data" / "translate-en_zz-1_0.argosmodel"
TOY_OUTPUTS = REPO / "tests" / "data" / "toy-model.json"


def _sentences() -> list[str]:
    data = json.loads(TOY_OUTPUTS.read_text(encoding="utf-8"))
    cases = data["examples"] if isinstance(data, dict) else data
    return [case["source"] for case in cases]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit status) of one dragoman command in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dragoman", "translate", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    assert proc.stderr is not None
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"  ! exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}", file=sys.stderr)
    return seconds, usage.ru_maxrss / 1024, code


def _article(path: Path, megabytes: float, sentences: list[str]) -> None:
    rng = random.Random(15)
    target = int(megabytes * 1_000_000)
    with open(path, "w", encoding="utf-8") as handle:
        written = 0
        while written < target:
            paragraph = " ".join(rng.choice(sentences) for _ in range(3)) + "\n\n"
            handle.write(paragraph)
            written += len(paragraph)


def large(sizes: list[float], env: dict[str, str], work: Path) -> None:
    sentences = _sentences()
    print("Large articles: peak RSS of `dragoman translate ARTICLE --to zz --no-memory`")
    print(f"{'size':>8} {'seconds':>8} {'peak RSS':>10} {'RSS - base':>11} {'extra/size':>11}")
    tiny = work / "tiny.txt"
    tiny.write_text(sentences[0] + "\n", encoding="utf-8")
    _seconds, base, _ = _run([str(tiny), "--to", "zz", "--no-memory", "-q"], env)
    print(f"{'1 line':>8} {_seconds:8.1f} {base:8.0f} MB {0:9.0f} MB {'':>11}")
    for size in sizes:
        path = work / f"article-{size:g}mb.txt"
        _article(path, size, sentences)
        megabytes = path.stat().st_size / 1_000_000
        seconds, rss, code = _run([str(path), "--to", "zz", "--no-memory", "-q", "--max-input-size", "1G"], env)
        extra = rss - base
        print(
            f"{megabytes:6.1f}MB {seconds:8.1f} {rss:8.0f} MB {extra:9.0f} MB {extra / megabytes:10.1f}x"
            + ("" if code == 0 else "  (failed)")
        )
        path.unlink()
        for out in work.glob("article-*.zz.txt"):
            out.unlink()


LINE_GLOSSARY = """\
version: 1
languages: [en, zz]
entries:
  - id: anwar-ibrahim
    type: person
    terms: {en: Anwar Ibrahim, zz: Anwar Ibrahim}
  - id: kuala-lumpur
    type: place
    terms:
      en: Kuala Lumpur
      zz: {term: Kuala Lumpur, forbidden: [Kuolo Lumpur]}
"""


def _line(path: Path, megabytes: float, sentences: list[str]) -> None:
    """One line of ``megabytes``: the toy sentences in random order with every punctuation mark removed, so the
    sentence splitter finds nothing and the line reaches the engine as ~500-character pieces, each unique."""
    import re

    words = [re.sub(r"[^\w\s]", "", sentence) for sentence in sentences]
    rng = random.Random(15)
    target = int(megabytes * 1_000_000)
    with open(path, "w", encoding="utf-8") as handle:
        written = 0
        while written < target:
            piece = rng.choice(words) + " "
            handle.write(piece)
            written += len(piece)
        handle.write("\n")


def line(sizes: list[float], env: dict[str, str], work: Path) -> None:
    """Peak RSS of one huge unpunctuated line translated with a two-entry glossary (enforcement asks the engine
    for n-best and attention), against a line of 20 kB: what grows with the line's length."""
    sentences = _sentences()
    glossary = work / "line-glossary.yaml"
    glossary.write_text(LINE_GLOSSARY, encoding="utf-8")
    print("One huge line with a glossary: peak RSS of `dragoman translate LINE --to zz -g GLOSSARY --no-memory`")
    print(f"{'line':>8} {'seconds':>8} {'peak RSS':>10} {'RSS - 20 kB':>12} {'extra/size':>11}")
    base = 0.0
    for size in [0.02, *sizes]:
        path = work / f"line-{size:g}mb.txt"
        _line(path, size, sentences)
        megabytes = path.stat().st_size / 1_000_000
        args = [str(path), "--to", "zz", "-g", str(glossary), "--no-memory", "-q", "--max-input-size", "1G"]
        seconds, rss, code = _run(args, env)
        if size == 0.02:
            base = rss
        extra = rss - base
        print(
            f"{megabytes:6.2f}MB {seconds:8.1f} {rss:8.0f} MB {extra:10.0f} MB "
            + (f"{extra / megabytes:10.1f}x" if size != 0.02 else f"{'':>11}")
            + ("" if code == 0 else "  (failed)"),
            flush=True,
        )
        path.unlink()
        for out in work.glob("line-*.zz.txt"):
            out.unlink()
    # The integrity check `untranslated` loads py3langid's model the first time an output shares half its words
    # with its source (names): once per process, whatever the input's size. Its cost alone, for the table above.
    probe = "from dragoman.integrity.checks import _identify; _identify('The new government', ['en', 'ms'])"
    proc = subprocess.Popen([sys.executable, "-c", probe], env=env)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    bare = subprocess.Popen([sys.executable, "-c", "import dragoman.integrity.checks"], env=env)
    _pid, _status, bare_usage = os.wait4(bare.pid, 0)
    print(
        f"py3langid's model, loaded once by the untranslated check: +{(usage.ru_maxrss - bare_usage.ru_maxrss) / 1024:.0f} MB"
    )


# One engine call as glossary enforcement makes it (4-best, attention) over `count` ~500-character pieces of an
# unpunctuated line, in a child process; prints the child's peak RSS in KiB (os.wait4 in the parent reads it too).
_ATTENTION_CHILD = """
import json, re, sys
from dragoman.engines.argos import ArgosEngine
from dragoman.engines.base import BatchOptions
from dragoman.segment import split_sentences
count = int(sys.argv[1])
cases = json.load(open(sys.argv[2], encoding="utf-8"))["examples"]
words = [re.sub(r"[^\\w\\s]", "", case["source"]) for case in cases]
text = " ".join(words[i % len(words)] for i in range(max(1, count) * 12))
pieces = [text[s:e] for s, e in split_sentences(text, "en")][: max(1, count)]
engine = ArgosEngine()
if count == 0:
    engine.translate_batch(pieces, "en", "zz")
else:
    results = engine.translate_batch(pieces, "en", "zz", BatchOptions(num_hypotheses=4, return_attention=True))
    values = sum(len(h.attention or []) * len(h.source_tokens or []) for hyps in results for h in hyps)
    print(values)
"""


def attention(counts: list[int], env: dict[str, str]) -> None:
    """Peak RSS of one enforcement-style engine call (4-best with attention) over N pieces, above a child that
    loads the model and translates one piece: what the attention of one call costs."""
    print("One engine call, 4-best with attention, over N ~500-character pieces of an unpunctuated line")
    print(f"{'N':>6} {'values':>10} {'peak RSS':>10} {'above load':>11} {'bytes/value':>12}")
    base = 0.0
    for count in [0, *counts]:
        proc = subprocess.Popen(
            [sys.executable, "-c", _ATTENTION_CHILD, str(count), str(TOY_OUTPUTS)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stderr is not None
        out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
        _pid, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            print(f"  ! {err.strip().splitlines()[-1] if err.strip() else 'failed'}", file=sys.stderr)
            continue
        rss = usage.ru_maxrss / 1024
        if count == 0:
            base = rss
            print(f"{'load':>6} {'':>10} {rss:8.0f} MB {'':>11} {'':>12}")
            continue
        values = int(out.strip() or 0)
        extra = rss - base
        print(f"{count:6d} {values:10d} {rss:8.0f} MB {extra:8.0f} MB {extra * 2**20 / max(1, values):11.1f}")


def deep(depths: list[int], env: dict[str, str], work: Path) -> None:
    sentences = _sentences()
    print("Deep HTML: N nested <div>s with a sentence at each level, against the same N sentences in flat <div>s")
    print(f"{'N':>8} {'nested s':>9} {'flat s':>8} {'nested/flat':>12}")
    for depth in depths:
        texts = [sentences[i % len(sentences)] for i in range(depth)]
        nested = work / f"nested-{depth}.html"
        nested.write_text("".join(f"<div>{t}" for t in texts) + "</div>" * depth, encoding="utf-8")
        flat = work / f"flat-{depth}.html"
        flat.write_text("".join(f"<div>{t}</div>" for t in texts), encoding="utf-8")
        nested_s, _, _ = _run([str(nested), "--to", "zz", "--no-memory", "-q"], env)
        flat_s, _, _ = _run([str(flat), "--to", "zz", "--no-memory", "-q"], env)
        print(f"{depth:8d} {nested_s:9.1f} {flat_s:8.1f} {nested_s / flat_s:11.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,50", help="article sizes in MB (default 5,50)")
    parser.add_argument("--depths", default="10000,100000", help="nesting depths (default 10000,100000)")
    parser.add_argument("--lines", default="1,2", help="one-line sizes in MB, with a glossary (default 1,2)")
    parser.add_argument("--pieces", default="64,256", help="pieces per engine call, attention section")
    parser.add_argument("--skip", default="", help="sections to skip: large, deep, line, attention")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="dragoman-bench-inputs-") as tmp:
        work = Path(tmp)
        env = dict(os.environ, DRAGOMAN_HOME=str(work / "home"))
        subprocess.run(
            [sys.executable, "-m", "dragoman", "models", "install", str(TOY_PACKAGE)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if "large" not in skip:
            large([float(s) for s in args.sizes.split(",")], env, work)
        if "attention" not in skip:
            attention([int(c) for c in args.pieces.split(",")], env)
        if "line" not in skip:
            line([float(s) for s in args.lines.split(",")], env, work)
        if "deep" not in skip:
            deep([int(d) for d in args.depths.split(",")], env, work)


if __name__ == "__main__":
    main()
