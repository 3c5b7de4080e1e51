"""A filter that selects nothing never becomes a request without the filter (found by a review):
HTTP cannot carry an empty list, and the API reads a missing filter as every one, so
``dataset_id=[]`` listed, and ``DELETE /documents`` deleted, every document of the organisation."""

from __future__ import annotations

import json
from typing import Any

import pytest

import las
from las.testing import Emulator


@pytest.fixture
def emulator() -> Any:
    with Emulator() as emulator:
        emulator.seed_documents(5)
        yield emulator


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.list_documents(dataset_id=[]),
        lambda client: client.delete_documents(dataset_id=[]),
        lambda client: client.delete_documents(consent_id=(), delete_all=True),
        lambda client: las.paginate(client.list_documents, dataset_id=[]),
        lambda client: client.delete_dataset([], delete_documents=True),
        lambda client: client.delete_dataset(None, delete_documents=True),
    ],
    ids=["list", "delete", "delete-all", "paginate", "delete-dataset-empty", "delete-dataset-none"],
)
def test_an_empty_list_or_no_dataset_is_refused_before_any_request(emulator: Emulator, call: Any) -> None:
    with emulator.session(max_retries=0) as session:
        client = las.Client(session=session)
        emulator.clear_requests()
        with pytest.raises(ValueError) as raised:
            result = call(client)
            list(result) if result is not None and not isinstance(result, dict) else None
        assert emulator.requests == [], str(raised.value)
        assert len(client.list_documents()["documents"]) == 5


@pytest.mark.parametrize("filters", [{"dataset": []}, {"consent": set()}])
def test_a_resource_filter_given_an_empty_list_is_refused_naming_it(emulator: Emulator, filters: Any) -> None:
    with emulator.session(max_retries=0) as session:
        emulator.clear_requests()
        with pytest.raises(
            las.resources.InvalidArgumentError, match=f"{next(iter(filters))}=\\[\\] selects nothing"
        ):
            las.Document.all(session=session, **filters)
        assert emulator.requests == []


def test_deleting_every_page_stops_on_a_repeated_next_token(emulator: Emulator) -> None:
    """``delete_documents(delete_all=True)`` followed a repeated token, one DELETE after another."""
    with emulator.session(max_retries=0) as session:
        client = las.Client(session=session)
        page = json.dumps({"documents": [], "nextToken": "A"}).encode()
        emulator.fail_next(20, status=200, body=page, method="DELETE", path="/documents")
        emulator.clear_requests()
        with pytest.raises(las.InvalidResponseError, match="nextToken"):
            client.delete_documents(delete_all=True)
        assert sum(1 for sent in emulator.requests if sent.method == "DELETE") == 2
