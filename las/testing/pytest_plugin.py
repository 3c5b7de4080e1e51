"""pytest fixtures for testing code against the emulator (registered as the ``las`` plugin).

* ``las_emulator``: the running :class:`~las.testing.Emulator`, reset before each test (one
  server per test session, so a test costs no start-up).
* ``las_session``: a ``las.Session`` with credentials for the emulator and a token cache in
  the test's ``tmp_path``; it is the default session during the test (``las.Document.get(id)``
  without ``session=`` uses it), and the default from before is restored after it.
* ``las_client``: a ``las.Client`` using ``las_session``.
* ``las_recording``: a session whose conversation with the real service is recorded once
  (``pytest --las-record``) and replayed from a cassette ever after
  (:mod:`las.testing.recording`; needs the ``testing`` extra, vcrpy).

Example::

    def test_creates_a_dataset(las_client, las_emulator):
        las_client.create_dataset(name="receipts")
        assert [r.path for r in las_emulator.requests if r.method == "POST"] == ["/token", "/datasets"]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from las.testing._emulator import Emulator


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("las", "las (Lucidtech AI Services SDK)")
    group.addoption(
        "--las-record",
        action="store_true",
        default=False,
        help="las_recording: run against the real service and write the cassettes (else: replay them)",
    )
    group.addoption(
        "--las-cassettes",
        default=None,
        metavar="DIR",
        help="las_recording: the folder of cassettes (default: a cassettes/ folder beside each test file)",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    if call.when == "call":  # las_recording checks what was played only after a test that passed
        item.las_call_passed = outcome.get_result().passed  # type: ignore[attr-defined]


@pytest.fixture
def las_recording(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A :class:`las.testing.recording.Recording`: ``.session`` is recorded against the real
    service with ``pytest --las-record`` and replayed from the test's cassette otherwise."""
    from las.testing import recording

    yield from recording.run(request, tmp_path)


@pytest.fixture(scope="session")
def _las_emulator_server() -> Iterator[Emulator]:
    """One emulator for the whole test session (see ``las_emulator``)."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def las_emulator(_las_emulator_server: Emulator) -> Emulator:
    """The session's emulator with fresh state, no faults and no recorded requests."""
    _las_emulator_server.reset()
    return _las_emulator_server


@pytest.fixture
def las_session(las_emulator: Emulator, tmp_path: Path) -> Iterator[Any]:
    """A ``las.Session`` authenticated against ``las_emulator`` (closed after the test)."""
    import las

    credentials = las.Credentials(
        las_emulator.client_id,
        las_emulator.client_secret,
        auth_endpoint=las_emulator.auth_endpoint,
        api_endpoint=las_emulator.api_endpoint,
        cache_path=tmp_path / "token-cache.json",
    )
    session = las.Session(credentials)
    with las.using_session(session):
        yield session
    close = getattr(session, "close", None)
    if callable(close):
        close()


@pytest.fixture
def las_client(las_session: Any) -> Any:
    """A ``las.Client`` using ``las_session``."""
    import las

    return las.Client(session=las_session)
