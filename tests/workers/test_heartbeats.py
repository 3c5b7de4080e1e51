"""las.workers.Heartbeats against the emulator: the heartbeats that are due go out together, at
most one per execution, and remove() still means none is sent or on the wire after it."""

from __future__ import annotations

import itertools
import sys
import threading
import time

import pytest

import las
from las.testing import Emulator
from las.workers import Heartbeats
from tests.workers.conftest import (
    HEARTBEATS_PATH,
    exit_once_in_a_hook,
    heartbeat_arrivals,
    heartbeats_for,
    running_execution_ids,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("no_stray_heartbeat_threads")

SLOW = 2.0  # seconds the emulator holds each heartbeat; one after another, six take 12


def _heartbeat_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "las-heartbeats")


def test_the_due_heartbeats_go_out_together_not_one_after_another(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id, executions = running_execution_ids(client, 6)
    las_emulator.delay_next(6, SLOW, method="POST", path=HEARTBEATS_PATH)
    with Heartbeats(client, interval=10) as heartbeats:  # its 10 s deadline outlasts the delay
        for execution_id in executions:
            heartbeats.add(transition_id, execution_id)
        wait_until(lambda: heartbeats.sent == 6, what="a heartbeat of each, answered")
        assert _heartbeat_threads() <= 6  # one sender per execution at most
    firsts = sorted(times[0] for times in heartbeat_arrivals(las_emulator).values())
    # All reached the API while the first was still held: sent one after another, the last one
    # would have left 5 * SLOW seconds after the first (past the API's limit, with more in hand).
    assert firsts[-1] - firsts[0] < SLOW, firsts
    assert (heartbeats.sent, heartbeats.failures) == (6, 0)


def test_one_execution_never_has_two_heartbeats_on_the_wire(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id, executions = running_execution_ids(client, 2)
    held = 0.8  # longer than the interval, shorter than a heartbeat's one-second deadline
    las_emulator.delay_next(1000, held, method="POST", path=HEARTBEATS_PATH)
    with Heartbeats(client, interval=0.3) as heartbeats:
        for execution_id in executions:
            heartbeats.add(transition_id, execution_id)
        wait_until(
            lambda: (
                all(len(times) >= 3 for times in heartbeat_arrivals(las_emulator).values())
                and len(heartbeat_arrivals(las_emulator)) == 2
            ),
            what="three heartbeats of each",
        )
    for times in heartbeat_arrivals(las_emulator).values():
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) >= held, gaps  # the next one left only once the last was answered


def test_remove_waits_for_its_heartbeat_on_the_wire_and_the_others_go_on(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id, (removed, kept) = running_execution_ids(client, 2)
    las_emulator.delay_next(1000, 0.5, method="POST", path=HEARTBEATS_PATH)
    with Heartbeats(client, interval=0.3) as heartbeats:
        heartbeats.add(transition_id, removed)
        heartbeats.add(transition_id, kept)
        time.sleep(0.2)  # the first heartbeats are (most likely) on the wire
        heartbeats.remove(transition_id, removed)
        beats_of_removed = len(heartbeat_arrivals(las_emulator).get(removed, []))
        beats_of_kept = len(heartbeat_arrivals(las_emulator).get(kept, []))
        wait_until(
            lambda: len(heartbeat_arrivals(las_emulator).get(kept, [])) >= beats_of_kept + 2,
            what="two more heartbeats of the execution still registered",
        )
    assert len(heartbeat_arrivals(las_emulator).get(removed, [])) == beats_of_removed


def test_a_response_hook_that_raises_systemexit_is_a_failed_heartbeat_not_a_dead_sender(
    las_emulator: Emulator, client: las.Client
) -> None:
    """A user's response hook runs after every call, heartbeats included: ``sys.exit()`` there
    ended the sender thread without a word, and with it every later heartbeat (the API then
    times the execution out). It is now a failed heartbeat, counted and logged."""
    transition_id, (execution_id,) = running_execution_ids(client, 1)
    session = las_emulator.session()
    exited = exit_once_in_a_hook(session, lambda info: info.path.endswith("/heartbeats"))
    with Heartbeats(las.Client(session=session), interval=0.1) as heartbeats:
        heartbeats.add(transition_id, execution_id)
        wait_until(
            lambda: heartbeats_for(las_emulator, execution_id) >= 3,
            timeout=10,
            what="heartbeats after the exit",
        )
        heartbeats.remove(transition_id, execution_id)
        assert exited and heartbeats.failures == 1


def test_a_hook_exiting_on_the_read_after_a_refused_heartbeat_does_not_stop_the_sender(
    las_emulator: Emulator, client: las.Client
) -> None:
    """A refused heartbeat is followed by a read of the execution; ``sys.exit()`` in a response
    hook on that read is survived too: the next execution added gets its heartbeats."""
    transition_id, (ended, next_one) = running_execution_ids(client, 2)
    session = las_emulator.session()
    exited = exit_once_in_a_hook(session, lambda info: info.method == "GET" and info.path.endswith(ended))
    with Heartbeats(las.Client(session=session), interval=0.1) as heartbeats:
        heartbeats.add(transition_id, ended)
        wait_until(lambda: heartbeats.sent >= 1, timeout=10, what="a first heartbeat")
        client.update_transition_execution(transition_id, ended, status="rejected")
        wait_until(lambda: bool(exited), timeout=10, what="the read after the refusal")
        heartbeats.remove(transition_id, ended)
        heartbeats.add(transition_id, next_one)
        wait_until(lambda: heartbeats_for(las_emulator, next_one) >= 2, timeout=10, what="its heartbeats")
        heartbeats.remove(transition_id, next_one)


def test_an_on_end_that_raises_systemexit_does_not_stop_the_heartbeats_of_others(
    client: las.Client, las_emulator: Emulator
) -> None:
    """``sys.exit()`` in ``on_end`` (a bot whose work was taken away) is logged: the sender
    thread lives on, and an execution added next gets heartbeats."""
    transition_id, (ended, next_one) = running_execution_ids(client, 2)
    told: list[str] = []

    def on_end(reason: str) -> None:
        told.append(reason)
        sys.exit("the work was taken away")

    with Heartbeats(client, interval=0.2) as heartbeats:
        heartbeats.add(transition_id, ended, on_end)
        wait_until(lambda: heartbeats.sent >= 1, timeout=10, what="a first heartbeat")
        client.update_transition_execution(transition_id, ended, status="rejected")
        wait_until(lambda: bool(told), timeout=10, what="on_end")
        heartbeats.remove(transition_id, ended)
        heartbeats.add(transition_id, next_one)
        wait_until(lambda: heartbeats_for(las_emulator, next_one) >= 2, timeout=10, what="its heartbeats")
