"""Fixtures for the resource-layer tests: an emulator, a Session bound to it, and request counting."""

from __future__ import annotations

from typing import Any

import pytest

import las
import las.resources
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.support.contracts import model_size


class Requests:
    """The API requests the emulator received since the last ``clear()`` (token requests left
    out, and the file URLs' of 2024-11-29: ``files``)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def clear(self) -> None:
        self.emulator.clear_requests()

    @property
    def all(self) -> list[Any]:
        return [
            request
            for request in self.emulator.requests
            if request.path != "/token" and not request.path.startswith(FILES_PATH)
        ]

    @property
    def files(self) -> list[str]:
        """The method of each request to a file URL (2024-11-29: a document's bytes), in order."""
        return [request.method for request in self.emulator.requests if request.path.startswith(FILES_PATH)]

    @property
    def calls(self) -> list[tuple[str, str]]:
        """``(method, path)`` of each API request, in order."""
        return [(request.method, request.path) for request in self.all]

    def __len__(self) -> int:
        return len(self.all)


@pytest.fixture
def session(las_session: las.Session) -> las.Session:
    """A Session bound to the emulator (fresh emulator state per test)."""
    return las_session


@pytest.fixture
def api(las_emulator: Emulator, session: las.Session) -> Requests:
    """Counts the API requests; cleared at the start of the test."""
    las_emulator.clear_requests()
    return Requests(las_emulator)


@pytest.fixture(autouse=True)
def default_session(las_session: las.Session) -> las.Session:
    """The emulator Session, the default one during each test (the plugin restores the one before)."""
    return las_session


@pytest.fixture
def dataset(session: las.Session) -> las.resources.Dataset:
    return las.resources.Dataset.create(name="receipts", description="test data", session=session)


@pytest.fixture
def model(session: las.Session) -> las.resources.Model:
    return las.resources.Model.create(
        {
            "total_amount": las.resources.FieldConfigEntry("amount", 20),
            "due_date": {"type": "date", "maxLength": 10},
        },
        **model_size(session.contract),
        name="invoices",
        session=session,
    )


PDF = b"%PDF-1.4 a small test document"


@pytest.fixture
def document(session: las.Session, dataset: las.resources.Dataset) -> las.resources.Document:
    return las.resources.Document.create(
        PDF,
        dataset=dataset,
        ground_truth={"total_amount": "120.00", "due_date": "2024-01-31"},
        session=session,
    )
