"""Every error the SDK raises, under one base.

The tree::

    ClientException                       base of everything las raises
    ├── MissingCredentials                no credentials in arguments, environment or config file
    ├── FileFormatException               content whose type is not PDF, JPEG, PNG or TIFF
    ├── ContentTooLargeError              content over the API's size limit (also a ValueError)
    ├── InvalidIdError                    an id of the wrong kind, e.g. a model id for a document (ValueError)
    └── APIError                          the API answered with an error (also requests.HTTPError)
        ├── BadRequestError               400: the request was malformed
        ├── InvalidCredentialsException   401/403: credentials or token refused
        ├── NotFoundError                 404: no such resource
        ├── ConflictError                 409/422: the request conflicts with the resource's state
        ├── TooManyRequestsException      429: slow down; retried by the Session
        │   └── LimitExceededException    429 "Limit Exceeded": the monthly quota is used up (not retried)
        ├── ServerError                   5xx: the API failed
        └── InvalidResponseError          a reply that is not the API's JSON (proxy HTML page, empty, truncated)

Status errors are ``requests.exceptions.HTTPError`` too, so code written against the
reference client (``except requests.HTTPError``) keeps working.
"""

from __future__ import annotations

from typing import Any

import requests

__all__ = [
    "APIError",
    "BadRequestError",
    "ClientException",
    "ConflictError",
    "ContentTooLargeError",
    "FileFormatException",
    "InvalidCredentialsException",
    "InvalidIdError",
    "InvalidResponseError",
    "LimitExceededException",
    "MissingCredentials",
    "NotFoundError",
    "ServerError",
    "TooManyRequestsException",
    "error_for_response",
]

_SNIPPET_LENGTH = 200


class ClientException(Exception):
    """Base class of every exception raised by las."""


class MissingCredentials(ClientException):
    """Raised when a credential value is found neither in arguments, environment nor config file."""


class FileFormatException(ClientException):
    """Raised when the content type of a document cannot be detected or is not accepted."""


class ContentTooLargeError(ClientException, ValueError):
    """Raised before any upload when content exceeds the API's size limit."""


class InvalidIdError(ClientException, ValueError):
    """Raised before any request when an id of the wrong kind is given."""


class APIError(ClientException, requests.exceptions.HTTPError):
    """The API answered with an error status.

    Attributes:
        status_code: the HTTP status.
        message: the API's ``message`` (or a snippet of the body when it has none).
        method: the HTTP method of the request.
        path: the path of the request, without the query string.
        response: the ``requests.Response``.
        request_id: the API's request id header, when it sent one.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        path: str,
        response: requests.Response | None = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.method = method
        self.path = path
        self.request_id = _request_id(response)
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


def _request_id(response: requests.Response | None) -> str | None:
    if response is None:
        return None
    for header in ("x-amzn-requestid", "x-request-id", "apigw-requestid"):
        value = response.headers.get(header)
        if value:
            return value
    return None


def _snippet(response: requests.Response) -> str:
    text = response.content[:_SNIPPET_LENGTH].decode("utf-8", "replace")
    more = "..." if len(response.content) > _SNIPPET_LENGTH else ""
    return repr(text + more) if text else "(empty body)"


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


def error_for_response(
    response: requests.Response, method: str, path: str, *, retry_after: float | None = None
) -> APIError:
    """Build the exception that describes an error response (status >= 400)."""
    status = response.status_code
    message: str | None = None
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw = body.get("message")
        message = raw if isinstance(raw, str) else None
    if message is None:
        # Not the API's error shape: a proxy page, an empty or truncated body.
        return InvalidResponseError(
            f"the server answered without the API's JSON error body: {_snippet(response)}",
            status_code=status,
            method=method,
            path=path,
            response=response,
        )
    cls = _class_for_status(status)
    if cls is TooManyRequestsException:
        if "limit exceeded" in message.lower():
            return LimitExceededException(
                message, status_code=status, method=method, path=path, response=response
            )
        return TooManyRequestsException(
            message, retry_after=retry_after, status_code=status, method=method, path=path, response=response
        )
    return cls(message, status_code=status, method=method, path=path, response=response)


def invalid_body_error(response: requests.Response, method: str, path: str) -> InvalidResponseError:
    """Build the exception for a success status whose body is not valid JSON."""
    return InvalidResponseError(
        f"expected a JSON body, got {_snippet(response)}",
        status_code=response.status_code,
        method=method,
        path=path,
        response=response,
    )
