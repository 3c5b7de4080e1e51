"""Retry, Catch, timeouts, heartbeats and Wait on the emulator's clock, as the Amazon States
Language specifies them (https://states-language.net/spec.html; cases name their section).

Time is the emulator's clock, frozen in these tests so that only ``clock.advance`` moves it:
no test sleeps, and boundaries are exact.
"""

from __future__ import annotations

from typing import Any

import pytest

from las.testing import Emulator
from tests.testing._machines import Machines, events, single


@pytest.fixture
def machines(las_emulator: Emulator) -> Machines:
    las_emulator.clock.freeze()
    return Machines(las_emulator)


def _task(resource: str, **fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": resource, **fields}


def _with_fallback(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` as "work" (End), with a "fallback" Pass state a Catcher may go to."""
    return {
        "StartAt": "work",
        "States": {"work": {**state, "End": True}, "fallback": {"Type": "Pass", "End": True}},
    }


# ---------------------------------------------------------------------------------------------
# "Retrying after error"


def test_retry_runs_the_state_again_until_it_succeeds(machines: Machines) -> None:
    flaky = machines.failing("model busy", times=2, then={"ok": True})
    retry = [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 1, "MaxAttempts": 2}]
    execution = machines.run(single(_task(flaky, Retry=retry)), {"doc": 1})
    assert execution["status"] == "running"  # waiting 1 s before the first retry
    machines.emulator.clock.advance(1)  # first retry after IntervalSeconds
    assert len(machines.calls[flaky]) == 2
    machines.emulator.clock.advance(2)  # second after IntervalSeconds * BackoffRate (2.0)
    assert machines.calls[flaky] == [{"doc": 1}] * 3  # same input every attempt
    done = machines.refresh(execution)
    assert (done["status"], done["output"]) == ("succeeded", {"ok": True})
    assert len(done["transitionExecutions"][flaky]) == 3


def test_retry_intervals_grow_by_backoff_rate(machines: Machines) -> None:
    flaky = machines.failing("busy")
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3}]
    execution = machines.run(single(_task(flaky, Retry=retry)))
    clock = machines.emulator.clock
    attempts = []
    for step in (1.999, 0.001, 5.999, 0.001, 17.999, 0.001):  # retries at 2, 2+6, 2+6+18 s
        clock.advance(step)
        attempts.append(len(machines.calls[flaky]))
    assert attempts == [1, 2, 2, 3, 3, 4]
    assert machines.refresh(execution)["status"] == "failed"  # MaxAttempts spent


def test_retry_delay_is_capped_by_max_delay_seconds(machines: Machines) -> None:
    flaky = machines.failing("busy")
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxDelaySeconds": 15}]
    machines.run(single(_task(flaky, Retry=retry)))
    clock = machines.emulator.clock
    clock.advance(10)
    assert len(machines.calls[flaky]) == 2
    clock.advance(15)  # not 100
    assert len(machines.calls[flaky]) == 3


def test_retry_defaults_are_three_attempts_one_second_backoff_two(machines: Machines) -> None:
    flaky = machines.failing("busy")
    execution = machines.run(single(_task(flaky, Retry=[{"ErrorEquals": ["States.ALL"]}])))
    for wait, expected in ((1, 2), (2, 3), (4, 4), (100, 4)):
        machines.emulator.clock.advance(wait)
        assert len(machines.calls[flaky]) == expected
    assert machines.refresh(execution)["status"] == "failed"


def test_max_attempts_zero_never_retries(machines: Machines) -> None:
    flaky = machines.failing("busy")
    execution = machines.run(single(_task(flaky, Retry=[{"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}])))
    assert execution["status"] == "failed"
    assert len(machines.calls[flaky]) == 1


def test_the_first_matching_retrier_decides_and_when_spent_catch_takes_over(machines: Machines) -> None:
    # "Retrying after error": counts are per Retrier; a spent Retrier hands over to Catch
    flaky = machines.failing("busy")
    state = _task(
        flaky,
        Retry=[
            {"ErrorEquals": ["Custom.Error"], "MaxAttempts": 5},
            {"ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 1},
            {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5},
        ],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "fallback"}],
    )
    execution = machines.run(_with_fallback(state), {"doc": 1})
    machines.emulator.clock.advance(1)
    done = machines.refresh(execution)
    assert len(machines.calls[flaky]) == 2  # one retry (second Retrier), not five
    assert done["status"] == "succeeded"
    assert done["output"] == {"Error": "States.TaskFailed", "Cause": "busy"}


def test_retry_is_logged_and_the_context_counts_retries(machines: Machines) -> None:
    flaky = machines.failing("busy", times=1)
    state = _task(
        flaky, Retry=[{"ErrorEquals": ["States.ALL"]}], Parameters={"retries.$": "$$.State.RetryCount"}
    )
    execution = machines.run(single(state))
    machines.emulator.clock.advance(1)
    assert [call["retries"] for call in machines.calls[flaky]] == [0, 1]
    assert "retrying 'only' in 1 s (States.TaskFailed)" in events(machines.refresh(execution))


# ---------------------------------------------------------------------------------------------
# "Fallback states" (Catch)


def test_catch_replaces_the_input_with_error_and_cause_by_default(machines: Machines) -> None:
    broken = machines.failing("unreadable scan")
    state = _task(broken, Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "fallback"}])
    execution = machines.run(_with_fallback(state), {"doc": 1})
    assert execution["status"] == "succeeded"
    assert execution["output"] == {"Error": "States.TaskFailed", "Cause": "unreadable scan"}


def test_catch_result_path_keeps_the_input(machines: Machines) -> None:
    broken = machines.failing("unreadable scan")
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "fallback", "ResultPath": "$.error"}]
    execution = machines.run(_with_fallback(_task(broken, Catch=catch)), {"doc": 1})
    assert execution["output"] == {
        "doc": 1,
        "error": {"Error": "States.TaskFailed", "Cause": "unreadable scan"},
    }


def test_catch_result_path_null_keeps_the_input_unchanged(machines: Machines) -> None:
    broken = machines.failing("x")
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "fallback", "ResultPath": None}]
    assert machines.run(_with_fallback(_task(broken, Catch=catch)), {"doc": 1})["output"] == {"doc": 1}


def test_the_first_matching_catcher_wins(machines: Machines) -> None:
    broken = machines.failing("x")
    definition = {
        "StartAt": "work",
        "States": {
            "work": _task(
                broken,
                End=True,
                Catch=[
                    {"ErrorEquals": ["Other.Error"], "Next": "wrong"},
                    {"ErrorEquals": ["States.TaskFailed"], "Next": "right"},
                    {"ErrorEquals": ["States.ALL"], "Next": "wrong"},
                ],
            ),
            "right": {"Type": "Pass", "Result": {"went": "right"}, "End": True},
            "wrong": {"Type": "Pass", "Result": {"went": "wrong"}, "End": True},
        },
    }
    assert machines.run(definition)["output"] == {"went": "right"}


def test_an_uncaught_error_fails_the_execution_with_its_name_and_cause(machines: Machines) -> None:
    broken = machines.failing("no model")
    execution = machines.run(single(_task(broken, Catch=[{"ErrorEquals": ["Other"], "Next": "only"}])))
    assert execution["status"] == "failed"
    assert "workflow execution failed: States.TaskFailed: no model" in events(execution)


def test_states_all_does_not_catch_runtime_errors(machines: Machines) -> None:
    # Step Functions: States.Runtime errors are not retriable or catchable
    task = machines.docker()
    state = _task(task, InputPath="$.gone", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "fallback"}])
    execution = machines.run(_with_fallback(state), {"a": 1})
    assert execution["status"] == "failed"
    assert "States.Runtime" in events(execution)


def test_fail_state_error_and_cause(machines: Machines) -> None:
    # "Fail State": ends the execution with its Error and Cause
    definition = {
        "StartAt": "stop",
        "States": {"stop": {"Type": "Fail", "Error": "Bad.Document", "Cause": "no pages"}},
    }
    execution = machines.run(definition)
    assert execution["status"] == "failed"
    assert "Bad.Document: no pages" in events(execution)


def test_fail_state_error_path_and_cause_path(machines: Machines) -> None:
    definition = {
        "StartAt": "stop",
        "States": {"stop": {"Type": "Fail", "ErrorPath": "$.kind", "CausePath": "$.why"}},
    }
    execution = machines.run(definition, {"kind": "Doc.Invalid", "why": "blank"})
    assert "Doc.Invalid: blank" in events(execution)


def test_a_caught_fail_state_error_inside_a_parallel(machines: Machines) -> None:
    # "Parallel State": a branch's error is the Parallel state's error, for its Catch
    definition = {
        "StartAt": "both",
        "States": {
            "both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "ok", "States": {"ok": {"Type": "Pass", "End": True}}},
                    {
                        "StartAt": "bad",
                        "States": {"bad": {"Type": "Fail", "Error": "Branch.Bad", "Cause": "b"}},
                    },
                ],
                "Catch": [{"ErrorEquals": ["Branch.Bad"], "Next": "fallback", "ResultPath": "$.caught"}],
                "End": True,
            },
            "fallback": {"Type": "Pass", "End": True},
        },
    }
    execution = machines.run(definition, {"doc": 1})
    assert execution["output"] == {"doc": 1, "caught": {"Error": "Branch.Bad", "Cause": "b"}}


def test_retry_on_a_map_runs_every_item_again(machines: Machines) -> None:
    flaky = machines.failing("busy", times=1)
    definition = single(
        {
            "Type": "Map",
            "ItemsPath": "$.pages",
            "ItemProcessor": {"StartAt": "ocr", "States": {"ocr": _task(flaky, End=True)}},
            "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 5}],
            "ResultPath": "$.texts",
        }
    )
    execution = machines.run(definition, {"pages": [{"p": 1}, {"p": 2}]})
    assert execution["status"] == "running"
    machines.emulator.clock.advance(5)
    done = machines.refresh(execution)
    assert done["status"] == "succeeded"
    assert done["output"]["texts"] == [{"p": 1}, {"p": 2}]
    # both items ran at once; item 1 failed, so the Map failed and item 2's output was dropped;
    # the retry ran both again
    assert sorted(call["p"] for call in machines.calls[flaky]) == [1, 1, 2, 2]


# ---------------------------------------------------------------------------------------------
# Timeouts and heartbeats of transition executions


def test_a_transition_execution_running_past_its_timeout_fails_with_states_timeout(
    machines: Machines,
) -> None:
    review = machines.manual(timeoutInSeconds=120)
    execution = machines.run(single(_task(review)))
    task = machines.running_task(execution, review)
    clock = machines.emulator.clock
    for _ in range(2):
        clock.advance(59)
        machines.heartbeat(review, task)
    clock.advance(1.999)  # 119.999 s
    assert machines.task(review, task)["status"] == "running"
    clock.advance(0.001)  # 120 s: the timeout
    timed_out = machines.task(review, task)
    assert timed_out["status"] == "failed" and timed_out["endTime"] is not None
    done = machines.refresh(execution)
    assert done["status"] == "failed"
    assert "States.Timeout" in events(done)


def test_no_heartbeat_for_60_seconds_fails_with_states_heartbeat_timeout(machines: Machines) -> None:
    # the API's documented limit: a heartbeat at least once every 60 seconds
    review = machines.manual()
    execution = machines.run(single(_task(review)))
    task = machines.running_task(execution, review)
    machines.emulator.clock.advance(59.999)
    assert machines.task(review, task)["status"] == "running"
    machines.emulator.clock.advance(0.001)
    assert machines.task(review, task)["status"] == "failed"
    assert "States.HeartbeatTimeout" in events(machines.refresh(execution))
    body = machines.api.patch(
        f"/transitions/{review}/executions/{task}", {"status": "succeeded", "output": {}}, expect=400
    )
    assert "not running" in body["message"]
    machines.heartbeat(review, task, expect=400)


def test_task_timeout_and_heartbeat_seconds_override_the_transition(machines: Machines) -> None:
    review = machines.manual(timeoutInSeconds=1800)
    state = _task(review, TimeoutSeconds=30, HeartbeatSeconds=10)
    execution = machines.run(single(state))
    task = machines.running_task(execution, review)
    clock = machines.emulator.clock
    clock.advance(9)
    machines.heartbeat(review, task)
    clock.advance(9)
    machines.heartbeat(review, task)
    clock.advance(9)
    machines.heartbeat(review, task)
    clock.advance(3)  # 30 s
    assert machines.task(review, task)["status"] == "failed"
    assert "States.Timeout" in events(machines.refresh(execution))


def test_states_task_failed_does_not_match_states_timeout(machines: Machines) -> None:
    # Step Functions: States.TaskFailed matches any error but States.Timeout
    review = machines.manual()
    state = _task(
        review,
        TimeoutSeconds=30,
        Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "fallback"}],
    )
    execution = machines.run(_with_fallback(state))
    machines.emulator.clock.advance(10**4)
    assert machines.refresh(execution)["status"] == "failed"


def test_states_task_failed_matches_a_heartbeat_timeout(machines: Machines) -> None:
    review = machines.manual()
    state = _task(review, Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "fallback"}])
    execution = machines.run(_with_fallback(state))
    machines.emulator.clock.advance(61)
    done = machines.refresh(execution)
    assert done["status"] == "succeeded"
    assert done["output"]["Error"] == "States.HeartbeatTimeout"


def test_a_timeout_is_retried_with_a_new_transition_execution(machines: Machines) -> None:
    review = machines.manual()
    state = _task(
        review, Retry=[{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 5, "MaxAttempts": 1}]
    )
    execution = machines.run(single(state), {"doc": 7})
    first = machines.running_task(execution, review)
    machines.emulator.clock.advance(60)
    machines.emulator.clock.advance(5)
    second = machines.running_task(execution, review)
    assert second != first
    assert machines.task(review, second)["input"] == {"doc": 7}
    machines.complete(review, second, output={"approved": True})
    assert machines.refresh(execution)["output"] == {"approved": True}


def test_a_manual_execution_started_alone_also_times_out(machines: Machines) -> None:
    review = machines.manual()
    task = machines.api.post(f"/transitions/{review}/executions", {})["executionId"]
    machines.emulator.clock.advance(61)
    assert machines.task(review, task)["status"] == "failed"


def test_a_docker_handler_that_runs_too_long_times_out_and_its_output_is_dropped(machines: Machines) -> None:
    clock = machines.emulator.clock

    def slow(data: dict[str, Any]) -> dict[str, Any]:
        clock.advance(61)  # a long job that sends no heartbeat
        return {"late": True}

    slow_step = machines.docker(slow)
    state = _task(slow_step, Catch=[{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "fallback"}])
    execution = machines.run(_with_fallback(state))
    assert execution["status"] == "succeeded"
    assert execution["output"]["Error"] == "States.HeartbeatTimeout"


def test_an_ended_transition_execution_never_times_out(machines: Machines) -> None:
    review = machines.manual()
    execution = machines.run(single(_task(review)))
    task = machines.running_task(execution, review)
    machines.complete(review, task, output={"ok": 1})
    machines.emulator.clock.advance(10**5)
    assert machines.task(review, task)["status"] == "succeeded"
    assert machines.refresh(execution)["status"] == "succeeded"
    assert machines.emulator.clock.pending() == 0


# ---------------------------------------------------------------------------------------------
# "Wait State"


def test_wait_seconds(machines: Machines) -> None:
    execution = machines.run(single({"Type": "Wait", "Seconds": 30}), {"a": 1})
    assert execution["status"] == "running"
    machines.emulator.clock.advance(29.999)
    assert machines.refresh(execution)["status"] == "running"
    machines.emulator.clock.advance(0.001)
    done = machines.refresh(execution)
    assert (done["status"], done["output"]) == ("succeeded", {"a": 1})


def test_wait_seconds_path(machines: Machines) -> None:
    execution = machines.run(single({"Type": "Wait", "SecondsPath": "$.delay"}), {"delay": 5})
    machines.emulator.clock.advance(4)
    assert machines.refresh(execution)["status"] == "running"
    machines.emulator.clock.advance(1)
    assert machines.refresh(execution)["status"] == "succeeded"


def test_wait_timestamp_in_the_future_and_in_the_past(machines: Machines) -> None:
    clock = machines.emulator.clock
    future = clock.iso(clock.now() + 3600)
    later = machines.run(single({"Type": "Wait", "Timestamp": future}))
    past = machines.run(single({"Type": "Wait", "Timestamp": "2001-01-01T00:00:00Z"}))
    assert past["status"] == "succeeded"  # a moment already past continues at once
    clock.advance(3599)
    assert machines.refresh(later)["status"] == "running"
    clock.advance(1)
    assert machines.refresh(later)["status"] == "succeeded"


def test_wait_timestamp_path(machines: Machines) -> None:
    clock = machines.emulator.clock
    execution = machines.run(
        single({"Type": "Wait", "TimestampPath": "$.until"}), {"until": clock.iso(clock.now() + 10)}
    )
    clock.advance(10)
    assert machines.refresh(execution)["status"] == "succeeded"


def test_wait_seconds_path_must_select_a_number(machines: Machines) -> None:
    execution = machines.run(single({"Type": "Wait", "SecondsPath": "$.delay"}), {"delay": "soon"})
    assert execution["status"] == "failed"
    assert "SecondsPath" in events(execution)


def test_wait_then_docker_step_runs_on_advance(machines: Machines) -> None:
    step = machines.docker(lambda data: {"done": True})
    definition = {
        "StartAt": "pause",
        "States": {"pause": {"Type": "Wait", "Seconds": 60, "Next": "step"}, "step": _task(step, End=True)},
    }
    execution = machines.run(definition)
    assert machines.calls[step] == []
    machines.emulator.clock.advance(60)  # the docker step runs before advance returns
    assert machines.refresh(execution)["output"] == {"done": True}


def test_waits_follow_real_time_by_default(las_emulator: Emulator) -> None:
    # no freeze: a 0-second Wait continues at once; a 1-second Wait is still waiting right after
    machines = Machines(las_emulator)
    assert not las_emulator.clock.frozen
    assert machines.run(single({"Type": "Wait", "Seconds": 0}))["status"] == "succeeded"
    assert machines.run(single({"Type": "Wait", "Seconds": 3600}))["status"] == "running"


def test_a_huge_backoff_stops_growing_instead_of_crashing(machines: Machines) -> None:
    flaky = machines.failing("busy")
    retry = [{"ErrorEquals": ["States.ALL"], "BackoffRate": 1e300, "MaxAttempts": 3}]
    execution = machines.run(single(_task(flaky, Retry=retry)))
    clock = machines.emulator.clock
    for wait, calls in ((1, 2), (1e9, 3), (1e9, 4)):  # 1e300, then an overflow: both capped at 1e9 s
        clock.advance(wait)
        assert len(machines.calls[flaky]) == calls
    assert machines.refresh(execution)["status"] == "failed"


def test_the_machine_timeout_seconds_fails_a_running_execution(machines: Machines) -> None:
    # "Top-level fields": TimeoutSeconds bounds the whole execution (States.Timeout)
    review = machines.manual()
    definition = {"TimeoutSeconds": 300, **single(_task(review))}
    execution = machines.run(definition)
    task = machines.running_task(execution, review)
    clock = machines.emulator.clock
    for _ in range(5):
        clock.advance(59.9)
        machines.heartbeat(review, task)
    assert machines.refresh(execution)["status"] == "running"  # 299.5 s
    clock.advance(0.5)
    done = machines.refresh(execution)
    assert done["status"] == "failed"
    assert "States.Timeout: it ran longer than the definition's TimeoutSeconds (300)" in events(done)
    assert machines.task(review, task)["status"] == "failed"  # aborted
    assert clock.pending() == 0


def test_an_execution_that_ends_in_time_leaves_no_machine_timer(machines: Machines) -> None:
    execution = machines.run({"TimeoutSeconds": 300, **single({"Type": "Pass"})})
    assert execution["status"] == "succeeded"
    assert machines.emulator.clock.pending() == 0


def test_a_context_field_the_emulator_lacks_fails_naming_what_it_has(machines: Machines) -> None:
    execution = machines.run(single({"Type": "Pass", "Parameters": {"token.$": "$$.Task.Token"}}))
    assert execution["status"] == "failed"
    assert "the context object has nothing at '$$.Task.Token'" in events(execution)
    assert "Execution.Id" in events(execution)


def test_jsonata_machines_are_accepted_and_fail_naming_it(machines: Machines) -> None:
    execution = machines.run({"QueryLanguage": "JSONata", **single({"Type": "Pass"})})
    assert execution["status"] == "failed"
    assert "does not run QueryLanguage 'JSONata'" in events(execution)


def test_an_endless_loop_of_instant_states_fails_instead_of_hanging_the_emulator(machines: Machines) -> None:
    # Step Functions stops an execution at 25,000 history events; the emulator at 25,000 states
    definition = {
        "StartAt": "spin",
        "States": {
            "spin": {"Type": "Pass", "Next": "again?"},
            "again?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.stop", "IsPresent": True, "Next": "done"}],
                "Default": "spin",
            },
            "done": {"Type": "Succeed"},
        },
    }
    execution = machines.run(definition, {})
    assert execution["status"] == "failed"
    assert "entered 25000 states" in events(execution)
    assert machines.api.get("/workflows")["workflows"]  # the emulator still answers
