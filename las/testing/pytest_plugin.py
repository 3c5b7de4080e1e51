"""pytest fixtures for testing code against the emulator (registered as the ``las`` plugin).

* ``las_emulator``: the running :class:`~las.testing.Emulator`, reset before each test (one
  server per test session, so a test costs no start-up).
* ``las_session``: ``las_emulator.session()``, a ``las.Session`` of the emulator's own app
  client speaking the contract it serves, with a token cache of its own (neither
  ``~/.lucidtech`` nor the test's ``tmp_path``: nothing is written there); it is the default
  session during the test (``las.Document.get(id)`` without ``session=`` uses it), the
  default from before is restored after it, and it is closed.
* ``las_client``: a ``las.Client`` using ``las_session``.
* ``las_recording``: a session whose conversation with the real service is recorded once
  (``pytest --las-record``) and replayed from a cassette ever after
  (:mod:`las.testing.recording`; needs the ``testing`` extra, vcrpy).

The emulator serves the API contract given by ``pytest --las-contract 2024-11-29``, else by the
environment variable ``LAS_EMULATOR_CONTRACT``, else ``2021-09-23`` (the seed's, the default of
:class:`~las.testing.Emulator`). A test about one contract's specifics is marked
``@pytest.mark.las_contract("2024-11-29")`` and is skipped, with the reason, under the other.

Example::

    def test_creates_a_dataset(las_client, las_emulator):
        las_client.create_dataset(name="receipts")
        assert [r.path for r in las_emulator.requests if r.method == "POST"] == ["/token", "/datasets"]
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from las.testing._contracts import CONTRACTS, DEFAULT_CONTRACT, check_contract
from las.testing._emulator import Emulator

CONTRACT_OPTION = "--las-contract"
CONTRACT_ENVIRONMENT = "LAS_EMULATOR_CONTRACT"
MARKER = "las_contract"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("las", "las (Lucidtech AI Services SDK)")
    group.addoption(
        CONTRACT_OPTION,
        choices=CONTRACTS,
        default=None,
        help=f"API contract the las_emulator fixture serves (default: ${CONTRACT_ENVIRONMENT}, else "
        f"{DEFAULT_CONTRACT})",
    )
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(version): the test is about this API contract ({' or '.join(CONTRACTS)}); it is "
        "skipped when the las_emulator fixture serves the other",
    )
    served_contract(config)  # a wrong LAS_EMULATOR_CONTRACT stops the run before any test


def served_contract(config: pytest.Config) -> str:
    """The contract the ``las_emulator`` fixture serves in this run.

    Raises:
        pytest.UsageError: ``LAS_EMULATOR_CONTRACT`` names neither contract.
    """
    chosen = config.getoption(CONTRACT_OPTION, default=None)
    if chosen:
        return str(chosen)
    try:
        return check_contract(os.environ.get(CONTRACT_ENVIRONMENT) or DEFAULT_CONTRACT)
    except ValueError as error:
        raise pytest.UsageError(f"{CONTRACT_ENVIRONMENT}: {error}") from None


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return
    if len(marker.args) != 1:
        raise pytest.UsageError(f'{item.nodeid}: write @pytest.mark.{MARKER}("2024-11-29"), one contract')
    try:
        wanted = check_contract(marker.args[0])
    except ValueError as error:
        raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.{MARKER}: {error}") from None
    served = served_contract(item.config)
    if wanted != served:
        pytest.skip(
            f"about the {wanted} contract; the emulator serves {served} "
            f"({CONTRACT_OPTION} / {CONTRACT_ENVIRONMENT} choose)"
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
def _las_emulator_server(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """One emulator for the whole test session (see ``las_emulator``)."""
    with Emulator(contract=served_contract(request.config)) as emulator:
        yield emulator


@pytest.fixture
def las_emulator(_las_emulator_server: Emulator) -> Emulator:
    """The session's emulator with fresh state, no faults and no recorded requests."""
    _las_emulator_server.reset()
    return _las_emulator_server


@pytest.fixture
def las_session(las_emulator: Emulator) -> Iterator[Any]:
    """A ``las.Session`` authenticated against ``las_emulator`` (closed after the test)."""
    import las

    with las_emulator.session() as session, las.using_session(session):
        yield session


@pytest.fixture
def las_client(las_session: Any) -> Any:
    """A ``las.Client`` using ``las_session``."""
    import las

    return las.Client(session=las_session)
