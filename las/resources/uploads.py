"""Uploading many documents into a dataset: bounded concurrency, progress, a full report."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import os
import sys
from collections.abc import (
    AsyncIterable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
    Sized,
)
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, overload

import attrs

from .. import ids
from ..content import check_size, read_content
from ..exceptions import ClientException
from ._errors import InvalidArgumentError
from ._window import each_bounded
from .documents import Document, ground_truth_items

if TYPE_CHECKING:
    from ..bulk import IngestItem, IngestReport, Progress
    from .documents import Dataset

__all__ = ["UploadError", "UploadItem", "UploadResult"]

_ITEM_KEYS = frozenset({"content", "ground_truth", "content_type", "consent", "retention_in_days"})


class UploadError(ClientException):
    """Raised by :meth:`UploadResult.raise_for_errors` when some items failed; ``result`` has them all."""

    def __init__(self, result: UploadResult) -> None:
        self.result = result
        failed = result.failed
        first = failed[0]
        super().__init__(
            f"{len(failed)} of {len(result.items)} uploads failed; first: item {first.index} "
            f"({first.source}): {first.error}"
        )


@attrs.frozen
class UploadItem:
    """What happened to one item of an upload: its ``document``, or the ``error`` that stopped it."""

    index: int
    """Position of the item in the input."""
    source: str
    """A short description of the item (its path, or its size in bytes)."""
    document: Document | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        """Whether the document was created."""
        return self.error is None


@attrs.frozen
class UploadResult:
    """The outcome of every item of an upload, in input order; nothing is left out."""

    items: list[UploadItem]

    @property
    def documents(self) -> list[Document]:
        """The created documents, in input order."""
        return [item.document for item in self.items if item.document is not None]

    @property
    def failed(self) -> list[UploadItem]:
        """The items that were not created, with their errors."""
        return [item for item in self.items if item.error is not None]

    @property
    def ok(self) -> bool:
        """Whether every item was created."""
        return not self.failed

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[UploadItem]:
        return iter(self.items)

    def raise_for_errors(self) -> UploadResult:
        """Return the result if every item was created; else raise :class:`UploadError`."""
        if self.failed:
            raise UploadError(self)
        return self


def _describe(content: Any) -> str:
    if isinstance(content, (str, Path)):
        return str(content)
    if isinstance(content, (bytes, bytearray)):
        return f"<{len(content)} bytes>"
    name = getattr(content, "name", None)
    return str(name) if isinstance(name, str) else f"<{type(content).__name__}>"


def _check_items(items: object) -> None:
    """Refuse one item where an iterable of items is expected (a path or bytes would be iterated)."""
    if isinstance(items, (str, bytes, bytearray, os.PathLike, Mapping, io.IOBase)):
        raise InvalidArgumentError(
            f"items must be an iterable of items, got one {type(items).__name__}: to upload a single "
            "document, pass it in a list"
        )


def _arguments(item: Any) -> dict[str, Any]:
    """The Document.create arguments for one upload item."""
    if isinstance(item, Mapping):
        unknown = sorted(set(item) - _ITEM_KEYS)
        if "content" not in item or unknown:
            raise InvalidArgumentError(
                "an upload dict needs 'content' and may have ground_truth, content_type, consent, "
                f"retention_in_days; got keys {sorted(item)}"
            )
        return dict(item)
    if isinstance(item, tuple):
        if not 1 <= len(item) <= 2:
            raise InvalidArgumentError(
                f"an upload tuple is (content,) or (content, ground_truth), got {len(item)} values"
            )
        return {"content": item[0], "ground_truth": item[1] if len(item) == 2 else None}
    return {"content": item}


class _ProgressBar:
    """A one-line text progress bar on stderr."""

    def __init__(self, total: int | None, stream: IO[str] | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr

    def show(self, done: int, failed: int) -> None:
        failures = f", {failed} failed" if failed else ""
        if self.total:
            width = 30
            filled = width * done // self.total
            bar = "#" * filled + "-" * (width - filled)
            line = f"\rUploading [{bar}] {done}/{self.total}{failures}"
        else:
            line = f"\rUploading {done} documents{failures}"
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class _Tally:
    """The items of one upload as they end: the progress callback, the bar, the result in order."""

    def __init__(
        self,
        items: object,
        on_progress: Callable[[UploadItem, int, int | None], None] | None,
        progress_bar: bool,
    ) -> None:
        self.total = len(items) if isinstance(items, Sized) else None
        self.on_progress = on_progress
        self.bar = _ProgressBar(self.total) if progress_bar else None
        self.results: dict[int, UploadItem] = {}
        self.failed = 0

    def record(self, item: UploadItem) -> None:
        self.results[item.index] = item
        self.failed += 0 if item.ok else 1
        if self.on_progress is not None:
            self.on_progress(item, len(self.results), self.total)
        if self.bar is not None:
            self.bar.show(len(self.results), self.failed)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def result(self) -> UploadResult:
        return UploadResult([self.results[index] for index in sorted(self.results)])


def upload_documents(
    dataset: Dataset,
    items: Iterable[Any],
    *,
    max_workers: int = 4,
    on_progress: Callable[[UploadItem, int, int | None], None] | None = None,
    progress_bar: bool = False,
) -> UploadResult:
    """Create a document in ``dataset`` for each item; see :meth:`DatasetDocuments.upload`."""
    if max_workers < 1:
        raise InvalidArgumentError(f"max_workers must be 1 or more, got {max_workers}")
    _check_items(items)
    client = dataset._client
    dataset_id = dataset.id
    tally = _Tally(items, on_progress, progress_bar)
    record = tally.record

    def create(index: int, item: Any) -> UploadItem:
        source = "<invalid item>"
        try:
            arguments = _arguments(item)
            source = _describe(arguments["content"])
            document = Document.create(
                arguments.pop("content"),
                arguments.pop("content_type", None),
                dataset=dataset_id,
                session=client,
                **arguments,
            )
        except Exception as error:  # reported in the result, never retried
            return UploadItem(index, source, error=error)
        return UploadItem(index, source, document=document)

    window = max_workers * 2  # items in flight: bounds memory for large or lazy inputs
    with concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="las-upload") as pool:
        pending: set[concurrent.futures.Future[UploadItem]] = set()
        try:
            for index, item in enumerate(items):
                pending.add(pool.submit(create, index, item))
                if len(pending) >= window:
                    done, pending = concurrent.futures.wait(
                        pending, return_when=concurrent.futures.FIRST_COMPLETED
                    )
                    for future in done:
                        record(future.result())
            for future in concurrent.futures.as_completed(pending):
                record(future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        finally:
            tally.close()
    return tally.result()


def upload(
    dataset: Dataset,
    items: Iterable[Any],
    *,
    max_workers: int,
    on_progress: Callable[[Any, int, int | None], None] | None,
    progress_bar: bool,
    journal: str | os.PathLike[str] | None,
    retry_ambiguous: bool,
) -> UploadResult | IngestReport:
    """``dataset.upload``: :func:`upload_documents`, or :func:`upload_with_journal` given a journal."""
    dataset._bound("upload")  # before a journal is opened or an item read
    if journal is None:
        _refuse_retry_without_journal(retry_ambiguous)
        return upload_documents(
            dataset, items, max_workers=max_workers, on_progress=on_progress, progress_bar=progress_bar
        )
    return upload_with_journal(
        dataset,
        items,
        journal=journal,
        max_workers=max_workers,
        on_progress=on_progress,
        progress_bar=progress_bar,
        retry_ambiguous=retry_ambiguous,
    )


def _refuse_retry_without_journal(retry_ambiguous: bool) -> None:
    if retry_ambiguous:
        raise InvalidArgumentError(
            "retry_ambiguous=True needs a journal: without one, nothing is remembered between "
            "runs to retry; pass journal='upload.jsonl'"
        )


async def upload_async(
    dataset: Dataset,
    items: Iterable[Any] | AsyncIterable[Any],
    *,
    max_concurrency: int,
    on_progress: Callable[[Any, int, int | None], None] | None,
    progress_bar: bool,
    journal: str | os.PathLike[str] | None,
    retry_ambiguous: bool,
) -> UploadResult | IngestReport:
    """``dataset.upload_async``: :func:`upload_documents_async`, or
    :func:`upload_with_journal_async` given a journal."""
    dataset._bound_async("upload")
    if journal is None:
        _refuse_retry_without_journal(retry_ambiguous)
        return await upload_documents_async(
            dataset,
            items,
            max_concurrency=max_concurrency,
            on_progress=on_progress,
            progress_bar=progress_bar,
        )
    return await upload_with_journal_async(
        dataset,
        items,
        journal=journal,
        max_concurrency=max_concurrency,
        on_progress=on_progress,
        progress_bar=progress_bar,
        retry_ambiguous=retry_ambiguous,
    )


async def upload_with_journal_async(
    dataset: Dataset,
    items: Iterable[Any] | AsyncIterable[Any],
    *,
    journal: str | os.PathLike[str],
    max_concurrency: int = 64,
    on_progress: Callable[[Any, int, int | None], None] | None = None,
    progress_bar: bool = False,
    retry_ambiguous: bool = False,
) -> IngestReport:
    """``dataset.upload_async(items, journal=...)``: :func:`upload_with_journal` on the event loop,
    the same journal (see :mod:`las.bulk._ingest_async`)."""
    from ..bulk import progress_printer
    from ..bulk._ingest_async import ingest_async

    if max_concurrency < 1:  # before the journal is opened
        raise InvalidArgumentError(f"max_concurrency must be 1 or more, got {max_concurrency}")
    _check_items(items)
    printer = progress_printer() if progress_bar else None

    def report(progress: Progress) -> None:
        if on_progress is not None:
            on_progress(progress.last, progress.done, progress.total)
        if printer is not None:
            printer(progress)

    return await ingest_async(
        items,
        dataset_id=dataset._checked_id(),
        journal=journal,
        client=dataset._client,
        max_concurrency=max_concurrency,
        retry_ambiguous=retry_ambiguous,
        on_progress=report if on_progress is not None or printer is not None else None,
        convert=_ingest_item,
    )


async def upload_documents_async(
    dataset: Dataset,
    items: Iterable[Any] | AsyncIterable[Any],
    *,
    max_concurrency: int = 64,
    on_progress: Callable[[UploadItem, int, int | None], None] | None = None,
    progress_bar: bool = False,
) -> UploadResult:
    """:func:`upload_documents` on the event loop: ``max_concurrency`` tasks, no threads but to read files.

    At most ``max_concurrency`` items are taken from ``items`` ahead of their answers (see
    :func:`each_bounded`, which also says what cancelling and errors do).
    """
    if max_concurrency < 1:
        raise InvalidArgumentError(f"max_concurrency must be 1 or more, got {max_concurrency}")
    dataset._bound_async("upload")
    _check_items(items)
    client = dataset._client
    dataset_id = dataset.id
    tally = _Tally(items, on_progress, progress_bar)

    async def create(index: int, item: Any) -> UploadItem:
        source = "<invalid item>"
        try:
            arguments = _arguments(item)
            content = arguments.pop("content")
            source = _describe(content)
            document = await Document.create_async(
                await _readable_off_loop(content, client.session),
                arguments.pop("content_type", None),
                dataset=dataset_id,
                session=client,
                **arguments,
            )
        except Exception as error:  # reported in the result, never retried
            return UploadItem(index, source, error=error)
        return UploadItem(index, source, document=document)

    try:
        await each_bounded(items, create, max_concurrency, tally.record)
    finally:
        tally.close()
    return tally.result()


async def _readable_off_loop(content: Any, session: Any) -> Any:
    """Content that :meth:`Document.create_async` can take without touching the disk: bytes as
    they are; a path or a file object read in a worker thread (after the size check, so a file
    over the API's limit is refused without being read)."""
    if isinstance(content, (bytes, bytearray, memoryview)):
        return content
    return await asyncio.to_thread(_read_bytes, content, session)


def _read_bytes(content: Any, session: Any) -> bytes:
    source = read_content(content)  # ContentNotFoundError, TypeError: reported for the item
    check_size(source, session=session)
    with source.open() as handle:
        return handle.read()


def upload_with_journal(
    dataset: Dataset,
    items: Iterable[Any],
    *,
    journal: str | os.PathLike[str],
    max_workers: int = 4,
    on_progress: Callable[[Any, int, int | None], None] | None = None,
    progress_bar: bool = False,
    retry_ambiguous: bool = False,
) -> IngestReport:
    """``dataset.upload(items, journal=...)``: :func:`las.bulk.upload_to_dataset` for upload's items.

    Items take the forms :meth:`DatasetDocuments.upload` takes (and :class:`las.bulk.IngestItem`);
    ``on_progress`` is called as ``on_progress(item_result, done, total)`` like without a journal,
    with a :class:`las.bulk.ItemResult` as ``item_result``.
    """
    from ..bulk import progress_printer, upload_to_dataset

    if max_workers < 1:  # before the journal is opened
        raise InvalidArgumentError(f"max_workers must be 1 or more, got {max_workers}")
    printer = progress_printer() if progress_bar else None

    def report(progress: Progress) -> None:
        if on_progress is not None:
            on_progress(progress.last, progress.done, progress.total)
        if printer is not None:
            printer(progress)

    return upload_to_dataset(
        dataset,
        _ingest_items(items),
        journal=journal,
        session=dataset._client,
        max_workers=max_workers,
        retry_ambiguous=retry_ambiguous,
        on_progress=report if on_progress is not None or printer is not None else None,
    )


def _ingest_items(items: Iterable[Any]) -> Iterable[IngestItem]:
    """Upload's item forms as :class:`las.bulk.IngestItem`, lazily (a list stays a list: sized)."""
    _check_items(items)
    if isinstance(items, Sequence):
        return _ConvertedItems(items)
    return (_ingest_item(item) for item in items)


class _ConvertedItems(Sequence["IngestItem"]):
    """A list of upload items seen as IngestItems, each converted when read (a file object's
    bytes are read then, not all up front), keeping the length so the run knows its total."""

    def __init__(self, items: Sequence[Any]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> IngestItem: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[IngestItem]: ...
    def __getitem__(self, index: int | slice) -> IngestItem | Sequence[IngestItem]:
        if isinstance(index, slice):
            return _ConvertedItems(self._items[index])
        return _ingest_item(self._items[index])


def _ingest_item(item: Any) -> IngestItem:
    from ..bulk import IngestItem

    if isinstance(item, IngestItem):
        return item
    arguments = _arguments(item)
    content = arguments["content"]
    if isinstance(content, bytearray):
        content = bytes(content)
    elif not isinstance(content, (bytes, str, os.PathLike)):
        read = getattr(content, "read", None)
        if read is None:
            raise InvalidArgumentError(
                f"an upload's content must be bytes, a path or a binary file object, got {type(content).__name__}"
            )
        content = read()  # a file object: its bytes, keyed in the journal by their sha256
        if not isinstance(content, bytes):
            raise InvalidArgumentError("a file object to upload must be opened in binary mode ('rb')")
    ground_truth = arguments.get("ground_truth")
    consent = arguments.get("consent")
    return IngestItem(
        content if isinstance(content, (bytes, str)) else Path(content),
        content_type=arguments.get("content_type"),
        ground_truth=ground_truth_items(ground_truth) if ground_truth is not None else None,
        consent_id=None if consent is None else ids.require_id(ids.CONSENT, consent),
        retention_in_days=arguments.get("retention_in_days"),
    )
