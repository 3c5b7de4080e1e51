# --- API contract (tests/contract.py) ----------------------------------------------------------
from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.contract import Contract, load_contract

pytest_plugins = ["pytester"]  # tests of the las pytest plugin (tests/testing/test_contract_choice.py)

# Hypothesis' own timing checks (a deadline per example, "input generation is slow") measure the
# machine, not the code: on a shared 2-core machine they fail tests that are right. Off for every
# test; the fuzz tests' settings (tests/reliability/_fuzz.py) turn them off too.
settings.register_profile("las", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("las")


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


# --- other fixtures below ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _sdk_requests_conform_to_the_contract(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every request the SDK sends to the emulator in a test is checked against the contract.

    Requests other code sends (raw ``requests`` calls probing the emulator) are left out by
    their User-Agent, and so are those the emulator refused as malformed (400): tests send
    those on purpose.
    """
    if "las_emulator" not in request.fixturenames:
        yield
        return
    emulator = request.getfixturevalue("las_emulator")
    yield
    problems = requests_outside_the_contract(emulator)
    assert not problems, "the SDK sent requests outside the contract:\n" + "\n".join(problems)


def requests_outside_the_contract(emulator: Emulator) -> list[str]:
    """What the SDK sent ``emulator`` that the contract it serves does not describe, one line
    each (none when ../shared is absent). Left out: the token, file URLs (not API operations),
    requests the emulator refused as malformed (400: tests send those on purpose) and requests
    of other clients (by their User-Agent)."""
    loaded = load_contract(emulator.contract)  # the contract of the emulator the SDK talks to
    if loaded is None:
        return []
    problems = []
    for sent in emulator.requests:
        if sent.path in ("/token", "/oauth2/token") or sent.path.startswith(FILES_PATH) or sent.status == 400:
            continue
        if not sent.headers.get("User-Agent", "").startswith("las-python"):
            continue
        try:
            loaded.validate_request(sent.method, sent.path, sent.query, sent.json)
        except AssertionError as error:
            problems.append(f"{sent.method} {sent.path}: {error}")
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
