"""Paragraphs made of formatting runs (DOCX, ODT): sentence segments across runs, runs as inline marks, and back.

A block is what a word processor calls a paragraph: a sequence of pieces, each a stretch of text in one
run style inside zero or more wrappers (a hyperlink, a tracked insertion), or an atom (a tab, a drawing,
a footnote reference, a bookmark) that has no text. The block's text is cut into sentences; a run style
other than the block's commonest one, and every wrapper, becomes an inline mark of the sentence, so the
engine sees whole sentences and enforcement says where each formatted stretch landed. Rendering turns a
translated sentence back into pieces (each character takes the style of the innermost mark holding it),
and the whitespace, breaks and atoms between sentences are the source's pieces as they were.

The format (docx.py, odt.py) turns its XML into pieces and pieces back into XML; nothing here knows XML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from dragoman.formats.base import InlineMark, LocatedBlock, Segment, SegmentOutput, resolve_spans
from dragoman.segment import split_sentences


@dataclass
class Piece:
    """A stretch of text in one style inside ``wrappers`` (outer first), or an atom (``text == ""``)."""

    text: str
    style: int = -1  # index into Block.styles; -1 for an atom
    wrappers: tuple[int, ...] = ()  # indexes into Block.wrappers
    atom: Any = None  # the format's payload for an atom
    breaks: bool = False  # an atom that ends a sentence (a line break, a tab)


@dataclass
class Block:
    """One paragraph: its pieces, the run styles and wrappers they refer to, and a segment kind."""

    kind: str
    pieces: list[Piece] = field(default_factory=list)
    styles: list[Any] = field(default_factory=list)  # the format's payload per style (run properties)
    style_names: list[str] = field(default_factory=list)  # 'b', 'i', 'span': for mark kinds
    wrappers: list[Any] = field(default_factory=list)  # the format's payload per wrapper element
    wrapper_names: list[str] = field(default_factory=list)
    payload: Any = None  # the format's handle on the paragraph

    def style_index(self, key: str, payload: Any, name: str, keys: dict[str, int]) -> int:
        """The index of the style with ``key``, added with ``payload`` the first time it is seen."""
        index = keys.get(key)
        if index is None:
            index = keys[key] = len(self.styles)
            self.styles.append(payload)
            self.style_names.append(name)
        return index

    def add_wrapper(self, payload: Any, name: str) -> int:
        self.wrappers.append(payload)
        self.wrapper_names.append(name)
        return len(self.wrappers) - 1


@dataclass
class _Char:
    style: int
    wrappers: tuple[int, ...]


@dataclass
class _MarkRef:
    """What a segment's inline mark stands for: a wrapper, a run style, or an atom (piece index)."""

    kind: str  # "wrapper" | "style" | "atom"
    ref: int


@dataclass
class _Sentence:
    start: int
    end: int
    refs: list[_MarkRef]


@dataclass
class BlockPlan:
    """A block cut into sentences: what ``segments`` stand for, to put their outputs back."""

    block: Block
    base_style: int
    chars: list[_Char]
    atoms_at: dict[int, list[int]]  # plain position -> piece indexes of the atoms there
    piece_at: list[int]  # plain position -> index of the piece holding it
    sentences: list[_Sentence]
    plain: str


def _base_style(block: Block) -> int:
    counts: dict[int, int] = {}
    for piece in block.pieces:
        if piece.style >= 0 and not piece.wrappers:
            counts[piece.style] = counts.get(piece.style, 0) + len(piece.text.strip() or piece.text)
    if not counts:
        for piece in block.pieces:
            if piece.style >= 0:
                counts[piece.style] = counts.get(piece.style, 0) + len(piece.text)
    return max(counts, key=lambda k: counts[k]) if counts else -1


def plan_block(block: Block, lang: str) -> tuple[BlockPlan, list[Segment]]:
    """The sentences of ``block`` as segments (marks for wrappers, non-base styles and atoms)."""
    base = _base_style(block)
    chars: list[_Char] = []
    piece_at: list[int] = []
    atoms_at: dict[int, list[int]] = {}
    breaks: list[int] = []
    texts: list[str] = []
    for index, piece in enumerate(block.pieces):
        if piece.style < 0:
            atoms_at.setdefault(len(chars), []).append(index)
            if piece.breaks:
                breaks.append(len(chars))
            continue
        texts.append(piece.text)
        for _ in piece.text:
            chars.append(_Char(piece.style, piece.wrappers))
            piece_at.append(index)
    plain = "".join(texts)
    bounds = [0, *sorted(set(breaks)), len(plain)]
    spans: list[tuple[int, int]] = []
    for left, right in zip(bounds, bounds[1:]):
        if plain[left:right].strip():
            spans.extend((left + s, left + e) for s, e in split_sentences(plain[left:right], lang))
    sentences: list[_Sentence] = []
    segments: list[Segment] = []
    for start, end in spans:
        marks: list[tuple[int, int, int, _MarkRef, str]] = []  # (start, -end, order, ref, name)
        # Wrappers: from the first to the last character inside each, within the sentence.
        extent: dict[int, list[int]] = {}
        for pos in range(start, end):
            for wrapper in chars[pos].wrappers:
                span = extent.setdefault(wrapper, [pos, pos + 1])
                span[1] = pos + 1
        for wrapper, (a, b) in extent.items():
            marks.append((a - start, -(b - start), 0, _MarkRef("wrapper", wrapper), block.wrapper_names[wrapper]))
        # Styles: maximal stretches of one non-base style inside the same wrappers.
        pos = start
        while pos < end:
            char = chars[pos]
            stop = pos + 1
            while stop < end and chars[stop] == char:
                stop += 1
            if char.style != base and plain[pos:stop].strip():
                marks.append(
                    (
                        pos - start,
                        -(stop - start),
                        1 + len(char.wrappers),
                        _MarkRef("style", char.style),
                        block.style_names[char.style],
                    )
                )
            pos = stop
        # Atoms inside the sentence (those at its edges stay between sentences).
        for at, indexes in atoms_at.items():
            if start < at < end:
                for index in indexes:
                    marks.append((at - start, 0, 99, _MarkRef("atom", index), "atom"))
        marks.sort(key=lambda m: (m[0], m[1], m[2]))
        inline: list[InlineMark] = []
        refs: list[_MarkRef] = []
        for m_start, neg_end, _, ref, name in marks:
            if ref.kind == "atom":
                inline.append(InlineMark(m_start, m_start, f"<{name}/>", "", name))
            else:
                inline.append(InlineMark(m_start, -neg_end, f"<{name}>", f"</{name}>", name))
            refs.append(ref)
        sentences.append(_Sentence(start, end, refs))
        segments.append(Segment(plain[start:end], inline, block.kind))
    return BlockPlan(block, base, chars, atoms_at, piece_at, sentences, plain), segments


def unchanged(plan: BlockPlan, segments: Sequence[Segment], outputs: Sequence[SegmentOutput]) -> bool:
    """Whether every output is its source sentence with its marks in place (render nothing)."""
    for segment, output in zip(segments, outputs):
        if output.text != segment.text:
            return False
        if output.mark_spans is not None and list(output.mark_spans) != [(m.start, m.end) for m in segment.inline]:
            return False
    return True


def _source_pieces(plan: BlockPlan, left: int, right: int) -> list[Piece]:
    """The source's pieces for plain ``left:right`` (a gap between sentences), atoms at both ends included."""
    block = plan.block
    out: list[Piece] = []
    pos = left
    while pos <= right:
        if pos in plan.atoms_at:
            out.extend(block.pieces[i] for i in plan.atoms_at[pos])
        if pos == right:
            break
        char = plan.chars[pos]
        stop = pos + 1
        while stop < right and plan.chars[stop] == char and stop not in plan.atoms_at:
            stop += 1
        out.append(Piece(plan.plain[pos:stop], char.style, char.wrappers))
        pos = stop
    return out


def _translated_pieces(plan: BlockPlan, sentence: _Sentence, segment: Segment, output: SegmentOutput) -> list[Piece]:
    block = plan.block
    text = output.text
    spans = resolve_spans(segment, output)
    styles: list[tuple[int, int, int]] = []  # (start, end, style), outer first
    wrappers: list[tuple[int, int, int]] = []
    atoms: dict[int, list[int]] = {}
    for ref, (start, end) in zip(sentence.refs, spans):
        if ref.kind == "atom":
            atoms.setdefault(start, []).append(ref.ref)
        elif ref.kind == "style":
            styles.append((start, end, ref.ref))
        else:
            wrappers.append((start, end, ref.ref))
    out: list[Piece] = []
    pos = 0
    n = len(text)

    def context(at: int) -> tuple[int, tuple[int, ...]]:
        style = plan.base_style
        for s, e, k in styles:
            if s <= at < e:
                style = k  # later (inner) marks win
        chain = tuple(k for s, e, k in wrappers if s <= at < e)
        return style, chain

    while pos <= n:
        for index in atoms.get(pos, []):
            out.append(block.pieces[index])
        if pos == n:
            break
        here = context(pos)
        stop = pos + 1
        while stop < n and stop not in atoms and context(stop) == here:
            stop += 1
        out.append(Piece(text[pos:stop], here[0], here[1]))
        pos = stop
    return out


def render_block(plan: BlockPlan, segments: Sequence[Segment], outputs: Sequence[SegmentOutput]) -> list[Piece]:
    """The block's pieces with each sentence replaced by its output (gaps and atoms as they were)."""
    # Atoms at a sentence's first or last position are not marks of it: they stay in the gap.
    pieces: list[Piece] = []
    cursor = 0
    for sentence, segment, output in zip(plan.sentences, segments, outputs):
        pieces.extend(_source_pieces(plan, cursor, sentence.start))
        pieces.extend(_translated_pieces(plan, sentence, segment, output))
        cursor = sentence.end
    pieces.extend(_source_pieces(plan, cursor, len(plan.plain)))
    merged: list[Piece] = []
    for piece in pieces:  # neighbours in one style and the same wrappers are one run
        last = merged[-1] if merged else None
        if last is not None and piece.style >= 0 and last.style == piece.style and last.wrappers == piece.wrappers:
            merged[-1] = Piece(last.text + piece.text, last.style, last.wrappers)
        else:
            merged.append(piece)
    return merged


def locate(plans: Sequence[tuple[BlockPlan, int, int]], part: str) -> list[LocatedBlock]:
    """The paragraphs of one part as LocatedBlocks: "PART paragraph N" (N counts every paragraph of the part,
    empty ones included; PART empty for the main text), with the kind when it is not a plain paragraph."""
    out: list[LocatedBlock] = []
    for number, (plan, first, end) in enumerate(plans, start=1):
        kind = plan.block.kind
        label = f"{part} paragraph {number}".strip()
        if kind != "paragraph":
            label += f" ({kind.replace('_', ' ')})"
        out.append(LocatedBlock(label, plan.plain, first, end, [sentence.start for sentence in plan.sentences]))
    return out
