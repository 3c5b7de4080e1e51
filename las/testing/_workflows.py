"""Transitions, workflows, their executions and logs; the API side of the ASL runner.

A workflow's ``specification.definition`` is an Amazon States Language state machine, checked
at ``POST /workflows`` (:mod:`las.testing._asl.definition`: a broken rule answers 400 naming
the state and the rule) and run by :mod:`las.testing._asl.runner` (every state type, input and
output processing, Retry and Catch, Parallel, Map, Wait, intrinsic functions). This module
connects the runner to the API's rows:

* ``POST /workflows/{id}/executions`` creates a ``running`` execution and enters ``StartAt``
  with the request's ``input`` (an input over the limits of :mod:`las.testing._asl.limits`
  answers 400). The runner works in slices; :func:`run_docker_jobs` carries the work on after
  releasing the lock, before the request (or timer) is over.
* Entering a ``Task`` creates a ``running`` transition execution of its ``Resource`` (a
  transition id) whose input is the state's effective input (a JSON object, else the state
  fails with ``States.Runtime``). A ``manual`` transition then waits for
  ``PATCH /transitions/{t}/executions/{e}``. A ``docker`` transition is run by the emulator
  itself, before the request (or clock advance, or timer) that reached it is over, with the
  handler registered by ``Emulator.register_docker_handler`` (default: output = input; an
  exception, or an answer that is not a JSON object, fails the transition execution with a
  message naming it). Docker handlers run outside the
  state lock, so they may call the emulator; those started together (Parallel branches, Map
  items) run at the same time on worker threads (see :func:`run_docker_jobs`).
* A transition execution that ``succeeded`` gives the Task its result. ``failed`` raises
  ``States.TaskFailed`` (cause: the error's message) in the Task, which its ``Retry`` and
  ``Catch`` handle; an error no Catcher handles fails the execution — or, for a top-level Task
  of a workflow whose ``errorConfig.manualRetry`` is true, puts it in ``retry``. ``rejected``
  ends the execution ``rejected``; ``retry`` puts it in ``retry``.
* Time limits: a running transition execution fails with ``States.Timeout`` once it has run
  longer than the Task's ``TimeoutSeconds`` (default: the transition's ``timeoutInSeconds``),
  and with ``States.HeartbeatTimeout`` once no heartbeat came for the Task's
  ``HeartbeatSeconds`` (default 60, the API's documented heartbeat limit; the start counts as
  a heartbeat). This holds for docker and manual transitions, and for manual executions
  started alone. Time is the emulator's clock (``Emulator.clock``), which Waits and Retry
  intervals use too.
* ``PATCH /workflows/{w}/executions/{e}`` with ``nextTransitionId`` (allowed unless the
  execution succeeded): ``las:transition:commons-failed`` ends it ``failed``,
  ``las:transition:commons-succeeded`` ends it ``succeeded`` (output = the last top-level
  Task's output); a transition of a top-level Task restarts the execution at that state (input =
  what that state got last time in this execution, else the last output, else the execution
  input). Transitions only used inside a Parallel or Map answer 400. Running transition
  executions of the execution are marked ``failed`` ("superseded").

Other choices where the contract is silent:

* Deleting a transition used by a workflow's definition answers 400. Deleting a workflow also
  deletes its executions; deleting a running execution stops it. Transition executions are kept
  when their workflow execution goes; those still running are marked ``failed`` ("aborted"),
  as are those of Parallel branches or Map iterations stopped by a sibling's failure.
* ``POST /transitions/{id}/executions`` starts a ``running`` execution (input ``{}``, not part of a
  workflow) of a *manual* transition; docker (and lambda) transitions answer 400.
* 2024-11-29: a ``lambda`` transition runs as a docker one does (the registered handler, else
  output = input). ``PATCH /transitions/{id}`` changes ``parameters`` (merged into the old ones;
  a parameter of another transition type answers 400). Transition executions answer their
  ``output``. ``PATCH /workflows/{w}/executions/{e}`` takes ``status`` instead of
  ``nextTransitionId``: ``succeeded`` ends it as ``las:transition:commons-succeeded`` does,
  ``completed`` marks a succeeded one completed (400 otherwise; both fields at once, 400).
  ``GET /workflows/{w}/executions`` filters on ``fromStartTime``/``toStartTime`` (inclusive).
  Workflows have a ``status`` (default ``development``) and count their executions this month.
* Heartbeats answer 204 for a running execution, 400 otherwise.
* An execution that fails ends with output ``{}``; its log says the error name and cause. An
  execution whose final output is not a JSON object fails (``States.Runtime``): the API's
  execution output is an object.
* Each transition execution has a log; each workflow execution has one too, whose
  ``transitionId`` is ``las:transition:commons-workflow`` and which records every state entered,
  retry and catch. Log events are ``{"timestamp": <ISO time>, "message": <text>}``; a workflow
  execution's ``events`` are the events of its log. Execution and log times come from the clock.
* Workflow answers have no ``specification`` (the contract's schema has no such field). The
  default ``completedConfig`` is ``{"imageUrl": ""}`` (the schema requires ``imageUrl``) and the
  default ``errorConfig`` is ``{}``. The default ``timeoutInSeconds`` of a transition is 1800.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import Any

from las.testing._asl import definition as asl_definition
from las.testing._asl import runner
from las.testing._asl.errors import HEARTBEAT_TIMEOUT, RUNTIME, TASK_FAILED, TIMEOUT, StatesError
from las.testing._asl.limits import MAX_LOG_MESSAGE, DataProblem, Meter, cut, walk_depth
from las.testing._clock import Clock, Timer
from las.testing._handlers import ALLOWED
from las.testing._ids import COMMONS_FAILED, COMMONS_SUCCEEDED, COMMONS_WORKFLOW, is_id
from las.testing._request import ApiRequest, Reply, public
from las.testing._store import ApiError, Row, State, not_found, page_sorted
from las.testing._validation import ValidationError

DEFAULT_TIMEOUT_IN_SECONDS = 1800
HEARTBEAT_SECONDS = 60  # "at minimum once every 60 seconds" (the API's send_heartbeat docs)
MAX_DOCKER_STEPS = 1000  # per request or clock event; a docker-only loop stops there
DOCKER_WORKERS = 16  # docker handlers running at once for one request or clock event
DockerHandler = Callable[[dict[str, Any]], dict[str, Any]]
AUTOMATIC = ("docker", "lambda")  # transition types the emulator runs itself
PARAMETERS = {
    "docker": ("environment", "environmentSecrets", "memory", "imageUrl", "secretId", "cpu"),
    "lambda": ("environment", "environmentSecrets", "lambdaId"),
    "manual": ("assets",),
}


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
    start = state.clock.iso()
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
        log["events"].append({"timestamp": state.clock.iso(), "message": message})


def list_logs(request: ApiRequest) -> Reply:
    filters = _echo(
        request.query,
        "workflowId",
        "workflowExecutionId",
        "transitionId",
        "transitionExecutionId",
        single=True,
    )
    rows = [
        row for row in request.state.logs if all(row.get(name) == value for name, value in filters.items())
    ]
    descending = request.query.get("order") == ["descending"]
    page, token = page_sorted(rows, request.query, descending=descending)
    return 200, {
        "logs": [public(row) for row in page],
        "nextToken": token,
        **filters,
        **_echo(request.query, "order", single=True),
    }


def get_log(request: ApiRequest) -> Reply:
    return 200, public(request.state.logs.require(request.params["logId"]))


# ---------------------------------------------------------------------------------------------
# Transitions


def create_transition(request: ApiRequest) -> Reply:
    body = request.body
    parameters = body.get("parameters", {})
    row = request.stamp_created(
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
    row = request.state.insert(request.state.transitions, "transition", row, "transitionId")
    return 200, public(row)


def list_transitions(request: ApiRequest) -> Reply:
    types = request.query.get("transitionType")
    rows, token = request.state.transitions.page(
        request.query, where=(lambda row: row["transitionType"] in types) if types else None
    )
    return 200, {
        "transitions": [public(row) for row in rows],
        "nextToken": token,
        **_echo(request.query, "transitionType"),
    }


def get_transition(request: ApiRequest) -> Reply:
    return 200, public(request.state.transitions.require(request.params["transitionId"]))


def update_transition(request: ApiRequest) -> Reply:
    body = request.body
    row = request.state.transitions.require(request.params["transitionId"])
    docker_only = [name for name in ("environment", "environmentSecrets") if name in body]
    if docker_only and row["transitionType"] != "docker":
        raise ApiError(400, f"body.{docker_only[0]}: only docker transitions have an environment")
    if "assets" in body and row["transitionType"] != "manual":
        raise ApiError(400, "body.assets: only manual transitions have assets")
    given = body.get("parameters", {})  # 2024
    foreign = [name for name in given if name not in PARAMETERS.get(row["transitionType"], ())]
    if foreign:
        raise ApiError(
            400, f"body.parameters.{foreign[0]}: {row['transitionType']} transitions have no such parameter"
        )
    parameters = dict(row["parameters"])
    parameters.update(given)
    for name, value in body.items():
        if name in ("environment", "environmentSecrets", "assets"):
            parameters[name] = value
        elif name != "parameters":
            row[name] = value
    row["parameters"] = parameters
    if "assets" in parameters and ("assets" in body or "assets" in given):
        row["assets"] = parameters["assets"]
    return 200, public(request.stamp_updated(row))


def _tasks(machine: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, state)`` of every Task of a (valid) state machine, branches and maps included."""
    for name, state in machine["States"].items():
        here = f"{where}States.{name}"
        if state["Type"] == "Task":
            yield here, state
        for index, branch in enumerate(state.get("Branches", [])):
            yield from _tasks(branch, f"{here}.Branches[{index}].")
        for field in ("ItemProcessor", "Iterator"):
            if field in state:
                yield from _tasks(state[field], f"{here}.{field}.")


def _workflows_using(state: State, transition_id: str) -> list[str]:
    return [
        workflow["workflowId"]
        for workflow in state.workflows
        if any(task.get("Resource") == transition_id for _, task in _tasks(workflow["_definition"]))
    ]


def delete_transition(request: ApiRequest) -> Reply:
    state = request.state
    transition_id = request.params["transitionId"]
    state.transitions.require(transition_id)
    users = _workflows_using(state, transition_id)
    if users:
        raise ApiError(400, f"{transition_id} is used by {', '.join(users)}; delete those workflows first")
    return 200, public(state.transitions.delete(transition_id))


# ---------------------------------------------------------------------------------------------
# Transition executions


def _new_transition_execution(
    request: ApiRequest,
    transition: Row,
    data: dict[str, Any],
    execution: Row | None,
    *,
    timeout: float | None = None,
    heartbeat: float | None = None,
) -> Row:
    state = request.state
    row: Row = {
        "transitionId": transition["transitionId"],
        "status": "running",
        "input": data,
        "startTime": state.clock.iso(),
        "endTime": None,
        "completedBy": None,
        "output": None,
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
    _arm_limits(
        state,
        row,
        timeout if timeout is not None else transition["timeoutInSeconds"],
        heartbeat if heartbeat is not None else HEARTBEAT_SECONDS,
    )
    if transition["transitionType"] in AUTOMATIC:
        request.docker_jobs.append(row["executionId"])
    return row


def execute_transition(request: ApiRequest) -> Reply:
    transition = request.state.transitions.require(request.params["transitionId"])
    if transition["transitionType"] != "manual":
        kind = transition["transitionType"]
        raise ApiError(
            400,
            f"{transition['transitionId']} is a {kind} transition; only manual "
            f"transitions can be executed directly ({kind} ones run in workflows)",
        )
    return 200, public(_new_transition_execution(request, transition, {}, None))


def _transition_execution(request: ApiRequest) -> Row:
    request.state.transitions.require(request.params["transitionId"])
    row = request.state.transition_executions.get(request.params["executionId"])
    if row is None or row["transitionId"] != request.params["transitionId"]:
        raise not_found(request.params["executionId"])
    return row


def list_transition_executions(request: ApiRequest) -> Reply:
    state = request.state
    transition_id = request.params["transitionId"]
    state.transitions.require(transition_id)
    statuses = request.query.get("status")
    ids = request.query.get("executionId")
    rows = [
        row
        for row in state.transition_executions.select("transitionId", transition_id)
        if (not statuses or row["status"] in statuses) and (not ids or row["executionId"] in ids)
    ]
    sort_by = request.query.get("sortBy", [None])[0]
    descending = request.query.get("order") == ["descending"]
    page, token = page_sorted(rows, request.query, sort_field=sort_by, descending=descending)
    return 200, {
        "executions": [public(row) for row in page],
        "nextToken": token,
        "transitionId": transition_id,
        **_echo(request.query, "status"),
    }


def get_transition_execution(request: ApiRequest) -> Reply:
    return 200, public(_transition_execution(request))


def update_transition_execution(request: ApiRequest) -> Reply:
    row = _transition_execution(request)
    body = request.body
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
    complete_transition_execution(request, row, status, body.get("output"), body.get("error"))
    return 200, lambda: public(row)


def send_heartbeat(request: ApiRequest) -> Reply:
    row = _transition_execution(request)
    if row["status"] != "running":
        raise ApiError(
            400,
            f"{row['executionId']} is not running (status {row['status']!r}); "
            "heartbeats are only accepted for running executions",
        )
    row["_beat"] = request.state.clock.now()
    return 204, None


def complete_transition_execution(
    request: ApiRequest,
    row: Row,
    status: str,
    output: dict[str, Any] | None,
    error: dict[str, Any] | None,
    *,
    error_name: str = TASK_FAILED,
) -> None:
    """End a running transition execution and give its Task the result (or the error)."""
    state = request.state
    row.update(
        status=status,
        endTime=state.clock.iso(),
        completedBy=request.caller or None,
        output=output,
        _output=output,
        _error=error,
    )
    timer: Timer | None = row.pop("_limitTimer", None)
    if timer is not None:
        timer.cancel()
    detail = f": {error['message']}" if error else ""
    log_event(state, row.get("logId"), f"transition execution {status}{detail}")
    frame: runner.Frame | None = row.pop("_frame", None)
    if frame is None or frame.done or frame.task != row["executionId"]:
        return
    host = frame.run.host
    assert isinstance(host, _Host)
    host.request = request
    execution = host.execution
    if request.caller not in execution["completedBy"] and is_id("app-client", request.caller):
        execution["completedBy"].append(request.caller)
    visit = row["_visit"]
    if status == "succeeded":
        if frame.parent is None:
            execution["_lastOutput"] = output
        runner.resume(frame, visit, output)
    elif status == "failed":
        message = error["message"] if error else "transition execution failed"
        runner.raise_in(frame, visit, StatesError(error_name, message))
    elif status == "rejected":
        frame.task = None
        frame.run.cancel(f"aborted: {row['executionId']} was rejected")
        _finish(
            state,
            execution,
            "rejected",
            {},
            f"workflow execution rejected: transition execution rejected{detail}",
        )
    else:  # retry
        frame.done = True
        host.pause(frame, "transition asked for a retry")


# ---------------------------------------------------------------------------------------------
# Time limits of transition executions (see the module docstring)


def _arm_limits(state: State, row: Row, timeout: float, heartbeat: float) -> None:
    now = state.clock.now()
    row.update(_deadline=now + timeout, _timeout=timeout, _heartbeatSeconds=heartbeat, _beat=now)
    _schedule_limit_check(state, row)


def _schedule_limit_check(state: State, row: Row) -> None:
    when = min(row["_deadline"], row["_beat"] + row["_heartbeatSeconds"])
    execution_id = row["executionId"]
    row["_limitTimer"] = state.clock.call_at(
        when, on_timer(state, lambda request: _check_limits(request, execution_id))
    )


def _check_limits(request: ApiRequest, execution_id: str) -> None:
    state = request.state
    row = state.transition_executions.get(execution_id)
    if row is None or row["status"] != "running":
        return
    now = state.clock.now()
    silent_until = row["_beat"] + row["_heartbeatSeconds"]
    if min(silent_until, row["_deadline"]) > now:
        _schedule_limit_check(state, row)
        return
    if row["_deadline"] <= silent_until:
        name = TIMEOUT
        message = (
            f"{TIMEOUT}: the transition execution ran longer than its timeout of {row['_timeout']:g} seconds"
        )
    else:
        name = HEARTBEAT_TIMEOUT
        message = f"{HEARTBEAT_TIMEOUT}: no heartbeat for {row['_heartbeatSeconds']:g} seconds"
    row.pop("_limitTimer", None)
    complete_transition_execution(request, row, "failed", None, {"message": message}, error_name=name)


def on_timer(state: State, work: Callable[[ApiRequest], None]) -> Callable[[], None]:
    """A clock callback that runs ``work`` under the state lock, then the docker jobs it started."""

    def fire() -> None:
        request = ApiRequest(state, {}, {}, None, "")
        with state.lock:
            work(request)
        run_docker_jobs(request)

    return fire


# ---------------------------------------------------------------------------------------------
# Docker transitions (run outside the lock; see module docstring)


def claim_docker_job(state: State, execution_id: str) -> tuple[DockerHandler, dict[str, Any]] | None:
    """The handler and input copy for a pending docker execution, or None if it is gone/done."""
    row = state.transition_executions.get(execution_id)
    if row is None or row["status"] != "running":
        return None
    handler = state.docker_handlers.get(row["transitionId"], _pass_through)
    return handler, copy.deepcopy(row["input"])


def _pass_through(data: dict[str, Any]) -> dict[str, Any]:
    return data


def finish_docker_job(request: ApiRequest, execution_id: str, output: Any, error: str | None) -> None:
    """Record what a docker handler returned (``output``) or raised (``error``)."""
    row = request.state.transition_executions.get(execution_id)
    if row is None or row["status"] != "running":
        return
    if error is None and not isinstance(output, dict):
        error = f"docker handler returned {type(output).__name__}, expected a dict (JSON object)"
    if error is None:
        problem = walk_depth(output)
        if problem is not None:
            where, rule = problem
            error = f"docker handler returned a dict that is not JSON: at {where or 'the top'}: {rule}"
    if error is None:
        complete_transition_execution(request, row, "succeeded", output, None)
    else:
        complete_transition_execution(request, row, "failed", None, {"message": error})


def run_docker_jobs(request: ApiRequest) -> None:
    """Do the work ``call`` left for after the lock: run the docker transitions it started
    (and those they lead to), and the states its executions have left to run.

    ``call.docker_jobs`` holds ids of both: transition executions whose docker handlers to run,
    and workflow executions with queued work (see ``runner.Run.defer``). Jobs pending together
    (Parallel branches, Map items up to ``MaxConcurrency``) run at the same time, on up to
    :data:`DOCKER_WORKERS` threads; their results are recorded in the order the jobs were
    started, so what follows does not depend on which handler finished first. Jobs their
    results start run next, until none is left (at most :data:`MAX_DOCKER_STEPS`). Each slice
    of an execution's states takes the lock anew, after giving waiting requests their turn.
    """
    state = request.state
    steps = 0
    while request.docker_jobs:
        batch, request.docker_jobs[:] = list(request.docker_jobs), []
        executions = [job for job in batch if is_id("workflow-execution", job)]
        steps = _run_docker_batch(
            request, [job for job in batch if not is_id("workflow-execution", job)], steps
        )
        for execution_id in dict.fromkeys(executions):
            time.sleep(0)  # let a request waiting for the lock take it first
            with state.lock:
                row = state.workflow_executions.get(execution_id)
                run: runner.Run | None = row.get("_run") if row is not None else None
                if run is not None and not run.over:
                    host = run.host
                    assert isinstance(host, _Host)
                    host.request = request
                    run.proceed()


def _run_docker_batch(request: ApiRequest, batch: list[str], steps: int) -> int:
    """Run the docker jobs ``batch`` together (see :func:`run_docker_jobs`); the steps so far."""
    state = request.state
    if not batch:
        return steps
    if steps + len(batch) > MAX_DOCKER_STEPS:
        with state.lock:
            for execution_id in batch:
                finish_docker_job(
                    request,
                    execution_id,
                    None,
                    f"the emulator stopped after {MAX_DOCKER_STEPS} docker steps in a row "
                    "(does the workflow loop through docker transitions only?)",
                )
        return steps
    with state.lock:
        claimed = [(execution_id, claim_docker_job(state, execution_id)) for execution_id in batch]
    jobs = [(execution_id, found) for execution_id, found in claimed if found is not None]
    if len(jobs) == 1:
        results = [_run_handler(*jobs[0][1])]
    else:
        with ThreadPoolExecutor(max(1, min(DOCKER_WORKERS, len(jobs))), "las-emulator-docker") as pool:
            results = list(pool.map(lambda job: _run_handler(*job[1]), jobs))
    with state.lock:
        for (execution_id, _), (output, error) in zip(jobs, results, strict=True):
            finish_docker_job(request, execution_id, output, error)
    return steps + len(batch)


def _run_handler(handler: DockerHandler, data: dict[str, Any]) -> tuple[Any, str | None]:
    try:
        return handler(data), None
    except Exception as problem:
        return None, str(problem) or type(problem).__name__


# ---------------------------------------------------------------------------------------------
# Workflows


def check_definition(state: State, definition: dict[str, Any]) -> None:
    """Refuse (400) a definition that is not a valid state machine, or (404) one whose Task
    names an unknown transition."""
    where = "body.specification.definition"
    problems = asl_definition.problems(definition)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ValidationError("; ".join(f"{where}.{problem}" for problem in problems[:3]) + more)
    for here, task in _tasks(definition):
        resource = task.get("Resource")
        if not is_id("transition", resource):
            raise ValidationError(
                f"{where}.{here}.Resource: must be a transition id like "
                f"'las:transition:<32 hex chars>', got {resource!r}"
            )
        state.transitions.require(str(resource))


def render_workflow(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    executions = state.workflow_executions.select("workflowId", row["workflowId"])
    answer["numberOfRunningExecutions"] = sum(
        1 for execution in executions if execution["status"] == "running"
    )
    answer["monthlyNumberOfWorkflowExecutionsAllowed"] = ALLOWED
    answer["monthlyNumberOfWorkflowExecutionsCreated"] = row["_executions"]
    return answer


def create_workflow(request: ApiRequest) -> Reply:
    body = request.body
    definition = body["specification"]["definition"]
    check_definition(request.state, definition)
    row = request.stamp_created(
        {
            "name": body.get("name"),
            "description": body.get("description"),
            "completedConfig": body.get("completedConfig", {"imageUrl": ""}),
            "errorConfig": body.get("errorConfig", {}),
            "_definition": copy.deepcopy(definition),
        }
    )
    row.update(metadata=body.get("metadata"), status=body.get("status", "development"), _executions=0)
    if "emailConfig" in body:
        row["emailConfig"] = body["emailConfig"]
    row = request.state.insert(request.state.workflows, "workflow", row, "workflowId")
    return 200, render_workflow(request.state, row)


def list_workflows(request: ApiRequest) -> Reply:
    rows, token = request.state.workflows.page(request.query)
    return 200, {"workflows": [render_workflow(request.state, row) for row in rows], "nextToken": token}


def get_workflow(request: ApiRequest) -> Reply:
    return 200, render_workflow(request.state, request.state.workflows.require(request.params["workflowId"]))


def update_workflow(request: ApiRequest) -> Reply:
    row = request.state.workflows.require(request.params["workflowId"])
    row.update(request.body)
    return 200, render_workflow(request.state, request.stamp_updated(row))


def delete_workflow(request: ApiRequest) -> Reply:
    state = request.state
    workflow_id = request.params["workflowId"]
    row = state.workflows.require(workflow_id)
    answer = render_workflow(state, row)
    for execution in state.workflow_executions.select("workflowId", workflow_id):
        _stop(execution, "aborted: the workflow was deleted")
        state.workflow_executions.delete(execution["executionId"])
    state.workflows.delete(workflow_id)
    return 200, answer


# ---------------------------------------------------------------------------------------------
# Workflow executions


class _Host:
    """The API side of one execution's run (see :class:`las.testing._asl.runner.Host`)."""

    def __init__(self, request: ApiRequest, execution: Row, workflow: Row) -> None:
        self.state = request.state
        self.clock: Clock = request.state.clock
        self.request = request  # the request or timer now driving the run: it collects docker jobs
        self.execution = execution
        self.workflow = workflow

    def log(self, message: str) -> None:
        log_event(self.state, self.execution["logId"], cut(message, MAX_LOG_MESSAGE))

    def start_task(self, frame: runner.Frame, task: dict[str, Any], data: dict[str, Any]) -> str:
        transition = self.state.transitions.get(task["Resource"])
        if transition is None:
            raise StatesError(
                RUNTIME, f"the transition {task['Resource']} of {frame.name!r} no longer exists"
            )
        row = _new_transition_execution(
            self.request,
            transition,
            data,
            self.execution,
            timeout=task.get("TimeoutSeconds"),
            heartbeat=task.get("HeartbeatSeconds"),
        )
        row.update(_frame=frame, _visit=frame.visit, _stateInput=frame.raw)
        self.execution["transitionExecutions"].setdefault(transition["transitionId"], []).append(
            row["executionId"]
        )
        return str(row["executionId"])

    def abort_task(self, task_id: str, reason: str) -> None:
        row = self.state.transition_executions.get(task_id)
        if row is None or row["status"] != "running":
            return
        timer: Timer | None = row.pop("_limitTimer", None)
        if timer is not None:
            timer.cancel()
        row.pop("_frame", None)
        row.update(status="failed", endTime=self.clock.iso(), _error={"message": reason})
        log_event(self.state, row["logId"], f"transition execution failed: {reason}")

    def finish(self, status: str, output: dict[str, Any], message: str) -> None:
        _finish(self.state, self.execution, status, output, message)

    def pause(self, frame: runner.Frame, message: str) -> None:
        execution = self.execution
        execution["_run"].cancel("aborted: the workflow execution paused for a retry")
        execution["_state"] = frame.name if frame.parent is None else None
        execution.update(status="retry")
        self.log(f"{message}; waiting for a PATCH with nextTransitionId")

    def manual_retry(self) -> bool:
        return bool(self.workflow["errorConfig"].get("manualRetry"))

    def context(self) -> dict[str, Any]:
        execution, workflow = self.execution, self.workflow
        return {
            "Execution": {
                "Id": execution["executionId"],
                "Name": execution["executionId"],
                "Input": execution["input"],
                "StartTime": execution["startTime"],
            },
            "StateMachine": {"Id": workflow["workflowId"], "Name": workflow["name"]},
        }

    def call_at(self, when: float, callback: Callable[[], None]) -> Timer:
        def work(request: ApiRequest) -> None:
            self.request = request
            callback()

        return self.clock.call_at(when, on_timer(self.state, work))

    def defer(self) -> None:
        self.request.docker_jobs.append(self.execution["executionId"])  # see run_docker_jobs


def _finish(state: State, execution: Row, status: str, output: dict[str, Any], message: str) -> None:
    execution.update(status=status, output=output, endTime=state.clock.iso())
    log_event(state, execution["logId"], message)


def _stop(execution: Row, reason: str) -> None:
    run: runner.Run | None = execution.get("_run")
    if run is not None and not run.over:
        run.cancel(reason)


def render_execution(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    log = state.logs.get(row["logId"])
    answer["events"] = list(log["events"]) if log else []
    return answer


def _new_run(request: ApiRequest, execution: Row, workflow: Row) -> runner.Run:
    run = runner.Run(_Host(request, execution, workflow), workflow["_definition"])
    execution["_run"] = run
    return run


def execute_workflow(request: ApiRequest) -> Reply:
    state = request.state
    workflow = state.workflows.require(request.params["workflowId"])
    data = request.body["input"]
    try:
        Meter().check(data, "body.input")
    except DataProblem as problem:
        raise ValidationError(str(problem)) from None
    row: Row = {
        "workflowId": workflow["workflowId"],
        "status": "running",
        "input": data,
        "output": {},
        "startTime": state.clock.iso(),
        "endTime": None,
        "transitionExecutions": {},
        "completedBy": [],
        "createdBy": request.caller,
        "_state": None,
        "_lastOutput": None,
    }
    row = state.insert(state.workflow_executions, "workflow-execution", row, "executionId")
    workflow["_executions"] += 1
    log = new_log(
        state,
        workflow_id=workflow["workflowId"],
        workflow_execution_id=row["executionId"],
        transition_id=COMMONS_WORKFLOW,
        transition_execution_id=None,
        message="workflow execution started",
    )
    row["logId"] = log["logId"]
    _new_run(request, row, workflow).start(copy.deepcopy(data))
    return 200, lambda: render_execution(state, row)


def _execution(request: ApiRequest) -> Row:
    request.state.workflows.require(request.params["workflowId"])
    row = request.state.workflow_executions.get(request.params["executionId"])
    if row is None or row["workflowId"] != request.params["workflowId"]:
        raise not_found(request.params["executionId"])
    return row


def list_workflow_executions(request: ApiRequest) -> Reply:
    state = request.state
    workflow_id = request.params["workflowId"]
    state.workflows.require(workflow_id)
    statuses = request.query.get("status")
    since = _moment(request.query["fromStartTime"][0]) if "fromStartTime" in request.query else None
    until = _moment(request.query["toStartTime"][0]) if "toStartTime" in request.query else None
    rows = [
        row
        for row in state.workflow_executions.select("workflowId", workflow_id)
        if (not statuses or row["status"] in statuses)
        and (since is None or _moment(row["startTime"]) >= since)
        and (until is None or _moment(row["startTime"]) <= until)
    ]
    sort_by = request.query.get("sortBy", [None])[0]
    descending = request.query.get("order") == ["descending"]
    page, token = page_sorted(rows, request.query, sort_field=sort_by, descending=descending)
    return 200, {
        "executions": [render_execution(state, row) for row in page],
        "nextToken": token,
        "workflowId": workflow_id,
        **_echo(request.query, "status"),
        **_echo(request.query, "sortBy", "order", single=True),
    }


def get_workflow_execution(request: ApiRequest) -> Reply:
    return 200, render_execution(request.state, _execution(request))


_TIME = re.compile(
    r"^([0-9]{4})-?([0-9]{2})-?([0-9]{2})(?: |T)?([0-9]{2}):?([0-9]{2}):?([0-9]{2})(?:.([0-9]{1,6}))?"
    r"(Z|[+]([0-9]{2}):?([0-9]{2}))$"
)


def _moment(text: str) -> float:
    """Seconds since the epoch of a time in the contract's format (checked by the query rules)."""
    found = _TIME.match(text)
    if found is None:
        raise ValidationError(f"not a time: {text!r}")
    year, month, day, hour, minute, second, fraction, zone, zone_hours, zone_minutes = found.groups()
    offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes)) if zone != "Z" else timedelta()
    moment = datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=timezone(offset)
    )
    return moment.timestamp() + float(f"0.{fraction or 0}")


def _set_execution_status(state: State, row: Row, status: str) -> None:
    """2024: ``PATCH`` with a ``status``: end it ``succeeded``, or mark a succeeded one ``completed``."""
    if status == "completed":
        if row["status"] != "succeeded":
            raise ApiError(
                400, f"{row['executionId']} is {row['status']}; only a succeeded execution can be completed"
            )
        row["status"] = "completed"
        log_event(state, row["logId"], "workflow execution completed by request")
        return
    if row["status"] in ("succeeded", "completed"):
        raise ApiError(400, f"{row['executionId']} has already {row['status']}")
    _stop(row, "superseded: the workflow execution was marked succeeded")
    _finish(state, row, "succeeded", row["_lastOutput"] or {}, "workflow execution succeeded by request")


def update_workflow_execution(request: ApiRequest) -> Reply:
    state = request.state
    row = _execution(request)
    if "status" in request.body:
        if "nextTransitionId" in request.body:
            raise ApiError(400, "body: send nextTransitionId or status, not both")
        _set_execution_status(state, row, request.body["status"])
        return 200, lambda: render_execution(state, row)
    target = request.body.get("nextTransitionId")
    if target is None:
        raise ApiError(400, "body: send nextTransitionId (where to go) or status (succeeded or completed)")
    if row["status"] in ("succeeded", "completed"):
        raise ApiError(400, f"{row['executionId']} has already {row['status']}; it cannot be moved")
    workflow = state.workflows.require(row["workflowId"])
    definition = workflow["_definition"]
    names = [name for name, task in definition["States"].items() if task.get("Resource") == target]
    if target not in (COMMONS_FAILED, COMMONS_SUCCEEDED) and not names:
        if any(task.get("Resource") == target for _, task in _tasks(definition)):
            raise ApiError(
                400,
                f"body.nextTransitionId: {target} is used only inside a Parallel or Map state of "
                f"{row['workflowId']}; the emulator moves executions to top-level tasks only",
            )
        raise ApiError(
            400,
            f"body.nextTransitionId: {target} is not a task of "
            f"{row['workflowId']}; use one of its transitions, "
            f"{COMMONS_FAILED} or {COMMONS_SUCCEEDED}",
        )
    _stop(row, f"superseded by a move to {target}")
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
        if earlier is not None:
            data = earlier.get("_stateInput", earlier["input"])
        else:
            data = row["_lastOutput"] or row["input"]
        log_event(state, row["logId"], f"moved to {target} by request")
        row.update(status="running", endTime=None)
        run = _new_run(request, row, workflow)
        run.start(copy.deepcopy(data), at=names[0])
    return 200, lambda: render_execution(state, row)


def delete_workflow_execution(request: ApiRequest) -> Reply:
    row = _execution(request)
    answer = render_execution(request.state, row)
    _stop(row, "aborted: the workflow execution was deleted")
    request.state.workflow_executions.delete(row["executionId"])
    return 200, answer
