"""The emulator hands out a ready session and client (``emulator.session()``, ``client()``,
``async_session()``, ``async_client()``, ``credentials()``): its own app client, the contract it
serves, a token cache that is never the user's; and the async fixtures do not make a user's run
print pytest-asyncio's loop-scope warning."""

from __future__ import annotations

import gc
import importlib.metadata
import os
import re
from pathlib import Path

import pytest

import las
from las.testing import Emulator


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME of the test's own, so that anything written to ``~/.lucidtech`` shows."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.mark.parametrize("contract", ["2021-09-23", "2024-11-29"])
def test_a_handed_out_client_speaks_the_served_contract_and_leaves_home_alone(
    contract: str, home: Path
) -> None:
    with Emulator(contract=contract) as emulator:
        client = emulator.client(max_retries=1)
        dataset = client.create_dataset(name="receipts")
        assert client.get_dataset(dataset["datasetId"])["name"] == "receipts"
        assert (client.contract, client.session.max_retries) == (contract, 1)
        cache = client.credentials.cache_path
        client.close()
    assert cache.is_file() and "las-emulator" in cache.read_text()  # the cache was used ...
    assert not cache.is_relative_to(home) and not (home / ".lucidtech").exists()  # ... not ~/.lucidtech
    assert [r.path for r in emulator.requests] == ["/token", "/datasets", f"/datasets/{dataset['datasetId']}"]


def test_each_handed_out_session_fetches_its_own_token(las_emulator: Emulator) -> None:
    first, second = las_emulator.session(), las_emulator.session()
    with first, second:
        las.Client(session=first).list_datasets()
        las.Client(session=second).list_datasets()
    assert first.credentials.cache_path != second.credentials.cache_path
    assert las_emulator.token_requests == 2


def test_a_given_cache_path_is_used_and_shared(las_emulator: Emulator, tmp_path: Path) -> None:
    cache = tmp_path / "tokens.json"
    with las_emulator.session(cache_path=cache) as first, las_emulator.session(cache_path=cache) as second:
        las.Client(session=first).list_datasets()
        las.Client(session=second).list_datasets()
    assert cache.is_file() and las_emulator.token_requests == 1  # the second read the first's token


def test_a_session_of_the_other_contract_refuses_what_it_cannot_carry_before_sending(
    emulator_2024: Emulator,
) -> None:
    with emulator_2024.session(contract="2021-09-23") as session:
        with pytest.raises(las.ContractError, match="2024-11-29"):
            las.Client(session=session).create_dataset(name="x", metadata={"a": 1})
    assert emulator_2024.requests == []
    with pytest.raises(las.ContractError, match="unknown API contract '2099-01-01'"):
        emulator_2024.credentials(contract="2099-01-01")


def test_credentials_need_a_running_emulator() -> None:
    with pytest.raises(RuntimeError, match="not running"):
        Emulator().session()


def test_the_token_caches_go_with_the_emulator_and_a_forked_child_leaves_them() -> None:
    with Emulator() as emulator:
        with emulator.session() as session:
            las.Client(session=session).list_datasets()
        folder = session.credentials.cache_path.parent
        pid = os.fork()
        if pid == 0:  # what a forked child's normal exit runs: it must not touch the parent's caches
            emulator._scratch_finalizer()  # type: ignore[misc]
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0 and folder.is_dir()
    del emulator
    gc.collect()
    assert not folder.exists()


@pytest.mark.asyncio
async def test_a_handed_out_async_client_speaks_the_served_contract(emulator_2024: Emulator) -> None:
    async with emulator_2024.async_client() as client:
        dataset = await client.create_dataset(name="receipts", metadata={"source": "scanner"})
        assert client.contract == "2024-11-29" and dataset["metadata"] == {"source": "scanner"}
    async with emulator_2024.async_session(max_connections=2) as session:
        assert session.max_connections == 2 and session.contract == "2024-11-29"


# --- the async fixtures in a user's run, with no pytest configuration at all ---------------------

USERS_TESTS = """
import pytest, pytest_asyncio

@pytest_asyncio.fixture
async def their_resource():
    yield 1

@pytest_asyncio.fixture(loop_scope="function")
async def declared():
    return 2

@pytest.mark.asyncio
async def test_with_las_fixtures(las_async_client, las_async_session, las_emulator):
    await las_async_client.create_dataset(name="receipts")
    assert las_async_session.contract == las_emulator.contract

@pytest.mark.asyncio
async def test_with_their_own(their_resource, declared, las_async_client):
    assert their_resource + declared == 3

@pytest.mark.asyncio
async def test_again(their_resource):
    assert their_resource == 1
"""
QUIET = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-W", "default")


def test_a_users_run_without_configuration_shows_no_loop_scope_warning_for_las_fixtures(
    pytester: pytest.Pytester,
) -> None:
    """pytest-asyncio warns at start-up whenever asyncio_default_fixture_loop_scope is unset; the
    las_async plugin silences that and warns instead for the user's own async fixture that
    depends on the option, once, and not for las_async_client/las_async_session or a fixture
    that declares its loop scope."""
    pytester.makepyfile(USERS_TESTS)
    result = pytester.runpytest_subprocess(*QUIET)
    result.assert_outcomes(passed=3)
    output = result.stdout.str() + result.stderr.str()
    assert 'The configuration option "asyncio_default_fixture_loop_scope" is unset' not in output
    for ours in ("las_async_client", "las_async_session", "'declared'"):
        assert f"async fixture {ours}" not in output and f"async fixture '{ours}'" not in output
    if int(importlib.metadata.version("pytest-asyncio").split(".")[0]) >= 1:
        assert output.count("async fixture 'their_resource' takes its event loop scope") == 1


def test_a_users_run_with_the_option_set_shows_no_warning_at_all(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(USERS_TESTS)
    result = pytester.runpytest_subprocess(*QUIET)
    result.assert_outcomes(passed=3)
    output = result.stdout.str() + result.stderr.str()
    assert "Warning" not in output and "warnings summary" not in output


def test_the_readme_names_what_the_emulator_hands_out() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    named = set(re.findall(r"`emulator\.(\w+)\(", readme))
    assert named >= {"session", "client", "async_session", "async_client", "credentials"}
    assert all(callable(getattr(Emulator, name)) for name in named)
