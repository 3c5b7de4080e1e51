"""Fixtures for file URLs: the API stand-in (the recorder), the file server stand-in, and a client
of each variant speaking the 2024-11-29 contract, called the same way from the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

import las
from las.content import CONTRACT_2024
from tests.aio.conftest import Variant
from tests.client.conftest import cache_path, credentials, recorder
from tests.support.file_server import FileServer

__all__ = ["Variant", "cache_path", "credentials", "recorder"]  # fixtures shared with tests/client

DOCUMENT_ID = "las:document:" + "d" * 32


def speaking(session: Any, contract: str) -> Any:
    """``session`` speaking ``contract``.

    Until ``las.Session(contract=...)`` lands (branch s20-client), the attribute is set on the
    session, which is where the SDK reads it (``las.content.contract_of``).
    """
    session.contract = contract
    return session


@pytest.fixture
def files() -> Iterator[FileServer]:
    server = FileServer()
    yield server
    server.close()


@pytest.fixture
def session(credentials: las.Credentials) -> Iterator[las.Session]:
    with las.Session(credentials, max_retries=3, timeout=(2.0, 5.0)) as session:
        yield speaking(session, CONTRACT_2024)


@pytest.fixture
def client(session: las.Session) -> las.Client:
    return las.Client(session=session)


@pytest_asyncio.fixture(params=["sync", "async"])
async def variant(request: pytest.FixtureRequest, credentials: las.Credentials) -> AsyncIterator[Variant]:
    options: dict[str, Any] = {"max_retries": 3, "timeout": (2.0, 5.0)}
    if request.param == "sync":
        with las.Session(credentials, **options) as session:
            yield Variant("sync", las.Client(session=speaking(session, CONTRACT_2024)), ())
    else:
        async with las.AsyncSession(credentials, **options) as asession:
            yield Variant("async", las.AsyncClient(session=speaking(asession, CONTRACT_2024)), ())
