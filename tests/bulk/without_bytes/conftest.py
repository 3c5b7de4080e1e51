"""Fixtures for the bulk tests of documents created without their bytes (2024-11-29): the 2024
emulator (every request the SDK sent it checked against its contract), a session speaking its
contract, a dataset, and what the tests count."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.bulk.conftest import documents_in
from tests.conftest import requests_outside_the_contract


@pytest.fixture
def emulator(emulator_2024: Emulator) -> Iterator[Emulator]:
    """The 2024-11-29 emulator; every request the SDK sent it is checked against its contract."""
    yield emulator_2024
    problems = requests_outside_the_contract(emulator_2024)
    assert not problems, "the SDK sent requests outside the contract:\n" + "\n".join(problems)


def credentials_for(emulator: Emulator, cache_path: Path) -> las.Credentials:
    return las.Credentials(
        emulator.client_id,
        emulator.client_secret,
        emulator.auth_endpoint,
        emulator.api_endpoint,
        cache_path=cache_path,
        contract=emulator.contract,
    )


@pytest.fixture
def session(emulator: Emulator, tmp_path: Path) -> Iterator[las.Session]:
    # one retry: failures past the retries come fast
    with las.Session(credentials_for(emulator, tmp_path / "token.json"), max_retries=1) as session:
        yield session


@pytest.fixture
def client(session: las.Session) -> las.Client:
    return las.Client(session=session)


@pytest.fixture
def dataset(client: las.Client) -> str:
    return str(client.create_dataset(name="bulk")["datasetId"])


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "upload.jsonl"


def md5_of(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def puts(emulator: Emulator) -> int:
    """PUTs that reached the file URLs."""
    return requests_to(emulator, "PUT", FILES_PATH)


def requests_to(emulator: Emulator, method: str, prefix: str) -> int:
    return sum(1 for sent in emulator.requests if sent.method == method and sent.path.startswith(prefix))


def states(journal: Path) -> list[str]:
    """The state of every line of the journal after its header, in order."""
    return [json.loads(line)["state"] for line in journal.read_text().splitlines()[1:]]


def last_line(journal: Path) -> dict[str, Any]:
    return dict(json.loads(journal.read_text().splitlines()[-1]))


def assert_each_item_once_with_its_bytes(client: las.Client, dataset: str, contents: list[bytes]) -> None:
    """Exactly one document per item in the whole emulator, each holding that item's bytes."""
    everywhere = list(las.paginate(client.list_documents))
    assert len(everywhere) == len(contents), [doc["documentId"] for doc in everywhere]
    in_dataset = documents_in(client, dataset)
    assert sorted(str(doc["contentMD5"]) for doc in in_dataset) == sorted(md5_of(data) for data in contents)
