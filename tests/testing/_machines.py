"""Running state machines on the emulator in tests: create a workflow, execute it, read it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from las.testing import Emulator
from tests.testing._api import Api


def spec(definition: dict[str, Any]) -> dict[str, Any]:
    return {"language": "ASL", "version": "1.0.0", "definition": definition}


def choice_machine(rule: dict[str, Any]) -> dict[str, Any]:
    """A Choice with one ``rule`` going to "yes", else (Default) to "no"."""
    return {
        "StartAt": "decide",
        "States": {
            "decide": {"Type": "Choice", "Choices": [{**rule, "Next": "yes"}], "Default": "no"},
            "yes": {"Type": "Pass", "Result": {"matched": True}, "End": True},
            "no": {"Type": "Pass", "Result": {"matched": False}, "End": True},
        },
    }


def single(state: dict[str, Any]) -> dict[str, Any]:
    """A machine of one state (made terminal)."""
    return {"StartAt": "only", "States": {"only": {**state, "End": True}}}


class Machines:
    """Workflows on an emulator, through contract-checked raw HTTP (tests.testing._api)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.api = Api(emulator)
        self.calls: dict[str, list[dict[str, Any]]] = {}

    def docker(self, handler: Callable[[dict[str, Any]], dict[str, Any]] | None = None, **fields: Any) -> str:
        """A docker transition running ``handler``; every input it gets is kept in ``calls``."""
        transition = self.api.transition("docker", **fields)["transitionId"]
        seen = self.calls.setdefault(transition, [])

        def run(data: dict[str, Any]) -> dict[str, Any]:
            seen.append(data)
            return handler(data) if handler else data

        self.emulator.register_docker_handler(transition, run)
        return str(transition)

    def failing(self, message: str, times: int = 10**9, then: dict[str, Any] | None = None) -> str:
        """A docker transition that fails ``times`` times with ``message``, then outputs ``then``."""

        def handler(data: dict[str, Any]) -> dict[str, Any]:
            if len(self.calls[transition]) <= times:
                raise RuntimeError(message)
            return then if then is not None else data

        transition = self.docker(handler)
        return transition

    def manual(self, **fields: Any) -> str:
        return str(self.api.transition("manual", **fields)["transitionId"])

    def create(self, definition: dict[str, Any], *, expect: int = 200, **fields: Any) -> dict[str, Any]:
        body = self.api.post("/workflows", {"specification": spec(definition), **fields}, expect=expect)
        assert isinstance(body, dict)
        return body

    def start(self, workflow_id: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.api.post(f"/workflows/{workflow_id}/executions", {"input": data or {}})
        assert isinstance(body, dict)
        return body

    def run(self, definition: dict[str, Any], data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Create a workflow of ``definition``, execute it with ``data``; the answer of the POST."""
        return self.start(self.create(definition)["workflowId"], data)

    def refresh(self, execution: dict[str, Any]) -> dict[str, Any]:
        body = self.api.get(f"/workflows/{execution['workflowId']}/executions/{execution['executionId']}")
        assert isinstance(body, dict)
        return body

    def running_task(self, execution: dict[str, Any], transition_id: str) -> str:
        """The one running transition execution of ``transition_id`` in ``execution``."""
        ids = self.refresh(execution)["transitionExecutions"].get(transition_id, [])
        running = [
            task
            for task in ids
            if self.api.get(f"/transitions/{transition_id}/executions/{task}")["status"] == "running"
        ]
        assert len(running) == 1, f"expected one running execution of {transition_id}, got {running}"
        return str(running[0])

    def task(self, transition_id: str, execution_id: str) -> dict[str, Any]:
        body = self.api.get(f"/transitions/{transition_id}/executions/{execution_id}")
        assert isinstance(body, dict)
        return body

    def complete(self, transition_id: str, execution_id: str, status: str = "succeeded", **body: Any) -> Any:
        if status == "succeeded":
            body.setdefault("output", {})
        return self.api.patch(
            f"/transitions/{transition_id}/executions/{execution_id}", {"status": status, **body}
        )

    def heartbeat(self, transition_id: str, execution_id: str, expect: int = 204) -> None:
        self.api.post(f"/transitions/{transition_id}/executions/{execution_id}/heartbeats", expect=expect)


def events(execution: dict[str, Any]) -> str:
    """The execution's log as one text, to look for a message."""
    return "\n".join(event["message"] for event in execution["events"])


# ---------------------------------------------------------------------------------------------
# The realistic workflows of issue 12, as definitions over transition ids: run through the raw
# client (tests/testing/test_workflow_scenarios.py) and through the resource layer
# (tests/resources/test_workflow_scenarios.py) alike.


def confidence_router(predict: str, review: str, export: str) -> dict[str, Any]:
    """Predict, then export results at least as confident as ``$.threshold``; a person reviews
    the rest before export. ``predict`` outputs ``{"predictions": [...]}`` as the API gives them."""
    return {
        "Comment": "Predict, then export confident results and send the rest to a person",
        "StartAt": "predict",
        "States": {
            "predict": {
                "Type": "Task",
                "Resource": predict,
                "Parameters": {"documentId.$": "$.documentId"},
                "ResultSelector": {"confidence.$": "$.predictions[0].confidence"},
                "ResultPath": "$.prediction",
                "Next": "confident?",
            },
            "confident?": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$.prediction.confidence",
                        "NumericGreaterThanEqualsPath": "$.threshold",
                        "Next": "export",
                    }
                ],
                "Default": "review",
            },
            "review": {"Type": "Task", "Resource": review, "Next": "export"},
            "export": {"Type": "Task", "Resource": export, "End": True},
        },
    }


def pages_fan_out(split: str, ocr: str, merge: str) -> dict[str, Any]:
    """``split`` outputs ``{"pages": [...]}``; ``ocr`` runs once per page (two at a time) with
    ``{"documentId", "page"}``; ``merge`` gets the input with ``pages``: the list of ocr outputs."""
    return {
        "StartAt": "split",
        "States": {
            "split": {"Type": "Task", "Resource": split, "ResultPath": "$.split", "Next": "each page"},
            "each page": {
                "Type": "Map",
                "ItemsPath": "$.split.pages",
                "MaxConcurrency": 2,
                "ItemSelector": {"documentId.$": "$.documentId", "page.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "StartAt": "ocr",
                    "States": {"ocr": {"Type": "Task", "Resource": ocr, "End": True}},
                },
                "ResultPath": "$.pages",
                "Next": "merge",
            },
            "merge": {"Type": "Task", "Resource": merge, "End": True},
        },
    }


def review_with_fallback(review: str, fallback: str) -> dict[str, Any]:
    """A manual ``review``; if it times out (its transition's timeout, or a missed heartbeat),
    ``fallback`` decides, with the error in ``$.reviewError``."""
    return {
        "StartAt": "review",
        "States": {
            "review": {
                "Type": "Task",
                "Resource": review,
                "Catch": [
                    {
                        "ErrorEquals": ["States.Timeout", "States.HeartbeatTimeout"],
                        "Next": "auto approve",
                        "ResultPath": "$.reviewError",
                    }
                ],
                "End": True,
            },
            "auto approve": {"Type": "Task", "Resource": fallback, "End": True},
        },
    }
