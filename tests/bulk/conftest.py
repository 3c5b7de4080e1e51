"""Fixtures for the bulk tests: a dataset and a model in the emulator, a folder of distinct PDF
files, and what reached the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

import las
from las.testing import Emulator
from tests.support.contracts import model_size

MODEL_FIELDS = {
    "total": {"type": "amount", "maxLength": 10, "description": "Total"},
    "date": {"type": "date", "maxLength": 10, "description": "Date"},
}


def pdf(number: int) -> bytes:
    """A small PDF whose bytes differ for each number."""
    return b"%PDF-1.4\n%% item " + str(number).encode() + b"\n%%EOF\n"


def post_documents(emulator: Emulator) -> int:
    """How many POST /documents reached the emulator (answered or not)."""
    return sum(1 for sent in emulator.requests if sent.method == "POST" and sent.path == "/documents")


def predictions_sent(emulator: Emulator) -> list[int]:
    """The status of each POST /predictions that reached the emulator, in order (0: no answer)."""
    return [
        sent.status for sent in emulator.requests if sent.method == "POST" and sent.path == "/predictions"
    ]


def new_model(client: las.Client, name: str = "bulk") -> str:
    """A model of :data:`MODEL_FIELDS`, sized as the client's contract asks."""
    return str(
        client.create_model(MODEL_FIELDS, **model_size(client.contract, 300, 400), name=name)["modelId"]
    )


def documents_in(client: las.Client, dataset_id: str) -> list[dict[str, object]]:
    return list(las.paginate(client.list_documents, dataset_id=dataset_id))


@pytest.fixture
def model_id(las_client: las.Client) -> str:
    return new_model(las_client)


@pytest.fixture
def dataset_id(las_client: las.Client) -> str:
    return str(las_client.create_dataset(name="bulk")["datasetId"])


@pytest.fixture
def scans(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "scans"
    folder.mkdir()
    paths = []
    for number in range(20):
        path = folder / f"scan-{number:02d}.pdf"
        path.write_bytes(pdf(number))
        paths.append(path)
    return paths
