"""las.Worker and @las.transition_handler attacked: a function that raises BaseException, one
that hangs past its execution's end, completions that keep failing, a Ctrl-C during a stop.

Every claim is counted at the emulator's request log: PATCHes of the execution (completed or
released exactly once), heartbeats after the API's final answer (none), calls and requests
per second while one execution keeps failing (bounded).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import current_execution
from tests.workers.conftest import (
    Boom,
    Platform,
    assert_bounded_retries,
    docker_transition,
    environment_for,
    manual_transition,
    patches,
    recorded,
    running_execution_ids,
    running_executions,
    single_step_workflow,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("no_stray_heartbeat_threads")

HEARTBEATS = "/transitions/{transitionId}/executions/{executionId}/heartbeats"


def _run_in_thread(worker: las.Worker, seconds: float) -> None:
    """Run ``worker`` on a thread for ``seconds``, then stop it (releasing what it holds)."""
    runner = threading.Thread(target=worker.run, kwargs={"handle_signals": False}, daemon=True)
    runner.start()
    runner.join(seconds)
    worker.stop(release=True)
    runner.join(30)
    assert not runner.is_alive(), "the worker did not stop"


# -- a function that raises BaseException -------------------------------------------------------


@pytest.mark.parametrize(
    "interruption", [SystemExit(3), KeyboardInterrupt()], ids=["SystemExit", "KeyboardInterrupt"]
)
def test_an_interruption_releases_its_execution_once_stops_the_worker_and_is_raised(
    client: las.Client, las_emulator: Emulator, interruption: BaseException
) -> None:
    transition_id = running_executions(client, 3)
    calls = []

    def interrupted(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        raise interruption

    worker = las.Worker(transition_id, interrupted, session=client, concurrency=1, poll_interval=0.05)
    with pytest.raises(type(interruption)) as raised:
        worker.run(until_idle=True, handle_signals=False)
    assert raised.value is interruption  # the caller gets the function's own exception
    assert calls == [0]  # called once; the worker stopped taking after it
    [patch] = patches(las_emulator)  # one PATCH: the release
    assert patch["status"] == "retry"
    assert patch["error"]["message"].startswith(
        f"released: the function raised {type(interruption).__name__}"
    )
    assert worker.counters == las.WorkerCounters(taken=1, released=1)
    statuses = sorted(e["status"] for e in client.list_transition_executions(transition_id)["executions"])
    assert statuses == ["retry", "running", "running"]


@pytest.mark.parametrize(
    "error", [Boom("out of the blue"), GeneratorExit("closed")], ids=["custom", "GeneratorExit"]
)
def test_another_base_exception_fails_its_execution_once_naming_it_and_the_worker_goes_on(
    client: las.Client, las_emulator: Emulator, error: BaseException
) -> None:
    transition_id = running_executions(client, 3)
    calls = []

    def broken(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        if event["n"] == 0:
            raise error
        return {}

    worker = las.Worker(transition_id, broken, session=client, concurrency=1, poll_interval=0.05)
    started = time.monotonic()
    counters = worker.run(until_idle=True, handle_signals=False)
    assert time.monotonic() - started < 20  # it ended by itself (it used to loop for ever)
    assert sorted(calls) == [0, 1, 2]  # once each
    assert set(recorded(las_emulator, "PATCH").values()) == {1}
    [failed] = [p for p in patches(las_emulator) if p["status"] == "failed"]
    assert failed["error"]["message"].startswith(f"{type(error).__name__}: {error}")
    assert "Traceback" in failed["error"]["message"]
    assert counters == las.WorkerCounters(taken=3, succeeded=2, failed=1)


class _ExitsWhenDescribed(Exception):
    def __str__(self) -> str:
        raise SystemExit("from __str__")


def test_an_exception_whose_message_raises_systemexit_fails_its_execution_once(
    client: las.Client, las_emulator: Emulator
) -> None:
    """Describing what the function raised raises SystemExit (its ``__str__``): the execution
    still ends ``failed``, once, saying the message could not be made; the task's thread died
    and the function was called again at each poll."""
    transition_id = running_executions(client, 1)
    calls: list[int] = []

    def broken(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        raise _ExitsWhenDescribed()

    worker = las.Worker(transition_id, broken, session=client, poll_interval=0.05)
    out: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: out.update(c=worker.run(until_idle=True, handle_signals=False)))
    thread.start()
    thread.join(5)
    if thread.is_alive():
        worker.stop(release=True)
        thread.join(10)
    assert calls == [0], f"the function was called {len(calls)} times"
    [failed] = patches(las_emulator)
    assert failed["status"] == "failed"
    assert "could not be made: SystemExit" in failed["error"]["message"]
    assert out["c"] == las.WorkerCounters(taken=1, failed=1)


def test_a_cancellation_raised_by_a_plain_function_releases_its_execution_not_fails_it(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = running_executions(client, 1)

    def cancelled(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        raise asyncio.CancelledError

    counters = las.Worker(transition_id, cancelled, session=client, poll_interval=0.05).run(
        until_idle=True, handle_signals=False
    )
    [patch] = patches(las_emulator)
    assert patch["status"] == "retry"
    assert patch["error"]["message"].startswith("released: the function raised CancelledError")
    assert counters == las.WorkerCounters(taken=1, released=1)


# -- one execution that keeps failing -----------------------------------------------------------


def test_an_execution_whose_completion_keeps_failing_is_retried_with_backoff_not_in_a_tight_loop(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = running_executions(client, 1)
    calls = []

    def work(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event)
        return {}

    las_emulator.fail_next(100_000, status=503, method="PATCH")  # every completion is refused
    las_emulator.clear_requests()
    worker = las.Worker(transition_id, work, session=client, poll_interval=0.05, patience=0)
    _run_in_thread(worker, 2.0)
    las_emulator.clear_faults()
    assert len(calls) == 1  # the function ran once; its completion is what is tried again
    assert_bounded_retries(las_emulator, transition_id, 2.0, 0.05)


def test_an_execution_whose_take_keeps_failing_is_retried_with_backoff(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = running_executions(client, 1)
    [execution] = client.list_transition_executions(transition_id)["executions"]
    path = f"/transitions/{transition_id}/executions/{execution['executionId']}"
    las_emulator.fail_next(100_000, status=404, method="GET", path=path)  # listed, but "gone"
    las_emulator.clear_requests()
    worker = las.Worker(transition_id, lambda c, e: {}, session=client, poll_interval=0.05)
    _run_in_thread(worker, 2.0)
    las_emulator.clear_faults()
    takes = sum(1 for r in las_emulator.requests if r.path == path)
    assert 2 <= takes <= 10, takes


# -- a function that hangs past its execution's end ---------------------------------------------


def test_heartbeats_stop_at_the_apis_final_answer_and_the_function_is_told(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = running_executions(client, 1)
    [execution] = client.list_transition_executions(transition_id)["executions"]
    execution_id = execution["executionId"]
    told: list[str | None] = []

    def hangs(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        assert current_execution()["executionId"] == execution_id
        # Someone ends the execution while the function works (a person, a timeout).
        las_client.update_transition_execution(
            transition_id, execution_id, "rejected", error={"message": "by hand"}
        )
        told.append(None if not las.workers.cancellation().wait(30) else las.workers.cancellation().reason)
        return {"late": True}

    counters = las.Worker(transition_id, hangs, session=client, heartbeat_interval=0.05).run(
        until_idle=True, handle_signals=False
    )
    [reason] = told
    assert reason is not None and execution_id in reason and "rejected" in reason
    beats = [r for r in las_emulator.requests if r.path.endswith(f"{execution_id}/heartbeats")]
    refused = [i for i, r in enumerate(beats) if r.status != 204]
    assert len(refused) == 1 and refused[0] == len(beats) - 1  # nothing after the final answer
    assert counters.superseded == 1 and counters.succeeded == 0
    assert client.get_transition_execution(transition_id, execution_id)["status"] == "rejected"


def test_heartbeats_stop_when_the_api_times_the_execution_out(
    client: las.Client, las_emulator: Emulator
) -> None:
    las_emulator.clock.freeze()
    transition_id = running_executions(client, 1)
    timed_out = threading.Event()

    def hangs(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        execution_id = current_execution()["executionId"]
        wait_until(
            lambda: recorded(las_emulator, "POST", suffix="/heartbeats")[execution_id] >= 1, what="a beat"
        )
        las_emulator.clock.advance(1801)  # past the transition's timeoutInSeconds
        timed_out.set()
        las.workers.cancellation().wait(30)
        time.sleep(0.3)  # a hung function: heartbeats would keep going here
        return {}

    counters = las.Worker(transition_id, hangs, session=client, heartbeat_interval=0.02).run(
        until_idle=True, handle_signals=False
    )
    assert timed_out.is_set()
    beats = [r.status for r in las_emulator.requests if r.path.endswith("/heartbeats")]
    assert beats[-1] == 400 and beats.count(400) == 1, beats
    assert counters.superseded == 1


def test_a_refused_heartbeat_of_a_running_execution_is_not_final(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = running_executions(client, 1)
    seen = []

    def slow(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        las_emulator.fail_next(2, status=400, method="POST", path=HEARTBEATS)
        execution_id = current_execution()["executionId"]
        wait_until(
            lambda: recorded(las_emulator, "POST", suffix="/heartbeats", status=204)[execution_id] >= 2,
            what="heartbeats through after the refusals",
        )
        seen.append(las.workers.cancellation().cancelled)
        return {}

    counters = las.Worker(transition_id, slow, session=client, heartbeat_interval=0.02).run(
        until_idle=True, handle_signals=False
    )
    assert seen == [False]
    assert (counters.succeeded, counters.heartbeat_errors) == (1, 2)


def test_a_released_function_is_told(client: las.Client, las_emulator: Emulator) -> None:
    transition_id = running_executions(client, 1)
    started, told = threading.Event(), threading.Event()

    def stuck(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        if las.workers.cancellation().wait(30):
            told.set()
        return {}

    worker = las.Worker(transition_id, stuck, session=client, poll_interval=0.05, grace_period=0)
    stopper = threading.Thread(target=lambda: (started.wait(30), worker.stop()))
    stopper.start()
    counters = worker.run(handle_signals=False)
    stopper.join()
    assert told.wait(30)
    assert counters.released == 1
    wait_until(
        lambda: not [t for t in threading.enumerate() if t.name.startswith("las-worker:")], what="the task"
    )
    assert [p["status"] for p in patches(las_emulator)] == ["retry"]


def test_cancellation_outside_a_function_names_where_it_works() -> None:
    with pytest.raises(RuntimeError, match="inside a function run by"):
        las.workers.cancellation()


# -- Ctrl-C twice, without the worker's signal handlers ----------------------------------------

CTRL_C_SCRIPT = textwrap.dedent(
    """
    import logging, pathlib, sys
    import las

    transition_id, flags = sys.argv[1], pathlib.Path(sys.argv[2])
    logging.basicConfig(filename=flags / "log.txt", level=logging.INFO)

    def work(client, event):
        (flags / f"started-{event['n']}").touch()
        las.workers.cancellation().wait(60)
        return {}

    worker = las.Worker(transition_id, work, concurrency=2, poll_interval=0.05, grace_period=None)
    worker.run(handle_signals=False)  # Ctrl-C is Python's KeyboardInterrupt here
    """
)


def _start(
    script_text: str, transition_id: str, las_emulator: Emulator, tmp_path: Path
) -> tuple[subprocess.Popen[str], Path]:
    """Run a worker script (argv: the transition id, a folder for its flags) against the emulator."""
    script, flags = tmp_path / "worker.py", tmp_path / "flags"
    script.write_text(script_text)
    flags.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(script), transition_id, str(flags)],
        env=environment_for(las_emulator, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, flags


def test_a_second_ctrl_c_while_a_stop_waits_releases_the_work_in_hand_and_is_raised(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    transition_id = running_executions(client, 3)
    process, flags = _start(CTRL_C_SCRIPT, transition_id, las_emulator, tmp_path)
    try:
        wait_until(lambda: len(list(flags.glob("started-*"))) == 2, what="two executions in hand")
        process.send_signal(signal.SIGINT)  # KeyboardInterrupt in run(): a graceful stop waits
        log = flags / "log.txt"
        wait_until(lambda: log.exists() and "waiting for" in log.read_text(), what="the stop to wait")
        process.send_signal(signal.SIGINT)  # the second one, while it waits for ever
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0 and "KeyboardInterrupt" in err
    statuses = sorted(e["status"] for e in client.list_transition_executions(transition_id)["executions"])
    assert statuses == ["retry", "retry", "running"]  # none left running without a status
    assert [p["status"] for p in patches(las_emulator)] == ["retry", "retry"]


RELEASE_CTRL_C_SCRIPT = textwrap.dedent(
    """
    import pathlib, sys
    import las

    transition_id, flags = sys.argv[1], pathlib.Path(sys.argv[2])

    def work(client, event):
        (flags / f"started-{event['n']}").touch()
        las.workers.cancellation().wait(60)
        (flags / f"ended-{event['n']}").touch()
        return {}

    worker = las.Worker(transition_id, work, concurrency=2, poll_interval=0.05, grace_period=0)
    worker.run(handle_signals=False)  # Ctrl-C is Python's KeyboardInterrupt here
    """
)


def test_a_second_ctrl_c_while_a_release_is_on_the_wire_still_releases_the_rest_and_is_raised(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    transition_id = running_executions(client, 3)
    las_emulator.delay_next(1, 3.0, method="PATCH")  # the first release's answer is slow
    process, flags = _start(RELEASE_CTRL_C_SCRIPT, transition_id, las_emulator, tmp_path)
    try:
        wait_until(lambda: len(list(flags.glob("started-*"))) == 2, what="two executions in hand")
        process.send_signal(signal.SIGINT)  # the stop tells both functions, which end at once
        wait_until(lambda: len(list(flags.glob("ended-*"))) == 2, what="both functions to end")
        time.sleep(0.7)  # the first release's PATCH is on the wire
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode != 0 and "KeyboardInterrupt" in err
    wait_until(lambda: len(patches(las_emulator)) >= 2, timeout=10, what="the held PATCH to land")
    statuses = sorted(e["status"] for e in client.list_transition_executions(transition_id)["executions"])
    assert statuses == ["retry", "retry", "running"]  # none taken left without a status


def test_an_abandoned_function_raising_systemexit_later_does_not_stop_the_next_run(
    client: las.Client, las_emulator: Emulator
) -> None:
    """What an abandoned function raises belongs to no run, not to the one running then."""
    transition_id = manual_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    client.execute_workflow(workflow_id, {"n": 0})
    let_go = threading.Event()
    calls: list[int] = []

    def work(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event["n"])
        if event["n"] == 0:
            let_go.wait(30)  # deaf to its cancellation: abandoned by the first run
            raise SystemExit(7)
        let_go.set()
        time.sleep(0.5)  # the abandoned function's SystemExit lands meanwhile
        return {"n": event["n"]}

    worker = las.Worker(
        transition_id, work, session=client, concurrency=1, poll_interval=0.05, grace_period=0
    )

    def stop_once_called() -> None:
        wait_until(lambda: calls == [0], what="the first call")
        worker.stop()

    stopper = threading.Thread(target=stop_once_called)
    stopper.start()
    try:
        worker.run(handle_signals=False)
    finally:
        stopper.join()
    assert worker.counters.released == 1
    client.execute_workflow(workflow_id, {"n": 1})
    outcome: list[object] = []

    def second() -> None:
        try:
            outcome.append(worker.run(until_idle=True, handle_signals=False))
        except BaseException as error:  # what the second run raised is the finding
            outcome.append(error)

    runner = threading.Thread(target=second, daemon=True)
    runner.start()
    runner.join(20)
    if runner.is_alive():
        worker.stop(release=True)
        runner.join(10)
    let_go.set()
    [result] = outcome
    assert isinstance(result, las.workers.WorkerCounters), f"the second run raised {result!r}"
    assert result.succeeded == 1, result
    wait_until(
        lambda: not [t for t in threading.enumerate() if t.name.startswith("las-worker:")], what="the tasks"
    )


# -- the handler --------------------------------------------------------------------------------


def _handled(client: las.Client, emulator: Emulator, function: Any) -> tuple[Platform, str]:
    transition_id = docker_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    handler = las.transition_handler(heartbeat_interval=0.02)(function)
    platform = Platform(emulator, client, transition_id)
    platform.serve(lambda environ: handler(session=client, environ=environ))
    client.execute_workflow(workflow_id, {})
    return platform, transition_id


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SystemExit(2), "retry"),
        (KeyboardInterrupt(), "retry"),
        (Boom("x"), "failed"),
        (GeneratorExit(), "failed"),
    ],
    ids=["SystemExit", "KeyboardInterrupt", "custom", "GeneratorExit"],
)
def test_the_handler_completes_an_execution_whatever_the_function_raises_and_raises_it_again(
    client: las.Client, las_emulator: Emulator, error: BaseException, status: str
) -> None:
    def raises(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        raise error

    platform, transition_id = _handled(client, las_emulator, raises)
    [raised] = platform.raised
    assert raised is error  # the container exits as the function asked
    [patch] = patches(las_emulator)
    assert patch["status"] == status
    assert type(error).__name__ in patch["error"]["message"]
    [execution_id] = platform.runs
    assert client.get_transition_execution(transition_id, execution_id)["status"] == status


def test_the_handlers_heartbeats_stop_at_the_apis_final_answer_and_the_function_is_told(
    client: las.Client, las_emulator: Emulator
) -> None:
    told = []

    def hangs(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        execution = current_execution()
        las_client.update_transition_execution(
            execution["transitionId"], execution["executionId"], "failed", error={"message": "timed out"}
        )
        told.append(las.workers.cancellation().wait(30))
        time.sleep(0.2)  # still hung: no heartbeat may go out now
        return {}

    _handled(client, las_emulator, hangs)
    assert told == [True]
    beats = [r.status for r in las_emulator.requests if r.path.endswith("/heartbeats")]
    assert beats[-1] == 400 and beats.count(400) == 1, beats


# -- a heartbeat whose answer never comes -------------------------------------------------------


def test_a_heartbeat_without_an_answer_does_not_hold_up_the_others(
    client: las.Client, las_emulator: Emulator
) -> None:
    transition_id = running_executions(client, 2)
    first, second = (e["executionId"] for e in client.list_transition_executions(transition_id)["executions"])
    both = threading.Barrier(2)
    gaps: list[float] = []

    def work(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        both.wait(30)
        if current_execution()["executionId"] == first:
            return {}  # its completion must not wait for the hung heartbeat's answer either
        # The first one's heartbeats now hang (answers 30 s late); this one's keep coming.
        las_emulator.delay_next(
            100, 30.0, method="POST", path=f"/transitions/{transition_id}/executions/{first}/heartbeats"
        )
        before = time.monotonic()
        for _ in range(3):
            seen = recorded(las_emulator, "POST", suffix="/heartbeats", status=204)[second]
            wait_until(
                lambda seen=seen: (
                    recorded(las_emulator, "POST", suffix="/heartbeats", status=204)[second] > seen
                ),
                timeout=20,
                what="a heartbeat",
            )
            gaps.append(time.monotonic() - before)
            before = time.monotonic()
        return {}

    started = time.monotonic()
    counters = las.Worker(transition_id, work, session=client, concurrency=2, heartbeat_interval=0.05).run(
        until_idle=True, handle_signals=False
    )
    assert counters.succeeded == 2
    assert max(gaps) < 5, gaps  # a hung heartbeat gives up within its interval (1 s at least)
    assert time.monotonic() - started < 20


# -- docker stop: SIGTERM to a handler's container, once and twice ------------------------------

HANDLER_SCRIPT = textwrap.dedent(
    """
    import pathlib, sys, time
    import las

    flags = pathlib.Path(sys.argv[1])

    @las.transition_handler(heartbeat_interval=0.05)
    def handle(las_client, event):
        try:
            (flags / "started").touch()  # inside the try: a SIGTERM right after it is cleaned up too
            time.sleep(60)
        finally:
            (flags / "cleaned-up").touch()  # the function's own cleanup runs
        return {}

    handle()
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signals", [1, 2], ids=["once", "twice"])
def test_sigterm_to_a_handler_releases_its_execution_and_exits_143(
    client: las.Client, las_emulator: Emulator, tmp_path: Path, signals: int
) -> None:
    transition_id = manual_transition(client)
    execution_id = client.execute_transition(transition_id)["executionId"]
    script, flags = tmp_path / "handler.py", tmp_path / "flags"
    script.write_text(HANDLER_SCRIPT)
    flags.mkdir()
    if signals == 2:  # the release's PATCH is held: the second SIGTERM comes while it waits
        las_emulator.delay_next(1, 30.0, method="PATCH")
    environ = environment_for(las_emulator, tmp_path, TRANSITION_ID=transition_id, EXECUTION_ID=execution_id)
    process = subprocess.Popen(
        [sys.executable, str(script), str(flags)], env=environ, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until(lambda: (flags / "started").exists(), what="the function to start")
        process.send_signal(signal.SIGTERM)
        if signals == 2:
            wait_until(lambda: (flags / "cleaned-up").exists(), what="the first SIGTERM to be handled")
            process.send_signal(signal.SIGTERM)
        second = time.monotonic()
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (flags / "cleaned-up").exists()
    if signals == 2:  # ended at once by the second one, not after the held release
        assert process.returncode == -signal.SIGTERM
        assert time.monotonic() - second < 20
        return
    assert process.returncode == 143, err
    [patch] = patches(las_emulator)
    assert patch["status"] == "retry"
    assert patch["error"]["message"].startswith("released: the function raised SystemExit: 143")
    assert client.get_transition_execution(transition_id, execution_id)["status"] == "retry"


# -- the poll, on a thread of its own --------------------------------------------------------

LISTING = "/transitions/{transitionId}/executions"


def test_a_listing_outside_the_contract_is_counted_as_an_error_and_the_worker_polls_again(
    client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A page that is not a JSON object raises InvalidResponseError on the poll's own thread:
    the loop counts it in ``errors``, logs it, polls again and takes the execution."""
    transition_id = running_executions(client, 1)
    las_emulator.fail_next(1, status=200, body=b"[]", method="GET", path=LISTING)
    worker = las.Worker(transition_id, lambda c, e: {}, session=client, concurrency=1, poll_interval=0.05)
    runner = threading.Thread(target=worker.run, kwargs={"until_idle": True, "handle_signals": False})
    runner.start()
    runner.join(20)
    assert not runner.is_alive(), "the worker did not go on after the failed poll"
    assert worker.counters.errors == 1, worker.counters
    assert worker.counters.succeeded == 1, worker.counters
    failures = [r.getMessage() for r in caplog.records if "listing the running executions" in r.getMessage()]
    assert len(failures) == 1, failures
    assert not [t.name for t in threading.enumerate() if t.name == "las-worker-poll"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_a_listing_is_held_stops_the_worker_before_its_answer(
    client: las.Client, las_emulator: Emulator
) -> None:
    """SIGINT (handle_signals=True, run() on the main thread) while the API holds a poll's
    listing 1 s: the worker's handler stops it at once; run() returns before the listing's
    answer, which takes nothing."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set on the main thread only")
    transition_id = running_executions(client, 1)
    las_emulator.clear_requests()  # the worker's listing is the only one
    las_emulator.delay_next(1, 1.0, method="GET", path=LISTING)
    worker = las.Worker(transition_id, lambda c, e: {}, session=client, concurrency=1, poll_interval=0.05)
    sent: list[float] = []

    def ctrl_c() -> None:
        time.sleep(0.3)  # the listing reaches the API (checked below)
        sent.append(time.monotonic())
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    # A SIGINT outside run() (no handler of the worker's) must not end the test session.
    previous = signal.signal(signal.SIGINT, lambda number, frame: None)
    interrupter = threading.Thread(target=ctrl_c, daemon=True)
    try:
        interrupter.start()
        counters = worker.run(handle_signals=True)
        returned = time.monotonic()
        interrupter.join(5)
        wait_until(lambda: las_emulator.requests, timeout=10, what="the listing's answer")
    finally:
        signal.signal(signal.SIGINT, previous)
        las_emulator.clear_faults()
    [listing] = [r for r in las_emulator.requests if r.path == f"/transitions/{transition_id}/executions"]
    assert sent and listing.received_at < sent[0], "the listing had not reached the API at the signal"
    assert returned < listing.received_at + 1.0, "run() waited for the held listing's answer"
    assert counters.taken == 0, counters
    wait_until(
        lambda: not [t for t in threading.enumerate() if t.name == "las-worker-poll"],
        timeout=10,
        what="the poll's thread to end",
    )
    assert [(r.method, r.path) for r in las_emulator.requests] == [("GET", listing.path)]


def test_a_ctrl_c_in_thread_start_after_the_thread_began_keeps_its_execution_in_hand(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt raised in Thread.start() once the execution's thread has begun (a
    Ctrl-C in start()'s wait for it): run() raises it once that execution is released, and the
    next run does not call the function on it again (let go, the thread took it out of the
    worker's hands, and the next run took it a second time)."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    calls: list[str] = []

    def honest(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(execution_id)
        las.workers.cancellation().wait(0.5)
        return {}

    real_start, armed = threading.Thread.start, threading.Event()
    armed.set()

    def start(self: threading.Thread) -> None:
        real_start(self)
        if armed.is_set() and self.name.startswith("las-worker:"):
            armed.clear()
            time.sleep(0.1)  # the thread is under way when the Ctrl-C lands
            raise KeyboardInterrupt

    monkeypatch.setattr(threading.Thread, "start", start)
    worker = las.Worker(
        transition_id, honest, session=las_client, concurrency=1, poll_interval=0.05, grace_period=0
    )
    with pytest.raises(KeyboardInterrupt):
        worker.run(handle_signals=False)
    worker.run(until_idle=True, handle_signals=False)
    time.sleep(0.6)  # a function taken out of the worker's hands would have been called again by now
    assert calls == [execution_id]
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] != "running"
