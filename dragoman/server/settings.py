"""What `dragoman serve` was started with (defaults as LibreTranslate's: 127.0.0.1:5000, no keys, no limits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 5000
    engine: str = "argos"
    glossaries: list[Path] = field(default_factory=list)  # -g: the default glossary, layered in order
    glossary_dir: Path | None = None  # named glossaries, chosen per request
    api_keys: Path | None = None  # a key file (hashed keys); when set, every API request needs a key
    char_limit: int = -1  # characters per request (-1: none), as LibreTranslate's --char-limit
    batch_limit: int = -1  # items of a list `q` (-1: none), as LibreTranslate's --batch-limit
    req_limit: int = -1  # requests per minute per client without a key's own limit (-1: none)
    batch_wait_ms: float = 10.0  # how long the first request of a batch waits for others
    queue_limit: int = 256  # requests waiting for the engine; beyond it: 429 with Retry-After
    deadline_s: float = 60.0  # a request not translated by then gets 503 (and leaves the queue)
    max_body_bytes: int = 2 * 1024 * 1024  # larger bodies get 413 before they are read
    use_memory: bool = True  # the translation memory, as `dragoman translate`
    use_drafts: bool = False
    files_ttl_s: float = 1800.0  # translated files are downloadable for this long
    web_ui: bool = True
