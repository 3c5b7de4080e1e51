"""Models and their trainings on the 2024-11-29 contract, through the resource layer: what each
verb sends (read from the emulator's request log), what it builds, laziness, and a training
progressing on the emulator's clock as ``training.refresh()`` sees it."""

from __future__ import annotations

import pytest

import las
from las.testing import Emulator

from .conftest import FIELDS, Sent

SCHEDULE = [  # (seconds to advance, status then), from the emulator's documented schedule
    (0, "preparing"),
    (60, "pending"),
    (60, "running"),
    (3600, "running-final-evaluation"),
    (180, "succeeded"),
]


def test_model_create_takes_the_2024_shape_and_sends_no_size(session: las.Session, sent: Sent) -> None:
    sent.clear()
    lines = {
        "type": "lines",
        "fields": {"amount": {"type": "amount"}, "text": {"type": "string", "maxLength": 64}},
    }
    model = las.Model.create(
        {**FIELDS, "items": lines, "currency": {"type": "enum", "enum": ["EUR", "NOK"]}},
        name="invoices",
        metadata={"team": "ap"},
        preprocess_config={"maxPages": 3},
        session=session,
    )

    [post] = sent.all
    assert (post.method, post.path) == ("POST", "/models")
    assert "width" not in post.json and "height" not in post.json
    assert post.json["metadata"] == {"team": "ap"} and post.json["preprocessConfig"] == {"maxPages": 3}
    assert post.json["fieldConfig"]["items"] == lines
    assert model.metadata == {"team": "ap"} and model.width is None and model.height is None
    assert model.field_config["items"].type == "lines" and model.field_config["items"].extra["fields"]


@pytest.mark.parametrize(
    ("field_config", "message"),
    [
        (
            {"total": {"type": "alphanum", "maxLength": 5}},
            r"type must be one of .*\(the API contract 2024-11-29\)",
        ),
        ({"total": {"type": "string", "maxLength": 2000}}, r"maxLength must be an int from 1 to 1024"),
        ({"items": {"type": "lines"}}, r"of type 'lines' needs 'fields'"),
        (
            {"items": {"type": "lines", "fields": {"inner": {"type": "lines"}}}},
            r"\['fields'\]\['inner'\] type",
        ),
    ],
)
def test_model_create_checks_the_2024_field_config_before_any_request(
    field_config: dict[str, object], message: str, session: las.Session, sent: Sent
) -> None:
    sent.clear()
    with pytest.raises(las.InvalidArgumentError, match=message):
        las.Model.create(field_config, session=session)
    assert sent.all == []


def test_train_posts_one_training_and_builds_it_from_the_answer(
    model: las.Model, bundle: las.DataBundle, session: las.Session, sent: Sent
) -> None:
    sent.clear()
    training = model.train(
        bundle,
        name="first",
        metadata={"ticket": 7},
        instance_type="medium-gpu",
        data_scientist_assistance=False,
    )

    [post] = sent.all
    assert (post.method, post.path) == ("POST", f"/models/{model.id}/trainings")
    assert post.json == {
        "dataBundleIds": [bundle.id],
        "name": "first",
        "metadata": {"ticket": 7},
        "instanceType": "medium-gpu",
        "dataScientistAssistance": False,
    }
    assert isinstance(training, las.Training) and training.id.startswith("las:model-training:")
    assert training.model_id == model.id and training.data_bundle_ids == [bundle.id]
    assert training.status == "preparing" and not training.is_final and training.gpu_hours is None
    assert training.metadata == {"ticket": 7} and training.instance_type == "medium-gpu"
    assert training.session is session and training.last_response_info is not None


def test_train_takes_several_bundles_and_a_warm_start(
    model: las.Model, bundle: las.DataBundle, dataset: las.Dataset, emulator: Emulator, sent: Sent
) -> None:
    other = model.data_bundles.create([dataset])
    first = model.train([bundle, other.id])
    emulator.clock.advance(3900)
    sent.clear()

    again = model.trainings.create([bundle], warm_start=first)

    assert sent.last("POST").json == {
        "dataBundleIds": [bundle.id],
        "warmStartConfig": {"trainingId": first.id},
    }
    assert first.data_bundle_ids == [bundle.id, other.id]
    assert again.warm_start_config == {"trainingId": first.id}


def test_a_training_progresses_on_the_emulators_clock_as_refresh_sees_it(
    model: las.Model, bundle: las.DataBundle, emulator: Emulator, sent: Sent
) -> None:
    emulator.clock.freeze()  # only advance() moves it: exact boundaries
    training = model.train(bundle)
    sent.clear()

    seen = []
    for seconds, _ in SCHEDULE:
        emulator.clock.advance(seconds)
        seen.append(training.refresh().status)

    assert seen == [status for _, status in SCHEDULE]
    assert sent.calls == [("GET", f"/models/{model.id}/trainings/{training.id}")] * len(SCHEDULE)
    assert training.is_final and training.loaded
    assert training.gpu_hours == pytest.approx((3900 - 120) / 3600, abs=1e-3)
    assert set(training.evaluation["fields"]) == set(FIELDS)


def test_a_training_without_documents_fails_and_is_final(
    session: las.Session, model: las.Model, emulator: Emulator
) -> None:
    empty = las.Dataset.create(session=session)
    training = model.train(model.data_bundles.create([empty]))
    emulator.clock.advance(121)
    assert training.refresh().status == "failed" and training.is_final


def test_model_trainings_lists_gets_and_loads_lazily(
    model: las.Model, bundle: las.DataBundle, session: las.Session, sent: Sent
) -> None:
    first, second = model.train(bundle, name="a"), model.train(bundle, name="b")
    sent.clear()

    listed = list(model.trainings)
    names = [training.name for training in listed]  # listed objects carry every field: no request
    assert sent.calls == [("GET", f"/models/{model.id}/trainings")]
    assert listed == [first, second] and names == ["a", "b"]
    assert not listed[0].loaded and listed[0].session is session

    listed[0].load()
    listed[0].load()  # once loaded, load() sends nothing
    got = model.trainings.get(second.id)
    assert sent.calls[1:] == [
        ("GET", f"/models/{model.id}/trainings/{first.id}"),
        ("GET", f"/models/{model.id}/trainings/{second.id}"),
    ]
    assert listed[0].loaded and got.loaded and got == second and got.name == "b"
    assert model.trainings.page_size(1).count() == 2 and model.trainings.first() == first


def test_a_trainings_model_is_loaded_once(model: las.Model, bundle: las.DataBundle, sent: Sent) -> None:
    training = model.train(bundle)
    sent.clear()
    assert training.model == model and training.model is training.model
    assert sent.calls == [("GET", f"/models/{model.id}")]


def test_update_and_cancel_send_only_what_changes(
    model: las.Model, bundle: las.DataBundle, sent: Sent, emulator: Emulator
) -> None:
    training = model.train(bundle)
    sent.clear()

    training.update(name="renamed", metadata={"k": 1})
    training.cancel()

    first, second = (request for request in sent.all if request.method == "PATCH")
    path = f"/models/{model.id}/trainings/{training.id}"
    assert (first.path, first.json) == (path, {"name": "renamed", "metadata": {"k": 1}})
    assert (second.path, second.json) == (path, {"status": "cancelled"})
    assert training.name == "renamed" and training.status == "cancelled" and training.is_final
    with pytest.raises(las.BadRequestError, match="only a training under way can be cancelled"):
        training.cancel()


def test_a_succeeded_training_is_deployed_and_used_by_the_model(
    model: las.Model, bundle: las.DataBundle, dataset: las.Dataset, emulator: Emulator, sent: Sent
) -> None:
    training = model.train(bundle)
    emulator.clock.advance(3900)
    environment = las.DeploymentEnvironment.all(session=model.session).first()
    assert environment is not None
    sent.clear()

    training.update(deployment_environment=environment)
    deployed_to = training.deployment_environment
    model.update(training=training)
    document = next(iter(dataset.documents))
    prediction = document.predict(model, training=training)

    patches = [request for request in sent.all if request.method == "PATCH"]
    assert patches[0].json == {"deploymentEnvironmentId": environment.id}
    assert deployed_to == environment and deployed_to is not None and deployed_to.loaded
    assert (patches[1].path, patches[1].json) == (f"/models/{model.id}", {"trainingId": training.id})
    assert model.training_id == training.id
    assert sent.last("POST").json["trainingId"] == training.id and prediction.training_id == training.id

    training.update(deployment_environment=None)
    model.update(training=None)
    assert [request.json for request in sent.all if request.method == "PATCH"][2:] == [
        {"deploymentEnvironmentId": None},
        {"trainingId": None},
    ]
    assert training.deployment_environment is None and model.training_id is None


def test_train_refuses_what_is_not_a_data_bundle_before_any_request(
    model: las.Model, dataset: las.Dataset, sent: Sent
) -> None:
    sent.clear()
    with pytest.raises(las.InvalidIdError, match="model-data-bundle"):
        model.train(dataset)  # type: ignore[arg-type]
    with pytest.raises(las.InvalidIdError, match="model-training"):
        model.train("las:model-data-bundle:" + "a" * 32, warm_start=model.id)
    with pytest.raises(las.InvalidIdError):
        model.trainings.get("las:model:" + "a" * 32)
    assert sent.all == []


def test_training_update_refuses_what_it_cannot_change_before_any_request(
    model: las.Model, bundle: las.DataBundle, sent: Sent
) -> None:
    training = model.train(bundle)
    sent.clear()
    with pytest.raises(las.InvalidArgumentError, match="cannot change status"):
        training.update(status="cancelled")  # cancel() says it
    with pytest.raises(las.InvalidArgumentError, match="cannot clear metadata"):
        training.update(metadata=None)
    with pytest.raises(las.InvalidIdError, match="deployment-environment"):
        training.update(deployment_environment=model.id)
    assert sent.all == []
