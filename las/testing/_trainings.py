"""Trainings of models and transformations of datasets (2024-11-29 contract).

* A training (``POST /models/{id}/trainings``) moves through its statuses on the emulator's
  clock (:mod:`las.testing._progress`: ``emulator.clock.advance(3900)`` and it has succeeded).
  Without ``dataBundleIds`` it trains on every data bundle of the model; given ones must be the
  model's (404). ``instanceType`` defaults to ``small-gpu``. Once it has succeeded its
  ``evaluation`` holds an accuracy per field (derived from the model and field, like the
  predictions), the model may be ``PATCH``\\ ed to use it (``trainingId``), and it may be
  deployed (``PATCH`` with a ``deploymentEnvironmentId`` of the catalogue; 400 before it has
  succeeded). The public models of the catalogue cannot be trained (403).
* A transformation (``POST /datasets/{id}/transformations``) is ``running`` for
  :data:`TRANSFORMATION_SECONDS` of the emulator's clock, then does what its ``operations`` say
  and is ``succeeded`` (``failed`` if its dataset is gone). ``remove-duplicates`` deletes every
  document of the dataset whose bytes repeat an earlier document's. Deleting a running
  transformation stops it.
"""

from __future__ import annotations

from typing import Any, Final

from las.testing._handlers import digest, own_model, page_by_status, page_of_model, require_owned
from las.testing._progress import ENDED, training_gpu_hours, training_status
from las.testing._request import ApiRequest, Reply, public
from las.testing._store import ApiError, Row, State
from las.testing._workflows import on_timer

TRANSFORMATION_SECONDS: Final = 10.0
DEFAULT_INSTANCE_TYPE: Final = "small-gpu"


# ---------------------------------------------------------------------------------------------
# Trainings


def render_training(state: State, row: Row) -> dict[str, Any]:
    answer = public(row)
    status = training_status(state, row)
    answer["status"] = status
    answer["gpuHours"] = training_gpu_hours(state, row)
    if status == "succeeded":
        model = state.models.get(row["modelId"])
        labels = list(model["fieldConfig"]) if model else []
        answer["evaluation"] = {
            "fields": {
                label: {"accuracy": round(0.8 + digest(row["modelId"], label)[0] / 1275, 4)}
                for label in labels
            }
        }
    return answer


def create_training(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    model = own_model(request, request.params["modelId"])
    model_id = model["modelId"]
    if "dataBundleIds" in body:
        chosen = dict.fromkeys(body["dataBundleIds"])
        bundles = [state.data_bundles.child(bundle_id, "modelId", model_id) for bundle_id in chosen]
    else:
        bundles = state.data_bundles.select("modelId", model_id)
    warm = body.get("warmStartConfig")
    if warm is not None:
        state.trainings.child(warm["trainingId"], "modelId", model_id)
    documents = sum(dataset["numberOfDocuments"] for bundle in bundles for dataset in bundle["datasets"])
    row = request.stamp_created(
        {
            "modelId": model_id,
            "name": body.get("name"),
            "description": body.get("description"),
            "metadata": body.get("metadata"),
            "dataBundleIds": [bundle["dataBundleId"] for bundle in bundles],
            "instanceType": body.get("instanceType") or DEFAULT_INSTANCE_TYPE,
            "dataScientistAssistance": bool(body.get("dataScientistAssistance", False)),
            "evaluation": {},
            "deploymentEnvironmentId": None,
            "_startedAt": state.clock.now(),
            "_fails": documents == 0,
        }
    )
    if warm is not None:
        row["warmStartConfig"] = warm
    row = state.insert(state.trainings, "model-training", row, "trainingId")
    return 200, render_training(state, row)


def list_trainings(request: ApiRequest) -> Reply:
    return page_of_model(request, request.state.trainings, "trainings", training_status, render_training)


def get_training(request: ApiRequest) -> Reply:
    state = request.state
    model_id = require_owned(state, state.models, request.params["modelId"])["modelId"]
    return 200, render_training(
        state, state.trainings.child(request.params["trainingId"], "modelId", model_id)
    )


def update_training(request: ApiRequest) -> Reply:
    state, body = request.state, request.body
    model_id = own_model(request, request.params["modelId"])["modelId"]
    row = state.trainings.child(request.params["trainingId"], "modelId", model_id)
    status = training_status(state, row)
    if body.get("status") == "cancelled":
        if status in ENDED:
            raise ApiError(
                400, f"{row['trainingId']} has {status}; only a training under way can be cancelled"
            )
        row.update(_cancelled=True, _stoppedAt=state.clock.now())
    environment = body.get("deploymentEnvironmentId")
    if environment is not None:
        require_owned(state, state.deployment_environments, environment)
        if status != "succeeded":
            raise ApiError(
                400,
                f"body.deploymentEnvironmentId: {row['trainingId']} is {status}; only a succeeded training can be deployed",
            )
    for name in ("name", "description", "metadata", "deploymentEnvironmentId"):
        if name in body:
            row[name] = body[name]
    return 200, render_training(state, request.stamp_updated(row))


# ---------------------------------------------------------------------------------------------
# Transformations


def create_transformation(request: ApiRequest) -> Reply:
    state = request.state
    dataset_id = state.datasets.require(request.params["datasetId"])["datasetId"]
    row = request.stamp_created(
        {"datasetId": dataset_id, "operations": request.body.get("operations", []), "status": "running"}
    )
    row = state.insert(state.transformations, "dataset-transformation", row, "transformationId")
    transformation_id = row["transformationId"]
    row["_timer"] = state.clock.call_later(
        TRANSFORMATION_SECONDS, on_timer(state, lambda later: _transform(later, transformation_id))
    )
    return 200, public(row)


def _transform(request: ApiRequest, transformation_id: str) -> None:
    """Do what a transformation's operations say, once its time has come."""
    state = request.state
    row = state.transformations.get(transformation_id)
    if row is None or row["status"] != "running":
        return
    row.pop("_timer", None)
    row["updatedTime"] = state.clock.iso()
    if state.datasets.get(row["datasetId"]) is None:
        row["status"] = "failed"
        return
    for operation in row["operations"]:
        if operation["type"] == "remove-duplicates":
            _remove_duplicates(state, row["datasetId"])
    row["status"] = "succeeded"


def _remove_duplicates(state: State, dataset_id: str) -> None:
    seen: set[object] = set()
    removed = 0
    for document in state.documents.select("datasetId", dataset_id):
        key = document.get("contentMD5") or document.get("content")
        if key is not None and key in seen:
            state.documents.delete(document["documentId"])
            removed += 1
        elif key is not None:
            seen.add(key)
    if removed:
        state.datasets.require(dataset_id)["version"] += 1


def list_transformations(request: ApiRequest) -> Reply:
    dataset_id = request.state.datasets.require(request.params["datasetId"])["datasetId"]
    return page_by_status(
        request,
        request.state.transformations,
        ("datasetId", dataset_id),
        "transformations",
        lambda row: str(row["status"]),
        public,
    )


def delete_transformation(request: ApiRequest) -> Reply:
    dataset_id = request.state.datasets.require(request.params["datasetId"])["datasetId"]
    row = request.state.transformations.child(request.params["transformationId"], "datasetId", dataset_id)
    timer = row.pop("_timer", None)
    if timer is not None:
        timer.cancel()
    return 200, public(request.state.transformations.delete(row["transformationId"]))
