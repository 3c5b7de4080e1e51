"""SDK conversations replayed from the recorded cassettes in ``cassettes/``.

These tests need neither the emulator nor a network: vcrpy answers every request from the
cassette and refuses any request that was not recorded. Re-record with
``.venv/bin/python -m tests.support.cassettes``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from tests.support import cassettes

ID = re.compile(r"^las:[a-z-]+:[a-f0-9]{32}$")


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Any]:
    """Run a scenario against its cassette only (record_mode="none")."""
    sessions: list[las.Session] = []

    def run(name: str) -> dict[str, Any]:
        session = cassettes.replay_session(tmp_path)
        sessions.append(session)
        with cassettes.cassette_vcr("none").use_cassette(f"{name}.yaml") as cassette:
            result = cassettes.SCENARIOS[name](session)
            assert cassette.all_played, f"{name}: the SDK skipped recorded requests"
        return result

    yield run
    for session in sessions:
        session.close()


def test_every_scenario_has_a_cassette() -> None:
    for name in cassettes.SCENARIOS:
        assert (cassettes.CASSETTES / f"{name}.yaml").exists(), (
            f"run python -m tests.support.cassettes ({name})"
        )


def test_documents_lifecycle_replays(replay: Any) -> None:
    result = replay("documents_lifecycle")
    dataset_id = result["dataset"]["datasetId"]
    document = result["document"]
    assert ID.match(dataset_id) and ID.match(document["documentId"])
    assert document["datasetId"] == dataset_id and document["contentType"] == "application/pdf"
    assert result["listed"] == [document["documentId"]]
    assert result["fetched"]["documentId"] == document["documentId"]
    assert result["updated_ground_truth"] == [{"label": "total_amount", "value": "13.00"}]
    assert result["deleted"] == dataset_id


def test_prediction_through_resources_replays(replay: Any) -> None:
    result = replay("prediction_through_resources")
    prediction = result["prediction"]
    assert isinstance(prediction, las.Prediction) and isinstance(result["model"], las.Model)
    assert result["values"] == {"invoice_number": "INV-1", "total_amount": "99.00"}
    assert result["prediction_document_id"] == result["document"].id
    assert all(0 <= item.confidence <= 1 for item in prediction.predictions)


def test_workflow_run_replays(replay: Any) -> None:
    result = replay("workflow_run")
    assert result["started"]["status"] == "running"
    assert result["task"]["status"] == "running"
    assert result["finished"]["status"] == "succeeded"
    assert result["finished"]["output"] == {"ok": True}


def test_not_found_replays_as_the_sdk_exception(replay: Any) -> None:
    result = replay("not_found")
    assert result["status"] == 404 and result["message"]


def test_cassettes_hold_no_credentials_or_tokens() -> None:
    for path in cassettes.CASSETTES.glob("*.yaml"):
        text = path.read_text()
        assert cassettes.CLIENT_SECRET not in text, path
        assert "Bearer " not in text.replace('"token_type": "Bearer"', ""), path
        assert "Basic " not in text, path
        assert re.search(r"(?i)authorization", text) is None, path
        for token in re.findall(r'"access_token": "([^"]*)"', text):
            assert token == cassettes.REDACTED, path
