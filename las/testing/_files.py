"""File URLs (2024-11-29 contract): where a document's bytes go up and come down.

``POST /documents`` without ``content`` answers a ``fileUrl`` to ``PUT`` the bytes to;
``GET /documents/{id}`` (and ``PATCH``, and ``POST`` with inline ``content``) answers a fresh one
to ``GET`` them from once they have arrived (``fileUrl`` is null before). Both are
``<origin>/_files/<token>`` on the emulator itself and behave like the presigned object-storage
URLs the real service answers:

* No access token needed: the token in the path is the permission. An ``Authorization``
  header is ignored, whatever it holds: the contract says nothing of how a file URL
  authenticates, and lucidtech-las 11.x, Lucidtech's own client of this contract, sends its
  access token with every request to one (las itself never does).
* One method each (``PUT``, or ``GET``/``HEAD``; another answers 403), until
  :data:`FILE_URL_SECONDS` have passed on the emulator's clock (then 403, "expired"), any number
  of times (a ``PUT`` again replaces the bytes: an interrupted upload is simply repeated).
* A ``PUT`` needs a ``Content-Length`` (411 without one; a chunked body is refused with 501, as
  object storage does) of 1 to :data:`MAX_FILE_BYTES` bytes (413 above it, answered from the
  header before a byte of the body is read). Its bytes are kept as they arrive, never as base64
  (the request log's ``body`` is the same bytes object, not a copy; it is not decoded as JSON);
  ``contentMD5`` becomes their MD5 (base64) and the answer's ``ETag`` its hex form. A document
  created without ``contentType`` takes the ``Content-Type`` of the ``PUT`` if it is one the
  contract allows.
* ``GET`` answers the bytes with the document's ``contentType`` (``application/octet-stream``
  without one); 404 once the document is deleted.

Errors are answered in the API's JSON shape ``{"message": ...}``. ``origin`` is how the client
reached the emulator, except that a loopback address over plain HTTP is written ``localhost``:
the contract allows ``http://`` only for ``localhost`` (elsewhere serve with ``tls=True``).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from las.testing._request import ApiRequest
from las.testing._store import ApiError, Row, State

FILES_PATH: Final = "/_files/"
FILE_URL_SECONDS: Final = 3600.0
MAX_FILE_BYTES: Final = 100 * 1024 * 1024
CONTENT_TYPES: Final = ("application/pdf", "image/jpeg", "image/png", "image/tiff", "image/webp")
_PRUNE_ABOVE = 10_000  # grants kept before expired ones are dropped
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")

Answer = tuple[int, bytes, str, list[tuple[str, str]]]  # status, body, content type, headers


@dataclass(frozen=True)
class Grant:
    """What one file URL allows: ``method`` on the bytes of ``document_id`` until ``expires``."""

    document_id: str
    method: str  # "PUT" or "GET"
    expires: float


def origin_of(scheme: str, host: str) -> str:
    """The ``scheme://host:port`` of file URLs for a request that came with ``Host: host``."""
    name, _, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not name:
        name, port = host, ""
    if scheme == "http" and (name in _LOOPBACK or name.startswith("127.")):
        name = "localhost"
    return f"{scheme}://{name}{':' + port if port else ''}"


def file_url(request: ApiRequest, document_id: str, method: str) -> str:
    """A new URL for ``method`` on the bytes of ``document_id``, valid for :data:`FILE_URL_SECONDS`."""
    state = request.state
    now = state.clock.now()
    grants = state.file_grants
    if len(grants) > _PRUNE_ABOVE:
        for token in [token for token, grant in grants.items() if grant.expires <= now]:
            del grants[token]
    token = secrets.token_urlsafe(24)
    grants[token] = Grant(document_id, method, now + FILE_URL_SECONDS)
    return f"{request.origin}{FILES_PATH}{token}"


def md5_base64(data: bytes) -> str:
    """``contentMD5`` of bytes: their MD5, base64 (as object storage's ``Content-MD5``)."""
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def store_bytes(row: Row, data: bytes | None) -> None:
    """Keep ``data`` as the bytes of the document ``row`` (None: none yet)."""
    row["_bytes"] = data
    row["contentMD5"] = md5_base64(data) if data is not None else None


def refuse_upload(method: str, headers: Mapping[str, str]) -> tuple[int, str] | None:
    """Why a ``PUT`` to a file URL is refused from its headers alone (before its body is read)."""
    if method != "PUT":
        return None
    lowered = {name.lower(): value for name, value in headers.items()}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        return 501, (
            "a file URL takes a body with a Content-Length, not Transfer-Encoding: chunked "
            "(as presigned object storage URLs do)"
        )
    length = lowered.get("content-length")
    if length is None:
        return 411, "a PUT to a file URL needs a Content-Length header"
    if not (length.isascii() and length.isdigit()):
        return 400, f"Content-Length must be a number of bytes, got {length[:40]!r}"
    if int(length) > MAX_FILE_BYTES:
        return 413, (
            f"file too large: {length} bytes; the emulator takes at most {MAX_FILE_BYTES} "
            f"({MAX_FILE_BYTES // (1024 * 1024)} MiB) per file"
        )
    return None


def answer(state: State, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Answer:
    """Answer a request to a file URL (``headers`` with lowercase names).

    Raises:
        ApiError: the request is refused (see the module docstring).
    """
    token = path[len(FILES_PATH) :]
    with state.lock:
        grant: Grant | None = state.file_grants.get(token)
        if grant is None:
            raise ApiError(403, "unknown file URL; use the fileUrl the API answered, unchanged")
        if state.clock.now() >= grant.expires:
            raise ApiError(
                403,
                f"this file URL expired at {state.clock.iso(grant.expires)}; ask for a new one "
                f"(GET /documents/{grant.document_id})",
            )
        allowed = ("GET", "HEAD") if grant.method == "GET" else (grant.method,)
        if method not in allowed:
            raise ApiError(403, f"this file URL is for {' or '.join(allowed)}, not {method}")
        document = state.documents.get(grant.document_id)
        if document is None:
            raise ApiError(404, f"{grant.document_id} not found (deleted)")
        if method == "PUT":
            refused = refuse_upload(method, headers)
            if refused is not None:
                raise ApiError(*refused)
            if not body:
                raise ApiError(400, "an empty body: a document has at least one byte")
            store_bytes(document, body)
            given = headers.get("content-type", "").split(";")[0].strip().lower()
            if document.get("contentType") is None and given in CONTENT_TYPES:
                document["contentType"] = given
            digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
            return 200, b"", "application/json", [("ETag", f'"{digest}"')]
        data = document.get("_bytes")
        if data is None:
            raise ApiError(
                404,
                f"the bytes of {grant.document_id} have not arrived; PUT them to its upload fileUrl first",
            )
        digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
        return 200, data, document.get("contentType") or "application/octet-stream", [("ETag", f'"{digest}"')]
