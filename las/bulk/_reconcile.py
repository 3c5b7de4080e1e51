"""Resolving a journal's ambiguous items: finding the documents the API did create for them."""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Mapping
from typing import Any

import attrs

from .._pagination import paginate
from ..client import Client
from ..resources._session import client_for
from ..session import Session
from ._journal import CREATED, INCOMPLETE, Entry, Journal
from ._outcome import FAILED
from ._unfinished import GONE, NO_BYTES, THE_BYTES, check_document, decoded_content, judge_by_md5, normal_md5

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
    incomplete: dict[str, str] = attrs.field(factory=dict)
    """Key -> id of its document, which exists without the item's bytes (2024-11-29): reconcile
    has no bytes to upload, so a re-run of :func:`las.bulk.ingest` with the journal finishes it
    (it PUTs them while the journaled upload URL may be valid; ``recreate_incomplete=True``
    replaces the document once it is not)."""


def reconcile(
    journal: str | os.PathLike[str],
    *,
    session: Session | Client | None = None,
    settle: float = DEFAULT_SETTLE,
) -> ReconcileReport:
    """Resolve the journal's ambiguous items by looking for their documents in the dataset.

    Lists the dataset's documents, leaves out those the journal already knows and those created
    before the ambiguous items were sent (allowing :data:`CLOCK_SKEW`), keeps those whose
    content type is an ambiguous item's, and compares their content with the items': by the
    ``contentMD5`` the listing answers (2024-11-29: nothing is downloaded), else by the sha256
    of their content, fetched. A match is recorded ``created`` with its document id; an item
    with no match is recorded ``failed`` (certainly not created), so the next run sends it,
    unless its POST went out less than ``settle`` seconds ago: a request sent just before a
    crash may still be in the API's hands (and the API lists new documents with a short delay),
    so such an item stays ambiguous and is listed in ``pending``: reconcile again later.

    On 2024-11-29 a POST whose answer was lost created a document that never got its bytes
    (nobody learnt where to PUT them): a document without bytes (``contentMD5`` null) that the
    journal does not know, of an ambiguous item's content type, created after it was sent, is
    taken as that item's and recorded ``incomplete`` (listed in ``incomplete``), never as not
    created, so a re-run does not create a second one. Such documents are interchangeable (no
    bytes), so which of several items gets which does not matter. Do not reconcile while
    another upload into the same dataset runs: its documents awaiting their bytes look the same.

    Items the journal has created without their bytes known to be there
    (``created-awaiting-content``, ``incomplete``, ``replacing``) are looked at too, one
    ``GET`` each: their bytes there -> ``created`` (``found``); their document gone ->
    ``failed`` (``not_found``: a re-run creates them again); else listed in ``incomplete``.

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
        entries = book.entries()
        unresolved = [entry for entry in entries if entry.unresolved]
        unfinished = [entry for entry in entries if entry.unfinished]
        if not unresolved and not unfinished:
            return ReconcileReport({}, [], [])
        search = _Search(client, book, settle)
        for entry in unfinished:
            search.look_at(entry)
        if unresolved:
            search.look_for(unresolved)
    return ReconcileReport(search.found, search.not_found, search.extra, search.pending, search.incomplete)


class _Search:
    """One reconcile: what it found so far, recorded in the journal as it goes."""

    def __init__(self, client: Any, book: Journal, settle: float) -> None:
        self.client = client
        self.book = book
        self.settle = settle
        self.found: dict[str, str] = {}
        self.not_found: list[str] = []
        self.extra: list[str] = []
        self.pending: list[str] = []
        self.incomplete: dict[str, str] = {}
        self.now = datetime.datetime.now(datetime.timezone.utc)

    def look_at(self, entry: Entry) -> None:
        """An item whose document the journal names, without its bytes known to be there."""
        assert entry.document_id is not None and entry.sha256 is not None
        held = check_document(self.client, entry.document_id, md5=entry.md5, sha256=entry.sha256)
        if held == THE_BYTES:
            self.book.record(
                entry.key, CREATED, sha256=entry.sha256, md5=entry.md5, documentId=entry.document_id
            )
            self.found[entry.key] = entry.document_id
        elif held == GONE:
            self.book.record(
                entry.key,
                FAILED,
                sha256=entry.sha256,
                error=f"{entry.document_id}, created without its bytes, is gone: not created; a re-run sends it",
            )
            self.not_found.append(entry.key)
        else:  # without its bytes (or with others): the next ingest run finishes it, or says why not
            if entry.state == "ambiguous":  # an earlier version's way of saying so
                self.book.record(
                    entry.key,
                    INCOMPLETE,
                    sha256=entry.sha256,
                    documentId=entry.document_id,
                    error="created without its bytes",
                )
            self.incomplete[entry.key] = entry.document_id

    def look_for(self, unresolved: list[Entry]) -> None:
        """Items whose POST may or may not have created a document: look in the dataset."""
        book = self.book
        assert book.dataset_id is not None
        entries = book.entries()
        known = {entry.document_id for entry in entries if entry.document_id}
        settled = [entry for entry in entries if entry.state == CREATED]
        owners_sha = {entry.sha256 for entry in settled if entry.sha256}
        owners_md5 = {entry.md5 for entry in settled if entry.md5}
        # Content types are an enum the API stores as sent: a safe filter before fetching. Ground
        # truth is not used: were the API to normalise a value, a filter on it would miss the
        # document, and the item would be sent again.
        content_types = {entry.content_type for entry in unresolved}
        waiting = _Waiting(unresolved)
        byteless: list[Mapping[str, Any]] = []
        sent = [_parse_time(entry.sent_time) for entry in unresolved]
        oldest = None if None in sent else min(t for t in sent if t is not None) - CLOCK_SKEW
        for listed in paginate(self.client.list_documents, dataset_id=book.dataset_id):
            document_id = listed["documentId"]
            if document_id in known:
                continue
            created = _parse_time(listed.get("createdTime"))
            if oldest is not None and created is not None and created < oldest:
                continue  # created before any ambiguous item was sent
            if None not in content_types and listed.get("contentType") not in content_types:
                continue
            judged = judge_by_md5(listed, None)
            if judged == NO_BYTES:
                byteless.append(listed)
                continue
            content_md5 = listed.get("contentMD5")
            md5 = normal_md5(content_md5) if isinstance(content_md5, str) else None
            entry = waiting.take(md5=md5) if md5 is not None else None
            sha256 = None
            if entry is None:
                if md5 is not None and md5 in owners_md5:
                    self.extra.append(document_id)
                    continue
                if md5 is not None and waiting.all_have_md5():
                    continue  # the MD5 of none of the items: nothing to download
                sha256 = self._sha256_of(document_id)
                entry = waiting.take(sha256=sha256)
            if entry is not None:
                book.record(entry.key, CREATED, sha256=entry.sha256, md5=entry.md5, documentId=document_id)
                self.found[entry.key] = document_id
                owners_sha.add(entry.sha256 or "")
                owners_md5.add(entry.md5 or "")
            elif sha256 in owners_sha:
                self.extra.append(document_id)
        for entry in unresolved:
            if entry.key in self.found:
                continue
            sent_at = _parse_time(entry.sent_time)
            if self.settle > 0 and sent_at is not None and (self.now - sent_at).total_seconds() < self.settle:
                self.pending.append(entry.key)
                continue
            document = _byteless_for(entry, byteless)
            if document is not None:
                book.record(
                    entry.key,
                    INCOMPLETE,
                    sha256=entry.sha256,
                    md5=entry.md5,
                    documentId=document["documentId"],
                    error=(
                        "reconcile found this document without bytes, created after the item was sent: "
                        "its POST created it, and its answer (with the upload URL) was lost"
                    ),
                )
                self.incomplete[entry.key] = document["documentId"]
                continue
            book.record(
                entry.key,
                FAILED,
                sha256=entry.sha256,
                error="reconcile found no document with this content in the dataset: not created",
            )
            self.not_found.append(entry.key)

    def _sha256_of(self, document_id: str) -> str:
        full = self.client.get_document(document_id)
        return hashlib.sha256(decoded_content(full.get("content"))).hexdigest()


class _Waiting:
    """The ambiguous items not matched yet, by the hashes of their content."""

    def __init__(self, entries: list[Entry]) -> None:
        self.by_md5: dict[str, list[Entry]] = {}
        self.by_sha256: dict[str, list[Entry]] = {}
        self.taken: set[str] = set()
        self.without_md5 = 0
        for entry in entries:
            if entry.md5:
                self.by_md5.setdefault(entry.md5, []).append(entry)
            else:
                self.without_md5 += 1
            if entry.sha256:
                self.by_sha256.setdefault(entry.sha256, []).append(entry)

    def all_have_md5(self) -> bool:
        return self.without_md5 == 0

    def take(self, *, md5: str | None = None, sha256: str | None = None) -> Entry | None:
        """The first item not matched yet with this MD5 (or sha256), now matched."""
        candidates = self.by_md5.get(md5, []) if md5 is not None else self.by_sha256.get(sha256 or "", [])
        while candidates:
            entry = candidates.pop(0)
            if entry.key not in self.taken:
                self.taken.add(entry.key)
                return entry
        return None


def _byteless_for(entry: Entry, byteless: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """A document without bytes the item's lost POST may have created (taken from ``byteless``):
    of its content type, created after it was sent (allowing :data:`CLOCK_SKEW`)."""
    sent_at = _parse_time(entry.sent_time)
    for position, document in enumerate(byteless):
        created = _parse_time(document.get("createdTime"))
        if entry.content_type is not None and document.get("contentType") != entry.content_type:
            continue
        if sent_at is not None and created is not None and created < sent_at - CLOCK_SKEW:
            continue
        return byteless.pop(position)
    return None


def _parse_time(value: Any) -> datetime.datetime | None:
    """A timestamp as the API or the journal writes it, or None when it cannot be read."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)
