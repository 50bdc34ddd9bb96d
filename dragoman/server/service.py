"""The translation service behind `dragoman serve`, without the web framework: LibreTranslate's request fields in,
its answers out, every translation through the same pipeline as `dragoman translate` (memory, enforcement, report)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dragoman.errors import DragomanError
from dragoman.server.batcher import Batcher, DeadlineError, QueueFullError, WorkItem
from dragoman.server.glossaries import GlossaryLibrary, UnknownGlossaryError
from dragoman.server.keys import ApiKey, KeyRing, RateLimiter
from dragoman.server.settings import ServerSettings

if TYPE_CHECKING:
    from dragoman.cache import TranslationMemory
    from dragoman.engines.base import Engine
    from dragoman.glossary.model import Glossary
    from dragoman.pipeline.routes import Route
    from dragoman.pipeline.run import InputDoc
    from dragoman.pipeline.translator import CountingEngine

log = logging.getLogger("dragoman.server")

FORMATS = {"text": "txt", "html": "html"}  # LibreTranslate's format names -> dragoman's
MAX_ALTERNATIVES = 10
MAX_GLOSSARIES = 16  # per request
LANGUAGES_TTL_S = 5.0  # /languages looks at the installed packages again after this long
RETRY_AFTER_BUSY_S = 2


class ApiError(Exception):
    """An answer other than 200: LibreTranslate's ``{"error": message}`` with its status code."""

    def __init__(
        self, status: int, message: str, retry_after: int | None = None, log_message: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.log_message = message if log_message is None else log_message  # what the access log may keep


def missing(name: str) -> ApiError:
    return ApiError(400, f"Invalid request: missing {name} parameter")


@dataclass
class TranslateRequest:
    """What a /translate request asks for, checked."""

    texts: list[str]
    is_list: bool
    source: str
    target: str
    format_name: str  # txt | html
    alternatives: int = 0
    glossary_names: tuple[str, ...] | None = None  # None: the server's default

    @property
    def chars(self) -> int:
        return sum(len(text) for text in self.texts)


def _text_field(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None or value == "":
        raise missing(name)
    if not isinstance(value, str):
        raise ApiError(400, f"Invalid request: {name} must be a string")
    return value.strip()


def parse_glossary_field(value: Any) -> tuple[str, ...] | None:
    """``glossary``: a name, a comma-separated list of names, or a JSON list; ``none`` (or "") for no glossary."""
    if value is None:
        return None
    if isinstance(value, str):
        names = [part.strip() for part in value.split(",")]
    elif isinstance(value, list) and all(isinstance(part, str) for part in value):
        names = [part.strip() for part in value]
    else:
        raise ApiError(400, "Invalid request: glossary must be a name or a list of names")
    names = [name for name in names if name and name.lower() != "none"]
    if len(names) > MAX_GLOSSARIES:
        raise ApiError(400, f"Invalid request: at most {MAX_GLOSSARIES} glossaries per request")
    return tuple(names)


def parse_translate(fields: Mapping[str, Any], from_json: bool) -> TranslateRequest:
    """Check /translate's fields as LibreTranslate reads them (400 with its messages)."""
    q = fields.get("q")
    if not q:
        raise missing("q")
    is_list = isinstance(q, list)
    if is_list:
        if not all(isinstance(text, str) for text in q):
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")
        texts = list(q)
    elif isinstance(q, str):
        texts = [q]
    else:
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    source = _text_field(fields, "source")
    target = _text_field(fields, "target")
    if not from_json:
        # As LibreTranslate: form and query text get Unix line ends, so character limits count alike.
        texts = ["\n".join(text.splitlines()) for text in texts]
    text_format = fields.get("format") or "text"
    if not isinstance(text_format, str) or text_format not in FORMATS:
        raise ApiError(400, f"{text_format} format is not supported")
    raw_alternatives = fields.get("alternatives") or 0
    try:
        alternatives = int(raw_alternatives)
    except (TypeError, ValueError):
        raise ApiError(400, "Invalid request: alternatives must be a whole number") from None
    if not 0 <= alternatives <= MAX_ALTERNATIVES:
        raise ApiError(400, f"Invalid request: alternatives must be between 0 and {MAX_ALTERNATIVES}")
    return TranslateRequest(
        texts=texts,
        is_list=is_list,
        source=source,
        target=target,
        format_name=FORMATS[str(text_format)],
        alternatives=alternatives,
        glossary_names=parse_glossary_field(fields.get("glossary")),
    )


@dataclass
class Job:
    """One request's work for the engine thread."""

    texts: list[str]
    sources: list[str]
    target: str
    format_name: str
    glossary: Glossary | None
    glossary_names: tuple[str, ...]
    alternatives: int
    # /translate_file: the upload, read and parsed off the engine thread (``texts`` then hold its name).
    files: list[InputDoc] | None = None

    @property
    def chars(self) -> int:
        if self.files is not None:
            return sum(upload_chars(doc) for doc in self.files)
        return sum(len(text) for text in self.texts)


@dataclass
class JobResult:
    texts: list[str]
    documents: list[dict[str, Any] | None] = field(default_factory=list)  # report per text (glossary runs)
    alternatives: list[list[str]] = field(default_factory=list)
    files: list[bytes] = field(default_factory=list)  # /translate_file: the translated file's bytes


def upload_chars(doc: InputDoc) -> int:
    """The characters of an uploaded file that go to the engine (what --char-limit counts for a file)."""
    return sum(len(segment.text) for segment in doc.document.segments) if doc.document is not None else 0


class TranslationService:
    """The engine (one thread), the translation memory, the glossaries, keys and limits, and the batcher."""

    def __init__(self, settings: ServerSettings, engine: Engine | None = None) -> None:
        from dragoman.engines import create_engine
        from dragoman.pipeline.translator import CountingEngine

        self.settings = settings
        self.engine: CountingEngine = CountingEngine(engine if engine is not None else create_engine(settings.engine))
        self.glossaries = GlossaryLibrary(settings.glossary_dir, settings.glossaries)
        self.keys: KeyRing | None = KeyRing.from_file(settings.api_keys) if settings.api_keys else None
        self.limiter = RateLimiter()
        # One thread owns the engine and the memory's SQLite connection: every engine call happens there.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dragoman-engine")
        self._memory: TranslationMemory | None = None
        self._languages: tuple[float, list[dict[str, Any]], list[tuple[str, str]]] | None = None
        self.batcher: Batcher | None = None
        self.started = time.time()

    # -- life cycle --------------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.batcher = Batcher(
            self._process, self.executor, self.settings.batch_wait_ms / 1000.0, self.settings.queue_limit
        )
        self.batcher.start()
        await loop.run_in_executor(self.executor, self._open_memory)

    async def stop(self) -> None:
        if self.batcher is not None:
            await self.batcher.stop()
        await asyncio.get_running_loop().run_in_executor(self.executor, self._close)
        self.executor.shutdown(wait=True)

    def _open_memory(self) -> None:
        if self.settings.use_memory:
            from dragoman.cache import TranslationMemory

            self._memory = TranslationMemory(warn=lambda message: log.warning("translation memory: %s", message))

    def _close(self) -> None:
        if self._memory is not None:
            self._memory.close()
            self._memory = None
        self.engine.close()

    # -- access ------------------------------------------------------------------------------------

    def authorize(self, api_key: Any, client: str) -> ApiKey | None:
        """The request's key (403 for a wrong one, 400 for none when keys are required); 429 past a rate limit."""
        key: ApiKey | None = None
        if self.keys is not None:
            if not api_key:
                raise ApiError(400, "Please contact the server operator to get an API key")
            key = self.keys.lookup(str(api_key)) if isinstance(api_key, str) else None
            if key is None:
                raise ApiError(403, "Invalid API key")
        identity, limit = (
            (f"key:{key.name}", key.req_limit) if key is not None else (f"ip:{client}", self.settings.req_limit)
        )
        wait = self.limiter.check(identity, limit)
        if wait is not None:
            raise ApiError(429, f"Slowdown: {limit} per 1 minute", retry_after=max(1, int(wait + 0.999)))
        return key

    def check_limits(self, request: TranslateRequest, key: ApiKey | None) -> None:
        limit = self.settings.batch_limit
        if request.is_list and limit != -1 and len(request.texts) > limit:
            raise ApiError(400, f"Invalid request: request ({len(request.texts)}) exceeds text limit ({limit})")
        self.check_chars(request.chars, key)

    def check_chars(self, chars: int, key: ApiKey | None) -> None:
        char_limit = key.char_limit if key is not None and key.char_limit != -1 else self.settings.char_limit
        if char_limit != -1 and chars > char_limit:
            raise ApiError(400, f"Invalid request: request ({chars}) exceeds text limit ({char_limit})")

    # -- files -------------------------------------------------------------------------------------

    def read_upload(
        self, name: str, format_name: str, data: bytes, source: str, options: dict[str, Any] | None = None
    ) -> InputDoc:
        """An uploaded file read and parsed as `dragoman translate` reads one (text formats decoded with the same
        checks, DOCX/ODT as bytes); a file its reader refuses is a 400 with the reader's one-line message.

        ``options`` are the format's own (formats.FORMAT_OPTIONS: the JSON-lines fields). Runs off the event loop
        and off the engine thread: parsing a large DOCX holds up no one's translation.
        """
        from dragoman.formats import is_binary, plain_text
        from dragoman.inputs import decode_text
        from dragoman.pipeline.run import InputDoc, parse_inputs

        doc = InputDoc(name=name, path=None, format_name=format_name)
        try:
            if is_binary(format_name):
                doc.data = data
            else:
                doc.text = decode_text(data, name)
            if source == "auto":
                sample = plain_text(doc.data if doc.data is not None else doc.text or "", format_name, name)
                source = self.detect_sources([sample])[0]["language"]
            doc.source = source
            parse_inputs([doc], format_options=options)
        except DragomanError as err:
            doc.error = str(err)
        except ApiError:
            raise
        except Exception as err:  # a reader's own bug must not become a 500 for a file it cannot read
            log.warning("%s: the %s reader failed: %r", name, format_name, err)
            doc.error = f"{name}: cannot be read as {format_name} ({type(err).__name__})"
        if doc.error is not None or doc.document is None:
            message = " ".join((doc.error or f"{name}: nothing to translate").split())
            # The answer names the file; the access log does not (a file's name can say what it holds).
            raise ApiError(
                400, f"Invalid request: {message}", log_message=f"Invalid request: {message}".replace(name, "<file>")
            )
        return doc

    # -- languages ---------------------------------------------------------------------------------

    def _language_table(self) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
        now = time.monotonic()
        if self._languages is None or now - self._languages[0] > LANGUAGES_TTL_S:
            from dragoman.languages import name_of
            from dragoman.pipeline.routes import PIVOT_LANGUAGE

            pairs = sorted(set(self.engine.pairs()))
            have = set(pairs)
            codes = sorted({code for pair in pairs for code in pair})
            table = []
            for code in codes:
                targets = {t for s, t in pairs if s == code}
                if code != PIVOT_LANGUAGE and (code, PIVOT_LANGUAGE) in have:
                    targets |= {t for s, t in pairs if s == PIVOT_LANGUAGE and t != code}
                table.append({"code": code, "name": name_of(code), "targets": sorted(targets)})
            self._languages = (now, table, pairs)
        return self._languages[1], self._languages[2]

    def languages(self) -> list[dict[str, Any]]:
        """LibreTranslate's /languages: every language with every target it reaches, pivots through English included."""
        return self._language_table()[0]

    def plan(self, source: str, target: str) -> Route:
        from dragoman.languages import name_of
        from dragoman.pipeline.routes import plan_route

        table, pairs = self._language_table()
        codes = {row["code"] for row in table}
        for code in (source, target):
            if code not in codes:
                raise ApiError(400, f"{code} is not supported")
        try:
            return plan_route(self.engine, source, target, pairs)
        except DragomanError:
            raise ApiError(
                400,
                f"{name_of(target)} ({target}) is not available as a target language from {name_of(source)} ({source})",
            ) from None

    # -- detection ---------------------------------------------------------------------------------

    def detect(self, text: str) -> list[dict[str, Any]]:
        """LibreTranslate's /detect: ``[{confidence (0-100), language}]``, best first, among installed sources."""
        from dragoman.pipeline.langdetect import detect_language

        _, pairs = self._language_table()
        candidates = {s for s, _ in pairs}
        try:
            detection = detect_language(text, candidates, "q")
        except DragomanError as err:
            raise ApiError(400, f"{err.message}; give the source language") from None
        return [
            {"confidence": round(score * 100, 1), "language": lang}
            for lang, score in detection.ranking
            if lang in candidates
        ]

    def detect_sources(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """``detectedLanguage`` per text; a text too short to tell takes the language of all the texts together."""
        overall: dict[str, Any] | None = None
        found: list[dict[str, Any]] = []
        for text in texts:
            try:
                found.append(self.detect(text)[0])
                continue
            except ApiError:
                pass
            if overall is None:
                overall = self.detect("\n".join(texts))[0]
            found.append(overall)
        return found

    # -- translating -------------------------------------------------------------------------------

    def resolve_glossaries(self, names: tuple[str, ...] | None) -> tuple[Glossary | None, tuple[str, ...], list[Any]]:
        chosen = tuple(self.glossaries.default_names) if names is None else names
        try:
            glossary, items = self.glossaries.layered(chosen)
        except UnknownGlossaryError as err:
            raise ApiError(400, str(err)) from None
        return glossary, chosen, items

    async def translate(self, job: Job, disconnected: asyncio.Future[Any] | None = None) -> JobResult:
        """Queue ``job`` for the next batch and wait for it (429 when the queue is full, 503 past the deadline).

        ``disconnected`` completes when the client goes away: the request then leaves the queue unserved.
        """
        assert self.batcher is not None, "the service is not started"
        loop = asyncio.get_running_loop()
        item = WorkItem(
            key=(job.target, job.glossary_names),
            payload=job,
            size=job.chars,
            deadline=loop.time() + self.settings.deadline_s,
        )
        try:
            self.batcher.submit(item)
        except QueueFullError:
            raise ApiError(429, "Slowdown: the translation queue is full", retry_after=RETRY_AFTER_BUSY_S) from None
        waiters: set[asyncio.Future[Any]] = {item.future}
        if disconnected is not None:
            waiters.add(disconnected)
        done, _ = await asyncio.wait(waiters, timeout=self.settings.deadline_s, return_when=asyncio.FIRST_COMPLETED)
        if item.future not in done:
            item.future.cancel()  # the batcher skips it if it has not reached the engine yet
            if disconnected is not None and disconnected in done:
                raise ApiError(499, "client closed the request")
            raise ApiError(503, "Timed out waiting for the translation engine", retry_after=RETRY_AFTER_BUSY_S)
        try:
            result: JobResult = item.future.result()
        except DeadlineError:
            raise ApiError(
                503, "Timed out waiting for the translation engine", retry_after=RETRY_AFTER_BUSY_S
            ) from None
        return result

    def _process(self, items: list[WorkItem]) -> None:
        """In the engine thread: one pipeline run per (target, glossaries) for all the batch's requests."""
        groups: dict[Any, list[WorkItem]] = {}
        for item in items:
            groups.setdefault(item.key, []).append(item)
        for group in groups.values():
            try:
                self._run_group(group)
            except DragomanError as err:
                for item in group:
                    item.error = item.error or ApiError(500, f"Cannot translate text: {err}")

    def _run_group(self, group: list[WorkItem]) -> None:
        from dragoman.pipeline.job import prepare_job
        from dragoman.pipeline.run import InputDoc, Output, parse_inputs, run

        first: Job = group[0].payload
        docs: list[InputDoc] = []
        where: list[list[InputDoc | None]] = []
        for number, item in enumerate(group):
            job: Job = item.payload
            placed: list[InputDoc | None] = []
            if job.files is not None:  # parsed already; a file already in the target language comes back as it is
                for index, upload in enumerate(job.files):
                    upload.name = f"{number}:{index}"
                    if upload.source != job.target:
                        docs.append(upload)
                    placed.append(upload if upload.source != job.target else None)
                where.append(placed)
                continue
            for index, (text, source) in enumerate(zip(job.texts, job.sources)):
                if not text.strip() or source == job.target:
                    placed.append(None)  # nothing to translate: the text comes back as it is
                    continue
                doc = InputDoc(
                    name=f"{number}:{index}", path=None, text=text, format_name=job.format_name, source=source
                )
                docs.append(doc)
                placed.append(doc)
            where.append(placed)
        parse_inputs([doc for doc in docs if doc.document is None])
        good = [doc for doc in docs if doc.error is None]
        outputs: dict[str, Output] = {}
        documents: dict[str, dict[str, Any]] = {}
        errors: list[str] = []
        if good:
            # The job as `dragoman translate` prepares it (pipeline/job.py), with the service's own engine.
            with prepare_job(
                source="auto",
                targets=[first.target],
                glossary=first.glossary,
                engine=self.engine,
                write=False,
                use_memory=self._memory is not None,
                include_drafts=self.settings.use_drafts,
            ) as prepared:
                result = run(prepared.job, self.engine, self._memory, docs=good)
            outputs = {out.input: out for out in result.outputs}
            documents = {doc["path"]: doc for doc in result.report.get("documents", [])}
            errors = result.errors
        for item, placed in zip(group, where):
            job = item.payload
            bad = next((doc for doc in placed if doc is not None and doc.error is not None), None)
            if bad is not None:
                item.error = ApiError(400, f"Invalid request: {str(bad.error).split(': ', 1)[-1]}")
                continue
            lost = next((doc for doc in placed if doc is not None and doc.name not in outputs), None)
            if lost is not None:  # rendering refused it (a container the writer cannot rebuild)
                said = next((e for e in errors if e.startswith(lost.name)), "the translation could not be rendered")
                item.error = ApiError(400, f"Invalid request: {said.split(': ', 1)[-1]}")
                continue
            texts = [
                text if doc is None else outputs[doc.name].text for text, doc in zip(job.texts, placed, strict=True)
            ]
            reports = [None if doc is None else documents.get(doc.name) for doc in placed]
            files: list[bytes] = []
            for upload, translated in zip(job.files or [], placed if job.files else [], strict=True):
                if translated is None:  # already in the target language
                    files.append(upload.data if upload.data is not None else (upload.text or "").encode("utf-8"))
                    continue
                out = outputs[translated.name]
                files.append(out.data if out.data is not None else out.text.encode("utf-8"))
            item.result = JobResult(texts=texts, documents=reports, files=files)
        self._alternatives(group, where)

    def _alternatives(self, group: list[WorkItem], where: list[list[Any]]) -> None:
        """``alternatives``: the model's other n-best hypotheses, one engine call per language pair.

        Only without a glossary, in plain text and on a direct route: an unenforced alternative could contradict
        the glossary the translation obeys, so with one in force the enforced translation is the only answer.
        """
        from dragoman.engines.base import BatchOptions

        wanted: dict[tuple[str, str, int], list[tuple[JobResult, int, str]]] = {}
        pairs: set[tuple[str, str]] | None = None
        for item, placed in zip(group, where):
            job: Job = item.payload
            result: JobResult | None = item.result
            if result is None or not job.alternatives:
                continue
            result.alternatives = [[] for _ in job.texts]
            if job.glossary is not None or job.format_name != "txt":
                continue
            pairs = pairs if pairs is not None else set(self.engine.pairs())
            for index, (text, source, doc) in enumerate(zip(job.texts, job.sources, placed)):
                if doc is not None and (source, job.target) in pairs:
                    wanted.setdefault((source, job.target, job.alternatives), []).append((result, index, text))
        for (source, target, count), asks in wanted.items():
            hyps = self.engine.translate_batch(
                [text for _, _, text in asks], source, target, BatchOptions(num_hypotheses=count + 1)
            )
            for (result, index, _), options in zip(asks, hyps):
                first = result.texts[index]
                result.alternatives[index] = [h.text for h in options if h.text != first][:count]

    # -- the response --------------------------------------------------------------------------------

    def glossary_object(self, job: Job, result: JobResult, items: list[Any], is_list: bool) -> dict[str, Any] | None:
        """The ``glossary`` object of a response: what LibreTranslate clients ignore and the web page shows."""
        if job.glossary is None:
            return None
        from dragoman.glossary.yamlio import entry_to_data
        from dragoman.pipeline.report import SUMMARY_KEYS

        parts = []
        summary = {key: 0 for key in SUMMARY_KEYS}
        used: dict[str, Any] = {}
        for report in result.documents:
            if report is None:
                parts.append({"summary": {key: 0 for key in SUMMARY_KEYS}, "occurrences": []})
                continue
            part = {k: v for k, v in report.items() if k not in ("path", "output", "source", "target")}
            parts.append(part)
            for key in SUMMARY_KEYS:
                summary[key] += int(report.get("summary", {}).get(key, 0))
            for occ in report.get("occurrences", []):
                entry = job.glossary.get(occ.get("entry_id", ""))
                if entry is not None:
                    used[entry.id] = entry_to_data(entry)
        body: dict[str, Any] = {
            "names": list(job.glossary_names),
            "summary": summary,
            "entries": used,
            "warnings": [f"{item.name}: {item.error}" for item in items if item.error],
        }
        if is_list:
            body["items"] = parts
        else:
            body.update(parts[0])
        return body

    def stats(self) -> dict[str, Any]:
        batcher = self.batcher
        return {
            "engine_calls": self.engine.calls,
            "engine_segments": self.engine.segments,
            "queue": batcher.waiting if batcher else 0,
            **(batcher.stats.to_dict() if batcher else {}),
        }


__all__ = [
    "ApiError",
    "Job",
    "JobResult",
    "ServerSettings",
    "TranslateRequest",
    "TranslationService",
    "parse_translate",
]
