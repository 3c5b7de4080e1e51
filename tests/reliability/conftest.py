"""Fixtures for the reliability tests: sessions with retry budgets suited to fault injection,
and small entities (a model, a workflow) to create things against."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator
from las.testing._files import FILES_PATH
from tests.support.contracts import model_size

MODEL_FIELDS = {"total_amount": {"type": "amount", "maxLength": 10, "description": "Total"}}


@pytest.fixture
def patient_client(las_emulator: Emulator, tmp_path: Path) -> Iterator[las.Client]:
    """A Client whose Session retries many times (faults come in runs), with short timeouts."""
    with las_emulator.session(
        cache_path=tmp_path / "token-cache.json", max_retries=25, timeout=(2.0, 10.0)
    ) as session:
        yield las.Client(session=session)


@pytest.fixture
def blunt_client(las_emulator: Emulator, tmp_path: Path) -> Iterator[las.Client]:
    """A Client whose Session never retries: the first answer is what the caller gets."""
    with las_emulator.session(
        cache_path=tmp_path / "token-cache.json", max_retries=0, timeout=(2.0, 10.0)
    ) as session:
        yield las.Client(session=session)


@pytest.fixture
def model_id(las_client: las.Client) -> str:
    return str(
        las_client.create_model(
            MODEL_FIELDS, **model_size(las_client.contract, 300, 400), name="reliability"
        )["modelId"]
    )


@pytest.fixture
def workflow_id(las_client: las.Client) -> str:
    transition = las_client.create_transition("manual", name="Review")
    specification = {
        "language": "ASL",
        "version": "1.0.0",
        "definition": {
            "StartAt": "Review",
            "States": {"Review": {"Type": "Task", "Resource": transition["transitionId"], "End": True}},
        },
    }
    return str(las_client.create_workflow(specification, name="reliability")["workflowId"])


def api_requests(emulator: Emulator) -> list[Any]:
    """The recorded requests to the API (the token endpoint and 2024-11-29's file URLs left out)."""
    return [
        record
        for record in emulator.requests
        if record.path != "/token" and not record.path.startswith(FILES_PATH)
    ]
