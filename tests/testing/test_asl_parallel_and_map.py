"""Parallel and Map states on the emulator (spec: "Parallel State", "Map State")."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from las.testing import Emulator
from tests.testing._machines import Machines, events, single


@pytest.fixture
def machines(las_emulator: Emulator) -> Machines:
    las_emulator.clock.freeze()
    return Machines(las_emulator)


def _branch(state: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "b", "States": {"b": {**state, "End": True}}}


def test_parallel_output_is_the_list_of_branch_outputs_in_branch_order(machines: Machines) -> None:
    slow = machines.manual()
    fast = machines.docker(lambda data: {"fast": data["n"]})
    definition = single(
        {
            "Type": "Parallel",
            "Branches": [
                _branch({"Type": "Task", "Resource": slow}),
                _branch({"Type": "Task", "Resource": fast}),
                _branch({"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}}),
            ],
            "ResultPath": "$.results",
        }
    )
    execution = machines.run(definition, {"n": 2})
    assert execution["status"] == "running"  # the manual branch waits; the others are done
    assert machines.calls[fast] == [{"n": 2}]  # every branch gets the effective input
    task = machines.running_task(execution, slow)
    assert machines.task(slow, task)["input"] == {"n": 2}
    machines.complete(slow, task, output={"slow": True})
    done = machines.refresh(execution)
    assert done["output"] == {"n": 2, "results": [{"slow": True}, {"fast": 2}, {"doubled": 4}]}


def test_parallel_branches_start_together_and_each_has_a_running_task(machines: Machines) -> None:
    first, second = machines.manual(), machines.manual()
    definition = single(
        {
            "Type": "Parallel",
            "Branches": [
                _branch({"Type": "Task", "Resource": first}),
                _branch({"Type": "Task", "Resource": second}),
            ],
        }
    )
    execution = machines.run(definition)
    one, two = machines.running_task(execution, first), machines.running_task(execution, second)
    machines.complete(second, two, output={"b": 2})
    assert machines.refresh(execution)["status"] == "running"
    machines.complete(first, one, output={"a": 1})
    assert machines.refresh(execution)["status"] == "failed"  # a list is not an execution output
    assert "output must be a JSON object" in events(machines.refresh(execution))


def test_a_failing_branch_aborts_the_running_siblings(machines: Machines) -> None:
    waiting = machines.manual()
    broken = machines.failing("boom")
    definition = single(
        {
            "Type": "Parallel",
            "Branches": [
                _branch({"Type": "Task", "Resource": waiting}),
                _branch({"Type": "Task", "Resource": broken}),
            ],
        }
    )
    execution = machines.run(definition)
    assert execution["status"] == "failed"
    [sibling] = execution["transitionExecutions"][waiting]
    aborted = machines.task(waiting, sibling)
    assert aborted["status"] == "failed"
    assert "boom" in events(execution)


def test_map_runs_the_processor_per_item_with_item_selector_and_context(machines: Machines) -> None:
    ocr = machines.docker(lambda data: {"text": f"page {data['page']} of {data['doc']}"})
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.pages",
            "ItemSelector": {
                "doc.$": "$.documentId",
                "page.$": "$$.Map.Item.Value",
                "index.$": "$$.Map.Item.Index",
            },
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "ocr",
                "States": {"ocr": {"Type": "Task", "Resource": ocr, "End": True}},
            },
            "ResultSelector": {"texts.$": "$[*].text"},
            "ResultPath": "$.ocr",
        }
    )
    execution = machines.run(definition, {"documentId": "d1", "pages": [1, 2, 3]})
    assert execution["status"] == "succeeded"
    assert machines.calls[ocr] == [{"doc": "d1", "page": page, "index": page - 1} for page in (1, 2, 3)]
    assert execution["output"]["ocr"] == {"texts": ["page 1 of d1", "page 2 of d1", "page 3 of d1"]}


def test_map_iterator_and_parameters_are_the_older_names(machines: Machines) -> None:
    definition = single(
        {
            "Type": "Map",
            "Parameters": {"v.$": "$$.Map.Item.Value", "tag": "x"},
            "Iterator": {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}},
            "ResultPath": "$.out",
        }
    )
    # ItemsPath defaults to $: the input itself must then be an array; here it is not
    failed = machines.run(definition, {"a": 1})
    assert failed["status"] == "failed" and "must select an array" in events(failed)
    definition["States"]["only"]["ItemsPath"] = "$.items"
    assert machines.run(definition, {"items": ["a", "b"]})["output"] == {
        "items": ["a", "b"],
        "out": [{"v": "a", "tag": "x"}, {"v": "b", "tag": "x"}],
    }


def test_map_over_no_items_gives_an_empty_list(machines: Machines) -> None:
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}},
            "ResultPath": "$.out",
        }
    )
    assert machines.run(definition, {"items": []})["output"] == {"items": [], "out": []}


def test_map_max_concurrency_limits_how_many_items_run_at_once(machines: Machines) -> None:
    review = machines.manual()
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "StartAt": "r",
                "States": {"r": {"Type": "Task", "Resource": review, "End": True}},
            },
            "ResultPath": "$.out",
        }
    )
    execution = machines.run(definition, {"items": [{"i": 0}, {"i": 1}, {"i": 2}, {"i": 3}]})
    seen = []
    while True:
        ids = machines.refresh(execution)["transitionExecutions"].get(review, [])
        running = [task for task in ids if machines.task(review, task)["status"] == "running"]
        if not running:
            break
        assert len(running) <= 2
        seen.append(len(running))
        task = running[-1]
        machines.complete(review, task, output={"done": machines.task(review, task)["input"]["i"]})
    assert seen == [2, 2, 2, 1]
    done = machines.refresh(execution)
    assert done["output"]["out"] == [{"done": 0}, {"done": 1}, {"done": 2}, {"done": 3}]  # item order


def test_map_catch_handles_an_item_failure(machines: Machines) -> None:
    definition = {
        "StartAt": "each",
        "States": {
            "each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "StartAt": "check",
                    "States": {
                        "check": {
                            "Type": "Choice",
                            "Choices": [{"Variable": "$", "NumericLessThan": 0, "Next": "bad"}],
                            "Default": "good",
                        },
                        "bad": {"Type": "Fail", "Error": "Item.Negative", "Cause": "negative item"},
                        "good": {"Type": "Succeed"},
                    },
                },
                "Catch": [{"ErrorEquals": ["Item.Negative"], "Next": "fallback", "ResultPath": "$.error"}],
                "End": True,
            },
            "fallback": {"Type": "Pass", "End": True},
        },
    }
    execution = machines.run(definition, {"items": [1, -1, 2]})
    assert execution["output"] == {
        "items": [1, -1, 2],
        "error": {"Error": "Item.Negative", "Cause": "negative item"},
    }


def test_nested_map_in_parallel(machines: Machines) -> None:
    definition = single(
        {
            "Type": "Parallel",
            "Branches": [
                _branch(
                    {
                        "Type": "Map",
                        "ItemsPath": "$.xs",
                        "ItemProcessor": {
                            "StartAt": "sq",
                            "States": {"sq": {"Type": "Pass", "Parameters": {"x.$": "$"}, "End": True}},
                        },
                    }
                ),
                _branch({"Type": "Pass", "Result": "other"}),
            ],
            "ResultPath": "$.r",
        }
    )
    assert machines.run(definition, {"xs": [1, 2]})["output"]["r"] == [[{"x": 1}, {"x": 2}], "other"]


# (case id, Map/Task fields the emulator accepts at create but does not run, text in the log)
UNSUPPORTED = [
    ("Map-ItemReader", {"ItemReader": {"Resource": "arn:aws:states:::s3:getObject"}}, "ItemReader"),
    ("Map-ToleratedFailurePercentage", {"ToleratedFailurePercentage": 10}, "ToleratedFailurePercentage"),
    ("Map-distributed-mode", {"ProcessorConfig": {"Mode": "DISTRIBUTED"}}, "DISTRIBUTED"),
]


@pytest.mark.parametrize(
    ("fields", "named"), [case[1:] for case in UNSUPPORTED], ids=[case[0] for case in UNSUPPORTED]
)
def test_a_valid_feature_the_emulator_cannot_run_fails_naming_it(
    machines: Machines, fields: dict[str, Any], named: str
) -> None:
    processor: dict[str, Any] = {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}}
    state: dict[str, Any] = {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": processor}
    if "ProcessorConfig" in fields:
        processor["ProcessorConfig"] = fields["ProcessorConfig"]
    else:
        state.update(fields)
    execution = machines.run(single(state), {"items": [1]})
    assert execution["status"] == "failed"
    assert "the emulator does not run" in events(execution) and named in events(execution)


def test_deep_scan_paths_are_accepted_and_fail_naming_them(machines: Machines) -> None:
    execution = machines.run(single({"Type": "Pass", "Parameters": {"v.$": "$..a"}}), {"a": 1})
    assert execution["status"] == "failed"
    assert "deep scan '..'" in events(execution)


def test_parallel_docker_branches_run_at_the_same_time(machines: Machines) -> None:
    # both handlers wait for each other: this finishes only if the branches run at once
    meeting = threading.Barrier(2, timeout=10)

    def meet(data: dict[str, Any]) -> dict[str, Any]:
        meeting.wait()
        return {"met": True}

    left, right = machines.docker(meet), machines.docker(meet)
    definition = single(
        {
            "Type": "Parallel",
            "Branches": [
                _branch({"Type": "Task", "Resource": left}),
                _branch({"Type": "Task", "Resource": right}),
            ],
            "ResultPath": "$.both",
        }
    )
    execution = machines.run(definition)
    assert execution["status"] == "succeeded", events(execution)
    assert execution["output"]["both"] == [{"met": True}, {"met": True}]


def test_map_docker_items_run_at_most_max_concurrency_at_once(machines: Machines) -> None:
    lock = threading.Lock()
    active = [0]
    most = [0]
    pairs = threading.Barrier(2, timeout=10)

    def work(data: dict[str, Any]) -> dict[str, Any]:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        pairs.wait()  # two items must overlap
        with lock:
            active[0] -= 1
        return {"item": data["i"]}

    step = machines.docker(work)
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 2,
            "ItemProcessor": {
                "StartAt": "s",
                "States": {"s": {"Type": "Task", "Resource": step, "End": True}},
            },
            "ResultPath": "$.out",
        }
    )
    execution = machines.run(definition, {"items": [{"i": n} for n in range(6)]})
    assert execution["status"] == "succeeded", events(execution)
    assert execution["output"]["out"] == [{"item": n} for n in range(6)]
    assert most[0] == 2


def test_a_long_map_of_instant_items_one_at_a_time_does_not_exhaust_the_stack(machines: Machines) -> None:
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}},
            "ResultSelector": {"count.$": "States.ArrayLength($)"},
            "ResultPath": "$.result",
        }
    )
    execution = machines.run(definition, {"items": list(range(5000))})
    assert execution["status"] == "succeeded", events(execution)[-500:]
    assert execution["output"]["result"] == {"count": 5000}


def test_a_map_that_loops_back_to_itself_runs_again(machines: Machines) -> None:
    definition = {
        "StartAt": "each",
        "States": {
            "each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 1,
                "ItemProcessor": {"StartAt": "p", "States": {"p": {"Type": "Pass", "End": True}}},
                "ResultPath": None,
                "Next": "count",
            },
            "count": {
                "Type": "Pass",
                "Parameters": {"items.$": "$.items", "rounds.$": "States.MathAdd($.rounds, 1)"},
                "Next": "again?",
            },
            "again?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.rounds", "NumericLessThan": 3, "Next": "each"}],
                "Default": "done",
            },
            "done": {"Type": "Succeed"},
        },
    }
    assert machines.run(definition, {"items": [1, 2], "rounds": 0})["output"] == {
        "items": [1, 2],
        "rounds": 3,
    }
