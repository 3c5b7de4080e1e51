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
from tests.workers.conftest import recorded, running_execution_ids, running_executions, wait_until

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
