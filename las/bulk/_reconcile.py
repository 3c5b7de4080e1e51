"""Resolving a journal's ambiguous items: finding the documents the API did create for them."""

from __future__ import annotations

import base64
import datetime
import hashlib
import os
from typing import Any

import attrs

from .._pagination import paginate
from ..client import Client
from ..resources._session import client_for
from ..session import Session
from ._journal import Entry, Journal
from ._outcome import FAILED

__all__ = ["CLOCK_SKEW", "DEFAULT_SETTLE", "ReconcileReport", "reconcile"]

DEFAULT_SETTLE = 60.0
"""Seconds after its POST before :func:`reconcile` takes an item without a document as not created."""
CLOCK_SKEW = datetime.timedelta(hours=1)
"""How far the API's clock may be behind this machine's when reconcile compares ``createdTime``."""


@attrs.frozen
class ReconcileReport:
    """What :func:`reconcile` found for the journal's ambiguous items.

    Attributes:
        found: key -> id of the document the API did create for it (now ``created``).
        not_found: keys the dataset has no document for (now ``failed``: a re-run sends them).
        extra_documents: documents with the content of an item that already has one: duplicates
            an earlier ``retry_ambiguous=True`` (or another tool) made; delete them if unwanted.
    """

    found: dict[str, str]
    not_found: list[str]
    extra_documents: list[str]
    pending: list[str] = attrs.field(factory=list)
    """Keys sent less than ``settle`` seconds ago with no document yet: still ambiguous, as the
    API may still be handling their request; reconcile again later."""


def reconcile(
    journal: str | os.PathLike[str],
    *,
    session: Session | Client | None = None,
    settle: float = DEFAULT_SETTLE,
) -> ReconcileReport:
    """Resolve the journal's ambiguous items by looking for their documents in the dataset.

    Lists the dataset's documents, leaves out those the journal already knows and those created
    before the ambiguous items were sent (allowing :data:`CLOCK_SKEW`), keeps those whose
    content type is an ambiguous item's, and fetches them to compare the
    sha256 of their content with the item's. A match is recorded ``created`` with its document
    id; an item with no match is recorded ``failed`` (certainly not created), so the next run
    sends it, unless its POST went out less than ``settle`` seconds ago: a request sent just
    before a crash may still be in the API's hands (and the API lists new documents with a short
    delay), so such an item stays ambiguous and is listed in ``pending``: reconcile again later.

    Args:
        journal: the journal of :func:`las.bulk.ingest`.
        session: a :class:`las.Session` or :class:`las.Client`; default: the default session
            (:func:`las.set_default_session`, else one made from the environment).
        settle: seconds after its POST before an item with no document is taken as not created.

    Returns:
        A :class:`ReconcileReport`.

    Raises:
        JournalError: the path is not a journal (left untouched), or it is corrupted or in use.
    """
    client = client_for(session)
    with Journal(journal) as book:
        unresolved = [entry for entry in book.entries() if entry.unresolved]
        if not unresolved:
            return ReconcileReport({}, [], [])
        assert book.dataset_id is not None
        known = {entry.document_id for entry in book.entries() if entry.document_id}
        owners: dict[str, str] = {
            entry.sha256: entry.key for entry in book.entries() if entry.state == "created" and entry.sha256
        }
        # Content types are an enum the API stores as sent: a safe filter before fetching. Ground
        # truth is not used: were the API to normalise a value, a filter on it would miss the
        # document, and the item would be sent again.
        content_types = {entry.content_type for entry in unresolved}
        by_hash: dict[str, list[Entry]] = {}
        for entry in unresolved:
            if entry.sha256:
                by_hash.setdefault(entry.sha256, []).append(entry)
        found: dict[str, str] = {}
        extra: list[str] = []
        sent = [_parse_time(entry.sent_time) for entry in unresolved]
        oldest = None if None in sent else min(t for t in sent if t is not None) - CLOCK_SKEW
        for listed in paginate(client.list_documents, dataset_id=book.dataset_id):
            document_id = listed["documentId"]
            if document_id in known:
                continue
            created = _parse_time(listed.get("createdTime"))
            if oldest is not None and created is not None and created < oldest:
                continue  # created before any ambiguous item was sent
            if None not in content_types and listed.get("contentType") not in content_types:
                continue
            full = client.get_document(document_id)
            digest = hashlib.sha256(_decoded(full.get("content"))).hexdigest()
            waiting = by_hash.get(digest)
            if waiting:
                entry = waiting.pop(0)
                book.record(entry.key, "created", sha256=digest, documentId=document_id)
                found[entry.key] = document_id
                owners.setdefault(digest, entry.key)
            elif digest in owners:
                extra.append(document_id)
        not_found: list[str] = []
        pending: list[str] = []
        now = datetime.datetime.now(datetime.timezone.utc)
        for entry in unresolved:
            if entry.key in found:
                continue
            sent_at = _parse_time(entry.sent_time)
            if settle > 0 and sent_at is not None and (now - sent_at).total_seconds() < settle:
                pending.append(entry.key)
            else:
                book.record(
                    entry.key,
                    FAILED,
                    sha256=entry.sha256,
                    error="reconcile found no document with this content in the dataset: not created",
                )
                not_found.append(entry.key)
    return ReconcileReport(found, not_found, extra, pending)


def _parse_time(value: Any) -> datetime.datetime | None:
    """A timestamp as the API or the journal writes it, or None when it cannot be read."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


def _decoded(content: Any) -> bytes:
    if not isinstance(content, str):
        return b""
    return base64.b64decode(content)
