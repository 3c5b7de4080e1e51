"""Edges: answers that are not the contract's, hostile ids on hand-built objects, nulls in updates."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import las
from las.resources import (
    Dataset,
    Document,
    FieldConfigEntry,
    Model,
    Transition,
    TransitionExecution,
    Workflow,
    WorkflowExecution,
)
from las.testing import Emulator

from .conftest import PDF, Requests

HEX = "ab" * 16
DOCUMENT_ID = f"las:document:{HEX}"


# -- answers that are not the contract's --------------------------------------------------------


def answer(las_emulator: Emulator, body: Any, path: str) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    las_emulator.fail_next(status=200, body=raw, method="GET", path=path)


@pytest.mark.parametrize(
    "body",
    [[], "a string", None, {"contentType": "application/pdf"}, {"documentId": 12345}],
    ids=["list", "string", "null", "no-id", "int-id"],
)
def test_a_get_answer_that_is_not_a_document_raises_invalid_response(
    las_emulator: Emulator, session: las.Session, body: Any
) -> None:
    answer(las_emulator, body, "/documents/{documentId}")
    with pytest.raises(las.InvalidResponseError):
        Document.get(DOCUMENT_ID, session=session)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contentType", 12345),  # an int where the contract says a string: not made '12345'
        ("createdTime", "yesterday"),
        ("createdTime", 1700000000),
        ("groundTruth", {"label": "x"}),
        ("groundTruth", [{"label": 5, "value": "x"}]),
        ("retentionInDays", "30"),
    ],
)
def test_a_mistyped_field_raises_invalid_response_naming_it(
    las_emulator: Emulator, session: las.Session, field: str, value: Any
) -> None:
    answer(las_emulator, {"documentId": DOCUMENT_ID, field: value}, "/documents/{documentId}")
    with pytest.raises(las.InvalidResponseError, match=field):
        Document.get(DOCUMENT_ID, session=session)


def test_invalid_base64_content_raises_instead_of_becoming_the_texts_bytes(
    las_emulator: Emulator, session: las.Session
) -> None:
    answer(las_emulator, {"documentId": DOCUMENT_ID, "content": "not base64!"}, "/documents/{documentId}")
    document = Document.get(DOCUMENT_ID, session=session)  # content is decoded when read
    with pytest.raises(las.InvalidResponseError, match="content: not valid base64"):
        document.content  # noqa: B018 - reading is what raises


@pytest.mark.parametrize(
    "body",
    [
        {"nextToken": None},
        {"documents": "x"},
        {"documents": ["a", "b"]},
        {"documents": [], "nextToken": 5},
        [],
    ],
    ids=["no-items", "items-not-a-list", "items-are-strings", "token-not-a-string", "list"],
)
def test_a_page_that_is_not_the_contracts_raises_invalid_response(
    las_emulator: Emulator, session: las.Session, body: Any
) -> None:
    answer(las_emulator, body, "/documents")
    with pytest.raises(las.InvalidResponseError):
        list(Document.all(session=session))


# -- hostile ids on objects built by hand -------------------------------------------------------

HOSTILE = ["", ".", "..", "/", "%2F", "../datasets", f"las:document:{HEX}/.."]


@pytest.mark.parametrize("bad", HOSTILE)
@pytest.mark.parametrize(
    "verb",
    [
        lambda obj: obj.delete(),
        lambda obj: obj.update(ground_truth=[]),
        lambda obj: obj.refresh(),
        lambda obj: obj.load(),
        lambda obj: obj.predict(f"las:model:{HEX}"),
    ],
    ids=["delete", "update", "refresh", "load", "predict"],
)
def test_a_hand_built_object_with_a_hostile_id_is_refused_before_any_request(
    bad: str, verb: Callable[[Document], Any], api: Requests
) -> None:
    with pytest.raises(las.InvalidIdError):
        verb(Document(document_id=bad))
    with pytest.raises(las.InvalidIdError):
        Document.ref(bad)
    assert len(api) == 0


@pytest.mark.parametrize("bad", HOSTILE)
def test_sub_resources_check_their_parents_id_too(bad: str, api: Requests) -> None:
    execution = WorkflowExecution(execution_id=f"las:workflow-execution:{HEX}", workflow_id=bad)
    with pytest.raises(las.InvalidIdError):
        execution.delete()
    with pytest.raises(las.InvalidIdError):
        execution.refresh()
    task = TransitionExecution(execution_id=f"las:transition-execution:{HEX}", transition_id=bad)
    with pytest.raises(las.InvalidIdError):
        task.fail("x")
    with pytest.raises(las.InvalidIdError):
        Workflow(workflow_id=bad).executions  # noqa: B018 - the collection is built from the id
    with pytest.raises(las.InvalidIdError):
        Transition(transition_id=bad).execute()
    with pytest.raises(las.InvalidIdError):
        Dataset(dataset_id=bad).delete(delete_documents=True)
    assert len(api) == 0


# -- nulls and shapes in updates and creates ----------------------------------------------------


@pytest.mark.parametrize("field", ["dataset", "ground_truth"])
def test_none_for_a_field_the_api_cannot_clear_is_refused_before_any_request(
    document: Document, api: Requests, field: str
) -> None:
    api.clear()
    with pytest.raises(ValueError, match=rf"update\({field}=None\): the API cannot clear {field}"):
        document.update(**{field: None})
    assert len(api) == 0


def test_none_sends_an_explicit_null_where_the_api_allows_it(
    dataset: Dataset, api: Requests, las_emulator: Emulator
) -> None:
    api.clear()
    dataset.update(description=None)
    assert [request.json for request in api.all] == [{"description": None}]
    assert dataset.description is None


def test_document_update_changes_retention_in_days(
    document: Document, api: Requests, session: las.Session
) -> None:
    api.clear()
    document.update(retention_in_days=7)
    assert [(request.method, request.json) for request in api.all] == [("PATCH", {"retentionInDays": 7})]
    assert document.retention_in_days == 7
    assert Document.get(document.id, session=session).retention_in_days == 7


def test_an_empty_ground_truth_clears_it(document: Document) -> None:
    document.update(ground_truth=[])
    assert document.ground_truth == []


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ((300, 300, None), TypeError, "field_config must be"),
        ((300, 300, {"total": {"maxLength": 5}}), ValueError, "type must be one of"),
        (
            (300, 300, {"total": FieldConfigEntry("amount", 0)}),
            ValueError,
            "maxLength must be an int from 1 to 100",
        ),
        (
            (300, 30, {"total": FieldConfigEntry("amount", 5)}),
            ValueError,
            "height must be an int from 97 to 1921",
        ),
    ],
)
@pytest.mark.las_contract("2021-09-23")  # its sizes and limits; 2024's: tests/entities
def test_model_create_checks_the_contracts_shapes_before_any_request(
    arguments: tuple[Any, ...], error: type[Exception], message: str, session: las.Session, api: Requests
) -> None:
    with pytest.raises(error, match=message):
        Model.create(*arguments, session=session)
    assert len(api) == 0


@pytest.mark.las_contract("2021-09-23")  # 2021 requires all three keys; 2024 takes any one
def test_model_update_checks_the_preprocess_config(model: Model, api: Requests) -> None:
    api.clear()
    with pytest.raises(ValueError, match="preprocess_config needs max_pages"):
        model.update(preprocess_config={"maxPages": 1})
    assert len(api) == 0


def test_a_document_created_in_a_dataset_is_listed_by_dataset_object_or_id(
    dataset: Dataset, session: las.Session
) -> None:
    document = dataset.documents.create(PDF)
    assert Document.all(dataset=dataset, session=session).first() == document
    assert Document.all(dataset=dataset.id, session=session).first() == document


@pytest.mark.parametrize(
    "refused",
    [
        lambda document, session: document.update(dataset=None),
        lambda document, session: document.update(content_type="image/png"),
        lambda document, session: Document.all(status="x", session=session),
        lambda document, session: Document.all(page_size=0, session=session),
        lambda document, session: Model.create(300, 300, None, session=session),  # type: ignore[arg-type]
        lambda document, session: Document.create(PDF, ground_truth="x", session=session),  # type: ignore[arg-type]
        lambda document, session: Document.get(document.id, session="a token"),  # type: ignore[arg-type]
    ],
)
def test_every_argument_the_resource_layer_refuses_is_a_client_exception(
    refused: Callable[[Document, las.Session], Any], document: Document, session: las.Session, api: Requests
) -> None:
    api.clear()
    with pytest.raises(las.InvalidArgumentError) as raised:
        refused(document, session)
    assert isinstance(raised.value, las.ClientException)
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, ValueError)
    assert len(api) == 0


# -- hostile ids in the answer to a create --------------------------------------------------------


@pytest.mark.parametrize("bad", HOSTILE)
@pytest.mark.parametrize("kind", ["document", "dataset"])
def test_a_create_answered_with_a_hostile_id_raises_and_nothing_uses_it(
    bad: str, kind: str, las_emulator: Emulator, las_session: las.Session
) -> None:
    """Whatever the emulator serves: the id of what was made is checked as ids given are, so no
    object holds an id no request could carry, and no PUT goes anywhere on its account."""
    answer = (
        {"documentId": bad, "contentType": "application/pdf"} if kind == "document" else {"datasetId": bad}
    )
    path = f"/{kind}s"
    las_emulator.fail_next(1, status=200, body=json.dumps(answer).encode(), method="POST", path=path)
    with pytest.raises(las.InvalidResponseError, match=r"not a .* id|without a document id") as raised:
        if kind == "document":
            Document.create(PDF, session=las_session)
        else:
            Dataset.create(name="hostile", session=las_session)
    assert "created" in str(raised.value)  # it says a create may have happened
    after = [r for r in las_emulator.requests if r.method != "POST" or r.path != path]
    assert [r.path for r in after if r.path != "/token"] == []  # no PUT, no follow-up request
