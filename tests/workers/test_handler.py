"""@las.transition_handler run as the platform runs a docker transition, against the emulator."""

from __future__ import annotations

import logging
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.workers import MAX_ERROR_MESSAGE_LENGTH, MissingExecutionError, current_execution
from tests.workers.conftest import (
    Platform,
    docker_transition,
    heartbeats_for,
    recorded,
    single_step_workflow,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("no_stray_heartbeat_threads")


def _run_workflow(
    client: las.Client, emulator: Emulator, function: Any, event: dict[str, Any], **options: Any
) -> tuple[dict[str, Any], Platform, str]:
    """Serve a one-step workflow's docker transition with ``function`` and run it on ``event``."""
    transition_id = docker_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    handler = las.transition_handler(**options)(function) if options else las.transition_handler(function)
    platform = Platform(emulator, client, transition_id)
    platform.serve(lambda environ: handler(session=client, environ=environ))
    execution = client.execute_workflow(workflow_id, event)
    return execution, platform, transition_id


def _transition_execution(client: las.Client, transition_id: str, platform: Platform) -> dict[str, Any]:
    [execution_id] = platform.runs
    return client.get_transition_execution(transition_id, execution_id)


def test_a_returned_dict_succeeds_with_it_as_the_output(client: las.Client, las_emulator: Emulator) -> None:
    calls: list[dict[str, Any]] = []

    def count_pages(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(event)
        return {**event, "pages": 3}

    execution, platform, _transition_id = _run_workflow(
        client, las_emulator, count_pages, {"documentId": "d1"}
    )
    assert calls == [{"documentId": "d1"}]
    assert execution["status"] == "succeeded"
    assert execution["output"] == {"documentId": "d1", "pages": 3}
    [execution_id] = platform.runs
    assert recorded(las_emulator, "PATCH") == {execution_id: 1}
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    assert patch.json == {"status": "succeeded", "output": {"documentId": "d1", "pages": 3}}
    assert platform.raised == []


@pytest.mark.parametrize("how", ["raise", "return"])
@pytest.mark.parametrize(("outcome", "status"), [(las.Reject, "rejected"), (las.Retry, "retry")])
def test_reject_and_retry_end_the_execution_with_their_status_and_reason(
    client: las.Client, las_emulator: Emulator, how: str, outcome: type[las.Reject], status: str
) -> None:
    def decide(las_client: las.Client, event: dict[str, Any]) -> Any:
        if how == "raise":
            raise outcome("not an invoice")
        return outcome("not an invoice")

    execution, platform, transition_id = _run_workflow(client, las_emulator, decide, {})
    assert execution["status"] == status  # the workflow follows the transition execution
    assert _transition_execution(client, transition_id, platform)["status"] == status
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    assert patch.json == {"status": status, "error": {"message": "not an invoice"}}
    assert platform.raised == []  # not an error: the container exits cleanly


def test_an_exception_fails_the_execution_with_a_cut_message_and_is_raised_again(
    client: las.Client, las_emulator: Emulator
) -> None:
    def broken(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        raise ValueError("unreadable scan " + "x" * 10_000)

    execution, platform, _transition_id = _run_workflow(client, las_emulator, broken, {})
    assert execution["status"] == "failed"
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    message = patch.json["error"]["message"]
    assert patch.json["status"] == "failed"
    assert len(message) == MAX_ERROR_MESSAGE_LENGTH
    assert message.startswith("ValueError: unreadable scan xxx")
    assert message.endswith("more characters cut]")
    [raised] = platform.raised
    assert isinstance(raised, ValueError)


def test_a_short_failure_carries_the_traceback(client: las.Client, las_emulator: Emulator) -> None:
    def broken(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        return {"total": event["total"]}  # KeyError: no total

    _run_workflow(client, las_emulator, broken, {})
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    message = patch.json["error"]["message"]
    assert message.startswith("KeyError: 'total'")
    assert "Traceback (most recent call last)" in message
    assert 'return {"total": event["total"]}' in message


@pytest.mark.parametrize("result", [None, ["a", "list"], "text", {"nan": float("nan")}, {"set": {1}}])
def test_a_result_that_is_not_a_json_object_fails_the_execution_saying_so(
    client: las.Client, las_emulator: Emulator, result: Any
) -> None:
    execution, _platform, _ = _run_workflow(client, las_emulator, lambda c, e: result, {})
    assert execution["status"] == "failed"
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    message = patch.json["error"]["message"]
    assert "expected a dict" in message or "not JSON" in message


def test_heartbeats_arrive_while_the_function_runs(client: las.Client, las_emulator: Emulator) -> None:
    def slow(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        [running] = las_client.list_transition_executions(transition_id, status="running")["executions"]
        wait_until(lambda: heartbeats_for(las_emulator, running["executionId"]) >= 4, what="4 heartbeats")
        return {}

    transition_id = docker_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    handler = las.transition_handler(heartbeat_interval=0.05)(slow)
    platform = Platform(las_emulator, client, transition_id)
    platform.serve(lambda environ: handler(session=client, environ=environ))
    assert client.execute_workflow(workflow_id, {})["status"] == "succeeded"

    [execution_id] = platform.runs
    log = las_emulator.requests
    patch_at = next(i for i, r in enumerate(log) if r.method == "PATCH")
    before = [r for r in log[:patch_at] if r.path.endswith(f"{execution_id}/heartbeats") and r.status == 204]
    assert len(before) >= 4
    # the thread stopped with the function: no heartbeat was refused for an ended execution
    assert not [r for r in log if r.path.endswith("/heartbeats") and r.status != 204]


def test_a_failing_heartbeat_is_logged_and_the_work_completes(
    client: las.Client, las_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    heartbeats = "/transitions/{transitionId}/executions/{executionId}/heartbeats"
    las_emulator.fail_next(2, status=404, method="POST", path=heartbeats)

    def slow(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        [running] = las_client.list_transition_executions(transition_id, status="running")["executions"]
        wait_until(lambda: heartbeats_for(las_emulator, running["executionId"]) >= 1, what="a heartbeat")
        return {"done": True}

    transition_id = docker_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    handler = las.transition_handler(heartbeat_interval=0.05)(slow)
    platform = Platform(las_emulator, client, transition_id)
    platform.serve(lambda environ: handler(session=client, environ=environ))
    with caplog.at_level(logging.WARNING, logger="las.workers"):
        execution = client.execute_workflow(workflow_id, {})
    assert execution["status"] == "succeeded"
    assert execution["output"] == {"done": True}
    failures = [r for r in caplog.records if "heartbeat" in r.getMessage()]
    assert len(failures) == 2
    assert platform.raised == []


def test_a_lost_completion_answer_is_recorded_once(client: las.Client, las_emulator: Emulator) -> None:
    calls = []

    def work(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        las_emulator.drop_next(1, method="PATCH")  # the answer to the completion is lost
        las_emulator.fail_next(1, status=503, method="PATCH")  # then the API is briefly down
        return {"ok": True}

    execution, platform, _transition_id = _run_workflow(client, las_emulator, work, {})
    assert calls == [1]
    assert execution["status"] == "succeeded"
    [execution_id] = platform.runs
    assert recorded(las_emulator, "PATCH", status=200) == {execution_id: 1}
    assert sorted(r.status for r in las_emulator.requests if r.method == "PATCH") == [0, 200, 503]


def test_a_completion_the_api_refuses_becomes_a_failure(client: las.Client, las_emulator: Emulator) -> None:
    def work(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        las_emulator.fail_next(1, status=400, method="PATCH", body=b'{"message":"body.output: too large"}')
        return {"ok": True}

    execution, platform, transition_id = _run_workflow(client, las_emulator, work, {})
    assert execution["status"] == "failed"
    assert _transition_execution(client, transition_id, platform)["status"] == "failed"
    last = [r for r in las_emulator.requests if r.method == "PATCH"][-1]
    assert last.json["status"] == "failed"
    assert "refused the succeeded completion" in last.json["error"]["message"]
    assert "too large" in last.json["error"]["message"]


def test_an_execution_that_is_not_running_is_left_alone(client: las.Client, las_emulator: Emulator) -> None:
    transition_id = las.Client.create_transition(client, "manual")["transitionId"]
    execution_id = client.execute_transition(transition_id)["executionId"]
    client.update_transition_execution(transition_id, execution_id, "succeeded", output={"by": "hand"})
    calls = []
    handler = las.transition_handler(lambda c, e: calls.append(e) or {})
    las_emulator.clear_requests()
    found = handler(session=client, environ={"TRANSITION_ID": transition_id, "EXECUTION_ID": execution_id})
    assert found["status"] == "succeeded"
    assert calls == []
    assert [r.method for r in las_emulator.requests if r.path != "/token"] == ["GET"]


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"TRANSITION_ID": "las:transition:" + "a" * 32},
        {"EXECUTION_ID": "las:transition-execution:" + "a" * 32},
        {"TRANSITION_ID": "", "EXECUTION_ID": ""},
    ],
)
def test_missing_ids_fail_before_any_request(
    client: las.Client, las_emulator: Emulator, environ: dict[str, str]
) -> None:
    handler = las.transition_handler(lambda c, e: {})
    with pytest.raises(MissingExecutionError, match="TRANSITION_ID and EXECUTION_ID"):
        handler(session=client, environ=environ)
    assert las_emulator.requests == []


@pytest.mark.parametrize(
    "hostile", [".", "..", "/", "%2F", "las:transition-execution:../../documents", "las:document:" + "a" * 32]
)
def test_hostile_execution_ids_fail_before_any_request(
    client: las.Client, las_emulator: Emulator, hostile: str
) -> None:
    handler = las.transition_handler(lambda c, e: {})
    environ = {"TRANSITION_ID": "las:transition:" + "a" * 32, "EXECUTION_ID": hostile}
    with pytest.raises(las.InvalidIdError, match="transition-execution id"):
        handler(session=client, environ=environ)
    assert las_emulator.requests == []


@pytest.mark.parametrize("interval", [0, -1, 60, 600])
def test_a_heartbeat_interval_outside_the_limit_is_refused(interval: float) -> None:
    with pytest.raises(ValueError, match="below the API's 60-second heartbeat limit"):
        las.transition_handler(heartbeat_interval=interval)


def test_the_decorated_function_keeps_its_name_and_doc() -> None:
    @las.transition_handler
    def review(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        """Review a document."""
        return event

    assert review.__name__ == "review"
    assert review.__doc__ == "Review a document."


def test_the_platform_runs_the_handler_as_a_container(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    script = tmp_path / "main.py"
    script.write_text(
        textwrap.dedent(
            """
            import las

            @las.transition_handler(heartbeat_interval=1)
            def handle(las_client, event):
                document = las_client.get_document(event["documentId"])
                return {"documentId": document["documentId"], "contentType": document["contentType"]}

            if __name__ == "__main__":
                handle()
            """
        )
    )
    [document_id] = las_emulator.seed_documents(1)
    transition_id = docker_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    platform = Platform(las_emulator, client, transition_id)
    finished = platform.serve_script(script, tmp_path)
    execution = client.execute_workflow(workflow_id, {"documentId": document_id})
    [container] = finished
    assert container.returncode == 0, container.stderr
    assert execution["status"] == "succeeded"
    assert execution["output"] == {"documentId": document_id, "contentType": "application/pdf"}
    [execution_id] = platform.runs
    assert recorded(las_emulator, "PATCH", status=200) == {execution_id: 1}


def test_a_failing_container_exits_with_an_error_after_marking_the_execution_failed(
    client: las.Client, las_emulator: Emulator, tmp_path: Path
) -> None:
    script = tmp_path / "main.py"
    script.write_text(
        "import las\n\n@las.transition_handler\ndef handle(las_client, event):\n"
        "    raise RuntimeError('the ERP is down')\n\nhandle()\n"
    )
    transition_id = docker_transition(client)
    workflow_id = single_step_workflow(client, transition_id)
    platform = Platform(las_emulator, client, transition_id)
    finished = platform.serve_script(script, tmp_path)
    execution = client.execute_workflow(workflow_id, {})
    [container] = finished
    assert container.returncode == 1
    assert "RuntimeError: the ERP is down" in container.stderr
    assert execution["status"] == "failed"
    [execution_id] = platform.runs
    failed = client.get_transition_execution(transition_id, execution_id)
    assert failed["status"] == "failed"
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    assert patch.json["error"]["message"].startswith("RuntimeError: the ERP is down")


def test_the_heartbeat_thread_ends_with_the_function(client: las.Client, las_emulator: Emulator) -> None:
    _run_workflow(client, las_emulator, lambda c, e: {}, {}, heartbeat_interval=0.05)
    assert "las-heartbeats" not in [thread.name for thread in threading.enumerate()]


def test_the_function_knows_which_execution_it_runs(client: las.Client, las_emulator: Emulator) -> None:
    seen = []

    def look(las_client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        seen.append(current_execution()["executionId"])
        return {}

    _, platform, _ = _run_workflow(client, las_emulator, look, {})
    assert seen == platform.runs


def test_a_handler_written_for_the_official_sdk_runs_unchanged(
    client: las.Client, las_emulator: Emulator
) -> None:
    def official(las_client: las.Client, event: dict[str, Any]) -> Any:
        if event["total"] > 100:
            return {"reason": "too expensive"}, "rejected"
        return event, "succeeded"

    execution, _, _ = _run_workflow(client, las_emulator, official, {"total": 500})
    assert execution["status"] == "rejected"
    [patch] = [r for r in las_emulator.requests if r.method == "PATCH"]
    assert patch.json == {"status": "rejected", "error": {"message": '{\n  "reason": "too expensive"\n}'}}
    las_emulator.reset()
    execution, _, _ = _run_workflow(client, las_emulator, official, {"total": 5})
    assert (execution["status"], execution["output"]) == ("succeeded", {"total": 5})


def test_decorating_something_that_is_not_a_function_is_refused() -> None:
    with pytest.raises(TypeError, match="decorates a function"):
        las.transition_handler("handle")  # type: ignore[call-overload]


def test_decorating_an_async_function_is_refused_naming_the_fix() -> None:
    async def handle(las_client: las.Client, event: dict[str, object]) -> dict[str, object]:
        return {}

    with pytest.raises(TypeError, match=r"'handle' is an async function: make it a plain `def`"):
        las.transition_handler(handle)  # type: ignore[arg-type]
