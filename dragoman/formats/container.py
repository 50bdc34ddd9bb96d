"""Zip containers of XML parts (DOCX, ODT): read within bounds, parse without entities, write back.

Refused with one line naming the file: not a zip, a zip bomb (too many members, too much unpacked data,
a member that inflates past what its header said), XML with a DTD (external or expanding entities), a
part that is not well-formed XML.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from dragoman.errors import InputError

MAX_MEMBERS = 10_000
MAX_UNPACKED = 512 * 1024 * 1024  # all members together
MAX_PART = 128 * 1024 * 1024  # one member
MAX_RATIO = 200  # unpacked/packed for a member over 1 MiB (text XML deflates ~10x; bombs ~1000x)


class Container:
    """The members of a zip in their order, with bounded reads."""

    def __init__(self, data: bytes, name: str, kind: str, fix: str) -> None:
        self.name = name
        self.kind = kind
        self.fix = fix
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError):
            raise InputError(f"is not a {kind} file (not a zip archive)", name, hint=fix) from None
        self.infos = self.zip.infolist()
        if len(self.infos) > MAX_MEMBERS:
            self.refuse(f"has {len(self.infos)} zip members (more than {MAX_MEMBERS})")
        total = sum(info.file_size for info in self.infos)
        if total > MAX_UNPACKED:
            self.refuse(f"unpacks to {total} bytes (more than {MAX_UNPACKED}): a zip bomb?")
        for info in self.infos:
            if info.file_size > MAX_PART or (
                info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(1, info.compress_size)
            ):
                self.refuse(
                    f"member {info.filename} unpacks to {info.file_size} bytes from {info.compress_size}: a zip bomb?"
                )
        self.names = {info.filename for info in self.infos}

    def refuse(self, what: str) -> None:
        raise InputError(what, self.name, hint=f"refused; {self.fix}")

    def read(self, member: str) -> bytes:
        info = self.zip.getinfo(member)
        try:
            with self.zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as err:
            raise InputError(f"member {member} cannot be unpacked ({err})", self.name, hint=self.fix) from None
        if len(data) > info.file_size:  # the header lied about the size
            self.refuse(f"member {member} unpacks past its stated size: a zip bomb?")
        return data

    def parse_xml(self, member: str) -> Any:
        """The part as an lxml tree; InputError for a DTD/entities or broken XML (file and part named)."""
        return parse_xml(self.read(member), self.name, member, self.fix)

    def write(self, replaced: Mapping[str, bytes]) -> bytes:
        """The same zip with ``replaced`` parts; every other member's bytes as they were, order kept."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in self.infos:
                data = replaced.get(info.filename)
                if data is None:
                    data = self.read(info.filename)
                # writestr fills in the ZipInfo it is given (sizes, CRC, offset): give it a copy.
                target.writestr(copy.copy(info), data, compress_type=info.compress_type)
        return out.getvalue()


def parse_xml(data: bytes, name: str, member: str | None, fix: str) -> Any:
    """``data`` as an lxml tree; InputError naming the file (and ``member``, a zip part) if refused."""
    from lxml import etree

    # No DTD loading, no entity expansion, no network: XXE and billion laughs cannot happen; a DTD at
    # all (office parts never have one) is refused rather than silently ignored.
    parser = etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False, remove_blank_text=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        line = err.position[0] if err.position else None
        where = f"part {member} is" if member else "is"
        raise InputError(f"{where} not well-formed XML ({err.msg})", name, line, hint=fix) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        where = f"part {member} declares" if member else "declares"
        raise InputError(f"{where} a DTD (entities are refused: XML external entity risk)", name, hint=fix)
    return root


def serialize_xml(root: Any, original: bytes) -> bytes:
    """``root`` as bytes with the original's XML declaration (Word writes standalone="yes")."""
    from lxml import etree

    body: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    if original.startswith(b"<?xml"):
        end = original.find(b"?>") + 2
        if end > 1:
            head = original[end : end + 8]
            return original[:end] + head[: len(head) - len(head.lstrip())] + body
    return body


def append_text(parent: Any, text: str) -> None:
    """Text after ``parent``'s last child (its tail), or its text when it has no child."""
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def nest(root: Any, pieces: Sequence[Any], wrappers: Sequence[Any]) -> Iterator[tuple[Any, Any]]:
    """(piece, parent) for each of ``pieces`` (formats/blocks.Piece), in order: the element under ``root`` where
    the piece's content goes. Wrapper pieces are rebuilt as shallow copies of ``wrappers[i]`` (appended as they
    are first needed), nested as the pieces say, so that consecutive pieces share their common wrappers."""
    stack: list[tuple[int, Any]] = []
    for piece in pieces:
        chain = piece.wrappers
        depth = 0
        while depth < len(stack) and depth < len(chain) and stack[depth][0] == chain[depth]:
            depth += 1
        del stack[depth:]
        parent = stack[-1][1] if stack else root
        for wrapper in chain[depth:]:
            source = wrappers[wrapper]
            child = source.makeelement(source.tag, dict(source.attrib))
            parent.append(child)
            stack.append((wrapper, child))
            parent = child
        yield piece, parent


def fill_element(element: Any, pieces: Sequence[Any], wrappers: Sequence[Any], copy_atoms: bool) -> None:
    """Make ``pieces`` (formats/blocks.Piece) the content of ``element``, a text/tail model (XLIFF, ODF).

    Wrappers nest as :func:`nest` builds them; an atom's payload is an element, appended as it is (moved) or, with
    ``copy_atoms``, as a copy.
    """
    for child in list(element):
        element.remove(child)
    element.text = None
    for piece, parent in nest(element, pieces, wrappers):
        if piece.style < 0:
            atom = copy.deepcopy(piece.atom) if copy_atoms else piece.atom
            atom.tail = None
            parent.append(atom)
        else:
            append_text(parent, piece.text)
