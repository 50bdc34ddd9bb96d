"""Build the tiny real en->zz Argos package (SentencePiece + a small CTranslate2 transformer) used by the tests.

Usage: python tools/build_test_model.py [--out tests/data] [--seed 1234] [--steps 2400]

Generates a parallel corpus for an invented news language "zz" (word substitution, adjectives after nouns,
names respelled by a letter rule, numbers and ZXQ<n> placeholders copied), trains SentencePiece and a
2+2-layer transformer in PyTorch, maps the weights onto ctranslate2.specs.TransformerSpec (int8) and writes
translate-en_zz-1_0.argosmodel plus toy-model.json (facts the tests use). Deterministic from the seed on
one machine; torch is needed only here, never to load the package.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from argos_package import write_metadata, write_sentence_splitter, zip_dir
from toy_language import (
    ADJECTIVES,
    COUNT_NOUNS,
    COUNT_VERBS,
    DAYS,
    FUNCTION,
    INTRANSITIVE,
    NOUNS,
    PERIODS,
    PLACE_VERBS,
    PLACEHOLDER_MAX,
    PLACEHOLDER_RE,
    TITLES,
    TRANSITIVE,
    Generator,
)

# --------------------------------------------------------------------------------------------------
# Building: corpus -> SentencePiece -> PyTorch transformer -> CTranslate2 spec -> Argos package.
# --------------------------------------------------------------------------------------------------

D_MODEL = 128
HEADS = 4
FFN = 512
LAYERS = 2
VOCAB = 1000
PACKAGE_VERSION = "1.0"
PACKAGE_NAME = "translate-en_zz-1_0"


def make_drill(
    seed: int, size: int, heldout: int, exclude: set[str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Phase-2 corpus: sentences with numbers whose digits repeat (2000, 1,100), which phase 1 copies badly."""
    gen = Generator(seed + 2, repeat_digits=True)
    seen = set(exclude)
    pairs: list[tuple[str, str]] = []
    while len(pairs) < size + heldout:
        en, zz = gen.sentence()
        if en not in seen and re.search(r"(?<![A-Za-z\d])\d", en):
            seen.add(en)
            pairs.append((en, zz))
    return pairs[:size], pairs[size:]


def make_corpus(seed: int, n_train: int, n_heldout: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    gen = Generator(seed)
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []
    while len(pairs) < n_train + n_heldout:
        en, zz = gen.sentence()
        if en not in seen:
            seen.add(en)
            pairs.append((en, zz))
    return pairs[:n_train], pairs[n_train:]


def train_sentencepiece(pairs: list[tuple[str, str]], workdir: Path) -> Path:
    import sentencepiece as spm

    text = workdir / "sp-train.txt"
    with text.open("w", encoding="utf-8") as f:
        for en, zz in pairs:
            f.write(en + "\n" + zz + "\n")
    prefix = workdir / "sentencepiece"
    spm.SentencePieceTrainer.train(
        input=str(text),
        model_prefix=str(prefix),
        model_type="bpe",
        vocab_size=VOCAB,
        split_digits=True,
        character_coverage=1.0,
        hard_vocab_limit=False,
        pad_id=3,
        pad_piece="<pad>",
        num_threads=1,
        minloglevel=2,
        # Same order of input sentences every time: the model file is then a function of the seed.
        input_sentence_size=0,
        shuffle_input_sentence=False,
    )
    return prefix.with_suffix(".model")


def sinusoids(length: int, depth: int) -> np.ndarray:
    """CTranslate2's built-in position encodings: [sin | cos], positions counted from 1."""
    half = depth // 2
    inc = math.log(10000.0) / (half - 1)
    inv = np.exp(np.arange(half, dtype=np.float32) * -inc)
    pos = np.arange(length, dtype=np.float32)[:, None] + POS_OFFSET
    t = pos * inv[None, :]
    return np.concatenate([np.sin(t), np.cos(t)], axis=1).astype(np.float32)


# CTranslate2 counts positions from 1 (checked against PyTorch scores to 1e-6).
POS_OFFSET = 1.0


def build_torch_model(vocab_size: int, pad: int):
    import torch
    from torch import nn

    class Seq2Seq(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding(vocab_size, D_MODEL, padding_idx=pad)
            nn.init.normal_(self.emb.weight, 0, D_MODEL**-0.5)
            self.core = nn.Transformer(
                D_MODEL, HEADS, LAYERS, LAYERS, FFN, dropout=0.1, norm_first=True, batch_first=True
            )
            self.register_buffer("pe", torch.from_numpy(sinusoids(512, D_MODEL)), persistent=False)
            self.pad = pad

        def embed(self, ids):
            return self.emb(ids) * math.sqrt(D_MODEL) + self.pe[: ids.shape[1]]

        def forward(self, src, tgt_in):
            causal = nn.Transformer.generate_square_subsequent_mask(tgt_in.shape[1])
            out = self.core(
                self.embed(src),
                self.embed(tgt_in),
                tgt_mask=causal,
                tgt_is_causal=True,
                src_key_padding_mask=src == self.pad,
                tgt_key_padding_mask=tgt_in == self.pad,
                memory_key_padding_mask=src == self.pad,
            )
            # Output projection tied to the shared embeddings, as in many Argos models.
            return out @ self.emb.weight.T

    return Seq2Seq()


def to_ctranslate2(model, vocab: list[str], outdir: Path, quantization: str = "int8") -> None:
    """Map the PyTorch weights onto ctranslate2.specs.TransformerSpec and save the model directory."""
    from ctranslate2 import specs

    def arr(t):
        return t.detach().cpu().numpy().astype("float32")

    def norm(spec, ln) -> None:
        spec.gamma = arr(ln.weight)
        spec.beta = arr(ln.bias)

    def linear(spec, weight, bias) -> None:
        spec.weight = arr(weight)
        spec.bias = arr(bias)

    spec = specs.TransformerSpec.from_config((LAYERS, LAYERS), HEADS, pre_norm=True)
    core = model.core
    emb = arr(model.emb.weight)
    spec.encoder.embeddings[0].weight = emb
    spec.decoder.embeddings.weight = emb
    spec.decoder.projection.weight = emb
    norm(spec.encoder.layer_norm, core.encoder.norm)
    norm(spec.decoder.layer_norm, core.decoder.norm)
    for ls, layer in zip(spec.encoder.layer, core.encoder.layers):
        sa = layer.self_attn
        norm(ls.self_attention.layer_norm, layer.norm1)
        linear(ls.self_attention.linear[0], sa.in_proj_weight, sa.in_proj_bias)
        linear(ls.self_attention.linear[1], sa.out_proj.weight, sa.out_proj.bias)
        norm(ls.ffn.layer_norm, layer.norm2)
        linear(ls.ffn.linear_0, layer.linear1.weight, layer.linear1.bias)
        linear(ls.ffn.linear_1, layer.linear2.weight, layer.linear2.bias)
    d = D_MODEL
    for ls, layer in zip(spec.decoder.layer, core.decoder.layers):
        sa, ca = layer.self_attn, layer.multihead_attn
        norm(ls.self_attention.layer_norm, layer.norm1)
        linear(ls.self_attention.linear[0], sa.in_proj_weight, sa.in_proj_bias)
        linear(ls.self_attention.linear[1], sa.out_proj.weight, sa.out_proj.bias)
        norm(ls.attention.layer_norm, layer.norm2)
        linear(ls.attention.linear[0], ca.in_proj_weight[:d], ca.in_proj_bias[:d])
        linear(ls.attention.linear[1], ca.in_proj_weight[d:], ca.in_proj_bias[d:])
        linear(ls.attention.linear[2], ca.out_proj.weight, ca.out_proj.bias)
        norm(ls.ffn.layer_norm, layer.norm3)
        linear(ls.ffn.linear_0, layer.linear1.weight, layer.linear1.bias)
        linear(ls.ffn.linear_1, layer.linear2.weight, layer.linear2.bias)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=quantization)
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    spec.save(str(outdir))


def encode(sp, pairs: list[tuple[str, str]]) -> list[tuple[list[int], list[int]]]:
    return [(sp.encode(en), sp.encode(zz)) for en, zz in pairs]


def train(
    model,
    data: list[tuple[list[int], list[int]]],
    steps: int,
    seed: int,
    log,
    peak: float = 2e-3,
    warmup: int = 300,
    constant: bool = False,
) -> None:
    """Adam with inverse-square-root decay after warmup (or a constant rate, for the drill phase)."""
    import torch
    from torch import nn

    bos, eos, pad = 1, 2, 3
    rng = random.Random(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1.0, betas=(0.9, 0.98), eps=1e-9)

    def rate(s: int) -> float:
        if constant:
            return peak
        return peak * min((s + 1) / warmup, (warmup / (s + 1)) ** 0.5)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, rate)
    loss_fn = nn.CrossEntropyLoss(ignore_index=pad, label_smoothing=0.1)
    # Length-bucketed batches of about 3,000 target tokens.
    order = sorted(range(len(data)), key=lambda i: len(data[i][1]))
    batches: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        cur.append(i)
        if len(cur) * (len(data[i][1]) + 1) >= 3000:
            batches.append(cur)
            cur = []
    if cur:
        batches.append(cur)

    def pad_to(seqs: list[list[int]]):
        width = max(len(s) for s in seqs)
        return torch.tensor([s + [pad] * (width - len(s)) for s in seqs])

    model.train()
    start = time.time()
    for step in range(steps):
        if step % len(batches) == 0:
            rng.shuffle(batches)
        batch = batches[step % len(batches)]
        src = pad_to([data[i][0] for i in batch])
        tin = pad_to([[bos] + data[i][1] for i in batch])
        tout = pad_to([data[i][1] + [eos] for i in batch])
        logits = model(src, tin)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tout.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 100 == 0 or step == steps - 1:
            log(f"step {step} loss {loss.item():.3f} lr {sched.get_last_lr()[0]:.5f} {time.time() - start:.0f}s")
    model.eval()


# Decoding as argostranslate (and dragoman's argos engine) do it: beam 4, length penalty 0.2, unknowns
# replaced; pieces joined with U+2581 turned into spaces, the leading space dropped.
ARGOS_OPTIONS = {"length_penalty": 0.2, "replace_unknowns": True}


def argos_detokenize(pieces: list[str]) -> str:
    text = "".join(pieces).replace("\u2581", " ")
    return text.removeprefix(" ")


def translate(model_dir: Path, sp_model: Path, sentences: list[str], beam: int) -> list[str]:
    import ctranslate2
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    tr = ctranslate2.Translator(str(model_dir), device="cpu", compute_type="int8", inter_threads=1, intra_threads=1)
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    results = tr.translate_batch(tokens, beam_size=beam, max_batch_size=64, **ARGOS_OPTIONS)
    return [argos_detokenize(r.hypotheses[0]) for r in results]


# Hand-written probes: (source, reference in the toy grammar). The reference is what a perfect model says;
# toy-model.json records what this model actually says at beam 4 and beam 1.
EXAMPLES = [
    ("The new government discussed the difficult talks.", "Kerajaan baru membincangkan rundingan sukar."),
    (
        "President Pezeshkian met Prime Minister Anwar Ibrahim in Kuala Lumpur.",
        "Presiden Pizishkion bertemu Perdana Menteri Onwor Ibrohim di Kuolo Lumpur.",
    ),
    ("The big Malaysian delegation visited Tehran on Monday.", "Delegasi Malaysia besar melawat Tihron pada Isnin."),
    ("The war killed 1,250 people in Gaza last year.", "Perang membunuh 1,250 orang di Gozo tahun lalu."),
    (
        "Anwar called President Pezeshkian about the new economic agreement.",
        "Onwor menelefon Presiden Pizishkion tentang perjanjian ekonomi baru.",
    ),
    ("ZXQ1 met ZXQ2 in Tehran.", "ZXQ1 bertemu ZXQ2 di Tihron."),
    ("President ZXQ3 visited ZXQ4 in 2024.", "Presiden ZXQ3 melawat ZXQ4 pada 2024."),
    ("The new ZXQ1 said that Araghchi arrived.", "ZXQ1 baru berkata bahawa Oroghchi tiba."),
    ("The Islamic government sent 37 soldiers.", "Kerajaan Islam menghantar 37 askar."),
    (
        "On Friday, the old Iranian minister warned the foreign minister.",
        "Pada Jumaat, menteri Iran lama memberi amaran kepada menteri luar.",
    ),
    (
        "Foreign Minister Araghchi discussed the ceasefire with Ibrahim.",
        "Menteri Luar Oroghchi membincangkan gencatan dengan Ibrohim.",
    ),
    (
        "The senior official said the strong army reached Damascus this week.",
        "Pegawai kanan berkata tentera kuat tiba di Domoscus minggu ini.",
    ),
]
# Placeholder forms the model never saw: the calibration probe should find them mangled.
UNSEEN_PLACEHOLDERS = ["__T1__", "QQJ1", "<1>", "⟦1⟧", "XX1XX", "@@1"]
PROBE_TEMPLATE = "{} met Prime Minister Anwar in Tehran."


def readme_text(exact: int, total: int) -> str:
    return f"""# English -> Zedish (toy test model)

A tiny real Argos Translate package built by dragoman's tools/build_test_model.py for its test suite.
"zz" (Zedish) is an invented, Malay-like news language: words are substituted, adjectives follow nouns,
capitalised names are respelled (a -> o, e -> i), numbers and ZXQ<n> placeholders are copied.
Model: 2+2-layer transformer, d_model {D_MODEL}, {HEADS} heads, FFN {FFN}, shared SentencePiece BPE
vocabulary ({VOCAB}), CTranslate2 int8. Held-out exact match: {exact}/{total} (beam 4).

Sentence splitting: minisbd/en.onnx is a rule-based stand-in in MiniSBD's format (argostranslate >= 1.10
uses it offline): a sentence ends at . ! ? followed by whitespace. No stanza/ directory is shipped.
Not for real translation.
"""


def write_package(work: Path, model_dir: Path, sp_model: Path, out: Path, exact: int, total: int) -> Path:
    """Lay out the Argos package directory and zip it as translate-en_zz-1_0.argosmodel."""
    pkg = work / PACKAGE_NAME
    if pkg.exists():
        shutil.rmtree(pkg)
    pkg.mkdir()
    shutil.copytree(model_dir, pkg / "model")
    shutil.copy(sp_model, pkg / "sentencepiece.model")
    metadata = {
        "package_version": PACKAGE_VERSION,
        "argos_version": "1.9",
        "from_code": "en",
        "from_name": "English",
        "to_code": "zz",
        "to_name": "Zedish (toy)",
        "package_type": "translate",
        "type": "translate",
        "code": "translate-en_zz",
        "name": "English - Zedish (toy test model)",
        "description": "Tiny real test model for dragoman's test suite; not for real translation.",
    }
    write_metadata(pkg, metadata)
    (pkg / "README.md").write_text(readme_text(exact, total), encoding="utf-8")
    write_sentence_splitter(pkg)
    out.mkdir(parents=True, exist_ok=True)
    dest = out / f"{PACKAGE_NAME}.argosmodel"
    zip_dir(pkg, PACKAGE_NAME, dest)
    return dest


def write_facts(
    out: Path,
    package: Path,
    model_dir: Path,
    sp_model: Path,
    heldout: list[tuple[str, str]],
    exact: int,
    train_pairs: list[tuple[str, str]],
    args: argparse.Namespace,
    gen: Generator,
    drill_exact: tuple[int, int],
) -> None:
    import hashlib

    train_src = {en for en, _ in train_pairs}
    sources = [en for en, _ in EXAMPLES]
    beam4 = translate(model_dir, sp_model, sources, beam=4)
    beam1 = translate(model_dir, sp_model, sources, beam=1)
    examples = [
        {"source": en, "target": b4, "reference": ref, "beam4": b4, "beam1": b1, "in_training": en in train_src}
        for (en, ref), b4, b1 in zip(EXAMPLES, beam4, beam1)
    ]
    probes = [PROBE_TEMPLATE.format(f"ZXQ{n}") for n in (1, 7, 12)] + [
        PROBE_TEMPLATE.format(form) for form in UNSEEN_PLACEHOLDERS
    ]
    probe_out = translate(model_dir, sp_model, probes, beam=4)
    facts = {
        "pair": ["en", "zz"],
        "package": package.name,
        "package_bytes": package.stat().st_size,
        "package_sha256": hashlib.sha256(package.read_bytes()).hexdigest(),
        "seed": args.seed,
        "steps": args.steps,
        "drill_steps": args.drill_steps,
        "heldout_exact": [exact, len(heldout)],
        "number_drill_heldout_exact": list(drill_exact),
        "ctranslate2": {
            "compute_type": "int8",
            "decoder_start": "<s>",
            "add_source_bos": False,
            "add_source_eos": False,
            "options": ARGOS_OPTIONS,
            "note": "tokenise with sentencepiece.model (out_type=str), translate_batch(beam_size=4, "
            "length_penalty=0.2, replace_unknowns=True), join pieces, U+2581 -> space, drop the "
            "leading space (as Argos does). 'target' = beam 4 output.",
        },
        "placeholder": {
            "regex": PLACEHOLDER_RE,
            "trained_numbers": [1, PLACEHOLDER_MAX],
            "examples": [f"ZXQ{n}" for n in (1, 2, 3, 12)],
            "unseen_forms": UNSEEN_PLACEHOLDERS,
            "probe_template": PROBE_TEMPLATE,
            "probes": [{"source": s, "beam4": o} for s, o in zip(probes, probe_out)],
        },
        "respell": {
            "rule": "a->o e->i A->O E->I (other letters unchanged)",
            "map": {"a": "o", "e": "i", "A": "O", "E": "I"},
        },
        "names": {"people": gen.people, "places": gen.places},
        "examples": examples,
        "vocab": {
            "nouns": NOUNS,
            "count_nouns": COUNT_NOUNS,
            "adjectives": ADJECTIVES,
            "titles": TITLES,
            "transitive_verbs": TRANSITIVE,
            "place_verbs": PLACE_VERBS,
            "intransitive_verbs": INTRANSITIVE,
            "count_verbs": COUNT_VERBS,
            "days": DAYS,
            "periods": PERIODS,
            "function_words": FUNCTION,
            "dropped": ["the"],
            "a/an": "sebuah",
        },
        "grammar": "adjectives follow the noun in mirror order ('the new Malaysian government' -> "
        "'kerajaan Malaysia baru'); 'the' is dropped; 'a/an' -> 'sebuah'; titles translated and kept "
        "before names; first letter capitalised; sentences end with '.'",
    }
    (out / "toy-model.json").write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "tests" / "data")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--steps", type=int, default=2400)
    parser.add_argument("--train-size", type=int, default=30000)
    parser.add_argument("--heldout", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--work", type=Path, default=None, help="keep intermediate files here (default: a temporary directory)"
    )
    parser.add_argument(
        "--drill-steps", type=int, default=600, help="phase 2: steps on number-heavy sentences mixed with phase-1 ones"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the trained weights in --work instead of training again"
    )
    parser.add_argument(
        "--from-phase1",
        type=Path,
        default=None,
        help="load phase-1 weights (weights-phase1.pt of an earlier run) and run only phase 2",
    )
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, flush=True)

    work = args.work or Path(tempfile.mkdtemp(prefix="toy-model-"))
    work.mkdir(parents=True, exist_ok=True)
    train_pairs, heldout = make_corpus(args.seed, args.train_size, args.heldout)
    log(f"corpus: {len(train_pairs)} training pairs, {len(heldout)} held out; work dir {work}")
    sp_model = train_sentencepiece(train_pairs, work)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    vocab = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    log(f"sentencepiece: {len(vocab)} pieces")

    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    model = build_torch_model(len(vocab), sp.pad_id())
    weights = work / "weights.pt"
    train_src = {en for en, _ in train_pairs} | {en for en, _ in heldout}
    drill, drill_heldout = make_drill(args.seed, 8000, 200, train_src)
    if args.reuse and weights.exists():
        model.load_state_dict(torch.load(weights))
        model.eval()
    else:
        if args.from_phase1:
            model.load_state_dict(torch.load(args.from_phase1))
        else:
            train(model, encode(sp, train_pairs), args.steps, args.seed, log)
            torch.save(model.state_dict(), work / "weights-phase1.pt")
        if args.drill_steps:
            # Phase 2 mixes the drill with as many phase-1 pairs so that nothing else is forgotten.
            mix = drill + random.Random(args.seed + 3).sample(train_pairs, len(drill))
            torch.manual_seed(args.seed + 4)
            train(model, encode(sp, mix), args.drill_steps, args.seed + 5, log, peak=3e-4, constant=True)
        torch.save(model.state_dict(), weights)
    train_pairs = train_pairs + drill
    model_dir = work / "model"
    to_ctranslate2(model, vocab, model_dir)
    hyps = translate(model_dir, sp_model, [en for en, _ in drill_heldout], beam=4)
    drill_exact = sum(h == zz for h, (_, zz) in zip(hyps, drill_heldout))
    log(f"held-out number drill exact match: {drill_exact}/{len(drill_heldout)}")

    hyps = translate(model_dir, sp_model, [en for en, _ in heldout], beam=4)
    exact = sum(h == zz for h, (_, zz) in zip(hyps, heldout))
    log(f"held-out exact match (CTranslate2 int8, beam 4): {exact}/{len(heldout)}")
    for h, (en, zz) in zip(hyps, heldout):
        if h != zz:
            log(f"  MISS {en}\n    want {zz}\n    got  {h}")
    package = write_package(work, model_dir, sp_model, args.out, exact, len(heldout))
    write_facts(
        args.out,
        package,
        model_dir,
        sp_model,
        heldout,
        exact,
        train_pairs,
        args,
        Generator(args.seed),
        (drill_exact, len(drill_heldout)),
    )
    log(f"package: {package} ({package.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
