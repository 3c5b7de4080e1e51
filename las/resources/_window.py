"""One task per item, at most ``limit`` at once, items read only as slots free: the loop of the
awaitable bulk verbs (``upload_async``, with or without a journal)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Coroutine, Iterable
from typing import Any, TypeVar

__all__ = ["each_bounded"]

T = TypeVar("T")


async def each_bounded(
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
