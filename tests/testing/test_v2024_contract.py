"""The 2024-11-29 emulator: every operation of its contract is routed and answers what the
contract describes (validated with jsonschema against oas-2024-11-29.json when ../shared is
present), and nothing of the 2021 contract leaks into it."""

from __future__ import annotations

import requests

from las.testing import Emulator
from las.testing._routes import TABLES
from tests.contract import Contract
from tests.testing._api import Api

PDF = b"%PDF-1.4 a document of the 2024 contract\n%%EOF\n"


def upload(api: Api, data: bytes = PDF, **fields: object) -> dict[str, object]:
    """POST /documents without content, then PUT the bytes to its fileUrl (no token)."""
    document = api.post("/documents", {"contentType": "application/pdf", **fields})
    put = requests.put(str(document["fileUrl"]), data=data, timeout=30)
    assert put.status_code == 200, put.text
    return document


def test_the_route_table_has_exactly_the_operations_of_the_contract(contract_2024: Contract) -> None:
    routes = {(route.method, route.template) for route in TABLES["2024-11-29"].routes}
    assert routes == set(contract_2024.operations())


def test_batches_are_gone(emulator_2024: Emulator) -> None:
    api = Api(emulator_2024, check=False)
    for method, path in (
        ("GET", "/batches"),
        ("POST", "/batches"),
        ("PATCH", "/batches/las:batch:" + "0" * 32),
    ):
        body = api.call(method, path, json={} if method != "GET" else None, expect=404)
        assert body == {"message": f"no such path: {path}"}


def test_every_operation_answers_per_the_contract(emulator_2024: Emulator, contract_2024: Contract) -> None:
    emulator = emulator_2024
    emulator.clock.freeze()
    api = Api(emulator, contract_2024)
    org = emulator.organization_id

    # catalogues
    plans = api.get("/plans")["plans"]
    assert {plan["planId"] for plan in plans} >= {"las:plan:free"}
    api.get("/plans/las:plan:free")
    roles = api.get("/roles")["roles"]
    api.get(f"/roles/{roles[0]['roleId']}")
    environments = api.get("/deploymentEnvironments")["deploymentEnvironments"]
    api.get(f"/deploymentEnvironments/{environments[0]['deploymentEnvironmentId']}")

    # organizations, payment methods
    api.get("/organizations")
    other = api.post("/organizations", {"name": "Subsidiary"})
    api.get(f"/organizations/{other['organizationId']}")
    method = api.post("/paymentMethods", {"name": "card"})
    api.get("/paymentMethods")
    api.get(f"/paymentMethods/{method['paymentMethodId']}")
    api.patch(f"/paymentMethods/{method['paymentMethodId']}", {"stripeSetupIntentSecret": "seti_1"})
    api.patch(
        f"/organizations/{org}", {"paymentMethodId": method["paymentMethodId"], "planId": "las:plan:free"}
    )
    assert api.get(f"/organizations/{org}")["paymentMethodId"] == method["paymentMethodId"]

    # app clients, users, profiles
    client = api.post("/appClients", {"name": "ci", "roleIds": [roles[0]["roleId"]]})
    assert api.get(f"/appClients/{client['appClientId']}")["roleIds"] == [roles[0]["roleId"]]
    api.get("/appClients")
    api.patch(f"/appClients/{client['appClientId']}", {"description": "ci client"})
    user = api.post("/users", {"email": "ada@example.com", "appClientId": client["appClientId"]})
    assert "email" not in user and user["status"] == "active"
    assert api.get(f"/profiles/{user['profileId']}")["email"] == "ada@example.com"
    api.patch(f"/profiles/{user['profileId']}", None)
    api.get(f"/users/{user['userId']}")
    api.patch(f"/users/{user['userId']}", {"metadata": {"team": "ops"}})
    api.get("/users")

    # assets, secrets
    asset = api.post("/assets", {"content": "aGVsbG8=", "name": "logo"})
    assert asset["contentMD5"] == "XUFAKrxLKna5cZ2REBfFkg=="
    api.get(f"/assets/{asset['assetId']}")
    api.get("/assets")
    api.patch(f"/assets/{asset['assetId']}", {"name": "new logo"})
    secret = api.post("/secrets", {"data": {"password": "hunter2"}})
    api.patch(f"/secrets/{secret['secretId']}", {"data": {"password": "hunter3"}})
    api.get("/secrets")

    # datasets, documents (bytes through file URLs), transformations
    dataset = api.post("/datasets", {"name": "receipts", "metadata": {"source": "scanner"}})
    api.get(f"/datasets/{dataset['datasetId']}")
    api.patch(f"/datasets/{dataset['datasetId']}", {"retentionInDays": 30})
    api.get("/datasets")
    document = upload(api, datasetId=dataset["datasetId"], groundTruth=[{"label": "total", "value": 100.5}])
    got = api.get(f"/documents/{document['documentId']}")
    assert "content" not in got and requests.get(got["fileUrl"], timeout=10).content == PDF
    api.patch(f"/documents/{document['documentId']}", {"name": "receipt 1", "metadata": {"page": 1}})
    api.get(
        "/documents",
        params={"datasetId": dataset["datasetId"], "order": "descending", "sortBy": "createdTime"},
    )
    transformation = api.post(
        f"/datasets/{dataset['datasetId']}/transformations", {"operations": [{"type": "remove-duplicates"}]}
    )
    api.get(f"/datasets/{dataset['datasetId']}/transformations", params={"status": "running"})

    # models, data bundles, trainings, predictions
    model = api.post(
        "/models",
        {
            "fieldConfig": {
                "total": {"type": "amount"},
                "currency": {"type": "enum", "enum": ["EUR", "NOK"]},
                "lines": {
                    "type": "lines",
                    "fields": {"item": {"type": "string"}, "price": {"type": "numeric"}},
                },
            },
            "metadata": {"team": "ap"},
        },
    )
    api.get(f"/models/{model['modelId']}", params={"statisticsLastNDays": "7"})
    api.get("/models")
    api.get("/models", params={"owner": "las:organization:cradl"})
    bundle = api.post(f"/models/{model['modelId']}/dataBundles", {"datasetIds": [dataset["datasetId"]]})
    api.get(f"/models/{model['modelId']}/dataBundles/{bundle['dataBundleId']}")
    api.get(f"/models/{model['modelId']}/dataBundles", params={"status": "running"})
    api.patch(f"/models/{model['modelId']}/dataBundles/{bundle['dataBundleId']}", {"name": "b"})
    training = api.post(f"/models/{model['modelId']}/trainings", {"dataBundleIds": [bundle["dataBundleId"]]})
    api.get(f"/models/{model['modelId']}/trainings", params={"status": "preparing"})
    emulator.clock.advance(3900)
    trained = api.get(f"/models/{model['modelId']}/trainings/{training['trainingId']}")
    assert trained["status"] == "succeeded" and trained["evaluation"]["fields"]
    deployed = api.patch(
        f"/models/{model['modelId']}/trainings/{training['trainingId']}",
        {"deploymentEnvironmentId": environments[0]["deploymentEnvironmentId"]},
    )
    assert deployed["deploymentEnvironmentId"] == environments[0]["deploymentEnvironmentId"]
    assert (
        api.patch(f"/models/{model['modelId']}", {"trainingId": training["trainingId"]})["status"] == "active"
    )
    prediction = api.post("/predictions", {"documentId": document["documentId"], "modelId": model["modelId"]})
    assert prediction["trainingId"] == training["trainingId"]
    public = api.post(
        "/predictions",
        {"documentId": document["documentId"], "modelId": "las:organization:cradl/las:model:invoice-v2"},
    )
    assert public["modelId"] == "las:organization:cradl/las:model:invoice-v2"
    api.get(f"/predictions/{prediction['predictionId']}")
    api.get(
        "/predictions", params={"modelId": model["modelId"], "order": "descending", "sortBy": "createdTime"}
    )

    # transitions, workflows, executions, logs
    manual = api.post(
        "/transitions",
        {"transitionType": "manual", "parameters": {"assets": {"jsRemoteComponent": asset["assetId"]}}},
    )
    lambda_ = api.post(
        "/transitions", {"transitionType": "lambda", "parameters": {"lambdaId": "las:lambda:acme:check"}}
    )
    api.get(f"/transitions/{manual['transitionId']}")
    api.get("/transitions", params={"transitionType": "lambda"})
    api.patch(f"/transitions/{lambda_['transitionId']}", {"parameters": {"environment": {"MODE": "test"}}})
    workflow = api.post(
        "/workflows",
        {
            "specification": {
                "definition": {
                    "StartAt": "check",
                    "States": {
                        "check": {"Type": "Task", "Resource": lambda_["transitionId"], "Next": "approve"},
                        "approve": {"Type": "Task", "Resource": manual["transitionId"], "End": True},
                    },
                }
            },
            "status": "production",
            "metadata": {"owner": "ap"},
        },
    )
    wf = workflow["workflowId"]
    api.get(f"/workflows/{wf}")
    api.get("/workflows")
    api.patch(f"/workflows/{wf}", {"errorConfig": {"manualRetry": True}})
    execution = api.post(f"/workflows/{wf}/executions", {"input": {"documentId": document["documentId"]}})
    [task_id] = execution["transitionExecutions"][manual["transitionId"]]
    tr = manual["transitionId"]
    api.get(f"/transitions/{tr}/executions", params={"status": "running", "sortBy": "startTime"})
    api.get(f"/transitions/{tr}/executions/{task_id}")
    assert api.post(f"/transitions/{tr}/executions/{task_id}/heartbeats", expect=204) is None
    done = api.patch(
        f"/transitions/{tr}/executions/{task_id}", {"status": "succeeded", "output": {"ok": True}}
    )
    assert done["output"] == {"ok": True}
    finished = api.get(f"/workflows/{wf}/executions/{execution['executionId']}")
    assert finished["status"] == "succeeded"
    completed = api.patch(f"/workflows/{wf}/executions/{execution['executionId']}", {"status": "completed"})
    assert completed["status"] == "completed"
    api.get(
        f"/workflows/{wf}/executions",
        params={"status": "completed", "fromStartTime": "2000-01-01T00:00:00Z", "order": "ascending"},
    )
    assert api.get(f"/workflows/{wf}")["monthlyNumberOfWorkflowExecutionsCreated"] == 1
    direct = api.post(f"/transitions/{tr}/executions", {})
    assert direct["status"] == "running"
    logs = api.get("/logs", params={"workflowExecutionId": execution["executionId"]})["logs"]
    api.get(f"/logs/{logs[0]['logId']}")

    # deletions
    api.delete(f"/workflows/{wf}/executions/{execution['executionId']}")
    api.delete(f"/workflows/{wf}")
    api.delete(f"/transitions/{lambda_['transitionId']}")
    api.delete(f"/datasets/{dataset['datasetId']}/transformations/{transformation['transformationId']}")
    api.delete(f"/models/{model['modelId']}/dataBundles/{bundle['dataBundleId']}")
    api.delete(f"/models/{model['modelId']}")
    api.delete("/documents", params={"datasetId": dataset["datasetId"]})
    api.delete(f"/documents/{upload(api)['documentId']}")
    api.delete(f"/datasets/{dataset['datasetId']}")
    api.delete(f"/secrets/{secret['secretId']}")
    api.delete(f"/users/{user['userId']}")
    api.delete(f"/assets/{asset['assetId']}")
    api.delete(f"/appClients/{client['appClientId']}")
    api.patch(f"/organizations/{org}", {"paymentMethodId": None})
    api.delete(f"/paymentMethods/{method['paymentMethodId']}")

    missing = set(contract_2024.operations()) - api.covered
    assert not missing, f"operations never exercised: {sorted(missing)}"


def test_error_answers_match_the_error_schema(emulator_2024: Emulator, contract_2024: Contract) -> None:
    api = Api(emulator_2024, contract_2024)
    api.get("/documents/las:document:" + "0" * 32, expect=404)
    api.post("/models", {"width": 300, "height": 300, "fieldConfig": {}}, expect=400)
    api.get("/plans/las:plan:nothing", expect=404)
    api.patch("/models/las:model:invoice-v2", {"name": "mine now"}, expect=403)
