"""What moves on the 2024 emulator's clock: trainings through their statuses, data bundles,
async predictions and dataset transformations (``emulator.clock.advance`` drives them)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from las.testing import Emulator
from las.testing._progress import APPROVAL_SECONDS, DATA_BUNDLE_SECONDS, PREDICTION_SECONDS
from las.testing._trainings import TRANSFORMATION_SECONDS
from tests.contract import Contract
from tests.testing._api import Api

FIELDS = {"total": {"type": "amount"}, "due": {"type": "date"}}


@pytest.fixture
def api(emulator_2024: Emulator, contract_2024: Contract) -> Api:
    emulator_2024.clock.freeze()
    return Api(emulator_2024, contract_2024)


def _document(api: Api, dataset_id: str, data: bytes = b"%PDF") -> dict[str, Any]:
    body = {"content": base64.b64encode(data).decode(), "datasetId": dataset_id}
    return dict(api.post("/documents", body))


def _model_with_bundle(api: Api, documents: int = 1) -> tuple[str, str]:
    dataset = api.post("/datasets", {})["datasetId"]
    for index in range(documents):
        _document(api, dataset, f"%PDF {index}".encode())
    model = api.post("/models", {"fieldConfig": FIELDS})["modelId"]
    bundle = api.post(f"/models/{model}/dataBundles", {"datasetIds": [dataset]})["dataBundleId"]
    return model, bundle


def _statuses(api: Api, path: str, steps: list[float]) -> list[str]:
    seen = []
    for step in steps:
        api.emulator.clock.advance(step)
        seen.append(api.get(path)["status"])
    return seen


def test_a_training_goes_through_every_status_of_the_contract_on_the_clock(api: Api) -> None:
    model, bundle = _model_with_bundle(api)
    training = api.post(f"/models/{model}/trainings", {"dataBundleIds": [bundle], "name": "first"})
    assert training["status"] == "preparing" and training["gpuHours"] is None
    assert training["instanceType"] == "small-gpu" and training["evaluation"] == {}
    path = f"/models/{model}/trainings/{training['trainingId']}"

    seen = _statuses(api, path, [59, 1, 59, 1, 3599, 1, 179, 1])

    assert seen == [
        "preparing", "pending", "pending", "running",
        "running", "running-final-evaluation", "running-final-evaluation", "succeeded",
    ]  # fmt: skip
    done = api.get(path)
    assert done["gpuHours"] == 1.05 and set(done["evaluation"]["fields"]) == set(FIELDS)
    assert api.get(f"/models/{model}")["numberOfRunningTrainings"] == 0


def test_while_a_training_runs_the_model_counts_it_and_cannot_use_it(api: Api) -> None:
    model, bundle = _model_with_bundle(api)
    training = api.post(f"/models/{model}/trainings", {})  # every data bundle of the model
    assert training["dataBundleIds"] == [bundle]
    assert api.get(f"/models/{model}")["numberOfRunningTrainings"] == 1
    refused = api.patch(f"/models/{model}", {"trainingId": training["trainingId"]}, expect=400)
    assert "only a succeeded training" in refused["message"]
    api.emulator.clock.advance(3900)
    used = api.patch(f"/models/{model}", {"trainingId": training["trainingId"]})
    assert used["status"] == "active" and used["numberOfRunningTrainings"] == 0
    assert api.patch(f"/models/{model}", {"trainingId": None})["status"] == "inactive"


def test_a_training_with_assistance_waits_for_approval_first(api: Api) -> None:
    model, _ = _model_with_bundle(api)
    training = api.post(f"/models/{model}/trainings", {"dataScientistAssistance": True})
    path = f"/models/{model}/trainings/{training['trainingId']}"
    assert training["status"] == "waiting-for-approval"
    assert _statuses(api, path, [APPROVAL_SECONDS - 1, 1, 3900]) == [
        "waiting-for-approval",
        "preparing",
        "succeeded",
    ]


def test_a_training_on_data_bundles_without_documents_fails_when_it_would_run(api: Api) -> None:
    model, bundle = _model_with_bundle(api, documents=0)
    training = api.post(f"/models/{model}/trainings", {"dataBundleIds": [bundle]})
    path = f"/models/{model}/trainings/{training['trainingId']}"
    assert _statuses(api, path, [60, 60, 3900]) == ["pending", "failed", "failed"]
    assert api.get(path)["gpuHours"] is None


def test_cancelling_stops_a_training_where_it_is_and_only_once(api: Api) -> None:
    model, _ = _model_with_bundle(api)
    training = api.post(f"/models/{model}/trainings", {})
    path = f"/models/{model}/trainings/{training['trainingId']}"
    api.emulator.clock.advance(1920)  # half an hour of running
    cancelled = api.patch(path, {"status": "cancelled"})
    assert cancelled["status"] == "cancelled" and cancelled["gpuHours"] == 0.5
    api.emulator.clock.advance(3900)
    assert api.get(path)["status"] == "cancelled" and api.get(path)["gpuHours"] == 0.5
    assert "only a training under way" in api.patch(path, {"status": "cancelled"}, expect=400)["message"]
    listed = api.get(f"/models/{model}/trainings", params={"status": "cancelled"})
    assert [each["trainingId"] for each in listed["trainings"]] == [training["trainingId"]]


def test_only_a_succeeded_training_is_deployed_and_used_for_predictions(api: Api) -> None:
    model, _ = _model_with_bundle(api)
    dataset = api.post("/datasets", {})["datasetId"]
    document = _document(api, dataset)["documentId"]
    training = api.post(f"/models/{model}/trainings", {})
    path = f"/models/{model}/trainings/{training['trainingId']}"
    shared = "las:deployment-environment:shared"
    assert "only a succeeded" in api.patch(path, {"deploymentEnvironmentId": shared}, expect=400)["message"]
    predict = {"documentId": document, "modelId": model, "trainingId": training["trainingId"]}
    assert "predict with a succeeded one" in api.post("/predictions", predict, expect=400)["message"]
    api.emulator.clock.advance(3900)
    assert api.patch(path, {"deploymentEnvironmentId": shared})["deploymentEnvironmentId"] == shared
    assert api.post("/predictions", predict)["trainingId"] == training["trainingId"]
    api.patch(path, {"deploymentEnvironmentId": "las:deployment-environment:nowhere"}, expect=404)


def test_trainings_refer_to_their_own_model_only(api: Api) -> None:
    model, _ = _model_with_bundle(api)
    other, other_bundle = _model_with_bundle(api)
    api.post(f"/models/{model}/trainings", {"dataBundleIds": [other_bundle]}, expect=404)
    training = api.post(f"/models/{other}/trainings", {})
    api.get(f"/models/{model}/trainings/{training['trainingId']}", expect=404)
    warm = {"warmStartConfig": {"trainingId": training["trainingId"]}}
    api.post(f"/models/{model}/trainings", warm, expect=404)
    assert api.post(f"/models/{other}/trainings", warm)["warmStartConfig"] == warm["warmStartConfig"]
    api.post("/models/las:model:invoice-v2/trainings", {}, expect=403)  # a public model


def test_a_data_bundle_runs_then_succeeds(api: Api) -> None:
    model, bundle = _model_with_bundle(api)
    path = f"/models/{model}/dataBundles/{bundle}"
    assert _statuses(api, path, [DATA_BUNDLE_SECONDS - 1, 1]) == ["running", "succeeded"]
    listed = api.get(f"/models/{model}/dataBundles", params={"status": "succeeded"})["dataBundles"]
    assert [each["dataBundleId"] for each in listed] == [bundle]


def test_an_async_prediction_is_pending_for_a_while(api: Api) -> None:
    dataset = api.post("/datasets", {})["datasetId"]
    document = _document(api, dataset)["documentId"]
    model = api.post("/models", {"fieldConfig": FIELDS})["modelId"]
    pending = api.post("/predictions", {"documentId": document, "modelId": model, "async": True})
    assert pending["status"] == "pending" and pending["predictions"] is None
    api.emulator.clock.advance(PREDICTION_SECONDS)
    done = api.get(f"/predictions/{pending['predictionId']}")
    made_now = api.post("/predictions", {"documentId": document, "modelId": model})
    assert done["status"] == "succeeded" and done["predictions"] == made_now["predictions"]  # deterministic


def test_a_transformation_removes_duplicate_documents_when_its_time_comes(api: Api) -> None:
    dataset = api.post("/datasets", {})["datasetId"]
    kept = [_document(api, dataset, b"%PDF one"), _document(api, dataset, b"%PDF two")]
    _document(api, dataset, b"%PDF one")
    upload = api.post("/documents", {"datasetId": dataset})  # no bytes yet: not a duplicate of anything
    transformation = api.post(
        f"/datasets/{dataset}/transformations", {"operations": [{"type": "remove-duplicates"}]}
    )
    assert transformation["status"] == "running"
    api.emulator.clock.advance(TRANSFORMATION_SECONDS - 1)
    assert len(api.get("/documents", params={"datasetId": dataset})["documents"]) == 4
    api.emulator.clock.advance(1)

    left = [each["documentId"] for each in api.get("/documents", params={"datasetId": dataset})["documents"]]
    assert left == [kept[0]["documentId"], kept[1]["documentId"], upload["documentId"]]
    listed = api.get(f"/datasets/{dataset}/transformations", params={"status": "succeeded"})[
        "transformations"
    ]
    assert [each["transformationId"] for each in listed] == [transformation["transformationId"]]


def test_a_transformation_whose_dataset_is_gone_fails(api: Api) -> None:
    dataset = api.post("/datasets", {})["datasetId"]
    transformation = api.post(f"/datasets/{dataset}/transformations", {})
    api.delete(f"/datasets/{dataset}")
    api.emulator.clock.advance(TRANSFORMATION_SECONDS)
    [row] = api.emulator._service.state.transformations
    assert row["transformationId"] == transformation["transformationId"] and row["status"] == "failed"


def test_a_deleted_transformation_does_nothing(api: Api) -> None:
    dataset = api.post("/datasets", {})["datasetId"]
    _document(api, dataset)
    _document(api, dataset)
    transformation = api.post(
        f"/datasets/{dataset}/transformations", {"operations": [{"type": "remove-duplicates"}]}
    )
    api.delete(f"/datasets/{dataset}/transformations/{transformation['transformationId']}")
    api.emulator.clock.advance(TRANSFORMATION_SECONDS)
    assert len(api.get("/documents", params={"datasetId": dataset})["documents"]) == 2


@pytest.mark.las_contract("2021-09-23")
def test_the_2021_emulator_has_ready_data_bundles_and_no_trainings(las_emulator: Emulator) -> None:
    api = Api(las_emulator)
    model = api.model()
    bundle = api.post(f"/models/{model['modelId']}/dataBundles", {"datasetIds": [api.dataset()["datasetId"]]})
    assert bundle["status"] == "ready"
    assert (
        requests.get(f"{las_emulator.url}/models/{model['modelId']}/trainings", timeout=5).status_code == 404
    )
