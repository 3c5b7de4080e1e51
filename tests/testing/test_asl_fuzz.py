"""Fuzzing the States Language side of the emulator: random and hostile definitions, intrinsic
function calls and paths (issue 17, the adversarial campaign).

Invariants, for every example:

* ``POST /workflows`` answers 200, or 400/404 in the API's error shape (``{"message": ...}``)
  naming where the rule was broken: never a 5xx, never a dropped connection (``requests``
  raises then) and never a wait past the request timeout;
* an execution of an accepted definition is answered at once (200, or 400 for an input over
  the limits) and, once the clock has moved past every wait, has ended (``succeeded`` or
  ``failed`` with a named error) after at most 25,000 states;
* the emulator's resident memory stays bounded.

CI runs a fixed number of examples from a fixed seed. For a longer run, with fresh examples:
``LAS_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/testing/test_asl_fuzz.py``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from las.testing import Emulator
from las.testing._asl import definition as asl_definition
from las.testing._asl.limits import MAX_STATES_ENTERED
from tests.support.examples import share_of
from tests.testing._api import Api
from tests.testing._resident import Resident

LONGER_RUN = os.environ.get("LAS_FUZZ_EXAMPLES")


def fuzz_settings(examples: int) -> settings:
    """``examples`` from a fixed seed in CI; ``$LAS_FUZZ_EXAMPLES`` fresh ones when set."""
    return settings(
        max_examples=int(LONGER_RUN) if LONGER_RUN else share_of(examples),
        derandomize=not LONGER_RUN,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


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


STATE_FIELDS = [
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
    "TimestampPath",
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
# every key a hostile value may replace: a state's, a machine's, a Retrier's or Catcher's
FIELDS = [
    *STATE_FIELDS,
    "Type",
    "StartAt",
    "States",
    "ErrorEquals",
    "MaxAttempts",
    "IntervalSeconds",
    "BackoffRate",
    "MaxDelaySeconds",
]


@st.composite
def machines(draw: st.DrawFn, transition: str, depth: int = 0) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(NAMES[:4]), min_size=0, max_size=4, unique=True)):
        state: dict[str, Any] = {"Type": draw(st.sampled_from(TYPES))}
        for field in draw(
            st.lists(
                st.sampled_from(STATE_FIELDS),
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


@pytest.fixture(scope="module")
def resident() -> Iterator[Resident]:
    """Resident memory while the module's examples run: see :data:`MOST_MEMORY`."""
    if not Resident.available():
        pytest.skip("reads resident memory from /proc")
    with Resident() as watching:
        yield watching


@pytest.fixture(scope="module")
def api(emulator: Emulator) -> Api:
    return Api(emulator, check=False)


@pytest.fixture(scope="module")
def transition(emulator: Emulator, api: Api) -> str:
    """A docker transition whose output is ``$.reply`` of its input when there is one (so an
    input can make it answer anything), else its input."""
    transition_id = str(api.transition("docker")["transitionId"])
    emulator.register_docker_handler(transition_id, lambda data: data.get("reply", data))
    return transition_id


# resident memory one example may add: the emulator keeps what examples leave (transition
# executions outlive their workflows), so each example is measured on its own
MOST_MEMORY = 200 * 2**20


def _post(api: Api, url: str, body: Any) -> requests.Response:
    """POST ``body`` as JSON as sent (NaN and infinities too), within the request timeout."""
    return api.http.post(url, data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=20)


def _refused_properly(response: requests.Response) -> None:
    assert response.status_code in (400, 404), (response.status_code, response.text[:500])
    answer = response.json()
    assert set(answer) == {"message"}, answer
    assert isinstance(answer["message"], str) and answer["message"], answer


def create_and_run(
    emulator: Emulator, api: Api, definition: Any, data: Any, resident: Resident | None = None
) -> str:
    """Check the invariants for ``definition`` and an execution of it with ``data``; what
    happened (for ``event``)."""
    if resident is not None:
        resident.restart()
    happened = _create_and_run(emulator, api, definition, data)
    if resident is not None:
        assert resident.grew < MOST_MEMORY, resident.grew
    return happened


def _create_and_run(emulator: Emulator, api: Api, definition: Any, data: Any) -> str:
    created = _post(api, f"{emulator.url}/workflows", {"specification": {"definition": definition}})
    if created.status_code != 200:
        _refused_properly(created)
        if created.status_code == 400:
            assert created.json()["message"].startswith("body"), created.json()
        return f"create {created.status_code}"
    workflow_id = created.json()["workflowId"]
    started = _post(api, f"{emulator.url}/workflows/{workflow_id}/executions", {"input": data})
    if started.status_code == 400:  # an input over the limits
        _refused_properly(started)
        return "input 400"
    assert started.status_code == 200, started.text[:500]
    execution_id = started.json()["executionId"]
    url = f"{emulator.url}/workflows/{workflow_id}/executions/{execution_id}"
    execution = started.json()
    # past every Wait and Retry interval (at most 99,999,999 s each), moving the shared clock no
    # further than needed (it stops at 9999-12-31)
    for seconds in (10**2, 10**4, 10**6, 10**8, 10**8, 10**8):
        if execution["status"] != "running" or not emulator.clock.pending():
            break
        emulator.clock.advance(seconds)
        final = api.http.get(url, timeout=20)
        assert final.status_code == 200, final.text[:500]
        execution = final.json()
    if execution["status"] == "running":  # only while a timer is due later (a Wait until 9999)
        assert emulator.clock.pending() > 0, execution["events"][-3:]
        event("waits")
    else:
        assert execution["status"] in ("succeeded", "failed"), execution["events"][-3:]
    entered = sum(1 for entry in execution["events"] if entry["message"].startswith("entered state"))
    assert entered <= MAX_STATES_ENTERED
    if execution["status"] == "failed":
        last = execution["events"][-1]["message"]
        assert re.match(r"workflow execution failed: .+?: ", last), last  # a named error
        event(f"failed {last.split(':')[1].strip()}")
    else:
        event("succeeded")
    api.http.delete(f"{emulator.url}/workflows/{workflow_id}", timeout=20)
    emulator.clear_requests()  # the request log keeps every body: not what is measured here
    return f"ran {execution['status']}"


@fuzz_settings(250)
@given(data=st.data())
def test_random_definitions_never_crash_the_emulator(
    emulator: Emulator, api: Api, transition: str, data: st.DataObject
) -> None:
    definition = data.draw(st.one_of(machines(transition), valid_machines(transition)))
    data_in = data.draw(
        st.dictionaries(st.sampled_from(["x", "stop", "items", "r"]), json_values, max_size=3)
    )
    event(create_and_run(emulator, api, definition, data_in))


# ---------------------------------------------------------------------------------------------
# Hostile values: deep, huge, of the wrong type, at every key


def _nest(levels: int, inner: Any, wrap: Any) -> Any:
    for _ in range(levels):
        inner = wrap(inner)
    return inner


HOSTILE_PATHS = [
    "$..a",
    "$[?(@.a > 1)]",
    "$[0,1]",
    "$[(@.length-1)]",
    "$['unterminated",
    "$[99999999999999999999999999999999999999999999]",
    "$[1:2:3]",
    "$.a[" * 50,
    "$" + ".a" * 3000,
    "$" + "[0]" * 3000,
    "$.*.*.*.*",
    "$[*][*][*]",
    "$$.Map.Item.Value",
    "$$.Execution.Input.x",
    "$$.Task.Token",
    "$$",
    "$.é.😀",
    "$\u0000",
    " $",
    "$ ",
    "",
]

HOSTILE_STRINGS = [
    *HOSTILE_PATHS,
    "States.Format(",
    "States.ArrayRange(0, 1000000000000000000, 1)",
    "States.StringToJson('" + "[" * 5000 + "')",
    "States.Array(" * 12 + ")" * 12,
    "States.Hash($, 'SHA-1024')",
    "States.MathAdd(1" + "0" * 5000 + ", 1)",
    "States.Format('{}', 1e999)",
    "*" * 200,
    "a" * 100_000,
    "\\" * 50,
    "2026-13-45T99:99:99Z",
    "9999-12-31T23:59:59Z",
]

HOSTILE_NUMBERS = [-1, 0, 10**400, -(10**400), 2**63, 1e308, -0.0, 0.5, float("nan"), float("inf")]

hostile_scalars = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.sampled_from(HOSTILE_NUMBERS),
    st.sampled_from([None, True, False, "", "States.ALL", "Pass", "Map"]),
    st.text(max_size=20),
)


@st.composite
def hostile_values(draw: st.DrawFn) -> Any:
    """Wrong types, deep nesting (past every limit, and just inside), huge arrays and objects."""
    kind = draw(st.sampled_from(["scalar", "deep", "wide", "json", "empty"]))
    if kind == "scalar":
        return draw(hostile_scalars)
    if kind == "deep":
        levels = draw(st.sampled_from([150, 199, 200, 201, 950]))
        return _nest(
            levels,
            draw(hostile_scalars),
            draw(st.sampled_from([lambda v: [v], lambda v: {"Not": v}, lambda v: {"a": v}])),
        )
    if kind == "wide":
        count = draw(st.sampled_from([1000, 30_000]))
        return draw(st.sampled_from([list(range(count)), {f"k{index}": index for index in range(count)}]))
    if kind == "empty":
        return draw(st.sampled_from([{}, [], [[]], [{}]]))
    return draw(json_values)


def _places(node: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place (a key of an object, an index of an array) in ``node``."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*where, key)
            yield from _places(child, (*where, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield (*where, index)
            yield from _places(child, (*where, index))


def _put(node: Any, where: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``node`` with ``value`` at ``where``."""
    if not where:
        return value
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[where[0]] = value if len(where) == 1 else _put(node[where[0]], where[1:], value)
    return copy


@st.composite
def mutated_machines(draw: st.DrawFn, transition: str) -> Any:
    """A valid machine with one hostile value put at any of its keys, or under a new key, or
    where any JSON is valid (a Pass state's ``Result``, a template's constant) so that it runs."""
    machine = draw(valid_machines(transition).filter(lambda drawn: not asl_definition.problems(drawn)))
    places = list(_places(machine))
    where = draw(st.sampled_from(places))
    how = draw(st.sampled_from(["replace", "add", "constant"]))
    if how == "constant":
        states = [
            place
            for place in places
            if isinstance(_get(machine, place), dict) and "Type" in _get(machine, place)
        ]
        state_at = draw(st.sampled_from(states))
        kind = _get(machine, state_at)["Type"]
        if kind == "Pass":
            where = (*state_at, "Result")
        elif kind in ("Task", "Parallel"):
            where = (*state_at, "Parameters")
        elif kind == "Map":
            where = (*state_at, "ItemSelector")
        else:
            where = (*state_at, "Comment")
        value = draw(hostile_values())
        return _put(machine, where, value if where[-1] in ("Result", "Comment") else {"constant": value})
    if how == "add":
        parent = where[:-1]
        while parent and not isinstance(_get(machine, parent), dict):
            parent = parent[:-1]
        field = draw(
            st.sampled_from([*FIELDS, "ProcessorConfig", "ErrorPath", "CausePath", "Comment", "Version"])
        )
        where = (*parent, field)
    return _put(machine, where, draw(hostile_values()))


def _get(node: Any, where: tuple[Any, ...]) -> Any:
    for step in where:
        node = node[step]
    return node


@fuzz_settings(100)
@given(data=st.data())
def test_hostile_values_at_every_key_never_crash_the_emulator(
    emulator: Emulator, api: Api, transition: str, resident: Resident, data: st.DataObject
) -> None:
    definition = data.draw(mutated_machines(transition))
    data_in = data.draw(
        st.fixed_dictionaries(
            {}, optional={"x": hostile_values(), "items": hostile_values(), "reply": hostile_values()}
        )
    )
    event(create_and_run(emulator, api, definition, data_in, resident))


# ---------------------------------------------------------------------------------------------
# Intrinsic functions and paths with hostile arguments

FUNCTIONS = [
    "States.Format",
    "States.StringToJson",
    "States.JsonToString",
    "States.Array",
    "States.ArrayPartition",
    "States.ArrayContains",
    "States.ArrayRange",
    "States.ArrayGetItem",
    "States.ArrayLength",
    "States.ArrayUnique",
    "States.Base64Encode",
    "States.Base64Decode",
    "States.Hash",
    "States.JsonMerge",
    "States.MathAdd",
    "States.MathRandom",
    "States.StringSplit",
    "States.UUID",
    "States.Nope",
]

ARGUMENT_LITERALS = [
    "'{}'",
    "'{}{}{}{}{}{}{}{}{}{}'",
    "'\\{\\}'",
    "'SHA-256'",
    "'MD5'",
    "'[1,2,[3]]'",
    "'" + "[" * 300 + "'",
    "'NaN'",
    "'1e999'",
    "''",
    "'" + "x" * 5000 + "'",
    "'=='",
    "0",
    "1",
    "-1",
    "1000",
    "1000000000000000000",
    "1.5",
    "1e308",
    "true",
    "false",
    "null",
    "$",
    "$.big",
    "$.text",
    "$.deep",
    "$.numbers",
    "$.x",
    "$$",
    "$$.Execution.Input",
    "$.missing",
]


@st.composite
def intrinsic_calls(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from(FUNCTIONS))
    count = draw(st.integers(0, 4))
    args = []
    for _ in range(count):
        if depth < 11 and draw(st.integers(0, 3)) == 0:
            args.append(draw(intrinsic_calls(depth + 1)))
        else:
            args.append(draw(st.sampled_from(ARGUMENT_LITERALS)))
    return f"{name}({', '.join(args)})"


HOSTILE_INPUT = {
    "big": list(range(30_000)),
    "text": "ab," * 20_000,
    "deep": _nest(150, 1, lambda value: [value]),
    "numbers": [1, 1.0, True, "1", None, [1], {"a": 1}] * 100,
    "x": 7,
}


@fuzz_settings(50)
@given(data=st.data())
def test_intrinsic_functions_with_hostile_arguments_never_crash_the_emulator(
    emulator: Emulator, api: Api, transition: str, resident: Resident, data: st.DataObject
) -> None:
    template = {f"v{index}.$": data.draw(intrinsic_calls()) for index in range(data.draw(st.integers(1, 3)))}
    where = data.draw(st.sampled_from(["Pass", "Task", "Map", "ResultSelector"]))
    if where == "Pass":
        state: dict[str, Any] = {"Type": "Pass", "Parameters": template}
    elif where == "Task":
        state = {"Type": "Task", "Resource": transition, "Parameters": template}
    elif where == "ResultSelector":
        state = {"Type": "Task", "Resource": transition, "ResultSelector": template}
    else:
        processor = {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}}
        state = {
            "Type": "Map",
            "ItemsPath": "$.numbers",
            "ItemSelector": template,
            "ItemProcessor": processor,
        }
    definition = {"StartAt": "s", "States": {"s": {**state, "End": True}}}
    event(create_and_run(emulator, api, definition, HOSTILE_INPUT, resident))


@fuzz_settings(100)
@given(data=st.data())
def test_hostile_paths_never_crash_the_emulator(
    emulator: Emulator, api: Api, transition: str, resident: Resident, data: st.DataObject
) -> None:
    path = data.draw(
        st.one_of(st.sampled_from(HOSTILE_PATHS), st.text(alphabet="$.[]*'\"0123456789:?@,()a ", max_size=30))
    )
    field = data.draw(
        st.sampled_from(
            [
                "InputPath",
                "OutputPath",
                "ResultPath",
                "ItemsPath",
                "Variable",
                "Parameters",
                "SecondsPath",
                "ErrorPath",
            ]
        )
    )
    if field == "Variable":
        rule = {"Variable": path, "IsPresent": True, "Next": "end"}
        definition: dict[str, Any] = {
            "StartAt": "s",
            "States": {
                "s": {"Type": "Choice", "Choices": [rule], "Default": "end"},
                "end": {"Type": "Succeed"},
            },
        }
    elif field == "ItemsPath":
        processor = {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}}
        definition = {
            "StartAt": "s",
            "States": {"s": {"Type": "Map", "ItemsPath": path, "ItemProcessor": processor, "End": True}},
        }
    elif field == "SecondsPath":
        definition = {"StartAt": "s", "States": {"s": {"Type": "Wait", "SecondsPath": path, "End": True}}}
    elif field == "ErrorPath":
        definition = {"StartAt": "s", "States": {"s": {"Type": "Fail", "ErrorPath": path}}}
    elif field == "Parameters":
        definition = {
            "StartAt": "s",
            "States": {"s": {"Type": "Pass", "Parameters": {"v.$": path}, "End": True}},
        }
    else:
        definition = {"StartAt": "s", "States": {"s": {"Type": "Pass", field: path, "End": True}}}
    event(create_and_run(emulator, api, definition, HOSTILE_INPUT, resident))
