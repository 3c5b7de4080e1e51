"""The read timeout and the deadline of the async attempts in flight, kept by one timer per loop.

aiohttp's own ``sock_read`` and ``total`` timeouts arm and cancel a loop timer per request and
re-arm one for every piece of the answer read; at a hundred concurrent calls that bookkeeping
costs a fifth of the throughput (``benchmarks/async_run.py``). The :class:`Watchdog` keeps one
timer for all the attempts of a connection pool instead, and checks the attempts when the
earliest of them could expire (and at least every :data:`CHECK_EVERY` seconds, to see progress):

- the **deadline**: an attempt still running when its call's deadline passes is cancelled;
- the **read timeout**: an attempt that has made no progress for its read timeout is cancelled.
  Progress is a connection being ready for the request (:class:`WatchedConnector`: waiting for
  a free one and connecting are not the server's silence; the request is written then), each
  piece of a streamed request body written (:meth:`Attempt.progressed`), the answer's headers
  arriving and each piece of its body arriving; so the read timeout bounds
  each wait for the server, as requests' read timeout does, seen to within
  :data:`CHECK_EVERY` seconds. Connecting is timed by aiohttp's ``sock_connect``.

The cancelled attempt learns why from :attr:`Attempt.expired` and turns it into the policy's
verdict; a cancellation it did not cause is never swallowed (on Python 3.10, which does not
count cancellations, one from outside in the very loop iteration of an expiry is taken for the
expiry, as aiohttp's own timeouts take it there).
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

import aiohttp

__all__ = ["CHECK_EVERY", "DEADLINE", "READ", "Attempt", "Watchdog", "WatchedConnector"]

CHECK_EVERY = 0.5
"""Seconds between checks while attempts are in flight: how late progress is seen at most."""
_SOONEST = 0.001
_NEVER = float("inf")

READ = "read"
DEADLINE = "deadline"


class Attempt:
    """One send in flight: its task, its limits, and the progress seen so far."""

    __slots__ = ("deadline_at", "expired", "progress_at", "read_timeout", "response", "seen", "task")

    def __init__(self, task: asyncio.Task[Any], read_timeout: float, deadline_at: float) -> None:
        self.task = task
        self.read_timeout = read_timeout
        self.deadline_at = deadline_at
        self.progress_at = _NEVER  # the read timeout starts when a connection is ready
        self.response: Any = None  # the aiohttp response once its headers arrived
        self.seen = 0  # bytes of the body seen at the last check
        self.expired: str | None = None  # READ or DEADLINE once the watchdog cancelled it

    def expires_at(self) -> float:
        return min(self.deadline_at, self.progress_at + self.read_timeout)

    def has_connection(self) -> bool:
        """Whether the attempt got its connection (so its request may have gone out)."""
        return self.progress_at != _NEVER

    def answered(self, response: Any) -> None:
        """The answer's headers arrived: progress."""
        self.response = response
        self.progress_at = time.monotonic()

    def progressed(self) -> None:
        """A piece of the request's body was written: progress (a large upload is not silence)."""
        self.progress_at = time.monotonic()

    def caused_cancellation(self) -> bool:
        """Whether the task's cancellation is the watchdog's doing alone (then it is taken back,
        and :attr:`expired` says why); False means someone else cancelled: re-raise."""
        if self.expired is None:
            return False
        if sys.version_info >= (3, 11):
            if self.task.uncancel() > 0:  # also cancelled from outside
                return False
        return True


class Watchdog:
    """The attempts in flight in one event loop, and the one timer that checks them."""

    __slots__ = ("_attempts", "_handle", "_loop", "_when")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._attempts: dict[asyncio.Task[Any], Attempt] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._when = 0.0

    def watch(self, read_timeout: float, deadline_at: float) -> Attempt:
        """Start watching the current task's attempt; :meth:`forget` it when it is over."""
        task = asyncio.current_task(self._loop)
        if task is None:
            raise RuntimeError("an async las request must run in a task")
        attempt = Attempt(task, read_timeout, deadline_at)
        self._attempts[task] = attempt
        if self._handle is None or deadline_at < self._when:
            self._schedule(min(deadline_at, time.monotonic() + CHECK_EVERY))
        return attempt

    def connected(self) -> None:
        """The current task's attempt has its connection: the read timeout starts now."""
        task = asyncio.current_task(self._loop)
        attempt = self._attempts.get(task) if task is not None else None
        if attempt is not None:
            now = attempt.progress_at = time.monotonic()
            if now + attempt.read_timeout < self._when:
                self._schedule(now + attempt.read_timeout)

    def forget(self, attempt: Attempt) -> None:
        """Stop watching ``attempt``. The timer is left to lapse: a next call reuses it."""
        self._attempts.pop(attempt.task, None)

    def _schedule(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._when = when
        # loop.time() is time.monotonic() in asyncio's loops; the offset keeps others right too.
        self._handle = self._loop.call_at(self._loop.time() + (when - time.monotonic()), self._check)

    def _check(self) -> None:
        self._handle = None
        now = time.monotonic()
        soonest = now + CHECK_EVERY
        for attempt in self._attempts.values():
            if attempt.expired is not None:
                continue
            response = attempt.response
            if response is not None:
                seen = response.content.total_bytes
                if seen != attempt.seen:
                    attempt.seen = seen
                    attempt.progress_at = now
            if now >= attempt.deadline_at:
                attempt.expired = DEADLINE
            elif now >= attempt.progress_at + attempt.read_timeout:
                attempt.expired = READ
            else:
                soonest = min(soonest, attempt.expires_at())
                continue
            attempt.task.cancel()
        if self._attempts:
            self._schedule(max(soonest, now + _SOONEST))


class WatchedConnector(aiohttp.TCPConnector):
    """aiohttp's connector, telling the :class:`Watchdog` when an attempt has its connection."""

    def __init__(self, watchdog: Watchdog, **options: Any) -> None:
        super().__init__(**options)
        self._las_watchdog = watchdog

    def abandon(self) -> None:
        """Leave every connection as it is, for good (in a forked child, they are the parent's).

        aiohttp's ``close()``, ``_close()`` and finalizer each do nothing once ``_closed`` is set:
        none of them will close a transport (and so take its socket out of the event loop's
        selector, which a forked child shares with its parent).
        """
        self._closed = True

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        connection = await super().connect(*args, **kwargs)
        self._las_watchdog.connected()
        return connection
