"""A Worker in a real process stops gracefully on SIGTERM and SIGINT."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import _heartbeats
from tests.workers.conftest import (
    environment_for,
    manual_transition,
    running_execution_ids,
    single_step_workflow,
    wait_until,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

WORKER_SCRIPT = textwrap.dedent(
    """
    import dataclasses, json, logging, pathlib, sys, time
    import las

    transition_id, flags, grace = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    logging.basicConfig(filename=flags / "log.txt", level=logging.INFO)

    def work(client, event):
        (flags / f"started-{event['n']}").touch()
        deadline = time.monotonic() + 60
        while not (flags / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return {"n": event["n"]}

    worker = las.Worker(
        transition_id, work, concurrency=2, poll_interval=0.05, heartbeat_interval=0.5,
        grace_period=None if grace == "none" else float(grace),
    )
    print(json.dumps(dataclasses.asdict(worker.run())))
    """
)


def _start(
    client: las.Client, emulator: Emulator, tmp_path: Path, grace: str, executions: int = 6
) -> tuple[str, subprocess.Popen[str], Path]:
    transition_id = manual_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    for n in range(executions):
        client.execute_workflow(workflow_id, {"n": n})
    script, flags = tmp_path / "worker.py", tmp_path / "flags"
    script.write_text(WORKER_SCRIPT)
    flags.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(script), transition_id, str(flags), grace],
        env=environment_for(emulator, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return transition_id, process, flags


def _started(flags: Path) -> set[int]:
    return {int(path.name.split("-")[1]) for path in flags.glob("started-*")}


def _log(flags: Path) -> str:
    path = flags / "log.txt"
    return path.read_text() if path.exists() else ""


def _finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    counters: dict[str, Any] = json.loads(out)
    return counters


def _by_status(client: las.Client, transition_id: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for execution in client.list_transition_executions(transition_id)["executions"]:
        grouped.setdefault(execution["status"], []).append(execution)
    return grouped


def test_sigterm_finishes_the_work_in_hand_and_takes_no_more(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    transition_id, process, flags = _start(client, las_emulator, tmp_path, grace="30")
    try:
        wait_until(lambda: len(_started(flags)) == 2, what="two executions in hand")
        process.send_signal(signal.SIGTERM)
        wait_until(lambda: "stopping" in _log(flags), what="the worker to see the signal")
        (flags / "go").touch()
        counters = _finish(process)
    finally:
        process.kill()
    assert (counters["taken"], counters["succeeded"], counters["released"]) == (2, 2, 0)
    assert len(_started(flags)) == 2  # nothing was taken after the signal
    statuses = _by_status(client, transition_id)
    assert {e["output"]["n"] for e in _succeeded_workflow_executions(client)} == _started(flags)
    assert (len(statuses["succeeded"]), len(statuses["running"])) == (2, 4)
    patched = {r.path.rsplit("/", 1)[1] for r in las_emulator.requests if r.method == "PATCH"}
    assert patched == {e["executionId"] for e in statuses["succeeded"]}  # the rest untouched


def _succeeded_workflow_executions(client: las.Client) -> list[dict[str, Any]]:
    [workflow] = client.list_workflows()["workflows"]
    executions: list[dict[str, Any]] = client.list_workflow_executions(
        workflow["workflowId"], status="succeeded"
    )["executions"]
    return executions


def test_sigterm_past_the_grace_period_releases_the_work_in_hand(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    transition_id, process, flags = _start(client, las_emulator, tmp_path, grace="0.2")
    try:
        wait_until(lambda: len(_started(flags)) == 2, what="two executions in hand")
        process.send_signal(signal.SIGTERM)
        counters = _finish(process)  # the functions never finish: the worker must not wait for them
    finally:
        process.kill()
    assert (counters["taken"], counters["released"], counters["succeeded"]) == (2, 2, 0)
    statuses = _by_status(client, transition_id)
    assert (len(statuses["retry"]), len(statuses["running"])) == (2, 4)
    messages = [r.json["error"]["message"] for r in las_emulator.requests if r.method == "PATCH"]
    assert len(messages) == 2 and all(m.startswith("released: the worker stopped") for m in messages)


def test_a_second_signal_releases_at_once(client: las.Client, las_emulator: Emulator, tmp_path: Path) -> None:
    transition_id, process, flags = _start(client, las_emulator, tmp_path, grace="none")
    try:
        wait_until(lambda: len(_started(flags)) == 2, what="two executions in hand")
        process.send_signal(signal.SIGTERM)
        wait_until(lambda: "stopping" in _log(flags), what="the worker to see the first signal")
        process.send_signal(signal.SIGINT)
        counters = _finish(process)
    finally:
        process.kill()
    assert (counters["taken"], counters["released"]) == (2, 2)
    assert len(_by_status(client, transition_id)["retry"]) == 2


@pytest.mark.parametrize("installed", [0, 1], ids=["before-any-handler", "between-the-handlers"])
def test_a_ctrl_c_as_run_installs_its_signal_handlers_leaves_the_worker_able_to_run_again(
    installed: int, las_client: las.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt while run() installs its signal handlers (after it marked the worker
    running): the handlers it installed go back and the next run() runs (it raised "already
    running", for good)."""
    transition_id, _ = running_execution_ids(las_client, 1)
    worker = las.Worker(transition_id, lambda client, event: {}, session=las_client, poll_interval=0.05)
    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    real_signal, calls = signal.signal, [0]

    def interrupted(number: int, handler: Any) -> Any:
        calls[0] += 1
        if calls[0] == installed + 1:
            raise KeyboardInterrupt  # Ctrl-C as run() begins
        return real_signal(number, handler)

    monkeypatch.setattr(signal, "signal", interrupted)
    with pytest.raises(KeyboardInterrupt):
        worker.run(until_idle=True)
    monkeypatch.setattr(signal, "signal", real_signal)
    assert {number: signal.getsignal(number) for number in before} == before
    assert worker.run(until_idle=True, handle_signals=False).succeeded == 1


@pytest.mark.parametrize("handle_signals", [True, False], ids=["own-handlers", "no-handlers"])
def test_a_ctrl_c_while_run_closes_its_heartbeats_leaves_the_worker_able_to_run_again(
    handle_signals: bool, las_client: las.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt while run() ends, in the join of its heartbeats' threads: run()
    raises it, the previous signal handlers are back and the next run() runs (it raised
    "already running", for good)."""
    transition_id, _ = running_execution_ids(las_client, 1)
    worker = las.Worker(transition_id, lambda client, event: {}, session=las_client, poll_interval=0.05)
    before = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    real_close = _heartbeats.Heartbeats.close

    def interrupted(self: _heartbeats.Heartbeats, timeout: float | None = None) -> list[str]:
        real_close(self, timeout)
        raise KeyboardInterrupt  # a Ctrl-C in close()'s join

    monkeypatch.setattr(_heartbeats.Heartbeats, "close", interrupted)
    with pytest.raises(KeyboardInterrupt):
        worker.run(until_idle=True, handle_signals=handle_signals)
    monkeypatch.setattr(_heartbeats.Heartbeats, "close", real_close)
    assert {number: signal.getsignal(number) for number in before} == before
    assert worker.run(until_idle=True, handle_signals=False).succeeded == 1


def test_a_ctrl_c_as_run_returns_is_raised_and_does_not_stop_the_next_run(
    las_client: las.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SIGINT as run() marks its run ended: the program's own handler gets it (a
    KeyboardInterrupt), not the worker's, which made it a stop kept for the next run: that run
    returned at once, taking nothing, and the Ctrl-C was swallowed."""
    transition_id, _ = running_execution_ids(las_client, 1)
    real_end, signalled = las.Worker._end, []

    def end(self: las.Worker, heartbeat_failures: int) -> None:
        real_end(self, heartbeat_failures)
        if not signalled:
            signalled.append(True)
            signal.raise_signal(signal.SIGINT)  # Ctrl-C as the run ends

    monkeypatch.setattr(las.Worker, "_end", end)
    worker = las.Worker(transition_id, lambda client, event: {}, session=las_client, poll_interval=0.05)
    worker.stop()  # the run returns at once
    before = signal.signal(signal.SIGINT, signal.default_int_handler)  # Python's, whatever the runner's
    try:
        with pytest.raises(KeyboardInterrupt):
            worker.run()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert worker.run(until_idle=True).taken == 1
    finally:
        signal.signal(signal.SIGINT, before)
