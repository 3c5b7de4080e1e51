"""Random stops of both workers, a seed each: random grace periods, stop and release times,
functions (quick, ending when told, stubborn past ABANDON_AFTER) and faults (held GETs and
PATCHes, 503s and a lost answer on PATCH). After each run, read at the emulator and in the
counters: every execution whose function was called has left ``running`` with exactly one
PATCH the API accepted, the function was called once per execution, each taken execution
was counted succeeded, released or superseded once (or named as left behind by the stop),
and no thread or task of the worker is left. A few seeds by default (CI time);
``LAS_WORKER_STRESS_SEEDS=60`` hunts."""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import random
import threading
import time
from typing import Any

import pytest

import las
from las.testing import Emulator
from tests.support.examples import SHARE
from tests.workers.conftest import execution_of, running_execution_ids, wait_until

SEEDS = int(os.environ.get("LAS_WORKER_STRESS_SEEDS") or max(1, round(3 * SHARE)))
EXECUTION_PATH = "/transitions/{transitionId}/executions/{executionId}"


def _faults(rng: random.Random, emulator: Emulator) -> None:
    for _ in range(rng.randint(0, 3)):
        method = rng.choice(["GET", "PATCH"])
        emulator.delay_next(1, rng.uniform(0.1, 0.8), method=method, path=EXECUTION_PATH)
    if rng.random() < 0.5:
        emulator.fail_next(1, status=503, method="PATCH")
    if rng.random() < 0.5:
        emulator.lose_answer_next(1, method="PATCH")


def _options(rng: random.Random) -> dict[str, Any]:
    return {
        "concurrency": rng.choice([1, 2, 4]),
        "poll_interval": 0.05,
        "grace_period": rng.choice([0, 0.1, 0.3, None]),
        "patience": 20,
    }


def _check(
    seed: int,
    emulator: Emulator,
    client: las.Client,
    transition_id: str,
    called: list[str],
    counters: las.workers.WorkerCounters,
    left_behind: set[str],
) -> None:
    accepted = collections.Counter(
        execution_of(r) for r in emulator.requests if r.method == "PATCH" and r.status in (200, 0)
    )  # 0: an answer lost (the only PATCH fault that closes without an answer after the work)
    statuses = {
        e["executionId"]: e["status"] for e in client.list_transition_executions(transition_id)["executions"]
    }
    for execution_id in set(called):
        assert statuses[execution_id] != "running", (seed, execution_id, statuses)
        assert accepted[execution_id] == 1, (seed, execution_id, accepted)
    assert counters.taken == len(called) == len(set(called)), (seed, counters, called)
    counted = counters.succeeded + counters.released + counters.superseded
    assert counted + len(left_behind) == len(called), (seed, counters, left_behind)


def _named_left_behind(caplog: pytest.LogCaptureFixture) -> set[str]:
    return {
        word
        for record in caplog.records
        if "still on the wire" in record.getMessage()
        for word in record.getMessage().split()
        if word.startswith("las:transition-execution:")
    }


def _no_worker_threads() -> bool:
    return not [t for t in threading.enumerate() if t.name.startswith(("las-worker", "las-heartbeats"))]


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_stops_of_a_worker_complete_each_execution_once(
    seed: int, las_client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(seed)
    transition_id, _ = running_execution_ids(las_client, 6)
    called: list[str] = []
    lock = threading.Lock()

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        with lock:
            called.append(las.workers.current_execution()["executionId"])
            how, seconds = rng.choice(["quick", "honest", "stubborn"]), rng.uniform(0, 0.6)
        if how == "honest":
            las.workers.cancellation().wait(seconds)
        elif how == "stubborn":
            time.sleep(seconds * 2)  # past ABANDON_AFTER, maybe
        return {"n": event["n"]}

    caplog.set_level(logging.WARNING, logger="las.workers")
    worker = las.Worker(transition_id, work, session=las_client, **_options(rng))
    _faults(rng, las_emulator)
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.update(c=worker.run(handle_signals=False)), daemon=True)
    try:
        thread.start()
        time.sleep(rng.uniform(0, 0.6))
        worker.stop(release=rng.random() < 0.3)
        if rng.random() < 0.5:
            time.sleep(rng.uniform(0, 0.3))
            worker.stop(release=True)
        thread.join(30)
        assert not thread.is_alive()
        wait_until(_no_worker_threads, timeout=15, what="the worker's threads (stubborn functions) to end")
    finally:
        las_emulator.clear_faults()
        worker.stop(release=True)
        thread.join(30)
    _check(seed, las_emulator, las_client, transition_id, called, out["c"], set())


@pytest.mark.parametrize("seed", range(SEEDS))
def test_random_stops_of_an_async_worker_complete_each_execution_once(
    seed: int, las_client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(1000 + seed)
    transition_id, _ = running_execution_ids(las_client, 6)
    called: list[str] = []

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        called.append(las.workers.current_execution()["executionId"])
        how, seconds = rng.choice(["quick", "honest", "stubborn"]), rng.uniform(0, 0.6)
        if how == "honest":
            await asyncio.sleep(seconds)  # cancelled by a release
        elif how == "stubborn":
            try:
                await asyncio.sleep(seconds)
            except asyncio.CancelledError:
                await asyncio.sleep(
                    seconds * 2
                )  # swallows the release's cancellation, maybe past ABANDON_AFTER
        return {"n": event["n"]}

    caplog.set_level(logging.WARNING, logger="las.workers")
    options = _options(rng)
    _faults(rng, las_emulator)
    stop_at, release, again = rng.uniform(0, 0.6), rng.random() < 0.3, rng.random() < 0.5
    second_at = rng.uniform(0, 0.3)
    out: dict[str, Any] = {}

    async def main() -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(transition_id, work, session=client, **options)

            async def stopper() -> None:
                await asyncio.sleep(stop_at)
                worker.stop(release=release)
                if again:
                    await asyncio.sleep(second_at)
                    worker.stop(release=True)

            stopping = asyncio.ensure_future(stopper())
            out["c"] = await worker.run(handle_signals=False)
            await stopping
            pending = [t for t in asyncio.all_tasks() if t.get_name().startswith("las-")]
            if pending:  # abandoned coroutines: they end on their own
                await asyncio.wait(pending, timeout=10)
            out["pending"] = [t.get_name() for t in asyncio.all_tasks() if t.get_name().startswith("las-")]

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    try:
        thread.start()
        thread.join(30)
        assert not thread.is_alive()
    finally:
        las_emulator.clear_faults()
    assert out["pending"] == [], out
    left_behind = _named_left_behind(caplog)
    if left_behind:  # cancelled on the wire: let the held requests land
        time.sleep(1.0)
    _check(seed, las_emulator, las_client, transition_id, called, out["c"], left_behind)
