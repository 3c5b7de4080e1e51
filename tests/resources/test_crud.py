"""Create, get, refresh, list, update and delete, per class, against the emulator."""

from __future__ import annotations

import pytest

import las
from las.exceptions import NotFoundError
from las.resources import (
    AppClient,
    Asset,
    Dataset,
    Document,
    FieldConfigEntry,
    Model,
    Organization,
    Prediction,
    PreprocessConfig,
    Secret,
    Transition,
    User,
    Workflow,
)

from .conftest import PDF, Requests


def test_document_create_get_list_update_delete(session: las.Session, dataset: Dataset) -> None:
    document = Document.create(
        PDF, "application/pdf", dataset=dataset, ground_truth={"total_amount": "1.00"}, session=session
    )
    assert document.id.startswith("las:document:")
    assert document.dataset_id == dataset.id
    assert document.content_type == "application/pdf"
    assert document.ground_truth_dict() == {"total_amount": "1.00"}

    fetched = Document.get(document.id, session=session)
    assert fetched == document and fetched is not document
    assert fetched.content == PDF
    assert document in list(Document.all(session=session))

    document.update(ground_truth=[{"label": "total_amount", "value": "2.00"}])
    assert document.ground_truth_dict() == {"total_amount": "2.00"}

    document.delete()
    with pytest.raises(NotFoundError):
        Document.get(document.id, session=session)


def test_document_created_without_a_dataset_has_none(session: las.Session) -> None:
    document = Document.create(PDF, session=session)
    assert document.dataset_id is None
    assert document.dataset is None


def test_refresh_takes_the_server_state(session: las.Session, document: Document) -> None:
    other_view = Document.get(document.id, session=session)
    other_view.update(ground_truth={"total_amount": "9.99"})
    assert document.refresh() is document
    assert document.ground_truth_dict() == {"total_amount": "9.99"}


def test_dataset_crud_and_delete_with_documents(session: las.Session) -> None:
    dataset = Dataset.create(name="a", description="b", session=session)
    assert (dataset.name, dataset.description) == ("a", "b")
    assert dataset.number_of_documents == 0
    dataset.documents.create(PDF)
    assert Dataset.get(dataset, session=session).number_of_documents == 1
    dataset.update(name="renamed")
    assert dataset.name == "renamed"
    assert [d.name for d in Dataset.all(session=session)] == ["renamed"]
    dataset.delete(delete_documents=True)
    assert list(Document.all(session=session)) == []
    with pytest.raises(NotFoundError):
        dataset.refresh()


@pytest.mark.las_contract("2021-09-23")  # width and height; 2024's models: tests/entities
def test_model_crud(session: las.Session) -> None:
    model = Model.create(
        300,
        400,
        {"total_amount": FieldConfigEntry("amount", 20, description="the total")},
        preprocess_config=PreprocessConfig(max_pages=2, auto_rotate=True, image_quality="HIGH"),
        name="invoices",
        description="first try",
        session=session,
    )
    assert (model.width, model.height, model.name) == (300, 400, "invoices")
    assert model.field_config["total_amount"] == FieldConfigEntry("amount", 20, description="the total")
    assert model.preprocess_config == PreprocessConfig(max_pages=2, auto_rotate=True, image_quality="HIGH")
    model.update(field_config={"due_date": FieldConfigEntry("date", 10)}, width=500)
    assert list(model.field_config) == ["due_date"] and model.width == 500
    assert Model.get(model.id, session=session).width == 500
    assert Model.list(session=session).items == [model]
    model.delete()
    with pytest.raises(NotFoundError):
        Model.get(model.id, session=session)


def test_data_bundle_create_list_update_delete(model: Model, dataset: Dataset) -> None:
    bundle = model.data_bundles.create([dataset], name="bundle", description="v1")
    assert bundle.id.startswith("las:model-data-bundle:")
    assert bundle.model_id == model.id
    assert bundle.datasets == [dataset]
    assert list(model.data_bundles) == [bundle]
    bundle.update(name="bundle v2")
    assert bundle.name == "bundle v2"
    bundle.delete()
    assert list(model.data_bundles) == []


def test_prediction_create_and_list(document: Document, model: Model, session: las.Session) -> None:
    prediction = document.predict(model)
    assert prediction.document_id == document.id and prediction.model_id == model.id
    assert set(prediction.labels) == {"total_amount", "due_date"}
    assert prediction["total_amount"].label == "total_amount"
    assert 0 <= prediction["total_amount"].confidence <= 1
    assert prediction.item_for("no_such_label") is None
    assert "due_date" in prediction
    assert set(prediction.as_dict()) == {"total_amount", "due_date"}
    with pytest.raises(KeyError, match="no prediction for label 'nope'"):
        prediction["nope"]
    assert list(Prediction.all(session=session)) == [prediction]
    assert model.predict(document).model_id == model.id


def test_workflow_crud(session: las.Session) -> None:
    transition = Transition.create("docker", parameters={"imageUrl": "example/image:1"}, session=session)
    specification = {
        "language": "ASL",
        "version": "1.0.0",
        "definition": {
            "StartAt": "step",
            "States": {"step": {"Type": "Task", "Resource": transition.id, "End": True}},
        },
    }
    workflow = Workflow.create(
        specification, name="flow", error_config={"email": "ops@example.com"}, session=session
    )
    assert workflow.name == "flow"
    assert workflow.error_config is not None and workflow.error_config.email == "ops@example.com"
    workflow.update(description="described")
    assert Workflow.get(workflow.id, session=session).description == "described"
    assert list(Workflow.all(session=session)) == [workflow]
    workflow.delete()
    with pytest.raises(NotFoundError):
        workflow.refresh()


@pytest.mark.las_contract("2021-09-23")  # transitions' JSON schemas (test_transition_crud_by_name: both)
def test_transition_crud(session: las.Session) -> None:
    transition = Transition.create(
        "manual", input_json_schema={"type": "object"}, name="review", session=session
    )
    assert transition.transition_type == "manual"
    assert transition.input_json_schema == {"type": "object"}
    transition.update(name="review v2", output_json_schema={"type": "object", "required": ["ok"]})
    assert transition.name == "review v2"
    assert transition.output_json_schema == {"type": "object", "required": ["ok"]}
    assert Transition.all(transition_type="manual", session=session).first() == transition
    assert Transition.all(transition_type="docker", session=session).first() is None
    transition.delete()
    with pytest.raises(NotFoundError):
        Transition.get(transition.id, session=session)


def test_transition_crud_by_name(session: las.Session) -> None:
    transition = Transition.create("manual", name="review", description="by a person", session=session)
    assert (transition.transition_type, transition.name) == ("manual", "review")
    transition.update(name="review v2")
    assert Transition.get(transition.id, session=session).name == "review v2"
    assert Transition.all(transition_type="manual", session=session).first() == transition
    assert Transition.all(transition_type="docker", session=session).first() is None
    transition.delete()
    with pytest.raises(NotFoundError):
        Transition.get(transition.id, session=session)


def test_asset_crud(session: las.Session) -> None:
    asset = Asset.create(b"<html></html>", name="ui", session=session)
    assert Asset.get(asset.id, session=session).content == b"<html></html>"
    asset.update(content=b"<html>v2</html>", description="second")
    assert asset.description == "second"
    assert Asset.get(asset.id, session=session).content == b"<html>v2</html>"
    assert list(Asset.all(session=session)) == [asset]
    asset.delete()
    with pytest.raises(NotFoundError):
        Asset.get(asset.id, session=session)


def test_secret_create_list_update_delete(session: las.Session) -> None:
    secret = Secret.create({"username": "u", "password": "hunter2"}, name="registry", session=session)
    assert secret.name == "registry"
    assert "hunter2" not in repr(secret) and "hunter2" not in str(secret.to_dict())
    secret.update(data={"username": "u", "password": "changed"}, description="rotated")
    assert secret.description == "rotated"
    assert list(Secret.all(session=session)) == [secret]
    secret.delete()
    assert list(Secret.all(session=session)) == []


@pytest.mark.las_contract("2021-09-23")  # users' names; 2024's users (roles, no name): tests/entities
def test_user_crud(session: las.Session, las_emulator: object) -> None:
    user = User.create("jane@example.com", name="Jane", session=session)
    assert user.email == "jane@example.com"
    user.update(name="Jane D.")
    assert User.get(user.id, session=session).name == "Jane D."
    assert user in list(User.all(session=session))
    user.delete()
    with pytest.raises(NotFoundError):
        user.refresh()


def test_app_client_create_list_update_delete(session: las.Session) -> None:
    app_client = AppClient.create(name="backend", session=session)
    assert app_client.client_secret
    assert app_client.client_secret not in repr(app_client)
    app_client.update(description="our backend")
    assert app_client.description == "our backend"
    assert app_client in list(AppClient.all(session=session))
    app_client.delete()
    assert app_client not in list(AppClient.all(session=session))


def test_organization_get_and_update(session: las.Session, las_emulator: object) -> None:
    organization_id = las_emulator.organization_id  # type: ignore[attr-defined]
    organization = Organization.get(organization_id, session=session)
    assert organization.id == organization_id
    assert isinstance(organization.number_of_models_allowed, int)
    organization.update(name="Acme")
    assert Organization.get(organization_id, session=session).name == "Acme"


def test_organization_me_is_the_callers_own(
    session: las.Session, las_emulator: object, api: Requests
) -> None:
    organization = Organization.me(session=session)
    assert organization.id == las_emulator.organization_id  # type: ignore[attr-defined]
    assert organization.loaded and api.calls == [("GET", "/organizations/me")]
    organization.update(description="ours")  # by its id from then on
    assert api.calls[-1] == ("PATCH", f"/organizations/{organization.id}")


def test_operations_neither_contract_has_are_not_there() -> None:
    assert not hasattr(Prediction, "delete") and not hasattr(Prediction, "update")
    assert not hasattr(Organization, "delete")
    assert not hasattr(las.resources.DataBundle, "get")  # model.data_bundles.get(id): it needs its model
    assert not hasattr(las.Training, "delete") and not hasattr(las.Training, "get")
    assert not hasattr(las.Transformation, "update") and not hasattr(las.Transformation, "refresh")
    for catalogue in (las.Plan, las.Role, las.DeploymentEnvironment):
        assert not any(hasattr(catalogue, verb) for verb in ("create", "update", "delete")), catalogue
    assert not hasattr(las.Profile, "all") and not hasattr(las.Profile, "update")


@pytest.mark.parametrize(
    ("cls", "kind"), [(Secret, "secret"), (AppClient, "app-client"), (Prediction, "prediction")]
)
@pytest.mark.las_contract("2021-09-23")
def test_get_by_id_where_the_contract_has_none_says_how_to_find_one(
    cls: type, kind: str, api: Requests
) -> None:
    with pytest.raises(
        las.NotSupportedError,
        match=rf"no way to get one {cls.__name__} by id\b.*find it in {cls.__name__}\.all\(\)",
    ):
        cls.get(f"las:{kind}:" + "0" * 32)
    assert len(api) == 0


def test_equality_and_hash_are_by_class_and_id(document: Document, session: las.Session) -> None:
    again = Document.get(document.id, session=session)
    assert again == document and hash(again) == hash(document)
    assert len({document, again}) == 1
    assert document != Dataset.ref(document.dataset_id or "", session=session)


def test_repr_shows_class_id_and_name(model: Model) -> None:
    assert repr(model) == f"Model(id={model.id!r}, name='invoices')"


def test_attributes_are_read_only(model: Model) -> None:
    with pytest.raises(AttributeError):
        model.name = "changed"  # type: ignore[misc]


def test_update_refuses_fields_it_cannot_change_before_any_request(model: Model, api: Requests) -> None:
    with pytest.raises(TypeError, match="cannot change model_id"):
        model.update(model_id="x")
    assert len(api) == 0
