"""Listed objects at their edges, found by a review: what the contract allows on a list page, a
read racing an update, and copies and pickles that keep what the object was."""

from __future__ import annotations

import copy
import pickle
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import las
import las.testing._handlers as handlers
from las.resources import Document, Model, Prediction
from las.resources._plan import WireError
from las.testing import Emulator

from .conftest import PDF

HEX = "ab" * 16
ORGANISATION_MODEL = "las:organization:cradl/las:model:invoice-v2"


@pytest.fixture
def session_2024(emulator_2024: Emulator, tmp_path: Any) -> Iterator[las.Session]:
    with las.Session(emulator_2024.credentials(cache_path=tmp_path / "cache.json")) as session:
        yield session


def test_a_prediction_whose_items_are_an_empty_object_is_listed_as_having_none() -> None:
    """2024-11-29 answers a prediction's ``predictions`` as ``{}`` when there are none: a list
    page holding one was refused whole on arrival, though the same body fetched reads as []."""
    item = {
        "predictionId": f"las:prediction:{HEX}",
        "documentId": f"las:document:{HEX}",
        "modelId": f"las:model:{HEX}",
        "predictions": {},
    }
    assert Prediction._from_wire(dict(item), None).predictions == []
    [listed] = Prediction._from_page([dict(item)], None, None)
    assert listed.predictions == []
    with pytest.raises(WireError):  # any other object is still refused on arrival
        Prediction._from_page([{**item, "predictions": {"label": "x"}}], None, None)


def test_prediction_all_reads_a_page_with_an_empty_object_of_items(
    session_2024: las.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = Model.create({"total": {"type": "amount", "maxLength": 10}}, session=session_2024)
    document = Document.create(PDF, "application/pdf", session=session_2024)
    render = handlers.render_prediction

    def empty(state: Any, row: Any) -> dict[str, Any]:  # what the contract allows
        return {**render(state, row), "predictions": {}}

    monkeypatch.setattr(handlers, "render_prediction", empty)
    created = Prediction.create(document, model, session=session_2024)
    assert [each.predictions for each in Prediction.all(session=session_2024)] == [[]]
    assert Prediction.get(created.id, session=session_2024).predictions == []


def test_an_organisations_model_keeps_its_id_through_pickle_and_copy(session_2024: las.Session) -> None:
    """2024-11-29 answers it without the organisation's prefix; the object keeps the id it was
    asked for, and so now do its pickle and its copies."""
    model = Model.get(ORGANISATION_MODEL, session=session_2024)
    assert model.id == ORGANISATION_MODEL
    with las.using_session(session_2024):
        restored = pickle.loads(pickle.dumps(model))
    for other in (restored, copy.copy(model), copy.deepcopy(model)):
        assert other.id == ORGANISATION_MODEL and other == model


def test_a_copy_talks_through_the_objects_session_not_the_default_one(
    las_session: las.Session, las_emulator: Emulator, tmp_path: Any
) -> None:
    Document.create(PDF, "application/pdf", ground_truth={"total": "1"}, session=las_session)
    [listed] = Document.all(session=las_session)
    fetched = Document.get(listed.id, session=las_session)
    with las.Session(las_emulator.credentials(cache_path=tmp_path / "other.json")) as other:
        with las.using_session(other):
            for original in (listed, fetched):
                shallow, deep = copy.copy(original), copy.deepcopy(original)
                assert shallow.session is las_session and deep.session is las_session
                assert shallow == original and deep == original
                assert [item.label for item in deep.ground_truth] == ["total"]
                assert deep.to_dict() == original.to_dict()
    assert deep.ground_truth is not original.ground_truth  # a deep copy's values are its own


def test_a_listed_object_accepted_with_a_field_checked_when_read_can_be_copied_and_unpickled() -> None:
    """A timestamp that is a string but not ISO 8601 is accepted on a list page and raises when
    read; copying or unpickling such an object raised at once, even with the field unread."""
    item = {"documentId": f"las:document:{HEX}", "createdTime": "yesterday", "groundTruth": []}
    [document] = Document._from_page([item], None, None)
    for other in (copy.copy(document), copy.deepcopy(document), pickle.loads(pickle.dumps(document))):
        assert other == document and other.ground_truth == []
        with pytest.raises(las.InvalidResponseError, match="createdTime"):
            other.created_time  # noqa: B018 - the read is the test


def test_a_deferred_read_racing_an_update_keeps_the_updates_value(
    las_session: las.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader converted the listed body, the update took its answer meanwhile, then the
    reader held what it had built from the old body, for good."""
    Document.create(PDF, "application/pdf", ground_truth={"old": "1"}, session=las_session)
    [listed] = Document.all(session=las_session)
    descriptor = Document.__dict__["ground_truth"]
    convert = descriptor.convert
    converting, go_on = threading.Event(), threading.Event()

    def slow(raw: Any, client: Any) -> Any:  # a long ground truth on a busy machine
        value = convert(raw, client)
        converting.set()
        go_on.wait(5)
        return value

    monkeypatch.setattr(descriptor, "convert", slow)
    seen: list[Any] = []
    reader = threading.Thread(target=lambda: seen.append(listed.ground_truth))
    reader.start()
    assert converting.wait(5)
    monkeypatch.setattr(descriptor, "convert", convert)
    listed.update(ground_truth={"new": "2"})
    go_on.set()
    reader.join()
    assert [item.label for item in listed.ground_truth] == ["new"]
    assert [item.label for item in seen[0]] == ["new"]  # the reader is answered with what is held
