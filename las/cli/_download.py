"""Writing a dataset's documents to a directory: ``<id>.<ext>`` and ``<id>.json`` per document.

File names come from the document id only after it is checked to be one
(``las:document:<32 hex>``), so an answer cannot write outside the directory. Each file is
written to a temporary name and renamed, so an interrupted download leaves no half file
that a re-run would take for done.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from las import ids
from las.client import Client

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tiff"}


class DownloadError(Exception):
    """A document that could not be written (its answer was not what the API promises)."""


def file_stem(document_id: Any) -> str:
    """The file name (without extension) for a document id: ``las_document_<hex>``.

    Raises:
        DownloadError: the value is not a document id (it could name a path elsewhere).
    """
    if not ids.is_id(ids.DOCUMENT, document_id):
        raise DownloadError(f"the API answered a document id {str(document_id)[:60]!r} that is not one")
    return str(document_id).replace(":", "_")


def paths_for(directory: Path, document: dict[str, Any]) -> tuple[Path, Path]:
    """Where a document's content and ground truth go."""
    stem = file_stem(document.get("documentId"))
    extension = EXTENSIONS.get(str(document.get("contentType")), ".bin")
    return directory / f"{stem}{extension}", directory / f"{stem}.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def download_document(client: Client, listed: dict[str, Any], directory: Path) -> tuple[str, Path]:
    """Fetch one listed document and write its two files; ``("existing", path)`` when both exist.

    Raises:
        DownloadError: a bad id or content that is not base64.
        APIError: the API refused.
    """
    content_path, truth_path = paths_for(directory, listed)
    if listed.get("contentType") and content_path.exists() and truth_path.exists():
        return "existing", content_path
    document = client.get_document(listed["documentId"])
    content_path, truth_path = paths_for(directory, document)
    try:
        content = base64.b64decode(document.get("content") or "", validate=True)
    except binascii.Error as error:
        raise DownloadError(f"content of {document['documentId']} is not base64: {error}") from None
    write_atomically(content_path, content)
    truth = json.dumps(document.get("groundTruth") or [], indent=2, ensure_ascii=False)
    write_atomically(truth_path, truth.encode("utf-8"))
    return "downloaded", content_path
