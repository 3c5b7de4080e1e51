"""Writing a dataset's documents to a directory: ``<id>.<ext>`` and ``<id>.json`` per document.

File names come from the document id only after it is checked to be one
(``las:document:<32 hex>``), so an answer cannot write outside the directory. Each file is
written to a temporary name and moved into place only if nothing is at its name, so an
interrupted download leaves no half file that a re-run would take for done, and a file already
there (an earlier download's, or the user's own edit of it) is never replaced. Something other
than a file at a document's name (a symbolic link, a directory) fails that document: a link is
never written through.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from las import ids
from las._files import check_target, kind_of, read_regular, written_whole
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


def save_content(path: Path, content: bytes, *, overwrite: bool) -> None:
    """Write downloaded ``content`` to a ``path`` the user named (``--download-content PATH``).

    A pipe or a terminal (``/dev/stdout``) gets the bytes as a stream. Otherwise the file
    appears at ``path`` only when whole; a file already there is left alone when it holds these
    very bytes (a re-run) and replaced only with ``overwrite`` (a symbolic link is then replaced
    itself, never followed).

    Raises:
        FileExistsError: something else is at ``path`` and ``overwrite`` is false.
        IsADirectoryError: ``path`` is a directory.
        OSError: the directory cannot be written (the message names ``path``).
    """
    if _is_stream(path):
        with open(path, "wb") as stream:
            stream.write(content)
        return
    if _holds(path, content):
        return
    replace = check_target(
        path, ours=None, overwrite=overwrite, what="a copy of this content", how_to_overwrite="--overwrite"
    )
    with written_whole(path, replace=replace) as file:
        file.write(content)


def _is_stream(path: Path) -> bool:
    """Whether ``path`` names a stream: a standard stream's name (``/dev/stdout`` even when the
    shell sent it to a file), or a pipe, a socket or a terminal."""
    name = os.path.abspath(path)
    if name in ("/dev/stdout", "/dev/stderr") or os.path.dirname(name) in ("/dev/fd", "/proc/self/fd"):
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)


def _holds(path: Path, content: bytes) -> bool:
    """Whether a regular file at ``path`` holds exactly ``content``."""
    try:
        found = os.lstat(path)
        return stat.S_ISREG(found.st_mode) and found.st_size == len(content) and read_regular(path) == content
    except OSError:
        return False


def prepare_directory(directory: Path) -> None:
    """Create ``directory`` (and its parents) if missing, and check that a file can be written in it.

    Raises:
        OSError: it cannot be created or written (the message names it and says why).
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=directory).close()  # nameless where the system allows it
    except OSError as error:
        raise type(error)(
            error.errno, f"cannot write files into {directory}: {error.strerror or error}"
        ) from None


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless a file is there already; whether it was written.

    Raises:
        DownloadError: something other than a regular file is at ``path`` (it is left alone).
        OSError: the directory cannot be written (the message names ``path``).
    """
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if stat.S_ISREG(found.st_mode):
            return False
        raise DownloadError(
            f"{path} is a {kind_of(found.st_mode)}, not a file: it was left alone (las never writes "
            "through a link); remove it and run again"
        )
    try:
        with written_whole(path, replace=False) as file:
            file.write(data)
    except FileExistsError:  # another download wrote it a moment ago
        return False
    return True


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def download_document(client: Client, listed: dict[str, Any], directory: Path) -> tuple[str, Path]:
    """Fetch one listed document and write those of its two files that are missing;
    ``("existing", path)`` when both were there already.

    Raises:
        DownloadError: a bad id, content that is not base64, or something other than a file at
            one of the two names.
        APIError: the API refused.
        OSError: the directory cannot be written.
    """
    content_path, truth_path = paths_for(directory, listed)
    if listed.get("contentType") and _is_file(content_path) and _is_file(truth_path):
        return "existing", content_path
    document = client.get_document(listed["documentId"])
    content_path, truth_path = paths_for(directory, document)
    try:
        content = base64.b64decode(document.get("content") or "", validate=True)
    except binascii.Error as error:
        raise DownloadError(f"content of {document['documentId']} is not base64: {error}") from None
    truth = json.dumps(document.get("groundTruth") or [], indent=2, ensure_ascii=False).encode("utf-8")
    wrote = [write_new(content_path, content), write_new(truth_path, truth)]
    return ("downloaded" if any(wrote) else "existing"), content_path
