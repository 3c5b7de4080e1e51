"""How long las.AsyncWorker.run() holds back a cancellation (``asyncio.wait_for``, a TaskGroup,
repeated cancels) when the API is slow or failing: only for the requests on the wire, never
for a completion's retry waits nor for a take's GET. Each scenario runs on its own loop in a
thread, joined with a timeout, so that the test stays bounded whatever the worker does."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import _worker_base
from tests.workers.conftest import recorded, running_execution_ids, running_executions, wait_until

pytestmark = pytest.mark.usefixtures("no_stray_heartbeat_threads")

EXECUTION_PATH = "/transitions/{transitionId}/executions/{executionId}"

Main = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]


def _on_own_loop(main: Main) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``main(out)`` with asyncio.run on a thread; what it raised, and when, land in ``out``."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            asyncio.run(main(out))
        except BaseException as error:  # what the run raised is the finding
            out["raised"] = error
        out["ended"] = time.monotonic()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, out


async def _quick(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True}


def test_a_cancellation_is_not_held_back_by_a_completions_retries(
    las_client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A completion meeting 503s (retries for up to ``patience``, 300 s) when the task awaiting
    run() is cancelled, then three more cancellations: run() ends after one last attempt, with a
    warning that the API will time the execution out."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    las_emulator.fail_next(1000, status=503, method="PATCH")
    caplog.set_level(logging.WARNING, logger="las.workers")

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(transition_id, _quick, session=client, concurrency=1, poll_interval=0.05)
            out["task"], out["loop"] = asyncio.current_task(), asyncio.get_running_loop()

            async def cancel_once_refused() -> None:  # a timeout around run(), as asyncio.timeout
                while not recorded(las_emulator, "PATCH", status=503):
                    await asyncio.sleep(0.01)
                out["task"].cancel()
                out["refused"] = True

            canceller = asyncio.ensure_future(cancel_once_refused())
            try:
                await worker.run(handle_signals=False)
            finally:
                canceller.cancel()

    thread, out = _on_own_loop(main)
    try:
        wait_until(lambda: "refused" in out or "ended" in out, timeout=20, what="a refused completion")
        time.sleep(0.5)
        for _ in range(3):  # a TaskGroup, an anyio scope, asyncio.run's shutdown...
            if "ended" not in out:
                out["loop"].call_soon_threadsafe(out["task"].cancel)
            time.sleep(0.2)
        thread.join(15)  # the retries alone would last 300 s
        assert not thread.is_alive(), "run() held back a cancellation and three more for > 15 s"
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    assert isinstance(out.get("raised"), asyncio.CancelledError), out
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "running"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(execution_id in m and "will time it out" in m for m in warnings), warnings


def test_a_take_on_the_wire_does_not_hold_back_a_cancellation(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """A take's GET held 8 s by the API when a timeout of 0.5 s around run() fires: the take is
    cancelled (a take that finds the worker stopping leaves its execution untouched)."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    las_emulator.delay_next(1, 8.0, method="GET", path=EXECUTION_PATH)  # the take; the listing is quick

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(transition_id, _quick, session=client, concurrency=1, poll_interval=0.05)
            started = time.monotonic()
            try:
                await asyncio.wait_for(worker.run(handle_signals=False), 0.5)
            except asyncio.TimeoutError:
                pass
            out["took"] = time.monotonic() - started
            out["counters"] = worker.counters

    thread, out = _on_own_loop(main)
    try:
        thread.join(30)
        assert "took" in out, out
        assert out["took"] < 4.0, (
            f"a timeout of 0.5 s around run() took {out['took']:.1f} s (a take's GET held it)"
        )
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    assert out["counters"].taken == 0, out
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "running"


def test_a_stop_ends_within_its_bound_while_the_api_holds_its_answers(
    las_client: las.Client,
    las_emulator: Emulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As for las.Worker: a completion's PATCH sent before the stop and the release's PATCH
    held 10 s by the API; stop(release=True) with grace_period=0 returns within STOP_BOUND
    (LAST_REQUESTS cut to 0.5 s): the release ends at the stop's deadline and its last attempt
    lands; the completion is cancelled on the wire, named in a warning."""
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.5)
    bound = _worker_base.ABANDON_AFTER + 0.5 + _worker_base._LAST_ANSWERS
    transition_id = running_executions(las_client, 2)
    ended: dict[str, str] = {}
    caplog.set_level(logging.WARNING, logger="las.workers")

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        if event["n"] == 1:
            await asyncio.sleep(60)  # cancelled by the release
        ended[las.workers.current_execution()["executionId"]] = "quick"
        return {}

    las_emulator.delay_next(2, 10.0, method="PATCH", path=EXECUTION_PATH)

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(
                transition_id, work, session=client, concurrency=2, poll_interval=0.05, grace_period=0
            )
            out["worker"] = worker
            out["counters"] = await worker.run(handle_signals=False)

    thread, out = _on_own_loop(main)
    try:
        wait_until(
            lambda: "worker" in out and out["worker"].counters.taken == 2 and ended,
            timeout=20,
            what="a completion",
        )
        time.sleep(0.2)  # its PATCH reaches the API
        stopped = time.monotonic()
        out["worker"].stop(release=True)
        thread.join(bound + 6)
        assert not thread.is_alive(), f"run() still going {bound + 6:g} s after the stop (the API holds 10 s)"
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    took = out["ended"] - stopped
    assert took < bound + 1.5, f"run() took {took:.1f} s after stop(release=True); its bound is {bound:g} s"
    assert "raised" not in out, out
    assert out["counters"].released == 1, out
    [quick] = ended
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(quick in m and "still on the wire" in m for m in warnings), warnings


LISTING_PATH = "/transitions/{transitionId}/executions"


def test_a_stop_while_a_listing_is_held_returns_before_its_answer_and_the_listing_takes_nothing(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    """As for las.Worker: a poll's listing held 1 s by the API when stop() comes: run()
    returns before the API could answer it (the poll is cancelled), and the listing takes
    nothing: no GET of the execution it lists, no PATCH."""
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    las_emulator.clear_requests()  # the worker's listing is the only one
    las_emulator.delay_next(1, 1.0, method="GET", path=LISTING_PATH)
    listing_path = f"/transitions/{transition_id}/executions"

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(
                transition_id, _quick, session=client, concurrency=1, poll_interval=0.05, grace_period=0
            )
            out["worker"] = worker
            out["counters"] = await worker.run(handle_signals=False)
            out["returned"] = time.monotonic()

    thread, out = _on_own_loop(main)
    try:
        wait_until(lambda: "worker" in out, timeout=10, what="the worker")
        time.sleep(0.3)  # the listing reaches the API (checked below)
        stopped = time.monotonic()
        out["worker"].stop()
        thread.join(10)
        assert not thread.is_alive()
        wait_until(
            lambda: any(r.path == listing_path for r in las_emulator.requests),
            timeout=10,
            what="the listing's answer",
        )
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    [listing] = [r for r in las_emulator.requests if r.method == "GET" and r.path == listing_path]
    assert listing.received_at < stopped, "the listing had not reached the API when stop() came"
    assert out["returned"] < listing.received_at + 1.0, "run() waited for the held listing's answer"
    assert "raised" not in out, out
    assert recorded(las_emulator, "GET") == {}, "the listing took its execution"
    assert recorded(las_emulator, "PATCH") == {}
    assert out["counters"].taken == 0, out
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "running"


HEARTBEATS_PATH = "/transitions/{transitionId}/executions/{executionId}/heartbeats"


def test_a_release_is_sent_within_the_stops_time_while_a_heartbeat_of_its_execution_is_held(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for las.Worker: the execution's heartbeat held 1.5 s by the API when
    stop(release=True) comes; the release waits for it no longer than the stop's requests end,
    and lands before run() returns (it was cancelled waiting, the execution left running)."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.2)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.3)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.5)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    started = threading.Event()

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        started.set()
        await asyncio.sleep(30)  # cancelled by the release
        return {}

    las_emulator.delay_next(1, 1.5, method="POST", path=HEARTBEATS_PATH)

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(transition_id, work, session=client, concurrency=1, poll_interval=0.05)
            out["worker"] = worker
            out["counters"] = await worker.run(handle_signals=False)

    thread, out = _on_own_loop(main)
    try:
        assert started.wait(10)
        time.sleep(0.2)  # its first heartbeat reaches the API, held
        stopped = time.monotonic()
        out["worker"].stop(release=True)
        thread.join(10)
        assert not thread.is_alive()
        status = las_client.get_transition_execution(transition_id, execution_id)["status"]
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    assert out["counters"].released == 1, out
    assert status == "retry"
    assert out["ended"] - stopped < 2.0


def test_a_completion_cancelled_on_the_wire_by_a_stop_is_delivered_by_the_next_run_not_run_again(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A completion's PATCH held 2 s by the API when stop(release=True) comes: the stop cancels
    it on the wire (the API may still record it), and a run started at once, which finds the
    execution still running, delivers that same completion without calling the function
    again: one function call, one PATCH accepted."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.2)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.3)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.5)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    called: list[str] = []

    async def work(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        called.append(las.workers.current_execution()["executionId"])
        return {"n": event["n"]}

    las_emulator.delay_next(1, 2.0, method="PATCH", path=EXECUTION_PATH)

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            worker = las.AsyncWorker(
                transition_id, work, session=client, concurrency=1, poll_interval=0.05, grace_period=0
            )

            async def stop_once_sent() -> None:
                while not called:
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.2)  # its PATCH reaches the API, held
                worker.stop(release=True)

            stopper = asyncio.ensure_future(stop_once_sent())
            await worker.run(handle_signals=False)
            await stopper
            out["counters"] = await worker.run(until_idle=True, handle_signals=False)

    thread, out = _on_own_loop(main)
    try:
        thread.join(20)
        assert not thread.is_alive()
        wait_until(
            lambda: sum(1 for r in las_emulator.requests if r.method == "PATCH") == 2,
            timeout=10,
            what="the held PATCH to end",
        )
    finally:
        las_emulator.clear_faults()
        thread.join(30)
    assert "raised" not in out, out
    assert called == [execution_id], "the next run called the function again"
    accepted = [r for r in las_emulator.requests if r.method == "PATCH" and r.status == 200]
    assert len(accepted) == 1, [(r.method, r.status) for r in las_emulator.requests]
    assert las_client.get_transition_execution(transition_id, execution_id)["status"] == "succeeded"
    assert out["counters"].taken == 1, out


def test_a_release_due_before_the_blocked_loop_came_back_is_still_sent(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stop(release=True) while the function blocks the event loop (time.sleep) past the
    stop's bound: the drain finds the stop's answers due already, yet the release begins and is
    sent (once cancelled before its first step, it sent nothing and barred its execution from
    every later run of the worker)."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.0)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.0)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.5)  # the stop's answers: due 0.5 s after it
    transition_id, [execution_id] = running_execution_ids(las_client, 1)

    async def blocking(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        out["worker"].stop(release=True)
        time.sleep(0.8)  # blocking code in a coroutine: the loop stands still past the stop's bound
        await asyncio.sleep(5)
        return {"ok": True}

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            out["worker"] = las.AsyncWorker(
                transition_id, blocking, session=client, concurrency=1, poll_interval=0.05, grace_period=0
            )
            await out["worker"].run(handle_signals=False)

    out: dict[str, Any] = {}
    thread, ran = _on_own_loop(lambda _: main(out))
    thread.join(10)
    assert not thread.is_alive() and "raised" not in ran, ran
    sent = [r.json.get("status") for r in las_emulator.requests if r.method == "PATCH" and r.status == 200]
    assert sent == ["retry"], sent
    assert recorded(las_emulator, "PATCH") == {execution_id: 1}
    assert not out["worker"]._behind, "its execution is barred from later runs"


def test_a_release_the_stop_had_no_time_to_send_is_sent_by_the_next_run(
    las_client: las.Client, las_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, but the function swallows the cancellation beyond the time the release is
    given: no release was sent, so none is said to be on the wire; the function is abandoned and
    the next run sends the release without calling it again."""
    monkeypatch.setattr(_worker_base, "ABANDON_AFTER", 0.0)
    monkeypatch.setattr(_worker_base, "LAST_REQUESTS", 0.0)
    monkeypatch.setattr(_worker_base, "_LAST_ANSWERS", 0.3)
    transition_id, [execution_id] = running_execution_ids(las_client, 1)
    calls: list[str] = []

    async def stubborn(client: las.AsyncClient, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(execution_id)
        out["worker"].stop(release=True)
        time.sleep(0.5)
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            await asyncio.sleep(0.6)  # swallowed once: longer than the release is given
        return {"ok": True}

    async def main(out: dict[str, Any]) -> None:
        async with las_emulator.async_client() as client:
            out["worker"] = worker = las.AsyncWorker(
                transition_id, stubborn, session=client, concurrency=1, poll_interval=0.05, grace_period=0
            )
            await worker.run(handle_signals=False)
            out["patches after run 1"] = sum(recorded(las_emulator, "PATCH").values())
            out["behind after run 1"] = dict(worker._behind)
            await worker.run(until_idle=True, handle_signals=False)

    out: dict[str, Any] = {}
    thread, ran = _on_own_loop(lambda _: main(out))
    thread.join(10)
    assert not thread.is_alive() and "raised" not in ran, ran
    assert out["patches after run 1"] == 0 and not out["behind after run 1"], out
    sent = [r.json.get("status") for r in las_emulator.requests if r.method == "PATCH" and r.status == 200]
    assert sent == ["retry"] and calls == [execution_id], (sent, calls)
    assert out["worker"].counters.released == 1
