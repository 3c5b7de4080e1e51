"""A script written for lucidtech-las 11.4.1's ``las.Client`` (tests/client/scripts/) runs
unchanged against the 2024-11-29 emulator, on a session that speaks that contract because
``LAS_CONTRACT`` says so, and every request it sends to the API is the 2024 contract's
(validated with jsonschema against oas-2024-11-29.json; the transfers to file URLs are not API
requests)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import las
from las.testing import Emulator
from tests.contract import load_contract

SCRIPT = Path(__file__).parent / "scripts" / "written_for_lucidtech_las_11_4.py"


def _environment(monkeypatch: pytest.MonkeyPatch, emulator: Emulator, home: Path) -> None:
    for name, value in {
        "LAS_CLIENT_ID": emulator.client_id,
        "LAS_CLIENT_SECRET": emulator.client_secret,
        "LAS_AUTH_ENDPOINT": emulator.auth_endpoint,
        "LAS_API_ENDPOINT": emulator.api_endpoint,
        "LAS_CONTRACT": "2024-11-29",
        "HOME": str(home),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LAS_PROFILE", raising=False)


def test_a_script_written_for_lucidtech_las_11_4_runs_unchanged_against_the_2024_emulator(
    emulator_2024: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _environment(monkeypatch, emulator_2024, tmp_path)

    runpy.run_path(str(SCRIPT), run_name="__main__")

    api = [
        sent
        for sent in emulator_2024.requests
        if sent.path != "/token" and not sent.path.startswith("/_files/")
    ]
    assert len(api) == 20 and all(sent.status == 200 for sent in emulator_2024.requests)
    assert [sent.method for sent in emulator_2024.requests if sent.path.startswith("/_files/")] == [
        "PUT",
        "GET",
    ]
    contract = load_contract("2024-11-29")
    if contract is None:
        pytest.skip(
            "oas-2024-11-29.json is not in ../shared/api (set LAS_SHARED_DIR): requests not validated"
        )
    problems = []
    for sent in api:
        try:
            contract.validate_request(sent.method, sent.path, sent.query, sent.json)
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


def test_the_same_script_on_a_session_left_at_the_loopback_default_is_refused_before_sending(
    emulator_2024: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without LAS_CONTRACT a loopback endpoint is taken to speak 2021-09-23: the first argument
    that contract cannot carry says so, and nothing of it is sent."""
    _environment(monkeypatch, emulator_2024, tmp_path)
    monkeypatch.delenv("LAS_CONTRACT")
    with pytest.raises(las.ContractError, match=r"POST /datasets with metadata .* LAS_CONTRACT=2024-11-29"):
        runpy.run_path(str(SCRIPT), run_name="__main__")
    assert emulator_2024.requests == []
