"""Reading a glossary file's bytes, apart from the YAML reader: a glossary served by the store needs no PyYAML."""

from __future__ import annotations

from pathlib import Path

from dragoman.errors import GlossaryError


def read_glossary_file(path: str | Path) -> bytes:
    """The bytes of a glossary file, or a one-line GlossaryError (missing, a directory, unreadable)."""
    name = str(path)
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise GlossaryError("glossary file not found", name, hint="check the path, or create it with 'dragoman glossary new'") from None
    except IsADirectoryError:
        raise GlossaryError("is a directory, not a glossary file", name, hint="give the path of a .yaml file") from None
    except OSError as err:
        raise GlossaryError(f"cannot read the glossary: {err.strerror}", name, hint="check the file's permissions") from None
