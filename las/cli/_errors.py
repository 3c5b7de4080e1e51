"""Errors as one line that says what happened and what to do, and the exit code scripts see.

Exit codes: 0 ok; 1 the API (or the network to it) refused or failed; 2 the command cannot
run as given (arguments, files, ids, missing credentials); 130 interrupted (Ctrl-C).

Every error line goes through :func:`redact`: a URL's password and query values are never
printed, wherever the URL came from (``--endpoint``, ``LAS_*`` variables, a profile).
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
    (
        requests.Timeout,
        "the API did not answer in time; run it again, or wait longer with --request-timeout SECONDS "
        "(or LAS_REQUEST_TIMEOUT)",
    ),
)

USAGE_ERRORS = (
    exceptions.MissingCredentials,
    exceptions.InvalidIdError,
    exceptions.FileFormatException,
    exceptions.ContentTooLargeError,
)
HANDLED = (exceptions.ClientException, requests.RequestException)

# A URL in a message, and the values of a query string.
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]+")
_QUERY_VALUE = re.compile(r"([?&][^=&#]*=)[^&#]*")


def redact_url(url: str) -> str:
    """``url`` with its password (or a lone user name) and its query values as ``***``."""
    scheme, separator, rest = url.partition("://")
    if separator:
        end = min((index for index in map(rest.find, "/?#") if index >= 0), default=len(rest))
        user_info, at, host = rest[:end].rpartition("@")  # the last @ ends it, as urllib reads it
        if at:
            user, colon, _ = user_info.partition(":")
            rest = f"{user + ':***' if colon else '***'}@{host}{rest[end:]}"
        url = scheme + separator + rest
    return _QUERY_VALUE.sub(r"\1***", url)


def redact(text: str) -> str:
    """``text`` with the password (or lone user name) and query values of every URL in it as ``***``.

    ``http://user:pw@host/?token=t`` becomes ``http://user:***@host/?token=***``.
    """
    return _URL.sub(lambda found: redact_url(found[0]), text)


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
        where = url.partition("?")[0]  # the query (grant_type=...) does not help find the server
        return f"cannot connect to {where}" + (f": {reason[-1]}" if reason else "")
    text = " ".join(str(error).split())
    if isinstance(error, exceptions.DeadlineExceeded):
        text = text.partition("; pass deadline=")[0]  # the SDK's advice; the hint says the command's
    return text.rstrip(".") or type(error).__name__


def one_line(error: BaseException) -> str:
    """``error: <what happened>; <what to do>`` on one line, redacted."""
    text = redact(_what_happened(error))
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
