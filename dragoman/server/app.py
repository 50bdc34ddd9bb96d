"""The HTTP layer of `dragoman serve` (Starlette): LibreTranslate's routes, bodies, errors and CORS headers over
the framework-free service, plus the glossary routes, /health, /stats and the web page."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dragoman.errors import DragomanError
from dragoman.server.service import (
    ApiError,
    Job,
    TranslationService,
    missing,
    parse_glossary_field,
    parse_translate,
    upload_chars,
)

access_log = logging.getLogger("dragoman.server.access")
STATIC = Path(__file__).parent / "static"
# LibreTranslate's CORS headers, on every answer.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Expose-Headers": "Authorization",
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Credentials": "true",
    "Access-Control-Max-Age": str(60 * 60 * 24 * 20),
}
MAX_FORM_FIELDS = 1000
FILE_NAME_RE = re.compile(r"^[0-9a-f]{32}\.[A-Za-z0-9._-]{1,200}$")
# Content-Type of a translated file by format (IANA names where there is one).
MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "xliff": "application/xliff+xml; charset=utf-8",
}


def error_response(err: ApiError) -> JSONResponse:
    headers = {"Retry-After": str(err.retry_after)} if err.retry_after is not None else None
    return JSONResponse({"error": err.message}, status_code=err.status, headers=headers)


class Fields:
    """A request's fields as LibreTranslate reads them: the JSON body's object, else query string + form."""

    def __init__(
        self, values: dict[str, Any], is_json: bool, files: dict[str, tuple[str, bytes]] | None = None
    ) -> None:
        self.values = values
        self.is_json = is_json
        self.files = files or {}


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 past ``limit`` bytes (before reading it when Content-Length says so)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise ApiError(413, f"Invalid request: the body is larger than {limit} bytes")
        except ValueError:
            raise ApiError(400, "Invalid request: bad Content-Length") from None
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"Invalid request: the body is larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise ApiError(499, "client closed the request before sending its body") from None
    body = b"".join(chunks)
    request._body = body  # Starlette's own cache of the body: request.form() reads it from there
    return body


async def read_fields(request: Request, limit: int) -> Fields:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, limit)
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return Fields(data, True)
    values: dict[str, Any] = {}
    for name, value in request.query_params.multi_items():
        values.setdefault(name, value)
    files: dict[str, tuple[str, bytes]] = {}
    if content_type == "multipart/form-data":
        try:
            form = await request.form(max_files=4, max_fields=MAX_FORM_FIELDS)
        except (HTTPException, MultiPartException, ValueError, ClientDisconnect):
            # Starlette turns the parser's errors (malformed boundary, too many fields) into HTTPException(400).
            raise ApiError(400, "Invalid request: malformed multipart body") from None
        for field_name, item in form.multi_items():
            if isinstance(item, str):
                values.setdefault(field_name, item)
            else:
                files.setdefault(field_name, (item.filename or "", await item.read()))
    elif body and content_type in ("application/x-www-form-urlencoded", ""):
        try:
            pairs = parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FORM_FIELDS
            )
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, "Invalid request: the form body is not UTF-8 form data") from None
        for name, value in pairs:
            values.setdefault(name, value)
    return Fields(values, False, files)


async def _watch_disconnect(receive: Receive) -> None:
    """Completes when the client disconnects (after the body was read, the next message is the disconnect)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def client_address(request: Request) -> str:
    # uvicorn has already replaced the peer by X-Forwarded-For's client when the peer is a trusted proxy
    # (--forwarded-allow-ips, loopback by default); from anyone else the header is ignored, not believed.
    return request.client.host if request.client else "127.0.0.1"


def build_app(service: TranslationService) -> Starlette:
    settings = service.settings
    files_dir = Path(tempfile.mkdtemp(prefix="dragoman-serve-files-"))

    async def call(function: Any, *args: Any) -> Any:
        """Blocking work (glossary reloads, language detection) off the event loop, never on the engine thread."""
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)

    def note(request: Request, **values: Any) -> None:
        request.state.log = {**getattr(request.state, "log", {}), **values}

    async def authorize(request: Request, fields: Fields) -> Any:
        key = service.authorize(fields.values.get("api_key"), client_address(request))
        if key is not None:
            note(request, key=key.name)
        return key

    async def translate(request: Request) -> Response:
        fields = await read_fields(request, settings.max_body_bytes)
        key = await authorize(request, fields)
        ask = parse_translate(fields.values, fields.is_json)
        service.check_limits(ask, key)
        note(request, items=len(ask.texts), chars=ask.chars, source=ask.source, target=ask.target)
        detected: list[dict[str, Any]] | None = None
        if ask.source == "auto":
            detected = await call(service.detect_sources, ask.texts)
            sources = [d["language"] for d in detected]
        else:
            sources = [ask.source] * len(ask.texts)
        for source in dict.fromkeys(sources):
            if source != ask.target:
                service.plan(source, ask.target)
        glossary, names, items = await call(service.resolve_glossaries, ask.glossary_names)
        if names:
            note(request, glossary=list(names))
        job = Job(ask.texts, sources, ask.target, ask.format_name, glossary, names, ask.alternatives)
        watcher = asyncio.ensure_future(_watch_disconnect(request.receive))
        try:
            result = await service.translate(job, watcher)
        finally:
            watcher.cancel()
        body: dict[str, Any] = {"translatedText": result.texts if ask.is_list else result.texts[0]}
        if detected is not None:
            body["detectedLanguage"] = detected if ask.is_list else detected[0]
        if ask.alternatives:
            body["alternatives"] = result.alternatives if ask.is_list else result.alternatives[0]
        glossary_body = service.glossary_object(job, result, items, ask.is_list)
        if glossary_body is not None:
            body["glossary"] = glossary_body
        return JSONResponse(body)

    async def detect(request: Request) -> Response:
        fields = await read_fields(request, settings.max_body_bytes)
        await authorize(request, fields)
        q = fields.values.get("q")
        if not q:
            raise missing("q")
        if not isinstance(q, str):
            raise ApiError(400, "Invalid request: q must be a string")
        note(request, chars=len(q))
        return JSONResponse(await call(service.detect, q))

    async def languages(request: Request) -> Response:
        return JSONResponse(await call(service.languages))

    async def frontend_settings(request: Request) -> Response:
        table = await call(service.languages)
        source = {"code": "auto", "name": "Auto Detect"}
        target = next((row for row in table if row["code"] != "en"), table[0] if table else {"code": "", "name": ""})
        from dragoman.formats import _EXTENSIONS
        from dragoman.languages import RTL_LANGUAGES

        return JSONResponse(
            {
                "charLimit": settings.char_limit,
                "frontendTimeout": 500,
                "apiKeys": service.keys is not None,
                "keyRequired": service.keys is not None,
                "suggestions": False,
                "filesTranslation": True,
                "supportedFilesFormat": sorted(_EXTENSIONS),
                "language": {"source": source, "target": {"code": target["code"], "name": target["name"]}},
                "glossaries": await call(service.glossaries.names),
                "defaultGlossaries": list(service.glossaries.default_names),
                "rtlLanguages": sorted(RTL_LANGUAGES),
            }
        )

    async def translate_file(request: Request) -> Response:
        from dragoman.formats import _EXTENSIONS

        fields = await read_fields(request, settings.max_body_bytes)
        key = await authorize(request, fields)
        upload = fields.files.get("file")
        if upload is None:
            raise missing("file")
        filename, data = upload
        source, target = fields.values.get("source"), fields.values.get("target")
        if not source or not isinstance(source, str):
            raise missing("source")
        if not target or not isinstance(target, str):
            raise missing("target")
        if not filename or not data:
            raise ApiError(400, "Invalid request: empty file")
        safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name)[:150].lstrip(".") or "file"
        suffix = Path(safe_name).suffix.lower()
        format_name = _EXTENSIONS.get(suffix)
        if format_name is None:
            raise ApiError(
                400,
                f"Invalid request: file format not supported ({suffix or 'no extension'}); "
                f"use one of {', '.join(sorted(_EXTENSIONS))}",
            )
        options: dict[str, Any] = {}
        if format_name == "jsonl":  # which fields of each record to translate, as `translate --field`
            wanted = fields.values.get("fields")
            if not wanted or not isinstance(wanted, str):
                raise ApiError(400, "Invalid request: missing fields parameter (the JSON-lines fields to translate)")
            options["fields"] = [part.strip() for part in wanted.split(",") if part.strip()][:MAX_FORM_FIELDS]
        glossary_names = parse_glossary_field(fields.values.get("glossary"))
        source, target = source.strip(), target.strip()
        if source != "auto" and source != target:
            service.plan(source, target)  # 400 for an unknown language before the file is read
        doc = await call(service.read_upload, safe_name, format_name, data, source, options)
        service.check_chars(upload_chars(doc), key)
        note(request, items=1, chars=upload_chars(doc), source=doc.source, target=target, format=format_name)
        if doc.source != target:
            service.plan(doc.source, target)
        glossary, names, items = await call(service.resolve_glossaries, glossary_names)
        if names:
            note(request, glossary=list(names))
        job = Job([safe_name], [doc.source or source], target, format_name, glossary, names, 0, files=[doc])
        watcher = asyncio.ensure_future(_watch_disconnect(request.receive))
        try:
            result = await service.translate(job, watcher)
        finally:
            watcher.cancel()
        _remove_old_files(files_dir, settings.files_ttl_s)
        # As LibreTranslate (argos-translate-files): article.docx comes back as article_{target}.docx; the stored
        # name starts with a random hex part that the download drops.
        stored = f"{uuid.uuid4().hex}.{Path(safe_name).stem}_{target}{suffix}"
        await call(_store, files_dir / stored, result.files[0])
        body: dict[str, Any] = {"translatedFileUrl": str(request.url_for("download_file", filename=stored))}
        glossary_body = service.glossary_object(job, result, items, False)
        if glossary_body is not None:
            body["glossary"] = glossary_body
        return JSONResponse(body)

    async def download_file(request: Request) -> Response:
        filename = request.path_params["filename"]
        path = files_dir / filename
        if not FILE_NAME_RE.match(filename) or not path.is_file():
            raise ApiError(404, "Invalid filename")
        name = filename.split(".", 1)[1]
        return FileResponse(path, filename=name, media_type=media_type(name))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def stats(request: Request) -> Response:
        return JSONResponse(service.stats())

    async def glossary_list(request: Request) -> Response:
        items = await call(service.glossaries.items)
        defaults = service.glossaries.default_names
        return JSONResponse([{**item.info(), "default": item.name in defaults} for item in items])

    def _named(name: str) -> Any:
        from dragoman.server.glossaries import UnknownGlossaryError

        try:
            return service.glossaries.get(name)
        except UnknownGlossaryError as err:
            raise ApiError(404, str(err)) from None

    async def glossary_show(request: Request) -> Response:
        from dragoman.glossary.yamlio import entry_to_data

        item = await call(_named, request.path_params["name"])
        return JSONResponse({**item.info(), "entries": [entry_to_data(entry) for entry in item.glossary]})

    async def glossary_export(request: Request) -> Response:
        from dragoman.glossary.interchange import get_format

        item = await call(_named, request.path_params["name"])
        fmt = request.query_params.get("format", "tbx").lower()
        if fmt not in ("tbx", "csv"):
            raise ApiError(400, f"{fmt} format is not supported (use tbx or csv)")
        try:
            text = get_format(fmt).write(item.glossary)
        except DragomanError as err:
            raise ApiError(400, f"cannot export {item.name} as {fmt}: {err}") from None
        media = "application/x-tbx+xml" if fmt == "tbx" else "text/csv"
        return Response(
            text,
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{item.name}.{fmt}"'},
        )

    async def index(request: Request) -> Response:
        if not settings.web_ui:
            raise ApiError(404, "Not Found")
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()
            shutil.rmtree(files_dir, ignore_errors=True)

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/translate", translate, methods=["POST"]),
        Route("/detect", detect, methods=["POST"]),
        Route("/languages", languages, methods=["GET", "POST"]),
        Route("/frontend/settings", frontend_settings, methods=["GET"]),
        Route("/translate_file", translate_file, methods=["POST"]),
        Route("/download_file/{filename}", download_file, methods=["GET"], name="download_file"),
        Route("/health", health, methods=["GET"]),
        Route("/stats", stats, methods=["GET"]),
        Route("/glossaries", glossary_list, methods=["GET"]),
        Route("/glossaries/{name}", glossary_show, methods=["GET"]),
        Route("/glossaries/{name}/export", glossary_export, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        note(request, error=exc.log_message)
        return error_response(exc)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        note(request, error=str(exc.detail))
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)

    async def server_error(request: Request, exc: Exception) -> Response:
        logging.getLogger("dragoman.server").exception("unexpected error on %s", request.url.path)
        return JSONResponse({"error": f"Cannot translate text: {exc}"}, status_code=500)

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: server_error},
    )
    app.state.service = service
    return AccessLogAndCors(app)  # type: ignore[return-value]


def media_type(name: str) -> str:
    """The Content-Type of a translated file, by its extension (a table rather than the system's mime.types,
    which differs between machines and lacks most of these)."""
    from dragoman.formats import _EXTENSIONS

    return MEDIA_TYPES.get(_EXTENSIONS.get(Path(name).suffix.lower(), ""), "application/octet-stream")


def _store(path: Path, data: bytes) -> None:
    from dragoman.fsutil import atomic_writer

    with atomic_writer(path) as handle:  # a download never sees half a file
        handle.write(data)


def _remove_old_files(folder: Path, ttl_s: float) -> None:
    cutoff = time.time() - ttl_s
    for path in folder.iterdir():
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


class AccessLogAndCors:
    """Pure ASGI middleware: LibreTranslate's CORS headers on every answer (and preflight OPTIONS), and one JSON
    access-log line per request (method, path, status, time, client, key name, sizes; never the text)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 0}
        state = scope.setdefault("state", {})
        if scope["method"] == "OPTIONS":
            response = PlainTextResponse("", headers=CORS_HEADERS)
            await response(scope, receive, send)
            status["code"] = 200
        else:

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status["code"] = message["status"]
                    headers = list(message.get("headers", []))
                    headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in CORS_HEADERS.items())
                    message = {**message, "headers": headers}
                await send(message)

            try:
                await self.app(scope, receive, send_with_headers)
            except Exception:
                status["code"] = status["code"] or 500
                raise
            finally:
                self._log(scope, state, status["code"], started)
            return
        self._log(scope, state, status["code"], started)

    def _log(self, scope: Scope, state: dict[str, Any], status: int, started: float) -> None:
        client = scope.get("client")
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "client": client[0] if client else None,
            **state.get("log", {}),
        }
        access_log.info(json.dumps(record, ensure_ascii=False))


def create_app(service: TranslationService) -> ASGIApp:
    return build_app(service)  # type: ignore[return-value]


__all__ = ["build_app", "create_app"]
