"""How long a las.Worker stop takes when the API is slow or failing: ``grace_period``, a second,
and the requests on the wire (docs/workers.md), not a completion's whole ``patience`` nor the
releases' time added up. Every wait is bounded: the worker runs on a thread joined with a
timeout, and the faults are cleared in ``finally``."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import _worker_base
from tests.workers.conftest import (
    execution_of,
    recorded,
    running_execution_ids,
    running_executions,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("no_stray_heartbeat_threads")

EXECUTION_PATH = "/transitions/{transitionId}/executions/{executionId}"


def _run_in_thread(worker: las.Worker) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``worker`` on a thread; what it returned or raised, and when, land in the dict."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["counters"] = worker.run(handle_signals=False)
        except BaseException as error:  # what run() raised is the finding
            out["raised"] = error
        out["ended"] = time.monotonic()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, out


def test_a_stops_releases_are_sent_at_the_same_time(las_client: las.Client, las_emulator: Emulator) -> None:
    """Four releases answered in 2 s each: run() returns in about 2 s, not 8 (one after another)."""
    transition_id = running_executions(las_client, 4)

    def stuck(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        las.workers.cancellation().wait(60)  # ends at once when told
        return {}

    worker = las.Worker(transition_id, stuck, session=las_client, concurrency=4, poll_interval=0.05)
    thread, out = _run_in_thread(worker)
    try:
        wait_until(lambda: worker.counters.taken == 4, timeout=20, what="four in hand")
        las_emulator.delay_next(4, 2.0, method="PATCH", path=EXECUTION_PATH)
        stopped = time.monotonic()
        worker.stop(release=True)
        thread.join(30)
        assert not thread.is_alive()
        assert out["counters"].released == 4, out
        took = out["ended"] - stopped
        assert took < 5.5, f"run() took {took:.1f} s after stop(release=True): the releases went one by one"
    finally:
        las_emulator.clear_faults()
        worker.stop(release=True)
        thread.join(30)


def test_a_completion_still_failing_when_the_stops_time_is_up_gets_one_last_attempt_then_a_warning(
    las_client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A completion meeting 503s (whose retries may last ``patience``, 300 s) when
    stop(release=True) comes with grace_period=0: run() returns at once, after one last attempt,
    and a warning says the API will time the execution out."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    las_emulator.fail_next(1000, status=503, method="PATCH")
    worker = las.Worker(
        transition_id,
        lambda c, e: {"ok": True},
        session=las_client,
        concurrency=1,
        poll_interval=0.05,
        grace_period=0,
    )
    caplog.set_level(logging.WARNING, logger="las.workers")
    thread, out = _run_in_thread(worker)
    try:
        wait_until(
            lambda: recorded(las_emulator, "PATCH", status=503), timeout=20, what="a refused completion"
        )
        refused_before = recorded(las_emulator, "PATCH")[execution_id]
        worker.stop(release=True)
        thread.join(15)  # the retries alone would last 300 s
        assert not thread.is_alive(), "run() still waiting 15 s after stop(release=True), grace_period=0"
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    assert recorded(las_emulator, "PATCH")[execution_id] <= refused_before + 2  # on the wire, and a last one
    assert out["counters"].errors >= 1, out
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "running"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(execution_id in m and "will time it out" in m for m in warnings), warnings


def test_a_stop_without_a_grace_period_still_waits_for_a_completion_through_its_retries(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """grace_period=None waits for ever: a completion meeting 503s is retried until it lands."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    las_emulator.fail_next(3, status=503, method="PATCH")
    worker = las.Worker(
        transition_id,
        lambda c, e: {"ok": True},
        session=las_client,
        concurrency=1,
        poll_interval=0.05,
        grace_period=None,
    )
    thread, out = _run_in_thread(worker)
    try:
        wait_until(
            lambda: recorded(las_emulator, "PATCH", status=503), timeout=20, what="a refused completion"
        )
        worker.stop()
        thread.join(30)
        assert not thread.is_alive()
    finally:
        las_emulator.clear_faults()
        worker.stop(release=True)
        thread.join(30)
    assert out["counters"].succeeded == 1, out
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "succeeded"


def test_a_stop_ends_within_its_bound_while_the_api_holds_its_answers(
    las_client: las.Client,
    las_emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two answers held 10 s by the API: a completion's PATCH sent before the stop, and the
    release's PATCH sent by it (the Session would wait up to its 300 s deadline for each).
    stop(release=True) with grace_period=0 returns within STOP_BOUND (ABANDON_AFTER, then
    LAST_REQUESTS, here cut to 0.5 s, then half a second): the release's PATCH ends at the
    stop's deadline and its last attempt lands; the completion is left on the wire, named."""
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.5)
    bound = _worker_base.ABANDON_AFTER + 0.5 + _worker_base._LAST_ANSWERS
    transition_id = running_executions(las_client, 2)
    ended: dict[str, str] = {}

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        if event["n"] == 1:
            las.workers.cancellation().wait(60)  # ends at once when told
        ended[las.workers.current_execution()["executionId"]] = "stuck" if event["n"] else "quick"
        return {}

    las_emulator.delay_next(2, 10.0, method="PATCH", path=EXECUTION_PATH)
    worker = las.Worker(
        transition_id, work, session=las_client, concurrency=2, poll_interval=0.05, grace_period=0
    )
    caplog.set_level(logging.WARNING, logger="las.workers")
    thread, out = _run_in_thread(worker)
    try:
        wait_until(lambda: worker.counters.taken == 2 and ended, timeout=20, what="a completion on the wire")
        time.sleep(0.2)  # its PATCH reaches the API
        stopped = time.monotonic()
        worker.stop(release=True)
        thread.join(bound + 6)
        assert not thread.is_alive(), f"run() still going {bound + 6:g} s after the stop (the API holds 10 s)"
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    took = out["ended"] - stopped
    assert took < bound + 1.5, f"run() took {took:.1f} s after stop(release=True); its bound is {bound:g} s"
    assert "raised" not in out, out
    assert out["counters"].released == 1, out
    [quick] = [execution_id for execution_id, how in ended.items() if how == "quick"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(quick in m and "still on the wire" in m for m in warnings), warnings


LISTING_PATH = "/transitions/{transitionId}/executions"


def _listing(emulator: Emulator, transition_id: str) -> list[Any]:
    """The listings of the transition's executions the emulator has answered."""
    path = f"/transitions/{transition_id}/executions"
    return [request for request in emulator.requests if request.method == "GET" and request.path == path]


def _no_poll_threads_left() -> bool:
    return not [thread for thread in threading.enumerate() if thread.name == "las-worker-poll"]


def test_a_stop_while_a_listing_is_held_returns_before_its_answer_and_the_listing_takes_nothing(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """A poll's listing held 1 s by the API when stop() comes: run() returns before the API
    could answer it (the listing is left behind), and once answered it takes nothing: no GET
    of the execution it lists, no PATCH."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    las_emulator.clear_requests()  # the worker's listing is the only one
    las_emulator.delay_next(1, 1.0, method="GET", path=LISTING_PATH)
    worker = las.Worker(
        transition_id, lambda c, e: {}, session=las_client, concurrency=1, poll_interval=0.05, grace_period=0
    )
    thread, out = _run_in_thread(worker)
    try:
        time.sleep(0.3)  # the listing reaches the API (checked below)
        stopped = time.monotonic()
        worker.stop()
        thread.join(10)
        assert not thread.is_alive()
        wait_until(lambda: _listing(las_emulator, transition_id), timeout=10, what="the listing's answer")
        wait_until(_no_poll_threads_left, timeout=10, what="the poll's thread to end")
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    [listing] = _listing(las_emulator, transition_id)
    assert listing.received_at < stopped, "the listing had not reached the API when stop() came"
    assert out["ended"] < listing.received_at + 1.0, "run() waited for the held listing's answer"
    assert "raised" not in out, out
    assert recorded(las_emulator, "GET") == {}, "the listing left behind took its execution"
    assert recorded(las_emulator, "PATCH") == {}
    assert out["counters"].taken == 0, out
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "running"


HEARTBEATS_PATH = "/transitions/{transitionId}/executions/{executionId}/heartbeats"


def _short_stop(monkeypatch: pytest.MonkeyPatch) -> float:
    """Cut the stop's times (ABANDON_AFTER 0.2 s, LAST_REQUESTS 0.3 s, the last answers 0.5 s)
    for the stop's own bookkeeping; the bound of run() past a release, in seconds."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.2)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.3)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.5)
    return 0.2 + 0.3 + 0.5


def test_a_release_is_sent_within_the_stops_time_while_a_heartbeat_of_its_execution_is_held(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The execution's heartbeat held 1.5 s by the API (its deadline is the heartbeat interval,
    20 s) when stop(release=True) comes: the release waits for it no longer than the stop's
    requests end, so it lands before run() returns (it waited for the heartbeat's answer and
    ran out of the stop's time, leaving the execution running)."""
    bound = _short_stop(monkeypatch)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    started = threading.Event()

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        las.workers.cancellation().wait(30)  # ends at once when told
        return {}

    las_emulator.delay_next(1, 1.5, method="POST", path=HEARTBEATS_PATH)
    worker = las.Worker(transition_id, work, session=las_client, concurrency=1, poll_interval=0.05)
    thread, out = _run_in_thread(worker)
    try:
        assert started.wait(10)
        time.sleep(0.2)  # its first heartbeat reaches the API, held
        stopped = time.monotonic()
        worker.stop(release=True)
        thread.join(10)
        assert not thread.is_alive()
        status = las_client.get_transition_execution(transition_id, execution_id)["status"]
    finally:
        las_emulator.clear_faults()
        thread.join(30)
        wait_until(
            lambda: not [t for t in threading.enumerate() if t.name == "las-heartbeats"],
            timeout=10,
            what="the held heartbeat's thread to end",
        )
    assert out["counters"].released == 1, out
    assert status == "retry"
    assert out["ended"] - stopped < bound + 1.0


def _accepted_patches(emulator: Emulator, execution_id: str) -> int:
    """PATCHes of the execution the API accepted (the one completion it records)."""
    return sum(
        1
        for r in emulator.requests
        if r.method == "PATCH" and r.status == 200 and execution_of(r) == execution_id
    )


def test_a_completion_left_behind_by_a_stop_is_not_taken_again_by_the_next_run(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A completion's PATCH held 2 s by the API when stop(release=True) comes: the stop leaves
    it behind, and a run started at once does not take its execution (which the API still
    shows running) while it is on the wire: the function is called once, the execution gets
    one PATCH, and the next run (until_idle) ends once the PATCH has landed."""
    _short_stop(monkeypatch)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    called: list[str] = []

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        called.append(las.workers.current_execution()["executionId"])
        return {"n": event["n"]}

    las_emulator.delay_next(1, 2.0, method="PATCH", path=EXECUTION_PATH)
    worker = las.Worker(
        transition_id, work, session=las_client, concurrency=1, poll_interval=0.05, grace_period=0
    )
    thread, _ = _run_in_thread(worker)
    try:
        wait_until(lambda: called, timeout=10, what="the function")
        time.sleep(0.2)  # its PATCH reaches the API, held
        worker.stop(release=True)
        thread.join(10)
        assert not thread.is_alive()
        again = threading.Thread(target=worker.run, kwargs={"until_idle": True, "handle_signals": False})
        again.start()
        again.join(15)
        assert not again.is_alive(), "the next run did not end once the execution had ended"
        wait_until(_no_worker_threads_left, timeout=10, what="the worker's threads to end")
    finally:
        las_emulator.clear_faults()
        worker.stop(release=True)
        thread.join(30)
    assert called == [execution_id], "the next run took the execution whose completion was on the wire"
    assert recorded(las_emulator, "PATCH")[execution_id] == 1
    assert _accepted_patches(las_emulator, execution_id) == 1
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "succeeded"
    assert worker.counters.taken == 1 and worker.counters.succeeded == 1, worker.counters


def _no_worker_threads_left() -> bool:
    return not [t for t in threading.enumerate() if t.name.startswith(("las-worker", "las-heartbeats"))]


def test_a_request_left_behind_by_a_stop_ends_without_a_warning_after_run_returns(
    las_client: las.Client,
    las_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A completion's PATCH held 1.5 s, then answered 503 (and its last attempt too): the stop
    leaves it behind with a warning; how it ends, after run() has returned (a program may be
    exiting), is logged at INFO, not as a second warning."""
    _short_stop(monkeypatch)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    called: list[str] = []

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        called.append(las.workers.current_execution()["executionId"])
        return {}

    las_emulator.delay_next(1, 1.5, method="PATCH", path=EXECUTION_PATH)
    las_emulator.fail_next(2, status=503, method="PATCH", path=EXECUTION_PATH)  # and its last attempt
    caplog.set_level(logging.INFO, logger="las.workers")
    worker = las.Worker(
        transition_id, work, session=las_client, concurrency=1, poll_interval=0.05, grace_period=0
    )
    thread, _ = _run_in_thread(worker)
    try:
        wait_until(lambda: called, timeout=10, what="the function")
        time.sleep(0.2)  # its PATCH reaches the API, held
        worker.stop(release=True)
        thread.join(10)
        assert not thread.is_alive()
        returned = len(caplog.records)
        wait_until(_no_worker_threads_left, timeout=10, what="the request left behind to end")
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    before = [r.getMessage() for r in caplog.records[:returned] if r.levelno >= logging.WARNING]
    assert any(execution_id in m and "still on the wire" in m for m in before), before
    after = caplog.records[returned:]
    assert any(execution_id in r.getMessage() for r in after), "the request left behind did not end"
    assert [r.getMessage() for r in after if r.levelno >= logging.WARNING] == []


def test_an_abandoned_function_ending_does_not_let_a_later_run_take_an_execution_whose_release_is_on_the_wire(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A function that ignores its cancellation is abandoned and its release left behind on
    the wire (held here until the test lets it go). The abandoned function then returns: the
    release is still on the wire, so a later run does not take the execution (it called the
    function a second time); once the release lands, that run finds nothing and ends."""
    from las.workers import _worker

    _short_stop(monkeypatch)
    monkeypatch.setattr(_worker, "ABANDON_AFTER", 0.2)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    real = _worker.complete_for_worker
    release_held, let_release_go, let_function_end = threading.Event(), threading.Event(), threading.Event()

    def held_release(client: Any, tid: str, eid: str, completion: Any, **options: Any) -> Any:
        if completion is _worker_base.RELEASE:  # on the wire past the stop's time
            release_held.set()
            let_release_go.wait(10)
        return real(client, tid, eid, completion, **options)

    monkeypatch.setattr(_worker, "complete_for_worker", held_release)
    called: list[str] = []

    def stubborn(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        called.append(las.workers.current_execution()["executionId"])
        let_function_end.wait(10)  # deaf to its cancellation: abandoned
        return {}

    worker = las.Worker(transition_id, stubborn, session=las_client, poll_interval=0.05, grace_period=0)
    thread, _ = _run_in_thread(worker)
    later = threading.Thread(target=worker.run, kwargs={"until_idle": True, "handle_signals": False})
    try:
        wait_until(lambda: called, timeout=10, what="the function")
        worker.stop()
        thread.join(5)
        assert not thread.is_alive() and release_held.is_set()
        let_function_end.set()  # the abandoned function returns; its release is still on the wire
        wait_until(
            lambda: not [t for t in threading.enumerate() if t.name == f"las-worker:{execution_id[-8:]}"],
            timeout=5,
            what="the abandoned function's thread to end",
        )
        later.start()
        time.sleep(0.3)  # several polls of the later run
        let_release_go.set()
        later.join(5)
        assert not later.is_alive(), "the later run did not end once the release had landed"
    finally:
        let_function_end.set()
        let_release_go.set()
        worker.stop(release=True)
        thread.join(10)
        if later.ident is not None:
            later.join(10)
    assert called == [execution_id], "a later run called the function again while its release was on the wire"
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "retry"


def test_a_heartbeat_held_past_the_stop_is_named_in_a_warning_when_run_returns(
    las_client: las.Client,
    las_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The execution's heartbeat held 1.2 s by the API when stop(release=True) comes: run()
    returns before its answer (0.5 s after the stop, the stop's times cut), leaving its thread
    running; a warning names the execution (nothing else of the worker's was left running
    unnamed), and how the heartbeat ends (refused: the execution was released) is no second
    warning after run() returned."""
    _short_stop(monkeypatch)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.2)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.1)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    started = threading.Event()

    def work(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        las.workers.cancellation().wait(10)
        return {}

    las_emulator.delay_next(1, 1.2, method="POST", path=HEARTBEATS_PATH)
    caplog.set_level(logging.WARNING, logger="las.workers")
    worker = las.Worker(transition_id, work, session=las_client, poll_interval=0.05, grace_period=0)
    thread, _ = _run_in_thread(worker)
    try:
        assert started.wait(10)
        time.sleep(0.05)  # its first heartbeat reaches the API, held
        worker.stop(release=True)
        thread.join(10)
        assert not thread.is_alive()
        left = [t for t in threading.enumerate() if t.name == "las-heartbeats"]
        named = [r.getMessage() for r in caplog.records if "heartbeat" in r.getMessage()]
    finally:
        las_emulator.clear_faults()
        wait_until(lambda: not [t for t in threading.enumerate() if t.name == "las-heartbeats"], timeout=10)
    assert left, "the heartbeat was answered before run() returned (test premise)"
    assert any(execution_id in message for message in named), named
    later = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "heartbeat" in r.getMessage()
    ]
    assert later == named, "how the held heartbeat ended was a second warning, after run() returned"


def test_a_release_thread_that_cannot_start_holds_up_no_stop_and_the_next_run_sends_it(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stop(release=True) while no release thread can be started ("can't start new thread"):
    run() ends within the stop's bound (it tried to start the thread in an endless busy loop),
    and the next run sends the release without calling the function again."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.0)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.2)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.2)  # the stop's bound: 0.4 s
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    calls: list[str] = []

    def honest(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(execution_id)
        las.workers.cancellation().wait(10)
        return {}

    real_start, failing = threading.Thread.start, threading.Event()

    def start(self: threading.Thread) -> None:
        if failing.is_set() and self.name.startswith("las-worker-release"):
            raise RuntimeError("can't start new thread")
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    worker = las.Worker(
        transition_id, honest, session=las_client, concurrency=1, poll_interval=0.05, grace_period=0
    )
    thread, out = _run_in_thread(worker)
    try:
        wait_until(lambda: worker.counters.taken == 1, timeout=10, what="taken")
        failing.set()
        stopped = time.monotonic()
        worker.stop(release=True)
        thread.join(3)
        alive = thread.is_alive()
    finally:
        failing.clear()
        thread.join(10)
    assert not alive, "run() still running 3 s after a stop bound to 0.4 s"
    assert out["ended"] - stopped < 2.0
    assert isinstance(out.get("raised"), RuntimeError), out  # as run() documents
    assert not recorded(las_emulator, "PATCH") and not worker._behind
    assert worker.run(until_idle=True, handle_signals=False).released == 1
    assert calls == [execution_id]
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] != "running"


def test_a_take_whose_thread_begins_after_run_returned_bars_its_execution_no_longer(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A take's thread that gets its first step only after its run returned (the stop left it
    behind, barring its execution while it is under way) ends cleanly, so the next run takes
    the execution (it failed an assertion before its cleanup, barring the execution for good)."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.0)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.1)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.1)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    real_process, go = las.Worker._process, threading.Event()

    def late(self: las.Worker, task: Any) -> None:
        go.wait(10)  # a thread the machine did not schedule before the stop's time ran out
        real_process(self, task)

    monkeypatch.setattr(las.Worker, "_process", late)
    worker = las.Worker(
        transition_id, lambda client, event: {}, session=las_client, poll_interval=0.05, grace_period=0
    )
    thread, out = _run_in_thread(worker)
    try:
        wait_until(lambda: execution_id in worker._tasks, timeout=10, what="a take")
        worker.stop()
        thread.join(5)
        assert not thread.is_alive() and execution_id in worker._behind, out
    finally:
        go.set()
        thread.join(10)
    wait_until(lambda: execution_id not in worker._behind, timeout=5, what="the late take's end")
    monkeypatch.setattr(las.Worker, "_process", real_process)
    assert worker.run(until_idle=True, handle_signals=False).succeeded == 1


def test_a_release_thread_that_starts_on_a_second_try_abandons_no_other_function(
    las_client: las.Client,
    las_emulator: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two functions told to stop: one returns at once, the other 0.3 s later (within the
    second it is given). The first one's release thread fails to start once ("can't start new
    thread"), then starts: the other function still gets its second and both are released, none
    abandoned, and run() raises nothing (that one failure was taken for a Ctrl-C: the other
    function was abandoned at once, its release sent while it ran, and run() raised it)."""
    transition_id, _ = running_execution_ids(las_client, 2)
    real_start, failures = threading.Thread.start, [RuntimeError("can't start new thread")]

    def start(self: threading.Thread) -> None:
        if failures and self.name.startswith("las-worker-release"):
            raise failures.pop()
        real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)

    def honest(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        las.workers.cancellation().wait(10)
        if event["n"] == 1:
            time.sleep(0.3)  # cleaning up
        return {}

    worker = las.Worker(
        transition_id, honest, session=las_client, concurrency=2, poll_interval=0.05, grace_period=0
    )
    caplog.set_level(logging.WARNING, logger="las.workers")
    thread, out = _run_in_thread(worker)
    try:
        wait_until(lambda: worker.counters.taken == 2, timeout=10, what="both taken")
        worker.stop()
        thread.join(10)
    finally:
        failures.clear()
    assert not thread.is_alive()
    assert not [r.getMessage() for r in caplog.records if "abandoned" in r.getMessage()]
    assert "raised" not in out, out
    assert out["counters"].released == 2, out
