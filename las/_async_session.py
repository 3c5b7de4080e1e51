"""How las talks to the API from asyncio: the same requests as :class:`las.Session`, sent with aiohttp.

:class:`AsyncSession` is the async executor behind :class:`las.AsyncClient`. It follows the
sync Session's rules (see :mod:`las.session`): what is retried, ``Retry-After``, the
idempotency rules, the token refresh after a 401/403 and the exceptions raised are the same.

Its own rules:

- One access token for all tasks: the first task that needs one fetches it (through the same
  :class:`las.Credentials`, its file cache and its thread lock) while the others wait on an
  ``asyncio.Lock``.
- The success path is one send and one decode: no retry machinery is entered until an attempt
  has failed in a retryable way.
- Cancellation is never retried or swallowed, so ``asyncio.timeout()`` (or ``wait_for``) around
  any call works, and a call cancelled during a retry wait stops there.
- Connections: at most ``max_connections`` open at once, reused across calls (keep-alive); give
  it at least the number of calls you run concurrently.

Requires the ``async`` extra: ``pip install 'las[async]'`` (aiohttp).
"""

from __future__ import annotations

import asyncio
import io
import json as jsonlib
import logging
import random
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

import aiohttp
import requests
from requests.structures import CaseInsensitiveDict

from .credentials import Credentials, read_credentials
from .exceptions import (
    InvalidCredentialsException,
    LimitExceededException,
    ServerError,
    TooManyRequestsException,
    error_for_response,
    invalid_body_error,
)
from .session import (
    _BACKOFF_BASE,
    _BACKOFF_MAX,
    DEFAULT_TIMEOUT,
    IDEMPOTENT_METHODS,
    RETRYABLE_SERVER_STATUSES,
    Timeout,
    parse_retry_after,
)

__all__ = ["AsyncSession"]

log = logging.getLogger("las.session")

DEFAULT_MAX_CONNECTIONS = 100
_LARGE_BODY = 256 * 1024  # bodies from this size are written by aiohttp in chunks, not at once


class _Retry(Exception):
    """Internal: a failed attempt that may be repeated (after ``wait`` seconds when known)."""

    def __init__(self, error: BaseException, wait: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


class _Call:
    """One prepared request: everything needed to send it again."""

    __slots__ = ("data", "headers", "idempotent", "method", "params", "path", "timeout", "url")

    def __init__(
        self,
        method: str,
        url: str,
        path: str,
        params: Mapping[str, Any] | None,
        data: bytes | None,
        idempotent: bool,
        timeout: aiohttp.ClientTimeout | None,
    ) -> None:
        self.method = method
        self.url = url
        self.path = path
        self.params = _query_pairs(params)
        self.data = data
        self.headers = {"Content-Type": "application/json"} if data is not None else {}
        self.idempotent = idempotent
        self.timeout = timeout


def _query_pairs(params: Mapping[str, Any] | None) -> list[tuple[str, str]] | None:
    """Query parameters as aiohttp takes them; a list value becomes repeated parameters (as in requests)."""
    if not params:
        return None
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((key, _query_value(item)) for item in values if item is not None)
    return pairs


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"  # what requests sends
    return str(value)


def _client_timeout(timeout: Timeout) -> aiohttp.ClientTimeout:
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)


def _requests_response(
    status: int, headers: Mapping[str, str], content: bytes, url: str
) -> requests.Response:
    """The answer as a ``requests.Response``: the type :class:`las.APIError` carries on both sides."""
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict(headers)
    response._content = content
    response.url = url
    return response


class AsyncSession:
    """Credentials plus one aiohttp connection pool, for use from one event loop.

    Args:
        credentials: defaults to :func:`las.credentials.read_credentials` (environment, then
            ``~/.lucidtech/credentials.cfg``), read when the AsyncSession is made.
        timeout: seconds, or (connect, read) seconds, for each request.
        max_retries: attempts after the first for a retryable failure (as :class:`las.Session`).
        max_retry_wait: upper bound in seconds on the total time spent waiting between attempts.
        max_connections: connections open to the API at most; at least your concurrency.

    The connections are opened on the first request, in the running event loop, and belong to
    it until ``await session.close()`` (or the end of ``async with``); after that the session
    may be used again, from any loop.

    Example::

        async with las.AsyncSession(max_connections=64) as session:
            client = las.AsyncClient(session=session)
            document = await client.get_document(document_id)
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 5,
        max_retry_wait: float = 120.0,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be 1 or more, got {max_connections}")
        self.credentials = credentials or read_credentials()
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.max_connections = max_connections
        self.api_endpoint = self.credentials.api_endpoint
        self._client_timeout = _client_timeout(timeout)
        self._http: aiohttp.ClientSession | None = None
        self._proxy: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._token_lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"AsyncSession(api_endpoint={self.api_endpoint!r}, client_id={self.credentials.client_id!r})"

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the pooled connections. The session opens new ones if used again."""
        http, self._http = self._http, None
        if http is not None:
            await http.close()

    def _pool(self) -> aiohttp.ClientSession:
        if self._http is not None:
            if self._loop is not asyncio.get_running_loop():
                raise RuntimeError(
                    "this AsyncSession has connections open in another event loop; close it there "
                    "(await session.close(), or `async with`) or make one AsyncSession per loop"
                )
            return self._http
        loop = asyncio.get_running_loop()
        if self._http is None:
            connector = aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=0)
            self._http = aiohttp.ClientSession(
                connector=connector,
                headers={"Accept": "application/json", "User-Agent": "las-python"},
                timeout=self._client_timeout,
            )
            self._loop = loop
            self._token_lock = asyncio.Lock()
            self._proxy = proxy_from_environment(self.api_endpoint)
        return self._http

    async def _access_token(self) -> str:
        """The current token, fetched once for all tasks when there is none (or it expired)."""
        credentials = self.credentials
        token = credentials._token
        if token is not None and time.time() < credentials._expires_at:
            return token
        async with self._token_lock:
            # The sync fetch, cache file and thread lock, off the event loop: one fetch for
            # every task here and every thread sharing these credentials.
            return await asyncio.to_thread(credentials.access_token)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        body: Any = None,
        idempotent: bool | None = None,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> Any:
        """Send one API request and return its decoded JSON (None for an empty answer).

        Arguments as :meth:`las.Session.request`; ``body`` may be bytes or a readable file
        object (such as :class:`las.content.JsonBodyWithContent`, read in a worker thread).

        Raises:
            APIError: a subclass per status family (see :mod:`las.exceptions`).
            aiohttp.ClientError: a connection error or timeout after the retries.
            asyncio.CancelledError: the calling task was cancelled; the request is not retried.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        data: bytes | None = None
        if json is not None:
            data = jsonlib.dumps(json, separators=(",", ":")).encode()
        elif isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        elif body is not None:
            data = await asyncio.to_thread(_read_all, body)
        call = _Call(
            method,
            self.api_endpoint + path,
            path,
            params,
            data,
            idempotent,
            None if timeout is None else _client_timeout(timeout),
        )
        try:
            return await self._attempt(call)
        except _Retry as first_failure:
            retries = self.max_retries if max_retries is None else max_retries
            if retries == 0:
                raise first_failure.error from None
            return await self._retry(call, first_failure, retries)

    async def _retry(self, call: _Call, failure: _Retry, retries: int) -> Any:
        """Repeat a failed call under the retry policy; the first failure counts as attempt 1."""
        waited = 0.0
        for attempt in range(1, retries + 1):
            wait = failure.wait
            if wait is None:
                wait = random.uniform(0, min(_BACKOFF_MAX, _BACKOFF_BASE * 2 ** (attempt - 1)))
            if waited + wait > self.max_retry_wait:
                break
            log.info(
                "retrying %s %s in %.2fs after: %s (attempt %d of %d)",
                call.method,
                call.path,
                wait,
                failure.error,
                attempt + 1,
                retries + 1,
            )
            await asyncio.sleep(wait)
            waited += wait
            try:
                return await self._attempt(call)
            except _Retry as again:
                failure = again
        raise failure.error

    async def _attempt(self, call: _Call, refreshed: bool = False) -> Any:
        """One send of a call: its decoded answer, a ``_Retry``, or the exception to raise."""
        http = self._pool()
        token = await self._access_token()
        headers = {"Authorization": f"Bearer {token}", **call.headers}
        try:
            async with http.request(
                call.method,
                call.url,
                params=call.params,
                data=call.data
                if call.data is None or len(call.data) < _LARGE_BODY
                else io.BytesIO(call.data),
                headers=headers,
                timeout=call.timeout or self._client_timeout,
                proxy=self._proxy,
            ) as response:
                content = await response.read()
                status = response.status
                answer_headers = response.headers
        except aiohttp.ClientConnectorError as error:
            # Nothing was sent: the connection could not be opened.
            log.debug("%s %s failed: %s", call.method, call.path, type(error).__name__)
            raise _Retry(error) from None
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as error:
            # Dropped connections and read timeouts (ServerTimeoutError is a connection error)
            # may come after the API did the work: only idempotent requests are sent again.
            log.debug("%s %s failed: %s", call.method, call.path, type(error).__name__)
            if call.idempotent:
                raise _Retry(error) from None
            raise
        if status < 400:
            if status == 204 or not content:
                return None
            try:
                return jsonlib.loads(content)
            except ValueError:
                response_ = _requests_response(status, answer_headers, content, call.url)
                raise invalid_body_error(response_, call.method, call.path) from None
        retry_after = parse_retry_after(answer_headers.get("Retry-After"))
        response_ = _requests_response(status, answer_headers, content, call.url)
        failure = error_for_response(response_, call.method, call.path, retry_after=retry_after)
        if isinstance(failure, InvalidCredentialsException) and not refreshed:
            # The token may have expired or been revoked: refresh it once for all tasks and resend.
            await asyncio.to_thread(self.credentials.invalidate, token)
            return await self._attempt(call, refreshed=True)
        if isinstance(failure, TooManyRequestsException) and not isinstance(failure, LimitExceededException):
            raise _Retry(failure, retry_after)
        if isinstance(failure, ServerError) and status in RETRYABLE_SERVER_STATUSES and call.idempotent:
            raise _Retry(failure, retry_after)
        raise failure


def proxy_from_environment(url: str) -> str | None:
    """The proxy requests would use for ``url``: ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``
    unless ``NO_PROXY`` names its host. Read once per connection pool, not per request (aiohttp's
    own ``trust_env`` would also read ``~/.netrc`` and refuse our Authorization header)."""
    proxies = urllib.request.getproxies_environment()
    if not proxies:
        return None
    parts = urllib.parse.urlsplit(url)
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxies.get(parts.scheme) or proxies.get("all")


def _read_all(body: Any) -> bytes:
    """A prepared body file read whole (it is at most the API's size limit, about 6.3 MB)."""
    seek = getattr(body, "seek", None)
    if seek is not None:
        seek(0)
    chunks: list[bytes] = []
    while True:
        chunk = body.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
