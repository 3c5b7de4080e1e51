"""las.workers.AsyncHeartbeats against the emulator: the heartbeats that are due go out together,
at most one per execution, and remove() still means none is sent or on the wire after it."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

import pytest

import las
from las.testing import Emulator
from las.workers import AsyncHeartbeats
from tests.workers.conftest import HEARTBEATS_PATH, heartbeat_arrivals, running_execution_ids

pytestmark = pytest.mark.asyncio

SLOW = 2.0  # seconds the emulator holds each heartbeat; one after another, six take 12


async def _until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Await ``condition()``; fail (not hang) after a generous timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.01)


def _heartbeat_tasks() -> list[str]:
    return [task.get_name() for task in asyncio.all_tasks() if task.get_name().startswith("las-heartbeats")]


async def test_the_due_heartbeats_go_out_together_not_one_after_another(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, executions = running_execution_ids(las_client, 6)
    las_emulator.delay_next(6, SLOW, method="POST", path=HEARTBEATS_PATH)
    async with AsyncHeartbeats(las_async_client, interval=10) as heartbeats:  # deadline 10 s
        for execution_id in executions:
            heartbeats.add(transition_id, execution_id)
        await _until(lambda: heartbeats.sent == 6, "a heartbeat of each, answered")
    assert not _heartbeat_tasks()
    firsts = sorted(times[0] for times in heartbeat_arrivals(las_emulator).values())
    # All reached the API while the first was still held: sent one after another, the last one
    # would have left 5 * SLOW seconds after the first (past the API's limit, with more in hand).
    assert firsts[-1] - firsts[0] < SLOW, firsts
    assert (heartbeats.sent, heartbeats.failures) == (6, 0)


async def test_one_execution_never_has_two_heartbeats_on_the_wire(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, executions = running_execution_ids(las_client, 2)
    held = 0.8  # longer than the interval, shorter than a heartbeat's one-second deadline
    las_emulator.delay_next(1000, held, method="POST", path=HEARTBEATS_PATH)
    async with AsyncHeartbeats(las_async_client, interval=0.3) as heartbeats:
        for execution_id in executions:
            heartbeats.add(transition_id, execution_id)
        await _until(
            lambda: (
                len(heartbeat_arrivals(las_emulator)) == 2
                and all(len(times) >= 3 for times in heartbeat_arrivals(las_emulator).values())
            ),
            "three heartbeats of each",
        )
    for times in heartbeat_arrivals(las_emulator).values():
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) >= held, gaps  # the next one left only once the last was answered


async def test_remove_waits_for_its_heartbeat_on_the_wire_and_the_others_go_on(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, (removed, kept) = running_execution_ids(las_client, 2)
    las_emulator.delay_next(1000, 0.5, method="POST", path=HEARTBEATS_PATH)
    async with AsyncHeartbeats(las_async_client, interval=0.3) as heartbeats:
        heartbeats.add(transition_id, removed)
        heartbeats.add(transition_id, kept)
        await asyncio.sleep(0.2)  # the first heartbeats are (most likely) on the wire
        await heartbeats.remove(transition_id, removed)
        beats_of_removed = len(heartbeat_arrivals(las_emulator).get(removed, []))
        beats_of_kept = len(heartbeat_arrivals(las_emulator).get(kept, []))
        await _until(
            lambda: len(heartbeat_arrivals(las_emulator).get(kept, [])) >= beats_of_kept + 2,
            "two more heartbeats of the execution still registered",
        )
    assert len(heartbeat_arrivals(las_emulator).get(removed, [])) == beats_of_removed
    assert not _heartbeat_tasks()


async def test_remove_after_aclose_returns_even_for_a_heartbeat_cancelled_before_it_started(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    heartbeats = AsyncHeartbeats(las_async_client, interval=5)
    heartbeats.add(transition_id, execution_id)
    await asyncio.sleep(0)  # the scheduler takes the due heartbeat and creates its task
    await heartbeats.aclose()  # ...which is cancelled before its first step
    await asyncio.wait_for(heartbeats.remove(transition_id, execution_id), timeout=5)
