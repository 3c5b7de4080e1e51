"""Lists: one page with list(), every page lazily with all(), limits, page sizes, re-iteration."""

from __future__ import annotations

import pytest

import las
from las.resources import Collection, Dataset, Document
from las.testing import Emulator

from .conftest import Requests

COUNT = 1200


@pytest.fixture
def many_documents(las_emulator: Emulator, dataset: Dataset) -> list[str]:
    return las_emulator.seed_documents(COUNT, dataset_id=dataset.id)


def test_all_walks_every_page(many_documents: list[str], session: las.Session, api: Requests) -> None:
    documents = Document.all(page_size=100, session=session)
    assert len(api) == 0  # nothing until iterated
    seen = [document.id for document in documents]
    assert sorted(seen) == sorted(many_documents)
    assert len(set(seen)) == COUNT
    assert len(api) == COUNT // 100
    assert all(request.query.get("maxResults") == ["100"] for request in api.all)


def test_a_collection_can_be_iterated_again(
    many_documents: list[str], session: las.Session, api: Requests
) -> None:
    documents = Document.all(page_size=500, session=session)
    assert [d.id for d in documents] == [d.id for d in documents]
    assert len(api) == 2 * 3


def test_limit_stops_early_and_asks_only_for_what_it_needs(
    many_documents: list[str], session: las.Session, api: Requests
) -> None:
    documents = list(Document.all(page_size=100, limit=250, session=session))
    assert len(documents) == 250
    assert [request.query.get("maxResults") for request in api.all] == [["100"], ["100"], ["50"]]


def test_limit_and_page_size_can_be_chained(many_documents: list[str], session: las.Session) -> None:
    collection = Document.all(session=session).page_size(7).limit(20)
    assert isinstance(collection, Collection)
    assert len(list(collection)) == 20


def test_first_costs_one_small_request(
    many_documents: list[str], session: las.Session, api: Requests
) -> None:
    first = Document.all(session=session).first()
    assert first is not None and first.id in many_documents
    assert [request.query.get("maxResults") for request in api.all] == [["1"]]


def test_pages_yields_pages(many_documents: list[str], session: las.Session) -> None:
    pages = list(Document.all(page_size=400, session=session).pages())
    assert [len(page) for page in pages] == [400, 400, 400]
    assert pages[-1].next_token is None and pages[0].has_next


def test_list_returns_one_page_and_its_token(
    many_documents: list[str], session: las.Session, api: Requests
) -> None:
    page = Document.list(page_size=10, session=session)
    assert len(page.items) == 10 and page.next_token is not None
    second = Document.list(page_size=10, next_token=page.next_token, session=session)
    assert not set(second.items) & set(page.items)
    following = page.next()
    assert following is not None and following.items == second.items
    assert len(api) == 3


def test_filters_narrow_the_list(session: las.Session, dataset: Dataset, las_emulator: Emulator) -> None:
    las_emulator.seed_documents(5, dataset_id=dataset.id)
    las_emulator.seed_documents(3)
    assert len(list(Document.all(dataset=dataset, session=session))) == 5
    assert len(list(dataset.documents)) == 5
    assert len(list(Document.all(session=session))) == 8


def test_an_unknown_filter_is_refused_before_any_request(session: las.Session, api: Requests) -> None:
    with pytest.raises(TypeError, match="takes dataset=, consent=; not status"):
        Document.all(status="x", session=session)
    with pytest.raises(TypeError):
        Dataset.list(name="x", session=session)
    assert len(api) == 0


def test_memory_is_bounded_by_one_page(
    many_documents: list[str], session: las.Session, api: Requests
) -> None:
    iterator = iter(Document.all(page_size=100, session=session))
    next(iterator)
    assert len(api) == 1  # the second page is not fetched until the first is used up


@pytest.mark.parametrize(
    ("name", "value"),
    [("page_size", True), ("page_size", 2.5), ("page_size", "3"), ("limit", 2.5), ("limit", True)],
)
def test_a_count_that_is_not_a_whole_number_is_refused_before_any_request(
    session: las.Session, name: str, value: object
) -> None:
    """Found by a review: True and 2.5 reached the server as maxResults, "3" raised a bare
    TypeError, and limit=True was taken as 1."""
    with pytest.raises(las.resources.InvalidArgumentError, match=f"{name} must be"):
        Document.all(session=session, **{name: value})
    with pytest.raises(ValueError, match=f"{name} must be"):
        list(las.paginate(las.Client(session=session).list_documents, **{name: value}))


def test_first_and_exists_keep_a_limit_of_zero(session: las.Session) -> None:
    """Found by a review: ``limit(0).first()`` returned an item, as iterating it does not."""
    Document.create(b"%PDF-1.4 first", "application/pdf", session=session)
    nothing = Document.all(session=session).limit(0)
    assert list(nothing) == [] and nothing.first() is None and not nothing.exists()
    assert Document.all(session=session).limit(5).first() is not None
