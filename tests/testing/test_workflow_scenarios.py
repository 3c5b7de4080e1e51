"""Realistic workflows run end to end on the emulator through ``las.Client``: routing by
prediction confidence, fanning out over pages, and a manual review that falls back to a docker
step when the reviewer goes quiet. Time moves only by ``emulator.clock.advance``: no sleeping.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

import las
from las.testing import Emulator
from tests.support.contracts import model_size
from tests.testing._machines import confidence_router, pages_fan_out, review_with_fallback

REPO_ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4 scanned invoice"


def _spec(definition: dict[str, Any]) -> dict[str, Any]:
    return {"language": "ASL", "version": "1.0.0", "definition": definition}


def _running(client: las.Client, transition_id: str) -> list[dict[str, Any]]:
    return list(client.list_transition_executions(transition_id, status="running")["executions"])


# ---------------------------------------------------------------------------------------------
# 1. Route by prediction confidence (a Choice after the prediction step)


def _confidence_router(client: las.Client, emulator: Emulator) -> tuple[str, str, str, str]:
    model = client.create_model(
        {"total": {"type": "amount", "maxLength": 10}}, **model_size(client.contract)
    )["modelId"]
    predict = client.create_transition("docker", parameters={"imageUrl": "example/predict"}, name="predict")
    export = client.create_transition("docker", parameters={"imageUrl": "example/export"}, name="export")
    review = client.create_transition("manual", name="review")

    def run_prediction(data: dict[str, Any]) -> dict[str, Any]:
        # a docker step calling the API, as the real container would
        prediction = client.create_prediction(data["documentId"], model)
        return {"predictions": prediction["predictions"]}

    emulator.register_docker_handler(predict["transitionId"], run_prediction)
    emulator.register_docker_handler(export["transitionId"], lambda data: {**data, "exported": True})
    definition = confidence_router(predict["transitionId"], review["transitionId"], export["transitionId"])
    workflow = client.create_workflow(_spec(definition), name="route by confidence")["workflowId"]
    return workflow, predict["transitionId"], review["transitionId"], export["transitionId"]


def test_confident_predictions_skip_the_review(las_client: las.Client, las_emulator: Emulator) -> None:
    workflow, predict, _, export = _confidence_router(las_client, las_emulator)
    document = las_client.create_document(PDF, "application/pdf")["documentId"]
    execution = las_client.execute_workflow(workflow, {"documentId": document, "threshold": 0.0})
    assert execution["status"] == "succeeded"
    assert execution["output"]["exported"] is True
    assert 0.0 <= execution["output"]["prediction"]["confidence"] <= 1.0
    assert set(execution["transitionExecutions"]) == {predict, export}  # no review


def test_unsure_predictions_wait_for_a_person(las_client: las.Client, las_emulator: Emulator) -> None:
    workflow, _, review, _ = _confidence_router(las_client, las_emulator)
    document = las_client.create_document(PDF, "application/pdf")["documentId"]
    execution = las_client.execute_workflow(workflow, {"documentId": document, "threshold": 1.01})
    assert execution["status"] == "running"
    [task] = _running(las_client, review)
    assert task["input"]["documentId"] == document  # the reviewer sees the document and prediction
    las_client.update_transition_execution(
        review, task["executionId"], "succeeded", output={**task["input"], "corrected": {"total": "12.00"}}
    )
    done = las_client.get_workflow_execution(workflow, execution["executionId"])
    assert done["status"] == "succeeded"
    assert done["output"]["corrected"] == {"total": "12.00"} and done["output"]["exported"] is True


# ---------------------------------------------------------------------------------------------
# 2. Fan out over the pages of a document with Map


def test_fan_out_over_pages_with_map(las_client: las.Client, las_emulator: Emulator) -> None:
    split = las_client.create_transition("docker", parameters={"imageUrl": "example/split"})["transitionId"]
    ocr = las_client.create_transition("docker", parameters={"imageUrl": "example/ocr"})["transitionId"]
    merge = las_client.create_transition("docker", parameters={"imageUrl": "example/merge"})["transitionId"]
    seen: list[int] = []

    def read_page(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data["page"])
        return {"page": data["page"], "text": f"text of page {data['page']}"}

    las_emulator.register_docker_handler(split, lambda data: {"pages": list(range(1, data["pageCount"] + 1))})
    las_emulator.register_docker_handler(ocr, read_page)
    las_emulator.register_docker_handler(
        merge,
        lambda data: {"documentId": data["documentId"], "text": "\n".join(p["text"] for p in data["pages"])},
    )
    definition = pages_fan_out(split, ocr, merge)
    workflow = las_client.create_workflow(_spec(definition))["workflowId"]
    execution = las_client.execute_workflow(workflow, {"documentId": "doc-7", "pageCount": 5})
    assert execution["status"] == "succeeded"
    assert sorted(seen) == [1, 2, 3, 4, 5]
    assert execution["output"] == {
        "documentId": "doc-7",
        "text": "\n".join(f"text of page {page}" for page in range(1, 6)),
    }
    assert len(execution["transitionExecutions"][ocr]) == 5


# ---------------------------------------------------------------------------------------------
# 3. A manual review with a time limit that falls back to a docker step


def _review_with_fallback(client: las.Client, emulator: Emulator) -> tuple[str, str, str]:
    review = client.create_transition("manual", name="review", timeoutInSeconds=600)["transitionId"]
    auto = client.create_transition("docker", parameters={"imageUrl": "example/auto-approve"})["transitionId"]
    emulator.register_docker_handler(auto, lambda data: {"approved": data["amount"] < 100, "by": "rules"})
    definition = review_with_fallback(review, auto)
    return client.create_workflow(_spec(definition))["workflowId"], review, auto


def test_a_reviewer_who_keeps_sending_heartbeats_keeps_the_task(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    las_emulator.clock.freeze()
    workflow, review, auto = _review_with_fallback(las_client, las_emulator)
    execution = las_client.execute_workflow(workflow, {"amount": 50})
    [task] = _running(las_client, review)
    for _ in range(11):  # 9 minutes 10 seconds of work, a heartbeat every 50 seconds
        las_emulator.clock.advance(50)
        las_client.send_heartbeat(review, task["executionId"])
    las_client.update_transition_execution(
        review, task["executionId"], "succeeded", output={"approved": True, "by": "Ada"}
    )
    done = las_client.get_workflow_execution(workflow, execution["executionId"])
    assert (done["status"], done["output"]) == ("succeeded", {"approved": True, "by": "Ada"})
    assert auto not in done["transitionExecutions"]


def test_a_silent_reviewer_times_out_and_the_docker_step_decides(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    las_emulator.clock.freeze()
    workflow, review, auto = _review_with_fallback(las_client, las_emulator)
    execution = las_client.execute_workflow(workflow, {"amount": 50})
    [task] = _running(las_client, review)
    las_emulator.clock.advance(60)  # no heartbeat for 60 seconds
    timed_out = las_client.get_transition_execution(review, task["executionId"])
    assert timed_out["status"] == "failed"
    done = las_client.get_workflow_execution(workflow, execution["executionId"])
    assert done["status"] == "succeeded"
    assert done["output"] == {"approved": True, "by": "rules"}
    assert len(done["transitionExecutions"][auto]) == 1
    with pytest.raises(las.exceptions.ClientException):
        las_client.update_transition_execution(review, task["executionId"], "succeeded", output={})


def test_heartbeats_cannot_outlive_the_transition_timeout(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    las_emulator.clock.freeze()
    workflow, review, _ = _review_with_fallback(las_client, las_emulator)
    execution = las_client.execute_workflow(workflow, {"amount": 500})
    [task] = _running(las_client, review)
    for _ in range(12):  # 600 seconds, heartbeats all along: the timeout still ends it
        las_emulator.clock.advance(50)
        if las_client.get_transition_execution(review, task["executionId"])["status"] == "running":
            las_client.send_heartbeat(review, task["executionId"])
    done = las_client.get_workflow_execution(workflow, execution["executionId"])
    assert done["status"] == "succeeded"
    assert done["output"] == {"approved": False, "by": "rules"}
    log = "\n".join(event["message"] for event in done["events"])
    assert "caught States.Timeout" in log


def test_two_workers_one_sending_heartbeats_one_silent(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    las_emulator.clock.freeze()
    label = las_client.create_transition("manual", name="label pages")["transitionId"]
    workflow = las_client.create_workflow(
        _spec({"StartAt": "label", "States": {"label": {"Type": "Task", "Resource": label, "End": True}}})
    )["workflowId"]
    diligent = las_client.execute_workflow(workflow, {"worker": "diligent"})
    silent = las_client.execute_workflow(workflow, {"worker": "silent"})
    tasks = {task["input"]["worker"]: task["executionId"] for task in _running(las_client, label)}
    for _ in range(20):  # 1000 seconds of a long task
        las_emulator.clock.advance(50)
        las_client.send_heartbeat(label, tasks["diligent"])
    assert las_client.get_transition_execution(label, tasks["diligent"])["status"] == "running"
    assert las_client.get_transition_execution(label, tasks["silent"])["status"] == "failed"
    assert las_client.get_workflow_execution(workflow, silent["executionId"])["status"] == "failed"
    las_client.update_transition_execution(label, tasks["diligent"], "succeeded", output={"labels": 3})
    assert las_client.get_workflow_execution(workflow, diligent["executionId"])["status"] == "succeeded"


# ---------------------------------------------------------------------------------------------
# python -m las serve runs the same engine (real time)


def test_python_m_las_serve_runs_state_machines() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "las", "serve", "--client-secret", "s3"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        token = requests.post(
            f"{url}/token?grant_type=client_credentials", auth=("las-emulator-client", "s3"), timeout=5
        ).json()["access_token"]
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        definition = {
            "StartAt": "wait",
            "States": {
                "wait": {"Type": "Wait", "Seconds": 1, "Next": "route"},
                "route": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.confidence", "NumericGreaterThan": 0.9, "Next": "fan out"}],
                    "Default": "stop",
                },
                "fan out": {
                    "Type": "Map",
                    "ItemsPath": "$.pages",
                    "ItemProcessor": {
                        "StartAt": "p",
                        "States": {"p": {"Type": "Pass", "Parameters": {"page.$": "$"}, "End": True}},
                    },
                    "ResultPath": "$.pages",
                    "End": True,
                },
                "stop": {"Type": "Fail", "Error": "Unsure"},
            },
        }
        workflow = http.post(f"{url}/workflows", json={"specification": _spec(definition)}, timeout=5).json()
        started = http.post(
            f"{url}/workflows/{workflow['workflowId']}/executions",
            json={"input": {"confidence": 0.95, "pages": [1, 2]}},
            timeout=5,
        ).json()
        assert started["status"] == "running"  # the Wait follows real time in serve
        path = f"{url}/workflows/{workflow['workflowId']}/executions/{started['executionId']}"
        deadline = time.monotonic() + 30
        while (execution := http.get(path, timeout=5).json())["status"] == "running":
            assert time.monotonic() < deadline, "the Wait state never ended"
            time.sleep(0.1)
        assert execution["status"] == "succeeded"
        assert execution["output"]["pages"] == [{"page": 1}, {"page": 2}]
        refused = http.post(
            f"{url}/workflows",
            json={"specification": _spec({"StartAt": "a", "States": {"a": {"Type": "Sleep", "End": True}}})},
            timeout=5,
        )
        assert refused.status_code == 400 and "States.a.Type" in refused.json()["message"]
    finally:
        process.terminate()
        process.wait(5)
