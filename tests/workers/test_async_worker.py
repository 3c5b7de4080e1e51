"""las.AsyncWorker against the emulator: the Worker's promises, kept by coroutines on one loop."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import logging
import signal
import threading
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import current_execution
from tests.workers.conftest import (
    HEARTBEATS_PATH,
    execution_of,
    manual_transition,
    recorded,
    single_step_workflow,
)

pytestmark = pytest.mark.asyncio


def _executions(client: las.Client, events: list[dict[str, Any]]) -> tuple[str, str]:
    """A manual transition in a one-step workflow, with one running execution per event."""
    transition_id = manual_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    for event in events:
        client.execute_workflow(workflow_id, event)
    return transition_id, workflow_id


def _statuses(client: las.Client, transition_id: str) -> collections.Counter[str]:
    return collections.Counter(
        execution["status"]
        for execution in las.paginate(client.list_transition_executions, transition_id, max_results=100)
    )


def _heartbeats_accepted(emulator: Emulator, execution_id: str) -> int:
    return sum(
        1
        for r in emulator.requests
        if r.method == "POST" and r.path.endswith(f"/{execution_id}/heartbeats") and r.status == 204
    )


async def _until(condition: Any, what: str, timeout: float = 30.0) -> None:
    """Await ``condition()``; fail (not hang) after a generous timeout. Not a timing."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.005)


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def _no_worker_tasks() -> None:
    names = [task.get_name() for task in asyncio.all_tasks()]
    assert not [name for name in names if name.startswith(("las-worker:", "las-heartbeats"))], names


# -- draining, exactly once ---------------------------------------------------------------------


async def test_an_async_worker_drains_100_executions_exactly_once_through_faults(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, workflow_id = _executions(las_client, [{"n": n} for n in range(100)])
    las_emulator.clear_requests()
    calls: collections.Counter[int] = collections.Counter()

    async def double(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls[event["n"]] += 1
        if sum(calls.values()) == 50:
            las_emulator.expire_tokens()  # every token in use is refused from now on
        await asyncio.sleep(0)
        return {"n": event["n"], "double": 2 * event["n"]}

    # PATCH faults: 503 and dropped connections (not applied), and answers lost after the API
    # applied the completion. GET faults (the takes and the "did it land?" looks): 503 and drops.
    las_emulator.fail_next(5, status=503, method="PATCH")
    las_emulator.drop_next(5, method="PATCH")
    las_emulator.lose_answer_next(5, method="PATCH")
    las_emulator.fail_next(3, status=503, method="GET")
    las_emulator.drop_next(3, method="GET")
    # (No random faults here: a failed look after a lost answer would make the worker send again
    # and be refused, which is correct but would blur the count below; test_worker.py has them.)
    worker = las.AsyncWorker(
        transition_id,
        double,
        session=las_async_client,
        concurrency=16,
        poll_interval=0.05,
        heartbeat_interval=1,
    )
    counters = await worker.run(until_idle=True, handle_signals=False)
    las_emulator.clear_faults()

    assert calls == {n: 1 for n in range(100)}  # the function ran once per execution
    by_execution: dict[str | None, list[int]] = collections.defaultdict(list)
    for r in las_emulator.requests:
        if r.method == "PATCH":
            by_execution[execution_of(r)].append(r.status)
    # No answer (0) is a dropped connection (not applied: the worker looked, found the execution
    # running and sent again) or a lost answer (applied: the worker looked, found it ended and
    # sent nothing more). So a 0 with a PATCH after it was dropped, a 0 at the end was applied.
    dropped = sum(statuses[:-1].count(0) for statuses in by_execution.values())
    lost = sum(statuses[-1] == 0 for statuses in by_execution.values())
    assert (dropped, lost) == (5, 5)
    applied = {
        execution: statuses.count(200) + (statuses[-1] == 0) for execution, statuses in by_execution.items()
    }
    assert len(applied) == 100 and set(applied.values()) == {1}  # one recorded completion each
    assert all(statuses[-1] in (200, 0) for statuses in by_execution.values())
    # After a lost answer the worker asked instead of sending again: nothing was refused.
    assert not [statuses for statuses in by_execution.values() if 400 in statuses]
    assert (counters.taken, counters.succeeded, counters.superseded, counters.released) == (100, 100, 0, 0)
    assert las_emulator.token_requests >= 2  # the expired token was replaced
    assert _statuses(las_client, transition_id) == {"succeeded": 100}
    outputs = {
        execution["output"]["n"]: execution["output"]["double"]
        for execution in las.paginate(las_client.list_workflow_executions, workflow_id, max_results=100)
    }
    assert outputs == {n: 2 * n for n in range(100)}
    _no_worker_tasks()


async def test_never_above_concurrency_and_never_one_execution_twice_at_once(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{"n": n} for n in range(40)])
    in_hand: collections.Counter[int] = collections.Counter()
    overlaps: list[int] = []
    most = 0
    full = asyncio.Event()  # five in hand at once: the first five wait for it, however slow the machine

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        nonlocal most
        in_hand[event["n"]] += 1
        overlaps.extend([event["n"]] if in_hand[event["n"]] > 1 else [])
        most = max(most, sum(in_hand.values()))
        if most >= 5:
            full.set()
        await client.list_transition_executions(transition_id, status="running")  # work on the wire
        try:
            await asyncio.wait_for(full.wait(), 10)
        except asyncio.TimeoutError:
            pass  # the bound was never reached: the assertion below says so
        await asyncio.sleep(0.01)
        in_hand[event["n"]] -= 1
        return {}

    worker = las.AsyncWorker(transition_id, work, session=las_async_client, concurrency=5, poll_interval=0.05)
    counters = await worker.run(until_idle=True, handle_signals=False)
    assert overlaps == []
    assert most == 5  # the bound was reached, never passed
    assert counters.taken == counters.succeeded == 40
    assert set(recorded(las_emulator, "PATCH").values()) == {1}


# -- outcomes -----------------------------------------------------------------------------------


async def test_outcomes_and_counters_follow_what_the_coroutine_returns_or_raises(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(
        las_client, [{"kind": kind} for kind in ("ok", "reject", "retry", "boom", "ok", "list")]
    )

    async def route(client: las.AsyncClient, event: dict[str, Any]) -> Any:
        await asyncio.sleep(0)
        if event["kind"] == "reject":
            raise las.Reject("not for this step")
        if event["kind"] == "retry":
            return las.Retry("try later")
        if event["kind"] == "boom":
            raise RuntimeError("boom went the parser")
        if event["kind"] == "list":
            return [1, 2]
        return {"ok": True}

    counters = await las.AsyncWorker(transition_id, route, session=las_async_client, poll_interval=0.05).run(
        until_idle=True, handle_signals=False
    )
    assert counters == las.WorkerCounters(taken=6, succeeded=2, failed=2, rejected=1, retried=1)
    by_status: dict[str, list[str]] = collections.defaultdict(list)
    for r in las_emulator.requests:
        if r.method == "PATCH":
            by_status[r.json["status"]].append((r.json.get("error") or {}).get("message", ""))
    assert by_status["rejected"] == ["not for this step"]
    assert by_status["retry"] == ["try later"]
    failures = sorted(by_status["failed"])
    assert failures[0].startswith("RuntimeError: boom went the parser\n\nTraceback")
    assert failures[1].startswith("the transition function returned list, expected a dict")


async def test_each_coroutine_knows_its_own_execution(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{"n": n} for n in range(6)])
    seen: dict[int, str] = {}

    async def look(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        before = current_execution()
        await asyncio.sleep(0.01)  # the others run meanwhile, each with its own execution
        after = current_execution()
        assert before is after and after["input"] == event
        seen[event["n"]] = after["executionId"]
        return {}

    counters = await las.AsyncWorker(
        transition_id, look, session=las_async_client, concurrency=6, poll_interval=0.05
    ).run(until_idle=True, handle_signals=False)
    assert counters.succeeded == 6
    assert sorted(seen) == list(range(6)) and len(set(seen.values())) == 6
    with pytest.raises(RuntimeError, match=r"las\.AsyncWorker"):
        current_execution()


# -- heartbeats ---------------------------------------------------------------------------------


async def test_heartbeats_keep_a_long_coroutine_alive_while_a_silent_execution_times_out(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    las_emulator.clock.freeze()
    bot_step, _ = _executions(las_client, [{"pages": 3}])
    silent_step, _ = _executions(las_client, [{"pages": 3}])
    [held] = las_client.list_transition_executions(silent_step, status="running")["executions"]
    states: list[str] = []

    async def label(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        execution_id = current_execution()["executionId"]
        for _ in range(20):  # 1000 seconds of work on the emulator's clock
            before = _heartbeats_accepted(las_emulator, execution_id)
            await _until(
                lambda before=before: _heartbeats_accepted(las_emulator, execution_id) > before, "a heartbeat"
            )
            las_emulator.clock.advance(50)
            states.append((await client.get_transition_execution(bot_step, execution_id))["status"])
        return {"labels": event["pages"]}

    worker = las.AsyncWorker(
        bot_step, label, session=las_async_client, poll_interval=0.01, heartbeat_interval=0.01
    )
    counters = await worker.run(until_idle=True, handle_signals=False)

    assert (counters.taken, counters.succeeded, counters.heartbeat_errors) == (1, 1, 0)
    assert states == ["running"] * 20  # alive through all 1000 seconds
    assert _statuses(las_client, bot_step) == {"succeeded": 1}
    silent = las_client.get_transition_execution(silent_step, held["executionId"])
    assert silent["status"] == "failed"  # 60 seconds without a heartbeat
    refused = [r for r in las_emulator.requests if r.path.endswith("/heartbeats") and r.status != 204]
    assert refused == []  # no heartbeat raced the completion
    _no_worker_tasks()


async def test_failing_heartbeats_are_counted_and_the_work_completes(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])

    async def slow(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        las_emulator.fail_next(
            2,
            status=400,
            method="POST",
            path="/transitions/{transitionId}/executions/{executionId}/heartbeats",
        )
        execution_id = current_execution()["executionId"]
        await _until(lambda: _heartbeats_accepted(las_emulator, execution_id) >= 1, "a heartbeat through")
        return {}

    counters = await las.AsyncWorker(
        transition_id, slow, session=las_async_client, poll_interval=0.05, heartbeat_interval=0.01
    ).run(until_idle=True, handle_signals=False)
    assert (counters.succeeded, counters.heartbeat_errors) == (1, 2)


# -- stopping -----------------------------------------------------------------------------------


async def test_stop_finishes_the_work_in_hand_and_takes_no_more(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{"n": n} for n in range(5)])
    calls = []

    async def first_and_stop(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        worker.stop()
        await asyncio.sleep(0.05)  # still finishes: the stop waits for the work in hand
        return {"done": event["n"]}

    worker = las.AsyncWorker(
        transition_id, first_and_stop, session=las_async_client, concurrency=1, poll_interval=0.05
    )
    counters = await worker.run(handle_signals=False)
    assert len(calls) == 1
    assert (counters.taken, counters.succeeded) == (1, 1)
    assert _statuses(las_client, transition_id) == {"succeeded": 1, "running": 4}
    _no_worker_tasks()


async def test_a_stop_past_its_grace_period_cancels_the_coroutine_and_releases_its_execution(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])
    started = asyncio.Event()
    cancelled = []

    async def stuck(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise
        return {"late": True}

    worker = las.AsyncWorker(
        transition_id, stuck, session=las_async_client, poll_interval=0.05, grace_period=0
    )

    async def stop_when_started() -> None:
        await started.wait()
        worker.stop()

    counters, _ = await asyncio.gather(worker.run(handle_signals=False), stop_when_started())
    assert cancelled == [True]  # the function itself was stopped, not left running
    assert (counters.taken, counters.released, counters.succeeded) == (1, 1, 0)
    assert _statuses(las_client, transition_id) == {"retry": 1}
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    assert patch.json["status"] == "retry"
    assert patch.json["error"]["message"].startswith("released: the worker stopped")
    _no_worker_tasks()


async def test_a_result_returned_after_the_release_is_dropped(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])

    async def stubborn(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        worker.stop(release=True)
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            pass  # swallows the cancellation and returns anyway
        return {"late": True}

    worker = las.AsyncWorker(transition_id, stubborn, session=las_async_client, poll_interval=0.05)
    counters = await worker.run(handle_signals=False)
    assert (counters.released, counters.succeeded) == (1, 0)
    assert [r.json["status"] for r in las_emulator.requests if r.method == "PATCH"] == ["retry"]


async def test_a_coroutine_that_will_not_stop_is_abandoned_and_holds_up_no_other_release(
    las_client: las.Client,
    las_async_client: las.AsyncClient,
    las_emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    transition_id, _ = _executions(las_client, [{"kind": kind} for kind in ("stops", "swallows", "lingers")])
    execution_of_kind: dict[str, str] = {}
    finished = asyncio.Event()  # the test is over: the stubborn coroutines may end
    seen_while_lingering: list[bool] = []
    ended: list[str] = []

    def released(kind: str) -> bool:
        return any(
            r.method == "PATCH" and execution_of(r) == execution_of_kind.get(kind)
            for r in las_emulator.requests
        )

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        kind = event["kind"]
        execution_of_kind[kind] = current_execution()["executionId"]
        try:
            if kind == "stops":
                await asyncio.sleep(3600)
            while not finished.is_set():  # "swallows": a retry loop that eats every cancellation
                try:
                    await asyncio.sleep(0.01)
                except asyncio.CancelledError:
                    if kind == "lingers":  # a long cleanup, then it ends as it was asked
                        while not released("stops") and not finished.is_set():
                            await asyncio.sleep(0.01)
                        seen_while_lingering.append(released("stops"))
                        await finished.wait()
                        raise
            return {"late": True}
        finally:
            ended.append(kind)

    worker = las.AsyncWorker(
        transition_id, work, session=las_async_client, concurrency=3, poll_interval=0.05, grace_period=0
    )
    running = asyncio.create_task(worker.run(handle_signals=False))
    await _until(lambda: len(execution_of_kind) == 3, "three coroutines running")
    with caplog.at_level(logging.WARNING, logger="las.workers"):
        worker.stop()
        returned, _ = await asyncio.wait({running}, timeout=20)  # not cancelled: it would not end
        finished.set()
        if not returned:
            await asyncio.wait({running}, timeout=20)
    assert returned, "run() waited for coroutines that ignored their cancellation"
    assert seen_while_lingering == [True]  # released while another coroutine still ran
    counters = running.result()
    assert (counters.taken, counters.released, counters.succeeded) == (3, 3, 0)
    assert _statuses(las_client, transition_id) == {"retry": 3}
    abandoned = [r.getMessage() for r in caplog.records if "abandoned" in r.getMessage()]
    named = {kind for kind, execution_id in execution_of_kind.items() for m in abandoned if execution_id in m}
    assert (len(abandoned), named) == (2, {"swallows", "lingers"}), abandoned
    await _until(lambda: len(ended) == 3, "the abandoned coroutines to end once let go")
    await asyncio.sleep(0.1)  # what they return is dropped, not sent
    assert set(recorded(las_emulator, "PATCH").values()) == {1}
    assert {r.json["status"] for r in las_emulator.requests if r.method == "PATCH"} == {"retry"}
    _no_worker_tasks()


async def test_cancelling_run_releases_the_work_in_hand_and_is_raised(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{"n": n} for n in range(3)])
    started = asyncio.Event()

    async def stuck(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        await asyncio.sleep(3600)
        return {}

    worker = las.AsyncWorker(
        transition_id, stuck, session=las_async_client, concurrency=2, poll_interval=0.05
    )
    running = asyncio.create_task(worker.run(handle_signals=False))
    await started.wait()
    await _until(lambda: worker.counters.taken == 2, "two executions in hand")
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert (worker.counters.taken, worker.counters.released) == (2, 2)
    assert _statuses(las_client, transition_id) == {"retry": 2, "running": 1}
    _no_worker_tasks()


async def test_a_second_cancellation_during_the_release_still_releases_the_work_in_hand(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    """What anyio cancel scopes, a TaskGroup or ``asyncio.run``'s shutdown do: cancel the task
    awaiting run() again while the stop's releases wait for the coroutines' cleanup."""
    transition_id, _ = _executions(las_client, [{"n": n} for n in range(2)])
    started: list[int] = []

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        started.append(event["n"])
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await asyncio.shield(asyncio.sleep(0.3))  # a short cleanup, then it ends as asked
            raise
        return {}

    worker = las.AsyncWorker(transition_id, work, session=las_async_client, concurrency=2, poll_interval=0.05)
    running = asyncio.create_task(worker.run(handle_signals=False))
    await _until(lambda: len(started) == 2, "two coroutines to start")
    running.cancel()
    await asyncio.sleep(0.1)  # the release is under way: the coroutines are cleaning up
    running.cancel()
    await asyncio.wait({running}, timeout=20)
    assert running.cancelled()
    assert (worker.counters.taken, worker.counters.released) == (2, 2)
    assert _statuses(las_client, transition_id) == {"retry": 2}
    _no_worker_tasks()


async def test_a_coroutine_returning_as_the_stop_releases_it_leaves_nothing_in_hand(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    """It returns in the loop turn between the stop marking it released and the release
    cancelling its task, while its heartbeat is on the wire: the next run with
    ``concurrency=1`` still has a free slot."""
    transition_id, _ = _executions(las_client, [{"n": n} for n in range(2)])
    las_emulator.delay_next(1000, 1.5, method="POST", path=HEARTBEATS_PATH)
    worker: las.AsyncWorker

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        if event["n"] == 0:
            await asyncio.sleep(0.3)  # its first heartbeat is on the wire (held 1.5 s)
            worker.stop(release=True)
            for _ in range(50):  # return as soon as the stop has marked it released
                if all(task.state == "released" for task in worker._tasks.values()):
                    break
                await asyncio.sleep(0)
            return {"late": True}
        return {"done": event["n"]}

    worker = las.AsyncWorker(
        transition_id, work, session=las_async_client, concurrency=1, poll_interval=0.05, grace_period=5
    )
    first = await asyncio.wait_for(worker.run(handle_signals=False), 20)
    assert first.released == 1, first
    assert not worker._tasks
    second = await asyncio.wait_for(worker.run(until_idle=True, handle_signals=False), 20)
    assert second.succeeded == 1, second
    _no_worker_tasks()


async def test_an_abandoned_coroutine_raising_systemexit_later_does_not_stop_the_next_run(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    """What an abandoned coroutine raises belongs to no run, not to the one running then."""
    transition_id, workflow_id = _executions(las_client, [{"n": 0}])
    let_go = asyncio.Event()
    calls: list[int] = []

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        if event["n"] == 0:
            while not let_go.is_set():
                with contextlib.suppress(asyncio.CancelledError):  # deaf to its cancellation
                    await let_go.wait()
            raise SystemExit(7)
        let_go.set()
        await asyncio.sleep(0.5)  # the abandoned coroutine's SystemExit lands meanwhile
        return {"n": event["n"]}

    worker = las.AsyncWorker(
        transition_id, work, session=las_async_client, concurrency=1, poll_interval=0.05, grace_period=0
    )
    running = asyncio.create_task(worker.run(handle_signals=False))
    await _until(lambda: calls == [0], "the first call")
    worker.stop()
    assert (await asyncio.wait_for(running, 20)).released == 1
    las_client.execute_workflow(workflow_id, {"n": 1})
    second = asyncio.create_task(worker.run(until_idle=True, handle_signals=False))
    done, _ = await asyncio.wait({second}, timeout=20)
    if not done:
        worker.stop(release=True)
    try:
        counters = await asyncio.wait_for(second, 20)
    except SystemExit as error:  # the abandoned coroutine's, not this run's
        pytest.fail(f"the second run raised {error!r}")
    assert counters.succeeded == 1, counters
    _no_worker_tasks()


async def test_stop_from_another_thread_wakes_an_idle_worker(
    las_client: las.Client, las_async_client: las.AsyncClient
) -> None:
    transition_id, _ = _executions(las_client, [])
    worker = las.AsyncWorker(transition_id, _approve, session=las_async_client, poll_interval=3600)
    polled = threading.Event()
    stopper = threading.Thread(target=lambda: (polled.wait(30), worker.stop()))
    stopper.start()

    async def note_the_poll() -> None:
        await _until(lambda: worker._running, "the run")  # the hour-long wait begins after one poll
        await asyncio.sleep(0.05)
        polled.set()

    counters, _ = await asyncio.wait_for(
        asyncio.gather(worker.run(handle_signals=False), note_the_poll()), timeout=60
    )
    stopper.join()
    assert counters == las.WorkerCounters()


async def test_run_installs_loop_signal_handlers_and_removes_them(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])
    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    seen = {}

    async def look(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        seen.update({number: signal.getsignal(number) for number in before})
        return {}

    await las.AsyncWorker(transition_id, look, session=las_async_client, poll_interval=0.05).run(
        until_idle=True
    )
    assert all(seen[number] is not before[number] for number in before)  # the loop's, while it ran
    assert {number: signal.getsignal(number) for number in before} == before


async def test_a_worker_cannot_run_twice_at_once(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])
    errors: list[RuntimeError] = []

    async def nested(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        try:
            await worker.run(handle_signals=False)
        except RuntimeError as error:
            errors.append(error)
        return {}

    worker = las.AsyncWorker(transition_id, nested, session=las_async_client, poll_interval=0.05)
    await worker.run(until_idle=True, handle_signals=False)
    [error] = errors
    assert "already running" in str(error)


# -- misuse -------------------------------------------------------------------------------------


async def _approve(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
    return {}


class _Approver:
    async def __call__(self, client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        return {"by": "object"}


def _plain(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
    return {}


async def test_a_plain_function_is_refused_naming_the_sync_worker(
    las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    with pytest.raises(TypeError, match=r"'_plain' is not an async function: .*las\.Worker"):
        las.AsyncWorker("las:transition:" + "a" * 32, _plain, session=las_async_client)  # type: ignore[arg-type]
    assert las_emulator.requests == []


async def test_a_sync_session_is_refused_naming_the_async_one(las_client: las.Client) -> None:
    for session in (las_client, las_client.session):
        with pytest.raises(TypeError, match=r"needs session= an las\.AsyncSession"):
            las.AsyncWorker("las:transition:" + "a" * 32, _approve, session=session)  # type: ignore[arg-type]


async def test_partials_and_async_callable_objects_run(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    for function in (functools.partial(_approve), _Approver()):
        transition_id, _ = _executions(las_client, [{}])
        counters = await las.AsyncWorker(
            transition_id, function, session=las_async_client, poll_interval=0.05
        ).run(until_idle=True, handle_signals=False)
        assert counters.succeeded == 1


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"heartbeat_interval": 60}, "heartbeat limit"),
        ({"grace_period": -1}, "grace_period"),
        ({"page_size": 0}, "page_size"),
        ({"poll_interval": 0}, "poll_interval"),
    ],
)
async def test_bad_options_are_refused(
    las_async_client: las.AsyncClient, options: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        las.AsyncWorker("las:transition:" + "a" * 32, _approve, session=las_async_client, **options)


@pytest.mark.parametrize("hostile", ["", ".", "..", "/", "%2F", "las:transition-execution:" + "a" * 32])
async def test_a_hostile_transition_id_is_refused_before_any_request(
    las_async_client: las.AsyncClient, las_emulator: Emulator, hostile: str
) -> None:
    with pytest.raises(las.InvalidIdError, match="transition id"):
        las.AsyncWorker(hostile, _approve, session=las_async_client)
    assert las_emulator.requests == []


async def test_a_listed_id_that_is_not_an_execution_id_is_never_requested(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])
    listing = f"/transitions/{transition_id}/executions"
    items = [{"executionId": hostile, "status": "running", "input": {}} for hostile in ("..", "%2F", None, 7)]
    body = _json({"executions": items, "nextToken": None, "transitionId": transition_id})
    las_emulator.fail_next(1, status=200, method="GET", path=listing, body=body)
    las_emulator.clear_requests()
    counters = await las.AsyncWorker(
        transition_id, _approve, session=las_async_client, poll_interval=0.05
    ).run(until_idle=True, handle_signals=False)
    assert counters == las.WorkerCounters()  # that poll found nothing to take
    assert [(r.method, r.path) for r in las_emulator.requests if r.path != "/token"] == [("GET", listing)]


async def test_a_listing_that_repeats_its_token_is_an_error_survived(
    las_client: las.Client, las_async_client: las.AsyncClient, las_emulator: Emulator
) -> None:
    transition_id, _ = _executions(las_client, [{}])
    listing = f"/transitions/{transition_id}/executions"
    again = _json({"executions": [], "nextToken": "same-token", "transitionId": transition_id})
    las_emulator.fail_next(2, status=200, method="GET", path=listing, body=again)
    las_emulator.clear_requests()
    counters = await las.AsyncWorker(
        transition_id, _approve, session=las_async_client, poll_interval=0.05
    ).run(until_idle=True, handle_signals=False)
    listings = [r.query.get("nextToken") for r in las_emulator.requests if r.path == listing]
    assert listings[:3] == [None, ["same-token"], None]
    assert (counters.errors, counters.succeeded) == (1, 1)


async def test_the_async_worker_takes_the_workers_parameters() -> None:
    import inspect

    def parameters(cls: type) -> dict[str, Any]:
        return {
            name: (parameter.kind, parameter.default)
            for name, parameter in inspect.signature(cls).parameters.items()
            if name
            not in ("function", "concurrency")  # the function's kind; defaults differ (threads, tasks)
        }

    assert parameters(las.AsyncWorker) == parameters(las.Worker)
    assert "concurrency" in inspect.signature(las.AsyncWorker).parameters
    run, async_run = inspect.signature(las.Worker.run), inspect.signature(las.AsyncWorker.run)
    assert list(run.parameters) == list(async_run.parameters)


async def test_importing_the_async_worker_does_not_import_aiohttp_and_running_without_it_names_the_extra() -> (
    None
):
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import las, las.workers\n"
        "print('aiohttp' in sys.modules)\n"
        "sys.modules['aiohttp'] = None\n"
        "import asyncio\n"
        "async def work(client, event):\n    return {}\n"
        "worker = las.AsyncWorker('las:transition:' + 'a' * 32, work)\n"
        "try:\n    asyncio.run(worker.run())\nexcept ModuleNotFoundError as error:\n    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [
        "False",
        "las.AsyncWorker needs aiohttp: pip install 'lucidtech-las-sdk[async]'",
    ]
