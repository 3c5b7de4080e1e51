"""Documents created without their bytes (2024-11-29): telling whether the bytes arrived, and
whether an upload URL may still take them.

On the 2024-11-29 contract a document is created by a ``POST`` without content, then its bytes
are PUT to the ``fileUrl`` of the answer, a presigned URL that expires. A crash or a failed PUT
between the two leaves a document without bytes, whose answer (``GET /documents/{id}``) has
``contentMD5`` and ``fileUrl`` null until they arrive. :func:`check_document` reads that state
without downloading anything when ``contentMD5`` answers the question, and
:func:`may_be_valid` says whether a journaled upload URL is worth a PUT. Neither contract gives
a new upload URL for an existing document, so one whose URL expired can only be replaced
(deleted, it holds no bytes, and created again).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import urllib.parse
from collections.abc import Mapping
from typing import Any

from ..exceptions import APIError, DocumentUploadError, InvalidResponseError, NotFoundError

__all__ = [
    "GONE",
    "NO_BYTES",
    "OTHER_BYTES",
    "THE_BYTES",
    "check_document",
    "check_document_async",
    "decoded_content",
    "judge_by_md5",
    "may_be_valid",
    "md5_base64",
    "normal_md5",
    "upload_refused",
    "url_expiry",
]

GONE = "gone"
"""The document is not there (deleted, by someone or by its retention)."""
NO_BYTES = "no bytes"
"""The document exists and its bytes have not arrived (``contentMD5`` and ``fileUrl`` null)."""
THE_BYTES = "the bytes"
"""The document holds the item's bytes."""
OTHER_BYTES = "other bytes"
"""The document holds bytes that are not the item's (or that could not be read to tell)."""

URL_MARGIN = datetime.timedelta(seconds=30)
"""How long before its stated expiry a journaled upload URL is no longer tried (a PUT that
starts just before the expiry may be refused by a server whose clock is a little ahead)."""


def md5_base64(data: bytes) -> str:
    """The MD5 of ``data`` in the form of the API's ``contentMD5``: base64 of the digest."""
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode("ascii")


def normal_md5(content_md5: str) -> str | None:
    """``contentMD5`` as base64 of the digest, whether the API wrote it so, as hex, or as a
    quoted hex ETag; None when it is none of these (e.g. the ETag of a multipart upload)."""
    value = content_md5.strip().strip('"')
    if len(value) == 32:
        try:
            return base64.b64encode(bytes.fromhex(value)).decode("ascii")
        except ValueError:
            return None
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return value if len(digest) == 16 else None


def judge_by_md5(document: Mapping[str, Any], md5: str | None) -> str | None:
    """What a document's answer (or list entry) says of its bytes without downloading them:
    :data:`THE_BYTES` (its ``contentMD5`` is ``md5``), :data:`NO_BYTES` (``contentMD5`` null,
    and no ``content`` or ``fileUrl`` to read bytes from), or None when only the bytes can tell
    (another ``contentMD5``, none at all, or a 2021 answer)."""
    content_md5 = document.get("contentMD5")
    if isinstance(content_md5, str):
        return THE_BYTES if md5 is not None and normal_md5(content_md5) == md5 else None
    if "contentMD5" in document and document.get("content") is None and document.get("fileUrl") is None:
        return NO_BYTES
    return None


def decoded_content(content: Any) -> bytes:
    """The bytes of a document's base64 ``content`` (``b""`` without one)."""
    if not isinstance(content, str):
        return b""
    return base64.b64decode(content)


# ---- async source: tools/unasync.py derives the sync twins below ----
async def check_document_async(client: Any, document_id: str, *, md5: str | None, sha256: str) -> str:
    """Whether ``document_id`` holds the bytes whose MD5 (base64) is ``md5`` and sha256 (hex)
    ``sha256``: :data:`GONE`, :data:`NO_BYTES`, :data:`THE_BYTES` or :data:`OTHER_BYTES`.

    One ``GET`` without download through ``client`` (a :class:`las.AsyncClient`) when
    ``contentMD5`` answers; otherwise the bytes are downloaded and their sha256 compared.

    Raises:
        ClientException: the document could not be read (other than 404): nothing is known.
    """
    try:
        document = await client.get_document(document_id, download_content=False)
    except NotFoundError:
        return GONE
    judged = judge_by_md5(document, md5)
    if judged is not None:
        return judged
    if not isinstance(document.get("content"), str):
        document = await client.get_document(document_id)  # the bytes, from its fileUrl
    data = decoded_content(document.get("content"))
    return THE_BYTES if data and hashlib.sha256(data).hexdigest() == sha256 else OTHER_BYTES


# ---- sync twins: generated from the async source above, do not edit ----
def check_document(client: Any, document_id: str, *, md5: str | None, sha256: str) -> str:
    """Whether ``document_id`` holds the bytes whose MD5 (base64) is ``md5`` and sha256 (hex)
    ``sha256``: :data:`GONE`, :data:`NO_BYTES`, :data:`THE_BYTES` or :data:`OTHER_BYTES`.

    One ``GET`` without download through ``client`` (a :class:`las.Client`) when
    ``contentMD5`` answers; otherwise the bytes are downloaded and their sha256 compared.

    Raises:
        ClientException: the document could not be read (other than 404): nothing is known.
    """
    try:
        document = client.get_document(document_id, download_content=False)
    except NotFoundError:
        return GONE
    judged = judge_by_md5(document, md5)
    if judged is not None:
        return judged
    if not isinstance(document.get("content"), str):
        document = client.get_document(document_id)  # the bytes, from its fileUrl
    data = decoded_content(document.get("content"))
    return THE_BYTES if data and hashlib.sha256(data).hexdigest() == sha256 else OTHER_BYTES


# ---- end of generated sync twins ----


def upload_refused(error: BaseException) -> bool:
    """Whether a failed upload says its URL will not take the bytes however often it is tried
    (the file server refused it with a 4xx other than 429, e.g. 403 once it expired, or there is
    no usable URL), rather than a failure that may pass (5xx after the retries, a dropped
    connection, a timeout)."""
    if isinstance(error, DocumentUploadError):
        if error.file_url is None:
            return True
        error = error.__cause__ if error.__cause__ is not None else error
    if isinstance(error, InvalidResponseError):
        # No answer at all: the API's URL is not one the SDK can send to. An answer that was not
        # object storage's (a proxy's page to the PUT): the URL may take the bytes next time.
        return getattr(error, "response", None) is None
    return isinstance(error, APIError) and 400 <= error.status_code < 500 and error.status_code != 429


def url_expiry(url: str) -> datetime.datetime | None:
    """When a presigned URL expires, when it says so in its query: AWS Signature V4 and Google
    Cloud Storage V4 (``X-Amz-Date`` / ``X-Goog-Date`` plus ``...-Expires`` seconds), AWS V2 and
    CloudFront (``Expires``, seconds since the epoch) or an Azure SAS (``se``); None otherwise."""
    query = {
        name.lower(): values[-1]
        for name, values in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()
    }
    try:
        for vendor in ("amz", "goog"):
            signed, seconds = query.get(f"x-{vendor}-date"), query.get(f"x-{vendor}-expires")
            if signed is not None and seconds is not None:
                start = datetime.datetime.strptime(signed, "%Y%m%dT%H%M%SZ").replace(
                    tzinfo=datetime.timezone.utc
                )
                return start + datetime.timedelta(seconds=int(seconds))
        if "expires" in query:
            return datetime.datetime.fromtimestamp(int(query["expires"]), tz=datetime.timezone.utc)
        if "se" in query:
            stated = datetime.datetime.fromisoformat(query["se"].replace("Z", "+00:00"))
            return stated if stated.tzinfo is not None else stated.replace(tzinfo=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def may_be_valid(file_url: str | None, expires: str | None, now: datetime.datetime | None = None) -> bool:
    """Whether a journaled upload URL is worth a PUT: there is one, and it does not say it
    expired (an expiry it does not state is found out by trying: a 403)."""
    if file_url is None:
        return False
    if expires is None:
        return True
    try:
        stated = datetime.datetime.fromisoformat(expires)
    except ValueError:
        return True
    if stated.tzinfo is None:
        stated = stated.replace(tzinfo=datetime.timezone.utc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now < stated - URL_MARGIN
