"""Transitions, workflows, their executions, logs, and the ASL runner that drives executions.

How an execution runs (a subset of the Amazon States Language: ``StartAt`` and ``States`` of
type ``Task``, ``Pass``, ``Succeed`` and ``Fail``, linked by ``Next``/``End``):

* ``POST /workflows/{id}/executions`` creates a ``running`` execution and enters ``StartAt``
  with the request's ``input``.
* Entering a ``Task`` creates a ``running`` transition execution of its ``Resource`` (a
  transition id) whose input is the execution input (first state) or the previous output.
  A ``manual`` transition then waits for ``PATCH /transitions/{t}/executions/{e}``. A ``docker``
  transition is run by the emulator itself, before the request that reached it is answered,
  with the handler registered by ``Emulator.register_docker_handler`` (default: output = input;
  an exception fails the transition execution with its message). Docker handlers run outside the
  state lock, so they may call the emulator.
* A transition execution that ``succeeded`` moves the workflow on (``Next``) or ends it
  (``End``: status ``succeeded``, output = last output). ``failed`` ends the execution ``failed``
  (or puts it in ``retry`` when the workflow's ``errorConfig.manualRetry`` is true);
  ``rejected`` ends it ``rejected``; ``retry`` puts it in ``retry``.
* ``PATCH /workflows/{w}/executions/{e}`` with ``nextTransitionId`` (allowed unless the
  execution succeeded): ``las:transition:commons-failed`` ends it ``failed``,
  ``las:transition:commons-succeeded`` ends it ``succeeded`` (output = last output); a transition
  of the workflow restarts the execution at that task (input = what that task got last time in
  this execution, else the last output, else the execution input). A still running transition
  execution of the execution is marked ``failed`` ("superseded").

Other choices where the contract is silent:

* Deleting a transition used by a workflow's definition answers 400. Deleting a workflow also
  deletes its executions. Transition executions are kept when their workflow execution goes.
* ``POST /transitions/{id}/executions`` starts a ``running`` execution (input ``{}``, not part of a
  workflow) of a *manual* transition; docker transitions answer 400.
* Heartbeats answer 204 for a running execution, 400 otherwise; timeouts are not emulated.
* Each transition execution has a log; each workflow execution has one too, whose
  ``transitionId`` is ``las:transition:commons-workflow``. Log events are
  ``{"timestamp": <ISO time>, "message": <text>}``; a workflow execution's ``events`` are the
  events of its log.
* Workflow answers have no ``specification`` (the contract's schema has no such field). The
  default ``completedConfig`` is ``{"imageUrl": ""}`` (the schema requires ``imageUrl``) and the
  default ``errorConfig`` is ``{}``. The default ``timeoutInSeconds`` of a transition is 1800.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from las.testing._call import Call, Reply, public
from las.testing._ids import COMMONS_FAILED, COMMONS_SUCCEEDED, COMMONS_WORKFLOW, is_id
from las.testing._store import ApiError, Row, State, not_found, now_iso, page_sorted
from las.testing._validation import ValidationError

DEFAULT_TIMEOUT_IN_SECONDS = 1800
STATE_TYPES = ("Task", "Pass", "Succeed", "Fail")
DockerHandler = Callable[[dict[str, Any]], dict[str, Any]]


def _echo(query: dict[str, list[str]], *names: str, single: bool = False) -> dict[str, Any]:
    return {name: (query[name][0] if single else query[name]) for name in names if name in query}


# ---------------------------------------------------------------------------------------------
# Logs


def new_log(
    state: State,
    *,
    workflow_id: str | None,
    workflow_execution_id: str | None,
    transition_id: str,
    transition_execution_id: str | None,
    message: str,
) -> Row:
    start = now_iso()
    row = {
        "startTime": start,
        "workflowId": workflow_id,
        "workflowExecutionId": workflow_execution_id,
        "transitionId": transition_id,
        "transitionExecutionId": transition_execution_id,
        "events": [{"timestamp": start, "message": message}],
    }
    return state.insert(state.logs, "log", row, "logId")


def log_event(state: State, log_id: str | None, message: str) -> None:
    log = state.logs.get(log_id) if log_id else None
    if log is not None:
        log["events"].append({"timestamp": now_iso(), "message": message})


def list_logs(call: Call) -> Reply:
    filters = _echo(
        call.query, "workflowId", "workflowExecutionId", "transitionId", "transitionExecutionId", single=True
    )
    rows = [row for row in call.state.logs if all(row.get(name) == value for name, value in filters.items())]
    descending = call.query.get("order") == ["descending"]
    page, token = page_sorted(rows, call.query, descending=descending)
    return 200, {
        "logs": [public(row) for row in page],
        "nextToken": token,
        **filters,
        **_echo(call.query, "order", single=True),
    }


def get_log(call: Call) -> Reply:
    return 200, public(call.state.logs.require(call.params["logId"]))


# ---------------------------------------------------------------------------------------------
# Transitions


def create_transition(call: Call) -> Reply:
    body = call.body
    parameters = body.get("parameters", {})
    row = call.stamp_created(
        {
            "transitionType": body["transitionType"],
            "name": body.get("name"),
            "description": body.get("description"),
            "parameters": parameters,
            "timeoutInSeconds": body.get("timeoutInSeconds", DEFAULT_TIMEOUT_IN_SECONDS),
        }
    )
    for name in ("inputJsonSchema", "outputJsonSchema"):
        if name in body:
            row[name] = body[name]
    if "assets" in parameters:
        row["assets"] = parameters["assets"]
    row = call.state.insert(call.state.transitions, "transition", row, "transitionId")
    return 200, public(row)


def list_transitions(call: Call) -> Reply:
    types = call.query.get("transitionType")
    rows, token = call.state.transitions.page(
        call.query, where=(lambda row: row["transitionType"] in types) if types else None
    )
    return 200, {
        "transitions": [public(row) for row in rows],
        "nextToken": token,
        **_echo(call.query, "transitionType"),
    }


def get_transition(call: Call) -> Reply:
    return 200, public(call.state.transitions.require(call.params["transitionId"]))


def update_transition(call: Call) -> Reply:
    body = call.body
    row = call.state.transitions.require(call.params["transitionId"])
    docker_only = [name for name in ("environment", "environmentSecrets") if name in body]
    if docker_only and row["transitionType"] != "docker":
        raise ApiError(400, f"body.{docker_only[0]}: only docker transitions have an environment")
    if "assets" in body and row["transitionType"] != "manual":
        raise ApiError(400, "body.assets: only manual transitions have assets")
    parameters = dict(row["parameters"])
    for name, value in body.items():
        if name in ("environment", "environmentSecrets", "assets"):
            parameters[name] = value
        else:
            row[name] = value
    row["parameters"] = parameters
    if "assets" in body:
        row["assets"] = body["assets"]
    return 200, public(call.stamp_updated(row))


def _workflows_using(state: State, transition_id: str) -> list[str]:
    return [
        workflow["workflowId"]
        for workflow in state.workflows
        if any(task.get("Resource") == transition_id for task in workflow["_definition"]["States"].values())
    ]


def delete_transition(call: Call) -> Reply:
    state = call.state
    transition_id = call.params["transitionId"]
    state.transitions.require(transition_id)
    users = _workflows_using(state, transition_id)
    if users:
        raise ApiError(400, f"{transition_id} is used by {', '.join(users)}; delete those workflows first")
    return 200, public(state.transitions.delete(transition_id))


# ---------------------------------------------------------------------------------------------
# Transition executions


def _new_transition_execution(
    call: Call, transition: Row, data: dict[str, Any], execution: Row | None
) -> Row:
    state = call.state
    row: Row = {
        "transitionId": transition["transitionId"],
        "status": "running",
        "input": data,
        "startTime": now_iso(),
        "endTime": None,
        "completedBy": None,
        "_workflowExecutionId": execution["executionId"] if execution else None,
    }
    row = state.insert(state.transition_executions, "transition-execution", row, "executionId")
    log = new_log(
        state,
        workflow_id=execution["workflowId"] if execution else None,
        workflow_execution_id=execution["executionId"] if execution else None,
        transition_id=transition["transitionId"],
        transition_execution_id=row["executionId"],
        message=f"{transition['transitionType']} transition execution started",
    )
    row["logId"] = log["logId"]
    if transition["transitionType"] == "docker":
        call.docker_jobs.append(row["executionId"])
    return row


def execute_transition(call: Call) -> Reply:
    transition = call.state.transitions.require(call.params["transitionId"])
    if transition["transitionType"] != "manual":
        raise ApiError(
            400,
            f"{transition['transitionId']} is a docker transition; only manual "
            "transitions can be executed directly (docker ones run in workflows)",
        )
    return 200, public(_new_transition_execution(call, transition, {}, None))


def _transition_execution(call: Call) -> Row:
    call.state.transitions.require(call.params["transitionId"])
    row = call.state.transition_executions.get(call.params["executionId"])
    if row is None or row["transitionId"] != call.params["transitionId"]:
        raise not_found(call.params["executionId"])
    return row


def list_transition_executions(call: Call) -> Reply:
    state = call.state
    transition_id = call.params["transitionId"]
    state.transitions.require(transition_id)
    statuses = call.query.get("status")
    ids = call.query.get("executionId")
    rows = [
        row
        for row in state.transition_executions.select("transitionId", transition_id)
        if (not statuses or row["status"] in statuses) and (not ids or row["executionId"] in ids)
    ]
    sort_by = call.query.get("sortBy", [None])[0]
    descending = call.query.get("order") == ["descending"]
    page, token = page_sorted(rows, call.query, sort_field=sort_by, descending=descending)
    return 200, {
        "executions": [public(row) for row in page],
        "nextToken": token,
        "transitionId": transition_id,
        **_echo(call.query, "status"),
    }


def get_transition_execution(call: Call) -> Reply:
    return 200, public(_transition_execution(call))


def update_transition_execution(call: Call) -> Reply:
    row = _transition_execution(call)
    body = call.body
    status = body["status"]
    if row["status"] != "running":
        raise ApiError(
            400,
            f"{row['executionId']} is not running (status {row['status']!r}); "
            "only running executions can be updated",
        )
    if status == "succeeded" and "output" not in body:
        raise ApiError(400, "body.output: is required when status is 'succeeded'")
    if status == "failed" and "error" not in body:
        raise ApiError(400, "body.error: is required when status is 'failed' (an object with a message)")
    if "startTime" in body:
        row["startTime"] = body["startTime"]
    complete_transition_execution(call, row, status, body.get("output"), body.get("error"))
    return 200, lambda: public(row)


def send_heartbeat(call: Call) -> Reply:
    row = _transition_execution(call)
    if row["status"] != "running":
        raise ApiError(
            400,
            f"{row['executionId']} is not running (status {row['status']!r}); "
            "heartbeats are only accepted for running executions",
        )
    row["_lastHeartbeat"] = now_iso()
    return 204, None


def complete_transition_execution(
    call: Call, row: Row, status: str, output: dict[str, Any] | None, error: dict[str, Any] | None
) -> None:
    """End a running transition execution and move its workflow execution on."""
    state = call.state
    row.update(status=status, endTime=now_iso(), completedBy=call.caller, _output=output, _error=error)
    detail = f": {error['message']}" if error else ""
    log_event(state, row.get("logId"), f"transition execution {status}{detail}")
    execution = state.workflow_executions.get(row["_workflowExecutionId"] or "")
    if execution is None or execution["_current"] != row["executionId"]:
        return
    if call.caller not in execution["completedBy"] and is_id("app-client", call.caller):
        execution["completedBy"].append(call.caller)
    workflow = state.workflows.require(execution["workflowId"])
    if status == "succeeded":
        assert output is not None
        execution["_lastOutput"] = output
        task = workflow["_definition"]["States"][execution["_state"]]
        if task.get("End"):
            _finish(state, execution, "succeeded", output)
        else:
            _enter(call, execution, task["Next"], output)
    elif status == "failed" and workflow["errorConfig"].get("manualRetry"):
        _pause(
            state, execution, "retry", f"transition failed{detail}; waiting for a PATCH with nextTransitionId"
        )
    elif status == "retry":
        _pause(
            state,
            execution,
            "retry",
            "transition asked for a retry; waiting for a PATCH with nextTransitionId",
        )
    else:
        _finish(state, execution, status, {}, f"transition execution {status}{detail}")


# ---------------------------------------------------------------------------------------------
# Docker transitions (run outside the lock by the server; see module docstring)


def claim_docker_job(state: State, execution_id: str) -> tuple[DockerHandler, dict[str, Any]] | None:
    """The handler and input copy for a pending docker execution, or None if it is gone/done."""
    row = state.transition_executions.get(execution_id)
    if row is None or row["status"] != "running":
        return None
    handler = state.docker_handlers.get(row["transitionId"], _pass_through)
    return handler, copy.deepcopy(row["input"])


def _pass_through(data: dict[str, Any]) -> dict[str, Any]:
    return data


def finish_docker_job(call: Call, execution_id: str, output: Any, error: str | None) -> None:
    """Record what a docker handler returned (``output``) or raised (``error``)."""
    row = call.state.transition_executions.get(execution_id)
    if row is None or row["status"] != "running":
        return
    if error is None and not isinstance(output, dict):
        error = f"docker handler returned {type(output).__name__}, expected a dict (JSON object)"
    if error is None:
        complete_transition_execution(call, row, "succeeded", output, None)
    else:
        complete_transition_execution(call, row, "failed", None, {"message": error})


# ---------------------------------------------------------------------------------------------
# Workflows


def check_definition(state: State, definition: dict[str, Any]) -> None:
    """Refuse (400/404) a definition the runner cannot execute."""
    where = "body.specification.definition"
    states = definition.get("States")
    if not isinstance(states, dict) or not states:
        raise ValidationError(f"{where}.States: must be a non-empty object of states")
    start = definition.get("StartAt")
    if not isinstance(start, str) or start not in states:
        raise ValidationError(
            f"{where}.StartAt: must name one of the States ({', '.join(states)}), got {start!r}"
        )
    for name, task in states.items():
        here = f"{where}.States.{name}"
        if not isinstance(task, dict) or task.get("Type") not in STATE_TYPES:
            raise ValidationError(
                f"{here}.Type: must be one of {', '.join(STATE_TYPES)} "
                "(the emulator runs these ASL state types)"
            )
        if task["Type"] == "Task":
            resource = task.get("Resource")
            if not is_id("transition", resource):
                raise ValidationError(
                    f"{here}.Resource: must be a transition id like "
                    f"'las:transition:<32 hex chars>', got {resource!r}"
                )
            state.transitions.require(str(resource))
        if task["Type"] in ("Task", "Pass") and task.get("End") is not True:
            if task.get("Next") not in states:
                raise ValidationError(
                    f"{here}.Next: must name one of the States or the state "
                    f'must have "End": true, got {task.get("Next")!r}'
                )


def render_workflow(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    answer["numberOfRunningExecutions"] = sum(
        1
        for execution in state.workflow_executions.select("workflowId", row["workflowId"])
        if execution["status"] == "running"
    )
    return answer


def create_workflow(call: Call) -> Reply:
    body = call.body
    definition = body["specification"]["definition"]
    check_definition(call.state, definition)
    row = call.stamp_created(
        {
            "name": body.get("name"),
            "description": body.get("description"),
            "completedConfig": body.get("completedConfig", {"imageUrl": ""}),
            "errorConfig": body.get("errorConfig", {}),
            "_definition": copy.deepcopy(definition),
        }
    )
    row = call.state.insert(call.state.workflows, "workflow", row, "workflowId")
    return 200, render_workflow(call.state, row)


def list_workflows(call: Call) -> Reply:
    rows, token = call.state.workflows.page(call.query)
    return 200, {"workflows": [render_workflow(call.state, row) for row in rows], "nextToken": token}


def get_workflow(call: Call) -> Reply:
    return 200, render_workflow(call.state, call.state.workflows.require(call.params["workflowId"]))


def update_workflow(call: Call) -> Reply:
    row = call.state.workflows.require(call.params["workflowId"])
    row.update(call.body)
    return 200, render_workflow(call.state, call.stamp_updated(row))


def delete_workflow(call: Call) -> Reply:
    state = call.state
    workflow_id = call.params["workflowId"]
    row = state.workflows.require(workflow_id)
    answer = render_workflow(state, row)
    for execution in state.workflow_executions.select("workflowId", workflow_id):
        state.workflow_executions.delete(execution["executionId"])
    state.workflows.delete(workflow_id)
    return 200, answer


# ---------------------------------------------------------------------------------------------
# Workflow executions


def _finish(
    state: State, execution: Row, status: str, output: dict[str, Any], message: str | None = None
) -> None:
    execution.update(status=status, output=output, endTime=now_iso(), _current=None)
    log_event(state, execution["logId"], message or f"workflow execution {status}")


def _pause(state: State, execution: Row, status: str, message: str) -> None:
    execution.update(status=status, _current=None)
    log_event(state, execution["logId"], message)


def _enter(call: Call, execution: Row, name: str, data: dict[str, Any]) -> None:
    """Run states from ``name`` until a task must wait or the execution ends."""
    state = call.state
    states = state.workflows.require(execution["workflowId"])["_definition"]["States"]
    while True:
        task = states[name]
        log_event(state, execution["logId"], f"entered state {name!r} ({task['Type']})")
        if task["Type"] == "Succeed":
            _finish(state, execution, "succeeded", data)
            return
        if task["Type"] == "Fail":
            cause = task.get("Cause") or task.get("Error") or f"reached Fail state {name!r}"
            _finish(state, execution, "failed", {}, f"workflow execution failed: {cause}")
            return
        if task["Type"] == "Pass":
            data = task.get("Result", data)
            if task.get("End"):
                _finish(state, execution, "succeeded", data)
                return
            name = task["Next"]
            continue
        transition = state.transitions.require(str(task["Resource"]))
        child = _new_transition_execution(call, transition, data, execution)
        execution["transitionExecutions"].setdefault(transition["transitionId"], []).append(
            child["executionId"]
        )
        execution.update(status="running", endTime=None, _state=name, _current=child["executionId"])
        return


def render_execution(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    log = state.logs.get(row["logId"])
    answer["events"] = list(log["events"]) if log else []
    return answer


def execute_workflow(call: Call) -> Reply:
    state = call.state
    workflow = state.workflows.require(call.params["workflowId"])
    data = call.body["input"]
    row: Row = {
        "workflowId": workflow["workflowId"],
        "status": "running",
        "input": data,
        "output": {},
        "startTime": now_iso(),
        "endTime": None,
        "transitionExecutions": {},
        "completedBy": [],
        "_current": None,
        "_state": None,
        "_lastOutput": None,
    }
    row = state.insert(state.workflow_executions, "workflow-execution", row, "executionId")
    log = new_log(
        state,
        workflow_id=workflow["workflowId"],
        workflow_execution_id=row["executionId"],
        transition_id=COMMONS_WORKFLOW,
        transition_execution_id=None,
        message="workflow execution started",
    )
    row["logId"] = log["logId"]
    _enter(call, row, workflow["_definition"]["StartAt"], data)
    return 200, lambda: render_execution(state, row)


def _execution(call: Call) -> Row:
    call.state.workflows.require(call.params["workflowId"])
    row = call.state.workflow_executions.get(call.params["executionId"])
    if row is None or row["workflowId"] != call.params["workflowId"]:
        raise not_found(call.params["executionId"])
    return row


def list_workflow_executions(call: Call) -> Reply:
    state = call.state
    workflow_id = call.params["workflowId"]
    state.workflows.require(workflow_id)
    statuses = call.query.get("status")
    rows = [
        row
        for row in state.workflow_executions.select("workflowId", workflow_id)
        if not statuses or row["status"] in statuses
    ]
    sort_by = call.query.get("sortBy", [None])[0]
    descending = call.query.get("order") == ["descending"]
    page, token = page_sorted(rows, call.query, sort_field=sort_by, descending=descending)
    return 200, {
        "executions": [render_execution(state, row) for row in page],
        "nextToken": token,
        "workflowId": workflow_id,
        **_echo(call.query, "status"),
        **_echo(call.query, "sortBy", "order", single=True),
    }


def get_workflow_execution(call: Call) -> Reply:
    return 200, render_execution(call.state, _execution(call))


def update_workflow_execution(call: Call) -> Reply:
    state = call.state
    row = _execution(call)
    target = call.body["nextTransitionId"]
    if row["status"] == "succeeded":
        raise ApiError(400, f"{row['executionId']} has already succeeded; it cannot be moved")
    states = state.workflows.require(row["workflowId"])["_definition"]["States"]
    names = [name for name, task in states.items() if task.get("Resource") == target]
    if target not in (COMMONS_FAILED, COMMONS_SUCCEEDED) and not names:
        raise ApiError(
            400,
            f"body.nextTransitionId: {target} is not a task of "
            f"{row['workflowId']}; use one of its transitions, "
            f"{COMMONS_FAILED} or {COMMONS_SUCCEEDED}",
        )
    current = state.transition_executions.get(row["_current"] or "")
    if current is not None and current["status"] == "running":
        current.update(
            status="failed",
            endTime=now_iso(),
            completedBy=call.caller,
            _error={"message": f"superseded by a move to {target}"},
        )
        log_event(state, current["logId"], f"transition execution failed: superseded by {target}")
    if target == COMMONS_FAILED:
        _finish(state, row, "failed", {}, f"workflow execution failed by request ({target})")
    elif target == COMMONS_SUCCEEDED:
        _finish(
            state,
            row,
            "succeeded",
            row["_lastOutput"] or {},
            f"workflow execution succeeded by request ({target})",
        )
    else:
        previous = row["transitionExecutions"].get(target)
        earlier = state.transition_executions.get(previous[-1]) if previous else None
        data = earlier["input"] if earlier else (row["_lastOutput"] or row["input"])
        log_event(state, row["logId"], f"moved to {target} by request")
        _enter(call, row, names[0], data)
    return 200, lambda: render_execution(state, row)


def delete_workflow_execution(call: Call) -> Reply:
    row = _execution(call)
    answer = render_execution(call.state, row)
    call.state.workflow_executions.delete(row["executionId"])
    return 200, answer
