# --- API contract (tests/contract.py) ----------------------------------------------------------
from __future__ import annotations

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
