"""The other entities of the 2024-11-29 contract through the resource layer: plans, roles,
deployment environments, payment methods, profiles, organizations, transformations, one
prediction, app client and data bundle by id, and ``metadata`` wherever the contract has it."""

from __future__ import annotations

from typing import Any

import pytest

import las
from las.testing import Emulator

from .conftest import Sent

PLAN = "las:plan:free"
PREFIXED_PLAN = "las:organization:cradl/las:plan:professional:@latest"


# -- the read-only catalogues: get, list, filters, laziness ---------------------------------------


@pytest.mark.parametrize(
    ("cls", "path", "known"),
    [
        (las.Plan, "/plans", PLAN),
        (las.Role, "/roles", "las:role:admin"),
        (las.DeploymentEnvironment, "/deploymentEnvironments", "las:deployment-environment:shared"),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_a_catalogue_lists_gets_and_refs_with_one_request_each(
    cls: Any, path: str, known: str, session: las.Session, sent: Sent
) -> None:
    sent.clear()
    listed = list(cls.all(session=session))
    assert sent.calls == [("GET", path)]
    assert known in [item.id for item in listed] and all(isinstance(item, cls) for item in listed)
    names = [item.name for item in listed]  # listed objects carry every field: no request
    assert all(names) and len(sent.all) == 1 and not listed[0].loaded

    got = cls.get(known, session=session)
    ref = cls.ref(known, session=session)
    assert sent.calls[1:] == [("GET", f"{path}/{known}")]  # the ref sent nothing yet
    assert ref.name == got.name and ref.name == got.name  # one load, then held
    assert sent.calls[2:] == [("GET", f"{path}/{known}")] and ref.loaded and got.loaded
    assert cls.list(page_size=1, session=session).items[0].id == listed[0].id
    assert sent.last("GET").query == {"maxResults": ["1"]}


@pytest.mark.parametrize("cls", [las.Plan, las.DeploymentEnvironment])
def test_plans_and_environments_filter_by_owner(cls: Any, session: las.Session, sent: Sent) -> None:
    sent.clear()
    assert list(cls.all(owner="las:organization:elsewhere", session=session)) == []
    assert len(list(cls.all(owner="las:organization:cradl", session=session))) == 3
    assert [request.query for request in sent.all] == [
        {"owner": ["las:organization:elsewhere"]},
        {"owner": ["las:organization:cradl"]},
    ]


def test_a_plan_id_with_its_owner_and_version_is_one_path_segment(session: las.Session, sent: Sent) -> None:
    sent.clear()
    plan = las.Plan.get(PREFIXED_PLAN, session=session)
    assert plan.id == PREFIXED_PLAN and plan.name == "Professional" and plan.currency == "EUR"
    assert plan.latest == 3 and plan.available is True
    [request] = sent.all
    assert request.path == "/plans/las:organization:cradl%2Flas:plan:professional:%40latest"  # one segment


def test_a_role_has_its_permissions(session: las.Session) -> None:
    admin = las.Role.get("las:role:admin", session=session)
    assert admin.permissions and {"action", "effect", "resourceId"} <= set(admin.permissions[0])


# -- payment methods: every verb ----------------------------------------------------------------


def test_a_payment_method_is_created_got_listed_updated_and_deleted(session: las.Session, sent: Sent) -> None:
    sent.clear()
    method = las.PaymentMethod.create(name="card", description="the team's", session=session)
    got = las.PaymentMethod.get(method.id, session=session)
    listed = list(las.PaymentMethod.all(session=session))
    method.update(stripe_setup_intent_secret="seti_1_secret_2", name="visa")
    method.delete()

    path = f"/paymentMethods/{method.id}"
    assert sent.calls == [
        ("POST", "/paymentMethods"),
        ("GET", path),
        ("GET", "/paymentMethods"),
        ("PATCH", path),
        ("DELETE", path),
    ]
    assert sent.all[0].json == {"name": "card", "description": "the team's"}
    assert sent.all[3].json == {"stripeSetupIntentSecret": "seti_1_secret_2", "name": "visa"}
    assert got == method and listed == [method] and got.details is None
    assert method.name == "visa" and method.details and method.details["last4"] == "4242"
    assert "seti" not in repr(method)
    with pytest.raises(las.NotFoundError):
        las.PaymentMethod.get(method.id, session=session)


# -- organizations ------------------------------------------------------------------------------


def test_organizations_are_listed_created_and_change_plan_and_payment_method(
    session: las.Session, emulator: Emulator, sent: Sent
) -> None:
    method = las.PaymentMethod.create(name="card", session=session)
    sent.clear()

    created = las.Organization.create(name="acme", session=session)
    listed = [organization.id for organization in las.Organization.all(session=session)]
    me = las.Organization.me(session=session)
    me.update(plan=PREFIXED_PLAN, payment_method=method)
    plan, paying = me.plan, me.payment_method

    assert sent.calls[:3] == [
        ("POST", "/organizations"),
        ("GET", "/organizations"),
        ("GET", "/organizations/me"),
    ]
    assert sent.all[0].json == {"name": "acme"} and created.name == "acme"
    assert listed[0] == emulator.organization_id and created.id in listed
    assert sent.all[3].json == {"planId": PREFIXED_PLAN, "paymentMethodId": method.id}
    assert me.plan_id == "las:plan:professional" and me.payment_method_id == method.id  # as answered
    assert plan is not None and plan.name == "Professional" and paying == method
    assert sent.calls[4:] == [
        ("GET", "/plans/las:plan:professional"),
        ("GET", f"/paymentMethods/{method.id}"),
    ]
    assert me.plan is plan  # kept

    sent.clear()
    with pytest.raises(las.InvalidArgumentError, match="cannot clear payment_method"):
        me.update(payment_method=None)  # Client.update_organization leaves a None out, as 11.4.1's
    assert sent.all == []


# -- users and their profiles -------------------------------------------------------------------


def test_a_user_is_created_with_roles_and_metadata_and_has_a_profile(
    session: las.Session, sent: Sent
) -> None:
    sent.clear()
    user = las.User.create(
        "ada@example.com",
        roles=[las.Role.ref("las:role:admin", session=session)],
        metadata={"team": "ap"},
        session=session,
    )
    profile = user.profile
    again = user.profile
    user.update(roles=["las:role:viewer", "las:role:developer"], metadata={"team": "ar"})

    assert sent.all[0].json == {
        "email": "ada@example.com",
        "roleIds": ["las:role:admin"],
        "metadata": {"team": "ap"},
    }
    assert user.role_ids == ["las:role:viewer", "las:role:developer"] and user.metadata == {"team": "ar"}
    assert profile is again and isinstance(profile, las.Profile) and profile.email == "ada@example.com"
    assert sent.calls[1:] == [("GET", f"/profiles/{user.profile_id}"), ("PATCH", f"/users/{user.id}")]
    assert sent.all[2].json == {
        "roleIds": ["las:role:viewer", "las:role:developer"],
        "metadata": {"team": "ar"},
    }
    assert las.Profile.get(profile.id, session=session).email == "ada@example.com"


# -- one prediction, one app client, one data bundle by id --------------------------------------


def test_prediction_get_and_ref_on_2024(
    session: las.Session, model: las.Model, dataset: las.Dataset, sent: Sent
) -> None:
    document = next(iter(dataset.documents))
    made = document.predict(model)
    sent.clear()

    got = las.Prediction.get(made.id, session=session)
    ref = las.Prediction.ref(made.id, session=session)
    labels = ref.labels  # loads the ref, once

    assert sent.calls == [("GET", f"/predictions/{made.id}")] * 2
    assert got == made and got.loaded and got.status == "succeeded" and got.as_dict() == made.as_dict()
    assert labels == made.labels and ref.document_id == document.id and len(sent.all) == 2
    listed = las.Prediction.all(session=session).first()
    assert listed is not None and not listed.loaded and listed.refresh().loaded


def test_an_async_prediction_is_pending_then_succeeded_as_refresh_sees_it(
    session: las.Session, model: las.Model, dataset: las.Dataset, emulator: Emulator
) -> None:
    emulator.clock.freeze()
    document = next(iter(dataset.documents))
    client = las.Client(session=session)
    made = las.Prediction.ref(
        client.create_prediction(document.id, model.id, run_async=True)["predictionId"], session=session
    )
    assert made.status == "pending" and made.predictions == []
    emulator.clock.advance(5)
    assert made.refresh().status == "succeeded" and made.labels


def test_app_client_get_and_ref_on_2024(session: las.Session, sent: Sent) -> None:
    created = las.AppClient.create(name="robot", session=session)
    sent.clear()
    got = las.AppClient.get(created.id, session=session)
    assert got == created and got.name == "robot" and got.client_secret is None
    assert las.AppClient.ref(created.id, session=session).name == "robot"
    assert sent.calls == [("GET", f"/appClients/{created.id}")] * 2


def test_a_data_bundle_is_got_by_id_and_refreshed_as_it_progresses(
    model: las.Model, dataset: las.Dataset, emulator: Emulator, sent: Sent
) -> None:
    emulator.clock.freeze()
    bundle = model.data_bundles.create([dataset])
    sent.clear()

    got = model.data_bundles.get(bundle.id)
    emulator.clock.advance(30)
    bundle.refresh()

    path = f"/models/{model.id}/dataBundles/{bundle.id}"
    assert sent.calls == [("GET", path), ("GET", path)]
    assert got == bundle and got.status == "running" and got.loaded
    assert bundle.status == "succeeded" and bundle.datasets == [dataset]


# -- transformations ----------------------------------------------------------------------------


def test_a_transformation_removes_duplicates_on_the_emulators_clock(
    dataset: las.Dataset, emulator: Emulator, sent: Sent
) -> None:
    emulator.clock.freeze()
    sent.clear()

    transformation = dataset.transformations.create(["remove-duplicates"])
    running = [item.id for item in dataset.transformations.filter(status="running")]
    emulator.clock.advance(10)
    [done] = dataset.transformations
    the_dataset = done.dataset

    path = f"/datasets/{dataset.id}/transformations"
    assert sent.calls[:3] == [("POST", path), ("GET", path), ("GET", path)]
    assert sent.all[0].json == {"operations": [{"type": "remove-duplicates"}]}
    assert sent.all[1].query == {"status": ["running"]}
    assert transformation.status == "running" and running == [transformation.id]
    assert done == transformation and done.status == "succeeded" and done.is_final
    assert the_dataset == dataset and dataset.documents.count() == 1  # three copies of one file

    done.delete()
    assert sent.calls[-1] == ("DELETE", f"{path}/{transformation.id}")
    assert list(dataset.transformations) == []


@pytest.mark.parametrize(
    "operations",
    ["remove-duplicates", [], [{"options": {}}], [{"type": ""}]],
    ids=["a string", "none", "no type", "empty type"],
)
def test_a_transformation_without_operations_is_refused_before_any_request(
    operations: Any, dataset: las.Dataset, sent: Sent
) -> None:
    sent.clear()
    with pytest.raises(las.InvalidArgumentError, match="operation"):
        dataset.transformations.create(operations)
    assert sent.all == []


# -- metadata -----------------------------------------------------------------------------------


def test_metadata_is_sent_and_read_wherever_the_contract_has_it(
    session: las.Session, emulator: Emulator, sent: Sent
) -> None:
    sent.clear()
    dataset = las.Dataset.create(name="d", metadata={"a": 1}, session=session)
    dataset.update(metadata={"a": 2})
    document = las.Document.create(b"%PDF-1.4 x", dataset=dataset, metadata={"b": 0}, session=session)
    document.update(metadata={"b": 1})
    listed = dataset.documents.create(b"%PDF-1.4 y", metadata={"e": 1})
    model = las.Model.create({"total": {"type": "amount"}}, metadata={"c": 1}, session=session)
    model.update(metadata={"c": 2})
    transition = las.Transition.create("manual", session=session)
    specification = {
        "language": "ASL",
        "version": "1.0.0",
        "definition": {
            "StartAt": "t",
            "States": {"t": {"Type": "Task", "Resource": transition.id, "End": True}},
        },
    }
    workflow = las.Workflow.create(specification, metadata={"d": 1}, session=session)
    workflow.update(metadata={"d": 2})

    bodies = [request.json.get("metadata") for request in sent.all if request.method in ("POST", "PATCH")]
    assert bodies == [
        {"a": 1},
        {"a": 2},
        {"b": 0},
        {"b": 1},
        {"e": 1},
        {"c": 1},
        {"c": 2},
        None,
        {"d": 1},
        {"d": 2},
    ]
    assert listed.metadata == {"e": 1} and las.Document.get(document.id, session=session).metadata == {"b": 1}
    assert (dataset.metadata, document.metadata, model.metadata, workflow.metadata) == (
        {"a": 2},
        {"b": 1},
        {"c": 2},
        {"d": 2},
    )
    assert las.Workflow.get(workflow.id, session=session).metadata == {"d": 2}


@pytest.mark.parametrize(
    ("cls", "body"),
    [
        (las.Dataset, {"datasetId": "las:dataset:" + "a" * 32, "name": "d"}),
        (las.Document, {"documentId": "las:document:" + "a" * 32, "contentType": "application/pdf"}),
        (las.Model, {"modelId": "las:model:" + "a" * 32, "width": 300, "height": 300, "fieldConfig": {}}),
        (las.Workflow, {"workflowId": "las:workflow:" + "a" * 32, "name": "w"}),
        (las.User, {"userId": "las:user:" + "a" * 32, "email": "a@example.com"}),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else None,
)
def test_a_2021_answer_without_metadata_reads_none(cls: Any, body: dict[str, Any]) -> None:
    built = cls._from_wire(body, None)
    assert built.metadata is None and built.extra == {}
    with pytest.raises(las.InvalidResponseError, match="metadata"):
        cls._from_answer("get", las.RawResponse({**body, "metadata": "not an object"}, None), None)
