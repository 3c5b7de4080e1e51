"""The items of an upload: the forms a caller may give, and reading one into what is sent.

An item is one of:

- content: bytes, a path (str or :class:`os.PathLike`) or a binary file object;
- a tuple ``(content,)`` or ``(content, ground_truth)``;
- a dict with ``content`` and optionally ``ground_truth``, ``content_type``, ``consent``,
  ``retention_in_days``;
- an :class:`IngestItem`, which can also give the item its journal ``key``.

:func:`parse` turns an item into a :class:`Spec` without reading anything; :func:`read` reads
its content (blocking: a file read), checks its size and hashes it.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from .. import ids
from ..content import Content, check_size, read_content
from ..resources import InvalidArgumentError
from ..resources.documents import ground_truth_items

__all__ = ["INVALID_ITEM", "IngestItem", "Spec", "check_items", "describe", "parse", "read"]

INVALID_ITEM = "<invalid item>"
"""The ``source`` and ``key`` of an item that is in none of the forms."""

_PIECE = 1024 * 1024
_DICT_KEYS = frozenset({"content", "ground_truth", "content_type", "consent", "retention_in_days"})
_FORMS = (
    "content (bytes, a path or a binary file object), a tuple (content,) or (content, ground_truth), "
    "a dict with 'content', or a las.bulk.IngestItem"
)


@attrs.frozen
class IngestItem:
    """One document to create, when a bare path or bytes is not enough.

    Attributes:
        content: bytes, or a path (str or Path) to a file.
        key: what identifies the item across runs in the journal; default: the path as given,
            or ``sha256:<hash>`` of in-memory content.
        content_type: detected from the first bytes when None.
        ground_truth: ``[{"label": ..., "value": ...}, ...]``.
        consent_id: id of the consent that marks the owner of the document.
        retention_in_days: days before the API deletes the document.
    """

    content: bytes | str | Path
    key: str | None = None
    content_type: str | None = None
    ground_truth: list[dict[str, Any]] | None = None
    consent_id: str | None = None
    retention_in_days: int | None = None


@attrs.frozen
class Spec:
    """An item in one form, not read yet: what to send and how to name it."""

    content: Content
    source: str
    """A short description for people: the path, ``<N bytes>``, a file object's name."""
    key: str | None
    """The journal key when the item has one before it is read (its own, or its path)."""
    content_type: str | None = None
    ground_truth: list[dict[str, Any]] | None = None
    consent_id: str | None = None
    retention_in_days: int | None = None


def check_items(items: object) -> None:
    """Refuse one item where an iterable of items is expected (a path or bytes would be iterated)."""
    if isinstance(items, (str, bytes, bytearray, memoryview, os.PathLike, Mapping, io.IOBase, IngestItem)):
        raise InvalidArgumentError(
            f"items must be an iterable of items, got one {type(items).__name__}: to upload a single "
            "document, pass it in a list"
        )


def describe(content: Any) -> str:
    """A short description of content for people: its path, its size, or a file's name."""
    if isinstance(content, (str, Path)):
        return str(content)
    if isinstance(content, (bytes, bytearray, memoryview)):
        return f"<{len(content)} bytes>"
    name = getattr(content, "name", None)
    return str(name) if isinstance(name, str) else f"<{type(content).__name__}>"


def parse(item: Any) -> Spec:
    """The item as a :class:`Spec`, nothing read.

    Raises:
        InvalidArgumentError: the item is in none of the forms, its content is of no known kind
            or a text file, or its ground truth is not a dict or a list of items.
        InvalidIdError: its consent is not a consent id.
    """
    if isinstance(item, IngestItem):
        if item.key is not None and not item.key:
            raise InvalidArgumentError("an item's key must not be empty")
        return _spec(
            item.content,
            key=item.key,
            content_type=item.content_type,
            ground_truth=item.ground_truth,
            consent_id=item.consent_id,
            retention_in_days=item.retention_in_days,
        )
    if isinstance(item, Mapping):
        unknown = sorted(set(item) - _DICT_KEYS)
        if "content" not in item or unknown:
            raise InvalidArgumentError(
                "an upload dict needs 'content' and may have ground_truth, content_type, consent, "
                f"retention_in_days; got keys {sorted(item)}"
            )
        ground_truth = item.get("ground_truth")
        return _spec(
            item["content"],
            content_type=item.get("content_type"),
            ground_truth=None if ground_truth is None else ground_truth_items(ground_truth),
            consent_id=None if item.get("consent") is None else ids.require_id(ids.CONSENT, item["consent"]),
            retention_in_days=item.get("retention_in_days"),
        )
    if isinstance(item, tuple):
        if not 1 <= len(item) <= 2:
            raise InvalidArgumentError(
                f"an upload tuple is (content,) or (content, ground_truth), got {len(item)} values"
            )
        ground_truth = item[1] if len(item) == 2 else None
        return _spec(item[0], ground_truth=None if ground_truth is None else ground_truth_items(ground_truth))
    return _spec(item)


def _spec(content: Any, *, key: str | None = None, **fields: Any) -> Spec:
    if isinstance(content, io.TextIOBase):
        raise InvalidArgumentError(
            f"a file object to upload must be opened in binary mode ('rb'), got {type(content).__name__}"
        )
    if isinstance(content, os.PathLike):
        content = Path(content)
    elif not isinstance(content, (bytes, bytearray, memoryview, str)) and not callable(
        getattr(content, "read", None)
    ):
        raise InvalidArgumentError(f"an item must be {_FORMS}; got {type(content).__name__}")
    if key is None and isinstance(content, (str, Path)):
        key = os.fspath(content)
    return Spec(content, describe(content), key, **fields)


def read(spec: Spec, session: Any, *, whole: bool) -> tuple[bytes | Path, str, bytes]:
    """What to send through ``session``, its sha256 (hex) and its first 16 bytes; blocks on a
    file, raises before anything is sent.

    ``whole``: hold the content in memory, so what is sent is exactly what was hashed (a
    journal's promise). Otherwise a file given by its path is hashed as it is read and sent
    from the path again, streamed: memory holds a piece of it, not all of it.

    Raises:
        ContentNotFoundError: a path that is not a file.
        ContentTooLargeError: content over the API's limit on the contract ``session`` speaks
            (a file is not read then).
    """
    source = read_content(spec.content)
    check_size(source, session=session)
    if source.path is not None and not whole:
        digest = hashlib.sha256()
        with source.open() as handle:
            while piece := handle.read(_PIECE):
                digest.update(piece)
        return source.path, digest.hexdigest(), source.head(16)
    with source.open() as handle:
        content = handle.read()
    return content, hashlib.sha256(content).hexdigest(), content[:16]
