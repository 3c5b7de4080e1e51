"""The sync executor: send a :class:`las._policy.Call` with requests and obey the verdicts.

A short loop, prepare -> send -> judge -> (sleep | refresh | return | raise); every decision is
:mod:`las._policy`'s. Nothing is built for retrying until an attempt fails. The body is read in
pieces so a server that dribbles its answer cannot keep a call past its deadline; what the pieces
cannot see (a read or send that urllib3 or http.client loops on inside one call) the
:mod:`las._sync_watchdog` cuts, and a cut attempt is the deadline's (an APIConnectionError when
its connection was still being opened: nothing was sent).

An async executor is the same loop around another client library, reusing everything else:
``_policy.attempt_timeout`` (each attempt's timeouts), ``_policy.judge`` (an answer: status,
headers, body bytes), ``_policy.judge_failure`` with ``NOT_SENT`` / ``LOST`` / ``TIMED_OUT`` (no
answer), ``_policy.deadline_exceeded`` and ``_policy.invalid_body`` (a body that arrived too
slowly or could not be decoded), ``Credentials.known_token`` / ``token_call`` /
``accept_token_answer`` (the token, under its own lock), and ``ResponseInfo`` / ``RawResponse``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

import requests
import requests.auth
import urllib3

from ._files import discard_download
from ._policy import (
    CERTIFICATE_REFUSED,
    LOST,
    NOT_SENT,
    PROXY_HINT,
    TIMED_OUT,
    Attempts,
    Call,
    Fail,
    Limits,
    Outcome,
    TokenWaitExpired,
    Verdict,
    deadline_exceeded,
    invalid_body,
    judge,
    judge_failure,
    refused_certificate,
    request_id,
)
from ._sync_watchdog import WATCHDOG
from .exceptions import DeadlineExceeded

__all__ = ["NO_AUTH", "BearerAuth", "execute"]

log = logging.getLogger("las.session")

_JSON = "application/json"
_JSON_HEADERS = {"Content-Type": _JSON}
_READ_SIZE = 256 * 1024
_URLLIB3_RESPONSE = urllib3.response.HTTPResponse
_LAST_LOOK = 0.001  # seconds a read past the deadline may wait: what already arrived is taken


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>``, given to requests as ``auth=``.

    Passing auth this way (not as a header) also keeps requests from applying a ``~/.netrc``
    entry over it.
    """

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = "Bearer " + self.token
        return request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


class _NoAuth(requests.auth.AuthBase):
    """No ``Authorization`` header, for a presigned file URL: the URL is the permission.

    Given as ``auth=`` (rather than none) so that requests does not apply a ``~/.netrc`` entry
    for the file server's host either.
    """

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.pop("Authorization", None)
        return request


NO_AUTH = _NoAuth()
_FILE_ACCEPT = {"Accept": "*/*"}


def execute(
    http: requests.Session,
    url: str,
    call: Call,
    limits: Limits,
    authorize: Callable[[float], requests.auth.AuthBase],
    refresh: Callable[[requests.auth.AuthBase, float], None] | None = None,
    on_send: Callable[[], None] | None = None,
) -> Outcome:
    """Send ``call`` to ``url`` until the policy says it is done, and return the outcome.

    Args:
        authorize: gives the auth of the next attempt (e.g. a bearer token), given the seconds
            left before the deadline (a token fetch, or the wait for another's, must fit in them;
            a :class:`las._policy.TokenWaitExpired` it raises, or a DeadlineExceeded once the
            call's time is up, becomes the call's DeadlineExceeded).
        refresh: called with the auth the API refused and the seconds left before the deadline,
            before the one resend it allows.
        on_send: called before each request goes out (a counter).

    A call with ``into`` that fails leaves that file empty (:func:`discard_download`).

    Raises:
        ClientException: the policy's error (an APIError, a connection error, a timeout).
    """
    attempts = Attempts(call, limits)
    try:
        while True:
            try:
                auth = authorize(attempts.seconds_left())
            except DeadlineExceeded as waited:
                if isinstance(waited, TokenWaitExpired) or attempts.seconds_left() <= 0:
                    # the token (its fetch, or the wait for another's) took this call's time: the
                    # call's deadline is what passed, so the error names the call, not POST /token
                    raise deadline_exceeded(call, limits) from waited
                raise
            timeout = attempts.next()
            if on_send is not None:
                on_send()
            watched = WATCHDOG.watch(attempts.started + limits.deadline)
            try:
                verdict, status, headers = _attempt(http, url, call, auth, timeout, attempts)
            finally:
                WATCHDOG.forget(watched)
            if watched.cut:  # whatever the read made of its socket's shutdown: the deadline's
                verdict = _cut_verdict(call, limits, attempts, watched.unsent)
            step = attempts.obey(verdict, status, headers)
            if isinstance(step, Outcome):
                return step
            if step is None:
                if refresh is not None:
                    refresh(auth, attempts.seconds_left())
            else:
                time.sleep(step)
    except BaseException:
        if call.into is not None:
            discard_download(call.into)
        raise


def _cut_verdict(call: Call, limits: Limits, attempts: Attempts, unsent: bool) -> Verdict:
    """The verdict on an attempt the watchdog cut: the deadline's, unless its connection was still
    being opened (nothing was sent: as a connect that timed out at the deadline)."""
    if not unsent:
        return Fail(deadline_exceeded(call, limits))
    return judge_failure(call, NOT_SENT, "cut by the watchdog", attempts.so_far(timed=True), limits)


def _attempt(
    http: requests.Session,
    url: str,
    call: Call,
    auth: requests.auth.AuthBase,
    timeout: tuple[float, float],
    attempts: Attempts,
) -> tuple[Verdict, int, Mapping[str, str]]:
    """One send and its verdict, with the answer's status and headers (0 and {} without one)."""
    started, limits = attempts.started, attempts.limits
    body = call.body
    if body is not None:
        seek = getattr(body, "seek", None)
        if seek is not None:
            seek(0)
    sent_at = time.monotonic()
    headers_sent = (
        None
        if body is None
        else _JSON_HEADERS
        if call.content_type == _JSON
        else {"Content-Type": call.content_type}
    )
    if call.url is not None:  # a file URL: whatever its answer is, not JSON
        headers_sent = {**_FILE_ACCEPT, **(headers_sent or {})}
    try:
        response = http.request(
            call.method,
            url,
            params=call.params,
            data=body,
            headers=headers_sent,
            timeout=timeout,
            auth=auth,
            stream=True,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        reason = _reason(error)
        log.debug("%s %s failed: %s (%s)", call.method, call.path, type(error).__name__, reason)
        detail = _detail(error)
        if isinstance(error, requests.exceptions.ProxyError):
            detail += f": {PROXY_HINT}"
        return judge_failure(call, reason, detail, attempts.so_far(timed=True), limits, error), 0, {}
    status = response.status_code
    headers = response.headers
    try:
        if call.into is not None and 200 <= status < 300:
            content = _read_into(response, call.into, timeout[1], started + limits.deadline)
        else:
            content = _read_body(response, timeout[1], started + limits.deadline)
    except _DeadlinePassed:
        response.close()
        return Fail(deadline_exceeded(call, limits)), status, headers
    except (urllib3.exceptions.DecodeError, requests.exceptions.ContentDecodingError) as error:
        response.close()
        return (
            invalid_body(call, status, headers, f"the body could not be decoded: {error}", response),
            status,
            headers,
        )
    except (urllib3.exceptions.HTTPError, OSError) as error:
        response.close()
        reason = TIMED_OUT if isinstance(error, urllib3.exceptions.ReadTimeoutError) else LOST
        so_far = attempts.so_far(timed=True)
        return judge_failure(call, reason, f"while reading the body: {error}", so_far, limits, error), 0, {}
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "%s %s -> %d in %.1f ms (request id %s)",
            call.method,
            call.path,
            status,
            1000 * (time.monotonic() - sent_at),
            request_id(headers),
        )
    if 200 <= status < 300:  # the success path: no time to account for
        return judge(call, status, headers, content, attempts.so_far(), limits, response), status, headers
    return (
        judge(call, status, headers, content, attempts.so_far(timed=True), limits, response),
        status,
        headers,
    )


class _DeadlinePassed(Exception):
    pass


class _Pacer:
    """Paces the reads of one body against the call's deadline.

    Before each read (:meth:`before`), the socket's timeout is cut to what is left of the
    deadline, so a server that stops sending cannot hold a read past it; once it has passed, to
    :data:`_LAST_LOOK`, so a read still takes what has already arrived. After a read that gave
    bytes (:meth:`after`), bytes read past the deadline mean the body was still arriving, unless
    that read completed it. The socket is looked up at each read: once the body is read, urllib3
    has put the connection back in the pool (another call's), and it is not touched.
    """

    __slots__ = ("_cut", "_deadline_at", "_raw")

    def __init__(self, raw: Any, read_timeout: float, deadline_at: float) -> None:
        self._raw = raw
        self._cut = read_timeout
        self._deadline_at = deadline_at

    def before(self) -> None:
        left = self._deadline_at - time.monotonic()
        if left <= 0:
            left = _LAST_LOOK
        if left < self._cut:
            sock = getattr(getattr(self._raw, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(left)
                self._cut = left

    def after(self) -> None:
        if time.monotonic() > self._deadline_at and not _complete(self._raw):
            raise _DeadlinePassed


def _complete(raw: Any) -> bool:
    """Whether the whole body has been read (its length reached, or the connection let go)."""
    return getattr(raw, "length_remaining", None) == 0 or getattr(raw, "connection", None) is None


def _pieces(raw: Any, read_timeout: float, deadline_at: float) -> Iterator[bytes]:
    """The (decoded) body, a piece at a time as it arrives, paced by the deadline (:class:`_Pacer`).

    Raises:
        _DeadlinePassed: the body was still arriving when the deadline passed.
    """
    if type(raw) is not _URLLIB3_RESPONSE:  # a test double (vcrpy's): no socket to pace
        yield from raw.stream(_READ_SIZE, decode_content=True)
        return
    pacer = _Pacer(raw, read_timeout, deadline_at)
    read1 = raw.read1
    while True:
        pacer.before()
        piece: bytes = read1(_READ_SIZE, decode_content=True)
        if not piece:
            return
        pacer.after()
        yield piece


def _read_body(response: requests.Response, read_timeout: float, deadline_at: float) -> bytes:
    """The whole (decoded) body, read a piece at a time; stops when the deadline passes."""
    raw = response.raw
    if type(raw) is not _URLLIB3_RESPONSE:  # a test double (vcrpy's): read it whole
        content: bytes = response.content
        return content
    pieces = _pieces(raw, read_timeout, deadline_at)
    body = next(pieces, b"")
    rest = next(pieces, b"") if body else b""
    if rest:  # more than one piece (the common answer is one)
        body = b"".join([body, rest, *pieces])
    # Let requests' own accessors (``.content``, ``.json()``) see the body already read.
    response._content = body
    response._content_consumed = True  # type: ignore[attr-defined]
    return body


def _read_into(
    response: requests.Response, sink: IO[bytes], read_timeout: float, deadline_at: float
) -> bytes:
    """Stream the (decoded) body into ``sink``, rewound and emptied first (a retry starts over),
    a piece at a time; stops when the deadline passes. Returns no bytes: they are in ``sink``."""
    sink.seek(0)
    sink.truncate()
    for piece in _pieces(response.raw, read_timeout, deadline_at):
        sink.write(piece)
    sink.flush()
    return b""


def _detail(error: requests.RequestException) -> str:
    """What went wrong, for the error's message: the exception's type and urllib3's reason
    (``Connection refused``, ``Failed to resolve 'host'``), not requests' wrapper, whose message
    names the URL (a file URL's query is its signature)."""
    inner = error.args[0] if error.args else None
    inner = getattr(inner, "reason", inner)
    text = str(inner) if isinstance(inner, BaseException) else ""
    # urllib3 starts with its connection's repr, which the call's method and path already say
    text = _CONNECTION_REPR.sub("", text).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


_CONNECTION_REPR = re.compile(r"^<?[\w.]*(?:Connection|Pool)(?:\([^)]*\)| object at 0x[0-9a-f]+)>?:\s*")


def _reason(error: requests.RequestException) -> str:
    """Why a request got no answer: never sent, lost after sending, timed out, or the server's
    certificate refused (before sending)."""
    if isinstance(error, requests.ConnectTimeout):
        return NOT_SENT
    if isinstance(error, requests.Timeout):
        return TIMED_OUT
    if isinstance(error, requests.exceptions.SSLError) and refused_certificate(error) is not None:
        return CERTIFICATE_REFUSED
    reason = getattr(error.args[0], "reason", None) if error.args else None
    # urllib3 raises ProxyError only when it never got through to the proxy: nothing was sent.
    if isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ProxyError)):
        return NOT_SENT
    return LOST
