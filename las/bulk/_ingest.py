"""Uploading many documents into a dataset, with a journal or without: the one engine behind
:func:`ingest`, ``dataset.upload`` and ``dataset.upload_async``.

What happens to each item, in its :class:`ItemResult`:

- ``created``: sent now, the API created the document (``document_id``, and ``document``).
- ``skipped``: the journal says an earlier run created it (same key, same content).
- ``duplicate``: another item with the same key, or the same content, is created in this
  dataset (``document_id``): not sent again; ``allow_duplicates=True`` sends a copy of content
  anyway. An item not sent for that reason whose twin is not created by the end of the run
  takes the twin's status instead (``failed``, ``ambiguous`` or ``incomplete``): its content is
  in the dataset only if the twin's is.
- ``ambiguous``: sent, but the answer was lost (a dropped connection, a timeout, a 5xx), now or
  in an earlier run that stopped mid-request. The API may or may not have created the document,
  so it is never sent again on its own: run :func:`reconcile`, or pass ``retry_ambiguous=True``
  to send it again and accept a possible duplicate.
- ``incomplete`` (2024-11-29): the API created ``document_id``, but its bytes have not arrived
  at its upload URL. A re-run with the journal finishes it: it looks at the document (its
  ``contentMD5``), and PUTs the bytes again while the journaled URL may be valid. Once the URL is
  refused or expired (neither contract gives a new one for an existing document) the item
  stays ``incomplete`` until a run with ``recreate_incomplete=True`` deletes that document (it
  holds no bytes) and creates the item again, journaling each step, so a crash anywhere leaves
  neither two documents nor none.
- ``failed``: certainly not created (never sent, or refused with a 4xx); ``error`` says why. A
  re-run sends it again.
- ``changed``: the journal has this key created with other content, or an item before it in
  this run had the key with other content: not sent; use a new key, or delete the document and
  the journal's lines for the key.

Without a journal nothing is remembered between runs, so there is no ``skipped``,
``duplicate``, ``ambiguous``, ``incomplete`` or ``changed``: an item is ``created``, or
``failed`` with the exception its create raised (a lost answer included: it may exist; a
:class:`las.DocumentUploadError` names the document created without its bytes).

Every item gets at most one create request per run (a second only to replace a document that
holds none of its bytes, with ``recreate_incomplete=True``). What happens to one item (:class:`_IngestRun`:
read it, settle it from the journal or claim it, send it, record the answer) is written once,
as async source with a generated sync twin; only the loops that run items differ (threads or
tasks, :mod:`las.bulk._window`).
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
from collections.abc import AsyncIterable, Callable, Iterable, Sized
from pathlib import Path
from typing import Any, Protocol, TypeVar

import attrs

from ..client import Client
from ..content import detect_content_type
from ..exceptions import InvalidIdError, NotFoundError
from ..ids import DATASET, DOCUMENT, require_id
from ..resources import Document, InvalidArgumentError
from ..resources._session import client_for
from ..session import Session
from ._items import INVALID_ITEM, IngestItem, Spec, check_items, parse, read
from ._journal import AWAITING_CONTENT, CREATED, INCOMPLETE, REPLACING, SENDING, Entry, Journal
from ._outcome import AMBIGUOUS, FAILED, classify_failure
from ._progress import Progress, Tally
from ._results import IngestReport, ItemResult
from ._unfinished import (
    GONE,
    OTHER_BYTES,
    THE_BYTES,
    check_document,
    check_document_async,
    may_be_valid,
    md5_base64,
    upload_refused,
    url_expiry,
)
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
    md5: str | None = None  # base64, as the API's contentMD5; when journaled
    resume: Entry | None = None  # the journal has its document, without its bytes known to be there


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
    recreate_incomplete: bool = False,
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
            client,
            dataset_id,
            book,
            retry_ambiguous=retry_ambiguous,
            allow_duplicates=allow_duplicates,
            recreate_incomplete=recreate_incomplete,
        )
        await each_bounded_async(items, ingestion.one_async, limit, tally.add)
    finally:
        tally.close()
        if book is not None:
            book.close()
    return IngestReport(
        dataset_id,
        None if journal is None else Path(journal),
        ingestion.shared(tally.in_order()),
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
    recreate_incomplete: bool = False,
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
            client,
            dataset_id,
            book,
            retry_ambiguous=retry_ambiguous,
            allow_duplicates=allow_duplicates,
            recreate_incomplete=recreate_incomplete,
        )
        each_bounded(items, ingestion.one, limit, tally.add)
    finally:
        tally.close()
        if book is not None:
            book.close()
    return IngestReport(
        dataset_id,
        None if journal is None else Path(journal),
        ingestion.shared(tally.in_order()),
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
        recreate_incomplete: bool = False,
    ) -> None:
        self.client = client
        self.journal = journal
        self.dataset_id = dataset_id
        self.retry_ambiguous = retry_ambiguous
        self.allow_duplicates = allow_duplicates
        self.recreate_incomplete = recreate_incomplete
        self.lock = threading.Lock()
        # key -> sha256 of its first item in this run (a key given again is not sent again)
        self.first_of_key: dict[str, str] = {}
        # content hash -> key of the item that owns it (created, or maybe created)
        self.owners: dict[str, str] = {}
        for entry in journal.entries() if journal is not None else ():
            if entry.sha256 and entry.state != FAILED:
                self.owners.setdefault(entry.sha256, entry.key)

    def shared(self, results: list[ItemResult]) -> list[ItemResult]:
        """``results``, each duplicate settled once the run is over (see :meth:`_copy_result`):
        the item it was settled against (the first of its key, or of its content, to be claimed,
        which depends on the order in which threads or tasks get there) may have ended after it."""
        if self.journal is None:
            return results
        return [self._copy_result(result) if result.status == "duplicate" else result for result in results]

    def _copy_result(self, result: ItemResult) -> ItemResult:
        """A duplicate, not sent: ``duplicate`` naming the document that holds its content when
        there is one (its key's, its content's owner's now, or that of the item it was settled
        against); else the status of that item, since its content is in the dataset only if that
        item's is: ``failed`` (a re-run sends it), ``ambiguous`` (reconcile settles it) or
        ``incomplete`` (created without its bytes)."""
        assert self.journal is not None
        against = result.shares or result.key
        for key in (result.key, self.owners.get(result.sha256 or ""), against):
            entry = self.journal.get(key) if key else None
            if entry is not None and entry.state == CREATED and entry.sha256 in (None, result.sha256):
                return attrs.evolve(result, document_id=entry.document_id)
        entry = self.journal.get(against)
        same = "its key's first item" if against == result.key else repr(against)
        if entry is not None and entry.unresolved:
            status, why = AMBIGUOUS, f"{same}, which the API may have created: {RECONCILE_HINT}"
        elif entry is not None and entry.unfinished:
            why = (
                f"{same}, created as {entry.document_id} without its bytes: {entry.error or 'see that item'}"
            )
            status = INCOMPLETE
        else:
            status, why = FAILED, f"{same}, which was not created: a re-run sends it"
        return attrs.evolve(
            result, status=status, document_id=None, error=f"{result.error}; not sent, as {why}"
        )

    # ---- async source: tools/unasync.py derives the sync twins below ----
    async def one_async(self, index: int, item: Any) -> ItemResult:
        """Read, claim, send and record one item: its one create request, at most (or, for an
        item the journal has created without its bytes, finish or replace that document)."""
        begun = await _blocking_async(self.begin, index, item)
        if isinstance(begun, ItemResult):
            return begun
        if begun.resume is not None:
            finished = await self.resume_async(index, begun, begun.resume)
            if finished is not None:
                return finished
        return await self.send_async(index, begun)

    async def send_async(self, index: int, begun: _Prepared) -> ItemResult:
        """The item's create request (journaled ``sending``), and its answer recorded."""
        answers: list[dict[str, Any]] = []
        try:
            answer = await self.client.with_raw_response.create_document(
                begun.content,
                begun.content_type,
                dataset_id=self.dataset_id,
                ground_truth=begun.spec.ground_truth,
                consent_id=begun.spec.consent_id,
                retention_in_days=begun.spec.retention_in_days,
                before_upload=functools.partial(self._on_created_async, begun, answers),
            )
            document = Document._from_answer("create_document", answer, self.client)
        except Exception as error:  # reported, never sent again
            if answers:  # created: its bytes did not arrive
                return await self._record_async(self.unfinished, index, begun, answers[0], error)
            return await self._record_async(self.failed, index, begun, error)
        return await self._record_async(self.created, index, begun, document)

    async def _on_created_async(self, begun: _Prepared, answers: list[dict[str, Any]], answer: Any) -> None:
        """2024-11-29: the POST was answered; before the bytes are PUT, the journal learns the
        document and where they go."""
        if not _names_a_document(answer):  # not the contract's answer: the create is ambiguous
            return
        answers.append(answer)
        if self.journal is not None:
            await _blocking_async(self.awaiting_content, begun, answer)

    async def resume_async(self, index: int, begun: _Prepared, entry: Entry) -> ItemResult | None:
        """Finish an item the journal has created without knowing its bytes arrived: look at its
        document, PUT the bytes while the journaled URL may be valid, else (with
        ``recreate_incomplete``) delete the byte-less document. Its result, or None when the item
        is to be created now (its document is gone; ``sending`` is journaled)."""
        document_id = entry.document_id
        assert document_id is not None
        try:
            held = await check_document_async(self.client, document_id, md5=begun.md5, sha256=begun.sha256)
        except Exception as error:  # nothing learnt: the journal stays as it is, a re-run looks again
            return self._incomplete_result(index, begun, document_id, error)
        if held == THE_BYTES:
            return await self._record_async(self.finished, index, begun, document_id)
        if held == OTHER_BYTES:
            return self._holds_other_bytes(index, begun, document_id)
        if held == GONE:
            await self._record_async(self.claim_again, begun, document_id)
            return None
        refusal: Exception | None = None
        if entry.state == AWAITING_CONTENT and may_be_valid(entry.file_url, entry.file_url_expires):
            assert entry.file_url is not None
            try:
                await self.client.put_file(entry.file_url, begun.content, begun.content_type)
            except Exception as error:
                if not upload_refused(error):  # may pass: the URL is kept for a re-run
                    return await self._record_async(self.put_failed, index, begun, entry, error)
                refusal = error
            else:
                return await self._record_async(self.finished, index, begun, document_id)
        if not self.recreate_incomplete:
            return await self._record_async(self.incomplete, index, begun, entry, refusal)
        await self._record_async(self.replacing, begun, document_id)
        try:
            await self.client.delete_document(document_id)
        except NotFoundError:
            pass  # gone already
        except Exception as error:  # journaled `replacing`: a re-run looks at it again first
            return self._incomplete_result(index, begun, document_id, error)
        await self._record_async(self.claim_again, begun, document_id)
        return None

    async def _record_async(self, step: Callable[..., T], *args: Any) -> T:
        """``step(*args)``, which writes the journal when there is one (so it may block)."""
        if self.journal is None:
            return step(*args)
        return await _blocking_async(step, *args)

    # ---- sync twins: generated from the async source above, do not edit ----
    def one(self, index: int, item: Any) -> ItemResult:
        """Read, claim, send and record one item: its one create request, at most (or, for an
        item the journal has created without its bytes, finish or replace that document)."""
        begun = _blocking(self.begin, index, item)
        if isinstance(begun, ItemResult):
            return begun
        if begun.resume is not None:
            finished = self.resume(index, begun, begun.resume)
            if finished is not None:
                return finished
        return self.send(index, begun)

    def send(self, index: int, begun: _Prepared) -> ItemResult:
        """The item's create request (journaled ``sending``), and its answer recorded."""
        answers: list[dict[str, Any]] = []
        try:
            answer = self.client.with_raw_response.create_document(
                begun.content,
                begun.content_type,
                dataset_id=self.dataset_id,
                ground_truth=begun.spec.ground_truth,
                consent_id=begun.spec.consent_id,
                retention_in_days=begun.spec.retention_in_days,
                before_upload=functools.partial(self._on_created, begun, answers),
            )
            document = Document._from_answer("create_document", answer, self.client)
        except Exception as error:  # reported, never sent again
            if answers:  # created: its bytes did not arrive
                return self._record(self.unfinished, index, begun, answers[0], error)
            return self._record(self.failed, index, begun, error)
        return self._record(self.created, index, begun, document)

    def _on_created(self, begun: _Prepared, answers: list[dict[str, Any]], answer: Any) -> None:
        """2024-11-29: the POST was answered; before the bytes are PUT, the journal learns the
        document and where they go."""
        if not _names_a_document(answer):  # not the contract's answer: the create is ambiguous
            return
        answers.append(answer)
        if self.journal is not None:
            _blocking(self.awaiting_content, begun, answer)

    def resume(self, index: int, begun: _Prepared, entry: Entry) -> ItemResult | None:
        """Finish an item the journal has created without knowing its bytes arrived: look at its
        document, PUT the bytes while the journaled URL may be valid, else (with
        ``recreate_incomplete``) delete the byte-less document. Its result, or None when the item
        is to be created now (its document is gone; ``sending`` is journaled)."""
        document_id = entry.document_id
        assert document_id is not None
        try:
            held = check_document(self.client, document_id, md5=begun.md5, sha256=begun.sha256)
        except Exception as error:  # nothing learnt: the journal stays as it is, a re-run looks again
            return self._incomplete_result(index, begun, document_id, error)
        if held == THE_BYTES:
            return self._record(self.finished, index, begun, document_id)
        if held == OTHER_BYTES:
            return self._holds_other_bytes(index, begun, document_id)
        if held == GONE:
            self._record(self.claim_again, begun, document_id)
            return None
        refusal: Exception | None = None
        if entry.state == AWAITING_CONTENT and may_be_valid(entry.file_url, entry.file_url_expires):
            assert entry.file_url is not None
            try:
                self.client.put_file(entry.file_url, begun.content, begun.content_type)
            except Exception as error:
                if not upload_refused(error):  # may pass: the URL is kept for a re-run
                    return self._record(self.put_failed, index, begun, entry, error)
                refusal = error
            else:
                return self._record(self.finished, index, begun, document_id)
        if not self.recreate_incomplete:
            return self._record(self.incomplete, index, begun, entry, refusal)
        self._record(self.replacing, begun, document_id)
        try:
            self.client.delete_document(document_id)
        except NotFoundError:
            pass  # gone already
        except Exception as error:  # journaled `replacing`: a re-run looks at it again first
            return self._incomplete_result(index, begun, document_id, error)
        self._record(self.claim_again, begun, document_id)
        return None

    def _record(self, step: Callable[..., T], *args: Any) -> T:
        """``step(*args)``, which writes the journal when there is one (so it may block)."""
        if self.journal is None:
            return step(*args)
        return _blocking(step, *args)

    # ---- end of generated sync twins ----

    def begin(self, index: int, item: Any) -> ItemResult | _Prepared:
        """Read the item, and settle it from the journal or claim it and journal ``sending``:
        after this it may be sent, once (or, with ``resume`` set, its document finished).
        Blocks: file reads and an fsync.

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
            if entry is not None and entry.state == CREATED:  # e.g. the file was moved since
                return ItemResult(
                    index, entry.key, "skipped", entry.document_id, entry.sha256, source=spec.source
                )
            if entry is not None and entry.unresolved:  # the API may have created it: as it was
                return _unresolved(index, entry, spec.source)
            if entry is not None and entry.unfinished:  # its bytes are needed to finish it
                assert entry.document_id is not None
                return self._failure(
                    index,
                    entry.key,
                    INCOMPLETE,
                    error,
                    source=spec.source,
                    sha256=entry.sha256,
                    hint=_incomplete_hint(entry.document_id, url_may_work=entry.state == AWAITING_CONTENT),
                    document_id=entry.document_id,
                )
            return self._failure(index, spec.key or "(in-memory content)", FAILED, error, source=spec.source)
        key = spec.key or f"sha256:{digest}"
        try:
            content_type = spec.content_type or detect_content_type(head)
        except Exception as error:  # not a type the API accepts: nothing was sent
            return self._failure(index, key, FAILED, error, source=spec.source, sha256=digest)
        if self.journal is None:
            return _Prepared(key, content, digest, content_type, spec)
        assert isinstance(content, bytes)
        prepared = _Prepared(key, content, digest, content_type, spec, md5=md5_base64(content))
        decided = self._claim(index, prepared)
        if isinstance(decided, Entry):
            return attrs.evolve(prepared, resume=decided)
        if decided is not None:
            return decided
        self._journal_sending(prepared)
        return prepared

    def _journal_sending(self, item: _Prepared, replaces: str | None = None) -> None:
        assert self.journal is not None
        self.journal.record(
            item.key,
            SENDING,
            sha256=item.sha256,
            md5=item.md5,
            contentType=item.content_type,
            groundTruth=item.spec.ground_truth,
            replaces=replaces,
        )

    def failed(self, index: int, item: _Prepared, error: Exception) -> ItemResult:
        """A create that raised before the API answered it: with a journal, ``failed`` (nothing
        created) or ``ambiguous`` (may be), journaled; without one, ``failed``."""
        if self.journal is None:
            return self._failure(index, item.key, FAILED, error, source=item.spec.source, sha256=item.sha256)
        outcome = classify_failure(error)
        hint = RECONCILE_HINT if outcome == AMBIGUOUS else None
        self.journal.record(item.key, outcome, sha256=item.sha256, error=_message(error), hint=hint)
        if outcome == FAILED:
            with self.lock:
                if self.owners.get(item.sha256) == item.key:
                    del self.owners[item.sha256]
        return self._failure(
            index, item.key, outcome, error, source=item.spec.source, sha256=item.sha256, hint=hint
        )

    def awaiting_content(self, item: _Prepared, answer: Any) -> None:
        """Journal ``created-awaiting-content``: the document the POST created and where its
        bytes go (the URL only in a journal no one else may read: it is a credential)."""
        assert self.journal is not None
        file_url = answer.get("fileUrl") if isinstance(answer, dict) else None
        self._journal_awaiting(
            item, str(answer.get("documentId")), file_url if isinstance(file_url, str) else None
        )

    def _journal_awaiting(
        self, item: _Prepared, document_id: str, file_url: str | None, error: BaseException | None = None
    ) -> None:
        assert self.journal is not None
        expires = url_expiry(file_url) if file_url is not None else None
        kept = file_url is not None and self.journal.private
        self.journal.record(
            item.key,
            AWAITING_CONTENT,
            documentId=document_id,
            sha256=item.sha256,
            md5=item.md5,
            fileUrl=file_url if kept else None,
            fileUrlExpires=expires.isoformat() if kept and expires is not None else None,
            error=None if error is None else _message(error),
            hint=None if kept or file_url is None else _URL_NOT_KEPT,
        )

    def unfinished(self, index: int, item: _Prepared, answer: Any, error: Exception) -> ItemResult:
        """A document created whose bytes did not arrive (or whose ``before_upload`` raised):
        with a journal, ``incomplete``, journaled still awaiting its bytes when the upload may yet
        work, else ``incomplete`` for good; without one, ``failed``."""
        if self.journal is None:
            return self._failure(index, item.key, FAILED, error, source=item.spec.source, sha256=item.sha256)
        document_id = str(answer.get("documentId"))
        file_url = answer.get("fileUrl")
        if upload_refused(error):
            return self._journal_incomplete(index, item, document_id, error)
        self._journal_awaiting(item, document_id, file_url if isinstance(file_url, str) else None, error)
        return self._incomplete_result(index, item, document_id, error, url_may_work=True)

    def put_failed(self, index: int, item: _Prepared, entry: Entry, error: Exception) -> ItemResult:
        """A resumed PUT failed in a way that may pass: still awaiting its bytes, at the same URL."""
        assert entry.document_id is not None
        self._journal_awaiting(item, entry.document_id, entry.file_url, error)
        return self._incomplete_result(index, item, entry.document_id, error, url_may_work=True)

    def incomplete(self, index: int, item: _Prepared, entry: Entry, refusal: Exception | None) -> ItemResult:
        """A document without its bytes and no upload URL that works: journaled ``incomplete``
        (once), reported with its id and what to do."""
        assert entry.document_id is not None
        if entry.state == INCOMPLETE and refusal is None:
            return self._incomplete_result(index, item, entry.document_id, None)
        reason = refusal or RuntimeError(
            "its upload URL expired" if entry.file_url is not None else "no upload URL is known for it"
        )
        return self._journal_incomplete(index, item, entry.document_id, reason)

    def _journal_incomplete(
        self, index: int, item: _Prepared, document_id: str, error: BaseException
    ) -> ItemResult:
        assert self.journal is not None
        hint = _incomplete_hint(document_id, url_may_work=False)
        self.journal.record(
            item.key,
            INCOMPLETE,
            documentId=document_id,
            sha256=item.sha256,
            md5=item.md5,
            error=_message(error),
            hint=hint,
        )
        return self._incomplete_result(index, item, document_id, error)

    def replacing(self, item: _Prepared, document_id: str) -> None:
        """Journal the intent to delete ``document_id`` (found without bytes) and create the
        item again: a crash from here on is resolved by looking at that document first."""
        assert self.journal is not None
        self.journal.record(item.key, REPLACING, documentId=document_id, sha256=item.sha256, md5=item.md5)

    def claim_again(self, item: _Prepared, replaced: str) -> None:
        """The item's document ``replaced`` is gone: journal ``sending`` for a new one."""
        self._journal_sending(item, replaces=replaced)

    def finished(self, index: int, item: _Prepared, document_id: str) -> ItemResult:
        """The bytes of a document created by an earlier run are there (now, or already)."""
        assert self.journal is not None
        self.journal.record(item.key, CREATED, sha256=item.sha256, md5=item.md5, documentId=document_id)
        return ItemResult(index, item.key, "created", document_id, item.sha256, source=item.spec.source)

    def created(self, index: int, item: _Prepared, document: Document) -> ItemResult:
        """A create the API answered (journaled ``created`` when there is a journal)."""
        if self.journal is not None:
            self.journal.record(item.key, CREATED, sha256=item.sha256, md5=item.md5, documentId=document.id)
        return ItemResult(
            index, item.key, "created", document.id, item.sha256, source=item.spec.source, document=document
        )

    def _incomplete_result(
        self,
        index: int,
        item: _Prepared,
        document_id: str,
        error: BaseException | None,
        *,
        url_may_work: bool = False,
    ) -> ItemResult:
        hint = _incomplete_hint(document_id, url_may_work=url_may_work)
        return ItemResult(
            index,
            item.key,
            INCOMPLETE,
            document_id,
            item.sha256,
            error=f"{_message(error)}; {hint}" if error is not None else hint,
            source=item.spec.source,
            exception=error,
        )

    def _holds_other_bytes(self, index: int, item: _Prepared, document_id: str) -> ItemResult:
        return ItemResult(
            index,
            item.key,
            "changed",
            document_id,
            item.sha256,
            error=(
                f"the journal has {item.key!r} created as {document_id}, which holds other bytes than "
                f"the item's (sha256 {item.sha256[:12]}...): it is left as it is; delete it and the "
                "journal's lines for the key to create the item again, or give the item another key"
            ),
            source=item.spec.source,
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

    def _decide_from_journal(self, index: int, item: _Prepared) -> ItemResult | Entry | None:
        """The result for a key the journal settles (created, unresolved, changed), the entry
        of one whose document is to be finished, else None (send it)."""
        assert self.journal is not None
        key, sha256 = item.key, item.sha256
        entry = self.journal.get(key)
        if entry is None or entry.state == FAILED:
            return None
        if entry.sha256 is not None and entry.sha256 != sha256:
            if entry.state == CREATED or entry.unfinished:
                awaiting = "" if entry.state == CREATED else ", awaiting the bytes it had then,"
                return ItemResult(
                    index,
                    key,
                    "changed",
                    entry.document_id,
                    sha256,
                    error=(
                        f"the journal has {key!r} created as {entry.document_id}{awaiting} with other "
                        f"content (sha256 {entry.sha256[:12]}...): give the new content another key, or "
                        "delete that document and the journal's lines for the key"
                    ),
                    source=item.spec.source,
                )
            return None if self.retry_ambiguous else _unresolved(index, entry, item.spec.source)
        if entry.state == CREATED:
            return ItemResult(index, key, "skipped", entry.document_id, entry.sha256, source=item.spec.source)
        if entry.unfinished:
            return entry
        if entry.unresolved and not self.retry_ambiguous:
            return _unresolved(index, entry, item.spec.source)
        return None

    def _claim(self, index: int, item: _Prepared) -> ItemResult | Entry | None:
        """Settle the item from the journal and this run's other items, or claim it: None to
        send it, its journal entry to finish its document."""
        assert self.journal is not None
        with self.lock:
            first = self.first_of_key.get(item.key)
            if first is not None:
                if first != item.sha256:
                    return ItemResult(
                        index,
                        item.key,
                        "changed",
                        None,
                        item.sha256,
                        error=(
                            f"the same key appears twice in the input with other content (sha256 "
                            f"{first[:12]}... first): not sent; give each content its own key"
                        ),
                        source=item.spec.source,
                    )
                return ItemResult(
                    index,
                    item.key,
                    "duplicate",
                    None,  # named once the run is over (`shared`): its key's first item may be in flight
                    item.sha256,
                    error="the same key appears twice in the input",
                    source=item.spec.source,
                    shares=item.key,
                )
            self.first_of_key[item.key] = item.sha256
            decided = self._decide_from_journal(index, item)
            if decided is not None:
                return decided
            owner = self.owners.get(item.sha256)
            if owner is not None and owner != item.key and not self.allow_duplicates:
                return ItemResult(
                    index,
                    item.key,
                    "duplicate",
                    None,  # named once the run is over (`shared`): its owner may be in flight
                    item.sha256,
                    error=f"same content as {owner!r} (pass allow_duplicates=True to create it anyway)",
                    source=item.spec.source,
                    shares=owner,
                )
            self.owners.setdefault(item.sha256, item.key)
            return None


def _names_a_document(answer: object) -> bool:
    """Whether a create's answer names the document it created with a usable id."""
    if not isinstance(answer, dict):
        return False
    try:
        require_id(DOCUMENT, answer.get("documentId"))
    except InvalidIdError:
        return False
    return True


_URL_NOT_KEPT = (
    "the upload URL is not written to this journal, which others may read (it is a credential): "
    "`chmod 600` the journal to let a re-run finish an interrupted upload"
)


def _incomplete_hint(document_id: str, *, url_may_work: bool) -> str:
    if url_may_work:
        return (
            f"the API created {document_id} but its bytes have not arrived (2024-11-29): a re-run "
            "with this journal uploads them again while its upload URL is valid"
        )
    return (
        f"the API created {document_id} without its bytes, and no upload URL for it works any more "
        "(neither API contract gives a new one for an existing document): re-run las.bulk.ingest "
        f"with recreate_incomplete=True to delete {document_id} (it holds no bytes) and create the "
        "item again"
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
    recreate_incomplete: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
) -> IngestReport:
    """Create a document in ``dataset`` for every item, recording each step in ``journal``.

    Safe to run again with the same items and journal after a crash or a failure: what was
    created is skipped, what failed is sent again, and what may have been created (the answer
    was lost) is reported ``ambiguous`` and never sent again on its own (see :func:`reconcile`).
    On the 2024-11-29 contract, a document created whose bytes did not arrive (a failed or
    interrupted upload to its ``fileUrl``) is finished: the bytes are PUT again while the
    journaled upload URL may be valid; after that it is reported ``incomplete`` with its
    ``document_id`` until ``recreate_incomplete=True``. Items with the same content are created
    once (``allow_duplicates=True`` to create each).

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
        recreate_incomplete: for an item whose document exists without its bytes and whose
            upload URL no longer works, delete that document (only once a ``GET`` shows it holds
            no bytes) and create the item again; each step is journaled first.
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
        recreate_incomplete=recreate_incomplete,
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
