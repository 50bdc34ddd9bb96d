"""Build (once, in a cache dir) an en->fa Argos package with a real Argos model's shape and random weights.

    python benchmarks/build_shape_model.py            # prints the package directory
    python benchmarks/build_shape_model.py --archive  # prints the .argosmodel file (for installing it)

Shape: transformer-base as in Argos packages: 6 encoder + 6 decoder layers, d_model 512, 8 heads, FFN 2048,
a 32k SentencePiece BPE vocabulary trained on the NTREX English/Persian/Malay text, separate source and
target embeddings and output projection, int8 (~94 MB). Weights are random from a fixed seed (numpy), so the
model never emits end-of-sentence: benchmarks must fix min/max decoding length as a function of the source.
Output goes to $DRAGOMAN_BENCH_DIR or ~/.cache/dragoman-bench, never into the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NTREX = REPO / "tests" / "data" / "ntrex"
NTREX_FILES = ("newstest2019-src.eng.txt", "newstest2019-ref.fas.txt", "newstest2019-ref.msa.txt")

LAYERS = 6
D_MODEL = 512
HEADS = 8
FFN = 2048
VOCAB = 32000
SEED = 20240
# Bump when anything above changes: a cached package with another stamp is rebuilt.
BUILD_VERSION = 1
NAME = "translate-en_fa-shape-1_0"


def cache_dir() -> Path:
    """Where the package is built: $DRAGOMAN_BENCH_DIR, else ~/.cache/dragoman-bench."""
    env = os.environ.get("DRAGOMAN_BENCH_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "dragoman-bench"


def _stamp() -> dict[str, object]:
    return {
        "build_version": BUILD_VERSION,
        "seed": SEED,
        "layers": LAYERS,
        "d_model": D_MODEL,
        "heads": HEADS,
        "ffn": FFN,
        "vocab": VOCAB,
    }


def train_sentencepiece(workdir: Path) -> Path:
    import sentencepiece as spm

    missing = [name for name in NTREX_FILES if not (NTREX / name).is_file()]
    if missing:
        sys.exit(f"NTREX text not found in {NTREX} ({', '.join(missing)})")
    prefix = workdir / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=",".join(str(NTREX / name) for name in NTREX_FILES),
        model_prefix=str(prefix),
        model_type="bpe",
        vocab_size=VOCAB,
        character_coverage=1.0,
        split_digits=True,
        num_threads=1,
        minloglevel=2,
    )
    return prefix.with_suffix(".model")


def random_spec(vocab: list[str], seed: int):
    """A TransformerSpec with every weight drawn from one numpy generator (fixed order, so fixed values)."""
    import numpy as np
    from ctranslate2 import specs

    rng = np.random.default_rng(seed)

    def mat(rows: int, cols: int) -> np.ndarray:
        # Xavier-like scale keeps activations finite through 12 layers.
        return (rng.standard_normal((rows, cols), dtype=np.float32) * (1.0 / np.sqrt(cols))).astype(np.float32)

    def vec(n: int, scale: float = 0.02) -> np.ndarray:
        return (rng.standard_normal(n, dtype=np.float32) * scale).astype(np.float32)

    def norm(spec) -> None:
        spec.gamma = np.ones(D_MODEL, dtype=np.float32)
        spec.beta = np.zeros(D_MODEL, dtype=np.float32)

    def linear(spec, rows: int, cols: int) -> None:
        spec.weight = mat(rows, cols)
        spec.bias = vec(rows)

    spec = specs.TransformerSpec.from_config((LAYERS, LAYERS), HEADS, pre_norm=True)
    n = len(vocab)
    spec.encoder.embeddings[0].weight = mat(n, D_MODEL)
    spec.decoder.embeddings.weight = mat(n, D_MODEL)
    linear(spec.decoder.projection, n, D_MODEL)
    norm(spec.encoder.layer_norm)
    norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, FFN, D_MODEL)
        linear(layer.ffn.linear_1, D_MODEL, FFN)
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
        linear(layer.self_attention.linear[1], D_MODEL, D_MODEL)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], D_MODEL, D_MODEL)
        linear(layer.attention.linear[1], 2 * D_MODEL, D_MODEL)
        linear(layer.attention.linear[2], D_MODEL, D_MODEL)
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, FFN, D_MODEL)
        linear(layer.ffn.linear_1, D_MODEL, FFN)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization="int8")
    return spec


def _write(pkg: Path, work: Path) -> None:
    import sentencepiece as spm

    sys.path.insert(0, str(REPO / "tools"))
    from argos_package import write_metadata, write_sentence_splitter  # type: ignore[import-not-found]

    sp_model = train_sentencepiece(work)
    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    pkg.mkdir(parents=True)
    (pkg / "model").mkdir()
    random_spec(vocab, SEED).save(str(pkg / "model"))
    shutil.copy(sp_model, pkg / "sentencepiece.model")
    write_metadata(
        pkg,
        {
            "package_version": "1.0",
            "argos_version": "1.9",
            "from_code": "en",
            "from_name": "English",
            "to_code": "fa",
            "to_name": "Persian",
            "package_type": "translate",
            "type": "translate",
            "code": "translate-en_fa-shape",
            "name": "English - Persian (benchmark shape, random weights)",
        },
    )
    (pkg / "README.md").write_text(
        "# Benchmark shape model (random weights)\n\nBuilt by dragoman's benchmarks/build_shape_model.py: the shape of "
        "a real Argos en->fa model\n(6+6 layers, d_model 512, 8 heads, FFN 2048, 32k SentencePiece, int8) with random "
        "weights.\nIt never emits end-of-sentence; use a fixed decoding length. Not for translation.\n",
        encoding="utf-8",
    )
    try:
        write_sentence_splitter(pkg, "en")
    except ImportError:
        print(
            "note: the onnx package is missing, so no minisbd/ sentence splitter was written "
            "(argostranslate >= 1.10 would then download one)",
            file=sys.stderr,
        )
    (pkg / "build-stamp.json").write_text(json.dumps(_stamp(), sort_keys=True) + "\n", encoding="utf-8")


def build(force: bool = False, root: Path | None = None) -> Path:
    """Build the package directory (and its .argosmodel archive) unless a matching one is cached; return the dir."""
    root = root or cache_dir()
    pkg = root / NAME
    archive = root / f"{NAME}.argosmodel"
    stamp = pkg / "build-stamp.json"
    if not force and stamp.is_file() and archive.is_file():
        try:
            if json.loads(stamp.read_text(encoding="utf-8")) == json.loads(json.dumps(_stamp())):
                return pkg
        except ValueError:
            pass
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=".build-") as tmp:
        work = Path(tmp)
        staged = work / NAME
        _write(staged, work)
        sys.path.insert(0, str(REPO / "tools"))
        from argos_package import zip_dir  # type: ignore[import-not-found]

        # Random int8 weights do not compress: store fast.
        zip_dir(staged, NAME, work / "pkg.argosmodel", compresslevel=1)
        if pkg.exists():
            shutil.rmtree(pkg)
        staged.rename(pkg)
        (work / "pkg.argosmodel").replace(archive)
    return pkg


def archive_path(root: Path | None = None) -> Path:
    """The .argosmodel file next to the package directory (built by build())."""
    return (root or cache_dir()) / f"{NAME}.argosmodel"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--force", action="store_true", help="rebuild even when a matching package is cached")
    parser.add_argument("--archive", action="store_true", help="print the .argosmodel path instead of the directory")
    args = parser.parse_args(argv)
    pkg = build(force=args.force)
    print(archive_path() if args.archive else pkg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
