"""Stateful behaviour of the plain resources."""

from __future__ import annotations

import pytest

from las.testing import Emulator
from tests.testing._api import PDF, Api


def test_dataset_counts_follow_document_creates_moves_and_deletes(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    first, second = api.dataset()["datasetId"], api.dataset()["datasetId"]
    document = api.document(datasetId=first)["documentId"]
    api.document(datasetId=first)
    assert api.get(f"/datasets/{first}")["numberOfDocuments"] == 2
    moved = api.patch(f"/documents/{document}", {"datasetId": second})
    assert moved["datasetId"] == second
    assert [api.get(f"/datasets/{d}")["numberOfDocuments"] for d in (first, second)] == [1, 1]
    api.delete(f"/documents/{document}")
    assert api.get(f"/datasets/{second}")["numberOfDocuments"] == 0


def test_dataset_with_documents_cannot_be_deleted(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    dataset = api.dataset()["datasetId"]
    api.document(datasetId=dataset)
    message = api.delete(f"/datasets/{dataset}", expect=400)["message"]
    assert "delete them first" in message


@pytest.mark.las_contract("2021-09-23")  # inline content; 2024's: test_v2024_files
def test_documents_keep_ground_truth_and_content(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    truth = [{"label": "total", "value": "9.99"}, {"label": "paid", "value": False}]
    document = api.document(groundTruth=truth)
    assert "content" not in document
    fetched = api.get(f"/documents/{document['documentId']}")
    assert (fetched["groundTruth"], fetched["content"]) == (truth, PDF)


@pytest.mark.las_contract("2021-09-23")  # a bundle ready at once; 2024's run: test_v2024_progress
def test_model_counts_data_bundles_and_refuses_deletion_while_it_has_some(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    model = api.model()["modelId"]
    dataset = api.dataset()["datasetId"]
    bundle = api.post(f"/models/{model}/dataBundles", {"datasetIds": [dataset]})
    assert (bundle["status"], bundle["modelId"]) == ("ready", model)
    assert api.get(f"/models/{model}")["numberOfDataBundles"] == 1
    assert "data bundle" in api.delete(f"/models/{model}", expect=400)["message"]
    api.delete(f"/models/{model}/dataBundles/{bundle['dataBundleId']}")
    assert api.get(f"/models/{model}")["numberOfDataBundles"] == 0
    api.delete(f"/models/{model}")


@pytest.mark.las_contract("2021-09-23")  # 2021's field types (phone)
def test_predictions_are_deterministic_and_respect_field_config(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    model = api.model(
        fieldConfig={
            "total": {"type": "amount", "maxLength": 10},
            "phone": {"type": "phone", "maxLength": 4},
            "due": {"type": "date", "maxLength": 10},
        }
    )["modelId"]
    document = api.document(groundTruth=[{"label": "total", "value": "42.00"}])["documentId"]
    first = api.post("/predictions", {"documentId": document, "modelId": model})
    second = api.post("/predictions", {"documentId": document, "modelId": model})
    assert first["predictions"] == second["predictions"]
    values = {p["label"]: p["value"] for p in first["predictions"]}
    assert values["total"] == "42.00" and len(values["phone"]) <= 4
    assert len(values["due"]) == 10 and values["due"][4] == "-"
    assert all(0 <= p["confidence"] <= 1 for p in first["predictions"])
    assert len(api.get("/predictions")["predictions"]) == 2


def test_secrets_never_answer_their_data(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    secret = api.post("/secrets", {"data": {"token": "s3cr3t"}})
    updated = api.patch(f"/secrets/{secret['secretId']}", {"data": {"token": "other"}})
    listed = api.get("/secrets")
    for answer in (secret, updated, listed):
        assert "s3cr3t" not in str(answer) and "other" not in str(answer)


def test_app_client_secret_is_only_in_the_creation_answer(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    public = api.post("/appClients", {"generateSecret": False})
    assert public["hasSecret"] is False and "clientSecret" not in public
    private = api.post("/appClients", {})
    updated = api.patch(f"/appClients/{private['appClientId']}", {"name": "n"})
    assert private["clientSecret"] and "clientSecret" not in updated


def test_users_have_unique_emails(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    api.post("/users", {"email": "ada@example.com"})
    message = api.post("/users", {"email": "ADA@example.com"}, expect=400)["message"]
    assert message.startswith("body.email")


def test_organization_counts_what_the_store_holds(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    path = f"/organizations/{las_emulator.organization_id}"
    api.model()
    las_emulator.seed_documents(3)
    org = api.get(path)
    assert (org["numberOfModelsCreated"], org["monthlyNumberOfDocumentsCreated"]) == (1, 3)
    assert org["numberOfAppClientsCreated"] == 1
    assert api.patch(path, {"description": "tests"})["description"] == "tests"
    assert api.get(path)["updatedBy"] == las_emulator.app_client_id


def test_updates_stamp_updated_time_and_by(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    asset = api.post("/assets", {"content": PDF})
    assert asset["updatedTime"] is None and asset["createdBy"] == las_emulator.app_client_id
    updated = api.patch(f"/assets/{asset['assetId']}", {"description": "d"})
    assert updated["updatedTime"].endswith("Z") and updated["updatedBy"] == las_emulator.app_client_id
