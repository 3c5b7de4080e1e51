"""The AIMD rule of the adaptive concurrency limit, step by step (no threads, no clock)."""

from __future__ import annotations

import threading

import pytest

import las
from las.bulk import AdaptiveLimit


def test_a_rate_limited_request_halves_the_limit() -> None:
    limit = AdaptiveLimit(8)
    ticket = limit.acquire()
    limit.release(ticket, "rate_limited")
    assert limit.limit == 4 and limit.stats().history == [8, 4] and limit.stats().rate_limited == 1


def test_a_burst_of_429s_from_requests_sent_together_halves_once() -> None:
    limit = AdaptiveLimit(8)
    tickets = [limit.acquire() for _ in range(8)]
    for ticket in tickets:
        limit.release(ticket, "rate_limited")
    assert limit.limit == 4 and limit.stats().rate_limited == 8
    later = limit.acquire()  # sent after the decrease: its 429 halves again
    limit.release(later, "rate_limited")
    assert limit.limit == 2


def test_the_limit_grows_by_one_after_a_run_of_successes_as_long_as_itself() -> None:
    limit = AdaptiveLimit(4, initial=2)
    for _ in range(2):
        limit.release(limit.acquire(), "ok")
    assert limit.limit == 3
    for _ in range(2):
        limit.release(limit.acquire(), "ok")
    assert limit.limit == 3  # needs 3 in a row now
    limit.release(limit.acquire(), "ok")
    assert limit.limit == 4
    for _ in range(10):
        limit.release(limit.acquire(), "ok")
    assert limit.limit == 4 and limit.stats().history == [2, 3, 4]  # never above the maximum


def test_the_limit_never_drops_below_the_minimum_and_errors_change_nothing() -> None:
    limit = AdaptiveLimit(2)
    for _ in range(5):
        limit.release(limit.acquire(), "rate_limited")
    assert limit.limit == 1
    limit.release(limit.acquire(), "error")
    assert limit.limit == 1 and limit.stats().history == [2, 1]


def test_acquire_waits_while_the_limit_is_full() -> None:
    limit = AdaptiveLimit(1)
    first = limit.acquire()
    got_in = threading.Event()

    def second() -> None:
        limit.release(limit.acquire(), "ok")
        got_in.set()

    waiter = threading.Thread(target=second)
    waiter.start()
    assert not got_in.wait(0.2)  # blocked behind the first
    limit.release(first, "ok")
    waiter.join(5)
    assert got_in.is_set() and limit.stats().max_in_flight == 1


def test_bad_bounds_and_outcomes_are_refused() -> None:
    with pytest.raises(las.InvalidArgumentError, match="minimum"):
        AdaptiveLimit(0)
    with pytest.raises(las.InvalidArgumentError, match="initial"):
        AdaptiveLimit(4, initial=5)
    with pytest.raises(las.InvalidArgumentError, match="outcome"):
        AdaptiveLimit(4).release(0, "maybe")
