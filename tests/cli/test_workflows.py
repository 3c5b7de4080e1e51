"""``las transitions``, ``las workflows``, ``las executions wait`` and ``las logs``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Result, created_id
from tests.contract import Contract

Las = Callable[..., Result]


def specification(transition_id: str) -> str:
    return json.dumps(
        {
            "language": "ASL",
            "version": "1.0.0",
            "definition": {
                "StartAt": "Review",
                "States": {"Review": {"Type": "Task", "Resource": transition_id, "End": True}},
            },
        }
    )


@pytest.fixture
def flow(las: Las) -> tuple[str, str]:
    """A workflow of one manual transition: (workflow id, transition id)."""
    transition_id = created_id(
        las("--json", "transitions", "create", "manual", "--name", "Review"), "transitionId"
    )
    workflow_id = created_id(
        las("--json", "workflows", "create", specification(transition_id), "--name", "Flow"), "workflowId"
    )
    return workflow_id, transition_id


def start(las: Las, workflow_id: str, transition_id: str) -> tuple[str, str]:
    """Execute the workflow; returns (workflow execution id, the waiting transition execution id)."""
    execution_id = created_id(las("--json", "workflows", "execute", workflow_id, '{"n": 1}'), "executionId")
    waiting = las("--json", "transitions", "list-executions", transition_id, "--status", "running", "--all")
    task_ids = [each["executionId"] for each in waiting.json()["executions"]]
    assert len(task_ids) == 1
    return execution_id, task_ids[0]


def test_transition_crud(las: Las, tmp_path: Path, contract: Contract) -> None:
    schema = tmp_path / "in.json"
    schema.write_text(json.dumps({"type": "object"}))
    created = las("--json", "transitions", "create", "manual", "--in-schema", str(schema), "--name", "T")
    transition_id = created_id(created, "transitionId")
    contract.validate_response("POST", "/transitions", 200, created.json())
    got = las("--json", "transitions", "get", transition_id)
    contract.validate_response("GET", f"/transitions/{transition_id}", 200, got.json())
    assert got.json()["inputJsonSchema"] == {"type": "object"}
    updated = las("--json", "transitions", "update", transition_id, "--description", "checked by a person")
    contract.validate_response("PATCH", f"/transitions/{transition_id}", 200, updated.json())
    listed = las("--json", "transitions", "list", "-t", "manual", "--all")
    contract.validate_response("GET", "/transitions", 200, listed.json())
    assert transition_id in {each["transitionId"] for each in listed.json()["transitions"]}
    assert las("transitions", "delete", transition_id).stdout == f"Deleted {transition_id}\n"


def test_workflow_crud(las: Las, flow: tuple[str, str], contract: Contract) -> None:
    workflow_id, _ = flow
    got = las("--json", "workflows", "get", workflow_id)
    contract.validate_response("GET", f"/workflows/{workflow_id}", 200, got.json())
    updated = las("--json", "workflows", "update", workflow_id, "--name", "Renamed")
    assert updated.json()["name"] == "Renamed"
    table = las("workflows", "list", "--all")
    assert table.code == 0 and workflow_id in table.stdout and "Renamed" in table.stdout
    deleted = las("--json", "workflows", "delete", workflow_id)
    contract.validate_response("DELETE", f"/workflows/{workflow_id}", 200, deleted.json())


def test_a_manual_task_done_from_the_command_line_ends_the_execution(
    las: Las, flow: tuple[str, str], contract: Contract
) -> None:
    workflow_id, transition_id = flow
    execution_id, task_id = start(las, workflow_id, transition_id)
    task = las("--json", "transitions", "get-execution", transition_id, task_id)
    contract.validate_response("GET", f"/transitions/{transition_id}/executions/{task_id}", 200, task.json())
    beat = las("transitions", "heartbeat", transition_id, task_id)
    assert beat.code == 0 and beat.stdout == f"Heartbeat sent for {task_id}\n"
    assert las("--json", "transitions", "heartbeat", transition_id, task_id).json() is None
    done = las(
        "--json", "transitions", "update-execution", transition_id, task_id, "succeeded", "-o", '{"ok": true}'
    )
    contract.validate_response(
        "PATCH", f"/transitions/{transition_id}/executions/{task_id}", 200, done.json()
    )

    waited = las("--json", "executions", "wait", workflow_id, execution_id, "--interval", "0.1")
    assert waited.code == 0, waited.stderr
    (execution,) = waited.json()["executions"]
    contract.validate_response("GET", f"/workflows/{workflow_id}/executions/{execution_id}", 200, execution)
    assert (execution["status"], execution["output"]) == ("succeeded", {"ok": True})
    assert "1/1" in waited.stderr  # the progress bar

    listed = las("--json", "workflows", "list-executions", workflow_id, "-s", "succeeded")
    contract.validate_response("GET", f"/workflows/{workflow_id}/executions", 200, listed.json())
    assert [each["executionId"] for each in listed.json()["executions"]] == [execution_id]
    shown = las("workflows", "get-execution", workflow_id, execution_id)
    assert shown.code == 0 and "succeeded" in shown.stdout


def test_wait_without_ids_waits_for_every_running_execution_and_times_out(
    las: Las, flow: tuple[str, str]
) -> None:
    workflow_id, transition_id = flow
    execution_id, _ = start(las, workflow_id, transition_id)
    waited = las("executions", "wait", workflow_id, "--timeout", "0.3", "--interval", "0.1")
    assert waited.code == 1
    assert execution_id in waited.stdout and "running" in waited.stdout
    assert "still running after 0.3s" in waited.stderr and "0/1" in waited.stderr


def test_wait_exits_1_when_an_execution_does_not_succeed(las: Las, flow: tuple[str, str]) -> None:
    workflow_id, transition_id = flow
    execution_id, task_id = start(las, workflow_id, transition_id)
    rejected = las("transitions", "update-execution", transition_id, task_id, "rejected")
    assert rejected.code == 0, rejected.stderr
    waited = las("executions", "wait", workflow_id, execution_id, "--interval", "0.1")
    assert waited.code == 1 and "did not succeed" in waited.stderr


def test_update_execution_ends_a_workflow_execution(
    las: Las, flow: tuple[str, str], contract: Contract
) -> None:
    workflow_id, transition_id = flow
    execution_id, _ = start(las, workflow_id, transition_id)
    ended = las(
        "--json", "workflows", "update-execution", workflow_id, execution_id, "las:transition:commons-failed"
    )
    assert ended.code == 0, ended.stderr
    contract.validate_response(
        "PATCH", f"/workflows/{workflow_id}/executions/{execution_id}", 200, ended.json()
    )
    deleted = las("workflows", "delete-execution", workflow_id, execution_id)
    assert deleted.code == 0 and execution_id in deleted.stdout


def test_logs_of_an_execution(las: Las, flow: tuple[str, str], contract: Contract) -> None:
    workflow_id, transition_id = flow
    execution_id, _ = start(las, workflow_id, transition_id)
    listed = las("--json", "logs", "list", "--workflow-execution-id", execution_id)
    contract.validate_response("GET", "/logs", 200, listed.json())
    log_ids = [each["logId"] for each in listed.json()["logs"]]
    assert log_ids
    got = las("--json", "logs", "get", log_ids[0])
    contract.validate_response("GET", f"/logs/{log_ids[0]}", 200, got.json())
    text = las("logs", "get", log_ids[0])
    messages = [event["message"] for event in got.json()["events"]]
    assert text.code == 0 and all(message in text.stdout for message in messages)


def test_execute_with_input_that_is_not_json_is_a_usage_error(las: Las, flow: tuple[str, str]) -> None:
    workflow_id, _ = flow
    result = las("workflows", "execute", workflow_id, "{not json")
    assert result.code == 2 and "is not valid JSON" in result.stderr
