"""Errors of the States Language (spec: "Errors"), raised while a state runs."""

from __future__ import annotations

from typing import Any

from las.testing._asl.limits import MAX_CAUSE, MAX_ERROR, DataProblem, Meter, cut

ALL = "States.ALL"
TIMEOUT = "States.Timeout"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
TASK_FAILED = "States.TaskFailed"
RUNTIME = "States.Runtime"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
BRANCH_FAILED = "States.BranchFailed"
ITEM_READER_FAILED = "States.ItemReaderFailed"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"

# Errors States.ALL (and States.TaskFailed) do not match (spec: "States.ALL ... matches any
# known error name"; Step Functions never retries or catches States.Runtime, and documents
# States.DataLimitExceeded as "a terminal error that can't be caught by States.ALL").
UNCATCHABLE = frozenset({RUNTIME, DATA_LIMIT_EXCEEDED})


class StatesError(Exception):
    """A state failed with the error ``name`` and a human ``cause`` (cut to Step Functions'
    limits: 256 and 32,768 characters)."""

    def __init__(self, name: str, cause: str) -> None:
        name, cause = cut(name, MAX_ERROR), cut(cause, MAX_CAUSE)
        super().__init__(f"{name}: {cause}")
        self.name = name
        self.cause = cause


def checked(meter: Meter, value: Any, what: str) -> int:
    """The size of ``value`` (see :meth:`Meter.check`).

    Raises:
        StatesError: ``States.DataLimitExceeded`` naming ``what`` and the limit it passed.
    """
    try:
        return meter.check(value, what)
    except DataProblem as problem:
        raise StatesError(DATA_LIMIT_EXCEEDED, str(problem)) from None


class Unsupported(StatesError):
    """A feature the language has and the definition uses, but the emulator does not run."""

    def __init__(self, feature: str) -> None:
        super().__init__(RUNTIME, f"the emulator does not run {feature}")


def matches(error_name: str, error_equals: list[str]) -> bool:
    """Whether a Retrier's or Catcher's ``ErrorEquals`` covers ``error_name`` (spec: "Retrying
    after error", "Fallback states"): exact names, ``States.ALL`` for any error but
    ``States.Runtime``, and ``States.TaskFailed`` for any of them but ``States.Timeout`` (as
    Step Functions documents it).
    """
    for name in error_equals:
        if name == error_name:
            return True
        if name == ALL and error_name not in UNCATCHABLE:
            return True
        if name == TASK_FAILED and error_name not in UNCATCHABLE and error_name != TIMEOUT:
            return True
    return False
