"""A script written for lucidtech-las 11.4.1's ``las.Client`` runs unchanged against a Client whose
session speaks 2024-11-29 (chosen by ``LAS_CONTRACT``), and every request it sends is the 2024
contract's (validated with jsonschema against oas-2024-11-29.json).

It runs against the recorder, which answers the ids the script reads. Once the 2024 emulator is
merged, this script belongs with the compatibility scripts run against ``Emulator(contract=
"2024-11-29")`` (issue 20, point 5), where the answers are the emulator's own.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from tests.contract import load_contract
from tests.support.recorder import CLIENT_ID, CLIENT_SECRET, Recorder, Reply

SCRIPT = Path(__file__).parent / "scripts" / "written_for_lucidtech_las_11_4.py"
HEX = "0" * 32


def test_a_script_written_for_lucidtech_las_11_4_runs_unchanged_on_the_2024_contract(
    recorder: Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "LAS_CLIENT_ID": CLIENT_ID,
        "LAS_CLIENT_SECRET": CLIENT_SECRET,
        "LAS_AUTH_ENDPOINT": recorder.url,
        "LAS_API_ENDPOINT": recorder.url,
        "LAS_CONTRACT": "2024-11-29",
        "HOME": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LAS_PROFILE", raising=False)
    recorder.reply(Reply(body={"datasetId": f"las:dataset:{HEX}"}), path="/datasets")
    recorder.reply(Reply(body={"documentId": f"las:document:{HEX}"}), path="/documents")
    recorder.reply(Reply(body={"modelId": "las:model:invoices-2"}), path="/models")
    recorder.reply(Reply(body={"transitionId": f"las:transition:{HEX}"}), path="/transitions")
    recorder.reply(Reply(body={"workflowId": f"las:workflow:{HEX}"}), path="/workflows")

    runpy.run_path(str(SCRIPT), run_name="__main__")

    sent = recorder.api_requests
    assert len(sent) == 18  # one request per call
    assert [(request.method, request.path.split("/")[1]) for request in sent][:3] == [
        ("POST", "datasets"),
        ("PATCH", "datasets"),
        ("POST", "documents"),
    ]
    contract = load_contract("2024-11-29")
    if contract is None:
        pytest.skip(
            "oas-2024-11-29.json is not in ../shared/api (set LAS_SHARED_DIR): requests not validated"
        )
    problems = []
    for request in sent:
        try:
            contract.validate_request(request.method, request.raw_path, request.query, request.json)
        except AssertionError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)
