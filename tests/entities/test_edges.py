"""The edges of the 2024-11-29 entities: hostile ids in answers, answers that are not the
contract's, what the service may add tomorrow, pickling, and each verb on the other variant."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest

import las
from las.testing import Emulator

from .conftest import Sent

HEX = "a" * 32
TRAINING = {"trainingId": f"las:model-training:{HEX}", "modelId": f"las:model:{HEX}", "status": "running"}
HOSTILE = ["", ".", "..", "/", "%2F", "las:model:../x", "las:model:a/b"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_parent_id_in_an_answer_is_refused_before_any_request(
    hostile: str, session: las.Session, sent: Sent
) -> None:
    client = las.Client(session=session)
    training = las.Training._from_wire({**TRAINING, "modelId": hostile}, client)
    transformation = las.Transformation._from_wire(
        {"transformationId": f"las:dataset-transformation:{HEX}", "datasetId": hostile}, client
    )
    user = las.User._from_wire({"userId": f"las:user:{HEX}", "profileId": hostile or "."}, client)
    sent.clear()
    verbs: list[Callable[[], Any]] = [
        training.refresh,
        training.cancel,
        lambda: training.update(name="x"),
        lambda: training.model,
        transformation.delete,
        lambda: transformation.dataset,
        lambda: user.profile,
    ]
    for verb in verbs:
        with pytest.raises(las.InvalidIdError):
            verb()
    assert sent.all == []


@pytest.mark.parametrize(
    ("cls", "body", "field"),
    [
        (las.Training, {**TRAINING, "gpuHours": "2"}, "gpuHours"),
        (las.Training, {**TRAINING, "evaluation": []}, "evaluation"),
        (las.Training, {**TRAINING, "dataBundleIds": "las:model-data-bundle:x"}, "dataBundleIds"),
        (las.Plan, {"planId": "las:plan:free", "available": "yes"}, "available"),
        (las.PaymentMethod, {"paymentMethodId": f"las:payment-method:{HEX}", "details": "visa"}, "details"),
        (las.Role, {"roleId": "las:role:admin", "permissions": {}}, "permissions"),
        (
            las.Transformation,
            {"transformationId": "las:dataset-transformation:x", "datasetId": 1},
            "datasetId",
        ),
        (
            las.DeploymentEnvironment,
            {"deploymentEnvironmentId": "x", "modelDeploymentUnits": 1.5},
            "modelDeploymentUnits",
        ),
        (las.Profile, {"profileId": f"las:profile:{HEX}", "createdTime": "yesterday"}, "createdTime"),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_a_field_of_the_wrong_type_is_an_invalid_response_never_repaired(
    cls: Any, body: dict[str, Any], field: str
) -> None:
    with pytest.raises(las.InvalidResponseError, match=field):
        cls._from_answer("get", las.RawResponse(body, None), None)


def test_what_the_service_may_add_is_kept(session: las.Session) -> None:
    training = las.Training._from_wire(
        {**TRAINING, "status": "queued-for-gpu", "gpuHours": None, "priority": 3, "evaluation": {"f1": 0.9}},
        None,
    )
    assert training.status == "queued-for-gpu" and not training.is_final  # an unknown status stays its string
    assert (
        training.extra == {"priority": 3}
        and training.gpu_hours is None
        and training.evaluation == {"f1": 0.9}
    )
    assert training.to_dict()["priority"] == 3


def test_the_new_objects_pickle_as_their_data(
    model: las.Model, bundle: las.DataBundle, dataset: las.Dataset, session: las.Session
) -> None:
    training = model.train(bundle)
    transformation = dataset.transformations.create(["remove-duplicates"])
    plan = las.Plan.get("las:plan:free", session=session)
    for obj in (training, transformation, plan):
        again = pickle.loads(pickle.dumps(obj))
        assert again == obj and again.to_dict() == obj.to_dict() and again.loaded == obj.loaded
    assert pickle.loads(pickle.dumps(training)).status == training.status


def test_an_empty_list_of_data_bundles_is_refused_before_any_request(model: las.Model, sent: Sent) -> None:
    sent.clear()
    with pytest.raises(las.InvalidArgumentError, match="at least one data bundle"):
        model.train([])
    assert sent.all == []


@pytest.mark.asyncio
async def test_a_sync_verb_on_an_async_object_names_its_twin_and_sends_nothing(
    async_session: las.AsyncSession, emulator: Emulator, sent: Sent
) -> None:
    client = las.AsyncClient(session=async_session)
    training = las.Training._from_wire(TRAINING, client)
    model = las.Model.ref(f"las:model:{HEX}", session=async_session)
    organization = las.Organization._from_wire(
        {"organizationId": f"las:organization:{HEX}", "planId": "las:plan:free"}, client
    )
    sent.clear()
    cases: list[tuple[Callable[[], Any], str]] = [
        (training.cancel, r"await training\.cancel_async\("),
        (training.refresh, r"await training\.refresh_async\("),
        (lambda: model.train(f"las:model-data-bundle:{HEX}"), r"await model\.train_async\("),
        (lambda: model.trainings.get(f"las:model-training:{HEX}"), r"\.get_async\("),
        (lambda: model.data_bundles.get(f"las:model-data-bundle:{HEX}"), r"\.get_async\("),
        (lambda: las.PaymentMethod.create(session=async_session), r"await PaymentMethod\.create_async\("),  # type: ignore[arg-type]
        (lambda: las.Plan.get("las:plan:free", session=async_session), r"await Plan\.get_async\("),  # type: ignore[arg-type]
    ]
    for verb, twin in cases:
        with pytest.raises(TypeError, match=twin):
            verb()
    with pytest.raises(las.NotLoadedError, match=r"await organization\.plan_async\(\)"):
        organization.plan  # noqa: B018
    assert sent.all == []


@pytest.mark.asyncio
async def test_an_awaited_verb_on_a_sync_object_names_the_sync_verb(
    model: las.Model, bundle: las.DataBundle, sent: Sent
) -> None:
    training = model.train(bundle)
    sent.clear()
    with pytest.raises(TypeError, match=r"call training\.cancel\(\.\.\.\)"):
        await training.cancel_async()
    with pytest.raises(TypeError, match=r"call model\.train\(\.\.\.\)"):
        await model.train_async(bundle)
    assert sent.all == []


def test_a_prediction_item_without_confidence_is_read_and_ranked_last() -> None:
    # 2024-11-29: a lines field's item carries its lines and a null confidence.
    lines = [[{"label": "text", "value": "acme", "confidence": 0.5}]]
    prediction = las.Prediction._from_wire(
        {
            "predictionId": f"las:prediction:{HEX}",
            "documentId": f"las:document:{HEX}",
            "modelId": f"las:model:{HEX}",
            "predictions": [
                {"label": "line_items", "value": lines, "confidence": None},
                {"label": "total", "value": "1.00", "confidence": None},
                {"label": "total", "value": "2.00", "confidence": 0.1},
            ],
        },
        None,
    )
    assert prediction.as_dict() == {"line_items": lines, "total": "2.00"}
    assert prediction["line_items"].confidence is None and prediction.confidences()["line_items"] is None
    assert [item.value for item in prediction.items_for("total")] == ["2.00", "1.00"]
