"""How an answer is judged: the one place for retries, Retry-After, the deadline and errors.

A request is described once, as data (:class:`Call`); an executor (the sync :class:`las.Session`
today, an async one later) sends it and hands what came back to :func:`judge` (an answer: status,
headers, body bytes) or :func:`judge_failure` (no answer: the connection failed). Both are pure:
no I/O, no sleeping, no clock. They return a verdict the executor obeys::

    prepare -> send -> judge -> Done(data)        return it
                            -> Resend(wait, error) sleep ``wait`` seconds, send again
                            -> Refresh(error)     fetch a new token once, send again
                            -> Fail(error)        raise ``error``

The rules, decided on status and method alone, never on whether the body parsed:

- 2xx: the decoded JSON; a body that is not what the call expects (not JSON, or not a JSON
  object where one is promised, or empty) is an :class:`InvalidResponseError`. A call to a file
  URL (:func:`make_file_call`) expects bytes: its 2xx body is the data, as it came; except a
  ``PUT``, which object storage answers with an empty body: a 2xx with a body came from something
  else (a proxy's page), which did not store the bytes, so it is an :class:`InvalidResponseError`.
- 429, on every method: the API refused before doing any work. Waits ``Retry-After`` when it is
  a finite number of seconds >= 0 or a future HTTP date (other values count as absent), else
  exponential backoff with full jitter. The API's "Limit Exceeded" (monthly quota) is final.
- 502/503/504, a read timeout or a dropped connection: retried only when repeating the call
  cannot duplicate work (GET, HEAD, OPTIONS, PUT, DELETE, or ``idempotent=True``). A connection
  that could not be opened (the API's, or a proxy's) is retried for every method: nothing was sent.
- A TLS certificate that fails verification is never retried (it would fail the same way):
  :class:`CertificateRefusedError`, which says nothing was sent and how to trust the server.
- 401/403: refresh the token once and resend (not for the token request itself).
- Budgets: at most ``max_retries`` retries; the waits together at most ``max_retry_wait``
  seconds (a ``Retry-After`` longer than that fails at once); and the whole call, attempts and
  waits together, ends by ``deadline`` seconds after it started.
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import logging
import math
import random
import ssl
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any, NamedTuple

from .exceptions import (
    AnswerLostError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    BadRequestError,
    CertificateRefusedError,
    ConflictError,
    DeadlineExceeded,
    InvalidCredentialsException,
    InvalidIdError,
    InvalidResponseError,
    LimitExceededException,
    NotFoundError,
    ServerError,
    TooManyRequestsException,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "Attempts",
    "Call",
    "Done",
    "Fail",
    "Limits",
    "Refresh",
    "Resend",
    "SoFar",
    "TokenWaitExpired",
    "attempt_timeout",
    "judge",
    "judge_failure",
    "make_call",
    "make_file_call",
    "parse_retry_after",
    "request_id",
    "retry_or_fail",
    "token_wait_expired",
]

Timeout = float | tuple[float, float]

log = logging.getLogger("las.session")

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 60.0)
"""Seconds to connect and to wait for each read of the answer."""
DEFAULT_DEADLINE = 300.0
"""Seconds a whole call may take, every attempt and wait included."""
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
RETRYABLE_SERVER_STATUSES = frozenset({502, 503, 504})
REQUEST_ID_HEADERS = ("x-amzn-requestid", "x-amz-apigw-id", "x-request-id")
BACKOFF_BASE = 0.25
BACKOFF_MAX = 8.0
_SNIPPET_LENGTH = 200

_BAD_ENDS = ("/", "/.", "/..")
_WAITS_HONOURED = frozenset({429, *RETRYABLE_SERVER_STATUSES})  # statuses whose Retry-After is read

# What a call promises to return on success.
EXPECT_OBJECT = "object"  # a JSON object (every API operation but heartbeats)
EXPECT_ANY = "any"  # any JSON, or None for an empty body (Session.request's default)
EXPECT_BYTES = "bytes"  # the body as it came, not JSON (a file URL's answer to a GET)
EXPECT_NOTHING = "nothing"  # an empty body (a file URL's answer to a PUT: object storage's)


class Call(NamedTuple):
    """What a request is: everything needed to send it again, and nothing about how it went.

    A call to the API has a ``path`` below the API endpoint and carries the session's token. A
    call to a file URL (``url`` set, see :func:`make_file_call`) goes to that absolute URL with
    no token, and ``path`` is only how messages name it (never its secret part).
    """

    method: str
    path: str
    params: Mapping[str, Any] | None
    body: Any  # None, bytes, or a rewindable file object with a length
    idempotent: bool
    expect: str = EXPECT_ANY
    token_request: bool = False  # the OAuth2 token fetch: no refresh, its own 4xx message
    content_type: str = "application/json"  # of the body, when there is one
    url: str | None = None  # an absolute URL outside the API (a presigned file URL): no token
    into: Any = None  # EXPECT_BYTES: a seekable binary file the 2xx body is streamed into


def make_call(
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    body: Any = None,
    idempotent: bool | None = None,
    expect: str = EXPECT_ANY,
) -> Call:
    """Describe a request; ``json`` is encoded here once, so every attempt sends the same bytes.

    Raises:
        InvalidIdError: ``path`` has an empty, ``.`` or ``..`` segment (URL normalisation would
            send the request elsewhere), or does not start with ``/``.
        ValueError: a query parameter given as an empty list (see :func:`_empty_parameter`).
    """
    _empty_parameter(params)
    if (
        not path.startswith("/")
        or "//" in path
        or "/./" in path
        or "/../" in path
        or path.endswith(_BAD_ENDS)
    ):
        raise InvalidIdError(
            f"path={path!r} has an empty, '.' or '..' segment (or does not start with '/'): it would be "
            "sent somewhere else than it names. Percent-encode ids put in a path (las.Client does)."
        )
    method = method.upper()
    if idempotent is None:
        idempotent = method in IDEMPOTENT_METHODS
    if json is not None:
        body = jsonlib.dumps(json, separators=(",", ":")).encode()
    return Call(method, path, params, body, idempotent, expect)


def _empty_parameter(params: Mapping[str, Any] | None) -> None:
    """Refuse a query parameter given as an empty list: HTTP has no way to send one, so the
    request would go without it, and the API reads a missing filter as none at all (a listing of
    everything; ``DELETE /documents`` of every document) where the caller asked for nothing."""
    for name, value in (params or {}).items():
        if isinstance(value, (list, tuple, set, frozenset)) and not value:
            raise ValueError(
                f"{name} is an empty list, which selects nothing; sent as it is, the request would "
                f"carry no {name} at all and apply to every one. Give at least one value, or leave "
                f"{name} out to mean every one"
            )


def make_file_call(
    method: str,
    url: str,
    *,
    body: Any = None,
    content_type: str | None = None,
    into: Any = None,
) -> Call:
    """Describe a request to a file URL the API answered (a presigned ``fileUrl``): sent to
    ``url`` as it is, without the API's token; its answer is bytes (a GET) or nothing (a PUT), not
    JSON.

    Args:
        method: ``"PUT"`` (upload ``body``) or ``"GET"`` (download); both idempotent, so a 5xx,
            a dropped connection or a read timeout is retried, as for the API's own PUT and GET.
        body: bytes, or a rewindable file object with a length (``len()``): streamed, and sent
            again whole on a retry.
        content_type: the ``Content-Type`` of ``body``.
        into: for a GET, a seekable binary file to stream the answer into instead of memory
            (rewound and truncated before each attempt, and left empty if the call fails); the
            call's data is then ``into``.

    Raises:
        InvalidResponseError: ``url`` is not an absolute ``http(s)`` URL.
        TypeError: ``into`` is not a seekable file (a pipe, a socket, a writer without
            ``seek``), before anything is sent.
    """
    if into is not None:
        seekable = getattr(into, "seekable", None)
        if not callable(seekable) or not seekable():
            raise TypeError(
                f"into= must be a seekable binary file, not {type(into).__name__}: the download is "
                "written from its start, again on a retry, and emptied if the call fails; open a "
                "file with mode 'w+b' or pass io.BytesIO(), then copy it where it should go"
            )
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        shown = f"{parts.scheme}:..." if parts.scheme else repr(url[:8] + "...") if url else "''"
        raise InvalidResponseError(
            f"the API answered a file URL that is not an absolute http(s) URL ({shown}); it is not used",
            status_code=200,
            method=method,
            path="(file URL)",
        )
    method = method.upper()
    shown = f"{parts.scheme}://{parts.netloc}/... (file URL)"
    return Call(
        method,
        shown,
        None,
        body,
        method in IDEMPOTENT_METHODS,
        EXPECT_NOTHING if method == "PUT" else EXPECT_BYTES,
        content_type=content_type or "application/octet-stream",
        url=url,
        into=into,
    )


class Limits(NamedTuple):
    """How long and how often a call may try."""

    timeout: Timeout
    max_retries: int
    max_retry_wait: float
    deadline: float


class Outcome(NamedTuple):
    """A call that succeeded: its data and what is known of its final answer."""

    data: Any
    status: int
    headers: Mapping[str, str]
    attempts: int
    elapsed: float


class SoFar(NamedTuple):
    """What one call has spent so far: the retries, the token refresh, the waits and the time."""

    retries: int  # retries already made (the first send is not a retry)
    refreshed: bool  # the token was already refreshed once
    waited: float  # seconds slept between attempts so far
    elapsed: float  # seconds since the call started


class Done(NamedTuple):
    data: Any


class Resend(NamedTuple):
    wait: float
    error: Exception


class Refresh(NamedTuple):
    error: Exception


class Fail(NamedTuple):
    error: Exception
    why: str | None = None  # which budget refused a retry the error allowed (retry_or_fail); else None


Verdict = Done | Resend | Refresh | Fail


class Attempts:
    """The bookkeeping of one call's loop, shared by both executors: when it started, what it
    has spent, and what each verdict means for the loop. Each executor keeps only its own send,
    sleep and token refresh::

        attempts = Attempts(call, limits)
        while True:
            timeout = attempts.next()                  # raises DeadlineExceeded when none is left
            verdict, status, headers = send(timeout, attempts)
            step = attempts.obey(verdict, status, headers)
            if isinstance(step, Outcome): return step  # done
            if step is None: refresh the token          # then send again
            else: sleep(step)                           # then send again
    """

    __slots__ = ("call", "limits", "refreshed", "retries", "sent", "started", "waited")

    def __init__(self, call: Call, limits: Limits) -> None:
        self.call = call
        self.limits = limits
        self.started = time.monotonic()
        self.retries = 0  # the first send is not a retry
        self.refreshed = False
        self.waited = 0.0
        self.sent = 0

    def seconds_left(self) -> float:
        """Seconds before the call's deadline."""
        return self.limits.deadline - (time.monotonic() - self.started)

    def next(self) -> tuple[float, float]:
        """Count the next attempt and return its (connect, read) timeout, cut to the deadline.

        Raises:
            DeadlineExceeded: nothing is left of the deadline.
        """
        timeout = attempt_timeout(self.limits, time.monotonic() - self.started)
        self.sent += 1
        return timeout

    def so_far(self, *, timed: bool = False) -> SoFar:
        """What the call has spent; the time only when ``timed`` (the success path needs none)."""
        elapsed = time.monotonic() - self.started if timed else 0.0
        return SoFar(self.retries, self.refreshed, self.waited, elapsed)

    def obey(self, verdict: Verdict, status: int, headers: Mapping[str, str]) -> Outcome | float | None:
        """What the loop does after ``verdict``: return the :class:`Outcome` (done), sleep that
        many seconds and send again (a float), or refresh the token and send again (None).

        Raises:
            ClientException: the verdict's error (the call failed for good).
        """
        call = self.call
        if isinstance(verdict, Done):
            return Outcome(verdict.data, status, headers, self.sent, time.monotonic() - self.started)
        if isinstance(verdict, Refresh):
            log.info(
                "%s %s refused the token (%s): refreshing it once", call.method, call.path, verdict.error
            )
            self.refreshed = True
            return None
        if isinstance(verdict, Resend):
            self.retries += 1
            self.waited += verdict.wait
            log.info(
                "retrying %s %s in %.2fs after: %s (attempt %d of %d)",
                call.method,
                call.path,
                verdict.wait,
                verdict.error,
                self.retries + 1,
                self.limits.max_retries + 1,
            )
            return verdict.wait
        raise verdict.error


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None.

    None when absent or unusable: negative, not finite, unparsable, or a date not in the future.

    >>> parse_retry_after("2.5"), parse_retry_after("-5"), parse_retry_after("nan")
    (2.5, None, None)
    """
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # an HTTP date is GMT
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
        return seconds if seconds > 0 and math.isfinite(seconds) else None
    return seconds if seconds >= 0 and math.isfinite(seconds) else None


def request_id(headers: Mapping[str, str]) -> str | None:
    """The API's request id from the answer's headers, when it sent one."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def snippet(body: bytes) -> str:
    """The start of a body, for error messages."""
    text = body[:_SNIPPET_LENGTH].decode("utf-8", "replace")
    more = "..." if len(body) > _SNIPPET_LENGTH else ""
    return repr(text + more) if text else "(empty body)"


def attempt_timeout(limits: Limits, elapsed: float) -> tuple[float, float]:
    """The (connect, read) timeout of the next attempt, cut to what is left of the deadline.

    Raises:
        DeadlineExceeded: nothing is left.
    """
    left = limits.deadline - elapsed
    if left <= 0:
        raise DeadlineExceeded(_deadline_message(limits))
    timeout = limits.timeout
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    return (min(connect, left), min(read, left))


def _deadline_message(limits: Limits) -> str:
    return (
        f"the call did not complete within its deadline of {limits.deadline:g} s (attempts and waits "
        "together); pass deadline=... to las.Session, Session.with_options or the call to change it"
    )


def deadline_exceeded(call: Call, limits: Limits) -> DeadlineExceeded:
    """The error for an answer still arriving when the deadline passed."""
    return DeadlineExceeded(f"{call.method} {call.path}: {_deadline_message(limits)}")


class TokenWaitExpired(DeadlineExceeded):
    """The deadline passed while another caller was fetching the access token this one waited for;
    this one sent nothing. :meth:`las.Credentials.access_token` raises it; an executor raises its
    call's :func:`deadline_exceeded` from it, so both executors say the same."""


def token_wait_expired(seconds: float) -> TokenWaitExpired:
    """The error for a caller that waited ``seconds``, all the time it had, for the access token
    another caller was fetching (a caller never fetches one itself while another does)."""
    return TokenWaitExpired(
        f"another caller was still fetching the access token when the {max(seconds, 0.0):g} s left "
        "to wait for it had passed; nothing was sent for this call"
    )


def judge(
    call: Call,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    so_far: SoFar,
    limits: Limits,
    response: Any = None,
) -> Verdict:
    """Decide what an answer means. ``response`` is passed through to errors (``.response``)."""
    if 200 <= status < 300:
        return _success(call, status, headers, body, response)
    if status < 400:
        return Fail(
            _invalid(
                call,
                status,
                headers,
                f"unexpected redirect or informational answer (Location: {headers.get('Location')!r}); "
                f"body {snippet(body)}",
                response,
            )
        )
    retry_after = parse_retry_after(headers.get("Retry-After")) if status in _WAITS_HONOURED else None
    error = error_for_status(call, status, headers, body, retry_after=retry_after, response=response)
    if status in (401, 403) and not call.token_request and call.url is None and not so_far.refreshed:
        return Refresh(error)  # (a file URL carries no token: a new one would change nothing)
    if status == 429 and not isinstance(error, LimitExceededException):
        return retry_or_fail(error, retry_after, so_far, limits)
    if status in RETRYABLE_SERVER_STATUSES and (call.idempotent or call.token_request):
        return retry_or_fail(error, retry_after, so_far, limits)
    return Fail(error)


# Why a send produced no answer.
NOT_SENT = "not sent"  # the connection could not be opened: nothing went out
LOST = "lost"  # the connection dropped after the request went out
TIMED_OUT = "timed out"  # no answer within the read timeout
CERTIFICATE_REFUSED = "certificate refused"  # the server's TLS certificate failed verification

PROXY_HINT = (
    "the proxy set in the environment (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) could not be reached: "
    "fix that variable, or list the API's host in NO_PROXY"
)
_TRUST_HINT = (
    "If the server's certificate comes from a private certificate authority (a company proxy that "
    "inspects TLS, `las serve --tls`), trust that authority rather than turning verification off: "
    "point REQUESTS_CA_BUNDLE (las.Session) and SSL_CERT_FILE (las.AsyncSession; set it before the "
    "program starts) at its CA certificate (a PEM file)"
)


def refused_certificate(error: BaseException) -> str | None:
    """Why verification refused the server's TLS certificate, when that is what ``error`` (an
    HTTP library's exception, wrapping the ``ssl`` one at some depth) comes down to; else None."""
    refused: str | None = None
    seen: set[int] = set()
    pending: list[Any] = [error]
    while pending and len(seen) < 32:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            why = getattr(current, "verify_message", None)  # aiohttp's subclass has none: look inside
            if why:
                return str(why)
            refused = refused or str(current)
        pending.extend(current.args)
        pending.extend(
            getattr(current, name, None)
            for name in ("reason", "certificate_error", "__cause__", "__context__")
        )
    return refused


def judge_failure(
    call: Call, reason: str, detail: str, so_far: SoFar, limits: Limits, cause: Any = None
) -> Verdict:
    """Decide what a send without an answer means (``reason``: NOT_SENT, LOST, TIMED_OUT or
    CERTIFICATE_REFUSED); past the deadline (``so_far.elapsed``), it is the deadline's, unless
    nothing was sent: then the connection could not be opened by the deadline (its ``detail``,
    whichever timeout or cut said so, is that)."""
    where = f"{call.method} {call.path}"
    error: Exception
    if reason == CERTIFICATE_REFUSED:
        why = refused_certificate(cause) if isinstance(cause, BaseException) else None
        return Fail(
            CertificateRefusedError(
                f"{where}: the server's TLS certificate was refused ({(why or detail).rstrip('.')}), so nothing was "
                f"sent. {_TRUST_HINT}.",
                request=cause,
            )
        )
    if so_far.elapsed >= limits.deadline:
        # The attempt's timeouts were cut to the deadline, so a failure after it passed is the
        # deadline's (the socket gave up because the call's time was up). A request never sent
        # stays an APIConnectionError: callers read it as "nothing was done" (las.bulk does).
        if reason != NOT_SENT:
            return Fail(deadline_exceeded(call, limits))
        detail = f"the connection could not be opened by the deadline of {limits.deadline:g} s"
    if reason == TIMED_OUT:
        error = APITimeoutError(f"{where}: no answer in time ({detail})", request=cause)
    else:
        kind = AnswerLostError if reason == LOST else APIConnectionError
        error = kind(f"{where}: {reason} ({detail})", request=cause)
    if reason == NOT_SENT or call.idempotent or call.token_request:
        return retry_or_fail(error, None, so_far, limits)
    return Fail(error)


def retry_or_fail(
    error: Exception, retry_after: float | None, so_far: SoFar, limits: Limits
) -> Resend | Fail:
    """Whether a call that failed with a retryable ``error`` is sent again, and after what wait.

    The wait is ``retry_after`` (the answer's ``Retry-After``) when given, else exponential
    backoff with full jitter. The call is sent again (:class:`Resend`) only when every budget of
    ``limits`` allows it: a retry is left, the waits stay within ``max_retry_wait`` and the wait
    ends before the deadline; else :class:`Fail`, whose ``why`` names the budget. The one rule
    for every wait between attempts: the Session's, and ``las.bulk.predict``'s for its 429s.
    """
    if so_far.retries >= limits.max_retries:
        return Fail(error, f"tried {so_far.retries + 1} times, the most allowed")
    if retry_after is None:
        ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2**so_far.retries)
        wait = random.uniform(0, ceiling)  # full jitter
        what = "a backoff"
    else:
        wait = retry_after
        what = "the Retry-After"
    if so_far.waited + wait > limits.max_retry_wait:
        left = limits.max_retry_wait - so_far.waited
        return Fail(
            error,
            f"not waited: {what} of {_seconds(wait)} s is more than the {_seconds(left)} s left of "
            f"max_retry_wait ({_seconds(limits.max_retry_wait)} s)",
        )
    if so_far.elapsed + wait >= limits.deadline:
        left = limits.deadline - so_far.elapsed
        return Fail(
            error,
            f"not waited: {what} of {_seconds(wait)} s would pass the deadline "
            f"({_seconds(limits.deadline)} s, {_seconds(left)} s left)",
        )
    return Resend(wait, error)


def _seconds(value: float) -> str:
    return f"{round(value, 2):g}"


def _success(call: Call, status: int, headers: Mapping[str, str], body: bytes, response: Any) -> Verdict:
    if call.expect == EXPECT_BYTES:
        return Done(call.into if call.into is not None else body)
    if call.expect == EXPECT_NOTHING:
        if body:  # not object storage's answer: the bytes may not have been stored
            detail = (
                f"expected an empty body (object storage's answer to a {call.method}), got {snippet(body)}"
            )
            return Fail(_invalid(call, status, headers, detail, response))
        return Done(None)
    if not body or status == 204:
        if call.expect == EXPECT_OBJECT:
            return Fail(
                _invalid(call, status, headers, "expected a JSON object, got an empty body", response)
            )
        return Done(None)
    try:
        data = jsonlib.loads(body)
    except ValueError:
        return Fail(_invalid(call, status, headers, f"expected a JSON body, got {snippet(body)}", response))
    if call.expect == EXPECT_OBJECT and not isinstance(data, dict):
        detail = f"expected a JSON object, got {type(data).__name__ if data is not None else 'null'}: {snippet(body)}"
        return Fail(_invalid(call, status, headers, detail, response))
    return Done(data)


def _invalid(
    call: Call, status: int, headers: Mapping[str, str], detail: str, response: Any
) -> InvalidResponseError:
    return InvalidResponseError(
        detail,
        status_code=status,
        method=call.method,
        path=call.path,
        response=response,
        request_id=request_id(headers),
    )


def invalid_body(
    call: Call, status: int, headers: Mapping[str, str], detail: str, response: Any = None
) -> Fail:
    """The verdict for a body that could not be read as sent (e.g. broken gzip)."""
    return Fail(_invalid(call, status, headers, detail, response))


def _class_for_status(status: int) -> type[APIError]:
    if status == 400:
        return BadRequestError
    if status in (401, 403):
        return InvalidCredentialsException
    if status == 404:
        return NotFoundError
    if status in (409, 422):
        return ConflictError
    if status == 429:
        return TooManyRequestsException
    if status >= 500:
        return ServerError
    return APIError


def error_for_status(
    call: Call,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    retry_after: float | None = None,
    response: Any = None,
) -> APIError:
    """The exception that describes an error answer (status >= 400)."""
    method, path, rid = call.method, call.path, request_id(headers)
    message: str | None = None
    try:
        decoded = jsonlib.loads(body) if body else None
    except ValueError:
        decoded = None
    if isinstance(decoded, dict):
        raw = decoded.get("message")
        message = raw if isinstance(raw, str) else None
    if call.token_request and status in (400, 401, 403):
        return InvalidCredentialsException(
            "the token endpoint refused the client id and secret; check LAS_CLIENT_ID and "
            "LAS_CLIENT_SECRET (or credentials.cfg)" + (f" ({message})" if message else ""),
            status_code=status,
            method=method,
            path=path,
            response=response,
            request_id=rid,
        )
    if message is None and call.url is not None:
        # A file server (object storage) answers errors in its own shape, often XML: its start
        # says what went wrong (an expired URL, a refused signature).
        message = f"the file server answered {snippet(body)}"
    if message is None:
        if status == 429:  # the status says enough: slow down, whatever the body
            return TooManyRequestsException(
                f"too many requests; body {snippet(body)}",
                retry_after=retry_after,
                status_code=status,
                method=method,
                path=path,
                response=response,
                request_id=rid,
            )
        if status in (401, 403):  # the status says enough: the token was refused, whatever the body
            return InvalidCredentialsException(
                f"the API refused the access token; body {snippet(body)}",
                status_code=status,
                method=method,
                path=path,
                response=response,
                request_id=rid,
            )
        # Not the API's error shape: a proxy page, an empty or truncated body.
        return InvalidResponseError(
            f"the server answered without the API's JSON error body: {snippet(body)}",
            status_code=status,
            method=method,
            path=path,
            response=response,
            request_id=rid,
        )
    cls = _class_for_status(status)
    if cls is TooManyRequestsException:
        if "limit exceeded" in message.lower():
            return LimitExceededException(
                message, status_code=status, method=method, path=path, response=response, request_id=rid
            )
        return TooManyRequestsException(
            message,
            retry_after=retry_after,
            status_code=status,
            method=method,
            path=path,
            response=response,
            request_id=rid,
        )
    return cls(message, status_code=status, method=method, path=path, response=response, request_id=rid)
