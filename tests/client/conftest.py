"""Fixtures for the transport tests: a scripted loopback server and a Client bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import las
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder

# Scripts as users write them, run by the tests (tests/client/test_scripts_11_4.py), never imported
# by collection: --doctest-modules would run them on import.
collect_ignore_glob = ["scripts/*"]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.close()


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "lucidtech" / "token-cache.json"


@pytest.fixture
def credentials(recorder: Recorder, cache_path: Path) -> las.Credentials:
    return las.Credentials(CLIENT_ID, CLIENT_SECRET, recorder.url, recorder.url, cache_path=cache_path)


@pytest.fixture
def session(credentials: las.Credentials) -> Iterator[las.Session]:
    with las.Session(credentials, max_retries=3, timeout=(2.0, 5.0)) as session:
        yield session


@pytest.fixture
def client(session: las.Session) -> las.Client:
    return las.Client(session=session)


@pytest.fixture
def session_2024(credentials: las.Credentials) -> Iterator[las.Session]:
    """A session on the recorder that speaks the 2024-11-29 contract (today's service)."""
    with las.Session(credentials, max_retries=3, timeout=(2.0, 5.0), contract="2024-11-29") as session:
        yield session


@pytest.fixture
def client_2024(session_2024: las.Session) -> las.Client:
    return las.Client(session=session_2024)
