"""HTTP(S)/file downloads with retries, backoff, size and checksum checks, on the standard library.

urllib is enough for one GET per file; requests/httpx would be a dependency for no gain here.
"""

from __future__ import annotations

import errno
import hashlib
import io
import socket
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urljoin, urlsplit

from dragoman import __version__
from dragoman.errors import PackageError
from dragoman.packages.model import DownloadPolicy, Limits, ProgressCallback

if TYPE_CHECKING:
    from http.client import HTTPResponse

_CHUNK = 256 * 1024
_SCHEMES = ("http", "https", "file")
# Statuses worth asking again for; anything else in 4xx means this link will not work.
_RETRY_STATUS = {408, 425, 429}
_NO_ROUTE = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH}


# Indirection so tests can record the backoff instead of waiting for it.
_sleep = time.sleep


class _Retry(Exception):
    """This attempt failed in a way another attempt at the same link may not."""


class _NextLink(Exception):
    """This link will not work; try the next one."""


def resolve_link(link: str, base_url: str | None) -> str:
    """Absolute URL for an index link (relative links are relative to the index itself)."""
    return urljoin(base_url, link) if base_url else link


def download_to(
    links: Sequence[str],
    dest: Path,
    *,
    what: str,
    base_url: str | None = None,
    expected_size: int | None = None,
    sha256: str | None = None,
    limits: Limits | None = None,
    policy: DownloadPolicy | None = None,
    progress: ProgressCallback | None = None,
) -> str:
    """Download the first working link into `dest` (a .argosmodel zip, verified); return the URL used."""
    limits = limits or Limits()
    policy = policy or DownloadPolicy()
    failures: dict[str, str] = {}  # url -> why its last attempt failed
    usable = 0
    for link in links:
        url = resolve_link(link, base_url)
        if urlsplit(url).scheme not in _SCHEMES:
            continue  # e.g. ipfs:// links in Argos's index
        usable += 1
        for attempt in range(policy.retries + 1):
            if attempt:
                _sleep(policy.backoff_s * 2 ** (attempt - 1))
            try:
                with open(dest, "wb") as out:
                    _fetch(url, out, expected_size, limits.max_total_bytes, policy, progress)
                _verify_file(dest, sha256, limits)
                return url
            except _Retry as err:
                failures[url] = str(err)
            except _NextLink as err:
                failures[url] = str(err)
                break
    if not usable:
        raise PackageError(
            f"{what}: the index gives no http(s) link to download it",
            "download the .argosmodel file yourself and run 'dragoman models install FILE.argosmodel'",
        )
    raise PackageError(
        f"could not download {what} ({'; '.join(f'{url}: {why}' for url, why in failures.items())})",
        "check the connection and retry, or download the file yourself and run "
        "'dragoman models install FILE.argosmodel'",
    )


def fetch_bytes(url: str, *, max_bytes: int, policy: DownloadPolicy | None = None) -> bytes:
    """GET a small document (the index) with the same retries; PackageError when it cannot be had."""
    policy = policy or DownloadPolicy()
    last = ""
    for attempt in range(policy.retries + 1):
        if attempt:
            _sleep(policy.backoff_s * 2 ** (attempt - 1))
        buffer = io.BytesIO()
        try:
            _fetch(url, buffer, None, max_bytes, policy, None)
            return buffer.getvalue()
        except _Retry as err:
            last = str(err)
        except _NextLink as err:
            last = str(err)
            break
    raise PackageError(f"cannot download the package index from {url} ({last})")


def _fetch(
    url: str,
    out: BinaryIO,
    expected_size: int | None,
    max_bytes: int,
    policy: DownloadPolicy,
    progress: ProgressCallback | None,
) -> None:
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": f"dragoman/{__version__}"})
    try:
        response: HTTPResponse = urllib.request.urlopen(request, timeout=policy.timeout_s)
    except urllib.error.HTTPError as err:
        err.close()
        if err.code >= 500 or err.code in _RETRY_STATUS:
            raise _Retry(f"HTTP {err.code} {err.reason}") from None
        raise _NextLink(f"HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, socket.gaierror):
            # Name resolution failed: offline or a wrong host; asking again will not help.
            raise _NextLink(f"cannot resolve host ({reason.strerror or reason})") from None
        if isinstance(reason, FileNotFoundError):
            raise _NextLink("no such file") from None
        if isinstance(reason, OSError) and reason.errno in _NO_ROUTE:
            # Nothing listens there or there is no route: fail fast, as a wrong link would.
            raise _NextLink(_describe(reason)) from None
        raise _Retry(_describe(reason) if isinstance(reason, BaseException) else str(reason)) from None
    except (OSError, http.client.HTTPException) as err:
        raise _Retry(_describe(err)) from None
    with response:
        total = _content_length(response)
        if total is not None and expected_size is not None and total != expected_size:
            raise _NextLink(f"server sends {total} bytes, the index says {expected_size}")
        if total is not None and total > max_bytes:
            raise _NextLink(f"{total} bytes is more than the limit of {max_bytes}")
        done = 0
        if progress:
            progress(0, total)
        try:
            while chunk := response.read(_CHUNK):
                done += len(chunk)
                if done > max_bytes:
                    raise _NextLink(f"more than the limit of {max_bytes} bytes")
                out.write(chunk)
                if progress:
                    progress(done, total)
        except http.client.IncompleteRead as err:
            got = done + len(err.partial)
            raise _Retry(f"truncated: got {got} of {total if total is not None else '?'} bytes") from None
        except (OSError, http.client.HTTPException) as err:
            raise _Retry(_describe(err)) from None
    if total is not None and done != total:
        raise _Retry(f"truncated: got {done} of {total} bytes")
    if expected_size is not None and done != expected_size:
        raise _Retry(f"got {done} bytes, the index says {expected_size}")


def _content_length(response: HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def _verify_file(path: Path, sha256: str | None, limits: Limits) -> None:
    """Checksum (when the index gives one) and zip integrity, so a bad mirror falls back to the next link."""
    if sha256:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        if digest.hexdigest().lower() != sha256.lower().removeprefix("sha256:"):
            raise _NextLink("SHA-256 checksum does not match the index")
    if not zipfile.is_zipfile(path):
        raise _Retry("the download is not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(info.file_size for info in archive.infolist())
            if declared > limits.max_total_bytes:
                # Checked before testzip, which would otherwise decompress a zip bomb.
                raise _NextLink(f"would unpack to {declared} bytes, more than the limit of {limits.max_total_bytes}")
            bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise _Retry(f"corrupt zip ({_describe(err)})") from None
    if bad is not None:
        raise _Retry(f"corrupt zip (bad CRC in {bad!r})")


def _describe(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text or type(err).__name__
