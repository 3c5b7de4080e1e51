"""The entities of the 2024-11-29 emulator: choosing the contract, the seeded catalogues, public
models with organization-prefixed ids, organizations, payment methods, profiles, lambda
transitions and the new workflow execution statuses."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from las.testing import Emulator
from tests.contract import Contract
from tests.testing._api import Api

HEX = "0" * 32
PUBLIC = "las:model:invoice-v2"
OWNER = "las:organization:cradl"


@pytest.fixture
def api(emulator_2024: Emulator, contract_2024: Contract) -> Api:
    return Api(emulator_2024, contract_2024)


def test_the_contract_is_chosen_when_the_emulator_is_made_and_kept_across_resets() -> None:
    assert Emulator().contract == "2021-09-23"
    with pytest.raises(ValueError, match=r"'2021-09-23' \(the default.*'2024-11-29'"):
        Emulator(contract="2024-11-29T08:05:46Z")
    with Emulator(contract="2024-11-29") as emulator:
        emulator.reset()
        assert emulator.contract == "2024-11-29"
        assert Api(emulator, check=False).get("/plans")["plans"]  # the catalogues are seeded again


def test_seeded_documents_of_the_2024_emulator_are_downloaded_from_their_file_url(
    emulator_2024: Emulator,
) -> None:
    [document_id] = emulator_2024.seed_documents(1, content=b"%PDF seeded")
    got = Api(emulator_2024).get(f"/documents/{document_id}")
    assert requests.get(got["fileUrl"], timeout=10).content == b"%PDF seeded"


def test_catalogues_belong_to_the_service_and_answer_by_owner(api: Api) -> None:
    assert {plan["organizationId"] for plan in api.get("/plans")["plans"]} == {OWNER}
    assert api.get("/plans", params={"owner": api.emulator.organization_id})["plans"] == []
    assert api.get("/plans/las:organization:cradl%2Flas:plan:free")["planId"] == "las:plan:free"
    api.get("/plans/las:organization:someone-else%2Flas:plan:free", expect=404)
    environments = api.get("/deploymentEnvironments", params={"owner": OWNER})["deploymentEnvironments"]
    assert {each["status"] for each in environments} == {"available", "unavailable"}
    assert [role["roleId"] for role in api.get("/roles", params={"maxResults": "2"})["roles"]] == [
        "las:role:admin",
        "las:role:developer",
    ]


def test_public_models_take_predictions_whose_model_id_carries_the_owner(api: Api) -> None:
    assert PUBLIC not in [model["modelId"] for model in api.get("/models")["models"]]
    listed = api.get("/models", params={"owner": OWNER})["models"]
    assert PUBLIC in [model["modelId"] for model in listed]
    assert api.get(f"/models/{PUBLIC}")["organizationId"] == OWNER
    document = api.post("/documents", {"content": "JVBERg=="})["documentId"]

    by_plain_id = api.post("/predictions", {"documentId": document, "modelId": PUBLIC})
    by_prefixed_id = api.post("/predictions", {"documentId": document, "modelId": f"{OWNER}/{PUBLIC}"})

    assert by_plain_id["modelId"] == by_prefixed_id["modelId"] == f"{OWNER}/{PUBLIC}"
    assert by_plain_id["predictions"] == by_prefixed_id["predictions"]
    [line_items] = [each for each in by_plain_id["predictions"] if each["label"] == "line_items"]
    assert [item["label"] for item in line_items["value"][0]] == ["description", "amount"]
    for model_id in (PUBLIC, f"{OWNER}/{PUBLIC}"):
        found = api.get("/predictions", params={"modelId": model_id})["predictions"]
        assert len(found) == 2
    newest = api.get("/predictions", params={"order": "descending", "maxResults": "1"})["predictions"]
    assert [each["predictionId"] for each in newest] == [by_prefixed_id["predictionId"]]


def test_public_models_cannot_be_changed(api: Api) -> None:
    assert (
        "belongs to las:organization:cradl"
        in api.patch(f"/models/{PUBLIC}", {"name": "mine"}, expect=403)["message"]
    )
    api.delete(f"/models/{PUBLIC}", expect=403)
    api.post(f"/models/{PUBLIC}/dataBundles", {"datasetIds": [f"las:dataset:{HEX}"]}, expect=403)
    assert api.get(f"/models/{PUBLIC}")["name"] == "Invoice"


def test_organizations_created_by_the_caller_hold_nothing(api: Api) -> None:
    api.post("/datasets", {})
    created = api.post("/organizations", {"name": "Subsidiary"})
    listed = [each["organizationId"] for each in api.get("/organizations")["organizations"]]
    assert listed == [api.emulator.organization_id, created["organizationId"]]
    assert created["numberOfDatasetsCreated"] == 0
    assert api.get("/organizations/me")["numberOfDatasetsCreated"] == 1
    assert api.patch(f"/organizations/{created['organizationId']}", {"name": "Renamed"})["name"] == "Renamed"
    api.get("/organizations/las:organization:nobody", expect=404)
    api.patch("/organizations/me", {"planId": "las:plan:nothing"}, expect=404)


def test_a_payment_method_in_use_cannot_be_deleted_and_its_secret_is_never_answered(api: Api) -> None:
    method = api.post("/paymentMethods", {"name": "card"})
    assert method["details"] is None
    updated = api.patch(
        f"/paymentMethods/{method['paymentMethodId']}", {"stripeSetupIntentSecret": "seti_secret"}
    )
    assert updated["details"]["last4"] == "4242" and "stripeSetupIntentSecret" not in updated
    api.patch("/organizations/me", {"paymentMethodId": method["paymentMethodId"]})
    refused = api.delete(f"/paymentMethods/{method['paymentMethodId']}", expect=400)
    assert "give the organization another paymentMethodId" in refused["message"]
    api.patch("/organizations/me", {"paymentMethodId": f"las:payment-method:{HEX}"}, expect=404)


def test_users_have_profiles_and_roles_of_the_catalogue(api: Api) -> None:
    api.post("/users", {"email": "ada@example.com", "roleIds": ["las:role:nothing"]}, expect=404)
    user = api.post("/users", {"email": "ada@example.com", "roleIds": ["las:role:viewer"]})
    assert api.get(f"/profiles/{user['profileId']}")["email"] == "ada@example.com"
    api.post("/users", {"email": "ADA@example.com"}, expect=400)  # the same email
    assert api.patch(f"/users/{user['userId']}", {"roleIds": ["las:role:admin"]})["roleIds"] == [
        "las:role:admin"
    ]
    api.patch(f"/appClients/{api.emulator.app_client_id}", {"roleIds": ["las:role:root"]}, expect=404)


def _workflow(api: Api, *resources: str) -> str:
    states: dict[str, Any] = {}
    for index, resource in enumerate(resources):
        states[f"s{index}"] = {"Type": "Task", "Resource": resource}
        states[f"s{index}"].update({"Next": f"s{index + 1}"} if index + 1 < len(resources) else {"End": True})
    body = {"specification": {"definition": {"StartAt": "s0", "States": states}}}
    return str(api.post("/workflows", body)["workflowId"])


def test_a_lambda_transition_runs_as_a_docker_one_does(api: Api) -> None:
    lambda_ = api.post(
        "/transitions", {"transitionType": "lambda", "parameters": {"lambdaId": "las:lambda:acme:x"}}
    )
    api.emulator.register_docker_handler(lambda_["transitionId"], lambda data: {"doubled": data["n"] * 2})
    workflow = _workflow(api, lambda_["transitionId"])
    execution = api.post(f"/workflows/{workflow}/executions", {"input": {"n": 21}})
    assert execution["status"] == "succeeded" and execution["output"] == {"doubled": 42}
    refused = api.post(f"/transitions/{lambda_['transitionId']}/executions", {}, expect=400)
    assert "is a lambda transition" in refused["message"]


def test_transition_parameters_are_merged_and_must_fit_the_type(api: Api) -> None:
    docker = api.post("/transitions", {"transitionType": "docker", "parameters": {"imageUrl": "acme/x:1"}})
    path = f"/transitions/{docker['transitionId']}"
    merged = api.patch(path, {"parameters": {"memory": 4096}})["parameters"]
    assert merged == {"imageUrl": "acme/x:1", "memory": 4096}
    refused = api.patch(path, {"parameters": {"lambdaId": "las:lambda:a:b"}}, expect=400)
    assert refused["message"] == "body.parameters.lambdaId: docker transitions have no such parameter"


def test_workflow_executions_take_a_status_instead_of_a_next_transition(api: Api) -> None:
    manual = api.post("/transitions", {"transitionType": "manual"})["transitionId"]
    workflow = _workflow(api, manual)
    assert api.get(f"/workflows/{workflow}")["status"] == "development"
    running = api.post(f"/workflows/{workflow}/executions", {"input": {}})
    path = f"/workflows/{workflow}/executions/{running['executionId']}"
    assert "only a succeeded execution" in api.patch(path, {"status": "completed"}, expect=400)["message"]
    api.patch(path, {}, expect=400)
    api.patch(path, {"status": "succeeded", "nextTransitionId": manual}, expect=400)
    assert api.patch(path, {"status": "succeeded"})["status"] == "succeeded"
    assert api.patch(path, {"status": "completed"})["status"] == "completed"
    api.patch(path, {"nextTransitionId": manual}, expect=400)  # it has ended
    listed = api.get(f"/workflows/{workflow}/executions", params={"toStartTime": "2000-01-01T00:00:00+01:00"})
    assert listed["executions"] == []


def test_documents_list_newest_first_and_by_id(api: Api) -> None:
    ids = [api.post("/documents", {})["documentId"] for _ in range(3)]
    newest = api.get("/documents", params={"order": "descending", "maxResults": "2"})
    assert [each["documentId"] for each in newest["documents"]] == ids[:0:-1]
    rest = api.get("/documents", params={"order": "descending", "nextToken": newest["nextToken"]})
    assert [each["documentId"] for each in rest["documents"]] == ids[:1]
    chosen = api.get("/documents", params={"documentId": [ids[0], ids[2]]})
    assert [each["documentId"] for each in chosen["documents"]] == [ids[0], ids[2]]


def test_ground_truth_patched_to_null_is_removed_as_the_answer_schema_requires(api: Api) -> None:
    document = api.post("/documents", {"groundTruth": [{"label": "total", "value": "1"}]})
    patched = api.patch(f"/documents/{document['documentId']}", {"groundTruth": None})  # validated answer
    assert "groundTruth" not in patched
