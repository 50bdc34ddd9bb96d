"""Shared helpers for building Argos packages: a reproducible zip and an offline sentence splitter."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# Sentence splitter shipped inside the package.
# argostranslate >= 1.10 prefers <package>/minisbd/*.onnx (MiniSBD, a stanza tokenizer ported to
# onnxruntime) and otherwise downloads one from GitHub; 1.9 loads <package>/stanza/ with stanza.
# No trained stanza/MiniSBD model can be made offline, so we write a MiniSBD-compatible ONNX graph that
# applies a rule instead of learned weights: a sentence ends at . ! ? (or ؟ …) followed by whitespace
# or the end of the paragraph; a token ends before whitespace and around punctuation.
# --------------------------------------------------------------------------------------------------

SBD_TERMINALS = ".!?؟…"
SBD_PUNCT = ".,;:!?؟…\"'()[]{}«»“”‘’-—–/،؛"


def minisbd_rule_model(lang: str = "en") -> bytes:
    """A MiniSBD-format ONNX model (inputs units[B,T] int64, features[B,T,1]; output [B,T,5] scores)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    units = (
        ["<PAD>", "<UNK>"]
        + [chr(c) for c in range(32, 127)]
        + sorted(set(SBD_TERMINALS + SBD_PUNCT) - {chr(c) for c in range(32, 127)})
    )
    unit2id = {u: i for i, u in enumerate(units)}
    term = np.array([1.0 if u in SBD_TERMINALS else 0.0 for u in units], dtype=np.float32)
    punct = np.array([1.0 if u in SBD_PUNCT else 0.0 for u in units], dtype=np.float32)

    def const(name: str, array: np.ndarray):
        return helper.make_node(
            "Constant",
            [],
            [name],
            value=helper.make_tensor(
                name + "_v",
                TensorProto.FLOAT if array.dtype == np.float32 else TensorProto.INT64,
                array.shape,
                array.flatten().tolist(),
            ),
        )

    nodes = [
        const("term_table", term),
        const("punct_table", punct),
        const("one", np.array(1.0, dtype=np.float32)),
        const("base", np.array(0.5, dtype=np.float32)),
        const("two", np.array(2.0, dtype=np.float32)),
        const("pads", np.array([0, 0, 0, 1], dtype=np.int64)),
        const("s_start", np.array([1], dtype=np.int64)),
        const("s_end", np.array([2**62], dtype=np.int64)),
        const("s_axis", np.array([1], dtype=np.int64)),
        const("f_idx", np.array(0, dtype=np.int64)),
        const("ax2", np.array([2], dtype=np.int64)),
        # is_space: the space_before feature of a one-character unit is "this character is a space".
        helper.make_node("Gather", ["features", "f_idx"], ["is_space"], axis=2),
        helper.make_node("Gather", ["term_table", "units"], ["is_term"], axis=0),
        helper.make_node("Gather", ["punct_table", "units"], ["is_punct"], axis=0),
        # Look one character ahead; past the end counts as whitespace.
        helper.make_node("Pad", ["is_space", "pads", "one"], ["space_p"], mode="constant"),
        helper.make_node("Slice", ["space_p", "s_start", "s_end", "s_axis"], ["next_space"]),
        helper.make_node("Pad", ["is_punct", "pads", "one"], ["punct_p"], mode="constant"),
        helper.make_node("Slice", ["punct_p", "s_start", "s_end", "s_axis"], ["next_punct"]),
        helper.make_node("Sub", ["one", "is_space"], ["not_space"]),
        helper.make_node("Max", ["next_space", "next_punct", "is_punct"], ["edge"]),
        helper.make_node("Mul", ["edge", "not_space"], ["tok_end"]),
        helper.make_node("Mul", ["is_term", "next_space"], ["sent_end0"]),
        helper.make_node("Mul", ["sent_end0", "two"], ["sent_end"]),
        helper.make_node("Mul", ["is_space", "base"], ["zero_like"]),
        helper.make_node("Sub", ["zero_like", "zero_like"], ["zeros"]),
        helper.make_node("Add", ["zeros", "base"], ["c0"]),
        helper.make_node("Unsqueeze", ["c0", "ax2"], ["u0"]),
        helper.make_node("Unsqueeze", ["tok_end", "ax2"], ["u1"]),
        helper.make_node("Unsqueeze", ["sent_end", "ax2"], ["u2"]),
        helper.make_node("Unsqueeze", ["zeros", "ax2"], ["u3"]),
        helper.make_node("Concat", ["u0", "u1", "u2", "u3", "u3"], ["scores"], axis=2),
    ]
    graph = helper.make_graph(
        nodes,
        "rule_sbd",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["B", "T"]),
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["B", "T", 1]),
        ],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["B", "T", 5])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="dragoman")
    model.ir_version = 8
    config = {
        "skip_newline": False,
        "max_seqlen": 1000,
        "no_ssplit": False,
        "batch_size": 32,
        "feat_funcs": ["space_before"],
        "use_dictionary": False,
        "num_dict_feat": 0,
    }
    vocab = {"lang": lang, "idx": 0, "cutoff": 0, "lower": False, "_unit2id": unit2id, "_id2unit": units}
    for key, value in (
        ("lang_code", lang),
        ("config", json.dumps(config)),
        ("vocab", json.dumps(vocab)),
        ("lexicon", "null"),
        ("note", "rule-based stand-in built by dragoman, not a trained model"),
    ):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    return model.SerializeToString()


def write_metadata(pkg: Path, metadata: dict[str, object]) -> None:
    """metadata.json with the fields argostranslate reads (it reads "type"; dragoman also accepts package_type)."""
    (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_splitter(pkg: Path, lang: str = "en") -> None:
    """minisbd/<lang>.onnx: lets argostranslate >= 1.10 split sentences offline (see minisbd_rule_model)."""
    (pkg / "minisbd").mkdir()
    (pkg / "minisbd" / f"{lang}.onnx").write_bytes(minisbd_rule_model(lang))


def zip_dir(root: Path, top: str, dest: Path, compresslevel: int = 9) -> None:
    """A reproducible zip of root under the folder name top: sorted entries, fixed timestamps and modes."""
    tmp = dest.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        entries = sorted(p for p in root.rglob("*"))
        dir_info = zipfile.ZipInfo(top + "/", date_time=(1980, 1, 1, 0, 0, 0))
        dir_info.external_attr = (0o40755 << 16) | 0x10
        zf.writestr(dir_info, b"")
        for path in entries:
            rel = path.relative_to(root).as_posix()
            if path.is_dir():
                info = zipfile.ZipInfo(f"{top}/{rel}/", date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (0o40755 << 16) | 0x10
                zf.writestr(info, b"")
            else:
                info = zipfile.ZipInfo(f"{top}/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes(), compresslevel=compresslevel)
    tmp.replace(dest)
