"""What a call's answer was, besides its data: status, headers, request id, time and attempts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

import attrs

__all__ = ["RawResponse", "ResponseInfo"]

T = TypeVar("T")


@attrs.frozen(slots=True)
class ResponseInfo:
    """The answer a call ended with.

    Attributes:
        method: the HTTP method sent.
        path: the path below the API endpoint, without the query string.
        status: the HTTP status of the final answer.
        headers: its headers (case-insensitive lookup), as received.
        request_id: the API's request id (``x-amzn-requestid``, ``x-amz-apigw-id`` or
            ``x-request-id``); quote it when asking for support.
        elapsed: seconds the whole call took, retries and waits included.
        attempts: requests sent for this call (1 when the first answer was final).
    """

    method: str
    path: str
    status: int
    headers: Mapping[str, str] = attrs.field(repr=False)
    request_id: str | None
    elapsed: float
    attempts: int


@attrs.frozen(slots=True)
class RawResponse(Generic[T]):
    """A call's decoded JSON (``data``) with what is known of its answer (``info``).

    Returned by ``Session.request(..., raw=True)`` and ``client.with_raw_response.<method>(...)``.
    """

    data: T
    info: ResponseInfo
