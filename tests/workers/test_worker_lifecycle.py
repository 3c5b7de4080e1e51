"""A worker's life across runs: a stop asked for before run() began, options no wait can
take, threads that cannot start, and what a worker keeps (threads, bookkeeping) from one run to
the next. Every wait is bounded: runs are on threads joined with a timeout."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import Completion, _worker_base
from tests.workers.conftest import running_executions, wait_until


def _run_in_thread(worker: las.Worker, **options: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``worker`` on a thread; what it returned or raised lands in the dict."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["counters"] = worker.run(handle_signals=False, **options)
        except BaseException as error:  # what run() raised is the finding
            out["raised"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, out


def _finish(worker: las.Worker, thread: threading.Thread) -> None:
    """Stop a run the test did not see end (a stop after a run returned would stop the next)."""
    if thread.is_alive():
        worker.stop(release=True)
        thread.join(10)


def test_a_stop_before_run_begins_stops_that_run_and_not_the_next(
    las_client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """stop() lands before the run started on a thread has begun: that run returns having
    taken nothing (it ran until stopped again), and says why at INFO (a stop() left over from
    a cleanup would otherwise end a run without a word); the run after it drains as usual."""
    transition_id = running_executions(las_client, 1)
    worker = las.Worker(transition_id, lambda c, e: {}, session=las_client, poll_interval=0.05)
    worker.stop()
    with caplog.at_level(logging.INFO, logger="las.workers"):
        thread, out = _run_in_thread(worker)
        try:
            thread.join(5)
            assert not thread.is_alive(), "run() ignored the stop() asked for before it began"
        finally:
            _finish(worker, thread)
    assert out["counters"].taken == 0, out
    said = [
        record.getMessage() for record in caplog.records if "before this run began" in record.getMessage()
    ]
    assert len(said) == 1 and repr(worker) in said[0], caplog.text
    assert worker.run(until_idle=True, handle_signals=False).succeeded == 1


def test_an_async_stop_before_its_run_task_starts_stops_that_run_and_not_the_next(
    las_emulator: Emulator,
) -> None:
    """``task = create_task(worker.run()); worker.stop()``: the stop comes before the task's
    first step; the run returns having taken nothing, and the next one drains as usual."""

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        return {}

    async def main() -> tuple[bool, int, int]:
        async with las_emulator.async_client() as client:
            transition_id = (await client.create_transition("manual"))["transitionId"]
            await client.execute_transition(transition_id)
            worker = las.AsyncWorker(transition_id, work, session=client, poll_interval=0.05)
            task = asyncio.ensure_future(worker.run(handle_signals=False))
            worker.stop()
            done, _ = await asyncio.wait({task}, timeout=5)
            if not done:
                worker.stop(release=True)
                await asyncio.wait({task}, timeout=10)
                return False, 0, 0
            later = await asyncio.wait_for(worker.run(until_idle=True, handle_signals=False), 10)
            return True, task.result().taken, later.succeeded

    stopped, taken, succeeded = asyncio.run(main())
    assert stopped, "AsyncWorker.run() ignored the stop() asked for before its task started"
    assert (taken, succeeded) == (0, 1)


def test_a_task_thread_that_cannot_start_leaves_its_execution_to_the_next_run(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thread.start() raising for an execution's thread ("can't start new thread"): run()
    raises it without waiting the grace period for a thread that never ran, and the execution
    is not held nor barred: the next run takes and completes it."""
    transition_id = running_executions(las_client, 1)
    start = threading.Thread.start
    failures = [RuntimeError("can't start new thread")]

    def failing_start(thread: threading.Thread) -> None:
        if failures and thread.name.startswith("las-worker:"):
            raise failures.pop()
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", failing_start)
    worker = las.Worker(
        transition_id, lambda c, e: {}, session=las_client, poll_interval=0.05, grace_period=5
    )
    thread, out = _run_in_thread(worker)
    try:
        thread.join(3)
        assert not thread.is_alive(), "the stop waited for a thread that never started"
    finally:
        _finish(worker, thread)
    assert isinstance(out.get("raised"), RuntimeError), out
    thread, out = _run_in_thread(worker, until_idle=True)
    try:
        thread.join(5)
        assert not thread.is_alive(), "the next run never took the execution"
    finally:
        _finish(worker, thread)
    assert out["counters"].taken == out["counters"].succeeded == 1, out


@pytest.mark.parametrize("worker_class", [las.Worker, las.AsyncWorker])
@pytest.mark.parametrize(
    ("option", "fix"), [("grace_period", "or None to wait"), ("poll_interval", "finite")]
)
def test_an_infinite_grace_period_or_poll_interval_is_refused_naming_the_fix(
    worker_class: Any, option: str, fix: str
) -> None:
    async def work(client: Any, event: dict[str, Any]) -> dict[str, Any]:
        return {}

    function = work if worker_class is las.AsyncWorker else (lambda c, e: {})
    with pytest.raises(ValueError, match=f"{option} must be .*{fix}.*got inf"):
        worker_class("las:transition:" + "0" * 32, function, **{option: float("inf")})


def test_a_grace_period_and_a_poll_interval_longer_than_a_thread_can_wait_still_work(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """grace_period and poll_interval of 1e12 s (past threading.TIMEOUT_MAX): the idle worker
    waits, and a stop waits for the function in hand (the waits raised OverflowError)."""
    transition_id = running_executions(las_client, 1)
    started, go_on = threading.Event(), threading.Event()

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        go_on.wait(5)
        return {}

    worker = las.Worker(transition_id, work, session=las_client, poll_interval=1e12, grace_period=1e12)
    thread, out = _run_in_thread(worker)
    try:
        assert started.wait(5)
        time.sleep(0.1)  # the idle wait begins
        worker.stop()
        time.sleep(0.1)  # the stop waits for the function
        go_on.set()
        thread.join(5)
    finally:
        go_on.set()
        _finish(worker, thread)
    assert "raised" not in out, out
    assert out["counters"].succeeded == 1, out


def _poll_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "las-worker-poll"]


def test_stops_and_runs_while_the_api_holds_the_listings_leave_a_few_listings_on_the_wire(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """Five runs of one worker, each stopped while the API holds the listing (1 s): a run
    lists afresh beside the listings earlier runs left on the wire only while they are few
    (two), then waits for one, so a few poll threads (and connections) are left, not one per
    run (each kept for the Session's deadline, 300 s)."""
    transition_id = running_executions(las_client, 0)
    worker = las.Worker(transition_id, lambda c, e: {}, session=las_client, poll_interval=0.05)
    las_emulator.delay_next(5, 1.0, method="GET", path="/transitions/{transitionId}/executions")
    most = 0
    try:
        for _ in range(5):
            thread, out = _run_in_thread(worker)
            time.sleep(0.1)  # the poll of the run, after a wait for the last run's
            most = max(most, len(_poll_threads()))
            worker.stop()
            thread.join(5)
            assert not thread.is_alive() and "raised" not in out, out
        assert len(_poll_threads()) <= 3
    finally:
        las_emulator.clear_faults()
        wait_until(lambda: not _poll_threads(), timeout=10, what="the listings to end")
    assert most == 3, "a run listed afresh beside the held listings of earlier runs, two at most"


def test_a_listing_an_earlier_run_left_on_the_wire_holds_up_the_next_runs_poll_briefly(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """Run 1 is stopped while the API holds its listing (1.5 s): run 2 (``until_idle``) waits
    for it ``poll_interval`` at most, then lists afresh and completes the execution while the
    old listing is still held (it waited for it, up to the Session's deadline, 300 s)."""
    transition_id = running_executions(las_client, 1)
    worker = las.Worker(transition_id, lambda c, e: {}, session=las_client, poll_interval=0.05)
    las_emulator.delay_next(1, 1.5, method="GET", path="/transitions/{transitionId}/executions")
    thread, out = _run_in_thread(worker)
    try:
        wait_until(lambda: bool(_poll_threads()), timeout=5, what="a poll")
        worker.stop()
        thread.join(5)
        assert not thread.is_alive() and "raised" not in out, out
        thread, out = _run_in_thread(worker, until_idle=True)
        thread.join(1.0)
        assert not thread.is_alive() and out["counters"].succeeded == 1, out
    finally:
        _finish(worker, thread)
        wait_until(lambda: not _poll_threads(), timeout=10, what="the held listing to end")


def test_a_listing_an_earlier_run_left_on_the_wire_is_not_what_the_next_run_finds(
    las_client: las.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 1 is stopped while its listing is held; the listing then answers what it saw for
    run 1 (here: nothing to take, as when run 1 held the executions). Run 2 (``until_idle``)
    waits for that listing (one on the wire at most) but lists afresh: it found the running
    execution and completed it, where taking the stale answer ended it idle having taken
    nothing (seen in test_campaign_findings as a release never delivered)."""
    transition_id = running_executions(las_client, 1)
    worker = las.Worker(transition_id, lambda c, e: {}, session=las_client, poll_interval=0.05)
    held, answer = threading.Event(), threading.Event()
    real_poll = worker._poll

    def poll(free: int, deferred: list[str]) -> list[str]:
        if not held.is_set():  # run 1's listing: held, then answers what run 1 saw
            held.set()
            answer.wait(5)
            return []
        return real_poll(free, deferred)

    monkeypatch.setattr(worker, "_poll", poll)
    thread, out = _run_in_thread(worker)
    try:
        assert held.wait(5)
        worker.stop()
        thread.join(5)
        assert not thread.is_alive() and out["counters"].taken == 0, out
        threading.Timer(0.2, answer.set).start()
        later = worker.run(until_idle=True, handle_signals=False)
    finally:
        answer.set()
        _finish(worker, thread)
    assert (later.taken, later.succeeded) == (1, 1), later
    assert len(_poll_threads()) <= 1


def test_completions_kept_to_deliver_again_are_forgotten_once_their_execution_ended_and_bounded(
    las_client: las.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a long-running worker keeps of completions that may not have landed (to deliver
    them again when their execution is seen running): dropped once the execution is seen
    ended, and no more than the ended ids it remembers (the oldest go first)."""
    monkeypatch.setattr(_worker_base, "_REMEMBERED", 3)
    worker = las.Worker("las:transition:" + "0" * 32, lambda c, e: {}, session=las_client)
    execution_ids = [f"las:transition-execution:{n:032x}" for n in range(5)]
    for execution_id in execution_ids:
        worker._may_not_have_landed(execution_id, Completion("succeeded", output={}))
    assert list(worker._undelivered) == execution_ids[2:]
    worker._remember_ended(execution_ids[4])
    assert list(worker._undelivered) == execution_ids[2:4]
