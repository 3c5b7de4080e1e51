"""The README's first screen keeps its promises: both first examples run as written (the one for an
account against an emulator standing in for the service, reached through the LAS_* variables as
the README says), the credentials.cfg it shows is read as it says, and its scope statement is
what the two contracts hold."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import las
from las import contracts
from las.credentials import read_credentials
from las.testing import Emulator
from tests.contract import load_contract

README = Path(__file__).resolve().parents[1] / "README.md"
FIRST_SCREEN_LINES = 70  # what a reader sees before scrolling far: the first screen and a bit


def _first_screen() -> str:
    text = README.read_text()
    return text[: text.index("\n## Install\n")]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _first_screen(), flags=re.DOTALL)


def _run(code: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "first.py"
    script.write_text(code)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, str(script)],
        # Only PATH and what the test gives: no credentials or profile of the machine's user.
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(home), **environment},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_first_screen_connects_and_predicts_before_line_70() -> None:
    lines = _first_screen().splitlines()
    assert len(lines) <= FIRST_SCREEN_LINES, f"the Connect section ends at line {len(lines)}"
    account, emulator = _blocks("python")
    assert "las.Session()" in account and ".predict(" in account
    assert "Emulator()" in emulator and ".predict(" in emulator


def test_the_example_without_an_account_runs_as_written(tmp_path: Path) -> None:
    emulator_example = _blocks("python")[1]
    done = _run(emulator_example, tmp_path)
    assert done.returncode == 0, done.stderr
    label, value, confidence = done.stdout.split()
    assert label == "total_amount" and float(value) >= 0 and 0 <= float(confidence) <= 1


@pytest.mark.parametrize("contract", contracts.KNOWN)
def test_the_example_for_an_account_runs_as_written_with_the_variables_the_readme_names(
    contract: str, tmp_path: Path
) -> None:
    account_example = _blocks("python")[0]
    with Emulator(contract=contract) as service:
        variables = {
            "LAS_CLIENT_ID": service.client_id,
            "LAS_CLIENT_SECRET": service.client_secret,
            "LAS_AUTH_ENDPOINT": service.auth_endpoint,
            "LAS_API_ENDPOINT": service.api_endpoint,
            "LAS_CONTRACT": contract,  # the service's own endpoint needs none: loopback does
        }
        without_a_model = _run(account_example, tmp_path, **variables)
        assert without_a_model.returncode == 1
        assert "no model yet: create one in the Cradl app" in without_a_model.stderr
        with service.client() as client:
            if contract == contracts.V2024:
                client.create_model({"total_amount": {"type": "amount"}}, name="invoices")
            else:
                client.create_model(700, 900, {"total_amount": {"type": "amount", "maxLength": 10}})
        done = _run(account_example, tmp_path, **variables)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "total_amount"
    assert [r.path for r in service.requests if r.method == "POST"][-2:] == ["/documents", "/predictions"]


def test_the_credentials_file_shown_is_read_as_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "LAS_CLIENT_ID",
        "LAS_CLIENT_SECRET",
        "LAS_AUTH_ENDPOINT",
        "LAS_API_ENDPOINT",
        "LAS_PROFILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(contracts.ENVIRONMENT_VARIABLE, raising=False)
    [shown] = _blocks("ini")
    path = tmp_path / ".lucidtech" / "credentials.cfg"
    path.parent.mkdir()
    path.write_text(shown.replace("<your app client's id>", "the-id").replace("<its secret>", "the-secret"))
    path.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))

    credentials = read_credentials()  # the default place, the [default] section
    assert (credentials.client_id, credentials.client_secret) == ("the-id", "the-secret")
    assert credentials.token_url.startswith("https://auth.lucidtech.ai/")
    assert credentials.contract == contracts.V2024  # "2024-11-29 at api.lucidtech.ai"
    assert set(credentials.sources.values()) == {f"file {path} [default]"}

    monkeypatch.setenv("LAS_CLIENT_ID", "env-id")  # the variables come before the file ...
    monkeypatch.setenv("LAS_CLIENT_SECRET", "env-secret")
    assert read_credentials().client_id == "env-id"
    monkeypatch.setenv("LAS_CONTRACT", "2021-09-23")  # ... and LAS_CONTRACT chooses the contract
    assert read_credentials().contract == contracts.V2021


def test_every_variable_the_first_screen_names_is_read() -> None:
    named = set(re.findall(r"\bLAS_[A-Z_]+", _first_screen()))
    read = {"LAS_CLIENT_ID", "LAS_CLIENT_SECRET", "LAS_AUTH_ENDPOINT", "LAS_API_ENDPOINT", "LAS_PROFILE"}
    assert named == read | {contracts.ENVIRONMENT_VARIABLE}
    source = Path(las.credentials.__file__).read_text()
    assert all(f'"{name}"' in source for name in read)


def test_the_scope_statement_is_what_the_contracts_hold() -> None:
    """ "on 2024-11-29 you start a training ... 2021-09-23 has models, data bundles and a model
    status but no training endpoint. Neither contract runs a model on your machine or hands one out."""
    first = _first_screen().split("\n\n")[1]
    assert "train models on datasets" not in first and "no training endpoint" in first
    assert callable(las.Model.train)
    old, new = load_contract("2021-09-23"), load_contract("2024-11-29")
    if old is None or new is None:
        pytest.skip("../shared/api has not both contracts (set LAS_SHARED_DIR): the scope is not checked")
    old_paths, new_paths = set(old.document["paths"]), set(new.document["paths"])
    assert not any("training" in path.lower() for path in old_paths)
    assert {"/models/{modelId}/dataBundles", "/models/{modelId}"} <= old_paths
    assert (
        "/models/{modelId}/trainings" in new_paths
        and "post" in new.document["paths"]["/models/{modelId}/trainings"]
    )
    for spec in (old.document, new.document):  # no model file to download, nothing to run locally
        model_paths = [path for path in spec["paths"] if path.startswith("/models")]
        assert not any(
            word in path.lower() for path in model_paths for word in ("download", "export", "file")
        )
