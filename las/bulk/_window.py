"""The two loops of las.bulk: one item at a time through a bounded window, in threads or in tasks.

These are the only parts of a bulk run written twice, because threads and tasks are run
differently; what happens to one item (reading, claiming, sending, recording) is written once,
and each loop only runs it:

- :func:`each_bounded`: ``start(index, item)`` in a pool of ``limit`` threads (``las.bulk.ingest``,
  ``dataset.upload``, ``las.bulk.predict``);
- :func:`each_bounded_async`: ``start(index, item)`` as a task, ``limit`` at most at once
  (``dataset.upload_async``).

Both read ``items`` only as slots free, hand each result to ``take`` in the caller's thread as
it comes, and when something goes wrong start nothing new, let what is running end (its result
is not taken) and raise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

__all__ = ["each_bounded", "each_bounded_async"]

T = TypeVar("T")


def each_bounded(
    items: Iterable[Any],
    start: Callable[[int, Any], T],
    limit: int,
    take: Callable[[T], None],
    *,
    thread_name_prefix: str = "las-bulk",
    stop: Callable[[], None] | None = None,
) -> None:
    """Run ``start(index, item)`` for each item in a pool of ``limit`` threads.

    At most ``2 * limit`` items are taken from ``items`` ahead of their results (so a thread
    that finishes finds the next item waiting). ``take(result)`` is called in the calling
    thread as items end.

    On an error or an interrupt (from ``items``, ``take`` or ``start``), ``stop()`` is called
    (it tells the running items to send nothing more), the items not yet started are cancelled,
    the ones running end (their results are not taken), then the error goes up.
    """
    with concurrent.futures.ThreadPoolExecutor(limit, thread_name_prefix=thread_name_prefix) as pool:
        pending: set[concurrent.futures.Future[T]] = set()
        try:
            for index, item in enumerate(items):
                pending.add(pool.submit(start, index, item))
                if len(pending) >= 2 * limit:
                    done, pending = concurrent.futures.wait(
                        pending, return_when=concurrent.futures.FIRST_COMPLETED
                    )
                    for future in done:
                        take(future.result())
            while pending:
                done, pending = concurrent.futures.wait(
                    pending, return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in done:
                    take(future.result())
        except BaseException:
            if stop is not None:
                stop()
            for future in pending:
                future.cancel()
            raise


async def each_bounded_async(
    items: Iterable[Any] | AsyncIterable[Any],
    start: Callable[[int, Any], Coroutine[Any, Any, T]],
    limit: int,
    take: Callable[[T], None],
) -> None:
    """Run ``start(index, item)`` as a task for each item, ``limit`` at most in flight.

    The next item is taken from ``items`` only when a task has ended, so at most ``limit`` items
    are read ahead of their results. ``take(result)`` is called in the loop's thread as tasks
    end (those ending together in input order).

    On cancellation the tasks in flight are cancelled and awaited before ``CancelledError`` goes
    up. On an error (from ``items``, ``take`` or a task) no new task starts, the ones in flight
    end (their results are not taken), then the error goes up.
    """
    pending: dict[asyncio.Task[T], int] = {}
    try:
        async with contextlib.aclosing(_each(items)) as each:
            index = 0
            async for item in each:
                pending[asyncio.create_task(start(index, item))] = index
                index += 1
                if len(pending) >= limit:
                    await _take_some(pending, take)
        while pending:
            await _take_some(pending, take)
    except Exception:
        await _settle(pending, cancel=False)
        raise
    except BaseException:  # CancelledError, KeyboardInterrupt: stop what is in flight
        await _settle(pending, cancel=True)
        raise


async def _take_some(pending: dict[asyncio.Task[T], int], take: Callable[[T], None]) -> None:
    done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    for task in sorted(done, key=pending.__getitem__):
        del pending[task]
        take(task.result())


async def _settle(pending: dict[asyncio.Task[T], int], *, cancel: bool) -> None:
    """Let the tasks in flight end (cancelled first when ``cancel``); their results are dropped."""
    tasks = list(pending)
    if not tasks:
        return
    if cancel:
        for task in tasks:
            task.cancel()
    try:
        await asyncio.wait(tasks)
    except BaseException:  # cancelled while waiting: stop them too
        for task in tasks:
            task.cancel()
        raise
    for task in tasks:
        if not task.cancelled():
            task.exception()  # retrieved: an error that comes after the first is not logged


async def _each(items: Iterable[Any] | AsyncIterable[Any]) -> AsyncGenerator[Any, None]:
    """The items of an iterable or of an async iterable, one at a time, as they are needed."""
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
