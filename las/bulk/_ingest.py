"""Resumable, duplicate-aware ingestion of many documents into a dataset, with a journal.

What happens to each item, in its :class:`ItemResult`:

- ``created``: sent now, the API created the document (``document_id``).
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
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from ..client import Client
from ..content import check_size, detect_content_type, read_content
from ..ids import DATASET, require_id
from ..resources import InvalidArgumentError
from ..resources._session import client_for
from ..session import Session
from ._journal import Entry, Journal, TornLine
from ._outcome import AMBIGUOUS, FAILED, classify_failure
from ._progress import Progress, Tally

__all__ = [
    "IngestItem",
    "IngestReport",
    "ItemResult",
    "ingest",
    "upload_to_dataset",
]

STATUSES = ("created", "skipped", "duplicate", "ambiguous", "failed", "changed")
RECONCILE_HINT = (
    "the API may have created this document: run las.bulk.reconcile(journal) to look for it in the "
    "dataset by content hash, or re-run with retry_ambiguous=True to send it again and accept a "
    "possible duplicate"
)


class HasId(Protocol):
    """Anything with an ``id``: a resource object such as ``las.Dataset``."""

    @property
    def id(self) -> str: ...


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
class ItemResult:
    """What happened to one item (see the module doc for each ``status``)."""

    index: int
    key: str
    status: str
    document_id: str | None = None
    sha256: str | None = None
    error: str | None = None


@attrs.frozen
class IngestReport:
    """The outcome of every item, in input order, and how to resolve what is left."""

    dataset_id: str
    journal: Path
    results: list[ItemResult]
    elapsed: float
    torn_line: TornLine | None = None

    @property
    def counts(self) -> dict[str, int]:
        """How many items ended in each status (every status present, zeros included)."""
        found = Counter(result.status for result in self.results)
        return {status: found.get(status, 0) for status in STATUSES}

    def with_status(self, status: str) -> list[ItemResult]:
        """The items that ended in ``status``."""
        return [result for result in self.results if result.status == status]

    @property
    def ambiguous(self) -> list[ItemResult]:
        return self.with_status("ambiguous")

    @property
    def failed(self) -> list[ItemResult]:
        return self.with_status("failed")

    @property
    def ok(self) -> bool:
        """Whether every item is in the dataset (created, skipped or a duplicate of one)."""
        return all(result.status in ("created", "skipped", "duplicate") for result in self.results)

    def summary(self) -> str:
        """A few lines for a person: the counts, then what to do about what is left."""
        counts = ", ".join(f"{count} {status}" for status, count in self.counts.items() if count)
        lines = [f"{len(self.results)} items in {self.elapsed:.1f}s: {counts or 'nothing to do'}"]
        if self.torn_line is not None:
            lines.append(f"journal {self.journal}: {self.torn_line}")
        if self.ambiguous:
            lines.append(
                f"{len(self.ambiguous)} ambiguous: their answer was lost, so the API may have created "
                f"them. Run las.bulk.reconcile({str(self.journal)!r}) to find them in the dataset by content "
                "hash (then re-run to send those it did not find), or re-run with retry_ambiguous=True "
                "to send them again and accept possible duplicates."
            )
        if self.failed:
            lines.append(
                f"{len(self.failed)} failed (not created; a re-run sends them again); first: "
                f"{self.failed[0].key}: {self.failed[0].error}"
            )
        changed = self.with_status("changed")
        if changed:
            lines.append(
                f"{len(changed)} changed since they were created; first: {changed[0].key}: {changed[0].error}"
            )
        return "\n".join(lines)


# -- preparing an item ---------------------------------------------------------------------------


@attrs.frozen
class _Prepared:
    key: str
    content: bytes
    sha256: str
    content_type: str
    spec: IngestItem


def _item_key(item: IngestItem | bytes | str | Path) -> tuple[IngestItem, str | None]:
    if isinstance(item, IngestItem):
        spec = item
    elif isinstance(item, (bytes, bytearray, str, os.PathLike)):
        spec = IngestItem(bytes(item) if isinstance(item, bytearray) else item)
    else:
        raise InvalidArgumentError(
            f"an item must be bytes, a path or a las.bulk.IngestItem, got {type(item).__name__}"
        )
    if spec.key is not None:
        if not spec.key:
            raise InvalidArgumentError("an item's key must not be empty")
        return spec, spec.key
    if isinstance(spec.content, (str, os.PathLike)):
        return spec, os.fspath(spec.content)
    return spec, None  # keyed by its hash once read


def _read(spec: IngestItem, session: Any) -> tuple[bytes, str]:
    """The bytes to send and their sha256 (hex); raises before anything is sent."""
    source = read_content(spec.content)
    check_size(source, session=session)
    with source.open() as handle:
        content = handle.read()
    return content, hashlib.sha256(content).hexdigest()


# -- the run --------------------------------------------------------------------------------------


def _dataset_id(dataset: str | HasId) -> str:
    return require_id(DATASET, dataset if isinstance(dataset, str) else dataset.id)


class _Run:
    def __init__(
        self,
        client: Client,
        journal: Journal,
        dataset_id: str,
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
        for entry in journal.entries():
            if entry.sha256 and entry.state in ("created", "ambiguous", "sending"):
                self.owners.setdefault(entry.sha256, entry.key)

    def one(self, index: int, spec: IngestItem, key: str | None) -> ItemResult:
        """Read, claim, send and journal one item (the three steps an async run takes apart)."""
        begun = self.begin(index, spec, key)
        if isinstance(begun, ItemResult):
            return begun
        try:
            answer = self.create(self.client, begun)
        except Exception as error:
            return self.failed(index, begun, error)
        return self.created(index, begun, answer)

    def begin(self, index: int, spec: IngestItem, key: str | None) -> ItemResult | _Prepared:
        """Read the item and settle it from the journal, or claim it and journal ``sending``:
        after this the item may be sent once (it blocks: file reads and an fsync)."""
        try:
            content, digest = _read(spec, self.client.session)
        except Exception as error:  # unreadable or too large: nothing was sent
            entry = self.journal.get(key) if key is not None else None
            if entry is not None and entry.state == "created":  # e.g. the file was moved since
                return ItemResult(index, entry.key, "skipped", entry.document_id, entry.sha256)
            return ItemResult(
                index, key or "(in-memory content)", FAILED, error=f"{type(error).__name__}: {error}"
            )
        key = key or f"sha256:{digest}"
        try:
            content_type = spec.content_type or detect_content_type(content[:16])
        except Exception as error:  # not a type the API accepts: nothing was sent
            return ItemResult(index, key, FAILED, sha256=digest, error=f"{type(error).__name__}: {error}")
        item = _Prepared(key, content, digest, content_type, spec)
        decided = self._claim(index, item)
        if decided is not None:
            return decided
        self.journal.record(
            item.key,
            "sending",
            sha256=item.sha256,
            contentType=item.content_type,
            groundTruth=item.spec.ground_truth,
        )
        return item

    def create(self, client: Any, item: _Prepared) -> Any:
        """The one create request of a claimed item: its answer on a Client, an awaitable of it on
        an AsyncClient."""
        return client.create_document(
            item.content,
            item.content_type,
            dataset_id=self.dataset_id,
            ground_truth=item.spec.ground_truth,
            consent_id=item.spec.consent_id,
            retention_in_days=item.spec.retention_in_days,
        )

    def failed(self, index: int, item: _Prepared, error: Exception) -> ItemResult:
        """Journal a create that raised: ``failed`` (nothing created) or ``ambiguous`` (may be)."""
        outcome = classify_failure(error)
        message = f"{type(error).__name__}: {error}"
        hint = RECONCILE_HINT if outcome == AMBIGUOUS else None
        self.journal.record(item.key, outcome, sha256=item.sha256, error=message, hint=hint)
        if outcome == FAILED:
            with self.lock:
                if self.owners.get(item.sha256) == item.key:
                    del self.owners[item.sha256]
        shown = f"{message}; {hint}" if hint else message
        return ItemResult(index, item.key, outcome, sha256=item.sha256, error=shown)

    def created(self, index: int, item: _Prepared, document: dict[str, Any]) -> ItemResult:
        """Journal a create the API answered."""
        document_id = document["documentId"]
        self.journal.record(item.key, "created", sha256=item.sha256, documentId=document_id)
        return ItemResult(index, item.key, "created", document_id, item.sha256)

    def _decide_from_journal(self, index: int, key: str, sha256: str) -> ItemResult | None:
        """The result for a key the journal settles (created, unresolved, changed), else None."""
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
                )
            return None if self.retry_ambiguous else _unresolved(index, entry)
        if entry.state == "created":
            return ItemResult(index, key, "skipped", entry.document_id, entry.sha256)
        if entry.unresolved and not self.retry_ambiguous:
            return _unresolved(index, entry)
        return None

    def _claim(self, index: int, item: _Prepared) -> ItemResult | None:
        """Settle the item from the journal and this run's other items, or claim it for sending."""
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
                )
            self.seen_keys.add(item.key)
            decided = self._decide_from_journal(index, item.key, item.sha256)
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
                )
            self.owners.setdefault(item.sha256, item.key)
            return None


def _unresolved(index: int, entry: Entry) -> ItemResult:
    return ItemResult(
        index,
        entry.key,
        AMBIGUOUS,
        sha256=entry.sha256,
        error=f"{entry.error or 'the run stopped while this item was being sent'}; {RECONCILE_HINT}",
    )


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
        items: paths, bytes, or :class:`IngestItem` (for a key, a content type, ground truth).
            Read lazily: at most about ``2 * max_workers`` items are in memory at once.
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

    Example::

        report = las.bulk.ingest(Path("scans").glob("*.pdf"), dataset=dataset_id, journal="upload.jsonl")
        print(report.summary())
    """
    if max_workers < 1:
        raise InvalidArgumentError(f"max_workers must be 1 or more, got {max_workers}")
    if isinstance(items, (str, bytes, bytearray, os.PathLike)):
        raise InvalidArgumentError(
            f"items must be an iterable of items, got one {type(items).__name__}: to ingest a single "
            "file or content, pass it in a list"
        )
    dataset_id = _dataset_id(dataset)
    client = client_for(session)
    tally: Tally[ItemResult] = Tally(len(items) if isinstance(items, Sequence) else None, on_progress)
    with Journal(journal, dataset_id=dataset_id) as book:
        run = _Run(
            client, book, dataset_id, retry_ambiguous=retry_ambiguous, allow_duplicates=allow_duplicates
        )
        with concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="las-ingest") as pool:
            pending: set[concurrent.futures.Future[ItemResult]] = set()

            def collect(done: set[concurrent.futures.Future[ItemResult]]) -> None:
                for future in done:
                    tally.add(future.result())

            for index, raw in enumerate(items):
                spec, key = _item_key(raw)
                pending.add(pool.submit(run.one, index, spec, key))
                if len(pending) >= 2 * max_workers:
                    done, pending = concurrent.futures.wait(
                        pending, return_when=concurrent.futures.FIRST_COMPLETED
                    )
                    collect(done)
            done, _ = concurrent.futures.wait(pending)
            collect(done)
        torn = book.torn_line
    return IngestReport(dataset_id, Path(journal), tally.in_order(), tally.elapsed(), torn)


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
