"""Errors as one line that says what happened and what to do, and the exit code scripts see.

Exit codes: 0 ok; 1 the API (or the network to it) refused or failed; 2 the command cannot
run as given (arguments, files, ids, missing credentials); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import re

import requests

from las import exceptions

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

_HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (exceptions.NotFoundError, "check the id; `las <group> list` shows what exists"),
    (
        exceptions.InvalidCredentialsException,
        "check the credentials: --profile, LAS_CLIENT_ID/LAS_CLIENT_SECRET or ~/.lucidtech/credentials.cfg",
    ),
    (exceptions.LimitExceededException, "the monthly quota is used up; see `las organizations get`"),
    (exceptions.TooManyRequestsException, "the API is rate limiting; wait a little and run it again"),
    (exceptions.ServerError, "the API failed; run it again later, and quote the request id if it persists"),
    (
        exceptions.InvalidResponseError,
        "the endpoint did not answer like the API; check --endpoint or api_endpoint",
    ),
    (exceptions.BadRequestError, "fix the argument the message names (see --help)"),
    (exceptions.ConflictError, "the resource's state does not allow it; `get` it to see why"),
    (exceptions.MissingCredentials, "or try any command with --emulator first"),
    (requests.ConnectionError, "is the endpoint right and reachable (is `las serve` running)?"),
    (requests.Timeout, "the API did not answer in time; run it again"),
)

USAGE_ERRORS = (
    exceptions.MissingCredentials,
    exceptions.InvalidIdError,
    exceptions.FileFormatException,
    exceptions.ContentTooLargeError,
)
HANDLED = (exceptions.ClientException, requests.RequestException)


def _underlying(error: BaseException) -> BaseException:
    """The requests error under a las connection error (which keeps it as its ``request``)."""
    inner = getattr(error, "request", None)
    return inner if isinstance(inner, requests.RequestException) else error


def _what_happened(error: BaseException) -> str:
    cause = _underlying(error)
    url = getattr(getattr(cause, "request", None), "url", None)
    if isinstance(error, requests.ConnectionError) and isinstance(url, str):
        # urllib3's text nests the pool, the URL and the socket error; keep the URL and the cause.
        reason = re.findall(
            r"\[Errno -?\d+\] [^'\")]+|timed out|Connection refused|Name or service not known", str(cause)
        )
        return f"cannot connect to {url}" + (f": {reason[-1]}" if reason else "")
    return " ".join(str(error).split()).rstrip(".") or type(error).__name__


def one_line(error: BaseException) -> str:
    """``error: <what happened>; <what to do>`` on one line."""
    text = _what_happened(error)
    for kind, hint in _HINTS:
        if isinstance(error, kind):
            return f"error: {text}; {hint}"
    return f"error: {text}"


def exit_code(error: BaseException) -> int:
    """2 for errors the user fixes in the command line or files, 1 for the API's and the network's."""
    return EXIT_USAGE if isinstance(error, USAGE_ERRORS) else EXIT_API_ERROR


def answer_lost(error: BaseException) -> bool:
    """Whether a request went out but its answer never came (a dropped connection, a timeout).

    The API may then have done the work: a create must not be sent again blindly. The Session
    tells the two apart: :class:`las.AnswerLostError` (sent, then the connection dropped) and
    :class:`las.APITimeoutError` (sent, no answer in time) may have worked; any other
    :class:`las.APIConnectionError` means the connection could not be opened: nothing was sent.
    """
    return isinstance(error, (exceptions.AnswerLostError, exceptions.APITimeoutError))
