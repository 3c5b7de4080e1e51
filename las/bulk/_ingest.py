"""Uploading many documents into a dataset, with a journal or without: the one engine behind
:func:`ingest`, ``dataset.upload`` and ``dataset.upload_async``.

What happens to each item, in its :class:`ItemResult`:

- ``created``: sent now, the API created the document (``document_id``, and ``document``).
- ``skipped``: the journal says an earlier run created it (same key, same content).
- ``duplicate``: another item with the same content was (or is being) created in this dataset:
  not sent again; ``document_id`` is that document (``allow_duplicates=True`` sends it anyway).
- ``ambiguous``: sent, but the answer was lost (a dropped connection, a timeout, a 5xx), now or
  in an earlier run that stopped mid-request. The API may or may not have created the document,
  so it is never sent again on its own: run :func:`reconcile`, or pass ``retry_ambiguous=True``
  to send it again and accept a possible duplicate.
- ``failed``: certainly not created (never sent, or refused with a 4xx); ``error`` says why. A
  re-run sends it again.
- ``changed``: the journal has this key created with other content: not sent; use a new key, or
  delete the document and the journal's lines for the key.

Without a journal nothing is remembered between runs, so there is no ``skipped``,
``duplicate``, ``ambiguous`` or ``changed``: an item is ``created``, or ``failed`` with the
exception its create raised (a lost answer included: it may exist).

Every item gets at most one create request. What happens to one item (:class:`_IngestRun`:
read it, settle it from the journal or claim it, send it, record the answer) is written once,
as async source with a generated sync twin; only the loops that run items differ (threads or
tasks, :mod:`las.bulk._window`).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterable, Callable, Iterable, Sized
from pathlib import Path
from typing import Any, Protocol, TypeVar

import attrs

from ..client import Client
from ..content import detect_content_type
from ..exceptions import DocumentUploadError
from ..ids import DATASET, require_id
from ..resources import Document, InvalidArgumentError
from ..resources._session import client_for
from ..session import Session
from ._items import INVALID_ITEM, IngestItem, Spec, check_items, parse, read
from ._journal import Entry, Journal
from ._outcome import AMBIGUOUS, FAILED, classify_failure
from ._progress import Progress, Tally
from ._results import IngestReport, ItemResult
from ._window import each_bounded, each_bounded_async

__all__ = ["HasId", "create_documents", "create_documents_async", "ingest", "upload_to_dataset"]

RECONCILE_HINT = (
    "the API may have created this document: run las.bulk.reconcile(journal) to look for it in the "
    "dataset by content hash, or re-run with retry_ambiguous=True to send it again and accept a "
    "possible duplicate"
)

T = TypeVar("T")


class HasId(Protocol):
    """Anything with an ``id``: a resource object such as ``las.Dataset``."""

    @property
    def id(self) -> str: ...


@attrs.frozen
class _Prepared:
    """An item read and claimed: what its one create request sends."""

    key: str
    content: bytes | Path  # bytes when journaled: what is sent is what was hashed
    sha256: str
    content_type: str
    spec: Spec


# ---- async source: tools/unasync.py derives the sync twins below ----
async def _blocking_async(step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``step(*args, **kwargs)``, which may block (a file read, a journal fsync): on an event
    loop, in a worker thread."""
    # unasync: sync: return step(*args, **kwargs)
    return await asyncio.to_thread(step, *args, **kwargs)  # unasync: async only


async def create_documents_async(
    # unasync: sync: items: Iterable[Any],
    items: Iterable[Any] | AsyncIterable[Any],  # unasync: async only
    *,
    client: Any,
    dataset_id: str,
    journal: str | os.PathLike[str] | None,
    limit: int,
    tally: Tally[ItemResult],
    retry_ambiguous: bool = False,
    allow_duplicates: bool = False,
) -> IngestReport:
    """Create a document in ``dataset_id`` for each item through ``client`` (a :class:`las.AsyncClient`),
    ``limit`` creates at most in flight; each result goes to ``tally`` as it comes.

    With a ``journal`` (a path), each step is recorded in it, so a re-run resumes (see the module
    doc), and an item in none of the forms raises :class:`InvalidArgumentError` (what was done
    before it is journaled). Without one, every item is reported, whatever is wrong with it.

    When the run is stopped (an error, an interrupt, a cancelled task), nothing new starts. A
    thread ends the create it is sending and records it; a cancelled task ends its create at
    once, and with a journal its item stays ``sending``, which the next run reports
    ``ambiguous`` (the API may have created it) and never sends again on its own; so may an item
    stopped while it was being read, although it was not sent: the safe side, as for a process
    killed at that moment.

    Raises:
        JournalError: ``journal`` is not a journal, is corrupted, belongs to another dataset or
            is in use (nothing is sent).
    """
    book = None if journal is None else await _blocking_async(Journal, journal, dataset_id=dataset_id)
    try:
        ingestion = _IngestRun(
            client, dataset_id, book, retry_ambiguous=retry_ambiguous, allow_duplicates=allow_duplicates
        )
        await each_bounded_async(items, ingestion.one_async, limit, tally.add)
    finally:
        tally.close()
        if book is not None:
            book.close()
    return IngestReport(
        dataset_id,
        None if journal is None else Path(journal),
        tally.in_order(),
        tally.elapsed(),
        None if book is None else book.torn_line,
    )


# ---- sync twins: generated from the async source above, do not edit ----
def _blocking(step: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``step(*args, **kwargs)``, which may block (a file read, a journal fsync): on an event
    loop, in a worker thread."""
    return step(*args, **kwargs)


def create_documents(
    items: Iterable[Any],
    *,
    client: Any,
    dataset_id: str,
    journal: str | os.PathLike[str] | None,
    limit: int,
    tally: Tally[ItemResult],
    retry_ambiguous: bool = False,
    allow_duplicates: bool = False,
) -> IngestReport:
    """Create a document in ``dataset_id`` for each item through ``client`` (a :class:`las.Client`),
    ``limit`` creates at most in flight; each result goes to ``tally`` as it comes.

    With a ``journal`` (a path), each step is recorded in it, so a re-run resumes (see the module
    doc), and an item in none of the forms raises :class:`InvalidArgumentError` (what was done
    before it is journaled). Without one, every item is reported, whatever is wrong with it.

    When the run is stopped (an error, an interrupt, a cancelled task), nothing new starts. A
    thread ends the create it is sending and records it; a cancelled task ends its create at
    once, and with a journal its item stays ``sending``, which the next run reports
    ``ambiguous`` (the API may have created it) and never sends again on its own; so may an item
    stopped while it was being read, although it was not sent: the safe side, as for a process
    killed at that moment.

    Raises:
        JournalError: ``journal`` is not a journal, is corrupted, belongs to another dataset or
            is in use (nothing is sent).
    """
    book = None if journal is None else _blocking(Journal, journal, dataset_id=dataset_id)
    try:
        ingestion = _IngestRun(
            client, dataset_id, book, retry_ambiguous=retry_ambiguous, allow_duplicates=allow_duplicates
        )
        each_bounded(items, ingestion.one, limit, tally.add)
    finally:
        tally.close()
        if book is not None:
            book.close()
    return IngestReport(
        dataset_id,
        None if journal is None else Path(journal),
        tally.in_order(),
        tally.elapsed(),
        None if book is None else book.torn_line,
    )


# ---- end of generated sync twins ----


class _IngestRun:
    """One upload into one dataset, item by item: what its journal (if any) and its items so far
    decide about the next one. Shared by the threads (or tasks) of the run."""

    def __init__(
        self,
        client: Any,
        dataset_id: str,
        journal: Journal | None,
        *,
        retry_ambiguous: bool,
        allow_duplicates: bool,
    ) -> None:
        self.client = client
        self.journal = journal
        self.dataset_id = dataset_id
        self.retry_ambiguous = retry_ambiguous
        self.allow_duplicates = allow_duplicates
        self.lock = threading.Lock()
        self.seen_keys: set[str] = set()
        # content hash -> key of the item that owns it (created, or maybe created)
        self.owners: dict[str, str] = {}
        for entry in journal.entries() if journal is not None else ():
            if entry.sha256 and entry.state in ("created", "ambiguous", "sending"):
                self.owners.setdefault(entry.sha256, entry.key)

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def one_async(self, index: int, item: Any) -> ItemResult:
        """Read, claim, send and record one item: its one create request, at most."""
        begun = await _blocking_async(self.begin, index, item)
        if isinstance(begun, ItemResult):
            return begun
        try:
            answer = await self.client.with_raw_response.create_document(
                begun.content,
                begun.content_type,
                dataset_id=self.dataset_id,
                ground_truth=begun.spec.ground_truth,
                consent_id=begun.spec.consent_id,
                retention_in_days=begun.spec.retention_in_days,
            )
            document = Document._from_answer("create_document", answer, self.client)
        except Exception as error:  # reported, never sent again
            return await self._record_async(self.failed, index, begun, error)
        return await self._record_async(self.created, index, begun, document)

    async def _record_async(self, step: Callable[..., ItemResult], *args: Any) -> ItemResult:
        """``step(*args)``, which writes the journal when there is one (so it may block)."""
        if self.journal is None:
            return step(*args)
        return await _blocking_async(step, *args)

    # ---- sync twins: generated from the async source above, do not edit ----
    def one(self, index: int, item: Any) -> ItemResult:
        """Read, claim, send and record one item: its one create request, at most."""
        begun = _blocking(self.begin, index, item)
        if isinstance(begun, ItemResult):
            return begun
        try:
            answer = self.client.with_raw_response.create_document(
                begun.content,
                begun.content_type,
                dataset_id=self.dataset_id,
                ground_truth=begun.spec.ground_truth,
                consent_id=begun.spec.consent_id,
                retention_in_days=begun.spec.retention_in_days,
            )
            document = Document._from_answer("create_document", answer, self.client)
        except Exception as error:  # reported, never sent again
            return self._record(self.failed, index, begun, error)
        return self._record(self.created, index, begun, document)

    def _record(self, step: Callable[..., ItemResult], *args: Any) -> ItemResult:
        """``step(*args)``, which writes the journal when there is one (so it may block)."""
        if self.journal is None:
            return step(*args)
        return _blocking(step, *args)

    # ---- end of generated sync twins ----

    def begin(self, index: int, item: Any) -> ItemResult | _Prepared:
        """Read the item, and settle it from the journal or claim it and journal ``sending``:
        after this it may be sent, once. Blocks: file reads and an fsync.

        Raises:
            InvalidArgumentError: with a journal, the item is in none of the forms (a journal
                run stops there; without a journal the item is reported ``failed``).
        """
        try:
            spec = parse(item)
        except Exception as error:
            if self.journal is not None:
                raise
            return self._failure(index, INVALID_ITEM, FAILED, error, source=INVALID_ITEM)
        try:
            content, digest, head = read(spec, self.client.session, whole=self.journal is not None)
        except Exception as error:  # unreadable or too large: nothing was sent
            entry = self.journal.get(spec.key) if self.journal is not None and spec.key is not None else None
            if entry is not None and entry.state == "created":  # e.g. the file was moved since
                return ItemResult(
                    index, entry.key, "skipped", entry.document_id, entry.sha256, source=spec.source
                )
            return self._failure(index, spec.key or "(in-memory content)", FAILED, error, source=spec.source)
        key = spec.key or f"sha256:{digest}"
        try:
            content_type = spec.content_type or detect_content_type(head)
        except Exception as error:  # not a type the API accepts: nothing was sent
            return self._failure(index, key, FAILED, error, source=spec.source, sha256=digest)
        prepared = _Prepared(key, content, digest, content_type, spec)
        if self.journal is None:
            return prepared
        decided = self._claim(index, prepared)
        if decided is not None:
            return decided
        self.journal.record(
            prepared.key,
            "sending",
            sha256=prepared.sha256,
            contentType=prepared.content_type,
            groundTruth=spec.ground_truth,
        )
        return prepared

    def failed(self, index: int, item: _Prepared, error: Exception) -> ItemResult:
        """A create that raised: with a journal, ``failed`` (nothing created) or ``ambiguous``
        (may be), journaled; without one, ``failed``."""
        if self.journal is None:
            return self._failure(index, item.key, FAILED, error, source=item.spec.source, sha256=item.sha256)
        outcome = classify_failure(error)
        hint = RECONCILE_HINT if outcome == AMBIGUOUS else None
        document_id = error.document_id if isinstance(error, DocumentUploadError) else None
        if document_id is not None:  # created without its bytes: finish or delete that one
            hint = _unfinished_hint(document_id)
        self.journal.record(
            item.key, outcome, sha256=item.sha256, error=_message(error), hint=hint, documentId=document_id
        )
        if outcome == FAILED:
            with self.lock:
                if self.owners.get(item.sha256) == item.key:
                    del self.owners[item.sha256]
        return self._failure(
            index,
            item.key,
            outcome,
            error,
            source=item.spec.source,
            sha256=item.sha256,
            hint=hint,
            document_id=document_id,
        )

    def created(self, index: int, item: _Prepared, document: Document) -> ItemResult:
        """A create the API answered (journaled ``created`` when there is a journal)."""
        if self.journal is not None:
            self.journal.record(item.key, "created", sha256=item.sha256, documentId=document.id)
        return ItemResult(
            index, item.key, "created", document.id, item.sha256, source=item.spec.source, document=document
        )

    def _failure(
        self,
        index: int,
        key: str,
        status: str,
        error: BaseException,
        *,
        source: str,
        sha256: str | None = None,
        hint: str | None = None,
        document_id: str | None = None,
    ) -> ItemResult:
        message = _message(error)
        return ItemResult(
            index,
            key,
            status,
            document_id,
            sha256,
            error=f"{message}; {hint}" if hint else message,
            source=source,
            exception=error,
            _exception_as_error=self.journal is None,
        )

    def _decide_from_journal(self, index: int, item: _Prepared) -> ItemResult | None:
        """The result for a key the journal settles (created, unresolved, changed), else None."""
        assert self.journal is not None
        key, sha256 = item.key, item.sha256
        entry = self.journal.get(key)
        if entry is None or entry.state == FAILED:
            return None
        if entry.sha256 is not None and entry.sha256 != sha256:
            if entry.state == "created":
                return ItemResult(
                    index,
                    key,
                    "changed",
                    entry.document_id,
                    sha256,
                    error=(
                        f"the journal has {key!r} created as {entry.document_id} with other content "
                        f"(sha256 {entry.sha256[:12]}...): give the new content another key, or delete "
                        "that document and the journal's lines for the key"
                    ),
                    source=item.spec.source,
                )
            return None if self.retry_ambiguous else _unresolved(index, entry, item.spec.source)
        if entry.state == "created":
            return ItemResult(index, key, "skipped", entry.document_id, entry.sha256, source=item.spec.source)
        if entry.unresolved and not self.retry_ambiguous:
            return _unresolved(index, entry, item.spec.source)
        return None

    def _claim(self, index: int, item: _Prepared) -> ItemResult | None:
        """Settle the item from the journal and this run's other items, or claim it for sending."""
        assert self.journal is not None
        with self.lock:
            if item.key in self.seen_keys:
                entry = self.journal.get(item.key)
                return ItemResult(
                    index,
                    item.key,
                    "duplicate",
                    entry.document_id if entry is not None else None,
                    item.sha256,
                    error="the same key appears twice in the input",
                    source=item.spec.source,
                )
            self.seen_keys.add(item.key)
            decided = self._decide_from_journal(index, item)
            if decided is not None:
                return decided
            owner = self.owners.get(item.sha256)
            if owner is not None and owner != item.key and not self.allow_duplicates:
                owned = self.journal.get(owner)
                return ItemResult(
                    index,
                    item.key,
                    "duplicate",
                    owned.document_id if owned is not None else None,
                    item.sha256,
                    error=f"same content as {owner!r} (pass allow_duplicates=True to create it anyway)",
                    source=item.spec.source,
                )
            self.owners.setdefault(item.sha256, item.key)
            return None


def _unfinished_hint(document_id: str) -> str:
    return (
        f"the API created {document_id} but its bytes did not arrive (2024-11-29): it is never "
        "sent again on its own; PUT the bytes to finish it (Client.put_file), or delete it "
        "(reconcile does not resolve it: it looks for a document with the item's bytes)"
    )


def _message(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _unresolved(index: int, entry: Entry, source: str) -> ItemResult:
    return ItemResult(
        index,
        entry.key,
        AMBIGUOUS,
        sha256=entry.sha256,
        error=f"{entry.error or 'the run stopped while this item was being sent'}; {RECONCILE_HINT}",
        source=source,
    )


def total_of(items: object) -> int | None:
    """How many items there are, when the input knows (a list: yes; a generator: no)."""
    return len(items) if isinstance(items, Sized) else None


def _dataset_id(dataset: str | HasId) -> str:
    return require_id(DATASET, dataset if isinstance(dataset, str) else dataset.id)


def ingest(
    items: Iterable[IngestItem | bytes | str | Path],
    *,
    dataset: str | HasId,
    journal: str | os.PathLike[str],
    session: Session | Client | None = None,
    max_workers: int = 8,
    retry_ambiguous: bool = False,
    allow_duplicates: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
) -> IngestReport:
    """Create a document in ``dataset`` for every item, recording each step in ``journal``.

    Safe to run again with the same items and journal after a crash or a failure: what was
    created is skipped, what failed is sent again, and what may have been created (the answer
    was lost) is reported ``ambiguous`` and never sent again on its own (see :func:`reconcile`).
    Items with the same content are created once (``allow_duplicates=True`` to create each).

    Args:
        items: paths, bytes, or :class:`IngestItem` (for a key, a content type, ground truth);
            also the other forms ``dataset.upload`` takes (a ``(content, ground_truth)`` tuple,
            a dict, a binary file object). Read lazily: at most about ``2 * max_workers`` items
            are in memory at once.
        dataset: the dataset id (or an object with an ``id``).
        journal: path of the JSON Lines journal; created when missing.
        session: a :class:`las.Session` or :class:`las.Client`; default: the default session
            (:func:`las.set_default_session`, else one made from the environment).
        max_workers: threads sending documents, so at most this many requests in flight
            (the same name as ``dataset.upload(max_workers=)``).
        retry_ambiguous: send ambiguous items again, accepting that some may end up twice.
        allow_duplicates: create items whose content another item already has.
        on_progress: called (from the calling thread) with a :class:`Progress` after each item.

    Returns:
        An :class:`IngestReport` with an :class:`ItemResult` per item, in input order.

    Raises:
        JournalError: the path holds something that is not a journal (left untouched, nothing
            sent), or the journal is corrupted, belongs to another dataset or is in use.
        InvalidIdError: ``dataset`` is not a dataset id.
        InvalidArgumentError: an item is in none of the forms (the journal keeps what was done
            before it), ``items`` is a single item, or ``max_workers`` < 1.

    Example::

        report = las.bulk.ingest(Path("scans").glob("*.pdf"), dataset=dataset_id, journal="upload.jsonl")
        print(report.summary())
    """
    if max_workers < 1:
        raise InvalidArgumentError(f"max_workers must be 1 or more, got {max_workers}")
    check_items(items)
    dataset_id = _dataset_id(dataset)
    return create_documents(
        items,
        client=client_for(session),
        dataset_id=dataset_id,
        journal=journal,
        limit=max_workers,
        tally=Tally(total_of(items), on_progress),
        retry_ambiguous=retry_ambiguous,
        allow_duplicates=allow_duplicates,
    )


def upload_to_dataset(
    dataset: str | HasId,
    items: Iterable[IngestItem | bytes | str | Path],
    *,
    journal: str | os.PathLike[str],
    session: Session | Client | None = None,
    **options: Any,
) -> IngestReport:
    """``dataset.upload(items, journal=...)``: :func:`ingest` with the dataset first.

    A resource object's own session is used when ``session`` is not given. ``options`` are
    :func:`ingest`'s.
    """
    if session is None and not isinstance(dataset, str):
        session = getattr(dataset, "session", None)
    return ingest(items, dataset=dataset, journal=journal, session=session, **options)
