"""The suite's promise about what the SDK sends (tests/conftest.py): every request it sends an
emulator during a test is checked against the contract that emulator serves, and one outside it
fails the test that sent it, whichever emulator it went to and whatever the test did with the log."""

from __future__ import annotations

import pytest

from tests.contract import load_contract

QUIET = ("-p", "no:cacheprovider", "-p", "no:asyncio", "-p", "no:hypothesispytest", "-p", "no:xdist")
CONFTEST = """
from tests.conftest import _emulator_2024_server, _sdk_requests_conform_to_the_contract, emulator_2024
"""
TESTS = """
import las
import pytest
from las.testing import Emulator


def credentials(emulator, tmp_path):
    return las.Credentials(
        emulator.client_id, emulator.client_secret, emulator.auth_endpoint, emulator.api_endpoint,
        cache_path=tmp_path / "token.json", contract=emulator.contract,
    )


def test_outside_sent_to_the_fixture(las_session):
    with pytest.raises(las.NotFoundError):
        las_session.request("GET", "/no-such-path")


def test_outside_sent_before_the_test_cleared_the_log(las_session, las_emulator):
    with pytest.raises(las.NotFoundError):
        las_session.request("GET", "/forgotten-path")
    las_emulator.clear_requests()


def test_outside_sent_to_the_2024_fixture(emulator_2024, tmp_path):
    with las.Session(credentials(emulator_2024, tmp_path)) as session, pytest.raises(las.NotFoundError):
        session.request("GET", "/batches")  # the 2021 contract's; 2024-11-29 removed it


def test_outside_sent_to_an_emulator_built_by_hand(tmp_path):
    with Emulator() as emulator, las.Session(credentials(emulator, tmp_path)) as session:
        with pytest.raises(las.NotFoundError):
            session.request("GET", "/hand-built-path")


@pytest.fixture(scope="module")
def module_emulator():
    with Emulator() as emulator:  # started before any test's own check is set up
        yield emulator


def test_outside_sent_to_a_module_emulator(module_emulator, tmp_path):
    with las.Session(credentials(module_emulator, tmp_path)) as session, pytest.raises(las.NotFoundError):
        session.request("GET", "/module-path")


def test_the_next_test_on_it_is_not_blamed(module_emulator, tmp_path):
    las.Client(session=las.Session(credentials(module_emulator, tmp_path))).list_datasets()


def test_inside_the_contract(las_client, emulator_2024, tmp_path):
    las_client.list_datasets()
    las.Client(session=las.Session(credentials(emulator_2024, tmp_path))).list_plans()


def test_other_clients_and_malformed_requests_are_left_out(las_session, las_emulator):
    import requests

    assert requests.get(las_emulator.api_endpoint + "/no-such-path", timeout=5).status_code in (401, 404)
    with pytest.raises(las.BadRequestError):
        las_session.request("POST", "/datasets", json={"colour": "red"})
"""


@pytest.fixture
def unwatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's own check undone (before pytester patches anything): the inner run checks
    its emulators itself, and this test must not be failed by what the inner tests send."""
    monkeypatch.undo()


def test_a_request_outside_the_contract_fails_the_test_that_sent_it_whichever_emulator(
    unwatched: None, pytester: pytest.Pytester
) -> None:
    if load_contract() is None or load_contract("2024-11-29") is None:
        pytest.skip("../shared/api is absent (set LAS_SHARED_DIR): nothing to check requests against")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(TESTS)

    result = pytester.runpytest_inprocess(*QUIET, "--las-contract", "2021-09-23")

    result.assert_outcomes(passed=8, errors=5)
    result.stdout.fnmatch_lines_random(
        [
            "*ERROR at teardown of test_outside_sent_to_the_fixture*",
            "*ERROR at teardown of test_outside_sent_before_the_test_cleared_the_log*",
            "*ERROR at teardown of test_outside_sent_to_the_2024_fixture*",
            "*ERROR at teardown of test_outside_sent_to_an_emulator_built_by_hand*",
            "*GET /no-such-path (contract 2021-09-23): GET /no-such-path: no path of the contract matches*",
            "*GET /forgotten-path (contract 2021-09-23)*",
            "*GET /batches (contract 2024-11-29): GET /batches: no path of the contract matches*",
            "*GET /hand-built-path (contract 2021-09-23)*",
            "*ERROR at teardown of test_outside_sent_to_a_module_emulator*",
            "*GET /module-path (contract 2021-09-23)*",
        ]
    )
    blamed = "\n".join(line for line in result.outlines if line.startswith("ERROR"))
    assert "test_inside_the_contract" not in blamed and "test_the_next_test_on_it" not in blamed
