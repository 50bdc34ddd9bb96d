"""Reading a glossary file's bytes, apart from the readers of its format: a glossary served by the store needs
no PyYAML, and YAML and the interchange formats refuse a missing or unreadable file with the same one line."""

from __future__ import annotations

from pathlib import Path

from dragoman.errors import GlossaryError


def read_file_bytes(
    path: str | Path,
    *,
    noun: str = "file",
    missing_hint: str = "check the path",
    directory_hint: str = "give the path of a file",
) -> bytes:
    """The bytes of a file, or a one-line GlossaryError naming it (missing, a directory, unreadable)."""
    from dragoman.inputs import InputTooLarge, read_limited

    name = str(path)
    try:
        return read_limited(path)
    except InputTooLarge as err:
        raise GlossaryError(
            err.message,
            name,
            hint="set DRAGOMAN_MAX_INPUT_SIZE (e.g. 1G; translate: --max-input-size) if it really is one glossary",
        ) from None
    except FileNotFoundError:
        raise GlossaryError(f"{noun} not found", name, hint=missing_hint) from None
    except IsADirectoryError:
        raise GlossaryError(f"is a directory, not a {noun}", name, hint=directory_hint) from None
    except OSError as err:
        raise GlossaryError(
            f"cannot read the {noun}: {err.strerror}", name, hint="check the file's permissions"
        ) from None


def read_glossary_file(path: str | Path) -> bytes:
    """The bytes of a YAML glossary file (the messages point to `glossary new` for a missing one)."""
    return read_file_bytes(
        path,
        noun="glossary file",
        missing_hint="check the path, or create it with 'dragoman glossary new'",
        directory_hint="give the path of a .yaml file",
    )
