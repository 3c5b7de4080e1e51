"""The emulator's clock: real time plus an offset a test moves, and timers on it.

Workflow Waits, Retry intervals, transition timeouts and heartbeat limits are timers on one
:class:`Clock`. By default the clock follows real time: a timer fires when its moment comes,
from a background thread that sleeps on a condition until the earliest deadline (no polling).
:meth:`Clock.advance` moves the clock forward without sleeping and fires every timer that has
come due, in deadline order, in the calling thread, before it returns — so a test decides
exactly when a 30-minute timeout happens::

    emulator.clock.advance(1801)   # the transition execution has now timed out

Timers fire one at a time (never two at once), and a timer's callback may set new timers,
also due ones: :meth:`Clock.advance` fires those too before returning. :meth:`Clock.freeze` stops the clock
following real time, so that only :meth:`Clock.advance` moves it (exact boundaries in tests).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone

LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp()
LONGEST_SLEEP = 3600.0  # the thread re-checks at least hourly (waits have an OS maximum)
RESOLUTION = 1e-6  # timestamps have microseconds: a timer within a microsecond of now is due


class Timer:
    """A pending call set by :meth:`Clock.call_at`; :meth:`cancel` it when no longer wanted."""

    __slots__ = ("callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        """Never fire (a no-op when already fired)."""
        self.cancelled = True


class Clock:
    """Time for the emulator: real time (``time.time()``) plus what :meth:`advance` added.

    It never goes back. Thread-safe; callbacks run outside the clock's lock, so they may read
    the clock and set timers. Example::

        clock = emulator.clock
        clock.freeze()                      # optional: only advance() moves it now
        clock.call_later(30, lambda: print("30 seconds later"))
        clock.advance(30)                   # prints before advance returns
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._condition = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()
        self._firing = threading.RLock()  # one firer at a time: the thread or advance()
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- reading ---------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the epoch, as the emulator sees them."""
        base = self._frozen_at
        return (time.time() if base is None else base) + self._offset

    def iso(self, moment: float | None = None) -> str:
        """``moment`` (default: now) as ISO 8601 UTC with microseconds and a ``Z``."""
        value = self.now() if moment is None else moment
        return datetime.fromtimestamp(value, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    # -- moving ----------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward and fire every timer now due before returning.

        Raises:
            ValueError: ``seconds`` is negative (time does not go back), not finite, or would
                take the clock past the year 9999.
        """
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueError(f"the clock only moves forward, by a finite number; got advance({seconds!r})")
        if self.now() + seconds > LATEST:
            raise ValueError(
                f"advance({seconds!r}) would take the clock past 9999-12-31 (timestamps end there)"
            )
        with self._condition:
            self._offset += seconds
            self._condition.notify_all()
        self._fire_due()

    def freeze(self) -> None:
        """Stop following real time: from now on only :meth:`advance` moves the clock."""
        with self._condition:
            if self._frozen_at is None:
                self._frozen_at = time.time()
            self._condition.notify_all()

    def unfreeze(self) -> None:
        """Follow real time again, from the moment the clock shows now."""
        with self._condition:
            if self._frozen_at is not None:
                self._offset = self._frozen_at + self._offset - time.time()
                self._frozen_at = None
            self._condition.notify_all()

    @property
    def frozen(self) -> bool:
        """Whether the clock moves only by :meth:`advance`."""
        return self._frozen_at is not None

    # -- timers ----------------------------------------------------------------------------

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        """Call ``callback()`` once the clock reaches ``when`` (seconds since the epoch)."""
        timer = Timer(when, callback)
        with self._condition:
            if self._closed:
                timer.cancelled = True
                return timer
            heapq.heappush(self._heap, (when, next(self._order), timer))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="las-emulator-clock", daemon=True)
                self._thread.start()
            self._condition.notify_all()
        return timer

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Timer:
        """Call ``callback()`` once ``seconds`` have passed on this clock."""
        return self.call_at(self.now() + seconds, callback)

    def pending(self) -> int:
        """How many timers wait to fire (cancelled ones excluded)."""
        with self._condition:
            return sum(1 for _, _, timer in self._heap if not timer.cancelled)

    def close(self) -> None:
        """Cancel every timer and end the background thread; later timers never fire."""
        with self._condition:
            self._closed = True
            for _, _, timer in self._heap:
                timer.cancelled = True
            self._heap.clear()
            self._condition.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    # -- firing ----------------------------------------------------------------------------

    def _pop_due(self) -> Timer | None:
        with self._condition:
            now = self.now() + RESOLUTION
            while self._heap:
                when, _, timer = self._heap[0]
                if timer.cancelled:
                    heapq.heappop(self._heap)
                    continue
                if when > now:
                    return None
                heapq.heappop(self._heap)
                return timer
            return None

    def _fire_due(self) -> None:
        with self._firing:
            while (timer := self._pop_due()) is not None:
                timer.cancelled = True
                timer.callback()

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._closed:
                    return
                while self._heap and self._heap[0][2].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:  # nothing to wait for: end; call_at starts a new thread
                    self._thread = None
                    return
                wait = self._heap[0][0] - self.now() - RESOLUTION
                if wait > 0:  # frozen: only advance() (which notifies) can make a timer due
                    self._condition.wait(None if self._frozen_at is not None else min(wait, LONGEST_SLEEP))
                    continue
            try:
                self._fire_due()
            except Exception:  # a callback's bug must not stop every later timer
                traceback.print_exc()
