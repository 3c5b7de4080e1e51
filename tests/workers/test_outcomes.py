"""How a function's result maps to the completing PATCH's fields (no HTTP involved)."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import las
from las.workers import MAX_ERROR_MESSAGE_LENGTH, Completion, current_execution
from las.workers._outcomes import completion_for_exception, completion_for_result, run_function, truncate


@given(st.text(max_size=9000), st.integers(min_value=40, max_value=5000))
def test_truncate_keeps_the_beginning_within_the_limit(message: str, limit: int) -> None:
    cut = truncate(message, limit)
    if len(message) <= limit:
        assert cut == message
    else:
        assert len(cut) == limit
        kept = cut[: cut.rindex("\n[... ")]
        assert message.startswith(kept)
        assert cut.endswith(f"{len(message) - len(kept)} more characters cut]")


def test_the_default_limit_is_4096() -> None:
    assert MAX_ERROR_MESSAGE_LENGTH == 4096
    assert len(truncate("x" * 100_000)) == 4096


def test_a_dict_succeeds() -> None:
    assert completion_for_result({"a": [1, "b"]}) == Completion("succeeded", output={"a": [1, "b"]})


@pytest.mark.parametrize(
    ("outcome", "status"), [(las.Reject("no"), "rejected"), (las.Retry("later"), "retry")]
)
def test_outcomes_carry_their_status_and_reason(outcome: las.workers.TransitionOutcome, status: str) -> None:
    assert completion_for_exception(outcome) == Completion(status, error_message=outcome.reason)
    assert completion_for_result(outcome) == Completion(status, error_message=outcome.reason)


def test_an_outcome_without_a_reason_still_says_something() -> None:
    assert completion_for_exception(las.Reject()).error_message == "rejected by the handler"


def test_run_function_reports_what_was_raised_except_outcomes() -> None:
    error = ValueError("bad")

    def broken(client: las.Client, event: dict[str, object]) -> dict[str, object]:
        raise error

    def rejecting(client: las.Client, event: dict[str, object]) -> dict[str, object]:
        raise las.Reject("no")

    completion, raised = run_function(broken, None, {"input": {}})  # type: ignore[arg-type]
    assert (completion.status, raised) == ("failed", error)
    assert completion.error_message is not None and completion.error_message.startswith("ValueError: bad\n")
    assert run_function(rejecting, None, {"input": {}}) == (Completion("rejected", error_message="no"), None)  # type: ignore[arg-type]


def test_outcomes_survive_pickling() -> None:
    for outcome in (las.Reject("not an invoice"), las.Retry("the ERP is down")):
        copy = pickle.loads(pickle.dumps(outcome))
        assert (type(copy), copy.reason) == (type(outcome), outcome.reason)


def test_current_execution_is_set_only_while_the_function_runs() -> None:
    seen = []

    def look(client: las.Client, event: dict[str, object]) -> dict[str, object]:
        seen.append(current_execution())
        return {}

    execution = {"executionId": "las:transition-execution:" + "a" * 32, "input": {"n": 1}}
    run_function(look, None, execution)  # type: ignore[arg-type]
    assert seen == [execution]
    with pytest.raises(RuntimeError, match="inside a function run by"):
        current_execution()


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (({"a": 1}, "succeeded"), Completion("succeeded", output={"a": 1})),
        (("not an invoice", "rejected"), Completion("rejected", error_message="not an invoice")),
        (({"why": "later"}, "retry"), Completion("retry", error_message='{\n  "why": "later"\n}')),
        (("bad scan", "failed"), Completion("failed", error_message="bad scan")),
    ],
)
def test_the_official_sdks_output_status_pairs_are_understood(result: object, expected: Completion) -> None:
    assert completion_for_result(result) == expected


def test_a_pair_that_is_not_output_and_status_is_not_a_dict() -> None:
    assert completion_for_result(({"a": 1}, "done")).status == "failed"
    assert completion_for_result((["x"], "succeeded")).status == "failed"  # output must be a dict
