"""``POST /workflows`` refuses a definition that is not a valid state machine, with a 400 in the
API's error shape naming the state and the rule (spec: "Structure of a State Machine",
"States", "Choice Rules", "Wait State", "Parallel State", "Map State", "Retrying after error").
"""

from __future__ import annotations

from typing import Any

import pytest

from las.testing import Emulator
from tests.testing._machines import Machines

PASS_END: dict[str, Any] = {"Type": "Pass", "End": True}
WHERE = "body.specification.definition."

# (case id, definition, text the message must contain: where and which rule)
INVALID: list[tuple[str, dict[str, Any], str]] = [
    (
        "Structure-StartAt-missing",
        {"States": {"a": PASS_END}},
        "StartAt: a state machine must have a StartAt",
    ),
    (
        "Structure-StartAt-unknown",
        {"StartAt": "b", "States": {"a": PASS_END}},
        "StartAt: must name one of the States",
    ),
    (
        "Structure-States-empty",
        {"StartAt": "a", "States": {}},
        "States: a state machine must have a non-empty States",
    ),
    (
        "Structure-state-name-too-long",
        {"StartAt": "a" * 81, "States": {"a" * 81: PASS_END}},
        "at most 80 characters",
    ),
    (
        "States-unknown-type",
        {"StartAt": "a", "States": {"a": {"Type": "Sleep", "End": True}}},
        "States.a.Type: unknown state type 'Sleep'",
    ),
    (
        "States-field-not-allowed",
        {"StartAt": "a", "States": {"a": {**PASS_END, "Choices": []}}},
        "States.a.Choices: a Pass state has no field 'Choices'",
    ),
    (
        "States-Next-missing-state",
        {"StartAt": "a", "States": {"a": {"Type": "Pass", "Next": "zz"}}},
        "States.a.Next: must name a state of the same machine",
    ),
    (
        "States-terminal-less-state",
        {"StartAt": "a", "States": {"a": {"Type": "Pass"}}},
        'States.a: a Pass state must have exactly one of Next and "End": true',
    ),
    (
        "States-both-Next-and-End",
        {"StartAt": "a", "States": {"a": {"Type": "Pass", "Next": "a", "End": True}}},
        "States.a: a Pass state must have exactly one of Next",
    ),
    (
        "States-End-false",
        {"StartAt": "a", "States": {"a": {"Type": "Succeed", "End": False}}},
        "States.a.End: a Succeed state has no field 'End'",
    ),
    (
        "States-unreachable",
        {"StartAt": "a", "States": {"a": PASS_END, "b": PASS_END}},
        "States.b: unreachable",
    ),
    (
        "States-no-path-to-a-terminal-state",
        {"StartAt": "a", "States": {"a": {"Type": "Pass", "Next": "b"}, "b": {"Type": "Pass", "Next": "a"}}},
        "States.a: no path from this state reaches a terminal state",
    ),
    (
        "ChoiceState-without-Choices",
        {"StartAt": "c", "States": {"c": {"Type": "Choice", "Default": "d"}, "d": PASS_END}},
        "States.c.Choices: a Choice state must have a non-empty array",
    ),
    (
        "ChoiceRules-two-operators",
        {
            "StartAt": "c",
            "States": {
                "c": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1, "Next": "d"}],
                },
                "d": PASS_END,
            },
        },
        "States.c.Choices[0]: a Choice rule has exactly one operator",
    ),
    (
        "ChoiceRules-top-level-rule-without-Next",
        {
            "StartAt": "c",
            "States": {
                "c": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "StringEquals": "x"}],
                    "Default": "d",
                },
                "d": PASS_END,
            },
        },
        "States.c.Choices[0].Next: a top-level Choice rule must have a Next",
    ),
    (
        "ChoiceRules-nested-rule-with-Next",
        {
            "StartAt": "c",
            "States": {
                "c": {
                    "Type": "Choice",
                    "Choices": [{"Not": {"Variable": "$.a", "IsNull": True, "Next": "d"}, "Next": "d"}],
                },
                "d": PASS_END,
            },
        },
        "States.c.Choices[0].Not.Next: only top-level Choice rules have a Next",
    ),
    (
        "ChoiceRules-wrong-value-type",
        {
            "StartAt": "c",
            "States": {
                "c": {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": "1", "Next": "d"}]},
                "d": PASS_END,
            },
        },
        "States.c.Choices[0].NumericEquals: must be a number",
    ),
    (
        "ChoiceRules-Variable-not-a-path",
        {
            "StartAt": "c",
            "States": {
                "c": {"Type": "Choice", "Choices": [{"Variable": "a", "IsNull": True, "Next": "d"}]},
                "d": PASS_END,
            },
        },
        "States.c.Choices[0].Variable: a path starts with '$'",
    ),
    (
        "ChoiceRules-Default-missing-state",
        {
            "StartAt": "c",
            "States": {
                "c": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "d"}],
                    "Default": "nope",
                },
                "d": PASS_END,
            },
        },
        "States.c.Default: must name a state",
    ),
    (
        "WaitState-two-fields",
        {"StartAt": "w", "States": {"w": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True}}},
        "States.w: a Wait state has exactly one of Seconds",
    ),
    (
        "WaitState-negative-seconds",
        {"StartAt": "w", "States": {"w": {"Type": "Wait", "Seconds": -1, "End": True}}},
        "States.w.Seconds: must be an integer from 0 to 99999999",
    ),
    (
        "WaitState-bad-timestamp",
        {"StartAt": "w", "States": {"w": {"Type": "Wait", "Timestamp": "tomorrow", "End": True}}},
        "States.w.Timestamp: must be an RFC 3339 timestamp",
    ),
    (
        "ParallelState-no-branches",
        {"StartAt": "p", "States": {"p": {"Type": "Parallel", "Branches": [], "End": True}}},
        "States.p.Branches: a Parallel state must have a non-empty array",
    ),
    (
        "ParallelState-invalid-branch-named",
        {
            "StartAt": "p",
            "States": {
                "p": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "x", "States": {"x": {"Type": "Pass", "Next": "y"}}}],
                    "End": True,
                }
            },
        },
        "States.p.Branches[0].States.x.Next: must name a state of the same machine",
    ),
    (
        "ParallelState-branch-cannot-jump-out",
        {
            "StartAt": "p",
            "States": {
                "p": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "x", "States": {"x": {"Type": "Pass", "Next": "done"}}}],
                    "Next": "done",
                },
                "done": PASS_END,
            },
        },
        "States.p.Branches[0].States.x.Next",
    ),
    (
        "MapState-no-processor",
        {"StartAt": "m", "States": {"m": {"Type": "Map", "End": True}}},
        "States.m: a Map state must have exactly one of ItemProcessor and Iterator",
    ),
    (
        "MapState-negative-MaxConcurrency",
        {
            "StartAt": "m",
            "States": {
                "m": {
                    "Type": "Map",
                    "MaxConcurrency": -1,
                    "Iterator": {"StartAt": "x", "States": {"x": PASS_END}},
                    "End": True,
                }
            },
        },
        "States.m.MaxConcurrency: must be a non-negative integer",
    ),
    (
        "MapState-ItemsPath-not-a-reference-path",
        {
            "StartAt": "m",
            "States": {
                "m": {
                    "Type": "Map",
                    "ItemsPath": "$.a[*]",
                    "Iterator": {"StartAt": "x", "States": {"x": PASS_END}},
                    "End": True,
                }
            },
        },
        "States.m.ItemsPath: a reference path names one node",
    ),
    (
        "Errors-Retry-on-a-Pass",
        {"StartAt": "a", "States": {"a": {**PASS_END, "Retry": []}}},
        "States.a.Retry: a Pass state has no field 'Retry'",
    ),
    (
        "Errors-ErrorEquals-empty",
        {
            "StartAt": "p",
            "States": {
                "p": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "x", "States": {"x": PASS_END}}],
                    "Retry": [{"ErrorEquals": []}],
                    "End": True,
                }
            },
        },
        "States.p.Retry[0].ErrorEquals: must be a non-empty array",
    ),
    (
        "Errors-States.ALL-not-last",
        {
            "StartAt": "p",
            "States": {
                "p": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "x", "States": {"x": PASS_END}}],
                    "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}],
                    "End": True,
                }
            },
        },
        "States.p.Retry[0].ErrorEquals: States.ALL must appear alone, in the last Retrier",
    ),
    (
        "Errors-BackoffRate-below-one",
        {
            "StartAt": "p",
            "States": {
                "p": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "x", "States": {"x": PASS_END}}],
                    "Retry": [{"ErrorEquals": ["X"], "BackoffRate": 0.5}],
                    "End": True,
                }
            },
        },
        "States.p.Retry[0].BackoffRate: must be a number >= 1.0",
    ),
    (
        "Errors-Catch-Next-missing",
        {
            "StartAt": "p",
            "States": {
                "p": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "x", "States": {"x": PASS_END}}],
                    "Catch": [{"ErrorEquals": ["X"], "Next": "nope"}],
                    "End": True,
                }
            },
        },
        "States.p.Catch[0].Next: must name a state",
    ),
    (
        "Paths-ResultPath-with-wildcard",
        {"StartAt": "a", "States": {"a": {**PASS_END, "ResultPath": "$.a[*]"}}},
        "States.a.ResultPath: a reference path names one node",
    ),
    (
        "Paths-InputPath-not-a-path",
        {"StartAt": "a", "States": {"a": {**PASS_END, "InputPath": "a.b"}}},
        "States.a.InputPath: a path starts with '$'",
    ),
    (
        "Parameters-dollar-field-not-a-path",
        {"StartAt": "a", "States": {"a": {**PASS_END, "Parameters": {"v.$": "nope"}}}},
        "States.a.Parameters.v.$: a path starts with '$'",
    ),
    (
        "Intrinsic-bad-syntax",
        {"StartAt": "a", "States": {"a": {**PASS_END, "Parameters": {"v.$": "States.Format('x', "}}}},
        "States.a.Parameters.v.$:",
    ),
]


@pytest.mark.parametrize(
    ("definition", "message"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_invalid_definitions_answer_400_naming_state_and_rule(
    las_emulator: Emulator, definition: dict[str, Any], message: str
) -> None:
    machines = Machines(las_emulator)
    body = machines.create(definition, expect=400)
    assert set(body) == {"message"}  # the API's error shape
    assert body["message"].startswith(WHERE)
    assert message in body["message"], body["message"]
    assert machines.api.get("/workflows")["workflows"] == []  # nothing was created


def test_task_resource_must_be_a_known_transition(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    nested = {
        "StartAt": "p",
        "States": {
            "p": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "t", "States": {"t": {"Type": "Task", "Resource": "nope", "End": True}}}
                ],
                "End": True,
            }
        },
    }
    body = machines.create(nested, expect=400)
    assert "States.p.Branches[0].States.t.Resource: must be a transition id" in body["message"]
    unknown = "las:transition:" + "a" * 32
    nested["States"]["p"]["Branches"][0]["States"]["t"]["Resource"] = unknown
    assert unknown in machines.create(nested, expect=404)["message"]


def test_a_transition_used_in_a_map_cannot_be_deleted(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    task = machines.docker()
    processor = {"StartAt": "t", "States": {"t": {"Type": "Task", "Resource": task, "End": True}}}
    workflow = machines.create(
        {"StartAt": "m", "States": {"m": {"Type": "Map", "Iterator": processor, "End": True}}}
    )
    assert workflow["workflowId"] in machines.api.delete(f"/transitions/{task}", expect=400)["message"]


def test_every_state_type_together_is_accepted(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    task = machines.docker()
    definition = {
        "Comment": "all the state types",
        "StartAt": "pass",
        "States": {
            "pass": {"Type": "Pass", "Next": "wait"},
            "wait": {"Type": "Wait", "Seconds": 0, "Next": "choice"},
            "choice": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "fail"}],
                "Default": "parallel",
            },
            "parallel": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "t", "States": {"t": {"Type": "Task", "Resource": task, "End": True}}}
                ],
                "ResultPath": "$.branches",
                "Next": "map",
            },
            "map": {
                "Type": "Map",
                "ItemsPath": "$.branches",
                "ItemProcessor": {"StartAt": "s", "States": {"s": {"Type": "Succeed"}}},
                "ResultPath": "$.mapped",
                "Next": "succeed",
            },
            "succeed": {"Type": "Succeed"},
            "fail": {"Type": "Fail", "Error": "X"},
        },
    }
    workflow = machines.create(definition)
    execution = machines.start(workflow["workflowId"], {"doc": 1})
    assert execution["status"] == "succeeded", execution["events"]
    assert execution["output"] == {"doc": 1, "branches": [{"doc": 1}], "mapped": [{"doc": 1}]}


def _nested(depth: int) -> dict[str, Any]:
    machine: dict[str, Any] = {
        "StartAt": "x",
        "States": {"x": {"Type": "Pass", "Result": {"deep": True}, "End": True}},
    }
    for _ in range(depth):
        machine = {"StartAt": "p", "States": {"p": {"Type": "Parallel", "Branches": [machine], "End": True}}}
    return machine


def test_deeply_nested_definitions_answer_400_not_a_crash(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    body = machines.create(_nested(45), expect=400)  # 186 levels of JSON: within both depth limits
    assert "nest more than 40 deep" in body["message"]
    assert len(body["message"]) < 2000  # the first problems only, not an endless list
    # 226 levels of JSON: within the body's limit (256), over the definition's (200), which is
    # checked before the definition is walked.
    body = machines.create(_nested(55), expect=400)
    assert "nest more than 200 levels deep" in body["message"]


def test_forty_levels_of_nesting_run(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    machine = _nested(40)
    machine["States"]["p"]["OutputPath"] = "$" + "[0]" * 40  # 40 lists of one branch output
    execution = machines.run(machine)
    assert execution["status"] == "succeeded", execution["events"][-1]
    assert execution["output"] == {"deep": True}
