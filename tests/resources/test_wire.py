"""The one builder (a plan per class): camelCase <-> snake_case, timestamps, bytes, unknown fields, nulls."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from las.resources import (
    CompletedConfig,
    DataBundle,
    Dataset,
    Document,
    ErrorConfig,
    FieldConfigEntry,
    GroundTruthItem,
    Model,
    Organization,
    Prediction,
    PredictionItem,
    PreprocessConfig,
    Transition,
    Workflow,
)
from las.resources._plan import WireError, parse_timestamp, to_wire


def build(body: Any, cls: type[T]) -> T:
    """Build an object from a full body, as Cls.get does (no client: the default session)."""
    return cls._from_wire(body, None, full=True)  # type: ignore[attr-defined, no-any-return]


T = TypeVar("T")
HEX = "ab" * 16
MODEL = {
    "modelId": f"las:model:{HEX}",
    "name": "invoices",
    "description": None,
    "width": 300,
    "height": 400,
    "fieldConfig": {"total_amount": {"type": "amount", "maxLength": 20, "description": None}},
    "preprocessConfig": {"autoRotate": True, "maxPages": 2, "imageQuality": "HIGH"},
    "status": "active",
    "numberOfDataBundles": 0,
    "createdBy": "las:app-client:" + HEX,
    "createdTime": "2024-03-01T12:30:00.250Z",
    "updatedBy": None,
    "updatedTime": None,
}


def test_wire_names_become_snake_case_attributes_with_nested_types() -> None:
    model = build(MODEL, Model)
    assert model.id == f"las:model:{HEX}"
    assert model.field_config == {"total_amount": FieldConfigEntry("amount", 20)}
    assert model.preprocess_config == PreprocessConfig(max_pages=2, auto_rotate=True, image_quality="HIGH")
    assert model.number_of_data_bundles == 0


def test_dictionary_keys_are_data_and_are_not_renamed() -> None:
    model = build({**MODEL, "fieldConfig": {"totalAmount": {"type": "all", "maxLength": 5}}}, Model)
    assert list(model.field_config) == ["totalAmount"]
    assert model.to_dict()["fieldConfig"] == {"totalAmount": {"type": "all", "maxLength": 5}}


def test_timestamps_are_timezone_aware_datetimes() -> None:
    model = build(MODEL, Model)
    assert model.created_time == datetime(2024, 3, 1, 12, 30, 0, 250000, tzinfo=timezone.utc)
    assert model.updated_time is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T12:30:00Z", datetime(2024, 3, 1, 12, 30, tzinfo=timezone.utc)),
        ("2024-03-01 12:30:00+02:00", datetime(2024, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))),
        ("20240301T123000+0200", datetime(2024, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))),
        ("2024-03-01T12:30:00.5", datetime(2024, 3, 1, 12, 30, 0, 500000, tzinfo=timezone.utc)),
    ],
)
def test_every_timestamp_form_of_the_contract_parses(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_a_round_trip_gives_back_the_wire_body() -> None:
    model = build(MODEL, Model)
    assert model.to_dict() == MODEL


def test_unknown_fields_are_kept_and_written_back() -> None:
    body = {
        **MODEL,
        "trainingProgress": {"epoch": 3},
        "fieldConfig": {"total_amount": {"type": "amount", "maxLength": 20, "confidenceThreshold": 0.5}},
    }
    model = build(body, Model)
    assert model.extra == {"trainingProgress": {"epoch": 3}}
    assert model.field_config["total_amount"].extra == {"confidenceThreshold": 0.5}
    again = model.to_dict()
    assert again["trainingProgress"] == {"epoch": 3}
    assert again["fieldConfig"]["total_amount"]["confidenceThreshold"] == 0.5


def test_a_struct_of_hashable_fields_hashes_whatever_its_unknown_fields() -> None:
    """Found by a review: ``extra`` (a dict) was part of the hash, so no struct could be hashed."""
    item = GroundTruthItem(label="total", value="1")
    assert len({item, GroundTruthItem(label="total", value="1")}) == 1
    with_unknown = GroundTruthItem(label="total", value="1", extra={"confidence": 0.5})
    assert hash(with_unknown) == hash(item) and with_unknown != item  # still compared


def test_a_null_where_a_list_is_promised_becomes_an_empty_list() -> None:
    document = build({"documentId": f"las:document:{HEX}", "groundTruth": None}, Document)
    assert document.ground_truth == []


def test_ground_truth_values_may_be_strings_booleans_or_null() -> None:
    body = {
        "documentId": f"las:document:{HEX}",
        "groundTruth": [
            {"label": "paid", "value": True},
            {"label": "total", "value": "10"},
            {"label": "due", "value": None},
        ],
    }
    document = build(body, Document)
    assert document.ground_truth_dict() == {"paid": True, "total": "10", "due": None}


def test_document_content_is_bytes_from_base64() -> None:
    document = build({"documentId": f"las:document:{HEX}", "content": "JVBERi0xLjQ="}, Document)
    assert document.content == b"%PDF-1.4"
    assert document.to_dict()["content"] == "JVBERi0xLjQ="


def test_prediction_items_are_typed() -> None:
    body = {
        "predictionId": f"las:prediction:{HEX}",
        "documentId": f"las:document:{HEX}",
        "modelId": f"las:model:{HEX}",
        "inferenceTime": 1.5,
        "timestamp": 1700000000,
        "predictions": [{"label": "total", "value": "10", "confidence": 0.8}],
    }
    prediction = build(body, Prediction)
    assert prediction.predictions == [PredictionItem("total", "10", 0.8)]


def test_workflow_configs_are_typed() -> None:
    body = {
        "workflowId": f"las:workflow:{HEX}",
        "errorConfig": {"email": "a@b.no", "manualRetry": True},
        "completedConfig": {"imageUrl": "img", "environment": {"A": "1"}},
    }
    workflow = build(body, Workflow)
    assert workflow.error_config == ErrorConfig(email="a@b.no", manual_retry=True)
    assert workflow.completed_config == CompletedConfig(image_url="img", environment={"A": "1"})


def test_a_user_made_config_sends_only_what_was_set() -> None:
    assert to_wire(ErrorConfig(email="a@b.no")) == {"email": "a@b.no"}


def test_transition_asset_ids_come_from_the_assets_field() -> None:
    transition = build(
        {"transitionId": f"las:transition:{HEX}", "assets": {"jsRemoteComponent": f"las:asset:{HEX}"}},
        Transition,
    )
    assert transition.asset_ids == {"jsRemoteComponent": f"las:asset:{HEX}"}
    assert transition.to_dict()["assets"] == {"jsRemoteComponent": f"las:asset:{HEX}"}


def test_data_bundle_datasets_are_dataset_objects() -> None:
    body = {
        "dataBundleId": f"las:model-data-bundle:{HEX}",
        "modelId": f"las:model:{HEX}",
        "datasets": [{"datasetId": f"las:dataset:{HEX}", "numberOfDocuments": 3}],
    }
    bundle = build(body, DataBundle)
    assert bundle.datasets == [Dataset.ref(f"las:dataset:{HEX}")]
    assert bundle.datasets[0].number_of_documents == 3


def test_organization_counters_are_attributes() -> None:
    organization = build(
        {"organizationId": f"las:organization:{HEX}", "numberOfModelsAllowed": 5, "monthlyUsageSummary": {}},
        Organization,
    )
    assert organization.number_of_models_allowed == 5


# -- the generated builder against the plan it comes from, on arbitrary bodies -------------------

TEXT = st.text(max_size=8)
DOCUMENT_VALUES = {
    "contentType": TEXT,
    "consentId": TEXT,
    "datasetId": TEXT,
    "batchId": TEXT,
    "createdBy": TEXT,
    "retentionInDays": st.integers(),
    "createdTime": st.datetimes(timezones=st.just(timezone.utc)).map(lambda moment: moment.isoformat()),
    "groundTruth": st.lists(
        st.fixed_dictionaries({"label": TEXT, "value": st.one_of(TEXT, st.booleans(), st.none())}), max_size=3
    ),
}


@for_all(
    st.dictionaries(st.sampled_from(sorted(DOCUMENT_VALUES)), st.none(), max_size=8).flatmap(
        lambda chosen: st.fixed_dictionaries({key: DOCUMENT_VALUES[key] for key in chosen})
    )
)
def test_the_builder_keeps_every_valid_value_and_defaults_the_rest(body: dict[str, Any]) -> None:
    document = build({"documentId": f"las:document:{HEX}", **body}, Document)
    assert document.to_dict() == {"documentId": f"las:document:{HEX}", **body}
    assert document.content_type == body.get("contentType")
    assert document.retention_in_days == body.get("retentionInDays")
    assert document.ground_truth == [GroundTruthItem(**item) for item in body.get("groundTruth", [])]
    created = body.get("createdTime")
    assert document.created_time == (datetime.fromisoformat(created) if created else None)


@for_all(
    st.sampled_from(sorted(DOCUMENT_VALUES)),
    st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.lists(st.integers(), max_size=2)),
)
def test_the_builder_refuses_a_value_of_another_type_naming_its_field(field: str, value: Any) -> None:
    if field == "retentionInDays" and type(value) is int:
        return  # the right type
    if field == "groundTruth" and value == []:
        return  # an empty list is valid
    try:
        build({"documentId": f"las:document:{HEX}", field: value}, Document)
    except WireError as error:
        assert field in str(error)
    else:
        raise AssertionError(f"{field}={value!r} was accepted")
