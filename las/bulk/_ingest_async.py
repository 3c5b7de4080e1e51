""":func:`ingest` on the event loop: the same journal, the same steps, one create per task.

Each item goes through the steps of :class:`_Run` that the threaded run takes: ``begin`` (read
the content, settle the item from the journal or claim it and journal ``sending``, in a worker
thread: file reads and fsyncs block), the one create request, awaited on the AsyncClient, then
``failed`` / ``created`` (journaled in a worker thread). So the journal means exactly what it
means for :func:`ingest`, and a re-run with either variant reads it the same way.

Cancelling the run cancels the creates in flight; their items stay ``sending`` in the journal,
which the next run reports ``ambiguous`` (the API may have created them) and never sends again
on its own. An item cancelled while its content was being read may also be left ``sending``
although it was not sent: the safe side, as for a process killed at that moment.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, Callable, Iterable, Sized
from pathlib import Path
from typing import Any

from ..resources._window import each_bounded
from ._ingest import IngestItem, IngestReport, ItemResult, _item_key, _Prepared, _Run
from ._journal import Journal
from ._progress import Progress, Tally

__all__ = ["ingest_async"]


async def ingest_async(
    items: Iterable[Any] | AsyncIterable[Any],
    *,
    dataset_id: str,
    journal: str | os.PathLike[str],
    client: Any,
    max_concurrency: int,
    retry_ambiguous: bool = False,
    allow_duplicates: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    convert: Callable[[Any], IngestItem | bytes | str | Path] = lambda item: item,
) -> IngestReport:
    """Create a document in ``dataset_id`` for every item through the AsyncClient ``client``,
    journaled as :func:`las.bulk.ingest` does, ``max_concurrency`` creates at most in flight.

    ``convert(item)`` turns each item into what :func:`ingest` takes (run in a worker thread
    with the read, so it may read a file object); an item it refuses raises, as in :func:`ingest`.
    """
    tally: Tally[ItemResult] = Tally(len(items) if isinstance(items, Sized) else None, on_progress)
    book = await asyncio.to_thread(Journal, journal, dataset_id=dataset_id)
    try:
        run = _Run(
            client, book, dataset_id, retry_ambiguous=retry_ambiguous, allow_duplicates=allow_duplicates
        )

        def begin(index: int, raw: Any) -> ItemResult | _Prepared:
            spec, key = _item_key(convert(raw))
            return run.begin(index, spec, key)

        async def one(index: int, raw: Any) -> ItemResult:
            begun = await asyncio.to_thread(begin, index, raw)
            if isinstance(begun, ItemResult):
                return begun
            try:
                answer = await run.create(client, begun)
            except Exception as error:
                return await asyncio.to_thread(run.failed, index, begun, error)
            return await asyncio.to_thread(run.created, index, begun, answer)

        await each_bounded(items, one, max_concurrency, tally.add)
    finally:
        book.close()
    return IngestReport(dataset_id, Path(journal), tally.in_order(), tally.elapsed(), book.torn_line)
