"""How las talks to the API: auth, one pooled connection set, timeouts, retries and errors.

The Session knows no entity: it sends a method, a path and a body, and answers with the
decoded JSON or an exception from :mod:`las.exceptions`.

What is retried (bounded by ``max_retries`` attempts and ``max_retry_wait`` seconds in all):

- 429 Too Many Requests, on every method: the API refused the request before doing any work.
  ``Retry-After`` (seconds or an HTTP date) is honoured, else exponential backoff with jitter.
  A 429 "Limit Exceeded" (the monthly quota) is not retried.
- 502/503/504, dropped connections and read timeouts, only for requests that cannot duplicate
  work when repeated: GET, HEAD, OPTIONS, DELETE and requests marked ``idempotent=True``
  (heartbeats). A connection that could not be opened is retried for every method: nothing
  was sent.
  A POST that creates something, or a PATCH, is never sent twice: the error goes to the caller.
- 401/403 once per request: the token is refreshed (once for all threads) and the request
  resent; a refusal of the fresh token is raised.
"""

from __future__ import annotations

import email.utils
import json as jsonlib
import logging
import random
import time
from collections.abc import Mapping
from typing import Any

import requests
import tenacity
import urllib3
from requests.adapters import HTTPAdapter

from .credentials import Credentials, read_credentials
from .exceptions import (
    InvalidCredentialsException,
    LimitExceededException,
    ServerError,
    TooManyRequestsException,
    error_for_response,
    invalid_body_error,
)

__all__ = ["DEFAULT_TIMEOUT", "Session"]

log = logging.getLogger("las.session")

DEFAULT_TIMEOUT = (5.0, 60.0)
"""Seconds to connect and to wait for each read of the answer."""
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PUT"})
RETRYABLE_SERVER_STATUSES = frozenset({502, 503, 504})
_BACKOFF_BASE = 0.25
_BACKOFF_MAX = 8.0

Timeout = float | tuple[float, float]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header given as seconds or as an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Retry(Exception):
    """Internal: a failed attempt that may be repeated."""

    def __init__(self, error: Exception, wait: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


class Session:
    """Credentials plus one pooled HTTP connection set, safe to share across threads.

    Args:
        credentials: defaults to :func:`las.credentials.read_credentials` (environment, then
            ``~/.lucidtech/credentials.cfg``), read when the Session is made.
        timeout: seconds, or (connect, read) seconds, for each request.
        max_retries: attempts after the first for a retryable failure (see the module doc).
        max_retry_wait: upper bound in seconds on the total time spent waiting between attempts.
        pool_maxsize: connections kept open to the API (one per concurrent thread is ideal).

    Example::

        session = las.Session(max_retries=8)
        client = las.Client(session=session)
    """

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 5,
        max_retry_wait: float = 120.0,
        pool_maxsize: int = 32,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        self.credentials = credentials or read_credentials()
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.api_endpoint = self.credentials.api_endpoint
        self.http = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=0)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)
        self.http.headers["Accept"] = "application/json"
        self.http.headers["User-Agent"] = f"las-python/{__import__('las').__version__}"

    def __repr__(self) -> str:
        return f"Session(api_endpoint={self.api_endpoint!r}, client_id={self.credentials.client_id!r})"

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()

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
            timeout: overrides the Session's timeout for this call.
            max_retries: overrides the Session's max_retries for this call.

        Raises:
            APIError: a subclass per status family (see :mod:`las.exceptions`).
            requests.RequestException: a connection error or timeout after the retries.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.api_endpoint + path
        data: Any = None
        if json is not None:
            data = jsonlib.dumps(json, separators=(",", ":")).encode()
        elif body is not None:
            data = body
        headers = {"Content-Type": "application/json"} if data is not None else None
        attempt = _Attempt(self, method, url, path, params, data, headers, idempotent, timeout)
        try:
            return attempt()
        except _Retry as first_failure:
            retries = self.max_retries if max_retries is None else max_retries
            if retries == 0:
                raise first_failure.error from None
            return self._retry(attempt, first_failure, retries)

    def _retry(self, attempt: _Attempt, first_failure: _Retry, retries: int) -> Any:
        """Repeat a failed attempt under the retry policy; the first failure counts as attempt 1."""
        replay: list[_Retry] = [first_failure]

        def call() -> Any:
            if replay:
                raise replay.pop()
            return attempt()

        def wait(state: tenacity.RetryCallState) -> float:
            failure = state.outcome.exception() if state.outcome else None
            if isinstance(failure, _Retry) and failure.wait is not None:
                return failure.wait
            exponential = min(_BACKOFF_MAX, _BACKOFF_BASE * 2 ** (state.attempt_number - 1))
            return random.uniform(0, exponential)  # full jitter

        def log_retry(state: tenacity.RetryCallState) -> None:
            failure = state.outcome.exception() if state.outcome else None
            log.info(
                "retrying %s %s in %.2fs after: %s (attempt %d of %d)",
                attempt.method,
                attempt.path,
                state.upcoming_sleep,
                failure,
                state.attempt_number + 1,
                retries + 1,
            )

        def give_up(state: tenacity.RetryCallState) -> Any:
            failure = state.outcome.exception() if state.outcome else None
            if isinstance(failure, _Retry):
                raise failure.error
            raise RuntimeError("unreachable: gave up without a failure")  # pragma: no cover

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(retries + 1) | _StopAfterTotalWait(self.max_retry_wait),
            wait=wait,
            retry=tenacity.retry_if_exception_type(_Retry),
            before_sleep=log_retry,
            retry_error_callback=give_up,
        )
        return retrying(call)


class _StopAfterTotalWait(tenacity.stop.stop_base):
    """Stop when the next wait would push the total time spent waiting past the limit."""

    def __init__(self, limit: float) -> None:
        self.limit = limit

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        upcoming = retry_state.upcoming_sleep or 0.0
        return retry_state.idle_for + upcoming > self.limit


def _never_sent(error: requests.RequestException) -> bool:
    """Whether the connection failed before any byte of the request went out."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


class _Attempt:
    """One send of a request, classifying its failure as final or retryable."""

    __slots__ = (
        "data",
        "headers",
        "idempotent",
        "method",
        "params",
        "path",
        "refreshed",
        "session",
        "timeout",
        "url",
    )

    def __init__(
        self,
        session: Session,
        method: str,
        url: str,
        path: str,
        params: Mapping[str, Any] | None,
        data: Any,
        headers: dict[str, str] | None,
        idempotent: bool,
        timeout: Timeout | None,
    ) -> None:
        self.session = session
        self.method = method
        self.url = url
        self.path = path
        self.params = params
        self.data = data
        self.headers = headers
        self.idempotent = idempotent
        self.timeout = timeout
        self.refreshed = False

    def __call__(self) -> Any:
        session = self.session
        token = session.credentials.access_token(session.http)
        headers = {"Authorization": f"Bearer {token}"}
        if self.headers:
            headers.update(self.headers)
        seek = getattr(self.data, "seek", None)
        if seek is not None:
            seek(0)
        started = time.perf_counter()
        try:
            response = session.http.request(
                self.method,
                self.url,
                params=self.params,
                data=self.data,
                headers=headers,
                timeout=self.timeout or session.timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            # A read timeout or a dropped connection may come after the API did the work; a
            # connection that could not be opened means the request was never sent.
            log.debug("%s %s failed: %s", self.method, self.path, type(error).__name__)
            if self.idempotent or _never_sent(error):
                raise _Retry(error) from None
            raise
        status = response.status_code
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %d in %.1f ms",
                self.method,
                self.path,
                status,
                1000 * (time.perf_counter() - started),
            )
        if status < 400:
            if status == 204 or not response.content:
                return None
            try:
                return jsonlib.loads(response.content)
            except ValueError:
                raise invalid_body_error(response, self.method, self.path) from None
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        failure = error_for_response(response, self.method, self.path, retry_after=retry_after)
        if isinstance(failure, InvalidCredentialsException) and not self.refreshed:
            # The token may have expired or been revoked (the API says 401 or 403): refresh it
            # once (one fetch for all threads) and resend; a second refusal is final.
            self.refreshed = True
            session.credentials.invalidate(token)
            return self()
        if isinstance(failure, TooManyRequestsException) and not isinstance(failure, LimitExceededException):
            raise _Retry(failure, retry_after)
        if isinstance(failure, ServerError) and status in RETRYABLE_SERVER_STATUSES and self.idempotent:
            raise _Retry(failure, retry_after)
        raise failure
