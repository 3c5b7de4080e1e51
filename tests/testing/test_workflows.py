"""Workflows run their ASL definition through manual and docker transitions."""

from __future__ import annotations

from typing import Any

from las.testing import Emulator
from tests.testing._api import Api
from tests.testing._machines import Machines, events


def _setup(api: Api, emulator: Emulator) -> tuple[str, str, str]:
    manual = api.transition("manual")["transitionId"]
    docker = api.transition("docker", parameters={"imageUrl": "example/ocr"})["transitionId"]
    emulator.register_docker_handler(docker, lambda data: {**data, "ocr": "done"})
    return manual, docker, api.workflow(manual, docker)["workflowId"]


def test_manual_then_docker_runs_to_completion(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    manual, docker, workflow = _setup(api, las_emulator)
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {"doc": 1}})
    assert execution["status"] == "running"
    assert api.get(f"/workflows/{workflow}")["numberOfRunningExecutions"] == 1
    [task] = execution["transitionExecutions"][manual]
    waiting = api.get(f"/transitions/{manual}/executions/{task}")
    assert (waiting["status"], waiting["input"]) == ("running", {"doc": 1})
    api.patch(
        f"/transitions/{manual}/executions/{task}",
        {"status": "succeeded", "output": {"doc": 1, "approved": True}},
    )
    done = api.get(f"/workflows/{workflow}/executions/{execution['executionId']}")
    assert done["status"] == "succeeded"
    assert done["output"] == {"doc": 1, "approved": True, "ocr": "done"}
    assert done["endTime"] is not None
    assert set(done["transitionExecutions"]) == {manual, docker}
    [docker_run] = api.get(f"/transitions/{docker}/executions")["executions"]
    assert docker_run["status"] == "succeeded"
    assert api.get(f"/workflows/{workflow}")["numberOfRunningExecutions"] == 0


def test_docker_only_workflow_completes_inside_the_post(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    first = api.transition("docker")["transitionId"]
    second = api.transition("docker")["transitionId"]
    las_emulator.register_docker_handler(second, lambda data: {"sum": data["a"] + data["b"]})
    workflow = api.workflow(first, second)["workflowId"]
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {"a": 1, "b": 2}})
    assert (execution["status"], execution["output"]) == ("succeeded", {"sum": 3})


def test_a_failing_docker_handler_fails_the_execution_with_its_message(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    docker = api.transition("docker")["transitionId"]

    def broken(data: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("model server unreachable")

    las_emulator.register_docker_handler(docker, broken)
    workflow = api.workflow(docker)["workflowId"]
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {}})
    assert execution["status"] == "failed"
    assert any("model server unreachable" in event["message"] for event in execution["events"])
    logs = api.get("/logs", params={"transitionId": docker})["logs"]
    assert any("model server unreachable" in event["message"] for event in logs[0]["events"])


def test_failed_manual_transition_fails_the_execution(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    manual, _, workflow = _setup(api, las_emulator)
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {}})
    [task] = execution["transitionExecutions"][manual]
    api.patch(f"/transitions/{manual}/executions/{task}", {"status": "failed"}, expect=400)
    api.patch(
        f"/transitions/{manual}/executions/{task}", {"status": "failed", "error": {"message": "unreadable"}}
    )
    assert api.get(f"/workflows/{workflow}/executions/{execution['executionId']}")["status"] == "failed"
    failed = api.get(f"/workflows/{workflow}/executions", params={"status": "failed"})
    assert [e["executionId"] for e in failed["executions"]] == [execution["executionId"]]
    body = api.patch(
        f"/transitions/{manual}/executions/{task}", {"status": "succeeded", "output": {}}, expect=400
    )
    assert "not running" in body["message"]


def test_patch_execution_retries_a_transition_or_ends_it(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    manual, _, workflow = _setup(api, las_emulator)
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {"n": 1}})
    path = f"/workflows/{workflow}/executions/{execution['executionId']}"
    [task] = execution["transitionExecutions"][manual]
    api.patch(f"/transitions/{manual}/executions/{task}", {"status": "retry"})
    assert api.get(path)["status"] == "retry"
    again = api.patch(path, {"nextTransitionId": manual})
    assert again["status"] == "running" and len(again["transitionExecutions"][manual]) == 2
    retried = again["transitionExecutions"][manual][-1]
    assert api.get(f"/transitions/{manual}/executions/{retried}")["input"] == {"n": 1}
    ended = api.patch(path, {"nextTransitionId": "las:transition:commons-failed"})
    assert ended["status"] == "failed"
    assert api.get(f"/transitions/{manual}/executions/{retried}")["status"] == "failed"
    unknown = api.patch(path, {"nextTransitionId": "las:transition:" + "1" * 32}, expect=400)
    assert "not a task" in unknown["message"]


def test_heartbeats_only_for_running_executions(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    manual = api.transition("manual")["transitionId"]
    task = api.post(f"/transitions/{manual}/executions", {})["executionId"]
    api.post(f"/transitions/{manual}/executions/{task}/heartbeats", expect=204)
    api.patch(f"/transitions/{manual}/executions/{task}", {"status": "rejected"})
    api.post(f"/transitions/{manual}/executions/{task}/heartbeats", expect=400)
    api.post(f"/transitions/{manual}/executions/las:transition-execution:{'0' * 32}/heartbeats", expect=404)


def test_docker_transitions_cannot_be_executed_directly(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    docker = api.transition("docker")["transitionId"]
    assert "manual" in api.post(f"/transitions/{docker}/executions", {}, expect=400)["message"]


def test_transition_used_by_a_workflow_cannot_be_deleted(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    manual, _, workflow = _setup(api, las_emulator)
    assert workflow in api.delete(f"/transitions/{manual}", expect=400)["message"]
    api.delete(f"/workflows/{workflow}")
    api.delete(f"/transitions/{manual}")


def test_invalid_definitions_are_refused(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    spec = {"definition": {"StartAt": "nope", "States": {"a": {"Type": "Pass", "End": True}}}}
    body = api.post("/workflows", {"specification": spec}, expect=400)
    assert body["message"].startswith("body.specification.definition.StartAt")


def test_logs_filter_by_execution(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    docker = api.transition("docker")["transitionId"]
    workflow = api.workflow(docker)["workflowId"]
    one = api.post(f"/workflows/{workflow}/executions", {"input": {}})
    api.post(f"/workflows/{workflow}/executions", {"input": {}})
    logs = api.get("/logs", params={"workflowExecutionId": one["executionId"]})
    assert logs["workflowExecutionId"] == one["executionId"]
    assert {log["workflowExecutionId"] for log in logs["logs"]} == {one["executionId"]}
    assert one["logId"] in {log["logId"] for log in logs["logs"]}


def _parallel(*transition_ids: str) -> dict[str, Any]:
    branches = [
        {"StartAt": "t", "States": {"t": {"Type": "Task", "Resource": transition_id, "End": True}}}
        for transition_id in transition_ids
    ]
    return {"StartAt": "both", "States": {"both": {"Type": "Parallel", "Branches": branches, "End": True}}}


def test_manual_retry_pauses_on_an_unhandled_task_error_and_restarts_with_the_state_input(
    las_emulator: Emulator,
) -> None:
    machines = Machines(las_emulator)
    review = machines.manual()
    definition = {
        "StartAt": "prepare",
        "States": {
            "prepare": {"Type": "Pass", "Result": {"doc": 1}, "Next": "review"},
            "review": {"Type": "Task", "Resource": review, "Parameters": {"id.$": "$.doc"}, "End": True},
        },
    }
    workflow = machines.create(definition, errorConfig={"manualRetry": True})["workflowId"]
    execution = machines.start(workflow)
    first = machines.running_task(execution, review)
    assert machines.task(review, first)["input"] == {"id": 1}
    machines.complete(review, first, "failed", error={"message": "scan unreadable"})
    paused = machines.refresh(execution)
    assert paused["status"] == "retry"
    assert "States.TaskFailed: scan unreadable" in events(paused)
    moved = machines.api.patch(
        f"/workflows/{workflow}/executions/{execution['executionId']}", {"nextTransitionId": review}
    )
    assert moved["status"] == "running"
    second = machines.running_task(execution, review)
    assert machines.task(review, second)["input"] == {"id": 1}  # Parameters applied again
    machines.complete(review, second, output={"ok": True})
    assert machines.refresh(execution)["output"] == {"ok": True}


def test_a_retry_asked_inside_a_parallel_pauses_the_execution_and_aborts_the_siblings(
    las_emulator: Emulator,
) -> None:
    machines = Machines(las_emulator)
    one, two = machines.manual(), machines.manual()
    workflow = machines.create(_parallel(one, two))["workflowId"]
    execution = machines.start(workflow)
    first, second = machines.running_task(execution, one), machines.running_task(execution, two)
    machines.complete(one, first, "retry")
    assert machines.refresh(execution)["status"] == "retry"
    assert machines.task(two, second)["status"] == "failed"  # aborted
    nested = machines.api.patch(
        f"/workflows/{workflow}/executions/{execution['executionId']}", {"nextTransitionId": one}, expect=400
    )
    assert "inside a Parallel or Map" in nested["message"]


def test_a_rejected_task_in_a_branch_rejects_the_execution(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    one, two = machines.manual(), machines.manual()
    execution = machines.start(machines.create(_parallel(one, two))["workflowId"])
    second = machines.running_task(execution, two)
    machines.complete(one, machines.running_task(execution, one), "rejected")
    assert machines.refresh(execution)["status"] == "rejected"
    assert machines.task(two, second)["status"] == "failed"


def test_deleting_a_running_execution_aborts_its_tasks_and_timers(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    review = machines.manual()
    definition = {
        "StartAt": "both",
        "States": {
            "both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "t", "States": {"t": {"Type": "Task", "Resource": review, "End": True}}},
                    {"StartAt": "w", "States": {"w": {"Type": "Wait", "Seconds": 3600, "End": True}}},
                ],
                "End": True,
            }
        },
    }
    workflow = machines.create(definition)["workflowId"]
    execution = machines.start(workflow)
    task = machines.running_task(execution, review)
    assert las_emulator.clock.pending() == 2  # the Wait and the task's time limits
    machines.api.delete(f"/workflows/{workflow}/executions/{execution['executionId']}")
    assert machines.task(review, task)["status"] == "failed"
    assert las_emulator.clock.pending() == 0


def test_a_failed_transition_execution_is_states_task_failed_for_catch(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    review = machines.manual()
    definition = {
        "StartAt": "review",
        "States": {
            "review": {
                "Type": "Task",
                "Resource": review,
                "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "note", "ResultPath": "$.error"}],
                "End": True,
            },
            "note": {"Type": "Pass", "End": True},
        },
    }
    execution = machines.start(machines.create(definition)["workflowId"], {"doc": 1})
    machines.complete(review, machines.running_task(execution, review), "failed", error={"message": "no"})
    done = machines.refresh(execution)
    assert (done["status"], done["output"]) == (
        "succeeded",
        {"doc": 1, "error": {"Error": "States.TaskFailed", "Cause": "no"}},
    )


def test_a_docker_only_loop_stops_after_1000_steps_and_fails_naming_the_limit(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    count = machines.docker(lambda data: {"n": data["n"] + 1})
    definition = {
        "StartAt": "count",
        "States": {
            "count": {"Type": "Task", "Resource": count, "Next": "again?"},
            "again?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 10**9, "Next": "count"}],
                "Default": "done",
            },
            "done": {"Type": "Succeed"},
        },
    }
    execution = machines.run(definition, {"n": 0})
    assert execution["status"] == "failed"
    assert len(machines.calls[count]) == 1000
    assert "stopped after 1000 docker steps" in events(execution)
