# --- API contract (tests/contract.py) ----------------------------------------------------------
from __future__ import annotations

import os
import weakref
from collections.abc import Iterable, Iterator

import pytest
from hypothesis import HealthCheck, settings

from las.testing import Emulator
from las.testing._files import FILES_PATH
from las.testing._server import RecordedRequest
from las.testing.pytest_plugin import served_contract
from tests.contract import Contract, load_contract

pytest_plugins = ["pytester"]  # tests of the las pytest plugin (tests/testing/test_contract_choice.py)

# Hypothesis' own timing checks (a deadline per example, "input generation is slow") measure the
# machine, not the code: on a shared 2-core machine they fail tests that are right. Off for every
# test; the fuzz tests' settings (tests/reliability/_fuzz.py) turn them off too.
settings.register_profile("las", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("las")

OPEN_ON_CONTRACT = "open_on_contract"


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers per core, at least 4 and at most 16. Half of the suite's time is
    spent waiting (on timeouts, delays, other processes), so on CI's 2 cores 4 workers finish it
    in about 0.7 of the time 2 take (measured: 119 s against 165 s). Six were faster for one suite
    alone (101.6 s against 110.7 s) but slower in CI, where the floors suite runs beside the first
    (245 s against 211 s)."""
    return min(16, max(4, 2 * (os.cpu_count() or 1)))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{OPEN_ON_CONTRACT}(version, reason=...): a known defect on this contract, being fixed "
        "elsewhere (the reason says where): the test is expected to fail when the emulator serves it, "
        "strictly, so the fix removes the mark",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    served = served_contract(config)
    for item in items:
        for marker in item.iter_markers(OPEN_ON_CONTRACT):
            if marker.args[0] == served:
                reason = f"open on {served}: {marker.kwargs['reason']}"
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(scope="session")
def contract() -> Contract:
    """The API contract (../shared/api/oas.json); skips the test when it is absent."""
    loaded = load_contract()
    if loaded is None:
        pytest.skip(
            "../shared/api/oas.json not found (set LAS_SHARED_DIR): contract tests need the API description"
        )
    return loaded


@pytest.fixture(scope="session")
def contract_2024() -> Contract:
    """The 2024-11-29 API contract (../shared/api/oas-2024-11-29.json); skips the test when absent."""
    loaded = load_contract("2024-11-29")
    if loaded is None:
        pytest.skip(
            "../shared/api/oas-2024-11-29.json not found (set LAS_SHARED_DIR): contract tests need the "
            "API description"
        )
    return loaded


@pytest.fixture
def las_emulator_contract(las_emulator: Emulator) -> Contract:
    """The contract ``las_emulator`` serves (per ``--las-contract``); skips the test when absent."""
    loaded = load_contract(las_emulator.contract)
    if loaded is None:
        pytest.skip(f"the {las_emulator.contract} contract is not in ../shared/api (set LAS_SHARED_DIR)")
    return loaded


# --- other fixtures below ----------------------------------------------------------------------


#: How many of each emulator's recorded requests were checked already (its log only grows
#: until a reset or clear_requests, after which it is 0 again).
_CHECKED: weakref.WeakKeyDictionary[Emulator, int] = weakref.WeakKeyDictionary()


@pytest.fixture(autouse=True)
def _sdk_requests_conform_to_the_contract(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Every request the SDK sends an emulator during a test is checked against the contract
    that emulator serves (``emulator.contract``: 2021-09-23 or 2024-11-29), and a request outside
    it fails the test that sent it (an error at its teardown naming each request).

    Watched: every emulator the test's fixtures give it (``las_emulator``, ``emulator_2024``, a
    module's own), and every one the test or a fixture starts, resets or clears. A log is checked
    before :meth:`Emulator.reset` or :meth:`Emulator.clear_requests` forgets it, so what a fixture
    sent before the test cleared the log is checked too; an emulator the test stops is checked
    then and no longer held (a test may watch it being garbage collected). Left out (see
    :func:`requests_outside_the_contract`): other clients' requests, the token, file URLs, and
    requests the emulator refused as malformed (400: tests send those on purpose).
    """
    watched: dict[int, Emulator] = {}
    problems: list[str] = []
    reset, clear_requests, start, stop = (
        Emulator.reset,
        Emulator.clear_requests,
        Emulator.start,
        Emulator.stop,
    )

    def check(emulator: Emulator) -> None:
        watched[id(emulator)] = emulator
        log = emulator.requests
        problems.extend(requests_outside_the_contract(emulator, log[_CHECKED.get(emulator, 0) :]))
        _CHECKED[emulator] = len(log)

    def checked_reset(emulator: Emulator) -> None:
        check(emulator)
        reset(emulator)
        _CHECKED[emulator] = 0

    def checked_clear_requests(emulator: Emulator) -> None:
        check(emulator)
        clear_requests(emulator)
        _CHECKED[emulator] = 0

    def watched_start(emulator: Emulator) -> Emulator:
        watched[id(emulator)] = emulator
        return start(emulator)

    def checked_stop(emulator: Emulator) -> None:
        # Checked as it stops, then let go: the test may see the emulator garbage collected.
        if watched.pop(id(emulator), None) is not None:
            check(emulator)
            watched.pop(id(emulator), None)
        stop(emulator)

    monkeypatch.setattr(Emulator, "reset", checked_reset)
    monkeypatch.setattr(Emulator, "stop", checked_stop)
    monkeypatch.setattr(Emulator, "clear_requests", checked_clear_requests)
    monkeypatch.setattr(Emulator, "start", watched_start)
    yield
    given = getattr(request.node, "funcargs", None) or {}
    for value in given.values():
        if isinstance(value, Emulator):
            watched[id(value)] = value
    for emulator in watched.values():
        check(emulator)
    assert not problems, "the SDK sent requests outside the contract:\n" + "\n".join(problems)


def requests_outside_the_contract(
    emulator: Emulator, sent: Iterable[RecordedRequest] | None = None
) -> list[str]:
    """What the SDK sent ``emulator`` (``sent``: these of its recorded requests; default: all)
    that the contract it serves does not describe, one line each (none when ../shared is absent).
    Left out: the token, file URLs (not API operations), requests the emulator refused as
    malformed (400: tests send those on purpose) and requests of other clients (by their
    User-Agent)."""
    loaded = load_contract(emulator.contract)  # the contract of the emulator the SDK talks to
    if loaded is None:
        return []
    problems = []
    for record in emulator.requests if sent is None else sent:
        if (
            record.path in ("/token", "/oauth2/token")
            or record.path.startswith(FILES_PATH)
            or record.status == 400
        ):
            continue
        if not record.headers.get("User-Agent", "").startswith("las-python"):
            continue
        try:
            loaded.validate_request(record.method, record.path, record.query, record.json)
        except AssertionError as error:
            problems.append(f"{record.method} {record.path} (contract {emulator.contract}): {error}")
    return problems


# --- an emulator of the 2024-11-29 contract, whatever --las-contract says ------------------------


@pytest.fixture(scope="session")
def _emulator_2024_server() -> Iterator[Emulator]:
    with Emulator(contract="2024-11-29") as emulator:
        yield emulator


@pytest.fixture
def emulator_2024(_emulator_2024_server: Emulator) -> Emulator:
    """A running emulator of the 2024-11-29 contract with fresh state (one per test session)."""
    _emulator_2024_server.reset()
    return _emulator_2024_server
