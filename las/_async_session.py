"""How las talks to the API from asyncio: the sync Session's rules, sent with aiohttp.

:class:`AsyncSession` is the async executor behind :class:`las.AsyncClient`. Every decision --
what is retried, ``Retry-After``, the idempotency rules, the deadline, the token refresh after a
401/403 and the exceptions raised -- is :mod:`las._policy`'s, the same pure functions the sync
:class:`las.Session` obeys. This module is only the loop that sends and obeys:
prepare -> send -> judge -> (sleep | refresh | return | raise).

Its own rules:

- One access token for all tasks: the first task that needs one fetches it while the others
  wait on an ``asyncio.Lock``, each until its own deadline at most; the token's lifetime and its
  file cache are :class:`las.Credentials`' (shared with the sync Session), the fetch goes
  through aiohttp and the same policy.
- The success path is one send and one decode: nothing is built for retrying until an attempt
  has failed in a retryable way.
- Cancellation is never retried or swallowed, so ``asyncio.timeout()`` (or ``wait_for``) around
  any call works, and a call cancelled during a retry wait stops there.
- Connections: at most ``max_connections`` open at once, reused across calls (keep-alive); give
  it at least the number of calls you run concurrently.

Requires the ``async`` extra: ``pip install 'lucidtech-las-sdk[async]'`` (aiohttp).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import io
import logging
import math
import os
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, ClassVar, Literal, cast, overload

import aiohttp
import requests.utils

from ._environment import KeptAnswers, host_part
from ._files import discard_download
from ._fork import track
from ._options import ResponseHook, SessionOptions
from ._policy import (
    CERTIFICATE_REFUSED,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    LOST,
    NOT_SENT,
    PROXY_HINT,
    TIMED_OUT,
    Attempts,
    Call,
    Fail,
    Limits,
    Outcome,
    Timeout,
    TokenWaitExpired,
    Verdict,
    deadline_exceeded,
    invalid_body,
    judge,
    judge_failure,
    make_call,
    refused_certificate,
    token_wait_expired,
)
from ._response import RawResponse
from ._version import __version__
from ._watchdog import DEADLINE, Attempt, Watchdog, WatchedConnector
from .credentials import TOKEN_LIMITS, Credentials
from .exceptions import DeadlineExceeded

__all__ = ["AsyncSession"]

log = logging.getLogger("las.session")

DEFAULT_MAX_CONNECTIONS = 100
_LARGE_BODY = 256 * 1024  # bodies from this size are written by aiohttp in chunks, not at once


class _Shared:
    """What an AsyncSession and its :meth:`AsyncSession.with_options` views share."""

    __slots__ = (
        "__weakref__",
        "count",
        "hooks",
        "http",
        "loop",
        "max_connections",
        "token_lock",
        "watchdog",
    )

    def __init__(self, max_connections: int) -> None:
        self.max_connections = max_connections
        self.http: aiohttp.ClientSession | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.token_lock = asyncio.Lock()
        self.watchdog: Watchdog | None = None  # with the pool
        self.count = 0
        self.hooks: tuple[ResponseHook, ...] = ()
        track(self)

    def after_fork_in_child(self) -> None:
        """In a forked child: leave the parent's pool to the parent, untouched.

        Closing it here would act on the parent's connections (aiohttp takes each socket out of
        the loop's selector, which a forked child shares with its parent, so the parent would
        never hear its answers), and so would aiohttp's finalizer of an unclosed pool; the pool
        is abandoned instead, and the child opens its own on its next use.
        """
        http, self.http = self.http, None
        if http is not None:
            _abandon(http)
        self.loop = None
        self.watchdog = None
        self.token_lock = asyncio.Lock()

    def pool(self, api_endpoint: str) -> aiohttp.ClientSession:
        """The connection pool of the running loop (opened on first use)."""
        loop = asyncio.get_running_loop()
        if self.http is not None:
            if self.loop is not loop:
                raise RuntimeError(
                    "this AsyncSession has connections open in another event loop; close it there "
                    "(await session.close(), or `async with`) or make one AsyncSession per loop"
                )
            return self.http
        self.watchdog = Watchdog(loop)
        self.http = aiohttp.ClientSession(
            connector=WatchedConnector(self.watchdog, limit=self.max_connections, limit_per_host=0),
            headers={"Accept": "application/json", "User-Agent": f"las-python/{__version__}"},
            timeout=aiohttp.ClientTimeout(total=None),
            auto_decompress=True,
        )
        self.loop = loop
        self.token_lock = asyncio.Lock()
        return self.http


_ABANDONED: list[aiohttp.ClientSession] = []
"""In a forked child, the parent's pools: kept, so that nothing ever finalizes them here."""


def _abandon(http: aiohttp.ClientSession) -> None:
    connector = http.connector
    if isinstance(connector, WatchedConnector):
        connector.abandon()
    _ABANDONED.append(http)


class AsyncSession(SessionOptions):
    """Credentials plus one aiohttp connection pool, for use from one event loop at a time.

    Args:
        credentials: defaults to :func:`las.credentials.read_credentials` (environment, then
            ``~/.lucidtech/credentials.cfg``), read when the AsyncSession is made.
        timeout: seconds, or (connect, read) seconds, for each request.
        max_retries: attempts after the first for a retryable failure (see :mod:`las._policy`).
        max_retry_wait: upper bound in seconds on the total time spent waiting between attempts.
        deadline: seconds a whole call may take, every attempt and wait included (default 300).
        lazy: stored for the resource layer, as on :class:`las.Session`.
        max_connections: connections open to the API at most; at least your concurrency.
        contract: the API contract to speak (:mod:`las.contracts`); default the credentials'.
        profile: the section of ``~/.lucidtech/credentials.cfg`` to read the credentials from
            when ``credentials`` is not given (as ``LAS_PROFILE`` does; the environment's
            ``LAS_CLIENT_ID`` and the rest still come first); default ``LAS_PROFILE``, else
            ``default``.

    Raises:
        MissingCredentials: ``credentials`` not given, and a value is in neither the environment
            nor the profile (the message names each value and every place looked at).
        CredentialsFileError: the credentials file cannot be read or parsed.
        TypeError: both ``credentials`` and ``profile``.
        ValueError: an empty ``profile``, or an option no call could honour.

    The connections are opened on the first request, in the running event loop, and belong to
    it until ``await session.close()`` (or the end of ``async with``); after that the session
    may be used again, from any loop.

    Example::

        async with las.AsyncSession(max_connections=64, deadline=60) as session:
            client = las.AsyncClient(session=session)
            document = await client.get_document(document_id)
            quick = las.AsyncClient(session=session.with_options(timeout=2, max_retries=0))
    """

    is_async: ClassVar[bool] = True
    """Marks the async variant (resource objects bound to it load nothing on attribute access)."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 5,
        max_retry_wait: float = 120.0,
        deadline: float = DEFAULT_DEADLINE,
        lazy: bool = True,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        contract: str | None = None,
        profile: str | None = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError(f"max_connections must be 1 or more, got {max_connections}")
        self._set_options(
            credentials, timeout, max_retries, max_retry_wait, deadline, lazy, contract, profile
        )
        self._shared: _Shared = _Shared(max_connections)

    @property
    def max_connections(self) -> int:
        return self._shared.max_connections

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the pooled connections (shared with every ``with_options`` view).

        In a process forked after the session was used, the connections are the parent's: they
        are left alone (the parent keeps using them), and the child opens its own on its next use.
        """
        shared = self._shared
        http, shared.http, shared.loop = shared.http, None, None
        if http is not None:
            await http.close()

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = ...,
        json: Any = ...,
        body: Any = ...,
        idempotent: bool | None = ...,
        timeout: Timeout | None = ...,
        max_retries: int | None = ...,
        deadline: float | None = ...,
        raw: Literal[False] = ...,
    ) -> Any: ...

    @overload
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = ...,
        json: Any = ...,
        body: Any = ...,
        idempotent: bool | None = ...,
        timeout: Timeout | None = ...,
        max_retries: int | None = ...,
        deadline: float | None = ...,
        raw: Literal[True],
    ) -> RawResponse[Any]: ...

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
        deadline: float | None = None,
        raw: bool = False,
    ) -> Any:
        """Send one API request and return its decoded JSON (None for an empty answer).

        Arguments, answers and exceptions as :meth:`las.Session.request`; ``body`` may also
        be a file object such as :class:`las.content.JsonBodyWithContent` (read in a worker
        thread).

        Raises:
            APIError: a subclass per status family (see :mod:`las.exceptions`).
            APIConnectionError, APITimeoutError: no answer after the retries allowed.
            DeadlineExceeded: the call passed its deadline.
            asyncio.CancelledError: the calling task was cancelled; nothing is retried.
        """
        call = make_call(method, path, params=params, json=json, body=body, idempotent=idempotent)
        return await self.send(call, timeout=timeout, max_retries=max_retries, deadline=deadline, raw=raw)

    async def send(
        self,
        call: Call,
        *,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        raw: bool = False,
    ) -> Any:
        """Send a described call (see :func:`las._policy.make_call`); as :meth:`request`."""
        limits = self._limits(timeout, max_retries, deadline)
        shared = self._shared
        shared.pool(self.api_endpoint)  # opens the pool on first use
        try:
            if call.url is not None:  # a file URL: no token, not counted, its own proxy rule
                outcome = await self._run(call.url, call, limits, "", proxy_from_environment(call.url))
            else:
                url = self.api_endpoint + call.path
                outcome = await self._run(url, call, limits, None, proxy_from_environment(url))
        except BaseException:
            if call.into is not None:
                # in this thread, not a worker's: a cancelled task still empties it (one truncate)
                discard_download(call.into)
            raise
        return self._answer(call, outcome, raw)

    async def _access_token(self, attempts: Attempts) -> str:
        """The current token, fetched once for all tasks when there is none or it expired.

        The steps are the sync Session's (:meth:`las.Credentials.known_token`, ``token_call``,
        ``accept_token_answer``: memory, the shared cache file, then the token endpoint through
        the same policy); the lock is an ``asyncio.Lock``, and the fetch goes through aiohttp.

        Raises:
            TokenWaitExpired: the call's deadline passed while another task was fetching the
                token (this one sends nothing); :meth:`_run` raises the call's DeadlineExceeded
                from it, as the sync Session does.
        """
        credentials = self.credentials
        lock = self._shared.token_lock
        wait = attempts.seconds_left()
        if not await _acquire_within(lock, wait):
            raise token_wait_expired(wait)  # the call's DeadlineExceeded, from _run
        try:
            token = await asyncio.to_thread(credentials.known_token)  # memory, then the cache file
            if token is not None:
                return token
            log.debug(
                "fetching access token for client %s from %s", credentials.client_id, credentials.token_url
            )
            limits = TOKEN_LIMITS
            seconds_left = attempts.seconds_left()
            if seconds_left < limits.deadline:
                limits = limits._replace(deadline=max(seconds_left, 0.001))
            pair = f"{credentials.client_id}:{credentials.client_secret}".encode("latin-1")  # as requests
            basic = "Basic " + base64.b64encode(pair).decode("ascii")
            try:
                token_url = credentials.token_url
                proxy = proxy_from_environment(token_url)
                outcome = await self._run(token_url, credentials.token_call(), limits, basic, proxy)
            finally:
                credentials.token_fetches += 1
            answer = (outcome.status, outcome.data)
            accept = credentials.accept_token_answer
            return await asyncio.to_thread(accept, answer, deadline=attempts.seconds_left())
        finally:
            lock.release()

    async def _run(
        self, url: str, call: Call, limits: Limits, authorization: str | None, proxy: str | None
    ) -> Outcome:
        """Send ``call`` until the policy says it is done: the loop of :func:`las._transport.execute`.

        ``authorization`` is the header for every attempt; None means the API's bearer token
        (and the attempts count in :attr:`request_count`), ``""`` none at all (a file URL).
        A file URL's body is streamed from its file at each attempt, never read whole.
        """
        shared = self._shared
        http = shared.pool(self.api_endpoint)
        watchdog = cast(Watchdog, shared.watchdog)  # made with the pool, just above
        body = call.body
        data = (
            body if body is None or type(body) is bytes or call.url is not None else await _body_bytes(body)
        )
        params = _query_pairs(call.params)
        credentials = self.credentials
        attempts = Attempts(call, limits)
        token = ""
        while True:
            if authorization is None:
                # The fast path reads the token in memory without a lock or an await.
                token = credentials._token or ""
                if not token or time.time() >= credentials._expires_at:
                    try:
                        token = await self._access_token(attempts)
                    except DeadlineExceeded as fetching:
                        if isinstance(fetching, TokenWaitExpired) or attempts.seconds_left() <= 0:
                            # the token took this call's time: the error names the call
                            raise deadline_exceeded(call, limits) from fetching
                        raise  # the token endpoint's own bound (TOKEN_LIMITS), not this call's
                shared.count += 1
            timeout = attempts.next()
            verdict, status, headers = await _attempt(
                watchdog,
                http,
                proxy,
                url,
                call,
                params,
                data,
                "Bearer " + token if authorization is None else authorization,
                timeout,
                attempts,
            )
            step = attempts.obey(verdict, status, headers)
            if isinstance(step, Outcome):
                return step
            if step is None:
                await asyncio.to_thread(credentials.invalidate, token, deadline=attempts.seconds_left())
            else:
                await asyncio.sleep(step)


async def _acquire_within(lock: asyncio.Lock, seconds: float) -> bool:
    """Take ``lock`` unless ``seconds`` pass first (False then: not taken).

    Not ``asyncio.wait_for(lock.acquire(), seconds)``: before Python 3.12 that can swallow a
    cancellation that arrives as the lock is taken. Here a cancellation is always raised, and the
    lock is never left taken on the way out.
    """
    acquiring = asyncio.ensure_future(lock.acquire())
    try:
        await asyncio.wait((acquiring,), timeout=max(seconds, 0.0) if seconds < math.inf else None)
    except BaseException:  # cancelled while waiting
        if acquiring.done():
            lock.release()
        else:
            acquiring.cancel()  # a pending acquire that is cancelled never takes the lock
        raise
    if acquiring.done():
        return True
    acquiring.cancel()
    return False


async def _attempt(
    watchdog: Watchdog,
    http: aiohttp.ClientSession,
    proxy: str | None,
    url: str,
    call: Call,
    params: list[tuple[str, str]] | None,
    data: Any,
    authorization: str,
    timeout: tuple[float, float],
    attempts: Attempts,
) -> tuple[Verdict, int, Mapping[str, str]]:
    """One send and its verdict, with the answer's status and headers (0 and {} without one).

    The read timeout and the deadline are kept by the pool's :class:`las._watchdog.Watchdog`
    (one timer for all attempts); aiohttp keeps only the connect timeout, armed for new
    connections alone.
    """
    started, limits = attempts.started, attempts.limits
    headers = {"Authorization": authorization} if authorization else {"Accept": "*/*"}
    if data is not None:
        headers["Content-Type"] = call.content_type
    attempt = watchdog.watch(timeout[1], started + limits.deadline)
    if call.url is not None and data is not None:
        headers["Content-Length"] = str(len(data))  # so aiohttp sends the stream unchunked
        payload: Any = _streamed(data, attempt)
    else:
        payload = data if data is None or len(data) < _LARGE_BODY else io.BytesIO(data)
    try:
        async with http.request(
            call.method,
            url,
            params=params,
            data=payload,
            headers=headers,
            timeout=_connect_timeout(timeout[0]),
            allow_redirects=False,
            proxy=proxy,
        ) as response:
            attempt.answered(response)
            status = response.status
            answer_headers = response.headers
            try:
                if call.into is not None and 200 <= status < 300:
                    content = await _read_into(response, call.into)
                else:
                    content = await response.read()
            except aiohttp.ClientPayloadError as error:
                if "decod" in str(error).lower():  # a body the Content-Encoding does not decode
                    verdict = invalid_body(
                        call, status, answer_headers, f"the body could not be decoded: {error}", response
                    )
                    return verdict, status, answer_headers
                raise
    except asyncio.CancelledError:
        if not attempt.caused_cancellation():
            raise
        return _expired(call, attempt, timeout, attempts), 0, {}
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        reason = _reason(error)
        log.debug("%s %s failed: %s (%s)", call.method, call.path, type(error).__name__, reason)
        detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        number = getattr(getattr(error, "os_error", None), "errno", None)
        if isinstance(number, int) and number:  # asyncio says "Connect call failed", not why
            detail += f" ({os.strerror(number)})"
        if isinstance(error, aiohttp.ClientProxyConnectionError):
            detail += f"; {PROXY_HINT}"
        return (
            judge_failure(call, reason, detail, attempts.so_far(timed=True), limits, error),
            0,
            {},
        )
    finally:
        watchdog.forget(attempt)
    if 200 <= status < 300:  # the success path: no time to account for
        return (
            judge(call, status, answer_headers, content, attempts.so_far(), limits, response),
            status,
            answer_headers,
        )
    so_far = attempts.so_far(timed=True)
    return judge(call, status, answer_headers, content, so_far, limits, response), status, answer_headers


def _expired(
    call: Call,
    attempt: Attempt,
    timeout: tuple[float, float],
    attempts: Attempts,
) -> Verdict:
    """The verdict on an attempt the watchdog cancelled: past the deadline, or silent too long."""
    if attempt.expired == DEADLINE:
        if not attempt.has_connection():  # no connection by the deadline: nothing was sent
            error = asyncio.TimeoutError("no connection before the deadline")
            return judge_failure(
                call, NOT_SENT, f"TimeoutError: {error}", attempts.so_far(timed=True), attempts.limits, error
            )
        return Fail(deadline_exceeded(call, attempts.limits))
    error = asyncio.TimeoutError(f"no progress from the server for the read timeout of {timeout[1]:g} s")
    log.debug("%s %s failed: read timeout (%s)", call.method, call.path, TIMED_OUT)
    return judge_failure(
        call, TIMED_OUT, f"TimeoutError: {error}", attempts.so_far(timed=True), attempts.limits, error
    )


@functools.lru_cache(maxsize=16)
def _connect_timeout(seconds: float) -> aiohttp.ClientTimeout:
    """aiohttp's part of a timeout: connecting, timed only when a new connection is made."""
    return aiohttp.ClientTimeout(total=None, sock_connect=seconds)


_CONNECT_TIMEOUT = getattr(aiohttp, "ConnectionTimeoutError", ())  # aiohttp >= 3.10


def _reason(error: BaseException) -> str:
    """Why a request got no answer: never sent, lost after sending, timed out, or the server's
    certificate refused (before sending)."""
    if isinstance(error, aiohttp.ClientSSLError) and refused_certificate(error) is not None:
        return CERTIFICATE_REFUSED
    if isinstance(error, aiohttp.ClientConnectorError) or (
        _CONNECT_TIMEOUT and isinstance(error, _CONNECT_TIMEOUT)
    ):
        return NOT_SENT
    if isinstance(error, asyncio.TimeoutError):  # ServerTimeoutError is one too
        return NOT_SENT if str(error).startswith("Connection timeout") else TIMED_OUT
    return LOST


def proxy_from_environment(url: str) -> str | None:
    """The proxy requests would use for ``url``: ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``
    unless ``NO_PROXY`` names its host. Looked up for each request, so a variable changed between
    two requests applies to the second, as in the sync Session; the environment is walked again
    only when the variables it comes from changed (:class:`las._environment.KeptAnswers`).
    (aiohttp's own ``trust_env`` would also read ``~/.netrc`` and refuse our Authorization header.)"""
    return _PROXIES.answer(host_part(url), lambda: _environment_proxy(url))


_PROXIES: KeptAnswers[str | None] = KeptAnswers()


def _environment_proxy(url: str) -> str | None:
    proxies = urllib.request.getproxies_environment()
    if not proxies:
        return None
    try:  # requests' own NO_PROXY rule: also an IPv4 network (10.0.0.0/8) and a host:port
        bypass = requests.utils.should_bypass_proxies(url, no_proxy=None)
    except ValueError:  # a port out of range: aiohttp refuses the URL itself
        bypass = False
    if bypass:
        return None
    return proxies.get(urllib.parse.urlsplit(url).scheme) or proxies.get("all")


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


_UPLOAD_CHUNK = 256 * 1024


async def _streamed(body: Any, attempt: Attempt) -> AsyncIterator[bytes | memoryview]:
    """A file URL's body, a piece at a time from its file (read in a worker thread) or its bytes;
    each piece written counts as progress for the read timeout (a slow upload is not a silent
    server)."""
    if isinstance(body, (bytes, bytearray, memoryview)):
        view = memoryview(body)
        for start in range(0, len(view), _UPLOAD_CHUNK):
            yield view[start : start + _UPLOAD_CHUNK]
            attempt.progressed()
        return
    await asyncio.to_thread(body.seek, 0)
    while True:
        piece = await asyncio.to_thread(body.read, _UPLOAD_CHUNK)
        if not piece:
            return
        yield piece
        attempt.progressed()


async def _read_into(response: aiohttp.ClientResponse, sink: Any) -> bytes:
    """Stream the answer into ``sink``, rewound and emptied first (a retry starts over); the
    writes run in a worker thread, and a cancellation (the deadline's too) waits for the one in
    flight, so the sink can be emptied after it. Returns no bytes: they are in ``sink``."""
    await _to_thread_to_its_end(_emptied, sink)
    async for piece in response.content.iter_chunked(_UPLOAD_CHUNK):
        await _to_thread_to_its_end(sink.write, piece)
    await _to_thread_to_its_end(sink.flush)
    return b""


async def _to_thread_to_its_end(function: Callable[..., object], *args: object) -> None:
    """``function(*args)`` in a worker thread; cancelled, it still waits for that thread to
    return (a thread cannot be stopped) before the cancellation goes on."""
    running = asyncio.ensure_future(asyncio.to_thread(function, *args))
    try:
        await asyncio.shield(running)
    except asyncio.CancelledError:
        while not running.done():
            with contextlib.suppress(asyncio.CancelledError):  # a second cancel: still the same
                await asyncio.wait({running})
        if not running.cancelled():
            running.exception()  # retrieved: the cancellation is what the caller gets
        raise


def _emptied(sink: Any) -> None:
    sink.seek(0)
    sink.truncate()


async def _body_bytes(body: Any) -> bytes | None:
    """A call's body as bytes; a file object (at most the API's limit, ~6.3 MB) is read in a thread."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    return await asyncio.to_thread(_read_all, body)


def _read_all(body: Any) -> bytes:
    seek = getattr(body, "seek", None)
    if seek is not None:
        seek(0)
    chunks: list[bytes] = []
    while True:
        chunk = body.read(1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
