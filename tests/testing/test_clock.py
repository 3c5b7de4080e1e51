"""The emulator's clock: real time by default, moved by ``advance`` without sleeping, timers that
fire in order, and no busy waiting."""

from __future__ import annotations

import threading
import time

import pytest

from las.testing import Emulator
from las.testing._clock import Clock
from tests.testing._machines import Machines, single


def test_advance_moves_time_without_sleeping_and_fires_due_timers_in_order() -> None:
    clock = Clock()
    clock.freeze()
    fired: list[str] = []
    start = clock.now()
    clock.call_at(start + 30, lambda: fired.append("30"))
    clock.call_at(start + 10, lambda: fired.append("10"))
    clock.call_at(start + 20, lambda: fired.append("20"))
    clock.advance(25)
    assert fired == ["10", "20"]  # before advance returned
    assert clock.now() == start + 25
    clock.advance(5)
    assert fired == ["10", "20", "30"]
    clock.close()


def test_a_timer_set_by_a_firing_timer_fires_in_the_same_advance_when_due() -> None:
    clock = Clock()
    clock.freeze()
    fired: list[float] = []
    start = clock.now()

    def first() -> None:
        fired.append(clock.now() - start)
        clock.call_at(start + 5, lambda: fired.append(-1))

    clock.call_at(start + 1, first)
    clock.advance(10)
    assert fired == [10, -1]
    clock.close()


def test_cancelled_timers_never_fire_and_are_not_pending() -> None:
    clock = Clock()
    clock.freeze()
    fired: list[int] = []
    timer = clock.call_later(1, lambda: fired.append(1))
    assert clock.pending() == 1
    timer.cancel()
    assert clock.pending() == 0
    clock.advance(2)
    assert fired == []
    clock.close()


def test_the_clock_never_goes_back() -> None:
    clock = Clock()
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(-1)
    clock.freeze()
    frozen = clock.now()
    clock.advance(100)
    clock.unfreeze()
    assert clock.now() >= frozen + 100


def test_by_default_timers_fire_in_real_time_from_a_background_thread() -> None:
    clock = Clock()
    done = threading.Event()
    clock.call_later(0.05, done.set)
    assert done.wait(10)
    clock.close()


def test_a_pending_timer_does_not_spin_the_cpu() -> None:
    clock = Clock()
    clock.call_later(3600, lambda: None)
    used = time.process_time()
    time.sleep(0.5)
    # a polling loop would burn most of the half second; a condition wait burns nothing
    assert time.process_time() - used < 0.2
    clock.close()


def test_the_clock_thread_ends_when_no_timer_is_left() -> None:
    clock = Clock()
    clock.freeze()
    clock.call_later(1, lambda: None)
    thread = clock._thread
    assert thread is not None and thread.is_alive()
    clock.advance(1)
    thread.join(5)
    assert not thread.is_alive()


def test_execution_times_come_from_the_clock(las_emulator: Emulator) -> None:
    las_emulator.clock.freeze()
    machines = Machines(las_emulator)
    execution = machines.run(single({"Type": "Wait", "Seconds": 3600}))
    las_emulator.clock.advance(3600)
    done = machines.refresh(execution)
    assert done["startTime"][:13] != done["endTime"][:13]  # an hour apart
    assert done["endTime"] == las_emulator.clock.iso()


def test_reset_cancels_pending_timers_and_gives_a_fresh_clock(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    machines.run(single({"Type": "Wait", "Seconds": 60}))
    old = las_emulator.clock
    old.freeze()
    old.advance(10)
    assert old.pending() == 1
    las_emulator.reset()
    assert old.pending() == 0
    assert las_emulator.clock is not old and not las_emulator.clock.frozen
    assert abs(las_emulator.clock.now() - time.time()) < 5


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), 10.0**12])
def test_advance_refuses_what_timestamps_cannot_show(seconds: float) -> None:
    clock = Clock()
    with pytest.raises(ValueError, match="clock"):
        clock.advance(seconds)
