"""las.AsyncWorker attacked: a coroutine that raises BaseException (the event loop must live
on), one that raises its own cancellation, one that hangs past its execution's end, and a
completion that keeps failing. Counted at the emulator's request log, as for las.Worker in
tests/workers/test_worker_attacks.py."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import current_execution
from tests.workers.conftest import Boom, assert_bounded_retries, patches, recorded, running_executions

pytestmark = pytest.mark.asyncio


def _statuses(client: las.Client, transition_id: str) -> list[str]:
    return sorted(e["status"] for e in client.list_transition_executions(transition_id)["executions"])


async def _run_for(worker: las.AsyncWorker, seconds: float) -> None:
    """Run ``worker`` for ``seconds``, then stop it (releasing what it holds)."""
    running = asyncio.create_task(worker.run(handle_signals=False))
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(asyncio.shield(running), seconds)
    worker.stop(release=True)
    await running


@pytest.mark.parametrize(
    "interruption", [SystemExit(3), KeyboardInterrupt()], ids=["SystemExit", "KeyboardInterrupt"]
)
async def test_an_interruption_releases_its_execution_once_and_is_raised_by_run_not_by_the_loop(
    las_client: las.Client,
    las_async_client: las.AsyncClient,
    las_emulator: Emulator,
    interruption: BaseException,
) -> None:
    transition_id = running_executions(las_client, 3)
    calls = []
    bystander = asyncio.create_task(asyncio.sleep(0.5, "still here"))  # another task of the loop

    async def interrupted(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        raise interruption

    worker = las.AsyncWorker(
        transition_id, interrupted, session=las_async_client, concurrency=1, poll_interval=0.05
    )
    with pytest.raises(type(interruption)) as raised:
        await worker.run(until_idle=True, handle_signals=False)
    assert raised.value is interruption
    assert await bystander == "still here"  # the event loop lived on
    assert calls == [0]
    [patch] = patches(las_emulator)
    assert patch["status"] == "retry"
    assert patch["error"]["message"].startswith(
        f"released: the function raised {type(interruption).__name__}"
    )
    assert worker.counters == las.WorkerCounters(taken=1, released=1)
    assert _statuses(las_client, transition_id) == ["retry", "running", "running"]


@pytest.mark.parametrize(
    "error", [Boom("out of the blue"), GeneratorExit("closed")], ids=["custom", "GeneratorExit"]
)
async def test_another_base_exception_fails_its_execution_once_and_the_worker_goes_on(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator, error: BaseException
) -> None:
    transition_id = running_executions(las_client, 3)
    calls = []

    async def broken(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        if event["n"] == 0:
            raise error
        return {}

    worker = las.AsyncWorker(
        transition_id, broken, session=las_async_client, concurrency=1, poll_interval=0.05
    )
    counters = await asyncio.wait_for(worker.run(until_idle=True, handle_signals=False), 30)
    assert sorted(calls) == [0, 1, 2]
    assert set(recorded(las_emulator, "PATCH").values()) == {1}
    [failed] = [p for p in patches(las_emulator) if p["status"] == "failed"]
    assert failed["error"]["message"].startswith(f"{type(error).__name__}: {error}")
    assert counters == las.WorkerCounters(taken=3, succeeded=2, failed=1)


async def test_a_cancellation_the_worker_did_not_ask_for_releases_the_execution_once(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id = running_executions(las_client, 2)
    calls = []

    async def cancelled(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        if event["n"] == 0:
            inner = asyncio.create_task(asyncio.sleep(3600))
            inner.cancel()
            await inner  # raises CancelledError in the function: not the worker's stop
        return {}

    worker = las.AsyncWorker(
        transition_id, cancelled, session=las_async_client, concurrency=1, poll_interval=0.05
    )
    counters = await asyncio.wait_for(worker.run(until_idle=True, handle_signals=False), 30)
    assert sorted(calls) == [0, 1]  # not taken again and again
    assert sorted(p["status"] for p in patches(las_emulator)) == ["retry", "succeeded"]
    [release] = [p for p in patches(las_emulator) if p["status"] == "retry"]
    assert release["error"]["message"].startswith("released: the function raised CancelledError")
    assert counters == las.WorkerCounters(taken=2, succeeded=1, released=1)


async def test_the_apis_final_answer_stops_the_heartbeats_and_cancels_the_coroutine(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id = running_executions(las_client, 1)
    told: list[str | None] = []

    async def hangs(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        execution = current_execution()
        try:  # (the cancellation may come while the PATCH's answer is on its way back)
            await client.update_transition_execution(
                transition_id, execution["executionId"], "rejected", error={"message": "by hand"}
            )
            await asyncio.sleep(30)  # hung: heartbeats would go on and on
        except asyncio.CancelledError:
            told.append(las.workers.cancellation().reason)
            raise
        return {"late": True}

    worker = las.AsyncWorker(
        transition_id, hangs, session=las_async_client, poll_interval=0.05, heartbeat_interval=0.02
    )
    counters = await asyncio.wait_for(worker.run(until_idle=True, handle_signals=False), 20)
    [reason] = told
    assert reason is not None and "rejected" in reason
    beats = [r.status for r in las_emulator.requests if r.path.endswith("/heartbeats")]
    assert beats[-1] == 400 and beats.count(400) == 1, beats  # nothing after the final answer
    assert (counters.superseded, counters.succeeded, counters.released) == (1, 0, 0)
    assert _statuses(las_client, transition_id) == ["rejected"]


async def test_an_execution_whose_completion_keeps_failing_is_retried_with_backoff(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id = running_executions(las_client, 1)
    calls = []

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event)
        return {}

    las_emulator.fail_next(100_000, status=503, method="PATCH")
    las_emulator.clear_requests()
    worker = las.AsyncWorker(transition_id, work, session=las_async_client, poll_interval=0.05, patience=0)
    await _run_for(worker, 2.0)
    las_emulator.clear_faults()
    assert len(calls) == 1
    assert_bounded_retries(las_emulator, transition_id, 2.0, 0.05)
