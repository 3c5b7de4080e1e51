"""update() sends only the changes; ids of the wrong kind fail before any request."""

from __future__ import annotations

from typing import Any

import pytest

import las
from las.exceptions import InvalidIdError
from las.resources import Dataset, Document, ErrorConfig, FieldConfigEntry, Model, Transition, Workflow

from .conftest import PDF, Requests

OTHER_HEX = "f" * 32


def patch_bodies(api: Requests) -> list[Any]:
    return [request.json for request in api.all if request.method == "PATCH"]


def test_update_sends_only_the_given_fields(model: Model, api: Requests) -> None:
    model.update(name="renamed")
    assert patch_bodies(api) == [{"name": "renamed"}]
    assert model.name == "renamed" and list(model.field_config) == ["total_amount", "due_date"]


def test_update_sends_nested_values_in_the_api_shape(model: Model, api: Requests) -> None:
    model.update(field_config={"total": FieldConfigEntry("amount", 12)})
    assert patch_bodies(api) == [{"fieldConfig": {"total": {"type": "amount", "maxLength": 12}}}]


def test_update_with_none_sends_an_explicit_null(dataset: Dataset, api: Requests) -> None:
    dataset.update(description=None)
    assert patch_bodies(api) == [{"description": None}]
    assert dataset.description is None


def test_workflow_update_sends_typed_configs(session: las.Session, api: Requests) -> None:
    transition = Transition.create("manual", session=session)
    definition = {"StartAt": "s", "States": {"s": {"Type": "Task", "Resource": transition.id, "End": True}}}
    workflow = Workflow.create(
        {"language": "ASL", "version": "1.0.0", "definition": definition}, session=session
    )
    api.clear()
    workflow.update(error_config=ErrorConfig(email="ops@example.com", manual_retry=True))
    assert patch_bodies(api) == [{"errorConfig": {"email": "ops@example.com", "manualRetry": True}}]
    assert workflow.error_config == ErrorConfig(email="ops@example.com", manual_retry=True)


@pytest.mark.las_contract("2021-09-23")  # transitions' JSON schemas
def test_transition_update_uses_the_attribute_names(session: las.Session, api: Requests) -> None:
    transition = Transition.create("manual", session=session)
    api.clear()
    transition.update(input_json_schema={"type": "object"})
    assert patch_bodies(api) == [{"inputJsonSchema": {"type": "object"}}]


def test_document_update_accepts_ground_truth_as_a_dict_and_a_dataset_object(
    document: Document, session: las.Session, api: Requests
) -> None:
    other = Dataset.create(session=session)
    api.clear()
    document.update(ground_truth={"total_amount": "5"}, dataset=other)
    assert patch_bodies(api) == [
        {"groundTruth": [{"label": "total_amount", "value": "5"}], "datasetId": other.id}
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda doc, model, session: doc.predict(f"las:document:{OTHER_HEX}"),
        lambda doc, model, session: doc.predict(doc),
        lambda doc, model, session: model.predict(model),
        lambda doc, model, session: Document.get(model.id, session=session),
        lambda doc, model, session: Document.get(model, session=session),
        lambda doc, model, session: Document.create(PDF, dataset=model, session=session),
        lambda doc, model, session: Document.create(PDF, consent="consent-1", session=session),
        lambda doc, model, session: doc.update(dataset=model),
        lambda doc, model, session: model.data_bundles.create([doc]),
        lambda doc, model, session: Document.all(dataset=model, session=session),
        lambda doc, model, session: Model.get("las:model:not/one-segment", session=session),
        lambda doc, model, session: Dataset.ref(doc.id, session=session),
    ],
)
def test_a_wrong_kind_of_id_fails_before_any_request(
    call: Any, document: Document, model: Model, session: las.Session, api: Requests
) -> None:
    api.clear()
    with pytest.raises(InvalidIdError, match=r"expected a .* id like"):
        call(document, model, session)
    assert len(api) == 0


def test_predict_accepts_an_object_or_an_id(document: Document, model: Model) -> None:
    assert document.predict(model).model_id == model.id
    assert document.predict(model.id).model_id == model.id
