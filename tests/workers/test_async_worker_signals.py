"""An AsyncWorker in a real process stops gracefully on SIGTERM and SIGINT (the sync Worker's
tests in tests/workers/test_worker_signals.py, with the worker on asyncio)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from tests.workers.conftest import environment_for, manual_transition, single_step_workflow, wait_until
from tests.workers.test_worker_signals import (
    _by_status,
    _finish,
    _log,
    _started,
    _succeeded_workflow_executions,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

WORKER_SCRIPT = textwrap.dedent(
    """
    import asyncio, dataclasses, json, logging, pathlib, sys
    import las

    transition_id, flags, grace = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    logging.basicConfig(filename=flags / "log.txt", level=logging.INFO)

    async def work(client, event):
        (flags / f"started-{event['n']}").touch()
        for _ in range(6000):
            if (flags / "go").exists():
                break
            await asyncio.sleep(0.01)
        return {"n": event["n"]}

    async def main():
        async with las.AsyncSession() as session:
            worker = las.AsyncWorker(
                transition_id, work, session=session, concurrency=2, poll_interval=0.05,
                heartbeat_interval=0.5, grace_period=None if grace == "none" else float(grace),
            )
            print(json.dumps(dataclasses.asdict(await worker.run())))

    asyncio.run(main())
    """
)


def _start(
    client: las.Client, emulator: Emulator, tmp_path: Path, grace: str, executions: int = 6
) -> tuple[str, subprocess.Popen[str], Path]:
    transition_id = manual_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    for n in range(executions):
        client.execute_workflow(workflow_id, {"n": n})
    script, flags = tmp_path / "async_worker.py", tmp_path / "flags"
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


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_finishes_the_work_in_hand_and_takes_no_more(
    client: las.Client, las_emulator: Emulator, tmp_path: Path, number: signal.Signals
) -> None:
    transition_id, process, flags = _start(client, las_emulator, tmp_path, grace="30")
    try:
        wait_until(lambda: len(_started(flags)) == 2, what="two executions in hand")
        process.send_signal(number)
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


def test_sigterm_past_the_grace_period_releases_the_work_in_hand(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    transition_id, process, flags = _start(client, las_emulator, tmp_path, grace="0.2")
    try:
        wait_until(lambda: len(_started(flags)) == 2, what="two executions in hand")
        process.send_signal(signal.SIGTERM)
        counters = _finish(process)  # the coroutines never finish: they are cancelled
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


APP_HANDLER_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    import las

    async def main():
        seen = []
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, seen.append, "the application's")  # as servers do
        async with las.AsyncSession() as session:
            async def work(client, event):
                return {}
            await las.AsyncWorker(sys.argv[1], work, session=session, poll_interval=0.05).run(until_idle=True)
        os.kill(os.getpid(), signal.SIGTERM)  # after run(): the application's handler, not death
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        print(seen)

    asyncio.run(main())
    """
)


def test_the_applications_own_loop_signal_handler_comes_back_after_run(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    """Found by a review: run() replaced a handler the application had added to the loop, then
    removed it, so SIGTERM killed the process instead of reaching the application."""
    transition_id = manual_transition(client)
    script = tmp_path / "app.py"
    script.write_text(APP_HANDLER_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), transition_id],
        env=environment_for(las_emulator, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == '["the application\'s"]'
