"""How a function's result maps to the completing PATCH's fields (no HTTP involved)."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import las
from las.workers import MAX_ERROR_MESSAGE_LENGTH, Cancellation, Completion, cancellation, current_execution
from las.workers._outcomes import (
    completion_for_exception,
    completion_for_result,
    run_coroutine_function,
    run_function,
    truncate,
)


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


def test_run_coroutine_function_maps_outcomes_as_run_function_does() -> None:
    error = ValueError("bad")
    execution = {"executionId": "las:transition-execution:" + "b" * 32, "input": {"n": 2}}

    async def double(client: Any, event: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        assert current_execution() is execution
        return {"double": 2 * event["n"]}

    async def broken(client: Any, event: dict[str, Any]) -> dict[str, Any]:
        raise error

    async def rejecting(client: Any, event: dict[str, Any]) -> dict[str, Any]:
        raise las.Reject("no")

    def run(function: Any) -> tuple[Completion, Exception | None]:
        return asyncio.run(run_coroutine_function(function, None, execution))  # type: ignore[arg-type]

    assert run(double) == (Completion("succeeded", output={"double": 4}), None)
    completion, raised = run(broken)
    assert (completion.status, raised) == ("failed", error)
    assert run(rejecting) == (Completion("rejected", error_message="no"), None)
    with pytest.raises(RuntimeError, match="inside a function run by"):
        current_execution()


def test_run_coroutine_function_fails_a_result_that_is_not_awaitable_naming_the_sync_worker() -> None:
    completion, raised = asyncio.run(
        run_coroutine_function(lambda client, event: {"plain": True}, None, {"input": {}})  # type: ignore[arg-type, return-value]
    )
    assert completion.status == "failed" and isinstance(raised, TypeError)
    assert completion.error_message is not None
    assert "not an awaitable" in completion.error_message and "las.Worker" in completion.error_message


def test_a_cancelled_coroutine_is_not_an_outcome() -> None:
    async def main() -> None:
        started = asyncio.Event()

        async def forever(client: Any, event: dict[str, Any]) -> dict[str, Any]:
            started.set()
            await asyncio.sleep(3600)
            return {}

        task = asyncio.create_task(run_coroutine_function(forever, None, {"input": {}}))  # type: ignore[arg-type]
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


class _Boom(BaseException):
    pass


@pytest.mark.parametrize(
    ("error", "status", "release"),
    [
        (SystemExit(3), "retry", True),
        (KeyboardInterrupt(), "retry", True),
        (asyncio.CancelledError(), "retry", True),
        (_Boom("x"), "failed", False),
        (GeneratorExit(), "failed", False),
        (ValueError("v"), "failed", False),
    ],
)
def test_run_function_reports_every_base_exception_and_lets_none_escape(
    error: BaseException, status: str, release: bool
) -> None:
    def raises(client: las.Client, event: dict[str, object]) -> dict[str, object]:
        raise error

    completion, raised = run_function(raises, None, {"input": {}})  # type: ignore[arg-type]
    assert (completion.status, completion.release, raised) == (status, release, error)
    assert completion.error_message is not None
    assert type(error).__name__ in completion.error_message.splitlines()[0]
    assert completion.error_message.startswith("released: the function raised ") == release


class _ExitsWhenShown:
    def __repr__(self) -> str:
        raise SystemExit("from __repr__")


def test_a_returned_outcome_whose_reason_raises_systemexit_when_shown_still_fails_once() -> None:
    completion, raised = run_function(lambda c, e: las.Reject(_ExitsWhenShown()), None, {"input": {}})  # type: ignore[arg-type]
    assert (completion.status, raised) == ("failed", None)
    assert completion.error_message == "the transition function's outcome could not be reported (SystemExit)"


def test_run_coroutine_function_reports_an_interruption_instead_of_ending_the_loop() -> None:
    async def exits(client: Any, event: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(0)
        raise SystemExit(2)

    completion, raised = asyncio.run(run_coroutine_function(exits, None, {"input": {}}))  # type: ignore[arg-type]
    assert (completion.status, completion.release, type(raised)) == ("retry", True, SystemExit)


def test_a_cancellation_is_set_once_with_its_first_reason() -> None:
    cancelled = Cancellation()
    assert (cancelled.cancelled, cancelled.reason, cancelled.wait(0)) == (False, None, False)
    assert cancelled.cancel("the API ended it")
    assert not cancelled.cancel("a stop")
    assert (cancelled.cancelled, cancelled.reason, cancelled.wait(0)) == (True, "the API ended it", True)


def test_the_function_sees_the_cancellation_it_was_given() -> None:
    mine, seen = Cancellation(), []

    def look(client: las.Client, event: dict[str, object]) -> dict[str, object]:
        seen.append(cancellation())
        return {}

    run_function(look, None, {"input": {}}, mine)  # type: ignore[arg-type]
    assert seen == [mine]
    with pytest.raises(RuntimeError, match="cancellation"):
        cancellation()
