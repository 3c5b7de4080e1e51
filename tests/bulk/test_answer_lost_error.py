"""las.AnswerLostError: the Session says "sent, answer lost" apart from "never sent"."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from tests.bulk.conftest import documents_in, pdf, post_documents


def test_a_post_whose_answer_is_lost_raises_answer_lost_and_is_not_resent(
    las_client: las.Client, las_emulator: Emulator, dataset_id: str
) -> None:
    las_emulator.lose_answer_next(1, method="POST", path="/documents")
    with pytest.raises(las.AnswerLostError, match="POST /documents"):
        las_client.create_document(pdf(1), dataset_id=dataset_id)
    assert post_documents(las_emulator) == 1 and len(documents_in(las_client, dataset_id)) == 1


def test_a_dropped_post_is_answer_lost_too_as_the_client_cannot_tell(
    las_client: las.Client, las_emulator: Emulator, dataset_id: str
) -> None:
    las_emulator.drop_next(1, method="POST", path="/documents")
    with pytest.raises(las.AnswerLostError):
        las_client.create_document(pdf(1), dataset_id=dataset_id)


def test_a_connection_that_never_opened_is_a_plain_connection_error(
    las_emulator: Emulator, tmp_path: Path
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    credentials = las.Credentials(
        las_emulator.client_id,
        las_emulator.client_secret,
        las_emulator.auth_endpoint,
        dead,
        cache_path=tmp_path / "cache.json",
        contract=las_emulator.contract,
    )
    with las.Session(credentials, max_retries=0) as session, pytest.raises(las.APIConnectionError) as raised:
        las.Client(session=session).create_dataset(name="never sent")
    assert not isinstance(raised.value, las.AnswerLostError)


def test_answer_lost_is_a_connection_error_for_code_that_catches_those(
    las_client: las.Client, las_emulator: Emulator, dataset_id: str
) -> None:
    import requests

    las_emulator.lose_answer_next(1, method="POST", path="/documents")
    with pytest.raises(requests.ConnectionError):
        las_client.create_document(pdf(2), dataset_id=dataset_id)
