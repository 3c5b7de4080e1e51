"""The emulator's "lose" fault: the request is handled, then the connection closes unanswered."""

from __future__ import annotations

import pytest
import requests

import las
from las.testing import Emulator
from tests.bulk.conftest import documents_in, pdf, post_documents


def test_lose_answer_next_creates_the_document_but_the_client_hears_nothing(
    las_client: las.Client, las_emulator: Emulator, dataset_id: str
) -> None:
    las_emulator.lose_answer_next(1, method="POST", path="/documents")
    with pytest.raises(requests.ConnectionError):
        las_client.create_document(pdf(1), dataset_id=dataset_id)
    assert len(documents_in(las_client, dataset_id)) == 1  # the work was done
    assert post_documents(las_emulator) == 1  # and the Session did not send the POST again
    lost = [sent for sent in las_emulator.requests if sent.path == "/documents" and sent.method == "POST"]
    assert lost[0].status == 0
    las_client.create_document(pdf(2), dataset_id=dataset_id)  # the next one is answered
    assert len(documents_in(las_client, dataset_id)) == 2


def test_lose_answer_next_respects_its_filters(
    las_client: las.Client, las_emulator: Emulator, dataset_id: str
) -> None:
    las_emulator.lose_answer_next(1, method="POST", path="/documents")
    las_client.list_documents(dataset_id=dataset_id)  # a GET of the same path is not concerned
    las_client.create_dataset(name="other")  # nor a POST elsewhere
    with pytest.raises(requests.ConnectionError):
        las_client.create_document(pdf(1), dataset_id=dataset_id)


def test_a_lost_answer_to_an_idempotent_request_is_retried_by_the_session(
    las_client: las.Client, las_emulator: Emulator, dataset_id: str
) -> None:
    las_emulator.lose_answer_next(1, method="GET", path="/datasets/{datasetId}")
    assert las_client.get_dataset(dataset_id)["datasetId"] == dataset_id
    gets = [
        sent for sent in las_emulator.requests if sent.method == "GET" and sent.path.startswith("/datasets/")
    ]
    assert [sent.status for sent in gets] == [0, 200]


def test_fail_randomly_with_the_lose_kind_does_the_work_and_loses_the_answer(
    las_client: las.Client, las_emulator: Emulator
) -> None:
    las_emulator.fail_randomly(1.0, kinds=("lose",), method="POST", path="/datasets")
    for _ in range(3):
        with pytest.raises(requests.ConnectionError):
            las_client.create_dataset(name="lost")
    las_emulator.clear_faults()
    assert len(las_client.list_datasets()["datasets"]) == 3


def test_fail_randomly_refuses_an_unknown_kind_and_names_lose(las_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="lose"):
        las_emulator.fail_randomly(0.5, kinds=("vanish",))
