"""Whether a failed create may have created something: "never sent or refused" vs "answer lost".

Read from what the Session raises for a POST (it never repeats a POST that was sent):

- :class:`las.AnswerLostError`: the request went out, the connection dropped: it may have worked;
- :class:`las.APITimeoutError`: no answer in time after sending (or the deadline passed): it may have;
- any other :class:`las.APIConnectionError`: the connection could not be opened: never sent;
- 4xx (and 429): the API refused the request, nothing was created;
- 5xx, or a success status whose body is not the API's JSON: the API may have done the work;
- :class:`las.DocumentUploadError` (2024-11-29): the document was created, its bytes did not
  arrive: created, so never "failed" (a re-run would create a second one).

Anything raised before sending (unreadable file, unknown content type, too large) is "not sent";
any other transport error is taken as "may have worked", the side that never duplicates.
"""

from __future__ import annotations

import requests

from ..exceptions import (
    AnswerLostError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    DocumentUploadError,
)

__all__ = ["AMBIGUOUS", "FAILED", "classify_failure", "never_sent"]

FAILED = "failed"
AMBIGUOUS = "ambiguous"


def never_sent(error: BaseException) -> bool:
    """Whether ``error`` is a connection that failed before any byte of the request went out."""
    return isinstance(error, APIConnectionError) and not isinstance(error, AnswerLostError)


def classify_failure(error: BaseException) -> str:
    """``"failed"`` when the request certainly created nothing, ``"ambiguous"`` when it may have."""
    if isinstance(error, DocumentUploadError):
        return AMBIGUOUS
    if isinstance(error, APIError):
        status = error.status_code
        return AMBIGUOUS if status >= 500 or status < 400 else FAILED
    if never_sent(error):
        return FAILED
    if isinstance(error, (AnswerLostError, APITimeoutError, requests.RequestException)):
        return AMBIGUOUS
    return FAILED
