"""Fixtures for the entities of the 2024-11-29 contract (issue 20, point 3): the 2024 emulator
(whatever ``--las-contract`` says), sessions speaking that contract, and the request log, every
request of which is validated against ``oas-2024-11-29.json`` after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import las
from las.testing import Emulator

V2024 = "2024-11-29"
FIELDS = {"total_amount": {"type": "amount", "maxLength": 16}, "due_date": {"type": "date"}}


class Sent:
    """The API requests the emulator received since the last ``clear()`` (token requests left
    out). ``clear()`` keeps the emulator's log, which the ``emulator`` fixture validates whole."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._seen = 0

    def clear(self) -> None:
        self._seen = len(self.emulator.requests)

    @property
    def all(self) -> list[Any]:
        return [
            request
            for request in self.emulator.requests[self._seen :]
            if request.path not in ("/token", "/oauth2/token")
        ]

    @property
    def calls(self) -> list[tuple[str, str]]:
        """``(method, path)`` of each API request, in order."""
        return [(request.method, request.path) for request in self.all]

    def last(self, method: str) -> Any:
        """The last request of ``method``."""
        return [request for request in self.all if request.method == method][-1]


def _credentials(emulator: Emulator, tmp_path: Path, contract: str) -> las.Credentials:
    return emulator.credentials(cache_path=tmp_path / f"token-{contract}.json", contract=contract)


@pytest.fixture
def emulator(emulator_2024: Emulator) -> Emulator:
    """The 2024 emulator with fresh state; every request the SDK sends it is checked against
    oas-2024-11-29.json (tests/conftest.py's autouse check; those it refused as malformed aside)."""
    return emulator_2024


@pytest.fixture
def session(emulator: Emulator, tmp_path: Path) -> Iterator[las.Session]:
    """A Session speaking 2024-11-29 to the 2024 emulator."""
    with las.Session(_credentials(emulator, tmp_path, V2024)) as session:
        yield session


@pytest.fixture
def session_2021(emulator: Emulator, tmp_path: Path) -> Iterator[las.Session]:
    """A Session speaking 2021-09-23 (to the 2024 emulator: what it refuses is never sent)."""
    with las.Session(_credentials(emulator, tmp_path, "2021-09-23")) as session:
        yield session


@pytest_asyncio.fixture
async def async_session(emulator: Emulator, tmp_path: Path) -> AsyncIterator[las.AsyncSession]:
    """An AsyncSession speaking 2024-11-29 to the 2024 emulator."""
    async with las.AsyncSession(_credentials(emulator, tmp_path, V2024)) as session:
        yield session


@pytest.fixture
def sent(emulator: Emulator) -> Sent:
    return Sent(emulator)


@pytest.fixture
def dataset(session: las.Session, emulator: Emulator) -> las.Dataset:
    """A dataset of three seeded documents (the same bytes: duplicates)."""
    dataset = las.Dataset.create(name="invoices", session=session)
    emulator.seed_documents(3, dataset_id=dataset.id)
    return dataset


@pytest.fixture
def model(session: las.Session) -> las.Model:
    return las.Model.create(FIELDS, name="invoices", session=session)


@pytest.fixture
def bundle(model: las.Model, dataset: las.Dataset, emulator: Emulator) -> las.DataBundle:
    """A data bundle of ``dataset``, succeeded (its 30 s of the emulator's clock passed)."""
    bundle = model.data_bundles.create([dataset], name="v1")
    emulator.clock.advance(30)
    return bundle
