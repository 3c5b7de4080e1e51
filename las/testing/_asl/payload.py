"""Input and output processing of a state (spec: "Input and Output Processing").

The steps, in order: ``InputPath`` selects the effective input; ``Parameters`` builds a new one
from a template; the state's work produces a result; ``ResultSelector`` builds a new result
from a template; ``ResultPath`` puts the result into the state's raw input; ``OutputPath``
selects the output. A path field set to ``null`` means "nothing": ``{}`` for ``InputPath`` and
``OutputPath``, and "keep the input, drop the result" for ``ResultPath``.

A template (``Parameters``, ``ResultSelector``, ``ItemSelector``) is any JSON; in its objects a
key ending in ``.$`` takes a path (``$.a``, ``$$.Map.Item.Value``) or an intrinsic function,
whose value is put under the key without ``.$``.
"""

from __future__ import annotations

from typing import Any

from las.testing._asl import intrinsics, paths
from las.testing._asl.errors import DATA_LIMIT_EXCEEDED, PARAMETER_PATH_FAILURE, StatesError, checked
from las.testing._asl.limits import MAX_PAYLOAD, DataProblem, Meter


def fill(template: Any, data: Any, context: Any, meter: Meter, what: str = "the filled template") -> Any:
    """The template with every ``"key.$"`` replaced by its value read from ``data``/``context``.

    Raises:
        StatesError: ``States.ParameterPathFailure`` for a path that selects nothing;
            ``States.IntrinsicFailure`` for a failing intrinsic function;
            ``States.DataLimitExceeded`` as soon as the values put in pass
            :data:`MAX_PAYLOAD` (a template may use a large value many times).
    """
    total = [0]  # size of the values put in so far

    def put(key: str, value: str) -> Any:
        found = _dynamic(key, value, data, context, meter)
        total[0] += checked(meter, found, f"{key} of {what}")
        if total[0] > MAX_PAYLOAD:
            raise StatesError(DATA_LIMIT_EXCEEDED, DataProblem.too_large(what, total[0]))
        return found

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            filled: dict[str, Any] = {}
            for key, value in node.items():
                if key.endswith(".$") and isinstance(value, str):
                    filled[key[:-2]] = put(key, value)
                else:
                    filled[key] = walk(value)
            return filled
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    result = walk(template)
    checked(meter, result, what)
    return result


def _dynamic(key: str, value: str, data: Any, context: Any, meter: Meter) -> Any:
    if intrinsics.is_intrinsic(value):
        return intrinsics.evaluate(value, data, context, meter)
    try:
        return paths.read(value, data, context)
    except StatesError as error:
        if error.name == PARAMETER_PATH_FAILURE or "selects nothing" not in error.cause:
            raise
        raise StatesError(PARAMETER_PATH_FAILURE, f"{key}: {error.cause}") from None


def input_path(state: dict[str, Any], raw: Any, context: Any) -> Any:
    """The effective input after ``InputPath``."""
    if "InputPath" in state and state["InputPath"] is None:
        return {}
    return paths.read(state.get("InputPath", "$"), raw, context)


def parameters(
    state: dict[str, Any], effective: Any, context: Any, meter: Meter, name: str, field: str = "Parameters"
) -> Any:
    """``effective`` through the template ``field`` (when the state ``name`` has one)."""
    if field not in state:
        return effective
    return fill(state[field], effective, context, meter, f"the {field} of {name!r}")


def result_selector(state: dict[str, Any], result: Any, context: Any, meter: Meter, name: str) -> Any:
    return parameters(state, result, context, meter, name, "ResultSelector")


def result_path(state: dict[str, Any], raw: Any, result: Any) -> Any:
    """The raw input with ``result`` put at ``ResultPath`` (default ``$``: the result)."""
    if "ResultPath" in state and state["ResultPath"] is None:
        return raw
    return paths.write(state.get("ResultPath", "$"), raw, result)


def output_path(state: dict[str, Any], data: Any, context: Any) -> Any:
    """The state's output after ``OutputPath``."""
    if "OutputPath" in state and state["OutputPath"] is None:
        return {}
    return paths.read(state.get("OutputPath", "$"), data, context)
