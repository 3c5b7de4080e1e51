"""The tolerant reader (issue 20): every resource class reads answers shaped as the 2024-11-29
contract says (ids of the wider form, nulls, new enum values, fields 2021 did not have), and the
resource layer sends its requests for ids of that form; what stays strict stays strict (a present
field of the wrong type, a hostile id).

The answers come from a recorder (tests/support/answers_2024.py, validated here against
oas-2024-11-29.json). Once the 2024 emulator is merged, the two request tests below belong with
the scenario suites run against it as well.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import las
from las.resources._plan import WireError, wire_name
from tests.contract import load_contract
from tests.support.answers_2024 import (
    ANSWERS,
    APP_CLIENT,
    DOCUMENT,
    NEW_MODEL,
    ORG_MODEL,
    SECRET_ANSWER,
)
from tests.support.recorder import Recorder, Reply

CLASSES: dict[str, type[Any]] = {
    "/appClients/{appClientId}": las.AppClient,
    "/assets/{assetId}": las.Asset,
    "/models/{modelId}/dataBundles/{dataBundleId}": las.DataBundle,
    "/datasets/{datasetId}": las.Dataset,
    "/documents/{documentId}": las.Document,
    "/logs/{logId}": las.Log,
    "/models/{modelId}": las.Model,
    "/organizations/{organizationId}": las.Organization,
    "/predictions/{predictionId}": las.Prediction,
    "/transitions/{transitionId}": las.Transition,
    "/transitions/{transitionId}/executions/{executionId}": las.TransitionExecution,
    "/users/{userId}": las.User,
    "/workflows/{workflowId}": las.Workflow,
    "/workflows/{workflowId}/executions/{executionId}": las.WorkflowExecution,
    "/models/{modelId}/trainings/{trainingId}": las.Training,
    "/plans/{planId}": las.Plan,
    "/roles/{roleId}": las.Role,
    "/paymentMethods/{paymentMethodId}": las.PaymentMethod,
    "/deploymentEnvironments/{deploymentEnvironmentId}": las.DeploymentEnvironment,
    "/profiles/{profileId}": las.Profile,
}


def build(body: dict[str, Any], cls: type[Any]) -> Any:
    return cls._from_wire(body, None, full=True)


def _sent_conform(recorder: Recorder) -> None:
    contract = load_contract("2024-11-29")
    if contract is None:
        return
    for sent in recorder.api_requests:
        contract.validate_request(sent.method, sent.raw_path, sent.query, sent.json)


def test_every_resource_class_has_a_2024_answer() -> None:
    # A transformation has no GET: tests/entities reads the emulator's answers of its list and DELETE.
    resources = {las.Secret, las.Transformation, *CLASSES.values()}
    assert {
        cls for cls in vars(las).values() if isinstance(cls, type) and hasattr(cls, "_id_kind")
    } <= resources


@pytest.mark.parametrize("template", sorted(ANSWERS))
def test_the_answers_are_the_2024_contracts(template: str) -> None:
    contract = load_contract("2024-11-29")
    if contract is None:
        pytest.skip("oas-2024-11-29.json is not in ../shared/api (set LAS_SHARED_DIR)")
    contract.validate_response("GET", re.sub(r"\{\w+\}", "x", template), 200, ANSWERS[template])


@pytest.mark.parametrize("template", sorted(CLASSES))
def test_every_resource_class_reads_a_2024_answer_keeping_what_it_does_not_know(template: str) -> None:
    body = ANSWERS[template]
    obj = build(body, CLASSES[template])
    assert obj.id == body[wire_name(CLASSES[template], CLASSES[template]._id_field)]
    known = {key for key in body if key not in obj.extra}
    for key in known:  # every null of the answer reads None (or an empty default), never raises
        if body[key] is None:
            assert getattr(obj, re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key), None) in (
                None,
                [],
                {},
            )
    for key, value in obj.extra.items():
        assert body[key] == value


def test_new_enum_values_fields_and_forms_read_as_the_contract_gives_them() -> None:
    document = build(ANSWERS["/documents/{documentId}"], las.Document)
    assert document.content_type is None and document.extra["fileUrl"].startswith("https://")
    assert [item.value for item in document.ground_truth] == [12.5, None]
    model = build(ANSWERS["/models/{modelId}"], las.Model)
    assert model.id == NEW_MODEL and model.status == "inactive"
    assert model.field_config["total"] == las.FieldConfigEntry("numeric", None)
    assert model.field_config["items"].extra == {"fields": {"price": {"type": "amount", "maxLength": 10}}}
    assert model.preprocess_config == las.PreprocessConfig(extra={"pages": [0, -1], "rotation": 90})
    assert model.width is None and model.number_of_running_trainings == 0
    prediction = build(ANSWERS["/predictions/{predictionId}"], las.Prediction)
    assert prediction.model_id == ORG_MODEL
    first, lines = prediction.predictions
    assert (first.value, first.extra) == ("12.50", {"page": 0, "source": "llm", "rawValue": "12,50"})
    assert lines.value == [[{"label": "price", "value": "3", "confidence": 0.8}]] and lines.confidence is None
    assert build(ANSWERS["/models/{modelId}/dataBundles/{dataBundleId}"], las.DataBundle).status == "running"
    assert build(ANSWERS["/transitions/{transitionId}"], las.Transition).transition_type == "lambda"
    execution = build(ANSWERS["/workflows/{workflowId}/executions/{executionId}"], las.WorkflowExecution)
    assert (execution.status, execution.completed_by) == ("completed", [APP_CLIENT])
    assert build(SECRET_ANSWER, las.Secret).name is None


def test_an_empty_object_of_predictions_is_no_items_but_any_other_object_is_refused() -> None:
    body = {**ANSWERS["/predictions/{predictionId}"], "predictions": {}}
    assert build(body, las.Prediction).predictions == []
    with pytest.raises(WireError, match="predictions"):
        build({**body, "predictions": {"total": "12"}}, las.Prediction)


@pytest.mark.parametrize(
    ("template", "field", "value"),
    [
        ("/models/{modelId}", "numberOfDataBundles", "1"),
        ("/models/{modelId}", "modelId", 42),
        ("/documents/{documentId}", "groundTruth", [{"label": "total", "value": {"a": 1}}]),
        ("/predictions/{predictionId}", "predictions", [{"label": "total", "value": 12.5}]),
        ("/workflows/{workflowId}/executions/{executionId}", "status", ["completed"]),
        ("/datasets/{datasetId}", "retentionInDays", 7.5),
    ],
)
def test_a_present_field_of_the_wrong_type_still_raises(template: str, field: str, value: Any) -> None:
    with pytest.raises(WireError, match=field):
        build({**ANSWERS[template], field: value}, CLASSES[template])


def test_a_wrong_type_reaches_the_caller_as_invalid_response_error(
    session_2024: las.Session, recorder: Recorder
) -> None:
    recorder.reply(Reply(body={**ANSWERS["/models/{modelId}"], "numberOfDataBundles": "1"}))
    with pytest.raises(las.InvalidResponseError, match="numberOfDataBundles"):
        las.Model.get(NEW_MODEL, session=session_2024)


# --- the issue's two failures: requests for ids of the 2024 form ----------------------------------


def test_model_get_with_a_2024_model_id_sends_its_request(
    session_2024: las.Session, recorder: Recorder
) -> None:
    recorder.reply(Reply(body=ANSWERS["/models/{modelId}"]))
    model = las.Model.get("las:model:invoice-v2", session=session_2024)
    assert model.id == "las:model:invoice-v2" and model.status == "inactive"
    [sent] = recorder.api_requests
    assert (sent.method, sent.raw_path) == ("GET", "/models/las:model:invoice-v2")
    _sent_conform(recorder)


def test_document_predict_with_a_2024_model_and_the_organisations_model_it_answers(
    session_2024: las.Session, recorder: Recorder
) -> None:
    recorder.reply(
        Reply(body=ANSWERS["/predictions/{predictionId}"]),
        Reply(body={**ANSWERS["/models/{modelId}"], "modelId": "las:model:invoice", "name": "Invoices"}),
    )
    document = las.Document.ref(DOCUMENT, session=session_2024)
    prediction = document.predict(las.Model.ref("las:model:invoice-v2", session=session_2024))
    assert prediction.model_id == ORG_MODEL
    assert len(recorder.api_requests) == 1
    model = prediction.model  # loads the organisation's model, its id one path segment
    assert model.name == "Invoices"
    assert model.id == ORG_MODEL  # the answer leaves the prefix out: the object stays that model
    predict, load = recorder.api_requests
    assert (predict.method, predict.raw_path, predict.json) == (
        "POST",
        "/predictions",
        {"documentId": DOCUMENT, "modelId": "las:model:invoice-v2"},
    )
    assert (load.method, load.raw_path) == ("GET", "/models/las:organization:cradl%2Flas:model:invoice")
    _sent_conform(recorder)


@pytest.mark.parametrize(
    "hostile",
    ["", ".", "..", "las:model:..", "las:model:", "las:model:a/b", "las:model:%2F..", "las:model:a?x=1",
     "las:model:a#b", "las:model:a b", "las:model:a\nb", "las:organization:../las:model:x",
     "las:organization:x/las:model:..", "las:document:" + "0" * 32, "/models/x"],
)  # fmt: skip
def test_hostile_ids_are_still_refused_with_nothing_sent(
    session_2024: las.Session, recorder: Recorder, hostile: str
) -> None:
    with pytest.raises(las.InvalidIdError):
        las.Model.get(hostile, session=session_2024)
    with pytest.raises(las.InvalidIdError):
        las.Document.ref(DOCUMENT, session=session_2024).predict(hostile)
    assert recorder.requests == []


def test_the_issues_two_calls_against_the_2024_emulator(emulator_2024: Any, tmp_path: Any) -> None:
    """The same two calls against the 2024 emulator, whose public model answers predictions with
    its organisation's prefix; every API request the 2024 contract's."""
    with emulator_2024.session(cache_path=tmp_path / "cache.json") as session:
        assert las.Model.get("las:model:invoice-v2", session=session).id == "las:model:invoice-v2"
        document = las.Document.create(b"%PDF-1.4 an invoice", session=session)
        prediction = document.predict(las.Model.ref("las:model:invoice-v2", session=session))
        assert prediction.model_id == "las:organization:cradl/las:model:invoice-v2"
        assert prediction.model.id == prediction.model_id and prediction.model.name
    api = [
        sent
        for sent in emulator_2024.requests
        if sent.path != "/token" and not sent.path.startswith("/_files/")
    ]
    assert [(sent.method, sent.path, sent.status) for sent in api] == [
        ("GET", "/models/las:model:invoice-v2", 200),
        ("POST", "/documents", 200),
        ("POST", "/predictions", 200),
        ("GET", "/models/las:organization:cradl%2Flas:model:invoice-v2", 200),
    ]
    contract = load_contract("2024-11-29")
    if contract is not None:
        for sent in api:
            contract.validate_request(sent.method, sent.path, sent.query, sent.json)
