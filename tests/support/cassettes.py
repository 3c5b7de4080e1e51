"""Recorded SDK conversations (vcrpy cassettes in ``cassettes/``) and the scenarios behind them.

Each scenario is a function of a :class:`las.Session` that drives the SDK and returns what it
saw. Recording runs it against the emulator; replaying runs it against the cassette alone, so
the replay tests depend on neither the emulator's code nor a network.

Re-record every cassette (after changing a scenario or the SDK's requests)::

    .venv/bin/python -m tests.support.cassettes

Authorization headers are dropped, and access tokens, generated client secrets, API keys and
Secret values in bodies are replaced by ``REDACTED``, before anything is written.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import vcr

import las

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
# Recorded requests are rewritten to this origin, so replays do not depend on a port.
ORIGIN = "http://emulator.las.test"
CLIENT_ID = "cassette-client"
CLIENT_SECRET = "cassette-secret"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
FIELDS = {
    "invoice_number": {"type": "alphanum", "maxLength": 20, "description": "Invoice number"},
    "total_amount": {"type": "amount", "maxLength": 12, "description": "Total"},
}
SECRET_HEADERS = ("authorization", "x-api-key")


REDACTED = "REDACTED"
# Body fields that carry secrets: tokens (token answers), generated client secrets and API keys
# (app clients), and the values of Secrets.
SECRET_FIELDS = frozenset({"access_token", "clientSecret", "apiKey", "data"})


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: REDACTED if key in SECRET_FIELDS else _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def scrub_body(body: Any) -> Any:
    """A JSON body (bytes or str) with every secret field replaced; other bodies unchanged."""
    if not body or not isinstance(body, (bytes, str)):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    scrubbed = json.dumps(_scrub(data))
    return scrubbed.encode() if isinstance(body, bytes) else scrubbed


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {})
    body["string"] = scrub_body(body.get("string"))
    return response


def cassette_vcr(record_mode: str, origin: str | None = None) -> vcr.VCR:
    """The one vcrpy configuration for recording and replaying."""

    def scrub_request(request: Any) -> Any:
        if origin is not None and request.uri.startswith(origin):
            request.uri = ORIGIN + request.uri[len(origin) :]
        request.body = scrub_body(request.body)
        return request

    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        filter_headers=list(SECRET_HEADERS),
        before_record_request=scrub_request,
        before_record_response=_scrub_response,
        match_on=["method", "scheme", "host", "port", "path", "query"],
        decode_compressed_response=True,
    )


def replay_session(cache_dir: Path) -> las.Session:
    """A Session whose requests go to the recorded origin (answered by the cassette)."""
    credentials = las.Credentials(
        CLIENT_ID, CLIENT_SECRET, ORIGIN, ORIGIN, cache_path=cache_dir / "token-cache.json"
    )
    return las.Session(credentials, max_retries=0)


# -- scenarios: each returns what it observed, for the replay tests to check -------------------


def documents_lifecycle(session: las.Session) -> dict[str, Any]:
    client = las.Client(session=session)
    dataset = client.create_dataset(name="Invoices", description="cassette")
    document = client.create_document(
        PDF,
        dataset_id=dataset["datasetId"],
        ground_truth=[{"label": "total_amount", "value": "12.50"}],
    )
    listed = client.list_documents(dataset_id=dataset["datasetId"])
    fetched = client.get_document(document["documentId"])
    updated = client.update_document(document["documentId"], [{"label": "total_amount", "value": "13.00"}])
    deleted = client.delete_dataset(dataset["datasetId"], delete_documents=True)
    return {
        "dataset": dataset,
        "document": document,
        "listed": [d["documentId"] for d in listed["documents"]],
        "fetched": fetched,
        "updated_ground_truth": updated.get("groundTruth"),
        "deleted": deleted["datasetId"],
    }


def prediction_through_resources(session: las.Session) -> dict[str, Any]:
    model = las.Model.create(300, 300, FIELDS, name="Invoice model", session=session)
    document = las.Document.create(
        PNG, ground_truth={"invoice_number": "INV-1", "total_amount": "99.00"}, session=session
    )
    prediction = document.predict(model)
    return {
        "model": model,
        "document": document,
        "prediction": prediction,
        "values": {item.label: item.value for item in prediction.predictions},
        "prediction_document_id": prediction.document.id,
    }


def workflow_run(session: las.Session) -> dict[str, Any]:
    client = las.Client(session=session)
    review = client.create_transition("manual", name="Review")
    definition = {
        "StartAt": "Review",
        "States": {"Review": {"Type": "Task", "Resource": review["transitionId"], "End": True}},
    }
    workflow = client.create_workflow(
        {"language": "ASL", "version": "1.0.0", "definition": definition}, name="Approval"
    )
    execution = client.execute_workflow(workflow["workflowId"], {"documentId": "las:document:" + "0" * 32})
    running = client.list_transition_executions(review["transitionId"], status="running")
    task = running["executions"][0]
    client.send_heartbeat(review["transitionId"], task["executionId"])
    client.update_transition_execution(
        review["transitionId"], task["executionId"], "succeeded", output={"ok": True}
    )
    finished = client.get_workflow_execution(workflow["workflowId"], execution["executionId"])
    return {"started": execution, "task": task, "finished": finished}


def not_found(session: las.Session) -> dict[str, Any]:
    try:
        las.Client(session=session).get_document("las:document:" + "f" * 32)
    except las.NotFoundError as error:
        return {"status": error.status_code, "message": error.message}
    return {"status": 200}


SCENARIOS: dict[str, Callable[[las.Session], dict[str, Any]]] = {
    "documents_lifecycle": documents_lifecycle,
    "prediction_through_resources": prediction_through_resources,
    "workflow_run": workflow_run,
    "not_found": not_found,
}


def record() -> None:
    """Run every scenario against a fresh emulator and write its cassette."""
    from las.testing import Emulator

    CASSETTES.mkdir(exist_ok=True)
    for name, scenario in SCENARIOS.items():
        path = CASSETTES / f"{name}.yaml"
        path.unlink(missing_ok=True)
        with Emulator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as emulator:
            credentials = las.Credentials(
                CLIENT_ID,
                CLIENT_SECRET,
                emulator.auth_endpoint,
                emulator.api_endpoint,
                cache_path=Path(tempfile.mkdtemp()) / "token-cache.json",
            )
            with las.Session(credentials, max_retries=0) as session:
                with cassette_vcr("all", origin=emulator.url).use_cassette(path.name):
                    scenario(session)
        print(f"recorded {path}")


if __name__ == "__main__":
    record()
    sys.exit(0)
