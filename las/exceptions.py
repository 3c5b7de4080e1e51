"""Every error the SDK raises, under one base.

The tree::

    ClientException                       base of everything las raises
    ├── MissingCredentials                no credentials in arguments, environment or config file
    │   └── CredentialsFileError          a credentials.cfg that cannot be read or parsed (names the line)
    ├── FileFormatException               content whose type is not PDF, JPEG, PNG or TIFF
    ├── ContentTooLargeError              content over the API's size limit (also a ValueError)
    ├── InvalidIdError                    an id of the wrong kind, or a path segment "", "." or ".." (ValueError)
    ├── ContractError                     an unknown API contract, or an argument the session's contract cannot carry (ValueError)
    ├── ContentNotFoundError              content given as a path that is not a file (also FileNotFoundError)
    ├── SessionNotPicklableError          pickling a Session, which holds a secret (also TypeError)
    ├── CredentialsConflictError          client id and secret from different places (env vs file)
    ├── DocumentUploadError               the document was created, its bytes did not reach its fileUrl
    ├── APIConnectionError                no answer: the connection failed (also requests.ConnectionError)
    │   ├── AnswerLostError               sent, then dropped before the answer: the API may have done the work
    │   └── CertificateRefusedError       the server's TLS certificate failed verification: nothing was sent
    ├── APITimeoutError                   no answer in time (also requests.Timeout)
    │   └── DeadlineExceeded              the whole call passed its deadline
    └── APIError                          the API answered with an error (also requests.HTTPError)
        ├── BadRequestError               400: the request was malformed
        ├── InvalidCredentialsException   401/403: credentials or token refused
        ├── NotFoundError                 404: no such resource
        ├── ConflictError                 409/422: the request conflicts with the resource's state
        ├── TooManyRequestsException      429: slow down; retried by the Session
        │   └── LimitExceededException    429 "Limit Exceeded": the monthly quota is used up (not retried)
        ├── ServerError                   5xx: the API failed
        └── InvalidResponseError          a reply that is not the API's JSON (proxy HTML page, empty, truncated)

Status errors are ``requests.exceptions.HTTPError`` too, and connection errors and timeouts are
``requests.ConnectionError`` and ``requests.Timeout``, so code written against the reference
client (``except requests.HTTPError``) keeps working.
"""

from __future__ import annotations

from typing import Any

import requests
import requests.exceptions

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AnswerLostError",
    "BadRequestError",
    "CertificateRefusedError",
    "ClientException",
    "ConflictError",
    "ContentNotFoundError",
    "ContentTooLargeError",
    "ContractError",
    "CredentialsConflictError",
    "CredentialsFileError",
    "DeadlineExceeded",
    "DocumentUploadError",
    "FileFormatException",
    "InvalidCredentialsException",
    "InvalidIdError",
    "InvalidResponseError",
    "LimitExceededException",
    "MissingCredentials",
    "NotFoundError",
    "ServerError",
    "SessionNotPicklableError",
    "TooManyRequestsException",
]


class ClientException(Exception):
    """Base class of every exception raised by las."""


class MissingCredentials(ClientException):
    """Raised when a credential value is found neither in arguments, environment nor config file."""


class CredentialsFileError(MissingCredentials):
    """The credentials file exists but cannot be read or parsed. The message names the file and
    the line and says what to fix; it never quotes the file's content (a secret may be on it)."""


class FileFormatException(ClientException):
    """Raised when the content type of a document cannot be detected or is not accepted."""


class ContentTooLargeError(ClientException, ValueError):
    """Raised before any upload when content exceeds the API's size limit."""


class InvalidIdError(ClientException, ValueError):
    """Raised before any request when an id of the wrong kind is given, or an id that would
    change the path it is put in (empty, ``.`` or ``..``)."""


class ContractError(ClientException, ValueError):
    """An API contract name that is not known, or an argument or operation the session's contract
    cannot carry (``metadata=`` on 2021-09-23, a model's ``width`` on 2024-11-29). Raised before
    any request; the message names the contract and how to choose the other."""


class ContentNotFoundError(ClientException, FileNotFoundError):
    """Raised before any request when content is given as a path that is not a file."""


class SessionNotPicklableError(ClientException, TypeError):
    """Raised when pickling a Session or a Client: they hold a client secret and open sockets."""


class CredentialsConflictError(ClientException):
    """Raised when the client id and the client secret come from different places."""


class DocumentUploadError(ClientException):
    """A document was created (``POST /documents`` succeeded) but its bytes did not reach the
    ``fileUrl`` of the answer (2024-11-29 contract): the document exists, without content.

    Nothing is deleted or sent again by the SDK. To finish it, PUT the bytes again
    (``client.put_file(error.file_url, content)`` while the URL is valid); to abandon it,
    ``client.delete_document(error.document_id)``. The failure of the upload itself (a timeout,
    a refused URL, ...) is ``__cause__``.

    Attributes:
        document_id: the id of the document created without its bytes.
        file_url: where its bytes go (None when the API answered none); a presigned URL that
            expires, so treat it as a secret and use it soon.
        document: the API's answer to the create (a dict, as ``Client.create_document`` returns).
    """

    def __init__(self, message: str, *, document_id: str, file_url: str | None, document: Any) -> None:
        super().__init__(message)
        self.document_id = document_id
        self.file_url = file_url
        self.document = document


class APIConnectionError(ClientException, requests.exceptions.ConnectionError):
    """No answer: the connection could not be opened or dropped, after the retries allowed."""


class AnswerLostError(APIConnectionError):
    """The request went out, then the connection dropped before the answer: the API may have done
    the work. A request that is not safe to repeat (a POST that creates, a PATCH) is never sent
    again, so this is how its caller learns to check before resending. A plain
    :class:`APIConnectionError` means the connection could not be opened: nothing was sent."""


class CertificateRefusedError(APIConnectionError, requests.exceptions.SSLError):
    """The server's TLS certificate failed verification (an unknown authority, another host's
    name, expired): the connection was refused before anything was sent. Not retried: it would
    fail the same way. The message says why and how to trust a private certificate authority.
    Also a ``requests.exceptions.SSLError``, as the reference client raised."""


class APITimeoutError(ClientException, requests.exceptions.Timeout):
    """No answer within the read timeout, after the retries allowed."""


class DeadlineExceeded(APITimeoutError):
    """The whole call (attempts and waits together) passed its deadline."""


class APIError(ClientException, requests.exceptions.HTTPError):
    """The API answered with an error status.

    Attributes:
        status_code: the HTTP status.
        message: the API's ``message`` (or a snippet of the body when it has none).
        method: the HTTP method of the request.
        path: the path of the request, without the query string.
        response: the ``requests.Response`` (None for errors found in a page or a body).
        request_id: the API's request id header (``x-amzn-requestid``, ``x-amz-apigw-id`` or
            ``x-request-id``), when it sent one.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        path: str,
        response: Any = None,
        request_id: str | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.method = method
        self.path = path
        self.request_id = request_id
        text = f"{status_code} on {method} {path}: {message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        super().__init__(text, response=response)


class BadRequestError(APIError):
    """400: the API refused the request as malformed; ``message`` names the problem."""


class InvalidCredentialsException(APIError):
    """401/403: the credentials or the access token were refused."""


class NotFoundError(APIError):
    """404: the resource does not exist (or is not visible to these credentials)."""


class ConflictError(APIError):
    """409/422: the request conflicts with the current state of the resource."""


class TooManyRequestsException(APIError):
    """429: too many requests. The Session retries these; this surfaces when retries run out."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class LimitExceededException(TooManyRequestsException):
    """429 "Limit Exceeded": the organization's monthly quota is used up. Never retried."""


class ServerError(APIError):
    """5xx: the API failed to answer the request."""


class InvalidResponseError(APIError):
    """The API (or a proxy in front of it) answered with something that is not the API's JSON."""
