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
