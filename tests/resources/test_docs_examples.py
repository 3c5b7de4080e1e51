"""Run every script of docs/examples against the emulator, and check the guide shows them verbatim."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import las
from las.testing import Emulator

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.py"))
# The guide is written for the default emulator (2021-09-23); these examples use what only that
# contract has. The rest run against either (the 2024 guide's example: tests/entities/test_docs.py).
ONLY_2021 = {
    "budget.py": "document.load() brings the inline content, which 2024-11-29 keeps at a file URL",
    "objects.py": "a model's width and height",
    "quickstart.py": "a model's width and height",
    "workflows.py": "a transition's output JSON schema",
}
ONLY_2021_MARK = pytest.mark.las_contract("2021-09-23")


def examples() -> list[Any]:
    return [
        pytest.param(script, id=script.name, marks=[ONLY_2021_MARK] if script.name in ONLY_2021 else [])
        for script in EXAMPLES
    ]


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("script", examples())
def test_example_runs_against_the_emulator(script: Path, las_emulator: Emulator, tmp_path: Path) -> None:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),  # no real credentials file, a private token cache
        "LAS_CLIENT_ID": las_emulator.client_id,
        "LAS_CLIENT_SECRET": las_emulator.client_secret,
        "LAS_AUTH_ENDPOINT": las_emulator.auth_endpoint,
        "LAS_API_ENDPOINT": las_emulator.api_endpoint,
        "LAS_CONTRACT": las_emulator.contract,  # as `las serve` prints it beside the credentials
    }
    done = subprocess.run(
        [sys.executable, str(script)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr}"


def test_the_guide_shows_each_example_as_it_is() -> None:
    guide = (DOCS / "guide.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", guide, flags=re.DOTALL)
    by_file = {block.splitlines()[0]: block for block in blocks if block.startswith("# docs/examples/")}
    for script in EXAMPLES:
        header = f"# docs/examples/{script.name}"
        assert header in by_file, f"docs/guide.md does not show {script.name}"
        assert by_file[header] == script.read_text(), f"docs/guide.md shows an outdated {script.name}"


@ONLY_2021_MARK  # a model's width and height
def test_the_guides_pytest_example_passes(las_session: las.Session, las_emulator: Emulator) -> None:
    guide = (DOCS / "guide.md").read_text()
    [snippet] = [
        block
        for block in re.findall(r"```python\n(.*?)```", guide, flags=re.DOTALL)
        if "def test_predicts_the_total" in block
    ]
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(DOCS / "guide.md"), "exec"), namespace)
    namespace["test_predicts_the_total"](las_session, las_emulator)
