"""Whether a failed create may have created something: "never sent or refused" vs "answer lost".

Read from what the Session raises for a POST (it never repeats a POST that was sent):

- a connection that could not be opened (``ConnectTimeout``, a refused connection): never sent;
- any other connection error or timeout: the request went out and its answer was lost;
- 4xx (and 429): the API refused the request, nothing was created;
- 5xx, or a success status whose body is not the API's JSON: the API may have done the work.

Anything raised before sending (unreadable file, unknown content type, too large) is "not sent".
"""

from __future__ import annotations

import requests
import urllib3

from ..exceptions import APIError

__all__ = ["AMBIGUOUS", "FAILED", "classify_failure", "never_sent"]

FAILED = "failed"
AMBIGUOUS = "ambiguous"


def never_sent(error: BaseException) -> bool:
    """Whether ``error`` is a connection that failed before any byte of the request went out."""
    if not isinstance(error, requests.RequestException):
        return False
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def classify_failure(error: BaseException) -> str:
    """``"failed"`` when the request certainly created nothing, ``"ambiguous"`` when it may have."""
    if isinstance(error, APIError):
        status = error.status_code
        return AMBIGUOUS if status >= 500 or status < 400 else FAILED
    if isinstance(
        error, (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
    ):
        return FAILED if never_sent(error) else AMBIGUOUS
    return FAILED
