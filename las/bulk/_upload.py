"""``dataset.upload`` and ``dataset.upload_async``: the resource verbs' arguments, then the engine.

The resource layer's ``Uploads`` verbs (``las/resources/documents.py``) import this module when
they are called, never at import: the resources do not depend on las.bulk, las.bulk on them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..resources import InvalidArgumentError
from ._ingest import create_documents, create_documents_async, total_of
from ._items import check_items
from ._progress import Progress, Tally
from ._results import IngestReport, ItemResult

if TYPE_CHECKING:
    from ..resources import Dataset

__all__ = ["upload", "upload_async"]

OnItem = Callable[[ItemResult, int, "int | None"], None]
"""``on_progress(item_result, done, total)``: what the upload verbs call after each item."""


# ---- async source: tools/unasync.py derives the sync twins below ----
async def upload_async(
    dataset: Dataset,
    # unasync: sync: items: Iterable[Any],
    items: Iterable[Any] | AsyncIterable[Any],  # unasync: async only
    *,
    limit: int,
    limit_name: str,
    on_progress: OnItem | None,
    progress_bar: bool,
    journal: str | os.PathLike[str] | None,
    retry_ambiguous: bool,
) -> IngestReport:
    """``dataset.upload_async(items, ...)``, ``limit`` creates at most in flight (the caller's
    ``limit_name`` names it in errors); see ``Uploads.upload_async``."""
    _check(items, limit, limit_name, journal, retry_ambiguous)
    client = dataset._bound_async("upload")  # before a journal is opened or an item read
    return await create_documents_async(
        items,
        client=client,
        dataset_id=dataset._checked_id(),
        journal=journal,
        limit=limit,
        tally=_tally(items, on_progress, progress_bar),
        retry_ambiguous=retry_ambiguous,
    )


# ---- sync twins: generated from the async source above, do not edit ----
def upload(
    dataset: Dataset,
    items: Iterable[Any],
    *,
    limit: int,
    limit_name: str,
    on_progress: OnItem | None,
    progress_bar: bool,
    journal: str | os.PathLike[str] | None,
    retry_ambiguous: bool,
) -> IngestReport:
    """``dataset.upload(items, ...)``, ``limit`` creates at most in flight (the caller's
    ``limit_name`` names it in errors); see ``Uploads.upload``."""
    _check(items, limit, limit_name, journal, retry_ambiguous)
    client = dataset._bound("upload")  # before a journal is opened or an item read
    return create_documents(
        items,
        client=client,
        dataset_id=dataset._checked_id(),
        journal=journal,
        limit=limit,
        tally=_tally(items, on_progress, progress_bar),
        retry_ambiguous=retry_ambiguous,
    )


# ---- end of generated sync twins ----


def _check(items: object, limit: int, limit_name: str, journal: object, retry_ambiguous: bool) -> None:
    """Refuse the arguments no upload can run with, before anything is read or sent."""
    if retry_ambiguous and journal is None:
        raise InvalidArgumentError(
            "retry_ambiguous=True needs a journal: without one, nothing is remembered between "
            "runs to retry; pass journal='upload.jsonl'"
        )
    if limit < 1:
        raise InvalidArgumentError(f"{limit_name} must be 1 or more, got {limit}")
    check_items(items)


def _tally(items: object, on_progress: OnItem | None, progress_bar: bool) -> Tally[ItemResult]:
    """The run's tally, calling ``on_progress(item_result, done, total)`` after each item."""

    def report(progress: Progress) -> None:
        assert on_progress is not None
        on_progress(progress.last, progress.done, progress.total)

    return Tally(total_of(items), report if on_progress is not None else None, progress_bar=progress_bar)
