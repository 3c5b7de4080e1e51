"""The awaited twins of the 2024-11-29 entities' verbs: each sends what its sync verb sends (read
from the emulator's request log) and builds the same objects; an async object sends nothing on
attribute access."""

from __future__ import annotations

from pathlib import Path

import pytest

import las
from las.testing import Emulator

from .conftest import FIELDS, Sent, _credentials

pytestmark = pytest.mark.asyncio


async def test_a_model_is_created_trained_and_followed_awaited(
    async_session: las.AsyncSession, emulator: Emulator, sent: Sent
) -> None:
    emulator.clock.freeze()
    dataset = await las.Dataset.create_async(name="d", metadata={"a": 1}, session=async_session)
    emulator.seed_documents(2, dataset_id=dataset.id)
    model = await las.Model.create_async(FIELDS, name="m", metadata={"b": 1}, session=async_session)
    bundle = await model.data_bundles.create_async([dataset])
    got_bundle = await model.data_bundles.get_async(bundle.id)
    emulator.clock.advance(30)
    await bundle.refresh_async()
    sent.clear()

    training = await model.train_async(bundle, name="first", metadata={"c": 1})
    other = await model.trainings.create_async([bundle.id], warm_start=training)
    got = await model.trainings.get_async(training.id)
    listed = [item async for item in model.trainings]
    with pytest.raises(las.NotLoadedError, match=r"await training\.model_async\(\)"):
        training.model  # noqa: B018 - a relation is never loaded on attribute access
    owner = await training.model_async()
    await other.cancel_async()
    statuses = []
    for seconds in (60, 60, 3600, 180):
        emulator.clock.advance(seconds)
        statuses.append((await training.refresh_async()).status)
    await training.update_async(name="renamed")

    trainings = f"/models/{model.id}/trainings"
    assert sent.calls == [
        ("POST", trainings),
        ("POST", trainings),
        ("GET", f"{trainings}/{training.id}"),
        ("GET", trainings),
        ("GET", f"/models/{model.id}"),
        ("PATCH", f"{trainings}/{other.id}"),
        *[("GET", f"{trainings}/{training.id}")] * 4,
        ("PATCH", f"{trainings}/{training.id}"),
    ]
    assert sent.all[0].json == {"dataBundleIds": [bundle.id], "name": "first", "metadata": {"c": 1}}
    assert sent.all[1].json == {"dataBundleIds": [bundle.id], "warmStartConfig": {"trainingId": training.id}}
    assert (dataset.metadata, model.metadata, model.width) == ({"a": 1}, {"b": 1}, None)
    assert got_bundle.status == "running" and bundle.status == "succeeded"
    assert got == training and got.loaded and listed == [training, other] and owner == model
    assert other.status == "cancelled"
    assert statuses == ["pending", "running", "running-final-evaluation", "succeeded"]
    assert training.is_final and training.name == "renamed" and training.session is async_session


async def test_a_succeeded_training_is_deployed_and_predicts_awaited(
    async_session: las.AsyncSession, emulator: Emulator, sent: Sent
) -> None:
    dataset = await las.Dataset.create_async(session=async_session)
    [document_id] = emulator.seed_documents(1, dataset_id=dataset.id)
    model = await las.Model.create_async(FIELDS, session=async_session)
    training = await model.train_async(await model.data_bundles.create_async([dataset]))
    emulator.clock.advance(3930)
    environment = await las.DeploymentEnvironment.get_async(
        "las:deployment-environment:shared", session=async_session
    )
    sent.clear()

    await training.update_async(deployment_environment=environment)
    deployed = await training.deployment_environment_async()
    await model.update_async(training=training)
    document = await las.Document.get_async(document_id, session=async_session)
    made = await document.predict_async(model, training=training)
    again = await las.Prediction.get_async(made.id, session=async_session)
    ref = las.Prediction.ref(made.id, session=async_session)
    with pytest.raises(las.NotLoadedError, match=r"load_async\(\)"):
        ref.labels  # noqa: B018 - an async ref loads nothing on a read
    await ref.load_async()

    assert deployed == environment and training.deployment_environment is deployed  # kept
    assert model.training_id == training.id and made.training_id == training.id
    assert again == made and again.as_dict() == made.as_dict() and ref.labels == made.labels
    assert sent.calls[-2:] == [("GET", f"/predictions/{made.id}")] * 2


@pytest.mark.parametrize(
    ("cls", "path", "known"),
    [
        (las.Plan, "/plans", "las:plan:free"),
        (las.Role, "/roles", "las:role:viewer"),
        (las.DeploymentEnvironment, "/deploymentEnvironments", "las:deployment-environment:dedicated-eu"),
    ],
    ids=["Plan", "Role", "DeploymentEnvironment"],
)
async def test_a_catalogue_awaited(
    cls: type[las.Plan] | type[las.Role] | type[las.DeploymentEnvironment],
    path: str,
    known: str,
    async_session: las.AsyncSession,
    sent: Sent,
) -> None:
    sent.clear()
    page = await cls.list_async(page_size=2, session=async_session)
    walked = [item.id async for item in cls.all(session=async_session)]
    got = await cls.get_async(known, session=async_session)
    ref = cls.ref(known, session=async_session)
    with pytest.raises(las.NotLoadedError, match=r"load_async\(\)"):
        ref.name  # noqa: B018
    await ref.load_async()

    assert sent.calls == [
        ("GET", path),
        ("GET", path),
        ("GET", f"{path}/{known}"),
        ("GET", f"{path}/{known}"),
    ]
    assert len(page.items) == 2 and known in walked and got.loaded and ref.name == got.name


async def test_payment_methods_organizations_users_and_profiles_awaited(
    async_session: las.AsyncSession, emulator: Emulator, sent: Sent
) -> None:
    sent.clear()
    method = await las.PaymentMethod.create_async(name="card", session=async_session)
    fetched = await las.PaymentMethod.get_async(method.id, session=async_session)
    await method.update_async(stripe_setup_intent_secret="seti_9_secret_9")
    organization = await las.Organization.create_async(name="acme", session=async_session)
    listed = [item.id async for item in las.Organization.all(session=async_session)]
    me = await las.Organization.me_async(session=async_session)
    await me.update_async(plan="las:plan:enterprise", payment_method=method)
    plan = await me.plan_async()
    paying = await me.payment_method_async()
    user = await las.User.create_async("grace@example.com", roles=["las:role:viewer"], session=async_session)
    profile = await user.profile_async()
    same = await las.Profile.get_async(profile.id if profile else "", session=async_session)
    spare = await las.PaymentMethod.create_async(session=async_session)
    await spare.delete_async()  # the organization's own cannot be deleted

    posts = [(request.path, request.json) for request in sent.all if request.method == "POST"]
    assert posts == [
        ("/paymentMethods", {"name": "card"}),
        ("/organizations", {"name": "acme"}),
        ("/users", {"email": "grace@example.com", "roleIds": ["las:role:viewer"]}),
        ("/paymentMethods", {}),
    ]
    assert fetched == method and method.details is not None and organization.id in listed
    assert plan is not None and plan.id == "las:plan:enterprise" and paying == method
    assert profile is not None and profile.email == "grace@example.com" and same == profile
    assert sent.calls[-1] == ("DELETE", f"/paymentMethods/{spare.id}")
    assert (
        await las.AppClient.get_async(emulator.app_client_id, session=async_session)
    ).id == emulator.app_client_id


async def test_transformations_awaited(
    async_session: las.AsyncSession, emulator: Emulator, sent: Sent
) -> None:
    emulator.clock.freeze()
    dataset = await las.Dataset.create_async(session=async_session)
    emulator.seed_documents(2, dataset_id=dataset.id)
    sent.clear()

    transformation = await dataset.transformations.create_async(
        [{"type": "remove-duplicates", "options": {}}]
    )
    running = [item async for item in dataset.transformations.filter(status="running")]
    emulator.clock.advance(10)
    done = await dataset.transformations.first_async()
    transformed = await transformation.dataset_async()
    await transformation.delete_async()

    path = f"/datasets/{dataset.id}/transformations"
    assert sent.calls == [
        ("POST", path),
        ("GET", path),
        ("GET", path),
        ("GET", f"/datasets/{dataset.id}"),
        ("DELETE", f"{path}/{transformation.id}"),
    ]
    assert running == [transformation] and done is not None and done.status == "succeeded"
    assert transformed == dataset and await dataset.documents.count_async() == 1


async def test_what_only_2024_has_is_refused_awaited_on_2021_before_anything_is_sent(
    emulator: Emulator, tmp_path: Path
) -> None:
    async with las.AsyncSession(_credentials(emulator, tmp_path, "2021-09-23")) as old:
        with pytest.raises(las.NotInContractError, match=r"Prediction\.all\(\)"):
            await las.Prediction.get_async("las:prediction:" + "a" * 32, session=old)
        with pytest.raises(las.NotInContractError, match="DataBundle by id"):
            await las.Model.ref("las:model:" + "a" * 32, session=old).data_bundles.get_async(
                "las:model-data-bundle:" + "a" * 32
            )
        with pytest.raises(las.ContractError, match="create_training"):
            await las.Model.ref("las:model:" + "a" * 32, session=old).train_async(
                "las:model-data-bundle:" + "a" * 32
            )
        with pytest.raises(las.ContractError, match="metadata"):
            await las.Dataset.create_async(metadata={"a": 1}, session=old)
    assert emulator.requests == []
