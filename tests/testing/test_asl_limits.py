"""The emulator's limits on States Language definitions and executions (issue 17, finding 19;
docs/emulator-workflows.md, "Limits"): every hostile definition gets a 400 naming the rule at
``POST /workflows``, or fails its execution with a named error; no definition crashes the
emulator (500), exhausts its memory or stalls the other clients.

Work is measured by counting (states entered per hold of the lock, memory traced) and time
only with generous bounds (seconds for what took minutes).
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from las.testing import Emulator
from las.testing._asl import definition as asl_definition
from las.testing._asl.limits import MAX_LOG_MESSAGE, MAX_STATES, SLICE
from tests.testing._machines import Machines, events, single
from tests.testing._resident import Resident

WHERE = "body.specification.definition."
# Levels: deeper than a definition may nest (200), within what a request body may (256), so the
# definition's own check answers; deeper bodies are refused by the body's limit first (see
# test_a_definition_deeper_than_a_body_may_nest_is_refused_by_the_body_limit).
DEEP = 230


@pytest.fixture
def machines(las_emulator: Emulator) -> Machines:
    las_emulator.clock.freeze()
    return Machines(las_emulator)


def _nest(levels: int, inner: Any, wrap: Any) -> Any:
    for _ in range(levels):
        inner = wrap(inner)
    return inner


def _pass(**fields: Any) -> dict[str, Any]:
    return single({"Type": "Pass", **fields})


def _loop(body: dict[str, Any], rounds: int) -> dict[str, Any]:
    """A machine running the state ``body`` (which keeps ``$.n``) ``rounds`` times."""
    return {
        "StartAt": "count",
        "States": {
            "count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "body"},
            "body": {**body, "Next": "again?"},
            "again?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": rounds, "Next": "count"}],
                "Default": "done",
            },
            "done": {"Type": "Succeed"},
        },
    }


def _fails_with(machines: Machines, definition: dict[str, Any], data: dict[str, Any] | None = None) -> str:
    """Run ``definition``; assert the execution failed; its log."""
    execution = machines.run(definition, data)
    assert execution["status"] == "failed", events(execution)
    return events(execution)


@pytest.fixture
def traced() -> Iterator[None]:
    """Traces memory allocations (every thread's) during the test: see :func:`_peak`."""
    tracemalloc.start()
    yield
    tracemalloc.stop()


def _peak() -> int:
    """The most memory traced at once since the last ``tracemalloc.reset_peak()``."""
    return tracemalloc.get_traced_memory()[1]


# ---------------------------------------------------------------------------------------------
# At creation: a 400 naming the rule


def test_a_state_type_that_is_not_a_string_is_refused_naming_the_rule(machines: Machines) -> None:
    for kind in ({"x": 1}, ["Pass"], None, 3):
        body = machines.create({"StartAt": "a", "States": {"a": {"Type": kind, "End": True}}}, expect=400)
        assert body["message"].startswith(f"{WHERE}States.a.Type: unknown state type"), body


@pytest.mark.parametrize(
    "definition",
    [
        pytest.param(
            {
                "StartAt": "c",
                "States": {
                    "c": {
                        "Type": "Choice",
                        "Choices": [
                            {
                                **_nest(DEEP, {"Variable": "$.x", "IsPresent": True}, lambda r: {"Not": r}),
                                "Next": "d",
                            }
                        ],
                        "Default": "d",
                    },
                    "d": {"Type": "Succeed"},
                },
            },
            id="Not",
        ),
        pytest.param(_pass(Parameters=_nest(DEEP, {"a": 1}, lambda p: {"a": p})), id="Parameters"),
        pytest.param(_pass(Result=_nest(DEEP, [], lambda r: [r])), id="Result"),
        pytest.param(
            {"StartAt": _nest(DEEP, [], lambda r: [r]), "States": {"a": {"Type": "Succeed"}}}, id="StartAt"
        ),
    ],
)
def test_a_definition_nested_too_deep_is_refused_naming_the_limit(
    machines: Machines, definition: dict[str, Any]
) -> None:
    body = machines.create(definition, expect=400)
    assert set(body) == {"message"}
    assert "nest more than 200 levels deep (the emulator's limit)" in body["message"], body
    assert len(body["message"]) < 500  # where it is, briefly: not 900 levels of path


def test_a_definition_deeper_than_a_body_may_nest_is_refused_by_the_body_limit(machines: Machines) -> None:
    body = machines.create(_pass(Result=_nest(900, [], lambda r: [r])), expect=400)

    assert set(body) == {"message"} and "at most 256 levels" in body["message"]


def test_intrinsic_calls_nest_at_most_ten_deep(machines: Machines) -> None:
    def nested(levels: int) -> str:
        return _nest(levels, "$.x", lambda inner: f"States.Array({inner})")  # type: ignore[no-any-return]

    body = machines.create(_pass(Parameters={"v.$": nested(600)}), expect=400)
    assert "States.only.Parameters.v.$: intrinsic functions nest at most 10 deep" in body["message"]
    assert machines.create(_pass(Parameters={"v.$": nested(11)}), expect=400)
    execution = machines.run(_pass(Parameters={"v.$": nested(10)}), {"x": 1})
    assert execution["output"] == {"v": _nest(10, 1, lambda inner: [inner])}


def test_the_validator_bounds_depth_itself_at_any_depth() -> None:
    # a definition can be deeper than the HTTP layer lets through when built in-process: the
    # validator never recurses into what it has not measured
    deep = _nest(50_000, {"Variable": "$.x", "IsPresent": True}, lambda rule: {"Not": rule})
    definition = {"StartAt": "c", "States": {"c": {"Type": "Choice", "Choices": [deep], "Default": "c"}}}
    problems = asl_definition.problems(definition)
    assert len(problems) == 1
    assert problems[0].startswith("States.c.Choices[0].Not.Not")
    assert problems[0].endswith("nest more than 200 levels deep (the emulator's limit)")


def _chain(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {
        f"s{index}": {"Type": "Pass", "Next": f"s{index + 1}"} for index in range(count - 1)
    }
    states[f"s{count - 1}"] = {"Type": "Succeed"}
    return {"StartAt": "s0", "States": states}


def test_a_long_chain_of_states_is_checked_in_linear_time(machines: Machines) -> None:
    started = time.monotonic()
    machines.create(_chain(8000))  # quadratic before: 64 million steps, about 25 s
    assert time.monotonic() - started < 5


def test_a_definition_has_at_most_ten_thousand_states(machines: Machines) -> None:
    body = machines.create(_chain(MAX_STATES + 1), expect=400)
    assert f"{MAX_STATES + 1:,} states in all; the emulator's limit is {MAX_STATES:,}" in body["message"]


def test_a_long_path_is_parsed_in_linear_time(machines: Machines) -> None:
    path = "$" + ".a" * 300_000  # parsed by re-slicing the rest at every step before: quadratic
    started = time.monotonic()
    machines.create(_pass(Parameters={"v.$": path}))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("state", "where"),
    [
        ({"Type": "Wait", "Seconds": 10**400}, "States.a.Seconds: must be an integer from 0 to 99999999"),
        ({"Type": "Task", "Resource": "T", "TimeoutSeconds": 10**400}, "States.a.TimeoutSeconds"),
        ({"Type": "Task", "Resource": "T", "HeartbeatSeconds": 10**30}, "States.a.HeartbeatSeconds"),
        (
            {"Type": "Task", "Resource": "T", "Retry": [{"ErrorEquals": ["X"], "MaxDelaySeconds": 10**400}]},
            "States.a.Retry[0].MaxDelaySeconds",
        ),
        (
            {"Type": "Task", "Resource": "T", "Retry": [{"ErrorEquals": ["X"], "MaxAttempts": 10**8}]},
            "States.a.Retry[0].MaxAttempts: must be an integer from 0 to 99999999",
        ),
        (
            {"Type": "Task", "Resource": "T", "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 10**400}]},
            "States.a.Retry[0].IntervalSeconds",
        ),
        ({"Type": "Fail", "ErrorPath": 5}, "States.a.ErrorPath: a path starts with '$'"),
        ({"Type": "Fail", "CausePath": "$["}, "States.a.CausePath: unexpected"),
        (
            {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": "x",
                    "StartAt": "p",
                    "States": {"p": {"Type": "Succeed"}},
                },
            },
            "States.a.ItemProcessor.ProcessorConfig: must be an object",
        ),
        (
            {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd(1" + "0" * 5000 + ", 1)"}},
            "States.a.Parameters.v.$: a number has at most 40 characters",
        ),
        (
            {"Type": "Pass", "Parameters": {"v.$": "States.Format('{}', 1e999)"}},
            "'1e999' is not a finite number",
        ),
    ],
    ids=[
        "wait-seconds",
        "timeout",
        "heartbeat",
        "max-delay",
        "max-attempts",
        "interval",
        "error-path",
        "cause-path",
        "config",
        "digits",
        "inf",
    ],
)
def test_values_the_runner_cannot_use_are_refused_at_creation(
    machines: Machines, state: dict[str, Any], where: str
) -> None:
    # each of these answered 500 (at creation or at the first execution) before
    if state.get("Resource") == "T":
        state = {**state, "Resource": machines.docker()}
    end = {} if state["Type"] == "Fail" else {"End": True}
    body = machines.create({"StartAt": "a", "States": {"a": {**state, **end}}}, expect=400)
    assert where in body["message"], body["message"]


def test_non_finite_numbers_in_a_definition_are_refused(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    response = machines.api.http.post(
        f"{las_emulator.url}/workflows",
        data='{"specification": {"definition": {"StartAt": "a", "States": {"a": {"Type": "Pass", "Result": NaN, "End": true}}}}}',
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400, response.text  # the Pass answered NaN, which is not JSON
    assert set(response.json()) == {"message"}


# ---------------------------------------------------------------------------------------------
# At run time: a named error


def test_string_to_json_of_deep_text_fails_with_data_limit_exceeded(machines: Machines) -> None:
    log = _fails_with(machines, _pass(Parameters={"v.$": "States.StringToJson($.s)"}), {"s": "[" * 5000})
    assert "States.DataLimitExceeded: the result of States.StringToJson: nested more than 200 levels" in log


def test_array_range_counts_its_items_before_building_them(machines: Machines, traced: None) -> None:
    for end in ("1000000000000000000", "10000000"):
        tracemalloc.reset_peak()
        log = _fails_with(machines, _pass(Parameters={"v.$": f"States.ArrayRange(0, {end}, 1)"}))
        assert "States.IntrinsicFailure: States.ArrayRange: may produce at most 1000 items" in log
        assert _peak() < 20 * 2**20  # built the list first before: MemoryError, or +380 MB


def test_string_matches_never_backtracks(machines: Machines) -> None:
    rule = {"Variable": "$.s", "StringMatches": "*a" * 10 + "b"}
    definition = {
        "StartAt": "c",
        "States": {
            "c": {"Type": "Choice", "Choices": [{**rule, "Next": "yes"}], "Default": "no"},
            "yes": {"Type": "Pass", "Result": {"matched": True}, "End": True},
            "no": {"Type": "Pass", "Result": {"matched": False}, "End": True},
        },
    }
    workflow = machines.create(definition)["workflowId"]
    started = time.monotonic()
    execution = machines.start(workflow, {"s": "a" * 45})  # no answer in 8 s before
    assert time.monotonic() - started < 2
    assert execution["output"] == {"matched": False}
    assert machines.start(workflow, {"s": "a" * 45 + "b"})["output"] == {"matched": True}


def test_array_unique_takes_linear_time(machines: Machines) -> None:
    started = time.monotonic()
    execution = machines.run(
        _pass(Parameters={"v.$": "States.ArrayLength(States.ArrayUnique($.items))"}),
        {"items": list(range(40_000))},
    )
    assert execution["output"] == {"v": 40_000}
    assert time.monotonic() - started < 5  # 800 million comparisons before


def test_data_that_doubles_in_a_loop_fails_with_data_limit_exceeded(machines: Machines) -> None:
    # each round puts the whole input twice into the next: 2^20 copies after 20 rounds
    definition = {
        "StartAt": "double",
        "States": {
            "double": {
                "Type": "Pass",
                "Parameters": {"n.$": "States.MathAdd($.n, 1)", "left.$": "$", "right.$": "$"},
                "Next": "again?",
            },
            "again?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericLessThan": 20, "Next": "double"}],
                "Default": "done",
            },
            "done": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "End": True},
        },
    }
    log = _fails_with(machines, definition, {"n": 0, "payload": "x" * 100})
    assert "States.DataLimitExceeded: the Parameters of 'double' is" in log
    assert "over the limit of 262,144 (256 KiB" in log


def test_a_result_path_too_deep_fails_with_data_limit_exceeded(machines: Machines) -> None:
    log = _fails_with(machines, _pass(ResultPath="$" + ".a" * 5000, Result=1))  # a recursion before
    assert "States.DataLimitExceeded: the output of 'only': nested more than 200 levels deep" in log


def test_a_seconds_path_value_over_the_maximum_fails_naming_it(machines: Machines) -> None:
    definition = single({"Type": "Wait", "SecondsPath": "$.wait"})
    log = _fails_with(machines, definition, {"wait": 10**400})  # float() overflowed before: a 500
    assert "States.Runtime: SecondsPath of 'only' must select a number from 0 to 99999999" in log


def test_an_intrinsic_result_over_the_payload_limit_fails_before_it_is_built(machines: Machines) -> None:
    template = "States.Format('" + "{}" * 100 + "', " + ", ".join(["$.s"] * 100) + ")"
    log = _fails_with(machines, _pass(Parameters={"v.$": template}), {"s": "x" * 100_000})  # 10 MB
    assert "States.DataLimitExceeded: the result of States.Format is 300,000 characters as JSON" in log


def test_a_map_fails_as_soon_as_its_results_pass_the_payload_limit(machines: Machines) -> None:
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": {"v.$": "$.block"},
            "ItemProcessor": single({"Type": "Pass"}),
        }
    )
    log = _fails_with(machines, definition, {"items": list(range(100)), "block": "x" * 100_000})
    assert "States.DataLimitExceeded: the results of 'only' so far is 300," in log
    assert log.count("(in 'only' item") == 3  # no item started after the third


def test_a_fail_state_error_path_must_select_a_string(machines: Machines) -> None:
    definition = {"StartAt": "f", "States": {"f": {"Type": "Fail", "ErrorPath": "$.kind"}}}
    log = _fails_with(machines, definition, {"kind": {"deep": [1, 2]}})  # the error was "{'deep': [1, 2]}"
    assert "States.Runtime: the ErrorPath of Fail state 'f' must select a string, got dict" in log


def test_a_catcher_catches_data_limit_exceeded_only_by_name(machines: Machines) -> None:
    big = machines.docker(lambda data: {"big": "x" * 300_000})

    def machine(error_equals: list[str]) -> dict[str, Any]:
        return {
            "StartAt": "t",
            "States": {
                "t": {
                    "Type": "Task",
                    "Resource": big,
                    "Catch": [{"ErrorEquals": error_equals, "Next": "caught"}],
                    "End": True,
                },
                "caught": {"Type": "Pass", "Result": {"caught": True}, "End": True},
            },
        }

    assert "States.DataLimitExceeded: the result of 't'" in _fails_with(machines, machine(["States.ALL"]))
    assert "States.DataLimitExceeded" in _fails_with(machines, machine(["States.TaskFailed"]))
    assert machines.run(machine(["States.DataLimitExceeded"]))["output"] == {"caught": True}


def test_an_execution_input_too_deep_or_too_large_answers_400(machines: Machines) -> None:
    workflow = machines.create(_pass())["workflowId"]
    deep = machines.api.post(
        f"/workflows/{workflow}/executions", {"input": {"a": _nest(DEEP, 1, lambda v: [v])}}, expect=400
    )
    assert "body.input: nested more than 200 levels deep" in deep["message"]  # a 500 before
    large = machines.api.post(
        f"/workflows/{workflow}/executions", {"input": {"a": "x" * 300_000}}, expect=400
    )
    assert "body.input is 300,008 characters as JSON, over the limit of 262,144" in large["message"]


def test_a_loop_through_a_parallel_state_ends_without_a_recursion(machines: Machines) -> None:
    branch = {"StartAt": "x", "States": {"x": {"Type": "Pass", "End": True}}}
    parallel = {"Type": "Parallel", "Branches": [branch], "OutputPath": "$[0]"}
    execution = machines.run(_loop(parallel, 300), {"n": 0})  # one Python call deeper a round: a 500
    assert execution["status"] == "succeeded", events(execution)
    assert execution["output"] == {"n": 300}


def test_a_map_with_more_items_than_states_left_fails_at_once(machines: Machines) -> None:
    definition = single({"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": single({"Type": "Pass"})})
    started = time.monotonic()
    log = _fails_with(machines, definition, {"items": list(range(30_000))})
    assert "the Map 'only' has 30,000 items, and an execution enters at most 25,000 states" in log
    assert log.count("entered state") == 1
    assert time.monotonic() - started < 10


@pytest.mark.skipif(not Resident.available(), reason="reads resident memory from /proc")
def test_nested_maps_keep_memory_bounded(machines: Machines) -> None:
    # three nested Maps over 1,000 items, each item a fresh array of 1,000 numbers: every
    # finished item was kept until its Map ended before (+870 MB)
    inner: dict[str, Any] = single({"Type": "Pass", "Result": {}})
    for _ in range(3):
        inner = single(
            {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"items.$": "States.ArrayRange(1000, 1999, 1)"},
                "ItemProcessor": inner,
                "ResultSelector": {"count.$": "States.ArrayLength($)"},
            }
        )
    workflow = machines.create(inner)["workflowId"]
    with Resident() as resident:
        execution = machines.api.post(
            f"/workflows/{workflow}/executions", {"input": {"items": list(range(1000))}}
        )
    assert resident.grew < 150 * 2**20, resident.grew
    assert "States.Runtime: it built more than 16 MiB of data" in events(execution)


class _HoldCounter:
    """Stands in for the emulator's state lock: counts the log events written in each hold."""

    def __init__(self, lock: Any, state: Any) -> None:
        self.lock, self.state = lock, state
        self.local = threading.local()
        self.most = 0  # events written in one hold, at most

    def _events(self) -> int:
        return sum(len(log["events"]) for log in self.state.logs)

    def __enter__(self) -> None:
        self.lock.__enter__()
        depth = getattr(self.local, "depth", 0)
        if depth == 0:
            self.local.before = self._events()
        self.local.depth = depth + 1

    def __exit__(self, *exc: object) -> None:
        self.local.depth -= 1
        if self.local.depth == 0:
            self.most = max(self.most, self._events() - self.local.before)
        self.lock.__exit__(*exc)


def test_a_long_execution_lets_other_requests_take_the_lock(
    las_emulator: Emulator, machines: Machines
) -> None:
    # 6,000 instant states: all in one hold of the lock before, while other clients waited
    workflow = machines.create(_loop({"Type": "Pass"}, 2000))["workflowId"]
    state = las_emulator._service.state
    counter = _HoldCounter(state.lock, state)
    state.lock = counter  # type: ignore[assignment]
    execution = machines.start(workflow, {"n": 0})
    assert execution["status"] == "succeeded"
    assert len(execution["events"]) > 6000
    assert counter.most <= 2 * SLICE, counter.most


# ---------------------------------------------------------------------------------------------
# What the emulator writes stays bounded and JSON


def test_a_docker_handler_answer_that_is_not_json_fails_the_task_naming_it(machines: Machines) -> None:
    odd = machines.docker(lambda data: {"when": {1, 2}})
    log = _fails_with(machines, single({"Type": "Task", "Resource": odd}))
    assert "docker handler returned a dict that is not JSON: at when: a set is not a JSON value" in log


def test_log_events_are_cut_to_a_bounded_length(machines: Machines) -> None:
    log = _fails_with(
        machines,
        {"StartAt": "f", "States": {"f": {"Type": "Fail", "CausePath": "$.why"}}},
        {"why": "x" * 200_000},
    )
    lines = log.splitlines()
    assert all(len(line) <= MAX_LOG_MESSAGE for line in lines[:-1])
    assert len(lines[-1]) < 33_000  # the final message keeps the cause, cut to Step Functions' 32,768
