"""Every operation of the contract (but /batches) answers what the contract describes."""

from __future__ import annotations

import base64

import pytest

from las.testing import Emulator
from las.testing._routes import ROUTES
from tests.contract import Contract
from tests.testing._api import PDF, Api


def _contract_operations(contract: Contract) -> set[tuple[str, str]]:
    return {
        (method, template)
        for method, template in contract.operations()
        if not template.startswith("/batches")
    }


def test_the_route_table_has_exactly_the_operations_of_the_contract(contract: Contract) -> None:
    routes = {(route.method, route.template) for route in ROUTES}
    assert routes == _contract_operations(contract)


@pytest.mark.las_contract("2021-09-23")  # oas.json's operations; 2024's: test_v2024_contract
def test_every_operation_answers_per_the_contract(las_emulator: Emulator, contract: Contract) -> None:
    api = Api(las_emulator, contract)
    org = las_emulator.organization_id

    # app clients
    client = api.post("/appClients", {"name": "ci", "loginUrls": ["https://example.com"]})
    assert client["hasSecret"] and "clientSecret" in client
    listed = api.get("/appClients")["appClients"]
    assert all("clientSecret" not in item for item in listed)
    api.patch(f"/appClients/{client['appClientId']}", {"description": "ci client"})

    # assets
    asset = api.post("/assets", {"content": PDF, "name": "logo"})
    assert api.get(f"/assets/{asset['assetId']}")["content"] == PDF
    assert "content" not in api.get("/assets")["assets"][0]
    api.patch(f"/assets/{asset['assetId']}", {"name": "new logo"})

    # datasets and documents
    dataset = api.dataset(name="receipts")
    api.get(f"/datasets/{dataset['datasetId']}")
    api.patch(f"/datasets/{dataset['datasetId']}", {"description": "all of them"})
    api.get("/datasets")
    document = api.document(
        datasetId=dataset["datasetId"],
        consentId="las:consent:" + "a" * 32,
        groundTruth=[{"label": "total", "value": "100.00"}, {"label": "paid", "value": True}],
    )
    assert api.get(f"/documents/{document['documentId']}")["content"] == PDF
    api.patch(f"/documents/{document['documentId']}", {"retentionInDays": 30})
    listed = api.get("/documents", params={"datasetId": dataset["datasetId"]})
    assert listed["datasetId"] == [dataset["datasetId"]]

    # models, data bundles, predictions
    model = api.model(name="invoices")
    api.get(f"/models/{model['modelId']}")
    api.get("/models")
    api.patch(f"/models/{model['modelId']}", {"status": "training"})
    bundle = api.post(f"/models/{model['modelId']}/dataBundles", {"datasetIds": [dataset["datasetId"]]})
    assert bundle["datasets"][0]["numberOfDocuments"] == 1
    api.get(f"/models/{model['modelId']}/dataBundles", params={"status": "ready"})
    api.patch(f"/models/{model['modelId']}/dataBundles/{bundle['dataBundleId']}", {"name": "b"})
    prediction = api.post("/predictions", {"documentId": document["documentId"], "modelId": model["modelId"]})
    assert {"label": "total", "value": "100.00"}.items() <= prediction["predictions"][0].items()
    api.get("/predictions")

    # organization
    assert api.get(f"/organizations/{org}")["numberOfModelsCreated"] == 1
    api.patch(f"/organizations/{org}", {"name": "ACME"})

    # secrets and users
    secret = api.post("/secrets", {"data": {"password": "hunter2"}, "name": "db"})
    api.patch(f"/secrets/{secret['secretId']}", {"data": {"password": "hunter3"}})
    api.get("/secrets")
    user = api.post("/users", {"email": "ada@example.com", "appClientId": client["appClientId"]})
    api.get(f"/users/{user['userId']}")
    api.patch(f"/users/{user['userId']}", {"name": "Ada"})
    api.get("/users")

    # transitions, workflows, executions, logs
    manual = api.transition("manual", parameters={"assets": {"jsRemoteComponent": asset["assetId"]}})
    docker = api.transition("docker", parameters={"imageUrl": "example/image:1"})
    api.get(f"/transitions/{manual['transitionId']}")
    api.get("/transitions", params={"transitionType": "manual"})
    api.patch(f"/transitions/{docker['transitionId']}", {"environment": {"MODE": "test"}})
    workflow = api.workflow(manual["transitionId"], docker["transitionId"], name="approve")
    api.get(f"/workflows/{workflow['workflowId']}")
    api.get("/workflows")
    api.patch(f"/workflows/{workflow['workflowId']}", {"errorConfig": {"manualRetry": False}})
    wf = workflow["workflowId"]
    execution = api.post(f"/workflows/{wf}/executions", {"input": {"documentId": "x"}})
    [task_id] = execution["transitionExecutions"][manual["transitionId"]]
    tr = manual["transitionId"]
    api.get(f"/transitions/{tr}/executions", params={"status": "running"})
    api.get(f"/transitions/{tr}/executions/{task_id}")
    assert api.post(f"/transitions/{tr}/executions/{task_id}/heartbeats", expect=204) is None
    api.patch(
        f"/transitions/{tr}/executions/{task_id}", {"status": "succeeded", "output": {"approved": True}}
    )
    done = api.get(f"/workflows/{wf}/executions/{execution['executionId']}")
    assert done["status"] == "succeeded" and done["output"] == {"approved": True}
    api.get(f"/workflows/{wf}/executions", params={"sortBy": "startTime", "order": "descending"})
    direct = api.post(f"/transitions/{tr}/executions", {})
    assert direct["status"] == "running"
    second = api.post(f"/workflows/{wf}/executions", {"input": {}})
    moved = api.patch(
        f"/workflows/{wf}/executions/{second['executionId']}",
        {"nextTransitionId": "las:transition:commons-failed"},
    )
    assert moved["status"] == "failed"
    logs = api.get("/logs", params={"workflowExecutionId": execution["executionId"]})["logs"]
    assert logs
    api.get(f"/logs/{logs[0]['logId']}")

    # deletions, in dependency order
    api.delete(f"/workflows/{wf}/executions/{second['executionId']}")
    api.delete(f"/workflows/{wf}")
    api.delete(f"/transitions/{manual['transitionId']}")
    api.delete(f"/transitions/{docker['transitionId']}")
    api.delete(f"/users/{user['userId']}")
    api.delete(f"/secrets/{secret['secretId']}")
    api.delete(f"/models/{model['modelId']}/dataBundles/{bundle['dataBundleId']}")
    api.delete(f"/models/{model['modelId']}")
    api.delete("/documents", params={"datasetId": dataset["datasetId"]})
    other = api.document()
    api.delete(f"/documents/{other['documentId']}")
    api.delete(f"/datasets/{dataset['datasetId']}")
    api.delete(f"/assets/{asset['assetId']}")
    api.delete(f"/appClients/{client['appClientId']}")

    missing = _contract_operations(contract) - api.covered
    assert not missing, f"operations never exercised: {sorted(missing)}"


def test_error_answers_match_the_error_schema(las_emulator: Emulator, contract: Contract) -> None:
    api = Api(las_emulator, contract)
    api.get("/documents/las:document:" + "0" * 32, expect=404)
    api.post("/models", {"width": 1}, expect=400)
    api.post(
        "/documents", {"content": base64.b64encode(b"x").decode(), "contentType": "text/plain"}, expect=400
    )
