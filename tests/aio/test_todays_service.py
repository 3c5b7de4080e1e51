"""Today's service, end to end (issue 20, "Done when"): against the 2024-11-29 emulator, a user
creates a document over the 2021 contract's cap of 4.69 MB, reads it back byte for byte,
predicts with a public model of the new id form (``las:model:invoice-v2``), trains a model and
runs a workflow to its end; through the resource classes and through the Client, each sync and
async. Every request is checked against oas-2024-11-29.json (tests/conftest.py), and the
assertions read the emulator's request log for what went over the wire.

The same steps on the 2021-09-23 contract are the rest of the suite's scenarios (this module's
last test shows what changes for such a user: nothing they did before, and a clear refusal of
what only today's service has, before anything is sent).
"""

from __future__ import annotations

import base64
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.aio.conftest import SESSION_OPTIONS, Variant

V2024 = "2024-11-29"
CAP_2021 = 4_687_500  # 6,250,000 base64 characters: the most 2021-09-23 takes inline
PUBLIC_MODEL = "las:model:invoice-v2"
OWNER = "las:organization:cradl"  # the emulator's owner of its public models
FIELDS = {"total_amount": {"type": "amount", "maxLength": 16}, "due_date": {"type": "date"}}
TRAINING = (60, 60, 3600, 180)  # the emulator's schedule, in seconds: preparing ... succeeded


@pytest.fixture(scope="module")
def big_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PDF of 5 MiB, over the 2021 cap (random bytes: no two runs of a chunk look alike)."""
    path = tmp_path_factory.mktemp("big") / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n" + random.Random(20).randbytes(5 * 1024 * 1024) + b"\n%%EOF\n")
    assert path.stat().st_size > CAP_2021
    return path


def credentials(emulator: Emulator, tmp_path: Path) -> las.Credentials:
    return las.Credentials(
        emulator.client_id,
        emulator.client_secret,
        auth_endpoint=emulator.auth_endpoint,
        api_endpoint=emulator.api_endpoint,
        cache_path=tmp_path / "token.json",
        contract=emulator.contract,
    )


@pytest.fixture
def emulator(emulator_2024: Emulator) -> Emulator:
    emulator_2024.clock.freeze()  # trainings and data bundles move only when the test says
    return emulator_2024


def uploads(emulator: Emulator) -> list[tuple[str, int]]:
    """``(method, bytes)`` of each request to a file URL: the document's bytes, up and down."""
    return [(sent.method, len(sent.body)) for sent in emulator.requests if sent.path.startswith(FILES_PATH)]


def document_posts(emulator: Emulator) -> list[Any]:
    return [sent.json for sent in emulator.requests if (sent.method, sent.path) == ("POST", "/documents")]


def review_then_export(review: str, export: str) -> dict[str, Any]:
    definition = {
        "StartAt": "review",
        "States": {
            "review": {"Type": "Task", "Resource": review, "Next": "export"},
            "export": {"Type": "Task", "Resource": export, "End": True},
        },
    }
    return {"language": "ASL", "version": "1.0.0", "definition": definition}


def exported(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "exported": True}


# -- the resource classes ------------------------------------------------------------------------


@pytest.fixture
def session(emulator: Emulator, tmp_path: Path) -> Iterator[las.Session]:
    with las.Session(credentials(emulator, tmp_path)) as session:
        yield session


def test_todays_service_through_the_resource_classes(
    session: las.Session, emulator: Emulator, big_pdf: Path
) -> None:
    dataset = las.Dataset.create(name="invoices", session=session)
    document = las.Document.create(big_pdf, dataset=dataset, session=session)
    read_back = las.Document.get(document.id, session=session).content

    public = document.predict(las.Model.ref(PUBLIC_MODEL, session=session))
    catalogued = las.Model.get(PUBLIC_MODEL, session=session)

    model = las.Model.create(FIELDS, name="ours", session=session)
    bundle = model.data_bundles.create([dataset])
    emulator.clock.advance(30)
    training = model.train(bundle.refresh(), name="first")
    for seconds in TRAINING:
        emulator.clock.advance(seconds)
    trained = document.predict(model, training=training.refresh())

    review = las.Transition.create("manual", name="review", session=session)
    export = las.Transition.create("docker", parameters={"imageUrl": "example/export"}, session=session)
    emulator.register_docker_handler(export.id, exported)
    workflow = las.Workflow.create(review_then_export(review.id, export.id), session=session)
    execution = workflow.execute({"documentId": document.id, "predictionId": trained.id})
    [task] = review.executions.filter(status="running")
    task.succeed({**task.input, "approved": True})
    done = execution.wait(timeout=10, poll_interval=0.01)

    assert read_back == big_pdf.read_bytes()
    assert [set(body) for body in document_posts(emulator)] == [{"contentType", "datasetId"}]  # no bytes
    assert uploads(emulator) == [("PUT", big_pdf.stat().st_size), ("GET", 0)]
    assert public.model_id == f"{OWNER}/{PUBLIC_MODEL}" and public.model.name == "Invoice"
    assert (catalogued.id, catalogued.name, catalogued.extra["organizationId"]) == (
        PUBLIC_MODEL,
        "Invoice",
        OWNER,
    )
    assert {item.label for item in public.predictions} >= {"invoice_id", "total_amount", "line_items"}
    assert (training.status, trained.model_id, trained.training_id) == ("succeeded", model.id, training.id)
    assert list(model.trainings) == [training]
    assert done.status == "succeeded"
    assert done.output == {
        "documentId": document.id,
        "predictionId": trained.id,
        "approved": True,
        "exported": True,
    }


@pytest_asyncio.fixture
async def async_session(emulator: Emulator, tmp_path: Path) -> AsyncIterator[las.AsyncSession]:
    async with las.AsyncSession(credentials(emulator, tmp_path)) as session:
        yield session


@pytest.mark.asyncio
async def test_todays_service_through_the_resource_classes_awaited(
    async_session: las.AsyncSession, emulator: Emulator, big_pdf: Path
) -> None:
    s = async_session
    dataset = await las.Dataset.create_async(name="invoices", session=s)
    document = await las.Document.create_async(big_pdf, dataset=dataset, session=s)
    read_back = await (await las.Document.get_async(document.id, session=s)).load_content_async()

    public = await document.predict_async(las.Model.ref(PUBLIC_MODEL, session=s))

    model = await las.Model.create_async(FIELDS, name="ours", session=s)
    bundle = await model.data_bundles.create_async([dataset])
    emulator.clock.advance(30)
    training = await model.train_async(await bundle.refresh_async(), name="first")
    for seconds in TRAINING:
        emulator.clock.advance(seconds)
    trained = await document.predict_async(model, training=await training.refresh_async())

    review = await las.Transition.create_async("manual", name="review", session=s)
    export = await las.Transition.create_async("docker", parameters={"imageUrl": "example/export"}, session=s)
    emulator.register_docker_handler(export.id, exported)
    workflow = await las.Workflow.create_async(review_then_export(review.id, export.id), session=s)
    execution = await workflow.execute_async({"documentId": document.id, "predictionId": trained.id})
    [task] = [each async for each in review.executions.filter(status="running")]
    await task.succeed_async({**task.input, "approved": True})
    done = await execution.wait_async(timeout=10, poll_interval=0.01)

    assert read_back == big_pdf.read_bytes()
    assert [set(body) for body in document_posts(emulator)] == [{"contentType", "datasetId"}]
    assert uploads(emulator) == [("PUT", big_pdf.stat().st_size), ("GET", 0)]
    assert public.model_id == f"{OWNER}/{PUBLIC_MODEL}" and (await public.model_async()).name == "Invoice"
    assert (training.status, trained.model_id, trained.training_id) == ("succeeded", model.id, training.id)
    assert [each async for each in model.trainings] == [training]
    assert done.status == "succeeded" and done.output["exported"] is True and done.output["approved"] is True


# -- the Client, sync (in a worker thread) and async --------------------------------------------


@pytest_asyncio.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, emulator: Emulator, tmp_path: Path) -> AsyncIterator[Variant]:
    if request.param == "sync":
        with las.Session(credentials(emulator, tmp_path), **SESSION_OPTIONS) as session:
            yield Variant("sync", las.Client(session=session), (las.APIConnectionError,))
    else:
        async with las.AsyncSession(credentials(emulator, tmp_path), **SESSION_OPTIONS) as asession:
            yield Variant("async", las.AsyncClient(session=asession), (las.APIConnectionError,))


@pytest.mark.asyncio
async def test_todays_service_through_the_client(api: Variant, emulator: Emulator, big_pdf: Path) -> None:
    dataset_id = (await api.create_dataset(name="invoices"))["datasetId"]
    document_id = (await api.create_document(big_pdf, dataset_id=dataset_id))["documentId"]
    fetched = await api.get_document(document_id)  # content downloaded from its fileUrl, base64 as 11.4.1

    public = await api.create_prediction(document_id, PUBLIC_MODEL)
    owner_model = await api.get_model(public["modelId"])  # the prefixed id, one path segment

    model_id = (await api.create_model(FIELDS, name="ours"))["modelId"]
    bundle_id = (await api.create_data_bundle(model_id, [dataset_id]))["dataBundleId"]
    emulator.clock.advance(30)
    training_id = (await api.create_training(model_id, [bundle_id], name="first"))["trainingId"]
    for seconds in TRAINING:
        emulator.clock.advance(seconds)
    training = await api.get_training(model_id, training_id)
    trained = await api.create_prediction(document_id, model_id, training_id=training_id)

    review = (await api.create_transition("manual", name="review"))["transitionId"]
    export = (await api.create_transition("docker", parameters={"imageUrl": "example/export"}))[
        "transitionId"
    ]
    emulator.register_docker_handler(export, exported)
    workflow_id = (await api.create_workflow(review_then_export(review, export)))["workflowId"]
    execution_id = (await api.execute_workflow(workflow_id, {"documentId": document_id}))["executionId"]
    [task] = await api.items("list_transition_executions", review, status="running")
    await api.update_transition_execution(review, task["executionId"], "succeeded", output={"approved": True})
    finished = await api.get_workflow_execution(workflow_id, execution_id)
    completed = await api.update_workflow_execution(workflow_id, execution_id, status="completed")

    assert base64.b64decode(fetched["content"]) == big_pdf.read_bytes()
    assert uploads(emulator) == [("PUT", big_pdf.stat().st_size), ("GET", 0)]
    assert public["modelId"] == f"{OWNER}/{PUBLIC_MODEL}" and owner_model["name"] == "Invoice"
    assert (training["status"], trained["modelId"], trained["trainingId"]) == (
        "succeeded",
        model_id,
        training_id,
    )
    assert (finished["status"], finished["output"]) == ("succeeded", {"approved": True, "exported": True})
    assert completed["status"] == "completed"


# -- a user of the 2021 contract -----------------------------------------------------------------


@pytest.fixture
def emulator_2021(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(contract="2021-09-23") as emulator:
        yield emulator


def test_a_user_of_the_2021_contract_is_refused_only_what_today_s_service_has_before_sending(
    emulator_2021: Emulator, tmp_path: Path, big_pdf: Path
) -> None:
    with las.Session(credentials(emulator_2021, tmp_path)) as session:
        dataset = las.Dataset.create(name="invoices", session=session)
        model = las.Model.create(
            300, 300, FIELDS | {"due_date": {"type": "date", "maxLength": 10}}, session=session
        )
        small = las.Document.create(b"%PDF-1.4\n%%EOF\n", dataset=dataset, session=session)
        assert small.predict(model).model_id == model.id  # the seed's flow, as before
        bundle = model.data_bundles.create([dataset])
        emulator_2021.clear_requests()

        with pytest.raises(las.ContentTooLargeError):
            las.Document.create(big_pdf, session=session)
        with pytest.raises(las.ContractError, match="2024-11-29"):
            model.train(bundle)
        assert emulator_2021.requests == []
