"""The realistic workflows of issue 12 run end to end on the emulator through the resource layer:
routing by prediction confidence (a Choice), fanning out over pages (a Map), and a manual review
that falls back to a docker step when the reviewer goes quiet (a Catch on States.Timeout and
States.HeartbeatTimeout). Workflow time moves only by ``emulator.clock.advance``: no sleeping.

The definitions are the ones tests/testing/test_workflow_scenarios.py runs through the raw
client (tests/testing/_machines.py); here every step is a resource call (``las.Workflow``,
``las.Transition``, ``las.TransitionExecution``, ``las.Document``, ``las.Model``) or a
``las.Worker`` / ``@las.transition_handler`` doing the work as a deployed program would.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

import las
from las.testing import Emulator
from tests.support.contracts import model_size
from tests.testing._machines import confidence_router, events, pages_fan_out, review_with_fallback, spec

from .conftest import Requests

PDF = b"%PDF-1.4 scanned invoice"


def _heartbeats_of(emulator: Emulator, execution_id: str) -> int:
    """Heartbeats the emulator accepted for one transition execution."""
    return sum(
        1
        for request in emulator.requests
        if request.method == "POST"
        and request.path.endswith(f"/{execution_id}/heartbeats")
        and request.status < 300
    )


def _next_heartbeat(emulator: Emulator, execution_id: str) -> None:
    """Wait until the emulator accepts one more heartbeat for the execution, sent by another
    thread (the worker's). The deadline guards against a hang; it is not a timing."""
    before = _heartbeats_of(emulator, execution_id)
    deadline = time.monotonic() + 30
    while _heartbeats_of(emulator, execution_id) == before:
        assert time.monotonic() < deadline, f"no heartbeat for {execution_id} arrived"
        time.sleep(0.001)


def _only_running(transition: las.Transition) -> las.TransitionExecution:
    [task] = transition.executions.filter(status="running")
    return task


# ---------------------------------------------------------------------------------------------
# 1. Route by prediction confidence: a Choice after a prediction step run by a transition handler


@pytest.fixture
def router(
    session: las.Session, las_client: las.Client, las_emulator: Emulator
) -> tuple[las.Workflow, las.Transition, las.Transition, las.Transition]:
    model = las.Model.create(
        {"total": las.FieldConfigEntry("amount", 10)}, **model_size(session.contract), name="invoices"
    )
    predict = las.Transition.create("docker", parameters={"imageUrl": "example/predict"}, name="predict")
    review = las.Transition.create("manual", name="review")
    export = las.Transition.create("docker", parameters={"imageUrl": "example/export"}, name="export")

    @las.transition_handler
    def run_model(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        # the predict image's entry point: predicts through the resource layer
        prediction = las.Document.get(event["documentId"], session=client).predict(model)
        return {"predictions": prediction.to_dict()["predictions"]}

    def container(event: dict[str, Any]) -> dict[str, Any]:
        """The platform: start the predict image with the ids of the execution it runs."""
        running = _only_running(predict)
        run_model(session=las_client, environ={"TRANSITION_ID": predict.id, "EXECUTION_ID": running.id})
        return event  # ignored: the handler has completed the execution itself

    las_emulator.register_docker_handler(predict.id, container)
    las_emulator.register_docker_handler(export.id, lambda data: {**data, "exported": True})
    workflow = las.Workflow.create(
        spec(confidence_router(predict.id, review.id, export.id)), name="route by confidence"
    )
    return workflow, predict, review, export


def test_a_confident_prediction_is_exported_inside_the_post(
    router: tuple[las.Workflow, las.Transition, las.Transition, las.Transition], api: Requests
) -> None:
    workflow, predict, review, export = router
    document = las.Document.create(PDF, "application/pdf")
    api.clear()
    execution = workflow.execute({"documentId": document.id, "threshold": 0.0})
    # finished within the one POST: no polling, no other request from this program
    assert (execution.status, execution.is_final) == ("succeeded", True)
    assert [call for call in api.calls if "/workflows/" in call[1]] == [
        ("POST", f"/workflows/{workflow.id}/executions")
    ]
    assert execution.output["exported"] is True
    assert 0.0 <= execution.output["prediction"]["confidence"] <= 1.0
    assert set(execution.transition_executions) == {predict.id, export.id}  # the Choice skipped review
    assert list(review.executions) == []
    [predicted] = predict.executions
    assert predicted.status == "succeeded" and predicted.input == {"documentId": document.id}


def test_an_unsure_prediction_waits_for_a_reviewer_then_is_exported(
    router: tuple[las.Workflow, las.Transition, las.Transition, las.Transition], api: Requests
) -> None:
    workflow, predict, review, export = router
    document = las.Document.create(PDF, "application/pdf")
    execution = workflow.execute({"documentId": document.id, "threshold": 1.01})
    assert execution.status == "running"
    assert set(execution.transition_executions) == {predict.id, review.id}

    task = _only_running(review)
    assert task.input["documentId"] == document.id  # the reviewer sees the document ...
    assert 0.0 <= task.input["prediction"]["confidence"] <= 1.0  # ... and the prediction
    task.succeed({**task.input, "corrected": {"total": "12.00"}})
    assert task.status == "succeeded"

    api.clear()
    done = execution.wait(timeout=10, poll_interval=0.01)
    assert done is execution and done.status == "succeeded"
    assert done.output["corrected"] == {"total": "12.00"} and done.output["exported"] is True
    assert set(done.transition_executions) == {predict.id, review.id, export.id}
    assert api.calls == [("GET", f"/workflows/{workflow.id}/executions/{execution.id}")]  # final at once


def test_a_worker_reviews_the_unsure_predictions(
    router: tuple[las.Workflow, las.Transition, las.Transition, las.Transition],
    las_client: las.Client,
) -> None:
    workflow, _, review, _ = router
    document = las.Document.create(PDF, "application/pdf")
    confident = workflow.execute({"documentId": document.id, "threshold": 0.0})
    unsure = [workflow.execute({"documentId": document.id, "threshold": 1.01}) for _ in range(3)]
    seen: list[float] = []

    def approve(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        seen.append(event["prediction"]["confidence"])
        return {**event, "reviewedBy": "bot"}

    worker = las.Worker(review.id, approve, session=las_client, poll_interval=0.01)
    counters = worker.run(until_idle=True, handle_signals=False)
    assert (counters.taken, counters.succeeded, counters.failed) == (3, 3, 0)
    assert len(seen) == 3  # only the unsure ones came to review
    for execution in unsure:
        execution.refresh()
        assert execution.status == "succeeded"
        assert execution.output["reviewedBy"] == "bot" and execution.output["exported"] is True
    assert "reviewedBy" not in confident.output
    assert [execution.status for execution in workflow.executions] == ["succeeded"] * 4


# ---------------------------------------------------------------------------------------------
# 2. Fan out over the pages of a document with Map


def test_fan_out_over_pages_with_map(las_emulator: Emulator, api: Requests) -> None:
    split = las.Transition.create("docker", parameters={"imageUrl": "example/split"}, name="split")
    ocr = las.Transition.create("docker", parameters={"imageUrl": "example/ocr"}, name="ocr")
    merge = las.Transition.create("docker", parameters={"imageUrl": "example/merge"}, name="merge")
    seen: list[int] = []

    def read_page(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data["page"])
        return {"page": data["page"], "text": f"text of page {data['page']}"}

    las_emulator.register_docker_handler(
        split.id, lambda data: {"pages": list(range(1, data["pageCount"] + 1))}
    )
    las_emulator.register_docker_handler(ocr.id, read_page)
    las_emulator.register_docker_handler(
        merge.id,
        lambda data: {"documentId": data["documentId"], "text": "\n".join(p["text"] for p in data["pages"])},
    )
    workflow = las.Workflow.create(spec(pages_fan_out(split.id, ocr.id, merge.id)), name="pages")
    document = las.Document.create(PDF, "application/pdf")

    api.clear()
    execution = workflow.execute({"documentId": document.id, "pageCount": 5})
    assert api.calls == [("POST", f"/workflows/{workflow.id}/executions")]  # all five pages inside it
    assert execution.status == "succeeded"
    assert sorted(seen) == [1, 2, 3, 4, 5]
    assert execution.output == {
        "documentId": document.id,
        "text": "\n".join(f"text of page {page}" for page in range(1, 6)),  # in page order
    }
    assert len(execution.transition_executions[ocr.id]) == 5
    assert (
        len(execution.transition_executions[split.id]) == len(execution.transition_executions[merge.id]) == 1
    )
    pages = list(ocr.executions.filter(status="succeeded"))
    assert sorted(task.input["page"] for task in pages) == [1, 2, 3, 4, 5]
    assert {task.input["documentId"] for task in pages} == {document.id}
    assert {task.id for task in pages} == set(execution.transition_executions[ocr.id])


def test_a_page_that_fails_fails_the_map_and_the_execution(las_emulator: Emulator) -> None:
    split = las.Transition.create("docker", parameters={"imageUrl": "example/split"})
    ocr = las.Transition.create("docker", parameters={"imageUrl": "example/ocr"})
    merge = las.Transition.create("docker", parameters={"imageUrl": "example/merge"})
    merged: list[dict[str, Any]] = []

    def read_page(data: dict[str, Any]) -> dict[str, Any]:
        if data["page"] == 3:
            raise RuntimeError("page 3 is blank")
        return {"page": data["page"]}

    las_emulator.register_docker_handler(split.id, lambda data: {"pages": [1, 2, 3, 4]})
    las_emulator.register_docker_handler(ocr.id, read_page)

    def merge_pages(data: dict[str, Any]) -> dict[str, Any]:
        merged.append(data)
        return data

    las_emulator.register_docker_handler(merge.id, merge_pages)
    workflow = las.Workflow.create(spec(pages_fan_out(split.id, ocr.id, merge.id)))
    execution = workflow.execute({"documentId": "las:document:" + "0" * 32})
    assert execution.status == "failed"
    assert merged == []  # never merged a partial document
    assert "failed" in {task.status for task in ocr.executions}
    assert "page 3 is blank" in events(execution.to_dict())


# ---------------------------------------------------------------------------------------------
# 3. A manual review with a time limit that falls back to a docker step


@pytest.fixture
def fallback(las_emulator: Emulator) -> tuple[las.Workflow, las.Transition, las.Transition]:
    las_emulator.clock.freeze()
    review = las.Transition.create("manual", name="review", timeout_in_seconds=600)
    auto = las.Transition.create("docker", parameters={"imageUrl": "example/auto-approve"}, name="rules")
    las_emulator.register_docker_handler(
        auto.id,
        lambda data: {
            "approved": data["amount"] < 100,
            "by": "rules",
            "because": data["reviewError"]["Error"],
        },
    )
    workflow = las.Workflow.create(spec(review_with_fallback(review.id, auto.id)), name="review or rules")
    return workflow, review, auto


def test_a_reviewer_who_keeps_sending_heartbeats_keeps_the_task(
    fallback: tuple[las.Workflow, las.Transition, las.Transition], las_emulator: Emulator
) -> None:
    workflow, review, auto = fallback
    execution = workflow.execute({"amount": 50})
    task = _only_running(review)
    for _ in range(11):  # 9 minutes 10 seconds of work, a heartbeat every 50 seconds
        las_emulator.clock.advance(50)
        task.heartbeat()
    assert task.refresh().status == "running"
    task.succeed({"approved": True, "by": "Ada"})
    execution.refresh()
    assert (execution.status, execution.output) == ("succeeded", {"approved": True, "by": "Ada"})
    assert auto.id not in execution.transition_executions
    assert list(auto.executions) == []


def test_a_silent_reviewer_times_out_and_the_docker_step_decides(
    fallback: tuple[las.Workflow, las.Transition, las.Transition], las_emulator: Emulator
) -> None:
    workflow, review, auto = fallback
    execution = workflow.execute({"amount": 50})
    task = _only_running(review)
    las_emulator.clock.advance(59)
    assert task.refresh().status == "running"  # not a second early
    las_emulator.clock.advance(1)  # 60 seconds without a heartbeat
    assert task.refresh().status == "failed"
    execution.refresh()
    assert execution.status == "succeeded"
    assert execution.output == {"approved": True, "by": "rules", "because": "States.HeartbeatTimeout"}
    assert len(execution.transition_executions[auto.id]) == 1
    with pytest.raises(las.exceptions.BadRequestError):  # a late heartbeat tells the reviewer it is gone
        task.heartbeat()
    with pytest.raises(las.exceptions.BadRequestError):  # too late: the API records no completion
        task.succeed({"approved": False, "by": "Ada"})
    assert execution.refresh().output["by"] == "rules"


def test_heartbeats_cannot_outlive_the_transition_timeout(
    fallback: tuple[las.Workflow, las.Transition, las.Transition], las_emulator: Emulator
) -> None:
    workflow, review, _ = fallback
    execution = workflow.execute({"amount": 500})
    task = _only_running(review)
    for _ in range(11):  # 550 seconds, a heartbeat every 50
        las_emulator.clock.advance(50)
        task.heartbeat()
    assert task.refresh().status == "running"
    las_emulator.clock.advance(50)  # 600 seconds: the transition's timeoutInSeconds
    assert task.refresh().status == "failed"
    execution.refresh()
    assert execution.status == "succeeded"
    assert execution.output == {"approved": False, "by": "rules", "because": "States.Timeout"}
    assert "caught States.Timeout" in events(execution.to_dict())


# ---------------------------------------------------------------------------------------------
# A long task: a las.Worker's heartbeats keep it alive; one nobody heartbeats times out


def test_a_workers_heartbeats_keep_a_long_task_alive_while_a_silent_one_times_out(
    las_emulator: Emulator, las_client: las.Client
) -> None:
    las_emulator.clock.freeze()
    bot_step = las.Transition.create("manual", name="label pages (bot)")
    person_step = las.Transition.create("manual", name="label pages (person)")

    def one_step(transition: las.Transition) -> las.Workflow:
        definition = {
            "StartAt": "label",
            "States": {"label": {"Type": "Task", "Resource": transition.id, "End": True}},
        }
        return las.Workflow.create(spec(definition))

    by_bot = one_step(bot_step).execute({"pages": 3})
    by_person = one_step(person_step).execute({"pages": 3})
    held = _only_running(person_step)  # taken by a program that never sends a heartbeat
    states: list[str] = []

    def label(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        execution_id = las.workers.current_execution()["executionId"]
        for _ in range(20):  # 1000 seconds of work on the emulator's clock
            _next_heartbeat(las_emulator, execution_id)
            las_emulator.clock.advance(50)
            states.append(client.get_transition_execution(bot_step.id, execution_id)["status"])
        return {"labels": event["pages"]}

    worker = las.Worker(bot_step.id, label, session=las_client, poll_interval=0.01, heartbeat_interval=0.01)
    counters = worker.run(until_idle=True, handle_signals=False)

    assert (counters.taken, counters.succeeded, counters.heartbeat_errors) == (1, 1, 0)
    assert states == ["running"] * 20  # alive through all 1000 seconds
    by_bot.refresh()
    assert (by_bot.status, by_bot.output) == ("succeeded", {"labels": 3})
    assert held.refresh().status == "failed"  # 60 seconds without a heartbeat
    by_person.refresh()
    assert by_person.status == "failed"
    assert "States.HeartbeatTimeout" in events(by_person.to_dict())
    with pytest.raises(las.exceptions.BadRequestError):
        held.succeed({"labels": 3})


# ---------------------------------------------------------------------------------------------
# las.workers speaks the resource layer's session vocabulary


def _approve(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
    return {"approved": True}


def test_a_worker_given_a_session_completes_through_it(session: las.Session) -> None:
    review = las.Transition.create("manual", name="review", session=session)
    machine = {
        "StartAt": "review",
        "States": {"review": {"Type": "Task", "Resource": review.id, "End": True}},
    }
    las.Workflow.create(spec(machine), name="review", session=session).execute({})
    worker = las.Worker(review, _approve, session=session, poll_interval=0.01)
    assert worker.client.session is session
    counters = worker.run(until_idle=True, handle_signals=False)
    assert (counters.taken, counters.succeeded, counters.errors) == (1, 1, 0)


def test_a_worker_without_a_session_uses_the_default_session(session: las.Session) -> None:
    review = las.Transition.create("manual", name="review", session=session)
    with las.using_session(session):
        worker = las.Worker(review.id, _approve)
    assert worker.client.session is session


def test_a_handler_without_a_session_runs_on_the_default_session(session: las.Session) -> None:
    review = las.Transition.create("manual", name="review", session=session)
    machine = {
        "StartAt": "review",
        "States": {"review": {"Type": "Task", "Resource": review.id, "End": True}},
    }
    las.Workflow.create(spec(machine), name="review", session=session).execute({})
    running = review.executions.filter(status="running").first()
    assert running is not None
    seen: list[las.Session] = []

    @las.transition_handler
    def step(client: las.Client, event: dict[str, Any]) -> dict[str, Any]:
        seen.append(client.session)
        return {"approved": True}

    with las.using_session(session):
        step(environ={"TRANSITION_ID": review.id, "EXECUTION_ID": running.id})
    assert seen == [session]
    assert running.refresh().status == "succeeded"
