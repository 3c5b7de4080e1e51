"""How las talks to the API: auth, one pooled connection set, timeouts, retries and errors.

The Session knows no entity: it sends a method, a path and a body, and answers with the
decoded JSON or an exception from :mod:`las.exceptions`. What is retried, how long a call may
take and which errors are raised is decided in one place, :mod:`las._policy` (its docstring
lists the rules); the loop that sends and obeys is :mod:`las._transport`.

Defaults: ``timeout=(5, 60)`` seconds (connect, each read), ``max_retries=5``,
``max_retry_wait=120`` seconds of waiting between attempts, ``deadline=300`` seconds for a whole
call (attempts and waits together). Each can be set per Session, per block of calls
(:meth:`Session.with_options`) and per call (:meth:`Session.request`). Each address's TCP
connect is bounded by the connect timeout, cut to what is left of the deadline as the attempt
begins (the name lookup is the system resolver's, which nothing can cut); from the connected
socket on (a proxy's tunnel, TLS, the request, the answer), the deadline holds whatever the
server (or a proxy) does: past it, a watchdog thread (one per process, see
:mod:`las._sync_watchdog`) shuts the call's connection down (one not yet open is an
``APIConnectionError``: nothing was sent).

A Session is safe to share across threads. After ``os.fork()`` the child gets fresh
connections of its own (never the parent's sockets). It cannot be pickled: it holds a secret.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any, Literal, overload

import requests
import requests.auth

from ._fork import track
from ._options import ResponseHook, SessionOptions
from ._policy import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, Call, Timeout, make_call
from ._response import RawResponse
from ._sync_watchdog import watched_http
from ._transport import NO_AUTH, BearerAuth, execute
from ._version import __version__
from .credentials import Credentials

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_TIMEOUT", "ResponseHook", "Session"]

log = logging.getLogger("las.session")


def _no_auth(seconds_left: float) -> requests.auth.AuthBase:
    return NO_AUTH


class _Shared:
    """What a Session and its :meth:`Session.with_options` views share: pool, counter, hooks."""

    __slots__ = ("__weakref__", "count", "count_lock", "hooks", "http", "pool_maxsize")

    def __init__(self, pool_maxsize: int) -> None:
        self.pool_maxsize = pool_maxsize
        self.http = self.new_http()
        self.count = 0
        self.count_lock = threading.Lock()
        self.hooks: tuple[ResponseHook, ...] = ()

    def new_http(self) -> requests.Session:
        http = watched_http(pool_connections=4, pool_maxsize=self.pool_maxsize)
        http.headers["Accept"] = "application/json"
        http.headers["User-Agent"] = f"las-python/{__version__}"
        return http

    def counted(self) -> None:
        with self.count_lock:
            self.count += 1

    def after_fork_in_child(self) -> None:
        # The parent's pooled sockets stay the parent's: dropping (not closing) them here leaves
        # the parent's connections intact, and the child opens its own.
        self.http = self.new_http()
        self.count_lock = threading.Lock()


class Session(SessionOptions):
    """Credentials plus one pooled HTTP connection set, safe to share across threads.

    Args:
        credentials: defaults to :func:`las.credentials.read_credentials` (environment, then
            ``~/.lucidtech/credentials.cfg``), read when the Session is made.
        timeout: seconds, or (connect, read) seconds, for each request.
        max_retries: attempts after the first for a retryable failure (see :mod:`las._policy`).
        max_retry_wait: upper bound in seconds on the total time spent waiting between
            attempts; a ``Retry-After`` longer than this fails at once.
        deadline: seconds a whole call may take, every attempt and wait included (default 300).
        lazy: whether resource objects load missing fields on access (read by the resource
            layer; the Session itself only stores it).
        pool_maxsize: connections kept open to the API (one per concurrent thread is ideal).
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

    Example::

        session = las.Session(max_retries=8, deadline=60)
        client = las.Client(session=session)
        quick = session.with_options(timeout=2, max_retries=0)  # same pool, token and counter
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 5,
        max_retry_wait: float = 120.0,
        deadline: float = DEFAULT_DEADLINE,
        lazy: bool = True,
        pool_maxsize: int = 32,
        contract: str | None = None,
        profile: str | None = None,
    ) -> None:
        self._set_options(
            credentials, timeout, max_retries, max_retry_wait, deadline, lazy, contract, profile
        )
        self._shared: _Shared = _Shared(pool_maxsize)
        track(self._shared)

    @property
    def http(self) -> requests.Session:
        """The pooled ``requests.Session`` (a fresh one in a forked child)."""
        return self._shared.http

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections (shared with every ``with_options`` view)."""
        self._shared.http.close()

    @overload
    def request(
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
    def request(
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

    def request(
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

        Args:
            method: HTTP method.
            path: path below the API endpoint, e.g. ``/documents/las:document:...``.
            params: query parameters; a list value is sent as repeated parameters.
            json: a JSON-serializable body.
            body: a prepared body instead of ``json`` (bytes, or a rewindable file object with a
                length, such as :class:`las.content.JsonBodyWithContent`), sent as JSON.
            idempotent: whether repeating the request cannot duplicate work; defaults to True
                for GET, HEAD, OPTIONS, PUT and DELETE.
            timeout, max_retries, deadline: override the Session's for this call.
            raw: return a :class:`las.RawResponse` (``data`` and ``info``) instead of the data.

        Raises:
            APIError: a subclass per status family (see :mod:`las.exceptions`).
            APIConnectionError, APITimeoutError: no answer after the retries allowed.
            DeadlineExceeded: the call passed its deadline.
        """
        call = make_call(method, path, params=params, json=json, body=body, idempotent=idempotent)
        return self.send(call, timeout=timeout, max_retries=max_retries, deadline=deadline, raw=raw)

    def send(
        self,
        call: Call,
        *,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
        deadline: float | None = None,
        raw: bool = False,
    ) -> Any:
        """Send a described call (see :func:`las._policy.make_call`); as :meth:`request`."""
        shared = self._shared
        limits = self._limits(timeout, max_retries, deadline)
        if call.url is not None:  # a file URL: no token, and not an API request (not counted)
            outcome = execute(shared.http, call.url, call, limits, _no_auth)
        else:
            outcome = execute(
                shared.http,
                self.api_endpoint + call.path,
                call,
                limits,
                self._authorize,
                self._refresh,
                shared.counted,
            )
        return self._answer(call, outcome, raw)

    def _authorize(self, seconds_left: float) -> BearerAuth:
        return BearerAuth(self.credentials.access_token(self._shared.http, deadline=seconds_left))

    def _refresh(self, refused: Any, seconds_left: float) -> None:
        # One fetch for all threads: only the thread whose token is still current drops it.
        self.credentials.invalidate(getattr(refused, "token", None), deadline=seconds_left)
