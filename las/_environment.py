"""What a request's proxy and CA bundle depend on in the process environment, told cheaply.

requests and urllib find the proxy variables by walking the whole environment (twice per
request, in requests: 40 µs with 40 variables). :func:`environment_fingerprint` gives the names
and values of just the variables they read, found in one pass in C, and :class:`KeptAnswers`
keeps an answer computed from the environment until one of them changes.
"""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import requests.utils

# Proxies come from the environment alone: the urllib functions requests calls are the
# environment's (POSIX other than macOS). Elsewhere requests answers each time.
_ENVIRONMENT_ONLY = (
    urllib.request.getproxies is urllib.request.getproxies_environment
    and urllib.request.proxy_bypass is getattr(urllib.request, "proxy_bypass_environment", None)
)
# The environment's functions, as requests calls them (through its own names for them, which a
# program may patch: requests' answers then come from elsewhere, and are not kept).
_GETPROXIES = urllib.request.getproxies_environment
_PROXY_BYPASS = getattr(urllib.request, "proxy_bypass_environment", None)
# The names of the proxy variables, any case, in the names joined by NUL.
_PROXY_NAMES = re.compile(rb"(?:^|(?<=\0))[^\0]*_proxy(?=\0|\Z)", re.IGNORECASE)
_OTHER_NAMES = (b"REQUEST_METHOD", b"REQUESTS_CA_BUNDLE", b"CURL_CA_BUNDLE")


def environment_fingerprint() -> tuple[object, ...] | None:
    """The names and values of every variable requests and urllib read for a request's proxy and
    CA bundle (every ``*_proxy`` in any case, ``REQUEST_METHOD``, ``REQUESTS_CA_BUNDLE``,
    ``CURL_CA_BUNDLE``), or None where they cannot be read cheaply or are not the only source
    (the caller then reads the environment itself)."""
    if (
        not _ENVIRONMENT_ONLY
        or getattr(requests.utils, "getproxies", None) is not _GETPROXIES  # (not in its stubs)
        or getattr(requests.utils, "proxy_bypass", None) is not _PROXY_BYPASS
    ):
        return None
    # The environment as the os module keeps it, read where requests reads it: os.environ,
    # whose names and values are bytes on POSIX. Anything else (os.environ replaced by a plain
    # dict, say) is left to requests.
    data = getattr(os.environ, "_data", None)
    if type(data) is not dict:
        return None
    try:
        names = b"\0".join(data)
    except TypeError:  # not bytes
        return None
    proxies: tuple[bytes, ...] = ()
    if b"_proxy" in names.lower():
        proxies = tuple(_PROXY_NAMES.findall(names))
    return (*proxies, *map(data.get, proxies), *map(data.get, _OTHER_NAMES))


def host_part(url: str) -> str:
    """The start of ``url`` up to the first ``/`` after its first ``//`` (the whole ``url`` when it
    has none): it holds the scheme and the whole host and port (they cannot hold a ``/``), so
    URLs with the same start share host and port, whatever the scheme's length (``http+unix://``,
    a scheme a mounted adapter serves)."""
    start = url.find("//")
    end = url.find("/", start + 2) if start >= 0 else -1
    return url if end < 0 else url[:end]


T = TypeVar("T")


class KeptAnswers(Generic[T]):
    """Answers computed from the environment (a proxy, requests' settings), each kept under its
    key until the environment's fingerprint changes; at most :attr:`size` of them (past it,
    they start over). Where there is no fingerprint, every answer is computed afresh."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._kept: dict[tuple[Hashable, tuple[object, ...]], T] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def answer(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer kept for ``key`` in the current environment, or ``compute()``'s, kept unless
        the environment changed while it was computed (another thread's change: kept under the
        earlier fingerprint, it would be served once the variables were put back)."""
        fingerprint = environment_fingerprint()
        if fingerprint is None:
            return compute()
        full_key = (key, fingerprint)
        try:
            return self._kept[full_key]
        except KeyError:
            pass
        answer = compute()
        if environment_fingerprint() == fingerprint:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[full_key] = answer
        return answer
