"""Hostile and random definitions: ``POST /workflows`` answers 200, 400 or 404 — never a 500 —
and an execution of any accepted definition answers at once, never with a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from las.testing import Emulator
from tests.testing._api import Api

NAMES = ["a", "b", "c", "", ".", "$", "a b"]
TYPES = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "Bogus", 7]
PATHS = ["$", "$.x", "$.x[0]", "$.x[*]", "$$.State.Name", "$..x", "x", "$[", "$['q']", "$.x[1:2]"]
INTRINSICS = ["States.Format('{}', $.x)", "States.Array(", "States.Nope()", "States.ArrayLength($.x)"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 10**4),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(NAMES + PATHS + INTRINSICS + ["2026-01-01T00:00:00Z", "States.ALL", "States.TaskFailed"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from([*NAMES, "x", "v.$"]), inner, max_size=3)
    ),
    max_leaves=8,
)


def _rules(draw: st.DrawFn, depth: int) -> Any:
    operator = draw(
        st.sampled_from(
            [
                "StringEquals",
                "NumericLessThan",
                "BooleanEquals",
                "TimestampEquals",
                "IsPresent",
                "StringMatches",
                "NumericEqualsPath",
                "And",
                "Or",
                "Not",
                "Bogus",
            ]
        )
    )
    rule: dict[str, Any] = {}
    if operator in ("And", "Or") and depth < 2:
        rule[operator] = [_rules(draw, depth + 1) for _ in range(draw(st.integers(0, 2)))]
    elif operator == "Not" and depth < 2:
        rule["Not"] = _rules(draw, depth + 1)
    else:
        rule["Variable"] = draw(st.sampled_from(PATHS))
        rule[operator] = draw(scalars)
    if draw(st.booleans()):
        rule["Next"] = draw(st.sampled_from(NAMES))
    return rule


@st.composite
def machines(draw: st.DrawFn, transition: str, depth: int = 0) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(NAMES[:4]), min_size=0, max_size=4, unique=True)):
        state: dict[str, Any] = {"Type": draw(st.sampled_from(TYPES))}
        for field in draw(
            st.lists(
                st.sampled_from(
                    [
                        "Next",
                        "End",
                        "Resource",
                        "InputPath",
                        "OutputPath",
                        "ResultPath",
                        "Parameters",
                        "Result",
                        "Choices",
                        "Default",
                        "Seconds",
                        "SecondsPath",
                        "Timestamp",
                        "Branches",
                        "ItemsPath",
                        "Iterator",
                        "ItemProcessor",
                        "MaxConcurrency",
                        "Retry",
                        "Catch",
                        "Error",
                        "Cause",
                        "TimeoutSeconds",
                        "HeartbeatSeconds",
                        "ResultSelector",
                        "ItemSelector",
                    ]
                ),
                max_size=5,
                unique=True,
            )
        ):
            if field == "Next" or field == "Default":
                state[field] = draw(st.sampled_from(NAMES))
            elif field == "End":
                state[field] = draw(st.sampled_from([True, True, False, 1]))
            elif field == "Resource":
                state[field] = draw(st.sampled_from([transition, "nope", "las:transition:" + "0" * 32]))
            elif field == "Choices":
                state[field] = [_rules(draw, 0) for _ in range(draw(st.integers(0, 2)))]
            elif field in ("Branches",) and depth < 2:
                state[field] = [draw(machines(transition, depth + 1)) for _ in range(draw(st.integers(0, 2)))]
            elif field in ("Iterator", "ItemProcessor") and depth < 2:
                state[field] = draw(machines(transition, depth + 1))
            elif field in ("Retry", "Catch"):
                state[field] = draw(
                    st.lists(
                        st.fixed_dictionaries(
                            {
                                "ErrorEquals": st.lists(
                                    st.sampled_from(["States.ALL", "X", "States.TaskFailed", 3]), max_size=2
                                )
                            },
                            optional={
                                "Next": st.sampled_from(NAMES),
                                "MaxAttempts": scalars,
                                "BackoffRate": scalars,
                            },
                        ),
                        max_size=2,
                    )
                )
            elif field in ("InputPath", "OutputPath", "ResultPath", "ItemsPath", "SecondsPath"):
                state[field] = draw(st.one_of(st.none(), st.sampled_from(PATHS)))
            else:
                state[field] = draw(json_values)
        states[name] = state
    machine: dict[str, Any] = {"States": states}
    if draw(st.integers(0, 9)):
        machine["StartAt"] = draw(st.sampled_from(NAMES[:4]))
    return machine


@st.composite
def valid_machines(draw: st.DrawFn, transition: str, depth: int = 0) -> dict[str, Any]:
    """Well-formed machines (forward links only) with random paths, templates and rules."""
    count = draw(st.integers(1, 4))
    names = [f"s{index}" for index in range(count)] + ["end"]
    states: dict[str, Any] = {"end": {"Type": "Succeed"}}
    for index in range(count):
        later = st.sampled_from(names[index + 1 :])
        kind = draw(st.sampled_from(["Pass", "Task", "Choice", "Wait", "Parallel", "Map"]))
        state: dict[str, Any] = {"Type": kind}
        if kind in ("Pass", "Task", "Parallel", "Map"):
            for field in ("InputPath", "ResultPath", "OutputPath"):
                if draw(st.integers(0, 3)) == 0:
                    state[field] = draw(st.one_of(st.none(), st.sampled_from(["$", "$.x", "$.r", "$['q']"])))
            if draw(st.booleans()):
                state["Parameters" if kind != "Map" else "ItemSelector"] = draw(
                    st.dictionaries(
                        st.sampled_from(["k", "v.$", "w.$"]),
                        st.sampled_from(["$", "$.x", "$$.State.Name", "States.JsonToString($)", "lit", 1]),
                        max_size=2,
                    ).map(
                        lambda template: {
                            key: value
                            for key, value in template.items()
                            if not key.endswith(".$") or isinstance(value, str)
                        }
                    )
                )
        if kind == "Task":
            state["Resource"] = transition
            if draw(st.booleans()):
                state["Retry"] = [{"ErrorEquals": ["States.ALL"], "MaxAttempts": draw(st.integers(0, 2))}]
            if draw(st.booleans()):
                state["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": draw(later)}]
        if kind == "Choice":
            state["Choices"] = [
                dict(_rules(draw, 1), Next=draw(later)) for _ in range(draw(st.integers(1, 2)))
            ]
            for rule in state["Choices"]:
                rule.pop("Bogus", None)
            if draw(st.booleans()):
                state["Default"] = draw(later)
        if kind == "Wait":
            state["Seconds"] = draw(st.integers(0, 100))
        if kind in ("Parallel", "Map"):
            inner = (
                draw(valid_machines(transition, depth + 1))
                if depth < 1
                else {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}}
            )
            if kind == "Parallel":
                state["Branches"] = [inner]
            else:
                state["ItemProcessor"] = inner
                state["ItemsPath"] = draw(st.sampled_from(["$.items", "$.x", "$"]))
                state["MaxConcurrency"] = draw(st.integers(0, 2))
        if kind not in ("Choice", "Fail"):
            state["Next"] = draw(later)
        states[names[index]] = state
    return {"StartAt": "s0", "States": states}


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as running:
        running.clock.freeze()
        yield running


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_definitions_never_crash_the_emulator(emulator: Emulator, data: st.DataObject) -> None:
    api = Api(emulator, check=False)
    transition = api.transition("docker")["transitionId"]
    definition = data.draw(st.one_of(machines(transition), valid_machines(transition)))
    workflow = api.http.post(
        f"{emulator.url}/workflows", json={"specification": {"definition": definition}}, timeout=10
    )
    assert workflow.status_code in (200, 400, 404), workflow.text
    event(f"status {workflow.status_code}")
    if workflow.status_code != 200:
        assert set(workflow.json()) == {"message"}
        return
    execution = api.http.post(
        f"{emulator.url}/workflows/{workflow.json()['workflowId']}/executions",
        json={
            "input": data.draw(
                st.dictionaries(st.sampled_from(["x", "stop", "items", "r"]), json_values, max_size=3)
            )
        },
        timeout=30,
    )
    assert execution.status_code == 200, execution.text
    assert execution.json()["status"] in ("running", "succeeded", "failed")
    emulator.clock.advance(3600)  # fire whatever waits: no timer may crash either
    final = api.http.get(
        f"{emulator.url}/workflows/{workflow.json()['workflowId']}/executions/{execution.json()['executionId']}",
        timeout=10,
    )
    assert final.status_code == 200, final.text
