"""One running server per test module (a child process on a free loopback port, the toy model installed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.server import Server, install_toys, running_server
from helpers.toy import desk_glossary

# The desk glossary the API tests use too: Pezeshkian (do not translate) and Kuala Lumpur in zz and ms.
NEWS = desk_glossary("ms")

# The model writes "tahun" for "year"; this entry forbids it where no source term asked for it.
STYLE = """\
version: 1
languages: [en, zz]
entries:
  - id: annum
    terms:
      en: per annum
      zz: {term: setahun, forbidden: [tahun]}
"""


@pytest.fixture(scope="module")
def server_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("serve")
    install_toys(home)
    desks = home / "desks"
    desks.mkdir()
    (desks / "news.yaml").write_text(NEWS, encoding="utf-8")
    (desks / "style.yaml").write_text(STYLE, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def server(server_home: Path) -> Iterator[Server]:
    desks = server_home / "desks"
    with running_server(
        server_home, "--glossary-dir", str(desks), "-g", str(desks / "news.yaml"), "--batch-wait-ms", "20"
    ) as srv:
        yield srv
