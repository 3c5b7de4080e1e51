# --- API contract (tests/contract.py) ----------------------------------------------------------
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract import Contract, load_contract


@pytest.fixture(scope="session")
def contract() -> Contract:
    """The API contract (../shared/api/oas.json); skips the test when it is absent."""
    loaded = load_contract()
    if loaded is None:
        pytest.skip(
            "../shared/api/oas.json not found (set LAS_SHARED_DIR): contract tests need the API description"
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
    loaded = load_contract()
    if loaded is None or "las_emulator" not in request.fixturenames:
        yield
        return
    emulator = request.getfixturevalue("las_emulator")
    yield
    problems = []
    for sent in emulator.requests:
        if sent.path in ("/token", "/oauth2/token") or sent.status == 400:
            continue
        if not sent.headers.get("User-Agent", "").startswith("las-python"):
            continue
        try:
            loaded.validate_request(sent.method, sent.path, sent.query, sent.json)
        except AssertionError as error:
            problems.append(f"{sent.method} {sent.path}: {error}")
    assert not problems, "the SDK sent requests outside the contract:\n" + "\n".join(problems)
