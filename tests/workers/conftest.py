"""Helpers for the transition-worker tests: transitions, workflows, the platform's part, and
counting what the emulator received per execution."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator, RecordedRequest

EXECUTION_PATH = "/transitions/{transition}/executions/{execution}"


def single_step_workflow(client: las.Client, transition_id: str) -> str:
    """A workflow whose one task is ``transition_id``."""
    definition = {
        "StartAt": "work",
        "States": {"work": {"Type": "Task", "Resource": transition_id, "End": True}},
    }
    spec = {"language": "ASL", "version": "1.0.0", "definition": definition}
    return str(client.create_workflow(spec)["workflowId"])


def docker_transition(client: las.Client) -> str:
    return str(client.create_transition("docker", parameters={"imageUrl": "example/handler"})["transitionId"])


def manual_transition(client: las.Client) -> str:
    return str(client.create_transition("manual")["transitionId"])


class Boom(BaseException):
    """A BaseException that is neither an interruption nor a cancellation (what a careless
    library may raise), for the tests of what a worker does when its function raises it."""


def running_executions(client: las.Client, n: int) -> str:
    """A manual transition in a one-step workflow with ``n`` running executions (input ``{"n": i}``)."""
    transition_id = manual_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    for i in range(n):
        client.execute_workflow(workflow_id, {"n": i})
    return transition_id


def patches(emulator: Emulator) -> list[dict[str, Any]]:
    """The bodies of the PATCHes the emulator received, in order."""
    return [request.json for request in emulator.requests if request.method == "PATCH"]


def assert_bounded_retries(
    emulator: Emulator, transition_id: str, seconds: float, poll_interval: float
) -> None:
    """While one execution's completion kept failing for ``seconds``: the worker tried it again
    with backoff (``poll_interval`` doubled each time, so a handful of PATCHes, where a tight loop
    made hundreds), and sent one listing per ``poll_interval`` (or per try) plus a take, a
    PATCH, a look and a heartbeat or two per try."""
    tries = sum(recorded(emulator, "PATCH").values())
    assert 2 <= tries <= 10, tries
    listing = f"/transitions/{transition_id}/executions"
    listings = sum(1 for request in emulator.requests if request.path == listing)
    assert listings <= seconds / poll_interval + tries + 5, listings
    assert len(emulator.requests) - listings <= 5 * tries, emulator.requests


def execution_of(request: RecordedRequest) -> str | None:
    """The transition execution id a request is about, if any."""
    parts = request.path.split("/")
    if len(parts) >= 5 and parts[1] == "transitions" and parts[3] == "executions":
        return parts[4]
    return None


def recorded(
    emulator: Emulator, method: str, *, suffix: str = "", status: int | None = None
) -> collections.Counter[str]:
    """Per execution id: requests with this method (and path suffix, and answer status)."""
    counts: collections.Counter[str] = collections.Counter()
    for request in emulator.requests:
        execution_id = execution_of(request)
        if (
            execution_id
            and request.method == method
            and request.path.endswith(suffix)
            and (status is None or request.status == status)
        ):
            counts[execution_id] += 1
    return counts


HEARTBEATS_PATH = "/transitions/{transitionId}/executions/{executionId}/heartbeats"
"""The heartbeat endpoint, as the emulator's fault injection matches paths."""


def heartbeat_arrivals(emulator: Emulator) -> dict[str, list[float]]:
    """Per execution id: when each of its heartbeats reached the emulator (``time.monotonic()``),
    in order. A request shows up here once the emulator has answered it."""
    arrivals: dict[str, list[float]] = collections.defaultdict(list)
    for request in emulator.requests:
        execution_id = execution_of(request)
        if execution_id and request.method == "POST" and request.path.endswith("/heartbeats"):
            arrivals[execution_id].append(request.received_at)
    return {execution_id: sorted(times) for execution_id, times in arrivals.items()}


def running_execution_ids(client: las.Client, n: int) -> tuple[str, list[str]]:
    """:func:`running_executions`, and the ids of its ``n`` running transition executions."""
    transition_id = running_executions(client, n)
    listed = client.list_transition_executions(transition_id, status="running")["executions"]
    return transition_id, [str(execution["executionId"]) for execution in listed]


def heartbeats_for(emulator: Emulator, execution_id: str) -> int:
    return sum(
        1
        for request in emulator.requests
        if request.method == "POST"
        and request.path.endswith(f"{execution_id}/heartbeats")
        and request.status == 204
    )


def exit_once_in_a_hook(session: las.Session, when: Callable[[las.ResponseInfo], bool]) -> list[str]:
    """Add a response hook to ``session`` that calls ``sys.exit()`` (a BaseException, not an
    Exception) the first time ``when(info)`` holds; gives the list of paths it exited on."""
    exited: list[str] = []

    def hook(info: las.ResponseInfo) -> None:
        if when(info) and not exited:
            exited.append(info.path)
            sys.exit("a hook that exits")

    session.add_response_hook(hook)
    return exited


def wait_until(condition: Callable[[], bool], *, timeout: float = 30.0, what: str = "condition") -> None:
    """Poll ``condition`` until true; fail the test (not hang) after a generous ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(0.01)


def environment_for(emulator: Emulator, home: Path, **extra: str) -> dict[str, str]:
    """A process environment with the emulator's credentials and nothing of the user's."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "LAS_CLIENT_ID": emulator.client_id,
        "LAS_CLIENT_SECRET": emulator.client_secret,
        "LAS_AUTH_ENDPOINT": emulator.auth_endpoint,
        "LAS_API_ENDPOINT": emulator.api_endpoint,
        **extra,
    }


class Platform:
    """Plays the platform for a docker transition: when the emulator starts one of its
    executions, run ``entry`` as a container would, with TRANSITION_ID and EXECUTION_ID set.

    The emulator's docker hook hands over only the input, so the platform looks up the one
    running execution of the transition (tests start one workflow execution at a time).
    ``entry(environ)`` runs in-process; :meth:`subprocess` runs a script instead.
    """

    def __init__(self, emulator: Emulator, client: las.Client, transition_id: str) -> None:
        self.emulator = emulator
        self.client = client
        self.transition_id = transition_id
        self.raised: list[BaseException] = []
        self.runs: list[str] = []
        self._lock = threading.Lock()

    def _environ(self) -> dict[str, str]:
        [running] = self.client.list_transition_executions(self.transition_id, status="running")["executions"]
        self.runs.append(running["executionId"])
        return {"TRANSITION_ID": self.transition_id, "EXECUTION_ID": running["executionId"]}

    def serve(self, entry: Callable[[dict[str, str]], Any]) -> None:
        def container(data: dict[str, Any]) -> dict[str, Any]:
            with self._lock:
                environ = self._environ()
            try:
                entry(environ)
            except BaseException as error:  # the container exits with an error
                self.raised.append(error)
                if isinstance(error, Exception):
                    raise
                # SystemExit & co. would end the emulator's own thread: the exit, as it sees it
                raise RuntimeError(f"the container exited: {error!r}") from error
            return data  # ignored: the handler completed the execution itself

        self.emulator.register_docker_handler(self.transition_id, container)

    def serve_script(self, script: Path, home: Path) -> list[subprocess.CompletedProcess[str]]:
        finished: list[subprocess.CompletedProcess[str]] = []

        def container(data: dict[str, Any]) -> dict[str, Any]:
            with self._lock:
                environ = self._environ()
            done = subprocess.run(
                [sys.executable, str(script)],
                env=environment_for(self.emulator, home, **environ),
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            finished.append(done)
            if done.returncode != 0:
                raise RuntimeError(f"the container exited with {done.returncode}: {done.stderr[-2000:]}")
            return data

        self.emulator.register_docker_handler(self.transition_id, container)
        return finished


@pytest.fixture
def client(las_client: las.Client) -> las.Client:
    return las_client


@pytest.fixture
def no_stray_heartbeat_threads() -> Iterator[None]:
    """Fail a test that leaves a heartbeat thread running."""
    yield
    stray = [thread.name for thread in threading.enumerate() if thread.name == "las-heartbeats"]
    assert not stray, f"heartbeat threads still running: {stray}"
