"""Workflows and transitions: execute, wait, list executions, and end manual executions."""

from __future__ import annotations

from typing import Any

import pytest

import las
from las.exceptions import BadRequestError
from las.resources import Transition, TransitionExecution, Workflow, WorkflowExecution
from las.testing import Emulator

from .conftest import Requests


def workflow_of(session: las.Session, *transitions: Transition, **options: Any) -> Workflow:
    states: dict[str, Any] = {}
    for number, transition in enumerate(transitions):
        state: dict[str, Any] = {"Type": "Task", "Resource": transition.id}
        if number + 1 < len(transitions):
            state["Next"] = f"step{number + 1}"
        else:
            state["End"] = True
        states[f"step{number}"] = state
    specification = {
        "language": "ASL",
        "version": "1.0.0",
        "definition": {"StartAt": "step0", "States": states},
    }
    return Workflow.create(specification, session=session, **options)


@pytest.fixture
def docker(session: las.Session, las_emulator: Emulator) -> Transition:
    transition = Transition.create("docker", parameters={"imageUrl": "example/total:1"}, session=session)
    las_emulator.register_docker_handler(transition.id, lambda given: {"total": given["amount"] * 2})
    return transition


@pytest.fixture
def manual(session: las.Session) -> Transition:
    return Transition.create("manual", name="review", session=session)


def test_execute_and_wait_returns_the_final_execution(session: las.Session, docker: Transition) -> None:
    workflow = workflow_of(session, docker)
    execution = workflow.execute({"amount": 21}).wait(timeout=10, poll_interval=0.01)
    assert isinstance(execution, WorkflowExecution)
    assert execution.status == "succeeded" and execution.is_final
    assert execution.output == {"total": 42}
    assert execution.end_time is not None and execution.end_time.tzinfo is not None


def test_wait_times_out_with_a_clear_message(session: las.Session, manual: Transition) -> None:
    execution = workflow_of(session, manual).execute({})
    with pytest.raises(las.WaitTimeoutError, match=r"still 'running' after 0\.05 seconds"):
        execution.wait(timeout=0.05, poll_interval=0.01)


def test_wait_polls_with_growing_intervals(
    session: las.Session, manual: Transition, api: Requests, monkeypatch: pytest.MonkeyPatch
) -> None:
    execution = workflow_of(session, manual).execute({})
    sleeps: list[float] = []
    monkeypatch.setattr("las.resources.workflows._sleep", sleeps.append)
    monkeypatch.setattr("las.resources.workflows._monotonic", lambda: sum(sleeps))
    api.clear()
    with pytest.raises(TimeoutError):
        execution.wait(timeout=6, poll_interval=1, max_poll_interval=2)
    assert sleeps == [1, 1.5, 2, 1.5]  # the last wait is cut to the time left
    assert len(api) == 5  # a poll at once, then one after each wait


def test_a_manual_step_is_ended_through_its_transition_execution(
    session: las.Session, manual: Transition
) -> None:
    workflow = workflow_of(session, manual)
    execution = workflow.execute({"document": "x"})
    [task] = list(manual.executions.filter(status="running"))
    assert isinstance(task, TransitionExecution)
    assert task.input == {"document": "x"}
    task.heartbeat()
    task.succeed({"approved": True})
    assert task.status == "succeeded"
    assert execution.wait(timeout=5, poll_interval=0.01).status == "succeeded"
    assert execution.output == {"approved": True}


@pytest.mark.parametrize(
    ("verb", "status", "workflow_status"),
    [("fail", "failed", "failed"), ("reject", "rejected", "rejected"), ("retry", "retry", "retry")],
)
def test_transition_execution_final_statuses(
    session: las.Session, manual: Transition, verb: str, status: str, workflow_status: str
) -> None:
    execution = workflow_of(session, manual).execute({})
    task = manual.executions.first()
    assert task is not None
    getattr(task, verb)("not readable")
    assert task.status == status
    assert execution.refresh().status == workflow_status


def test_a_standalone_manual_execution(manual: Transition, api: Requests) -> None:
    task = manual.execute()
    assert task.status == "running" and task.transition_id == manual.id
    assert manual.executions.get(task.id) == task
    assert manual.executions.filter(execution=[task]).first() == task
    api.clear()
    task.succeed({"ok": True})
    assert [r.json for r in api.all] == [{"status": "succeeded", "output": {"ok": True}}]


def test_executions_are_listed_with_filters(
    session: las.Session, docker: Transition, manual: Transition
) -> None:
    finished = workflow_of(session, docker).execute({"amount": 1})
    waiting_workflow = workflow_of(session, manual)
    waiting = waiting_workflow.execute({})
    workflow = finished.workflow
    assert workflow is not None
    assert [e.id for e in workflow.executions.filter(status="succeeded")] == [finished.id]
    assert list(waiting_workflow.executions.filter(status=["succeeded"])) == []
    assert waiting_workflow.executions.filter(sort_by="startTime", order="descending").first() == waiting
    assert waiting_workflow.executions.get(waiting.id).status == "running"
    with pytest.raises(TypeError, match="status=, sort_by=, order="):
        waiting_workflow.executions.filter(state="running")


def test_an_execution_can_be_ended_or_moved(session: las.Session, manual: Transition) -> None:
    workflow = workflow_of(session, manual)
    execution = workflow.execute({})
    execution.fail()
    assert execution.status == "failed"
    again = workflow.execute({})
    again.move_to("las:transition:commons-succeeded")
    assert again.status == "succeeded"


def test_an_execution_can_be_deleted(session: las.Session, docker: Transition) -> None:
    workflow = workflow_of(session, docker)
    execution = workflow.execute({"amount": 1})
    execution.delete()
    assert list(workflow.executions) == []


def test_a_docker_transition_cannot_be_executed_by_hand(docker: Transition) -> None:
    with pytest.raises(BadRequestError):
        docker.execute()


def test_the_log_of_a_finished_execution_has_events(session: las.Session, docker: Transition) -> None:
    execution = workflow_of(session, docker).execute({"amount": 2}).wait(timeout=5, poll_interval=0.01)
    log = execution.log
    assert log is not None and log.events
    assert log.workflow_execution_id == execution.id
    assert las.resources.Log.all(workflow_execution=execution, session=session).first() is not None
