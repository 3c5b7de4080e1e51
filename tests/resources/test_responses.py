"""Response metadata on objects and pages, a strict request budget (lazy=False), per-call options."""

from __future__ import annotations

import json

import pytest

import las
from las.resources import Dataset, Document
from las.testing import Emulator

from .conftest import PDF, Requests


def test_every_object_knows_the_response_it_came_from(dataset: Dataset, session: las.Session) -> None:
    document = Document.create(PDF, dataset=dataset, session=session)
    created = document.last_response
    assert isinstance(created, las.ResponseInfo)
    assert (created.method, created.path, created.status, created.attempts) == ("POST", "/documents", 200, 1)
    document.update(ground_truth={"total": "1"})
    assert (document.last_response.method, document.last_response.path) == (
        "PATCH",
        f"/documents/{document.id}",
    )
    got = Document.get(document.id, session=session)
    assert (got.last_response.method, got.last_response.path) == ("GET", f"/documents/{document.id}")


def test_every_page_and_its_items_know_the_list_response(
    las_emulator: Emulator, dataset: Dataset, session: las.Session
) -> None:
    las_emulator.seed_documents(3, dataset_id=dataset.id)
    page = Document.list(page_size=2, dataset=dataset, session=session)
    assert page.last_response.path == "/documents" and page.last_response.status == 200
    assert all(item.last_response is page.last_response for item in page)
    following = page.next()
    assert following is not None and following.last_response is not page.last_response


def test_a_retried_call_says_how_many_attempts_it_took(las_emulator: Emulator, session: las.Session) -> None:
    dataset = Dataset.create(name="x", session=session)
    las_emulator.fail_next(1, status=503, method="GET")
    assert Dataset.get(dataset.id, session=session).last_response.attempts == 2


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
    assert listed.load().content == PDF  # the explicit call loads
    assert len(api) == 1


def test_a_page_that_repeats_its_token_stops_with_invalid_response(
    las_emulator: Emulator, session: las.Session
) -> None:
    page = {"documents": [], "nextToken": "again"}
    for _ in range(3):
        las_emulator.fail_next(status=200, body=json.dumps(page).encode(), method="GET", path="/documents")
    with pytest.raises(las.InvalidResponseError, match="repeats nextToken") as raised:
        list(Document.all(session=session))
    assert raised.value.path == "/documents"
