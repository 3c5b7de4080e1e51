"""The emulator runs Choice rules, paths, templates and intrinsic functions as the Amazon States
Language specifies them (https://states-language.net/spec.html; each case names its section).

Every case runs a real workflow on the emulator through HTTP; the expected values are the
ones the specification (and, where it defers, the Step Functions documentation) gives.
"""

from __future__ import annotations

from typing import Any

import pytest

from las.testing import Emulator
from tests.testing._machines import Machines, choice_machine, events, single

# (case id naming the spec section, rule without Next, input, expected: does the rule match)
CHOICE_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # "Choice Rules": string comparisons
    ("ChoiceRules-StringEquals-true", {"Variable": "$.s", "StringEquals": "abc"}, {"s": "abc"}, True),
    ("ChoiceRules-StringEquals-false", {"Variable": "$.s", "StringEquals": "abc"}, {"s": "abd"}, False),
    (
        "ChoiceRules-StringEqualsPath",
        {"Variable": "$.s", "StringEqualsPath": "$.t"},
        {"s": "x", "t": "x"},
        True,
    ),
    ("ChoiceRules-StringLessThan", {"Variable": "$.s", "StringLessThan": "b"}, {"s": "a"}, True),
    ("ChoiceRules-StringLessThan-equal", {"Variable": "$.s", "StringLessThan": "a"}, {"s": "a"}, False),
    (
        "ChoiceRules-StringLessThanPath",
        {"Variable": "$.s", "StringLessThanPath": "$.t"},
        {"s": "a", "t": "b"},
        True,
    ),
    ("ChoiceRules-StringGreaterThan", {"Variable": "$.s", "StringGreaterThan": "a"}, {"s": "b"}, True),
    (
        "ChoiceRules-StringGreaterThanPath",
        {"Variable": "$.s", "StringGreaterThanPath": "$.t"},
        {"s": "a", "t": "b"},
        False,
    ),
    ("ChoiceRules-StringLessThanEquals", {"Variable": "$.s", "StringLessThanEquals": "a"}, {"s": "a"}, True),
    (
        "ChoiceRules-StringLessThanEqualsPath",
        {"Variable": "$.s", "StringLessThanEqualsPath": "$.t"},
        {"s": "b", "t": "a"},
        False,
    ),
    (
        "ChoiceRules-StringGreaterThanEquals",
        {"Variable": "$.s", "StringGreaterThanEquals": "b"},
        {"s": "b"},
        True,
    ),
    (
        "ChoiceRules-StringGreaterThanEqualsPath",
        {"Variable": "$.s", "StringGreaterThanEqualsPath": "$.t"},
        {"s": "c", "t": "b"},
        True,
    ),
    (
        "ChoiceRules-StringMatches-star",
        {"Variable": "$.s", "StringMatches": "log-*.txt"},
        {"s": "log-1.txt"},
        True,
    ),
    (
        "ChoiceRules-StringMatches-no",
        {"Variable": "$.s", "StringMatches": "log-*.txt"},
        {"s": "log-1.pdf"},
        False,
    ),
    (
        "ChoiceRules-StringMatches-escaped-star",
        {"Variable": "$.s", "StringMatches": "a\\*"},
        {"s": "a*"},
        True,
    ),
    (
        "ChoiceRules-StringMatches-escaped-star-literal",
        {"Variable": "$.s", "StringMatches": "a\\*"},
        {"s": "ab"},
        False,
    ),
    # "Choice Rules": numeric comparisons (integers and floats compare by value)
    ("ChoiceRules-NumericEquals-int-float", {"Variable": "$.n", "NumericEquals": 1}, {"n": 1.0}, True),
    (
        "ChoiceRules-NumericEqualsPath",
        {"Variable": "$.n", "NumericEqualsPath": "$.m"},
        {"n": 2, "m": 2},
        True,
    ),
    ("ChoiceRules-NumericLessThan", {"Variable": "$.n", "NumericLessThan": 0.5}, {"n": 0.49}, True),
    (
        "ChoiceRules-NumericLessThanPath",
        {"Variable": "$.n", "NumericLessThanPath": "$.m"},
        {"n": 3, "m": 2},
        False,
    ),
    ("ChoiceRules-NumericGreaterThan", {"Variable": "$.n", "NumericGreaterThan": 0.9}, {"n": 0.95}, True),
    (
        "ChoiceRules-NumericGreaterThanPath",
        {"Variable": "$.n", "NumericGreaterThanPath": "$.m"},
        {"n": 3, "m": 2},
        True,
    ),
    ("ChoiceRules-NumericLessThanEquals", {"Variable": "$.n", "NumericLessThanEquals": 5}, {"n": 5}, True),
    (
        "ChoiceRules-NumericLessThanEqualsPath",
        {"Variable": "$.n", "NumericLessThanEqualsPath": "$.m"},
        {"n": 6, "m": 5},
        False,
    ),
    (
        "ChoiceRules-NumericGreaterThanEquals",
        {"Variable": "$.n", "NumericGreaterThanEquals": 5},
        {"n": 4},
        False,
    ),
    (
        "ChoiceRules-NumericGreaterThanEqualsPath",
        {"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.m"},
        {"n": 5, "m": 5},
        True,
    ),
    # a comparison against a value of another type is false, not an error
    (
        "ChoiceRules-NumericEquals-on-string-is-false",
        {"Variable": "$.n", "NumericEquals": 1},
        {"n": "1"},
        False,
    ),
    (
        "ChoiceRules-NumericEquals-on-boolean-is-false",
        {"Variable": "$.n", "NumericEquals": 1},
        {"n": True},
        False,
    ),
    (
        "ChoiceRules-StringEquals-on-number-is-false",
        {"Variable": "$.s", "StringEquals": "1"},
        {"s": 1},
        False,
    ),
    # "Choice Rules": booleans
    ("ChoiceRules-BooleanEquals", {"Variable": "$.b", "BooleanEquals": False}, {"b": False}, True),
    ("ChoiceRules-BooleanEquals-not-truthy", {"Variable": "$.b", "BooleanEquals": True}, {"b": 1}, False),
    (
        "ChoiceRules-BooleanEqualsPath",
        {"Variable": "$.b", "BooleanEqualsPath": "$.c"},
        {"b": True, "c": True},
        True,
    ),
    # "Choice Rules": timestamps compare as instants (time zones respected)
    (
        "ChoiceRules-TimestampEquals-offsets",
        {"Variable": "$.t", "TimestampEquals": "2026-01-01T12:00:00Z"},
        {"t": "2026-01-01T13:00:00+01:00"},
        True,
    ),
    (
        "ChoiceRules-TimestampEqualsPath",
        {"Variable": "$.t", "TimestampEqualsPath": "$.u"},
        {"t": "2026-01-01T12:00:00Z", "u": "2026-01-01T12:00:00.000Z"},
        True,
    ),
    (
        "ChoiceRules-TimestampLessThan",
        {"Variable": "$.t", "TimestampLessThan": "2026-01-01T12:00:00Z"},
        {"t": "2025-12-31T23:59:59Z"},
        True,
    ),
    (
        "ChoiceRules-TimestampLessThanPath",
        {"Variable": "$.t", "TimestampLessThanPath": "$.u"},
        {"t": "2026-01-02T00:00:00Z", "u": "2026-01-01T00:00:00Z"},
        False,
    ),
    (
        "ChoiceRules-TimestampGreaterThan",
        {"Variable": "$.t", "TimestampGreaterThan": "2026-01-01T12:00:00Z"},
        {"t": "2026-01-01T12:00:00.5Z"},
        True,
    ),
    (
        "ChoiceRules-TimestampGreaterThanPath",
        {"Variable": "$.t", "TimestampGreaterThanPath": "$.u"},
        {"t": "2026-01-02T00:00:00Z", "u": "2026-01-01T00:00:00Z"},
        True,
    ),
    (
        "ChoiceRules-TimestampLessThanEquals",
        {"Variable": "$.t", "TimestampLessThanEquals": "2026-01-01T12:00:00Z"},
        {"t": "2026-01-01T12:00:00Z"},
        True,
    ),
    (
        "ChoiceRules-TimestampLessThanEqualsPath",
        {"Variable": "$.t", "TimestampLessThanEqualsPath": "$.u"},
        {"t": "2026-01-01T12:00:01Z", "u": "2026-01-01T12:00:00Z"},
        False,
    ),
    (
        "ChoiceRules-TimestampGreaterThanEquals",
        {"Variable": "$.t", "TimestampGreaterThanEquals": "2026-01-01T12:00:00Z"},
        {"t": "2026-01-01T11:59:59Z"},
        False,
    ),
    (
        "ChoiceRules-TimestampGreaterThanEqualsPath",
        {"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$.u"},
        {"t": "2026-01-01T12:00:00Z", "u": "2026-01-01T12:00:00Z"},
        True,
    ),
    (
        "ChoiceRules-Timestamp-on-non-timestamp-is-false",
        {"Variable": "$.t", "TimestampEquals": "2026-01-01T12:00:00Z"},
        {"t": "yesterday"},
        False,
    ),
    # "Choice Rules": boolean expressions
    (
        "ChoiceRules-And",
        {"And": [{"Variable": "$.n", "NumericGreaterThan": 1}, {"Variable": "$.n", "NumericLessThan": 3}]},
        {"n": 2},
        True,
    ),
    (
        "ChoiceRules-And-one-false",
        {"And": [{"Variable": "$.n", "NumericGreaterThan": 1}, {"Variable": "$.n", "NumericLessThan": 2}]},
        {"n": 2},
        False,
    ),
    (
        "ChoiceRules-Or",
        {"Or": [{"Variable": "$.s", "StringEquals": "a"}, {"Variable": "$.s", "StringEquals": "b"}]},
        {"s": "b"},
        True,
    ),
    ("ChoiceRules-Not", {"Not": {"Variable": "$.s", "StringEquals": "a"}}, {"s": "b"}, True),
    (
        "ChoiceRules-nested-Not-And",
        {
            "Not": {
                "And": [
                    {"Variable": "$.a", "BooleanEquals": True},
                    {"Variable": "$.b", "BooleanEquals": True},
                ]
            }
        },
        {"a": True, "b": True},
        False,
    ),
    # "Choice Rules": type tests
    ("ChoiceRules-IsNull", {"Variable": "$.v", "IsNull": True}, {"v": None}, True),
    ("ChoiceRules-IsNull-false", {"Variable": "$.v", "IsNull": True}, {"v": 0}, False),
    ("ChoiceRules-IsPresent", {"Variable": "$.v", "IsPresent": True}, {"v": None}, True),
    ("ChoiceRules-IsPresent-missing", {"Variable": "$.v", "IsPresent": True}, {}, False),
    ("ChoiceRules-IsPresent-false-missing", {"Variable": "$.v.w", "IsPresent": False}, {"v": 1}, True),
    ("ChoiceRules-IsNumeric", {"Variable": "$.v", "IsNumeric": True}, {"v": 1.5}, True),
    ("ChoiceRules-IsNumeric-string", {"Variable": "$.v", "IsNumeric": True}, {"v": "1.5"}, False),
    ("ChoiceRules-IsNumeric-false", {"Variable": "$.v", "IsNumeric": False}, {"v": True}, True),
    ("ChoiceRules-IsString", {"Variable": "$.v", "IsString": True}, {"v": ""}, True),
    ("ChoiceRules-IsBoolean", {"Variable": "$.v", "IsBoolean": True}, {"v": False}, True),
    ("ChoiceRules-IsBoolean-number", {"Variable": "$.v", "IsBoolean": True}, {"v": 0}, False),
    (
        "ChoiceRules-IsTimestamp",
        {"Variable": "$.v", "IsTimestamp": True},
        {"v": "2026-11-27T10:00:00Z"},
        True,
    ),
    (
        "ChoiceRules-IsTimestamp-date-only",
        {"Variable": "$.v", "IsTimestamp": True},
        {"v": "2026-11-27"},
        False,
    ),
    # "Paths": a Variable reaching into arrays
    ("Paths-Variable-index", {"Variable": "$.a[1].c", "NumericEquals": 2}, {"a": [{"c": 1}, {"c": 2}]}, True),
    ("Paths-Variable-negative-index", {"Variable": "$.a[-1]", "StringEquals": "z"}, {"a": ["x", "z"]}, True),
    ("Paths-Variable-bracket-name", {"Variable": "$['a b']", "StringEquals": "y"}, {"a b": "y"}, True),
    ("Paths-Variable-context-object", {"Variable": "$$.State.Name", "StringEquals": "decide"}, {}, True),
]


@pytest.mark.parametrize(
    ("rule", "data", "matched"), [case[1:] for case in CHOICE_CASES], ids=[case[0] for case in CHOICE_CASES]
)
def test_choice_rule(
    las_emulator: Emulator, rule: dict[str, Any], data: dict[str, Any], matched: bool
) -> None:
    execution = Machines(las_emulator).run(choice_machine(rule), data)
    assert execution["status"] == "succeeded", execution["events"]
    assert execution["output"] == {"matched": matched}


def test_choice_rules_are_tried_in_order_and_the_first_match_wins(las_emulator: Emulator) -> None:
    # "Choice State": "the interpreter ... transitions to the Next of the first Choice Rule that matches"
    definition = {
        "StartAt": "decide",
        "States": {
            "decide": {
                "Type": "Choice",
                "Choices": [
                    {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "big"},
                    {"Variable": "$.n", "NumericGreaterThan": 0, "Next": "positive"},
                ],
            },
            "big": {"Type": "Pass", "Result": {"is": "big"}, "End": True},
            "positive": {"Type": "Pass", "Result": {"is": "positive"}, "End": True},
        },
    }
    assert Machines(las_emulator).run(definition, {"n": 11})["output"] == {"is": "big"}


def test_choice_without_a_match_or_default_fails_with_no_choice_matched(las_emulator: Emulator) -> None:
    # "Choice State": no match and no Default -> States.NoChoiceMatched
    definition = {
        "StartAt": "decide",
        "States": {
            "decide": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "one"}]},
            "one": {"Type": "Succeed"},
        },
    }
    execution = Machines(las_emulator).run(definition, {"n": 2})
    assert execution["status"] == "failed"
    assert "States.NoChoiceMatched" in events(execution)


def test_choice_on_a_missing_variable_fails_with_runtime_error(las_emulator: Emulator) -> None:
    # "Choice Rules": the Variable must select a value (only IsPresent tests for absence)
    execution = Machines(las_emulator).run(choice_machine({"Variable": "$.gone", "StringEquals": "a"}), {})
    assert execution["status"] == "failed"
    assert "States.Runtime" in events(execution) and "$.gone" in events(execution)


def test_choice_output_is_its_input_through_input_and_output_path(las_emulator: Emulator) -> None:
    # "Choice State" takes InputPath and OutputPath; the rules see the effective input
    definition = {
        "StartAt": "decide",
        "States": {
            "decide": {
                "Type": "Choice",
                "InputPath": "$.doc",
                "OutputPath": "$.fields",
                "Choices": [{"Variable": "$.confidence", "NumericGreaterThanEquals": 0.9, "Next": "done"}],
                "Default": "done",
            },
            "done": {"Type": "Succeed"},
        },
    }
    data = {"doc": {"confidence": 0.95, "fields": {"total": "10.00"}}, "other": 1}
    assert Machines(las_emulator).run(definition, data)["output"] == {"total": "10.00"}


# ---------------------------------------------------------------------------------------------
# Input and output processing: (case id, Pass state fields, input, expected output)

IO_CASES: list[tuple[str, dict[str, Any], dict[str, Any], Any]] = [
    ("InputOutput-InputPath-selects", {"InputPath": "$.a"}, {"a": {"b": 1}, "c": 2}, {"b": 1}),
    ("InputOutput-InputPath-null-is-empty-object", {"InputPath": None}, {"a": 1}, {}),
    ("InputOutput-OutputPath-selects", {"OutputPath": "$.a"}, {"a": {"b": 1}}, {"b": 1}),
    ("InputOutput-OutputPath-null-is-empty-object", {"OutputPath": None}, {"a": 1}, {}),
    ("InputOutput-Result-replaces-by-default", {"Result": {"r": 1}}, {"a": 1}, {"r": 1}),
    ("InputOutput-ResultPath-field", {"Result": 1, "ResultPath": "$.r"}, {"a": 1}, {"a": 1, "r": 1}),
    (
        "InputOutput-ResultPath-creates-objects",
        {"Result": 1, "ResultPath": "$.x.y.z"},
        {"a": 1},
        {"a": 1, "x": {"y": {"z": 1}}},
    ),
    ("InputOutput-ResultPath-overwrites", {"Result": 2, "ResultPath": "$.a"}, {"a": 1}, {"a": 2}),
    ("InputOutput-ResultPath-null-discards", {"Result": {"r": 1}, "ResultPath": None}, {"a": 1}, {"a": 1}),
    (
        "InputOutput-ResultPath-then-OutputPath",
        {"Result": {"r": 1}, "ResultPath": "$.res", "OutputPath": "$.res"},
        {"a": 1},
        {"r": 1},
    ),
    ("InputOutput-ResultPath-bracket", {"Result": 1, "ResultPath": "$['my key']"}, {}, {"my key": 1}),
    (
        "InputOutput-Parameters-static-and-path",
        {"Parameters": {"fixed": "x", "picked.$": "$.a.b", "deep": {"again.$": "$.c"}}},
        {"a": {"b": 1}, "c": [1, 2]},
        {"fixed": "x", "picked": 1, "deep": {"again": [1, 2]}},
    ),
    (
        "InputOutput-Parameters-after-InputPath",
        {"InputPath": "$.a", "Parameters": {"v.$": "$.b"}},
        {"a": {"b": 7}},
        {"v": 7},
    ),
    (
        "InputOutput-Parameters-in-arrays",
        {"Parameters": {"list": [{"v.$": "$.a"}, "plain"]}},
        {"a": 3},
        {"list": [{"v": 3}, "plain"]},
    ),
    (
        "InputOutput-Parameters-then-ResultPath-into-raw-input",
        {"Parameters": {"v.$": "$.a"}, "ResultPath": "$.p"},
        {"a": 1},
        {"a": 1, "p": {"v": 1}},
    ),
    (
        "InputOutput-Parameters-context-object",
        {"Parameters": {"state.$": "$$.State.Name", "input.$": "$$.Execution.Input.a"}},
        {"a": 5},
        {"state": "only", "input": 5},
    ),
    (
        "Paths-wildcard-selects-a-list",
        {"Parameters": {"v.$": "$.a[*].b"}},
        {"a": [{"b": 1}, {"b": 2}]},
        {"v": [1, 2]},
    ),
    ("Paths-dot-star-values", {"Parameters": {"v.$": "$.o.*"}}, {"o": {"x": 1, "y": 2}}, {"v": [1, 2]}),
    ("Paths-slice", {"Parameters": {"v.$": "$.a[1:3]"}}, {"a": [0, 1, 2, 3]}, {"v": [1, 2]}),
    ("Paths-index", {"Parameters": {"v.$": "$.a[0]"}}, {"a": ["first", "second"]}, {"v": "first"}),
    ("Paths-root", {"Parameters": {"all.$": "$"}}, {"a": 1}, {"all": {"a": 1}}),
]


@pytest.mark.parametrize(
    ("fields", "data", "expected"), [case[1:] for case in IO_CASES], ids=[case[0] for case in IO_CASES]
)
def test_input_and_output_processing(
    las_emulator: Emulator, fields: dict[str, Any], data: Any, expected: Any
) -> None:
    execution = Machines(las_emulator).run(single({"Type": "Pass", **fields}), data)
    assert execution["status"] == "succeeded", execution["events"]
    assert execution["output"] == expected


# (case id, Pass state fields, input, error name expected in the log)
IO_ERROR_CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("InputOutput-InputPath-missing-is-runtime-error", {"InputPath": "$.gone"}, {"a": 1}, "States.Runtime"),
    ("InputOutput-OutputPath-missing-is-runtime-error", {"OutputPath": "$.gone"}, {"a": 1}, "States.Runtime"),
    (
        "InputOutput-Parameters-missing-path-is-parameter-path-failure",
        {"Parameters": {"v.$": "$.gone"}},
        {"a": 1},
        "States.ParameterPathFailure",
    ),
    (
        "InputOutput-ResultPath-through-a-non-object-fails",
        {"Result": 1, "ResultPath": "$.a.b"},
        {"a": "text"},
        "States.ResultPathMatchFailure",
    ),
    ("InputOutput-execution-output-must-be-an-object", {"Result": [1, 2]}, {}, "States.Runtime"),
]


@pytest.mark.parametrize(
    ("fields", "data", "error"),
    [case[1:] for case in IO_ERROR_CASES],
    ids=[case[0] for case in IO_ERROR_CASES],
)
def test_input_and_output_errors(
    las_emulator: Emulator, fields: dict[str, Any], data: Any, error: str
) -> None:
    execution = Machines(las_emulator).run(single({"Type": "Pass", **fields}), data)
    assert execution["status"] == "failed"
    assert execution["output"] == {}
    assert error in events(execution)


def test_result_selector_and_result_path_shape_a_task_result(las_emulator: Emulator) -> None:
    # "InputOutput": ResultSelector builds from the task result, ResultPath puts it in the input
    machines = Machines(las_emulator)
    predict = machines.docker(
        lambda data: {"predictions": [{"label": "total", "confidence": 0.97}], "noise": 1}
    )
    definition = single(
        {
            "Type": "Task",
            "Resource": predict,
            "Parameters": {"documentId.$": "$.documentId"},
            "ResultSelector": {"confidence.$": "$.predictions[0].confidence"},
            "ResultPath": "$.prediction",
        }
    )
    execution = machines.run(definition, {"documentId": "doc-1", "keep": True})
    assert machines.calls[predict] == [{"documentId": "doc-1"}]
    assert execution["output"] == {"documentId": "doc-1", "keep": True, "prediction": {"confidence": 0.97}}


def test_task_input_must_be_an_object(las_emulator: Emulator) -> None:
    # the API's transition execution input is an object: a list is refused, naming the state
    machines = Machines(las_emulator)
    task = machines.docker()
    execution = machines.run(
        single({"Type": "Task", "Resource": task, "InputPath": "$.items"}), {"items": [1]}
    )
    assert execution["status"] == "failed"
    assert "input of Task 'only' must be a JSON object" in events(execution)
    assert machines.calls[task] == []


# ---------------------------------------------------------------------------------------------
# Intrinsic functions: (case id, expression, input, expected value)

INTRINSIC_CASES: list[tuple[str, str, dict[str, Any], Any]] = [
    (
        "Intrinsic-Format",
        "States.Format('Hello {}, you have {} items', $.name, $.n)",
        {"name": "Ada", "n": 3},
        "Hello Ada, you have 3 items",
    ),
    ("Intrinsic-Format-escaped-braces", "States.Format('\\{{}\\}', $.v)", {"v": "x"}, "{x}"),
    (
        "Intrinsic-Format-null-and-boolean",
        "States.Format('{} {}', $.a, $.b)",
        {"a": None, "b": True},
        "null true",
    ),
    ("Intrinsic-StringToJson", "States.StringToJson($.s)", {"s": '{"a":[1,2]}'}, {"a": [1, 2]}),
    ("Intrinsic-JsonToString", "States.JsonToString($.o)", {"o": {"a": [1, 2]}}, '{"a":[1,2]}'),
    ("Intrinsic-Array", "States.Array($.a, 'two', 3, true, null)", {"a": 1}, [1, "two", 3, True, None]),
    (
        "Intrinsic-ArrayPartition",
        "States.ArrayPartition($.a, 2)",
        {"a": [1, 2, 3, 4, 5]},
        [[1, 2], [3, 4], [5]],
    ),
    ("Intrinsic-ArrayContains", "States.ArrayContains($.a, $.v)", {"a": [1, 2], "v": 2}, True),
    ("Intrinsic-ArrayContains-false", "States.ArrayContains($.a, 'x')", {"a": [1, 2]}, False),
    ("Intrinsic-ArrayRange", "States.ArrayRange(1, 9, 2)", {}, [1, 3, 5, 7, 9]),
    ("Intrinsic-ArrayRange-down", "States.ArrayRange(3, 1, -1)", {}, [3, 2, 1]),
    ("Intrinsic-ArrayGetItem", "States.ArrayGetItem($.a, 1)", {"a": ["x", "y"]}, "y"),
    ("Intrinsic-ArrayLength", "States.ArrayLength($.a)", {"a": [1, 2, 3]}, 3),
    (
        "Intrinsic-ArrayUnique",
        "States.ArrayUnique($.a)",
        {"a": [1, 2, 1, {"k": 1}, {"k": 1}]},
        [1, 2, {"k": 1}],
    ),
    (
        "Intrinsic-ArrayUnique-booleans-are-not-numbers",
        "States.ArrayUnique($.a)",
        {"a": [1, True, 1.0, "1", None, [1], [1.0], False, 0]},
        [1, True, "1", None, [1], False, 0],
    ),
    ("Intrinsic-Base64Encode", "States.Base64Encode('Data to encode')", {}, "RGF0YSB0byBlbmNvZGU="),
    ("Intrinsic-Base64Decode", "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", {}, "Data to encode"),
    ("Intrinsic-Hash", "States.Hash('input data', 'SHA-1')", {}, "aaff4a450a104cd177d28d18d74485e8cae074b7"),
    (
        "Intrinsic-JsonMerge",
        "States.JsonMerge($.a, $.b, false)",
        {"a": {"x": 1, "y": 1}, "b": {"y": 2}},
        {"x": 1, "y": 2},
    ),
    ("Intrinsic-MathAdd", "States.MathAdd($.n, -1)", {"n": 111}, 110),
    ("Intrinsic-StringSplit", "States.StringSplit($.s, ',')", {"s": "1,2,3"}, ["1", "2", "3"]),
    ("Intrinsic-StringSplit-several-delimiters", "States.StringSplit('a.b+c', '.+')", {}, ["a", "b", "c"]),
    ("Intrinsic-nested-calls", "States.ArrayLength(States.StringSplit($.s, ' '))", {"s": "one two three"}, 3),
    ("Intrinsic-context-path-argument", "States.Format('state {}', $$.State.Name)", {}, "state only"),
    ("Intrinsic-string-with-escaped-quote", "States.Format('it\\'s {}', $.v)", {"v": 1}, "it's 1"),
]


@pytest.mark.parametrize(
    ("expression", "data", "expected"),
    [case[1:] for case in INTRINSIC_CASES],
    ids=[case[0] for case in INTRINSIC_CASES],
)
def test_intrinsic_function(
    las_emulator: Emulator, expression: str, data: dict[str, Any], expected: Any
) -> None:
    execution = Machines(las_emulator).run(single({"Type": "Pass", "Parameters": {"v.$": expression}}), data)
    assert execution["status"] == "succeeded", execution["events"]
    assert execution["output"] == {"v": expected}


def test_intrinsic_uuid_is_a_fresh_version_4_uuid(las_emulator: Emulator) -> None:
    machines = Machines(las_emulator)
    definition = single({"Type": "Pass", "Parameters": {"a.$": "States.UUID()", "b.$": "States.UUID()"}})
    output = machines.run(definition)["output"]
    assert output["a"] != output["b"]
    assert output["a"][14] == "4" and len(output["a"]) == 36


INTRINSIC_ERROR_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "Intrinsic-ArrayGetItem-out-of-range",
        "States.ArrayGetItem($.a, 5)",
        {"a": [1]},
        "States.IntrinsicFailure",
    ),
    (
        "Intrinsic-StringToJson-not-json",
        "States.StringToJson($.s)",
        {"s": "{nope"},
        "States.IntrinsicFailure",
    ),
    ("Intrinsic-Format-too-few-arguments", "States.Format('{} {}', 1)", {}, "States.IntrinsicFailure"),
    ("Intrinsic-MathAdd-not-integers", "States.MathAdd(1.5, 1)", {}, "States.IntrinsicFailure"),
    ("Intrinsic-unknown-function-named", "States.Nope(1)", {}, "States.Nope"),
    ("Intrinsic-MathRandom-is-not-run", "States.MathRandom(1, 10)", {}, "does not run States.MathRandom"),
]


@pytest.mark.parametrize(
    ("expression", "data", "message"),
    [case[1:] for case in INTRINSIC_ERROR_CASES],
    ids=[case[0] for case in INTRINSIC_ERROR_CASES],
)
def test_intrinsic_function_errors(
    las_emulator: Emulator, expression: str, data: dict[str, Any], message: str
) -> None:
    execution = Machines(las_emulator).run(single({"Type": "Pass", "Parameters": {"v.$": expression}}), data)
    assert execution["status"] == "failed"
    assert message in events(execution)


def test_intrinsic_failure_is_caught_by_a_task_catcher(las_emulator: Emulator) -> None:
    # "Errors": States.IntrinsicFailure is an ordinary error name that Catch can handle
    machines = Machines(las_emulator)
    task = machines.docker()
    definition = {
        "StartAt": "t",
        "States": {
            "t": {
                "Type": "Task",
                "Resource": task,
                "Parameters": {"v.$": "States.StringToJson($.s)"},
                "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "Next": "fallback"}],
                "End": True,
            },
            "fallback": {"Type": "Pass", "End": True},
        },
    }
    execution = machines.run(definition, {"s": "not json"})
    assert execution["status"] == "succeeded"
    assert execution["output"]["Error"] == "States.IntrinsicFailure"
    assert machines.calls[task] == []
