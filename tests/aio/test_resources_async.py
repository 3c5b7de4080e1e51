"""Async twins of the resource verbs: the same classes, calls and builders, awaited."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.support.contracts import model_size

PDF = b"%PDF-1.4\n%%EOF\n"
FIELDS = {"total_amount": {"type": "amount", "maxLength": 12, "description": "Total"}}

TWINS = [
    (las.Document, "get"),
    (las.Document, "create"),
    (las.Document, "predict"),
    (las.Document, "load"),
    (las.Document, "refresh"),
    (las.Document, "update"),
    (las.Document, "delete"),
    (las.Dataset, "create"),
    (las.Dataset, "delete"),
    (las.Model, "predict"),
    (las.Prediction, "create"),
    (las.WorkflowExecution, "wait"),
]


@pytest.mark.parametrize(("cls", "verb"), TWINS, ids=[f"{cls.__name__}.{verb}" for cls, verb in TWINS])
def test_each_twin_takes_the_same_parameters_as_its_verb(cls: type[Any], verb: str) -> None:
    sync, awaited = getattr(cls, verb), getattr(cls, f"{verb}_async")
    assert inspect.iscoroutinefunction(awaited)

    def shape(function: Any) -> list[tuple[str, Any, Any]]:
        return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]

    assert shape(awaited) == shape(sync)


@pytest.mark.asyncio
async def test_get_async_builds_the_same_object_as_get(
    las_async_session: las.AsyncSession, las_session: las.Session, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]

    awaited = await las.Document.get_async(document_id, session=las_async_session)

    got = las.Document.get(document_id, session=las_session)
    assert awaited == got
    fresh_url = {"fileUrl": None}  # 2024-11-29: each answer presigns a new one (to_dict: the wire's names)
    assert awaited.to_dict() | fresh_url == got.to_dict() | fresh_url
    assert awaited.loaded and await awaited.load_content_async() == got.content
    assert awaited.session is las_async_session
    assert awaited.last_response_info.status == 200


@pytest.mark.asyncio
async def test_create_predict_update_delete_awaited(
    las_async_session: las.AsyncSession, las_session: las.Session, las_emulator: Emulator
) -> None:
    model = las.Model.create(FIELDS, **model_size(las_session.contract), name="invoices", session=las_session)
    dataset = await las.Dataset.create_async(name="scans", session=las_async_session)
    document = await las.Document.create_async(PDF, dataset=dataset, session=las_async_session)

    prediction = await document.predict_async(model)
    again = las.Model.get(model.id, session=las_session).predict(document.id).document.load().id
    await document.update_async(ground_truth={"total_amount": "1.00"})
    await document.delete_async()
    await dataset.delete_async(delete_documents=True)

    assert isinstance(prediction, las.Prediction) and prediction.document_id == document.id
    assert again == document.id
    assert document.ground_truth == [las.GroundTruthItem("total_amount", "1.00")]
    posts = [record.path for record in las_emulator.requests if record.method == "POST"]
    assert posts.count("/datasets") == 1 and posts.count("/documents") == 1
    assert not las.Dataset.all(session=las_session).exists()


@pytest.mark.asyncio
async def test_async_for_walks_every_page_of_a_collection(
    las_async_session: las.AsyncSession, las_emulator: Emulator
) -> None:
    dataset = await las.Dataset.create_async(session=las_async_session)
    seeded = las_emulator.seed_documents(25, dataset_id=dataset.id)
    las_emulator.clear_requests()

    every = [d.id async for d in las.Document.all(dataset=dataset, page_size=10, session=las_async_session)]
    pages = len([r for r in las_emulator.requests if r.path == "/documents"])
    twelve = [d.id async for d in las.Document.all(page_size=10, limit=12, session=las_async_session)]

    assert every == seeded and pages == 3
    assert twelve == seeded[:12]
    assert len([r for r in las_emulator.requests if r.path == "/documents"]) == 3 + 2


@pytest.mark.asyncio
async def test_an_unloaded_field_of_an_async_object_names_the_awaitable_and_loads_nothing(
    las_async_session: las.AsyncSession, las_emulator: Emulator
) -> None:
    las_emulator.seed_documents(1)
    [listed] = [d async for d in las.Document.all(session=las_async_session)]
    las_emulator.clear_requests()

    # content may be at a file URL (2024-11-29): its awaitable loads the body and downloads it
    with pytest.raises(las.NotLoadedError, match=r"await document\.load_content_async\(\)"):
        listed.content  # noqa: B018
    assert las_emulator.requests == []

    content = await listed.load_content_async()  # what the message names
    assert (
        content == listed.content == b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    api_requests = [r.method for r in las_emulator.requests if not r.path.startswith(FILES_PATH)]
    assert api_requests == ["GET"]


@pytest.mark.asyncio
async def test_sync_verbs_on_async_objects_say_which_twin_to_await(
    las_async_session: las.AsyncSession, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    document = await las.Document.get_async(document_id, session=las_async_session)
    las_emulator.clear_requests()

    with pytest.raises(TypeError, match="_async"):
        document.refresh()
    with pytest.raises(TypeError, match="async for"):
        list(las.Document.all(session=las_async_session))
    with pytest.raises(TypeError, match="get_async"):
        las.Document.get(document_id, session=las_async_session)
    assert las_emulator.requests == []


@pytest.mark.asyncio
async def test_async_verbs_on_sync_objects_say_what_to_call_instead(
    las_session: las.Session, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    document = las.Document.get(document_id, session=las_session)
    las_emulator.clear_requests()

    with pytest.raises(TypeError, match=r"call document\.refresh\(\.\.\.\) instead"):
        await document.refresh_async()
    with pytest.raises(TypeError) as caught:
        [d async for d in las.Document.all(session=las_session)]
    message = str(caught.value)
    assert "iterate it with `for` (for item in" in message and "__iter__" not in message, message
    with pytest.raises(TypeError, match="AsyncSession"):
        await las.Document.all(session=las_session).first_async()
    assert las_emulator.requests == []


@pytest.mark.asyncio
async def test_get_async_without_a_session_uses_the_default_sessions_credentials(
    las_session: las.Session, las_emulator: Emulator
) -> None:
    document_id = las_emulator.seed_documents(1)[0]
    las.Document.get(document_id, session=las_session)  # the default session's token
    with las.using_session(las_session):
        document = await las.Document.get_async(document_id)
        await document.session.close()
    assert document.id == document_id
    assert las_emulator.token_requests == 1  # the same credentials: their token is reused


def _manual_workflow(session: las.Session) -> tuple[las.Transition, las.Workflow]:
    review = las.Transition.create("manual", name="review", session=session)
    definition = {
        "StartAt": "review",
        "States": {"review": {"Type": "Task", "Resource": review.id, "End": True}},
    }
    workflow = las.Workflow.create(
        {"language": "ASL", "version": "1.0.0", "definition": definition}, session=session
    )
    return review, workflow


@pytest.mark.asyncio
async def test_wait_async_polls_until_the_execution_is_final(
    las_async_session: las.AsyncSession, las_session: las.Session
) -> None:
    review, workflow = _manual_workflow(las_session)
    started = workflow.execute({"n": 1})
    awaited_workflow = await las.Workflow.get_async(workflow.id, session=las_async_session)
    [execution] = [e async for e in awaited_workflow.executions.filter(status="running")]
    assert execution == started

    waiting = asyncio.create_task(execution.wait_async(timeout=20, poll_interval=0.02))
    await asyncio.sleep(0.1)
    assert not waiting.done()  # still polling: the manual step is not done
    for task in review.executions.filter(status="running"):
        await asyncio.to_thread(task.succeed, {"ok": True})

    finished = await waiting
    assert finished is execution and finished.status == "succeeded" and finished.output == {"ok": True}


@pytest.mark.asyncio
async def test_wait_async_times_out_with_the_same_message(
    las_async_session: las.AsyncSession, las_session: las.Session
) -> None:
    _, workflow = _manual_workflow(las_session)
    workflow.execute({})
    awaited_workflow = await las.Workflow.get_async(workflow.id, session=las_async_session)
    [execution] = [e async for e in awaited_workflow.executions]
    with pytest.raises(las.WaitTimeoutError, match=r"still 'running' after 0\.05 seconds"):
        await execution.wait_async(timeout=0.05, poll_interval=0.01)


@pytest.mark.asyncio
async def test_a_ref_of_an_async_session_sends_nothing_until_a_twin_is_awaited(
    las_async_session: las.AsyncSession, las_session: las.Session, las_emulator: Emulator
) -> None:
    model = las.Model.create(FIELDS, **model_size(las_session.contract), name="invoices", session=las_session)
    document_id = las.Document.create(PDF, session=las_session).id
    las_emulator.clear_requests()
    reference = las.Document.ref(document_id, session=las_async_session)
    with pytest.raises(las.NotLoadedError, match=r"await obj\.load_async\(\)"):
        reference.content_type  # noqa: B018 - reading is what raises
    assert las_emulator.requests == []
    prediction = await reference.predict_async(model)
    assert prediction.document_id == document_id
    api = [(r.method, r.path) for r in las_emulator.requests if r.path != "/token"]
    assert api == [("POST", "/predictions")]
    await reference.load_async()
    assert reference.loaded and reference.content_type == "application/pdf"
    api = [(r.method, r.path) for r in las_emulator.requests if r.path != "/token"]
    assert api == [("POST", "/predictions"), ("GET", f"/documents/{document_id}")]
