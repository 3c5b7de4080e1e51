"""Concurrency that adapts to rate limiting: additive increase, multiplicative decrease (AIMD).

The limit is halved when a request is rate limited (once per burst: 429s of requests that
started before the last decrease do not halve it again) and grows by one after ``limit``
successes in a row, between ``minimum`` and ``maximum``, as TCP adapts its window. A 429's
``Retry-After`` pauses every new request, not only the one refused, so the waiting requests do
not all come back at the same moment.
"""

from __future__ import annotations

import threading
import time

import attrs

from ..resources import InvalidArgumentError

__all__ = ["AdaptiveLimit", "LimitStats"]


@attrs.frozen
class LimitStats:
    """What the limit did during a run.

    Attributes:
        history: the limit at the start and after each change, in order.
        rate_limited: requests answered 429 (each was sent again later).
        max_in_flight: the most requests in flight at once.
    """

    history: list[int]
    rate_limited: int
    max_in_flight: int

    @property
    def final(self) -> int:
        return self.history[-1]


class AdaptiveLimit:
    """A gate for concurrent requests whose width adapts to 429s; safe to share between threads.

    Use ``ticket = limit.acquire()`` before a request and ``limit.release(ticket, outcome)``
    after it, with outcome ``"ok"``, ``"rate_limited"`` or ``"error"`` (neither grows nor shrinks).
    """

    def __init__(self, maximum: int, *, initial: int | None = None, minimum: int = 1) -> None:
        if not 1 <= minimum <= maximum:
            raise InvalidArgumentError(
                f"need 1 <= minimum <= maximum, got minimum={minimum}, maximum={maximum}"
            )
        start = maximum if initial is None else initial
        if not minimum <= start <= maximum:
            raise InvalidArgumentError(f"initial must be between {minimum} and {maximum}, got {start}")
        self.minimum = minimum
        self.maximum = maximum
        self._limit = start
        self._in_flight = 0
        self._successes = 0
        self._epoch = 0
        self._history = [start]
        self._rate_limited = 0
        self._max_in_flight = 0
        self._resume_at = 0.0  # time.monotonic() before which no request starts
        self._changed = threading.Condition()

    @property
    def limit(self) -> int:
        with self._changed:
            return self._limit

    @property
    def in_flight(self) -> int:
        with self._changed:
            return self._in_flight

    def acquire(self) -> int:
        """Wait for a free slot under the current limit; return a ticket for :meth:`release`."""
        with self._changed:
            while True:
                pause = self._resume_at - time.monotonic()
                if pause > 0:
                    self._changed.wait(pause)
                elif self._in_flight >= self._limit:
                    self._changed.wait()
                else:
                    break
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            return self._epoch

    def release(self, ticket: int, outcome: str, *, pause: float = 0.0) -> None:
        """Free the slot taken with ``ticket`` and adapt the limit to the request's ``outcome``.

        ``pause``: seconds during which no request may start (a 429's ``Retry-After``).
        """
        if outcome not in ("ok", "rate_limited", "error"):
            raise InvalidArgumentError(f"outcome must be 'ok', 'rate_limited' or 'error', got {outcome!r}")
        with self._changed:
            self._in_flight -= 1
            if pause > 0:
                self._resume_at = max(self._resume_at, time.monotonic() + pause)
            if outcome == "rate_limited":
                self._rate_limited += 1
                self._successes = 0
                if ticket == self._epoch:  # the first 429 of this burst: halve once
                    self._epoch += 1
                    self._set(max(self.minimum, self._limit // 2))
            elif outcome == "ok":
                self._successes += 1
                if self._successes >= self._limit and self._limit < self.maximum:
                    self._successes = 0
                    self._set(self._limit + 1)
            self._changed.notify_all()

    def _set(self, limit: int) -> None:
        if limit != self._limit:
            self._limit = limit
            self._history.append(limit)

    def stats(self) -> LimitStats:
        """A snapshot of what the limit did so far."""
        with self._changed:
            return LimitStats(list(self._history), self._rate_limited, self._max_in_flight)
