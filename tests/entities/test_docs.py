"""The guide's "Models and training" section runs as written against the 2024 emulator, its
waits moving the emulator's clock instead of sleeping."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator

from .conftest import Sent

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide.md"


def test_the_guides_training_example_runs(
    emulator: Emulator, sent: Sent, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    [snippet] = [
        block
        for block in re.findall(r"```python\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)
        if block.startswith("# Models and training")
    ]
    for name, value in {
        "LAS_CLIENT_ID": emulator.client_id,
        "LAS_CLIENT_SECRET": emulator.client_secret,
        "LAS_AUTH_ENDPOINT": emulator.auth_endpoint,
        "LAS_API_ENDPOINT": emulator.api_endpoint,
        "HOME": str(tmp_path),
    }.items():
        monkeypatch.setenv(name, value)
    emulator.clock.freeze()
    monkeypatch.setattr(time, "sleep", emulator.clock.advance)  # the waits move the clock
    namespace: dict[str, Any] = {}
    with emulator.session(cache_path=tmp_path / "setup-token.json") as setup:
        made = las.Dataset.create(name="scans", session=setup)
        namespace["dataset_id"] = made.id
        [namespace["document_id"]] = emulator.seed_documents(1, dataset_id=made.id)
    sent.clear()

    exec(compile(snippet, str(GUIDE), "exec"), namespace)

    training, prediction = namespace["training"], namespace["prediction"]
    assert training.status == "succeeded" and training.deployment_environment_id is not None
    assert prediction.training_id == training.id and namespace["model"].training_id == training.id
    assert [path for method, path in sent.calls if method == "POST"] == [
        "/models",
        f"/models/{namespace['model'].id}/dataBundles",
        f"/models/{namespace['model'].id}/trainings",
        "/predictions",
    ]
