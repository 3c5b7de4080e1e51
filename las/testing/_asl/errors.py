"""Errors of the States Language (spec: "Errors"), raised while a state runs."""

from __future__ import annotations

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

# Errors States.ALL does not match (spec: "States.ALL ... matches any known error name";
# Step Functions never retries or catches States.Runtime).
UNCATCHABLE = frozenset({RUNTIME})


class StatesError(Exception):
    """A state failed with the error ``name`` and a human ``cause``."""

    def __init__(self, name: str, cause: str) -> None:
        super().__init__(f"{name}: {cause}")
        self.name = name
        self.cause = cause


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
