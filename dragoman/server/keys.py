"""API keys for the server: a YAML file of SHA-256 hashes (never the keys), compared in constant time, with
per-key request-rate and character limits; and the sliding-window rate limiter they feed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import DragomanError

KEY_BYTES = 24  # 192 random bits: a plain SHA-256 of such a key cannot be brute-forced, so no slow KDF is needed


class KeyFileError(DragomanError):
    """The API key file cannot be read."""


@dataclass(frozen=True)
class ApiKey:
    name: str
    digest: bytes  # sha256 of the key
    req_limit: int = -1  # requests per minute (-1: none)
    char_limit: int = -1  # characters per request (-1: the server's --char-limit)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def load_keys(path: Path) -> list[ApiKey]:
    """Read ``path``: ``keys: [{name, sha256, req_limit?, char_limit?}]``; KeyFileError naming what is wrong."""
    import yaml

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise KeyFileError(f"{path}: cannot read the API key file ({err.strerror or err})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise KeyFileError(f"{path}: not a valid YAML key file ({err})", "see docs/server.md for the format") from None
    items = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise KeyFileError(
            f"{path}: no 'keys:' list", "create keys with 'dragoman serve --api-keys FILE --new-key NAME'"
        )
    keys: list[ApiKey] = []
    for number, item in enumerate(items, 1):
        where = f"{path}: key {number}"
        if not isinstance(item, dict) or not isinstance(item.get("sha256"), str):
            raise KeyFileError(
                f"{where} has no 'sha256' value", "each key needs name and sha256 (the hash, never the key)"
            )
        try:
            digest = bytes.fromhex(item["sha256"])
        except ValueError:
            raise KeyFileError(f"{where}: 'sha256' is not a hex digest") from None
        if len(digest) != 32:
            raise KeyFileError(f"{where}: 'sha256' must be 64 hex digits")
        limits = []
        for field in ("req_limit", "char_limit"):
            value = item.get(field, -1)
            if not isinstance(value, int) or isinstance(value, bool) or (value < 1 and value != -1):
                raise KeyFileError(f"{where}: {field} must be a positive whole number or -1 (no limit)")
            limits.append(value)
        keys.append(ApiKey(str(item.get("name") or f"key{number}"), digest, limits[0], limits[1]))
    return keys


def new_key(path: Path, name: str, req_limit: int = -1, char_limit: int = -1) -> str:
    """Add a fresh random key's hash to ``path`` (created if missing; comments kept) and return the key, which
    is shown once and stored nowhere."""
    import io

    from ruamel.yaml import YAML

    from dragoman.fsutil import atomic_write_text

    if path.exists():
        load_keys(path)  # refuse to extend a file that is already broken
        yaml = YAML()
        data = yaml.load(path.read_text(encoding="utf-8"))
    else:
        yaml = YAML()
        data = yaml.load("# API keys of 'dragoman serve': SHA-256 hashes only, never the keys themselves.\nkeys:\n")
    if data.get("keys") is None:
        data["keys"] = []
    if any(str(item.get("name")) == name for item in data["keys"]):
        raise KeyFileError(f"{path}: a key named {name!r} exists already", "choose another name or remove that key")
    key = generate_key()
    entry: dict[str, Any] = {"name": name, "sha256": hash_key(key)}
    if req_limit != -1:
        entry["req_limit"] = req_limit
    if char_limit != -1:
        entry["char_limit"] = char_limit
    data["keys"].append(entry)
    out = io.StringIO()
    yaml.dump(data, out)
    atomic_write_text(path, out.getvalue())
    return key


class KeyRing:
    """The keys of a file; ``lookup`` compares against every key in constant time (no early exit)."""

    def __init__(self, keys: list[ApiKey]) -> None:
        self.keys = keys

    @classmethod
    def from_file(cls, path: Path) -> KeyRing:
        return cls(load_keys(path))

    def lookup(self, key: str) -> ApiKey | None:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        found: ApiKey | None = None
        for candidate in self.keys:
            if hmac.compare_digest(candidate.digest, digest):
                found = candidate
        return found


class RateLimiter:
    """Requests per minute per identity (a key's name or a client address), in a sliding window."""

    WINDOW_S = 60.0
    MAX_IDENTITIES = 100_000  # bounded memory under a flood of addresses

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, identity: str, limit: int) -> float | None:
        """Record a request; None when allowed, else the seconds until the next one would be."""
        if limit < 0:
            return None
        now = time.monotonic()
        with self._lock:
            hits = self._hits.get(identity)
            if hits is None:
                if len(self._hits) >= self.MAX_IDENTITIES:
                    self._hits.clear()
                hits = self._hits[identity] = deque()
            while hits and now - hits[0] >= self.WINDOW_S:
                hits.popleft()
            if len(hits) >= limit:
                return max(0.0, self.WINDOW_S - (now - hits[0]))
            hits.append(now)
            return None


def generate_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


__all__ = ["ApiKey", "KeyFileError", "KeyRing", "RateLimiter", "generate_key", "hash_key", "load_keys", "new_key"]
