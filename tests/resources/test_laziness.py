"""Lazy fields: declared per class, loaded once, never a default to a concurrent reader; pickling."""

from __future__ import annotations

import pickle
import threading

import attrs
import pytest

import las
from las.resources import Asset, Dataset, Document, Resource
from las.resources._plan import LAZY
from las.testing import Emulator
from tests.support.contracts import content_downloads

from .conftest import PDF, Requests

ALL_CLASSES = [
    getattr(las.resources, name)
    for name in las.resources.__all__
    if isinstance(getattr(las.resources, name), type)
    and issubclass(getattr(las.resources, name), Resource)
    and getattr(las.resources, name) is not Resource
]


def lazy_fields(cls: type) -> set[str]:
    return {field.name for field in attrs.fields(cls) if field.metadata.get(LAZY)}


def test_only_the_fields_the_api_leaves_out_of_lists_are_lazy() -> None:
    declared = {cls.__name__: lazy_fields(cls) for cls in ALL_CLASSES if lazy_fields(cls)}
    assert declared == {"Document": {"content"}, "Asset": {"content"}}


@pytest.mark.parametrize("cls", [Document, Asset])
def test_lazy_fields_are_named_in_the_class_docstring(cls: type) -> None:
    assert "Lazy fields" in (cls.__doc__ or "")
    for name in lazy_fields(cls):
        assert f"``{name}``" in (cls.__doc__ or "")


def test_optional_fields_absent_from_a_list_cost_no_request(
    las_emulator: Emulator, dataset: Dataset, session: las.Session, api: Requests
) -> None:
    las_emulator.seed_documents(300, dataset_id=dataset.id)
    api.clear()
    documents = list(Document.all(dataset=dataset, page_size=300, session=session))
    values = [(d.consent_id, d.batch_id, d.ground_truth, d.updated_by) for d in documents]
    assert values == [(None, None, [], None)] * 300
    assert api.calls == [("GET", "/documents")]


def test_a_lazy_field_loads_once_and_the_object_says_so(
    dataset: Dataset, session: las.Session, api: Requests
) -> None:
    dataset.documents.create(PDF)
    [listed] = list(Document.all(session=session))
    assert not listed.loaded
    api.clear()
    assert listed.content == PDF and listed.content == PDF
    assert listed.loaded
    assert api.calls == [("GET", f"/documents/{listed.id}")]
    assert len(api.files) == content_downloads(session.contract)  # and its bytes once, if at a file URL


def test_load_fetches_only_what_is_missing_and_refresh_always_fetches(
    document: Document, session: las.Session, api: Requests
) -> None:
    got = Document.get(document.id, session=session)
    api.clear()
    assert got.loaded and got.load() is got
    assert len(api) == 0
    assert got.refresh() is got
    assert api.calls == [("GET", f"/documents/{document.id}")]


def test_a_listed_object_does_not_hold_a_lock_while_loading(
    las_emulator: Emulator, document: Document, session: las.Session
) -> None:
    [listed] = list(Document.all(session=session))
    las_emulator.delay_next(1, seconds=2.0, method="GET", path="/documents/{documentId}")
    loaded = threading.Event()

    def read_content() -> None:
        assert listed.content == PDF
        loaded.set()

    loader = threading.Thread(target=read_content)
    loader.start()
    try:
        while listed._meta.loading is None:
            threading.Event().wait(0.01)  # until the load is in flight (the server holds it 2 s)
        assert listed.content_type == "application/pdf"  # a held field: answered at once
        assert not loaded.is_set()  # ... while the load was still waiting for the server
    finally:
        loader.join()
    assert loaded.is_set()


def test_concurrent_readers_never_see_a_default_and_cost_one_request(
    las_emulator: Emulator, document: Document, session: las.Session, api: Requests
) -> None:
    [listed] = list(Document.all(session=session))
    api.clear()
    las_emulator.delay_next(1, seconds=0.3, method="GET", path="/documents/{documentId}")
    barrier = threading.Barrier(8)
    seen: list[bytes | None] = []

    def read() -> None:
        barrier.wait()
        seen.append(listed.content)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [PDF] * 8
    assert api.calls == [("GET", f"/documents/{document.id}")]
    assert len(api.files) == content_downloads(session.contract)


def test_a_resource_pickles_as_its_data_and_uses_the_default_session_where_unpickled(
    document: Document, session: las.Session, api: Requests
) -> None:
    [listed] = list(Document.all(session=session))
    restored = pickle.loads(pickle.dumps(listed))
    assert restored == listed and restored.ground_truth == listed.ground_truth
    assert restored.created_time == listed.created_time
    assert not restored.loaded
    other = las.Session(session.credentials)
    with las.using_session(other):
        assert restored.session is other  # the default where it is used
        assert restored.content == PDF  # loads through it


def test_a_ref_pickles_as_a_ref(document: Document, session: las.Session, api: Requests) -> None:
    restored = pickle.loads(pickle.dumps(Document.ref(document.id, session=session)))
    assert len(api) == 0
    assert restored.content_type == "application/pdf"
    assert api.calls == [("GET", f"/documents/{document.id}")]


def test_a_got_object_pickles_with_its_content(document: Document, session: las.Session) -> None:
    got = Document.get(document.id, session=session)
    restored = pickle.loads(pickle.dumps(got))
    assert restored.loaded and restored.content == PDF


def test_objects_of_one_page_share_nothing_that_changes(
    dataset: Dataset, session: las.Session, api: Requests
) -> None:
    """A listed object keeps its page's metadata until it needs its own (resources/_base.py): loading
    or pickling one object of a page changes nothing of the others."""
    for _ in range(3):
        dataset.documents.create(PDF, ground_truth={"total_amount": "1.00"})
    first, second, third = Document.all(session=session, page_size=3)
    page_info = second.last_response_info
    assert page_info is not None and first.last_response_info is page_info
    api.clear()
    first.load()
    assert first.loaded and not second.loaded and not third.loaded
    assert first.last_response_info is not page_info and second.last_response_info is page_info
    assert api.calls == [("GET", f"/documents/{first.id}")]  # one load, for the one object
    copy = pickle.loads(pickle.dumps(second))
    assert copy.id == second.id and not copy.loaded and not second.loaded
    assert second.ground_truth[0].label == "total_amount" and second.created_time is not None
    assert not third.loaded and third.ground_truth == second.ground_truth
    assert len(api) == 1  # reading a listed object's fields sent nothing


def test_threads_that_first_touch_a_listed_objects_metadata_at_once_share_one(
    dataset: Dataset, session: las.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listed object makes its own metadata on first use (resources/_base.py), atomically: two
    threads must not each make one, or both would think themselves the one that loads it. The
    first to make it waits (up to 0.3 s) for a second to start making one too, which only a race
    lets happen."""
    from las.resources import _base

    dataset.documents.create(PDF)
    [listed] = Document.all(session=session)
    making, second = threading.Event(), threading.Event()
    made = _base._Meta.__init__

    def init(meta: object, *args: object) -> None:
        if making.is_set():  # a second maker: only a race lets one in
            second.set()
        else:
            making.set()
            second.wait(0.3)
        made(meta, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(_base._Meta, "__init__", init)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(listed._meta)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not second.is_set(), "a second thread made the object's metadata while the first did"
    assert len(seen) == 2 and seen[0] is seen[1]
