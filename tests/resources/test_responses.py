"""Response metadata on objects and pages, a strict request budget (lazy=False), per-call options."""

from __future__ import annotations

import json

import pytest

import las
from las.resources import Dataset, Document
from las.testing import Emulator
from tests.support.contracts import content_downloads

from .conftest import PDF, Requests


def test_every_object_knows_the_response_it_came_from(dataset: Dataset, session: las.Session) -> None:
    document = Document.create(PDF, dataset=dataset, session=session)
    created = document.last_response_info
    assert isinstance(created, las.ResponseInfo)
    assert (created.method, created.path, created.status, created.attempts) == ("POST", "/documents", 200, 1)
    document.update(ground_truth={"total": "1"})
    assert (document.last_response_info.method, document.last_response_info.path) == (
        "PATCH",
        f"/documents/{document.id}",
    )
    got = Document.get(document.id, session=session)
    assert (got.last_response_info.method, got.last_response_info.path) == (
        "GET",
        f"/documents/{document.id}",
    )


def test_every_page_and_its_items_know_the_list_response(
    las_emulator: Emulator, dataset: Dataset, session: las.Session
) -> None:
    las_emulator.seed_documents(3, dataset_id=dataset.id)
    page = Document.list(page_size=2, dataset=dataset, session=session)
    assert page.response_info.path == "/documents" and page.response_info.status == 200
    assert all(item.last_response_info is page.response_info for item in page)
    following = page.next()
    assert following is not None and following.response_info is not page.response_info


def test_a_retried_call_says_how_many_attempts_it_took(las_emulator: Emulator, session: las.Session) -> None:
    dataset = Dataset.create(name="x", session=session)
    las_emulator.fail_next(1, status=503, method="GET")
    assert Dataset.get(dataset.id, session=session).last_response_info.attempts == 2


def test_with_options_is_accepted_wherever_a_session_is(
    dataset: Dataset, session: las.Session, las_emulator: Emulator
) -> None:
    quick = session.with_options(timeout=5, max_retries=0)
    las_emulator.fail_next(1, status=503, method="GET")
    with pytest.raises(las.ServerError):
        Dataset.get(dataset.id, session=quick)  # no retry for this call
    assert Dataset.get(dataset.id, session=quick).session is quick
    assert [d.id for d in Dataset.all(session=quick)] == [dataset.id]
    assert Dataset.get(dataset.id, session=session).name == "receipts"  # the original keeps its retries


def test_n_plus_one_shows_in_the_request_count(
    las_emulator: Emulator, dataset: Dataset, session: las.Session
) -> None:
    las_emulator.seed_documents(30, dataset_id=dataset.id)
    before = session.request_count
    documents = list(Document.all(dataset=dataset, page_size=30, session=session))
    _ = [(d.consent_id, d.batch_id, d.created_time) for d in documents]
    assert session.request_count - before == 1  # absent optional fields: no request
    _ = [d.content for d in documents]
    assert session.request_count - before == 31  # content is lazy: one GET each, as documented


def test_with_lazy_false_reading_an_unloaded_field_raises_naming_the_field_and_the_call(
    document: Document, session: las.Session, api: Requests
) -> None:
    strict = session.with_options(lazy=False)
    [listed] = list(Document.all(session=strict))
    reference = Document.ref(document.id, session=strict)
    api.clear()
    with pytest.raises(
        las.NotLoadedError, match=r"Document\.content is not loaded .*lazy=False.*Client\.get_document"
    ):
        listed.content  # noqa: B018 - reading is what raises
    with pytest.raises(las.NotLoadedError, match=r"Document\.content_type is not loaded"):
        reference.content_type  # noqa: B018
    assert listed.content_type == "application/pdf"  # held fields read as usual
    assert len(api) == 0
    assert listed.load_content() == PDF  # the explicit call loads
    assert len(api) == 1 and len(api.files) == content_downloads(session.contract)


def test_a_page_that_repeats_its_token_stops_with_invalid_response(
    las_emulator: Emulator, session: las.Session
) -> None:
    page = {"documents": [], "nextToken": "again"}
    for _ in range(3):
        las_emulator.fail_next(status=200, body=json.dumps(page).encode(), method="GET", path="/documents")
    with pytest.raises(las.InvalidResponseError, match="repeats nextToken") as raised:
        list(Document.all(session=session))
    assert raised.value.path == "/documents"


def test_last_response_warns_and_answers_as_last_response_info(session: las.Session) -> None:
    dataset = las.Dataset.create(session=session)
    page = las.Dataset.list(session=session)

    with pytest.warns(
        DeprecationWarning, match=r"Dataset\.last_response is deprecated: use \.last_response_info"
    ):
        assert dataset.last_response is dataset.last_response_info
    with pytest.warns(DeprecationWarning, match=r"Page\.last_response is deprecated: use \.response_info"):
        assert page.last_response is page.response_info


def test_a_collection_answers_all_with_filters_as_its_class_does(session: las.Session) -> None:
    dataset = las.Dataset.create(session=session)
    las.Document.create(b"%PDF-1.4", dataset=dataset, session=session)
    las.Document.create(b"%PDF-1.4", session=session)

    in_dataset = las.Document.all(session=session).all(dataset=dataset)

    assert [document.dataset_id for document in in_dataset] == [dataset.id]
    with pytest.raises(las.InvalidArgumentError, match="not colour"):
        dataset.documents.all(colour="red")
