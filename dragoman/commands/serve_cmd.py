"""`dragoman serve`: the LibreTranslate-compatible HTTP API and web page (the optional extra dragoman[server])."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dragoman.commands.options import (
    engine_errors,
    engine_option_group,
    engine_options,
    glossary_option,
    no_memory_option,
    use_drafts_option,
)
from dragoman.errors import DragomanError

INSTALL_HINT = "run 'pip install \"dragoman[server]\"'"


class _JsonLines(logging.Formatter):
    """Access-log records are JSON already; other records become JSON lines too (one format on stderr)."""

    def format(self, record: logging.LogRecord) -> str:
        if record.name == "dragoman.server.access":
            return record.getMessage()
        data = {"level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def _limit_option(flag: str, what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A limit of LibreTranslate's API (the option of the same name there); -1, the default, for none."""
    return click.option(flag, default=-1, show_default=True, type=click.IntRange(-1), help=f"{what} (-1: no limit).")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@glossary_option(use=", the default for requests that name none", layered=False)
@click.option(
    "--glossary-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Folder of named glossaries (YAML/CSV/TSV/TBX; the name is the file's stem), reloaded on change.",
)
@click.option(
    "--api-keys",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML file of hashed API keys; when given, every API request needs a key.",
)
@click.option("--new-key", metavar="NAME", help="Add a key named NAME to --api-keys, print it once, and exit.")
@click.option("--key-req-limit", type=click.IntRange(1), help="With --new-key: requests per minute for that key.")
@click.option("--key-char-limit", type=click.IntRange(1), help="With --new-key: characters per request for that key.")
@_limit_option("--char-limit", "Characters per request")
@_limit_option("--batch-limit", "Texts per list request")
@_limit_option("--req-limit", "Requests per minute per client address for requests without a key")
@click.option(
    "--batch-wait-ms",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0, 1000),
    help="How long a request waits for others to share its engine call.",
)
@click.option(
    "--queue-limit",
    default=256,
    show_default=True,
    type=click.IntRange(1),
    help="Requests waiting for the engine; beyond it: 429 with Retry-After.",
)
@click.option(
    "--deadline",
    default=60.0,
    show_default=True,
    type=click.FloatRange(1),
    help="Seconds a request may wait for its translation before 503.",
)
@engine_option_group("--beam", "--threads")
@no_memory_option
@use_drafts_option
@click.option("--no-web-ui", is_flag=True, help="Serve the API only, no page at /.")
@click.option("--quiet", "-q", is_flag=True, help="No access log on stderr.")
def serve(
    host: str,
    port: int,
    glossaries: tuple[Path, ...],
    glossary_dir: Path | None,
    api_keys: Path | None,
    new_key: str | None,
    key_req_limit: int | None,
    key_char_limit: int | None,
    char_limit: int,
    batch_limit: int,
    req_limit: int,
    batch_wait_ms: float,
    queue_limit: int,
    deadline: float,
    engine_name: str,
    engine_option_pairs: tuple[str, ...],
    no_memory: bool,
    use_drafts: bool,
    no_web_ui: bool,
    quiet: bool,
) -> None:
    """Serve LibreTranslate's HTTP API with the glossary enforced, and a web page at /.

    Clients of LibreTranslate (libretranslatepy, deep-translator, browser extensions, Weblate) work
    unchanged; a request may name glossaries with an extra `glossary` field and gets a `glossary`
    object back. Requests that arrive together share engine calls. See docs/server.md.

    \b
    Examples:
      dragoman serve
      dragoman serve --port 5000 -g glossaries/news.yaml --glossary-dir desks/
      dragoman serve --api-keys keys.yaml --new-key weblate --key-req-limit 120
      dragoman serve --host 0.0.0.0 --api-keys keys.yaml --char-limit 20000
    """
    if new_key is not None:
        if api_keys is None:
            raise click.BadParameter(
                "--new-key needs --api-keys FILE (where the key's hash is kept)", param_hint="'--new-key'"
            )
        from dragoman.server.keys import new_key as add_key

        key = add_key(api_keys, new_key, key_req_limit or -1, key_char_limit or -1)
        click.echo(key)
        click.echo(f"added key {new_key!r} to {api_keys} (only its hash is stored; keep the key above)", err=True)
        return
    try:
        import uvicorn

        from dragoman.server.app import create_app
    except ImportError as err:
        raise DragomanError(
            f"dragoman serve needs the server extra ({err.name} is not installed)", INSTALL_HINT
        ) from None
    from dragoman.server.service import TranslationService
    from dragoman.server.settings import ServerSettings

    if api_keys is not None and not api_keys.is_file():
        raise click.BadParameter(f"{api_keys} does not exist; create it with --new-key NAME", param_hint="'--api-keys'")
    settings = ServerSettings(
        host=host,
        port=port,
        engine=engine_name,
        glossaries=list(glossaries),
        glossary_dir=glossary_dir,
        api_keys=api_keys,
        char_limit=char_limit,
        batch_limit=batch_limit,
        req_limit=req_limit,
        batch_wait_ms=batch_wait_ms,
        queue_limit=queue_limit,
        deadline_s=deadline,
        use_memory=not no_memory,
        use_drafts=use_drafts,
        web_ui=not no_web_ui,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonLines())
    server_log = logging.getLogger("dragoman.server")
    server_log.addHandler(handler)
    server_log.setLevel(logging.INFO)
    server_log.propagate = False
    if quiet:
        logging.getLogger("dragoman.server.access").setLevel(logging.WARNING)
    from dragoman.engines import build_engine

    options = engine_options(engine_name, engine_option_pairs)
    with engine_errors(engine_option_pairs):
        engine = build_engine(engine_name, options)
    service = TranslationService(settings, engine)
    click.echo(f"dragoman serve: http://{host}:{port}/ (Ctrl-C stops)", err=True)
    # uvicorn's own access log would print query strings, which may hold the text: ours never does.
    uvicorn.run(create_app(service), host=host, port=port, access_log=False, log_level="warning", lifespan="on")
